from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import Directive, NginxConfig, Scope
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import (
    display,
    effective_headers,
    header_contributors,
    is_tls,
    judged,
    object_label,
    required_headers,
    required_label,
    satisfied,
    scope_label,
    server_label,
    server_serves,
    serving_leaves,
    unknown_from,
    unknowns,
)

@rule(id="IL501", name="missing-security-headers", severity="medium", formats=("nginx",))
def missing_security_headers(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Server sends responses without basic security headers

    ## What it does
    For every nginx `server` that serves content, computes the response headers in effect where
    requests end (each innermost `location`, or the server itself when it has none), following
    nginx's inheritance: `add_header` at a level replaces everything set at outer levels.
    It reports when that effective set lacks `X-Content-Type-Options`, `X-Frame-Options` (a
    `Content-Security-Policy` with `frame-ancestors` counts instead) and, on TLS servers (`listen
    ... ssl`, `quic`, port 443, `ssl on`), `Strict-Transport-Security`. The list is configurable
    (`required-headers`). When no location has a header, one finding points at the `server`;
    otherwise each `location` that lacks it is reported.

    Headers added without `always` are reported at low severity, on the `add_header` line: nginx
    then sends them only with 2xx and 3xx responses, so error pages (which often echo user input)
    go without them.

    A value held in a variable (`add_header X-Frame-Options $x_frame_options always;`, usually
    fed by a `map`) counts as present, as do `more_set_headers` (headers-more) entries. Servers
    that only redirect (every location `return`s a 3xx, `return 444`, or a bare error status)
    and stream (TCP) servers are skipped; a server with an ACME challenge location serves those
    files, so it is judged. Where an `include` outside the
    scanned root could have supplied the headers, nothing is reported. A `conf.d` fragment is
    judged inside the main config that includes it when that config is in the scan.

    ## Why is this bad?
    Without `X-Content-Type-Options: nosniff` browsers may sniff an upload or an API response as
    HTML or script and run it. Without `X-Frame-Options` (or CSP `frame-ancestors`) any site can
    frame your pages for clickjacking. Without HSTS the first plain-HTTP request of every visit
    can be intercepted and downgraded (SSL stripping).

    ## Example
    ```nginx
    server {
        listen 443 ssl;
        server_name app.example.com;
        location /api/ {
            proxy_pass http://api:3000;
        }
    }
    ```

    ## Use instead
    ```nginx
    server {
        listen 443 ssl;
        server_name app.example.com;
        add_header Strict-Transport-Security "max-age=63072000" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        location /api/ {
            proxy_pass http://api:3000;
        }
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    unknown = unknowns(doc)
    for server in doc.servers():
        if not server_serves(server):
            continue
        leaves = serving_leaves(doc, server, acme_serves=True)
        if not leaves:
            continue  # every location redirects
        required = required_headers(ctx.settings.required_headers, is_tls(server))
        missing: list[tuple[Scope, list[str] | None]] = []  # None: unknown (unread include)
        not_always: dict[Span, tuple[Scope, str]] = {}
        for leaf in leaves:
            if unknown_from(leaf, unknown, header_contributors(leaf)):
                missing.append((leaf, None))
                continue
            headers = effective_headers(leaf)
            lacks: list[str] = []
            for name in required:
                found = satisfied(name, headers)
                if not found:
                    lacks.append(name)
                elif not any(h.always for h in found):
                    # The directive to fix: the first one providing the header, wherever it is set.
                    for h in found:
                        if h.name == found[0].name:
                            not_always.setdefault(h.span, (_setter(leaf, h.level), h.name))
            missing.append((leaf, lacks))
        yield from _report_missing(server, required, missing, ctx)
        for span, (leaf, name) in sorted(not_always.items(), key=lambda item: (item[0].path, item[0].line)):
            yield ctx.report(
                span,
                f"{display(name)} is added without `always`, so error responses (4xx/5xx) go "
                f"without it",
                severity="low",
                object=object_label(leaf) or "http",
                key=f"not-always:{name}",
            )


def _setter(leaf: Scope, level: Directive) -> Scope:
    """The scope of the block that set a header (for the finding's object)."""
    for i, d in enumerate(leaf.chain):
        if d is level:
            return Scope(leaf.chain[: i + 1])
    return leaf


def _report_missing(server: Scope, required: list[str], missing: list[tuple[Scope, list[str] | None]],
                    ctx: Context) -> Iterator[Finding]:
    """One finding on the `server` for headers no location has (claimable only when every leaf is
    known), then one per location for the rest."""
    label = server_label(server)
    known = [(leaf, lacks) for leaf, lacks in missing if lacks is not None]
    everywhere: list[str] = []
    if known and len(known) == len(missing):
        everywhere = [n for n in required if all(n in lacks for _, lacks in known)]
    if everywhere:
        yield _missing(ctx, server, everywhere, label)
    for leaf, lacks in known:
        names = [n for n in lacks if n not in everywhere]
        if names and leaf.block is not server.block:
            yield _missing(ctx, leaf, names, f"{scope_label(leaf)} of {label}")


def _missing(ctx: Context, scope: Scope, names: list[str], subject: str) -> Finding:
    listed = ", ".join(required_label(n) for n in names)
    return ctx.report(scope.block.span, f"{subject} sends responses without {listed}",
                      object=object_label(scope), key=f"missing:{','.join(names)}")
