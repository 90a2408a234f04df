from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import NginxConfig, Scope
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import judged, local_scope, object_label, report_owners, reports_here

# Protocols broken or deprecated (RFC 7568 for SSLv3, RFC 8996 for TLS 1.0 and 1.1).
WEAK_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")

# Weak cipher families, in the order messages name them.
FAMILIES = ("NULL", "aNULL", "EXPORT", "RC4", "DES", "3DES", "MD5")

# OpenSSL cipher-string keywords (case-sensitive in OpenSSL: `aNULL` is not `ANULL`) and the weak
# families each one selects. `ALL` selects everything but eNULL; `LOW` is the 56/64-bit ciphers;
# `MEDIUM` holds 3DES (and RC4 where it is still built) since OpenSSL 1.1.0. `HIGH` and `DEFAULT`
# are left alone: on any OpenSSL still shipped they hold none of these families.
KEYWORDS: dict[str, frozenset[str]] = {
    "NULL": frozenset({"NULL"}), "eNULL": frozenset({"NULL"}), "aNULL": frozenset({"aNULL"}),
    "ADH": frozenset({"aNULL"}), "AECDH": frozenset({"aNULL"}),
    "EXPORT": frozenset({"EXPORT"}), "EXP": frozenset({"EXPORT"}),
    "EXPORT40": frozenset({"EXPORT"}), "EXPORT56": frozenset({"EXPORT"}),
    "RC4": frozenset({"RC4"}), "DES": frozenset({"DES"}), "3DES": frozenset({"3DES"}),
    "MD5": frozenset({"MD5"}), "LOW": frozenset({"DES"}), "MEDIUM": frozenset({"3DES", "RC4"}),
    "ALL": frozenset(FAMILIES) - {"NULL"},
}

# A negated keyword (`!aNULL`) removes a whole family for good, whatever comes after it.
# `!ADH` alone does not: anonymous ECDH (`AECDH-…`) suites remain.
NEGATIONS: dict[str, frozenset[str]] = {
    "aNULL": frozenset({"aNULL"}), "NULL": frozenset({"NULL"}), "eNULL": frozenset({"NULL"}),
    "EXPORT": frozenset({"EXPORT"}), "EXP": frozenset({"EXPORT"}),
    "RC4": frozenset({"RC4"}), "DES": frozenset({"DES"}), "3DES": frozenset({"3DES"}),
    "MD5": frozenset({"MD5"}), "LOW": frozenset({"DES", "EXPORT"}),
    "MEDIUM": frozenset({"3DES", "RC4"}), "SSLv2": frozenset({"EXPORT"}),
}

_SEPARATORS = re.compile(r"[:,\s]+")


@rule(id="IL504", name="weak-tls", severity="high", formats=("nginx",))
def weak_tls(doc: Document, ctx: Context) -> Iterator[Finding]:
    """TLS settings enable broken protocols or ciphers

    ## What it does
    Reports an `ssl_protocols` directive that enables `SSLv2`, `SSLv3`, `TLSv1` or `TLSv1.1`,
    and an `ssl_ciphers` directive whose cipher string enables a weak family: RC4, DES, 3DES
    (`DES-CBC3-…`), MD5, NULL (no encryption), EXPORT/EXP, or aNULL (no authentication: `ADH`,
    `AECDH`). A family negated anywhere in the string with `!` (`!aNULL`, `!MD5`, `!3DES`) is
    removed for good and never reported. Besides explicit names and keywords, `ALL` (everything
    but eNULL), `LOW` (DES) and `MEDIUM` (3DES, RC4) count as enabling the families they hold
    unless those are negated; `HIGH` and `DEFAULT` are not reported (modern OpenSSL keeps the
    weak families out of them). An `ssl_ciphers` that applies only where `ssl_protocols` is
    `TLSv1.3` alone is not reported: TLS 1.3 suites are not chosen by `ssl_ciphers`.

    The finding points at the directive; one shared snippet included by many servers is
    reported once.

    ## Why is this bad?
    SSLv3 is broken by POODLE, TLS 1.0 and 1.1 are formally deprecated (RFC 8996) and rely on
    SHA-1 and CBC constructions with known attacks. RC4 and DES are broken, 3DES falls to
    Sweet32, EXPORT suites were deliberately weakened (FREAK, Logjam), NULL suites do not encrypt
    and aNULL suites do not authenticate the server, so anyone in the path can read or alter the
    traffic. Clients that support only these are long gone; enabling them only helps attackers
    force a downgrade.

    ## Example
    ```nginx
    server {
        listen 443 ssl;
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
        ssl_ciphers ALL:!ADH:RC4+RSA:+HIGH:+MEDIUM;
    }
    ```

    ## Use instead
    ```nginx
    server {
        listen 443 ssl;
        # Mozilla "intermediate" configuration.
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_prefer_server_ciphers off;
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    owners = report_owners(ctx.project)
    seen: set[Span] = set()
    root = doc.root()
    for parents, d in doc.walk():
        if d.name not in ("ssl_protocols", "ssl_ciphers") or d.span in seen:
            continue
        seen.add(d.span)  # a snippet included by many servers appears once per include
        if not reports_here(doc, d.span, owners):
            continue
        if d.name == "ssl_protocols":
            weak = [a for a in d.args if a in WEAK_PROTOCOLS]
            if weak:
                yield ctx.report(
                    d.span,
                    f"ssl_protocols enables {', '.join(weak)} (broken or deprecated); use "
                    f"`ssl_protocols TLSv1.2 TLSv1.3;`",
                    object=object_label(local_scope(root, parents, d.span)),
                    key="protocols:" + ",".join(weak),
                )
            continue
        if _tls13_only(Scope((root, *parents, d))):
            continue
        families = weak_families(" ".join(d.args))
        if families:
            yield ctx.report(
                d.span,
                f"ssl_ciphers enables weak ciphers ({', '.join(families)}); negate them "
                f"(`!{families[0]}`) or use Mozilla's intermediate cipher list",
                object=object_label(local_scope(root, parents, d.span)),
                key="ciphers:" + ",".join(families),
            )


def weak_families(cipher_string: str) -> list[str]:
    """The weak families an OpenSSL cipher string enables, after its `!` (and `-`) removals.

    Tokens are `:`, `,` or space separated. `!X` deletes X for good and `-X` removes it (we take
    both as final: re-adding after `-` is rare); `+X` only reorders; `A+B` selects what is in
    both A and B; `@STRENGTH`/`@SECLEVEL=n` are commands. A full suite name (`DES-CBC3-SHA`,
    `ECDHE-RSA-RC4-SHA`) is read from its components."""
    removed: set[str] = set()
    enabled: set[str] = set()
    for token in _SEPARATORS.split(cipher_string.strip()):
        if not token or token.startswith("@") or token.startswith("+"):
            continue
        if token[0] in "!-":
            removed |= NEGATIONS.get(token[1:], frozenset())
            continue
        enabled |= _token_families(token)
    return [f for f in FAMILIES if f in enabled and f not in removed]


def _token_families(token: str) -> set[str]:
    """Families a positive token selects. `A+B` is an intersection: `RSA+RC4` is RC4 ciphers,
    `EECDH+AES` none of ours; a part that is no weak keyword does not narrow it to nothing."""
    parts = token.split("+")
    if len(parts) > 1:
        found: set[str] = set()
        for part in parts:
            if part != "ALL":  # `ALL+RC4` is RC4, not everything
                found |= KEYWORDS.get(part, frozenset())
        return found
    if token in KEYWORDS:
        return set(KEYWORDS[token])
    return _suite_families(token)


def _suite_families(name: str) -> set[str]:
    """Weak families of one suite name, from its dash-separated components."""
    comps = name.upper().split("-")
    if len(comps) < 2 or name.upper().startswith("TLS_"):
        return set()
    found: set[str] = set()
    if comps[0] in ("EXP", "EXP1024"):
        found.add("EXPORT")
    if "RC4" in comps:
        found.add("RC4")
    if "3DES" in comps or ("DES" in comps and ("CBC3" in comps or "EDE" in comps)):
        found.add("3DES")
    elif "DES" in comps:
        found.add("DES")
    if comps[-1] == "MD5":
        found.add("MD5")
    if "NULL" in comps:
        found.add("NULL")
    if comps[0] in ("ADH", "AECDH") or "ANON" in comps:
        found.add("aNULL")
    return found


def _tls13_only(scope: Scope) -> bool:
    """Where only TLS 1.3 is enabled, `ssl_ciphers` chooses nothing (1.3 suites are separate)."""
    protocols = scope.inherited_value("ssl_protocols")
    return protocols is not None and list(protocols.args) == ["TLSv1.3"]
