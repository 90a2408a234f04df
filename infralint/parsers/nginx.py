"""nginx parser: crossplane per file, includes inlined by us (each directive keeps its own file and
line), the file's own syntax errors as problems. See /work/shared/research/nginx.md, section 2."""
from __future__ import annotations

import re
from pathlib import Path

from infralint.model.common import Problem
from infralint.model.nginx import Directive, NginxConfig
from infralint.model.span import Span
from infralint.parsers.nginx_include import Expander
from infralint.parsers.nginx_read import read_file
from infralint.parsers.nginx_sniff import looks_like_nginx
from infralint.parsers.source import Source

__all__ = ["parse_nginx", "looks_like_nginx"]

_MAIN_BLOCKS = frozenset({"http", "events", "stream", "mail"})
# Directives nginx accepts only in the main context: a file holding them is read as a main config.
_MAIN_ONLY = frozenset({"user", "worker_processes", "worker_rlimit_nofile", "worker_cpu_affinity",
                        "worker_priority", "pid", "load_module", "daemon", "master_process",
                        "thread_pool", "pcre_jit", "lock_file", "timer_resolution",
                        "worker_shutdown_timeout", "working_directory", "ssl_engine"})
# Directives that belong to the http level (or stream/mail), never inside a server.
_HTTP_LEVEL = frozenset({"server", "upstream", "map", "geo", "split_clients", "limit_req_zone",
                         "limit_conn_zone", "log_format", "proxy_cache_path", "fastcgi_cache_path",
                         "uwsgi_cache_path", "scgi_cache_path", "server_names_hash_bucket_size",
                         "server_names_hash_max_size", "variables_hash_bucket_size",
                         "variables_hash_max_size", "map_hash_bucket_size", "map_hash_max_size",
                         "perl_modules", "perl_require", "perl_set", "geoip_country", "geoip_city",
                         "js_import", "js_path", "keyval_zone", "lua_package_path",
                         "lua_shared_dict", "init_by_lua_block", "init_worker_by_lua_block"})


_NAMED = re.compile(r'^directive "([^"]+)"')


def _column(text: str, line: int, message: str) -> int:
    """Where the directive a message names starts on its line (1 when that is not known)."""
    m = _NAMED.match(message)
    if m is None:
        return 1
    lines = text.split("\n", line)
    at = lines[line - 1].find(m.group(1)) if 0 < line <= len(lines) else -1
    return at + 1 if at >= 0 else 1


def parse_nginx(src: Source) -> NginxConfig:
    own = read_file(src.real, src.text, src.path, src.cache)
    problems = [Problem("parse-error", msg, Span(src.path, line, _column(src.text, line, msg)))
                for line, msg in own.errors]
    expander = Expander(src, _include_bases(src.real, own.directives, src.root))
    directives = expander.expand(own.directives)
    problems.extend(expander.problems)
    return NginxConfig(
        path=src.path,
        format="nginx",
        text=src.text,
        problems=problems,
        directives=directives,
        context=context_of(directives),
        unread_includes=list(dict.fromkeys(expander.unread)),
        included_real=expander.included,
    )


def context_of(directives: tuple[Directive, ...]) -> str:
    """The context a file's top level is written for: "main", "http" or "server"."""
    names = {d.name for d in directives}
    if names & (_MAIN_BLOCKS | _MAIN_ONLY):
        return "main"
    if names & _HTTP_LEVEL:
        return "http"
    return "server"


def _include_bases(real: Path, top: tuple[Directive, ...], root: Path) -> list[Path]:
    """nginx resolves relative includes against the main config's directory. A fragment's main
    config is unknown: its own directory is the best guess, then each folder above it up to the
    scanned root (conf.d/.., or a template two levels below the config's root)."""
    here = real.parent
    if context_of(top) == "main" or here.parent == here:
        return [here]
    bases = [here]
    cur = here
    while cur != root and cur.parent != cur and root in cur.parents:
        cur = cur.parent
        bases.append(cur)
    return bases
