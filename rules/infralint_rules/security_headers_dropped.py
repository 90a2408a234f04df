from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import NginxConfig, Scope
from infralint.rule import Context, Finding, rule
from infralint_rules._http import (
    SECURITY_HEADERS,
    XFO,
    answers_without_content,
    effective_headers,
    join_names,
    judged,
    object_label,
    satisfied,
    scope_label,
    server_serves,
    unknowns,
)


@rule(id="IL502", name="security-headers-dropped", severity="high", formats=("nginx",))
def security_headers_dropped(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Nested `add_header` silently drops the security headers set outside it

    ## What it does
    Reports a `location`, nested `location`, `if` block or `server` that has `add_header`
    directives of its own while an outer level (http, server, an enclosing location) sets security
    headers it does not repeat: `X-Content-Type-Options`, `X-Frame-Options`,
    `Content-Security-Policy`, `Strict-Transport-Security`, `Referrer-Policy`,
    `Permissions-Policy` and the configured `required-headers`. The finding points at the nested
    block and names the headers it drops. A block that re-adds all of them is fine, and so is
    `add_header_inherit merge` (nginx 1.29.3+). Dropping `X-Frame-Options` is not reported when
    the block keeps a `Content-Security-Policy` with `frame-ancestors` (or one held in a variable). `more_set_headers` entries are not affected by
    this inheritance and are never counted as dropped.

    ## Why is this bad?
    nginx inherits `add_header` only when a level defines none of its own. Adding one harmless
    header (`Cache-Control`, a CORS header) to a location removes every security header set at the
    server or http level for that location, with no warning from `nginx -t`. The configuration
    looks protected while exactly the routes that needed special handling (APIs, uploads,
    downloads) go out without HSTS, nosniff or framing protection.

    ## Example
    ```nginx
    server {
        add_header X-Frame-Options DENY always;
        add_header X-Content-Type-Options nosniff always;

        location /static/ {
            add_header Cache-Control "public, max-age=31536000, immutable";
        }
    }
    ```

    ## Use instead
    ```nginx
    server {
        add_header X-Frame-Options DENY always;
        add_header X-Content-Type-Options nosniff always;

        location /static/ {
            # Any add_header here replaces the outer ones: repeat them (or include a shared snippet).
            add_header X-Frame-Options DENY always;
            add_header X-Content-Type-Options nosniff always;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    unknown = unknowns(doc)
    watched = list(dict.fromkeys([*SECURITY_HEADERS, *(h.lower() for h in ctx.settings.required_headers)]))
    for server in doc.servers():
        if not server_serves(server):
            continue
        for scope in [server, *doc.scopes(server)]:
            block = scope.block
            if not (block.children("add_header") or block.children("add_header_inherit")):
                continue
            parent = Scope(scope.chain[:-1])
            if block.name == "if" and parent.block.name != "location":
                continue  # add_header in a server-level `if` is rejected by nginx (IL003)
            if block.name == "location" and answers_without_content(block):
                continue  # a redirect-only location sends no page worth protecting
            if unknown.at(block):
                continue  # an unread include here could re-add them
            outer = effective_headers(parent)
            inner = effective_headers(scope)
            dropped = [n for n in watched if n in outer and n not in inner]
            if XFO in dropped and satisfied(XFO, inner):
                dropped.remove(XFO)  # a CSP with frame-ancestors kept here still stops framing
            if not dropped:
                continue
            where = _levels(outer, dropped)
            yield ctx.report(
                block.span,
                f"{scope_label(scope)} has its own add_header, so {join_names(dropped)} "
                f"set in {where} {'is' if len(dropped) == 1 else 'are'} not sent here; repeat "
                f"{'it' if len(dropped) == 1 else 'them'} in this block",
                object=object_label(scope),
                key=",".join(dropped),
            )


def _levels(outer: dict, dropped: list[str]) -> str:
    """Where the dropped headers were set: `the server block`, `location /`, `the http block`."""
    names: list[str] = []
    for n in dropped:
        level = outer[n][0].level
        if level.name == "location":
            label = "location " + " ".join(level.args)
        elif level.name == "#root":
            label = "the http level"
        else:
            label = f"the {level.name} block"
        if label not in names:
            names.append(label)
    return " and ".join(names)
