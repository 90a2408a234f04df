from __future__ import annotations

from pathlib import Path
from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import Directive, NginxConfig, Scope
from infralint.rule import Context, Finding, rule
from infralint_rules._http import (
    Unknowns,
    is_internal,
    is_stream_server,
    is_tls,
    judged,
    listen_port,
    object_label,
    scheme_redirect,
    server_label,
    server_serves,
    serving_leaves,
    unknown_from,
    unknowns,
)

# A server without `server_name` (or with `_` or "") answers whatever name its port's default
# server gets: it is the catch-all, written here as "".
CATCH_ALL = ""


@rule(id="IL505", name="no-https-redirect", severity="medium", formats=("nginx",))
def no_https_redirect(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Plain-HTTP server serves content for a name that has HTTPS

    ## What it does
    Reports a port-80 server (a `listen` on port 80 without `ssl`/`quic`, or no `listen` at
    all, nginx's default `*:80`) whose `server_name` is also served by a TLS server in the same
    configuration, when it serves content instead of redirecting. A server redirects when it
    answers at server level with `return 301|302|307|308 https://…` (or `return https://…`),
    `rewrite ^ https://… permanent|redirect`, or when every location it has ends the request
    that way (ACME challenge locations, `internal` and named locations are not counted: they
    are not pages). Servers that only `return 444` or a bare error status are not serving
    content either. Names match as nginx matches a request's host: exactly, or through a
    wildcard on either side (`*.example.com`, `.example.com`, `www.example.*`) that covers the
    other's exact name; regular-expression names are not compared. A server without a
    `server_name` (or `_`) matches a TLS server without one.

    A server listening on both port 80 and a TLS port is reported at its port-80 `listen` unless
    it redirects plain requests itself (`if ($scheme = http) { return 301 https://…; }`).
    A configuration is one file with its includes, and the fragments of a folder nginx's stock
    config loads whole (`conf.d/`, `http.d/`, `sites-enabled/`) when no main config in the scan
    includes them: a port-80 server in `conf.d/http.conf` and its TLS twin in
    `conf.d/https.conf` are compared. Where an `include` outside the scanned root could hold
    the redirect, nothing is reported.

    ## Why is this bad?
    When a site is available over HTTPS, its plain-HTTP twin should only send visitors there.
    Serving pages over port 80 as well means links, bookmarks and typed addresses keep using
    HTTP, where anyone on the network can read and modify the traffic, inject scripts or steal
    session cookies. HSTS cannot fix this for the first visit, and the HTTP pages may even set
    cookies without `Secure`.

    ## Example
    ```nginx
    server {
        listen 80;
        server_name shop.example.com;
        location / {
            proxy_pass http://app:8000;
        }
    }
    server {
        listen 443 ssl;
        server_name shop.example.com;
        location / {
            proxy_pass http://app:8000;
        }
    }
    ```

    ## Use instead
    ```nginx
    server {
        listen 80;
        server_name shop.example.com;
        location /.well-known/acme-challenge/ {
            root /var/www/certbot;
        }
        location / {
            return 301 https://$host$request_uri;
        }
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    unknown = unknowns(doc)
    servers = [s for s in doc.servers() if not is_stream_server(s)]
    tls_names: dict[str, Directive] = {}
    for config in [doc, *_sibling_fragments(doc, ctx)]:
        for server in config.servers():
            if not is_stream_server(server) and is_tls(server) and not _rejects_handshake(server):
                for name in _names(server):
                    tls_names.setdefault(name, server.block)
    for server in servers:
        plain = _plain_port80(server)
        if plain is None:
            continue
        shared = [n for n in _names(server) if _covered(n, tls_names)]
        if not shared:
            continue
        if unknown.at(server.block) or not _serves_plain(doc, server, unknown):
            continue
        combined = is_tls(server)
        tls_name, twin = _covered(shared[0], tls_names)  # type: ignore[misc]
        name = tls_name or "the catch-all name"
        if twin is server.block:
            where = "itself"
        elif twin.span.path == server.block.span.path:
            where = f"line {twin.span.line}"
        else:
            where = f"{twin.span.path}:{twin.span.line}"
        yield ctx.report(
            plain.span if combined else server.block.span,
            f"{server_label(server)} serves content over plain HTTP (port 80) although "
            f"{name} has a TLS server ({where}); redirect instead: "
            f"`return 301 https://$host$request_uri;`",
            object=object_label(server),
            key=f"plain:{','.join(shared)}",
        )


# Folders the stock nginx.conf includes whole (`include /etc/nginx/conf.d/*.conf;`); a folder of
# alternative templates is not one configuration.
_LOADED_TOGETHER = frozenset({"conf.d", "http.d", "sites-enabled"})


def _sibling_fragments(doc: NginxConfig, ctx: Context) -> list[NginxConfig]:
    """Other `http`-level fragments of the same folder, when no main config in the scan includes
    them: nginx's stock config loads a whole `conf.d/*.conf` into one http block, so a port-80
    server in `http.conf` and its TLS twin in `https.conf` are one configuration."""
    real = ctx.project.real(doc)
    if doc.context != "http" or real is None or real.parent.name not in _LOADED_TOGETHER:
        return []
    by_folder = ctx.project.memo("nginx-fragments-by-folder", lambda: _fragments_by_folder(ctx))
    return [other for other in by_folder.get(real.parent, ()) if other is not doc]


def _fragments_by_folder(ctx: Context) -> dict[Path, list[NginxConfig]]:
    out: dict[Path, list[NginxConfig]] = {}
    for other in ctx.project.of_format("nginx"):
        real = ctx.project.real(other)
        if isinstance(other, NginxConfig) and other.context == "http" and judged(other) and real is not None:
            out.setdefault(real.parent, []).append(other)
    return out


def _names(server: Scope) -> list[str]:
    names = [a.lower() for d in server.own("server_name") for a in d.args]
    names = [CATCH_ALL if n in ("_", '""') else n for n in names]
    return list(dict.fromkeys(names)) or [CATCH_ALL]


def _covered(name: str, tls_names: dict[str, Directive]) -> tuple[str, Directive] | None:
    """(TLS name, its server) answering some host this port-80 name also answers, if any."""
    if name in tls_names:
        return name, tls_names[name]
    if name == CATCH_ALL or name.startswith("~"):
        return None
    for other, server in tls_names.items():
        if other != CATCH_ALL and not other.startswith("~") and (_wildcard_matches(name, other) or _wildcard_matches(other, name)):
            return other, server
    return None


def _wildcard_matches(pattern: str, host: str) -> bool:
    """nginx's wildcard server names: `*.example.com`, `.example.com` (the name itself too) and
    `www.example.*`. `host` is an exact name (a wildcard on both sides is no evidence)."""
    if "*" in host or host.startswith("."):
        return False
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    if pattern.startswith("."):
        return host == pattern[1:] or host.endswith(pattern)
    if pattern.endswith(".*"):
        return host.startswith(pattern[:-1])
    return False


def _rejects_handshake(server: Scope) -> bool:
    reject = server.own("ssl_reject_handshake")
    return bool(reject) and bool(reject[-1].args) and reject[-1].args[0].lower() == "on"


def _plain_port80(server: Scope) -> Directive | None:
    """The server's plain-HTTP port-80 `listen` (the server itself when it has no `listen`)."""
    listens = server.own("listen")
    if not listens:
        return server.block
    ssl_on = server.inherited_value("ssl")
    if ssl_on is not None and ssl_on.args and ssl_on.args[0].lower() == "on":
        return None  # `ssl on;` (before nginx 1.25) makes every listen of the server TLS
    for listen in listens:
        if listen.args and listen_port(listen.args[0]) == 80 and not any(
                a in ("ssl", "quic") for a in listen.args[1:]):
            return listen
    return None


def _serves_plain(doc: NginxConfig, server: Scope, unknown: Unknowns) -> bool:
    """Some request to the port-80 side gets content rather than a redirect."""
    if not server_serves(server):
        return False  # server-level redirect, `return 444`, or a stream server
    if is_tls(server) and scheme_redirect(server):
        return False  # a combined 80+443 server that sends plain requests to https itself
    depth = len(server.chain)
    for leaf in serving_leaves(doc, server):
        block = leaf.block
        if is_internal(leaf) or (block.name == "location" and block.args and block.args[0].startswith("@")):
            continue  # not reachable by a client's URL
        if unknown_from(leaf, unknown, depth):
            continue  # an unread include here could hold the redirect
        return True
    return False


