from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import Directive, NginxConfig, Scope
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import (
    STOCK_INCLUDES,
    answers_without_content,
    is_stream_server,
    judged,
    object_label,
    report_owners,
    reports_here,
    scope_label,
    unknowns,
)

# Request headers a backend relies on to know who asked and how (lower case -> display).
FORWARDED = {"host": "Host", "x-forwarded-for": "X-Forwarded-For", "x-forwarded-proto": "X-Forwarded-Proto"}


@rule(id="IL507", name="proxy-headers-dropped", severity="medium", formats=("nginx",))
def proxy_headers_dropped(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Nested `proxy_set_header` drops Host or X-Forwarded-*, or Host is `$http_host`

    ## What it does
    Reports a `server`, `location` or nested `location` that has `proxy_set_header` directives
    of its own, and so loses the `Host`, `X-Forwarded-For` and `X-Forwarded-Proto` headers set
    at an outer level (http, server, an enclosing location), when requests proxied with
    `proxy_pass` there use its set (the block or a block inside it that inherits from it
    proxies). The finding points at the block and names the headers it drops. A block that
    repeats them is fine; redirect-only locations are skipped; nothing is reported where an
    `include` outside the scanned root inside the block could repeat them.

    Also reports `proxy_set_header Host $http_host;` (a Host taken verbatim from the client),
    at that directive.

    ## Why is this bad?
    `proxy_set_header` follows nginx's all-or-nothing inheritance: one `proxy_set_header
    Upgrade $http_upgrade;` added to a WebSocket location silently discards every header set at
    the server level. The backend then sees `Host` as the upstream's name (`$proxy_host`), so
    generated links and redirects point at `http://app:3000`, and without `X-Forwarded-For` and
    `X-Forwarded-Proto` it logs the proxy's IP as every client's, rate-limits everyone together
    and believes HTTPS requests arrived over HTTP (redirect loops, cookies without `Secure`).

    `$http_host` is the raw Host header as the client sent it, unchecked, while `$host` falls
    back to the matched `server_name` and is normalised; passing the raw value lets a client
    choose the host the backend uses in password-reset links and cache keys (Host header
    injection).

    ## Example
    ```nginx
    server {
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;

        location /ws/ {
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://app:3000;
        }
    }
    ```

    ## Use instead
    ```nginx
    server {
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;

        location /ws/ {
            # Any proxy_set_header here replaces the outer ones: repeat them.
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://app:3000;
        }
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    owners = report_owners(ctx.project)
    # Debian's proxy_params sets Host, X-Real-IP, X-Forwarded-For and X-Forwarded-Proto: unread,
    # it may well repeat what the outer level set.
    unknown = unknowns(doc, STOCK_INCLUDES - {"proxy_params"})
    seen: set[Span] = set()
    for server in doc.servers():
        if is_stream_server(server):
            continue
        scopes = [server, *(s for s in doc.scopes(server) if s.block.name == "location")]
        for scope in scopes:
            block = scope.block
            own = block.children("proxy_set_header")
            for d in own:
                if _spoofable_host(d) and d.span not in seen and reports_here(doc, d.span, owners):
                    seen.add(d.span)
                    yield ctx.report(d.span, "`proxy_set_header Host $http_host` passes the client's "
                                             "Host header unchecked; use `$host`",
                                     object=object_label(scope), key="http_host")
            if not own or block.span in seen or unknown.at(block):
                continue
            if answers_without_content(block) or not _proxies_with(doc, scope):
                continue  # nothing is proxied with this block's set
            outer = _names(Scope(scope.chain[:-1]).effective("proxy_set_header"))
            inner = _names(own)
            dropped = [FORWARDED[n] for n in FORWARDED if n in outer and n not in inner]
            if not dropped or not reports_here(doc, block.span, owners):
                continue
            seen.add(block.span)  # a snippet included by many servers appears once per include
            where = _level_label(Scope(scope.chain[:-1]).defining_level("proxy_set_header"))
            yield ctx.report(
                block.span,
                f"{scope_label(scope)} has its own proxy_set_header, so {', '.join(dropped)} set "
                f"in {where} {'is' if len(dropped) == 1 else 'are'} not sent to the backend here; "
                f"repeat {'it' if len(dropped) == 1 else 'them'} in this block",
                object=object_label(scope),
                key=",".join(dropped),
            )


def _spoofable_host(d: Directive) -> bool:
    return len(d.args) >= 2 and d.args[0].lower() == "host" and "$http_host" in d.args[1].lower()


def _names(directives: list[Directive]) -> set[str]:
    """Header names set to a non-empty value (an empty value removes the header)."""
    return {d.args[0].lower() for d in directives if len(d.args) >= 2 and d.args[1] != ""}


def _proxies_with(doc: NginxConfig, scope: Scope) -> bool:
    """`proxy_pass` is used here or below, with this block's proxy_set_header set in effect.
    (`if` blocks cannot hold proxy_set_header, so a proxy_pass in one uses its location's set.)"""
    depth = len(scope.chain)
    inside = [s for s in doc.scopes(_server_of(scope))
              if len(s.chain) > depth and all(a is b for a, b in zip(s.chain, scope.chain))]
    for sub in [scope, *inside]:
        if sub.own("proxy_pass") and sub.defining_level("proxy_set_header") is scope.block:
            return True
    return False


def _server_of(scope: Scope) -> Scope:
    for i, d in enumerate(scope.chain):
        if d.name == "server":
            return Scope(scope.chain[: i + 1])
    return scope


def _level_label(level: Directive | None) -> str:
    if level is None or level.name == "#root":
        return "the http level"
    if level.name == "location":
        return "location " + " ".join(level.args)
    return f"the {level.name} block"
