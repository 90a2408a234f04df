from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import NginxConfig, Scope
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import judged, object_label, report_owners, reports_here, unknowns


@rule(id="IL506", name="server-tokens", severity="low", formats=("nginx",))
def server_tokens(doc: Document, ctx: Context) -> Iterator[Finding]:
    """nginx announces its version (`server_tokens` is not `off`)

    ## What it does
    In a full nginx configuration (a main config with an `http` block, includes resolved),
    reports:
    - `server_tokens on;` or `server_tokens build;` anywhere (http, server or location level),
      at that directive;
    - an `http` block without `server_tokens off;`, at the `http` directive, unless every server
      sets it off itself. nginx's default is `on`.

    Clearing the header with headers-more (`more_clear_headers Server;`) does not count: error
    pages still end with the version. A fragment (a `conf.d` file, a snippet) is never judged
    for a missing `server_tokens off`: the main config that includes it, which we may not see,
    can set it. An explicit `server_tokens on` in a fragment is reported, since it overrides the
    main config. A file that a main config in the scan includes is judged inside that config.
    Where an `include` outside the scanned root could set it, nothing is reported missing.

    ## Why is this bad?
    With `server_tokens on` nginx puts its exact version in the `Server` header and on every
    error page (`nginx/1.22.1`). That tells an attacker which published vulnerabilities to try
    without probing, and marks servers that missed security updates. Hiding it costs nothing.

    ## Example
    ```nginx
    http {
        server {
            listen 80;
            root /var/www/html;
        }
    }
    ```

    ## Use instead
    ```nginx
    http {
        server_tokens off;
        server {
            listen 80;
            root /var/www/html;
        }
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    root = doc.root()
    owners = report_owners(ctx.project)
    seen: set[Span] = set()
    # Explicitly on: wherever it is written (a location can turn it back on under an http `off`),
    # fragments included: that is no guess, it overrides whatever the main config says.
    for parents, d in doc.walk():
        if d.name == "server_tokens" and d.args and d.args[0].lower() in ("on", "build") and d.span not in seen:
            seen.add(d.span)
            if not reports_here(doc, d.span, owners):
                continue
            yield ctx.report(d.span, f"`server_tokens {d.args[0]}` sends the nginx version in the "
                                     f"Server header and error pages; set it off",
                             object=object_label(Scope((root, *parents))) or "http", key="explicit")
    # Missing: the default (on) applies; only a full config shows that nothing sets it.
    if doc.context != "main" or not doc.is_full:
        return
    unknown = unknowns(doc)
    for http in doc.http_blocks():
        if http.children("server_tokens") or unknown.at(http) or unknown.at(root):
            continue  # set (off, or on: reported above), or an unread include could set it
        servers = [s for s in doc.servers() if s.chain[1] is http]
        if servers and all(s.own("server_tokens") or unknown.at(s.block) for s in servers):
            continue  # every server decides for itself (or may, through an unread include)
        yield ctx.report(http.span, "the http block does not set `server_tokens off;`: nginx sends "
                                    "its version in the Server header and error pages (default on)",
                         object="http", key="missing")
