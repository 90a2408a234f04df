"""Is this text an nginx config? A content sniff for `*.conf` files, a name many tools share.

nginx statements are `name args;` and blocks `name args {`, with names from a known set. logrotate,
HCL and Apache have braces or directive-like lines but no such statements; INI, systemd, supervisord,
YAML, JSON and Apache each have unmistakable lines that veto the guess. Statements are read with
a lexer that splits tokens as crossplane's does (nginx_lex), so quotes, comments and multi-line
arguments are handled as nginx does.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

_INI_SECTION = re.compile(r"^\s*\[[^\]]+\]\s*$")
_APACHE_TAG = re.compile(r"^\s*</?[A-Za-z][\w-]*(\s[^>]*)?>\s*$")
_YAML_KEY = re.compile(r"^(---\s*$|[A-Za-z_][\w.-]*:(\s|$)|- [\w-]+:\s)")
_LOGROTATE = re.compile(r"^\s*(postrotate|endscript|missingok|notifempty|delaycompress)\s*$")
# Directive names without `_` that only nginx uses this way; every known name with `_` counts too.
_DISTINCT = frozenset({"listen", "location", "upstream", "gzip", "sendfile", "rewrite", "expires",
                       "autoindex", "alias", "etag"})
# Third-party and newer modules crossplane's table does not know (`brotli_static on;`).
_MODULE_PREFIX = re.compile(r"^(proxy|fastcgi|uwsgi|scgi|grpc|ssl|http2|http3|quic|gzip|brotli|zstd|lua|"
                            r"js|more|limit|auth|client|keepalive|open_file_cache|vhost_traffic_status|"
                            r"modsecurity|pagespeed|geoip2?|otel|opentelemetry)_[a-z0-9_]+$")
_BARE_BLOCKS = frozenset({"http", "events", "stream", "mail", "server", "types"})
_ARG_BLOCKS = frozenset({"location", "upstream", "map", "geo", "split_clients", "limit_except", "if"})
# Blocks whose children are table entries, not directives.
_ENTRY_BLOCKS = frozenset({"map", "geo", "types", "split_clients", "charset_map", "match"})
_MAX_CHARS = 64_000


@lru_cache(maxsize=1)
def _directive_names() -> frozenset[str]:
    try:
        from crossplane.analyzer import DIRECTIVES
    except ImportError:
        return _DISTINCT | _BARE_BLOCKS | _ARG_BLOCKS
    return frozenset(DIRECTIVES)


def looks_like_nginx(text: str) -> bool:
    head = text[:_MAX_CHARS].lstrip("\ufeff \t\r\n")
    if not head or head[0] in "{[" or head.startswith("#!") or _vetoed(head):
        return False
    names = _directive_names()
    strong = weak = blocks = foreign = 0
    for name, args, term, in_entries in _statements(head):
        if in_entries:
            continue
        if term == "{":
            if _is_block(name, args):
                blocks += 1
            else:
                foreign += 1
        elif term == ";" and (name in names or _MODULE_PREFIX.match(name)) and not (args and args[0][:1] in ("=", ":")):
            if "_" in name or name in _DISTINCT:
                strong += 1
            else:
                weak += 1
        else:
            foreign += 1
    if foreign > strong + weak + blocks:
        return False
    return strong >= 1 or blocks >= 2 or (blocks >= 1 and weak >= 1) or (weak >= 2 and foreign == 0)


def _vetoed(text: str) -> bool:
    for line in text.splitlines()[:2000]:
        if line.lstrip().startswith("#"):
            continue
        if _INI_SECTION.match(line) or _APACHE_TAG.match(line) or _YAML_KEY.match(line) or _LOGROTATE.match(line):
            return True
    return False


def _is_block(name: str, args: list[str]) -> bool:
    if name in _BARE_BLOCKS:
        return not args
    if name == "if":
        return bool(args) and args[0].startswith("(") and "$" in "".join(args)
    if name == "map":
        return len(args) == 2 and args[1].startswith("$")
    return name in _ARG_BLOCKS and bool(args)


def _statements(text: str) -> Iterator[tuple[str, list[str], str, bool]]:
    """(name, args, terminator, inside an entries block) for each statement, as nginx splits them."""
    from infralint.parsers.nginx_lex import tokens

    entries: list[bool] = []
    name: str | None = None
    args: list[str] = []
    try:
        for tok, _line, quoted in tokens(text):
            if not quoted and tok in (";", "{", "}"):
                inside = bool(entries and entries[-1])
                if name is not None:
                    yield name, args, tok, inside
                if tok == "{":
                    entries.append(inside or name in _ENTRY_BLOCKS)
                elif tok == "}" and entries:
                    entries.pop()
                name, args = None, []
            elif name is None:
                name = tok
            else:
                args.append(tok)
    except Exception:  # a malformed Lua block ends the sample; judge what came before
        return
