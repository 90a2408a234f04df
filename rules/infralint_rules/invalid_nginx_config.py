from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import Directive, NginxConfig, Scope
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import judged, object_label, report_owners, reports_here, unknowns

# Each table below was checked against `nginx -t` (nginx 1.22.1): every entry fails with
# `"X" directive is not allowed here`. Only well-known core-module directives are listed;
# third-party ones (headers-more, lua, echo) have their own contexts and are never judged.

# Rejected in every `if` block (their contexts are http/server/location, not "if in location").
NOT_IN_IF = frozenset({
    "if", "location", "limit_req", "limit_conn", "proxy_set_header", "proxy_hide_header",
    "proxy_http_version", "proxy_redirect", "proxy_cache", "proxy_buffering",
    "proxy_read_timeout", "allow", "deny", "try_files", "alias", "auth_basic", "auth_request",
    "client_max_body_size", "fastcgi_param", "index", "default_type", "internal",
    "server_tokens", "sub_filter", "limit_except", "listen", "server_name", "ssl_certificate",
    "ssl_certificate_key", "ssl_protocols", "ssl_ciphers",
})
# Accepted in an `if` inside a location ("if in location"), rejected in an `if` at server level.
LOCATION_IF_ONLY = frozenset({
    "add_header", "add_trailer", "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass",
    "grpc_pass", "root", "expires", "error_page", "access_log", "limit_rate", "gzip",
})
# Server-only or http-only directives, rejected inside a location.
NOT_IN_LOCATION = frozenset({
    "listen", "server_name", "ssl_certificate", "ssl_certificate_key", "ssl_protocols",
    "ssl_ciphers", "limit_req_zone", "limit_conn_zone", "upstream", "map", "http",
})
# http-only directives, rejected inside a server.
NOT_IN_SERVER = frozenset({"limit_req_zone", "limit_conn_zone", "upstream", "map", "http"})
# Server/location directives, rejected directly in the http block.
NOT_IN_HTTP = frozenset({"location", "listen", "server_name", "proxy_pass", "alias", "try_files", "return"})

# `limit_req_zone … zone=NAME:SIZE`, `limit_req zone=NAME …`.
_ZONE_ARG = re.compile(r"^zone=([^:]+)")


@rule(id="IL003", name="invalid-nginx-config", severity="high", formats=("nginx",))
def invalid_nginx_config(doc: Document, ctx: Context) -> Iterator[Finding]:
    """nginx would refuse to load this configuration

    ## What it does
    Reports what parses but makes `nginx -t` fail, so a reload is rejected (or a fresh
    container exits at start):
    - a directive in a context nginx rejects: `add_header`, `root`, `proxy_pass` … in an `if`
      at server level (allowed only in an `if` inside a location); `limit_req`, `limit_conn`,
      `proxy_set_header`, `allow`/`deny`, `try_files`, `location`, a nested `if` … in any
      `if`; `server` inside a `server`, `location` or `if`; `listen`, `server_name`, the TLS
      certificate and protocol settings, `upstream`, `map` or the zone definitions inside a
      `location`; `location`, `listen`, `proxy_pass` directly in `http`. Only well-known
      directives whose contexts were checked against `nginx -t` are judged;
    - `proxy_pass` with a URI part (anything after the host, even `/`) inside a regex or named
      location, an `if` or a `limit_except` block, unless the URL holds a variable;
    - `limit_req zone=NAME` / `limit_conn NAME` where no `limit_req_zone … zone=NAME:…` /
      `limit_conn_zone … zone=NAME:…` defines the zone (or it is defined for the other
      module). Zones are judged only in a full config (a main config with its `http` block,
      includes resolved) and not when an `include` outside the scanned root sits in `http`,
      where a zone could be defined. A fragment whose main config is not in the scan is never
      judged for zones.

    The finding points at the offending directive. Blocks inside `stream`/`mail` and the top
    level of a fragment (whose context is a guess) are not judged for contexts.

    ## Why is this bad?
    nginx checks the whole configuration before it applies any of it. A single misplaced
    directive makes `nginx -s reload` keep the old configuration (the change you deployed
    silently never takes effect) and makes a new container or a restarted server fail to
    start at all: an outage caused by a line that looked harmless in review. Tools that only
    parse the syntax (crossplane, most linters) report these files as valid.

    ## Example
    ```nginx
    server {
        listen 80;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin "*";
            return 204;
        }
        location /api/ {
            limit_req zone=api burst=10;
            proxy_pass http://api:3000;
        }
    }
    ```

    ## Use instead
    ```nginx
    limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
    server {
        listen 80;
        location /api/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "*";
                return 204;
            }
            limit_req zone=api burst=10;
            proxy_pass http://api:3000;
        }
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    owners = report_owners(ctx.project)
    root = doc.root()
    seen: set[Span] = set()
    for parents, d in doc.walk():
        if d.span in seen or any(p.name in ("stream", "mail") or p.name.endswith("_by_lua_block") for p in parents):
            continue
        problem = _context_problem(parents, d, doc.context) or _proxy_uri_problem(parents, d)
        if problem is None:
            continue
        seen.add(d.span)  # a snippet included by many blocks appears once per include
        if reports_here(doc, d.span, owners) or not _visible_alone(parents, d):
            yield ctx.report(d.span, problem, object=object_label(Scope((root, *parents))) or d.name,
                             key=f"context:{d.name}")
    yield from _undefined_zones(doc, ctx, owners)


def _visible_alone(parents: tuple[Directive, ...], d: Directive) -> bool:
    """Does the file holding `d`, judged on its own, see this problem too? Only with the blocks
    of its own file around `d`: what needs the includer's blocks is reported by the includer."""
    local: list[Directive] = []
    for p in reversed(parents):
        if p.span.path != d.span.path:
            break
        local.insert(0, p)
    own = tuple(local)
    return (_context_problem(own, d, "http") or _proxy_uri_problem(own, d)) is not None


def _context_problem(parents: tuple[Directive, ...], d: Directive, context: str) -> str | None:
    """Why nginx rejects `d` where it stands, or None."""
    if not parents:
        if context == "main" and (d.name == "location" or (d.name == "server" and d.block is not None)):
            return _not_allowed(d, "at the top of the main config (outside `http`)")
        return None  # a fragment's top level: its context is a guess
    parent = parents[-1]
    # At a fragment's top level the `if`'s own parent is unknown (a snippet may be included in a
    # server or a location), so only what no `if` accepts is judged there.
    grand = parents[-2].name if len(parents) >= 2 else ""
    name = d.name
    is_server_block = name == "server" and d.block is not None
    if parent.name == "if":
        if name in NOT_IN_IF or is_server_block:
            return _not_allowed(d, "inside an `if` block")
        if name in LOCATION_IF_ONLY and grand == "server":
            return _not_allowed(d, "in an `if` at server level (only in an `if` inside a location)")
    elif parent.name == "location":
        if name in NOT_IN_LOCATION or is_server_block:
            return _not_allowed(d, "inside a location")
    elif parent.name == "server" and parent.block is not None and _in_http(parents):
        if name in NOT_IN_SERVER or is_server_block:
            return _not_allowed(d, "inside a server block")
    elif parent.name == "http":
        if name in NOT_IN_HTTP:
            return _not_allowed(d, "directly in the http block (only in a server or location)")
    return None


def _in_http(parents: tuple[Directive, ...]) -> bool:
    """A `server` of http (not of `upstream`/`stream`): its parent is http or a fragment's top."""
    return len(parents) == 1 or parents[-2].name == "http"


def _not_allowed(d: Directive, where: str) -> str:
    return (f"`{d.name}` is not allowed {where}: `nginx -t` fails with "
            f"\"{d.name}\" directive is not allowed here, and nginx will not load this config")


def _proxy_uri_problem(parents: tuple[Directive, ...], d: Directive) -> str | None:
    """`proxy_pass http://x/path` where nginx cannot replace the matched part of the URI."""
    if d.name != "proxy_pass" or not d.args or "$" in d.args[0] or not parents:
        return None
    parent = parents[-1]
    if parent.name == "if":
        if len(parents) >= 2 and parents[-2].name == "server":
            return None  # not allowed there at all: reported by the context check
        where = "inside an `if` block"
    elif parent.name == "limit_except":
        where = "inside a `limit_except` block"
    elif parent.name == "location" and parent.args and parent.args[0].startswith(("~", "@")):
        where = "in a named location" if parent.args[0].startswith("@") else "in a regex location"
    else:
        return None
    uri = _uri_part(d.args[0])
    if not uri:
        return None
    return (f"proxy_pass {d.args[0]} has a URI part ({uri}) {where}: `nginx -t` fails "
            f"(\"proxy_pass\" cannot have URI part …); drop {uri} or use a variable")


def _uri_part(url: str) -> str:
    """What follows the host[:port] (or the unix socket path) of a proxy_pass URL."""
    rest = url.split("://", 1)[1] if "://" in url else url
    if rest.startswith("unix:"):
        _, sep, uri = rest[len("unix:"):].partition(":")
        return uri if sep else ""
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=-1)
    return rest[cut:] if cut >= 0 else ""


def _undefined_zones(doc: NginxConfig, ctx: Context, owners: dict[str, str]) -> Iterator[Finding]:
    """`limit_req zone=x` / `limit_conn x` without the zone: "zero size shared memory zone"."""
    if doc.context != "main" or not doc.is_full:
        return  # a fragment: its main config, which we do not see, may define the zones
    unknown = unknowns(doc)
    if unknown.everywhere or any(unknown.at(h) for h in doc.http_blocks()):
        return  # an unread include in http could define them
    defined: dict[str, str] = {}  # zone -> "limit_req" / "limit_conn"
    uses: list[tuple[Directive, tuple[Directive, ...], str, str]] = []
    for parents, d in doc.walk():
        if any(p.name in ("stream", "mail") for p in parents):
            continue  # stream zones are a separate namespace
        if d.name in ("limit_req_zone", "limit_conn_zone"):
            for arg in d.args:
                m = _ZONE_ARG.match(arg)
                if m:
                    defined.setdefault(m.group(1), d.name[: -len("_zone")])
        elif d.name == "limit_req":
            name = next((m.group(1) for a in d.args if (m := _ZONE_ARG.match(a))), None)
            if name:
                uses.append((d, parents, name, "limit_req"))
        elif d.name == "limit_conn" and d.args:
            uses.append((d, parents, d.args[0], "limit_conn"))
    root = doc.root()
    seen: set[Span] = set()
    for d, parents, zone, module in uses:
        if "$" in zone or d.span in seen or not reports_here(doc, d.span, owners):
            continue
        seen.add(d.span)
        kind = defined.get(zone)
        if kind == module:
            continue
        if kind is None:
            message = (f"{module} uses zone \"{zone}\" but no {module}_zone defines it: nginx will not "
                       f"start (zero size shared memory zone \"{zone}\")")
        else:
            message = (f"{module} uses zone \"{zone}\", which is a {kind}_zone: nginx will not start "
                       f"(the shared memory zone \"{zone}\" is already declared for a different use)")
        yield ctx.report(d.span, message, object=object_label(Scope((root, *parents))) or "http",
                         key=f"zone:{zone}")
