"""Shared reading of nginx's HTTP edge for the IL5xx rules: which servers serve responses, which
are TLS, the effective response-header set of a scope, and where unread includes leave a scope's
configuration unknown.

Everything here reads the model (`infralint.model.nginx`), never crossplane output.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from infralint.model.nginx import Directive, NginxConfig, Scope
from infralint.model.span import Span

if TYPE_CHECKING:
    from infralint.project import Project

HSTS = "strict-transport-security"
XFO = "x-frame-options"
CSP = "content-security-policy"

# Headers whose loss IL502 reports (lower case), on top of the configured required headers.
SECURITY_HEADERS = (
    "x-content-type-options", XFO, CSP, HSTS, "referrer-policy", "permissions-policy",
)

# Canonical spelling for messages.
_DISPLAY = {
    "x-content-type-options": "X-Content-Type-Options",
    XFO: "X-Frame-Options",
    CSP: "Content-Security-Policy",
    HSTS: "Strict-Transport-Security",
    "referrer-policy": "Referrer-Policy",
    "permissions-policy": "Permissions-Policy",
}

# Stock files of the nginx distribution (and certbot's TLS snippet) whose content is known and never
# holds add_header, more_set_headers or limit_req: an unread include of one of them hides nothing.
STOCK_INCLUDES = frozenset({
    "mime.types", "fastcgi_params", "fastcgi.conf", "uwsgi_params", "scgi_params", "proxy_params",
    "koi-utf", "koi-win", "win-utf", "options-ssl-nginx.conf", "fastcgi-php.conf",
})

# `rewrite` patterns that match every URI: with `permanent`/`redirect` they redirect everything.
_MATCH_ALL = frozenset({"^", "^/", "^(.*)$", "^/(.*)$", "^(.*)", "^/(.*)", "(.*)", ".*", "^.*$", "^/.*$", "^.*"})


def display(name: str) -> str:
    low = name.lower()
    return _DISPLAY.get(low, name)


def join_names(names: list[str]) -> str:
    return ", ".join(display(n) for n in names)


# ---------------------------------------------------------------------------------------------
# Which configs, which servers


def judged(doc: NginxConfig) -> bool:
    """A file a main config in the scan includes is judged inside that config, not on its own."""
    return doc.included_by is None


def is_stream_server(server: Scope) -> bool:
    """`proxy_pass` directly in a server is only valid in `stream {}`: a TCP/UDP proxy (typically a
    conf.d fragment included into `stream`), which sends no HTTP headers and has no limit_req."""
    return bool(server.own("proxy_pass")) and not any(
        d.name == "location" for d in server.block.block or ())


def server_label(server: Scope) -> str:
    names = server.own("server_name")
    label = next((a for d in names for a in d.args if a and a != "_"), "")
    if not label:
        listen = server.own("listen")
        label = f"listening on {listen[0].args[0]}" if listen and listen[0].args else "(no server_name)"
    return f"server {label}"


def scope_label(scope: Scope) -> str:
    """`location /api/`, `if ($request_method = OPTIONS)`, or the server's label."""
    block = scope.block
    if block.name == "location":
        return "location " + " ".join(block.args)
    if block.name == "if":
        return "if (" + " ".join(block.args) + ")"
    if block.name == "server":
        return server_label(scope)
    if block.name == "#root":
        return "the top level"
    return f"{block.name} block"


def object_label(scope: Scope) -> str:
    """`server api.example.com location /api/`: the finding's object, for fingerprints and output."""
    labels: list[str] = []
    for i, level in enumerate(scope.chain):
        if level.name == "server":
            labels = [server_label(Scope(scope.chain[: i + 1]))]
        elif level.name in ("location", "if"):
            labels.append(scope_label(Scope(scope.chain[: i + 1])))
    return " ".join(labels)


# ---------------------------------------------------------------------------------------------
# TLS, and servers and locations that serve no content


def is_tls(server: Scope) -> bool:
    """`listen ... ssl`, `listen ... quic` (QUIC is always TLS), `listen 443`, or `ssl on`."""
    for listen in server.own("listen"):
        if any(a in ("ssl", "quic") for a in listen.args[1:]):
            return True
        if listen.args and _port(listen.args[0]) == 443:
            return True
    ssl = server.inherited_value("ssl")
    return ssl is not None and bool(ssl.args) and ssl.args[0].lower() == "on"


def _port(address: str) -> int | None:
    """The port of a `listen` address: `443`, `*:443`, `10.0.0.1:443`, `[::]:443`; 80 when only
    a host is given; None for a unix socket."""
    if address.startswith("unix:"):
        return None
    if address.startswith("["):
        rest = address.partition("]")[2]
        port = rest[1:] if rest.startswith(":") else "80"
    elif ":" in address:
        port = address.rsplit(":", 1)[1]
    else:
        port = address if address.isdigit() else "80"
    return int(port) if port.isdigit() else None


def _is_redirect_return(d: Directive) -> bool:
    """`return 301 URL`, `return https://...` (a 302), `return 444` (close, nothing sent), or a bare
    `return 404;` (nginx's built-in error page: no content of the site)."""
    if not d.args:
        return False
    code = d.args[0]
    if not code.isdigit():
        return code.startswith(("http://", "https://", "$scheme"))
    status = int(code)
    if 300 <= status < 400 or status == 444:
        return True
    return status >= 400 and len(d.args) == 1


def _is_redirect_rewrite(d: Directive) -> bool:
    return len(d.args) >= 3 and d.args[0] in _MATCH_ALL and d.args[-1] in ("permanent", "redirect")


def answers_without_content(block: Directive) -> bool:
    """The block ends every request in the rewrite phase (a redirect, `return 444`, a bare error
    status), before any content handler or header filter for content runs."""
    for d in block.block or ():
        if d.name == "return" and _is_redirect_return(d):
            return True
        if d.name == "rewrite" and _is_redirect_rewrite(d):
            return True
    return False


def _is_acme(block: Directive) -> bool:
    """`location /.well-known/acme-challenge/`: read only by the certificate authority's robot."""
    return block.name == "location" and bool(block.args) and block.args[-1].lstrip("^~=").startswith(
        "/.well-known/acme-challenge")


def scheme_redirect(server: Scope) -> bool:
    """`if ($scheme = http) { return 301 https://…; }` (or on `$https`, `$server_port`) at server
    level: every plain-HTTP request is sent to https."""
    for block in server.own("if"):
        condition = " ".join(block.args)
        if any(v in condition for v in ("$scheme", "$https", "$server_port")) and answers_without_content(block):
            return True
    return False


def server_serves(server: Scope) -> bool:
    """False for redirectors (server-level redirect, or every location only redirects; a plain
    server whose server-level `if` on the scheme redirects counts), for `ssl_reject_handshake on`
    catch-alls, and for stream (TCP) servers."""
    if is_stream_server(server) or answers_without_content(server.block):
        return False
    if not is_tls(server) and scheme_redirect(server):
        return False
    reject = server.own("ssl_reject_handshake")
    if reject and reject[-1].args and reject[-1].args[0].lower() == "on":
        return False
    return True


def serving_leaves(doc: NginxConfig, server: Scope, *, acme_serves: bool = False) -> list[Scope]:
    """Leaf scopes (where requests end) that serve content: not redirect-only, not `internal`
    ones clients cannot reach directly. ACME challenge locations (read only by the CA's robot)
    are left out unless `acme_serves`: for IL501 they serve files, since RULES.md calls a server
    a redirector only when every location `return`s a 3xx."""
    out: list[Scope] = []
    for leaf in doc.leaf_scopes(server):
        block = leaf.block
        if block.name == "location" and (answers_without_content(block) or (_is_acme(block) and not acme_serves)):
            continue
        out.append(leaf)
    return out


def is_internal(scope: Scope) -> bool:
    return any(d.name == "location" and d.children("internal") for d in scope.chain)


# ---------------------------------------------------------------------------------------------
# Unread includes: levels whose own directives are unknown


@dataclass(frozen=True)
class Unknowns:
    """Where unread includes sit: blocks (by span), the file's top level (`root`, only for a
    fragment: the top of a main config is the main context, where no header or limit can be set),
    or `everywhere` when an include could not be placed in the tree at all."""

    spans: frozenset[Span] = frozenset()
    root: bool = False
    everywhere: bool = False

    def at(self, level: Directive) -> bool:
        if self.everywhere:
            return True
        return self.root if level.name == "#root" else level.span in self.spans


def unknowns(doc: NginxConfig, stock: frozenset[str] = STOCK_INCLUDES) -> Unknowns:
    """Place every unread include at the block that holds it.

    The model keeps only the include's own span (the `include` directive is gone from the tree), so
    the block is found by position: the innermost block of the same file whose lines enclose it,
    or, for an include at the top of an included file, every block holding that file's directives.
    Unread includes named in `stock` are known to hide nothing the caller asks about.
    """
    spans: set[Span] = set()
    root = everywhere = False
    fragment = doc.context != "main"
    blocks = [d for _, d in doc.walk() if d.block is not None]
    for pattern, span in doc.unread_includes:
        if pattern.replace("\\", "/").rsplit("/", 1)[-1] in stock:
            continue
        holders = [d for d in blocks if d.span.path == span.path and d.span.line < span.line <= d.span.end_line]
        if holders:
            # Enclosing blocks are nested: the one starting last is the innermost.
            spans.add(max(holders, key=lambda d: d.span.line).span)
            continue
        if span.path == doc.path:
            root = root or fragment
            continue
        # At the top of an included file: the blocks that received that file's directives.
        receivers = [d for d in blocks if any(c.span.path == span.path for c in d.block or ())]
        spans.update(d.span for d in receivers)
        at_top = any(c.span.path == span.path for c in doc.directives)
        root = root or (at_top and fragment)
        everywhere = everywhere or not (receivers or at_top)
    return Unknowns(frozenset(spans), root, everywhere)


def unknown_from(scope: Scope, unknown: Unknowns, outermost: int = 0) -> bool:
    """Could an unread include at `chain[outermost:]` have changed what is effective here?"""
    return any(unknown.at(level) for level in scope.chain[outermost:])


# ---------------------------------------------------------------------------------------------
# Response headers


@dataclass(frozen=True)
class Header:
    name: str  # lower case
    value: str
    always: bool
    span: Span
    level: Directive  # the block that set it


def _add_header(d: Directive, level: Directive) -> Header | None:
    if len(d.args) < 2:
        return None
    always = len(d.args) >= 3 and d.args[2].lower() == "always"
    return Header(d.args[0].lower(), d.args[1], always, d.span, level)


def _more_set_headers(d: Directive, level: Directive) -> list[Header]:
    """headers-more: `more_set_headers [-s codes] [-t types] 'Name: value' ...`. Sent on every
    status unless `-s` narrows it."""
    out: list[Header] = []
    statuses = False
    skip = False
    for arg in d.args:
        if skip:
            skip = False
            continue
        if arg in ("-s", "-t"):
            statuses = statuses or arg == "-s"
            skip = True
            continue
        name, sep, value = arg.partition(":")
        if sep and name.strip():
            out.append(Header(name.strip().lower(), value.strip(), not statuses, d.span, level))
    return out


def _inherit_mode(chain: tuple[Directive, ...]) -> str:
    """nginx 1.29.3 `add_header_inherit on|off|merge`, itself inherited the usual way."""
    found = Scope(chain).inherited_value("add_header_inherit")
    return found.args[0].lower() if found is not None and found.args else "on"


def header_contributors(scope: Scope) -> int:
    """Index in the chain of the outermost level whose headers can reach this scope: the innermost
    level that replaces the outer set (own `add_header` without `add_header_inherit merge`, or
    `add_header_inherit off`). An unread include at or inside it could have added headers."""
    start = 0
    for i, level in enumerate(scope.chain):
        mode = _inherit_mode(scope.chain[: i + 1])
        if (level.children("add_header") and mode != "merge") or (mode == "off" and level.children("add_header_inherit")):
            start = i
    return start


def effective_headers(scope: Scope) -> dict[str, list[Header]]:
    """Response headers in effect at `scope`, by lower-case name.

    `add_header` follows nginx's all-or-nothing inheritance (a level with its own `add_header`
    replaces the outer set; `add_header_inherit merge|off` alters that). `more_set_headers`
    (headers-more) accumulates across levels. Empty values are dropped: nginx sends no header then.
    """
    headers: list[Header] = []
    for i, level in enumerate(scope.chain):
        own = [h for d in level.children("add_header") if (h := _add_header(d, level)) is not None]
        mode = _inherit_mode(scope.chain[: i + 1])
        if mode == "off" and level.children("add_header_inherit"):
            headers = []
        if own:
            headers = headers + own if mode == "merge" else own
    for level in scope.chain:
        for d in level.children("more_set_headers"):
            headers.extend(_more_set_headers(d, level))
    out: dict[str, list[Header]] = {}
    for h in headers:
        if h.value.strip():
            out.setdefault(h.name, []).append(h)
    return out


def satisfied(name: str, headers: dict[str, list[Header]]) -> list[Header]:
    """The headers that provide `name`. A Content-Security-Policy with `frame-ancestors` stands in
    for X-Frame-Options; a value held in a variable counts as present (it is usually a `map`)."""
    found = list(headers.get(name, ()))
    if name == XFO:
        found += [h for h in headers.get(CSP, ()) if "frame-ancestors" in h.value or "$" in h.value]
    return found


def required_headers(configured: tuple[str, ...], tls: bool) -> list[str]:
    names = list(dict.fromkeys(h.lower() for h in configured))
    if tls and HSTS not in names:
        names.append(HSTS)
    return names


def required_label(name: str) -> str:
    return "X-Frame-Options (or a CSP with frame-ancestors)" if name == XFO else display(name)


# ---------------------------------------------------------------------------------------------
# Helpers for the per-directive IL5xx rules (IL003, IL504-IL510)


def listen_port(address: str) -> int | None:
    """The port of a `listen` address (80 when only a host is given, None for a unix socket)."""
    return _port(address)


def local_scope(root: Directive, parents: tuple[Directive, ...], span: Span) -> Scope:
    """The blocks around a directive that are written in its own file (for the finding's object:
    a snippet included by many servers is labelled by where it is written, not by its first
    includer)."""
    own = [p for p in parents if p.span.path == span.path]
    return Scope((root, *own))


def report_owners(project: Project) -> dict[str, str]:
    """For each scanned nginx file (display path), the document that reports what lies wholly
    inside it: itself when it is judged on its own, else the main config that includes it."""
    return project.memo("nginx-report-owners", lambda: {
        d.path: d.included_by or d.path for d in project.of_format("nginx") if isinstance(d, NginxConfig)})


def reports_here(doc: NginxConfig, span: Span, owners: dict[str, str]) -> bool:
    """Whether `doc` reports a finding that lies wholly at `span`.

    A snippet can be inlined into several scanned files (two vhosts including `ssl.conf`) while
    also being scanned on its own. What lies wholly inside it is reported once, by its owner; an
    including file reports only what it alone can see (the snippet's top level in its context).
    A file that is not itself in the scan is reported by every file that includes it."""
    return owners.get(span.path, doc.path) == doc.path
