from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import PROXY_DIRECTIVES, Directive, NginxConfig, Scope
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import (
    is_internal,
    judged,
    object_label,
    report_owners,
    reports_here,
    scope_label,
    server_label,
    server_serves,
    serving_leaves,
    unknown_from,
    unknowns,
)

# Requests a dotfile deny must catch: a secret at the top of the root and inside a hidden folder.
_PROBES = ("/.env", "/.git/config")


@rule(id="IL508", name="dotfiles-exposed", severity="medium", formats=("nginx",))
def dotfiles_exposed(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Server serves files from a `root` without denying dotfiles (`.env`, `.git`)

    ## What it does
    For every server that serves files from disk (a location, or the server itself, that has a
    `root` in effect and neither proxies nor returns), looks for a regex location that denies
    dotfiles: its pattern matches `/.env` and `/.git/config` (`location ~ /\\.`,
    `location ~* /\\.(?!well-known)`, h5bp's `location ~* /\\.(?!well-known\\/)`) and it answers
    `deny all;` or `return 403;` / `404` / `444`. The deny may sit at server level or inside the
    prefix location the files are served from. A server without a `location /` answers what
    its locations do not match from its own `root` (the PHP layout, with only `~ \\.php$`
    below), so it serves files too. A deny for some dotfiles only
    (`location ~ /\\.ht`, from nginx's default config) does not count.

    Reports the `server` when files are served without such a deny. When the server has one,
    reports each `^~` prefix location that serves files and has no deny of its own: `^~` stops
    nginx from evaluating regex locations, so the server's deny never applies under it. ACME
    challenge locations, `internal`, proxying, redirect-only locations and locations that
    `deny all;` without any `allow` are not file-serving. Nothing is reported where an `include` outside the scanned root could hold the deny.

    ## Why is this bad?
    Deployments copy whole directories into the web root: `.git/` (the full source history,
    often with credentials), `.env` (database passwords, API keys), `.htpasswd`, editor
    backups. nginx serves any file it finds under `root`, hidden or not. Scanners request
    `/.git/config` and `/.env` on every host they find, within minutes of a deploy.

    ## Example
    ```nginx
    server {
        listen 80;
        root /var/www/html;
        location / {
            try_files $uri $uri/ /index.html;
        }
    }
    ```

    ## Use instead
    ```nginx
    server {
        listen 80;
        root /var/www/html;
        # Hidden files and folders, except /.well-known/ (ACME, security.txt).
        location ~* /\\.(?!well-known\\/) {
            deny all;
        }
        location / {
            try_files $uri $uri/ /index.html;
        }
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    owners = report_owners(ctx.project)
    unknown = unknowns(doc)
    seen: set[Span] = set()
    for server in doc.servers():
        if not server_serves(server) or unknown.at(server.block):
            continue
        server_deny = any(_denies_dotfiles(d) for d in server.block.block or ())
        exposed = False
        bypasses: list[Scope] = []
        for leaf in serving_leaves(doc, server) + _fallbacks(doc, server):
            if not _serves_files(leaf) or unknown_from(leaf, unknown, len(server.chain)):
                continue
            locations = leaf.chain[len(server.chain):]
            if locations and locations[-1].args and locations[-1].args[0] == "=":
                continue  # an exact location serves one known path
            stop = next((i for i, d in enumerate(locations) if _no_regex(d)), None)
            if stop is None:
                if not (server_deny or any(_has_deny(d) for d in locations)):
                    exposed = True
                continue
            # Under `^~` only regex locations nested inside it are evaluated.
            if any(_has_deny(d) for d in locations[stop:]):
                continue
            if server_deny:
                bypasses.append(Scope(server.chain + locations[: stop + 1]))
            else:
                exposed = True
        if exposed and reports_here(doc, server.block.span, owners) and server.block.span not in seen:
            seen.add(server.block.span)
            yield ctx.report(
                server.block.span,
                f"{server_label(server)} serves files from its root without denying dotfiles: "
                f"`/.git/config` and `/.env` can be downloaded; add "
                f"`location ~* /\\.(?!well-known\\/) {{ deny all; }}`",
                object=object_label(server),
                key="no-deny",
            )
        for scope in bypasses:
            block = scope.block
            if block.span in seen or not reports_here(doc, block.span, owners):
                continue
            seen.add(block.span)
            yield ctx.report(
                block.span,
                f"{scope_label(scope)} of {server_label(server)} is a `^~` location: nginx skips "
                f"regex locations for it, so the server's dotfile deny does not apply to the "
                f"files it serves; add the deny inside it",
                object=object_label(scope),
                key="bypass",
            )


def _fallbacks(doc: NginxConfig, server: Scope) -> list[Scope]:
    """Levels that answer the requests no location below them matches: the server itself when
    it has no `location /` (the PHP layout: `root` at server level, only `~ \\.php$` below), and
    a location whose nested locations leave some of its URIs unmatched."""
    levels = [s for s in doc.scopes(server) if s.block.name == "location"
              and any(c.name == "location" for c in s.block.block or ())]
    locations = [d for d in server.block.block or () if d.name == "location"]
    if locations and not any(_catch_all(d) for d in locations):
        levels.insert(0, server)
    return levels


def _catch_all(location: Directive) -> bool:
    return location.args in (("/",), ("^~", "/"))


def _serves_files(leaf: Scope) -> bool:
    """Files from a `root` reach clients here: a root is in effect, and the block does not
    proxy, `return`, use an `alias` instead, deny everyone, or hide behind `internal`."""
    block = leaf.block
    if leaf.inherited_value("root") is None or block.children("alias") or block.children("return"):
        return False
    if _denies_everyone(leaf):
        return False
    if is_internal(leaf) or (block.name == "location" and block.args and block.args[0].startswith("@")):
        return False
    inside = [block, *(d for d in block.children("if"))]
    return not any(b.children(n) for b in inside for n in PROXY_DIRECTIVES)


def _denies_everyone(leaf: Scope) -> bool:
    """`deny all;` with no `allow` at the innermost level that sets access rules (the access
    module's directives are inherited only by blocks that set none of their own)."""
    for level in reversed(leaf.chain):
        rules = [d for d in level.block or () if d.name in ("allow", "deny")]
        if rules:
            return not any(d.name == "allow" for d in rules) and any(d.args[:1] == ("all",) for d in rules)
    return False


def _no_regex(location: Directive) -> bool:
    """`location ^~ /x` (or `^~/x`): a prefix match that stops regex evaluation."""
    return bool(location.args) and location.args[0].startswith("^~")


def _has_deny(location: Directive) -> bool:
    """A dotfile deny nested directly in this location."""
    return any(_denies_dotfiles(d) for d in location.block or ())


def _denies_dotfiles(d: Directive) -> bool:
    if d.name != "location" or d.block is None or len(d.args) != 2 or d.args[0] not in ("~", "~*"):
        return False
    if not _matches_dotfiles(d.args[1], d.args[0] == "~*"):
        return False
    for inner in d.block:
        if inner.name == "deny" and inner.args and inner.args[0] == "all":
            return True
        if inner.name == "return" and inner.args and inner.args[0].isdigit():
            code = int(inner.args[0])
            if 400 <= code < 500 or code == 444:
                return True
    return False


def _matches_dotfiles(pattern: str, caseless: bool) -> bool:
    """Does this nginx (PCRE) regex match every probe? Python's `re` reads the patterns people
    write for this; one it cannot compile is judged by its `/\\.` prefix."""
    try:
        compiled = re.compile(pattern, re.IGNORECASE if caseless else 0)
    except re.error:
        return pattern.rstrip("$") in ("/\\.", "(^|/)\\.")
    return all(compiled.search(p) for p in _PROBES)
