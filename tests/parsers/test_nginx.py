"""nginx parser: crossplane per file, includes inlined with their own file/line, errors as problems."""
from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from infralint.model.nginx import Directive, NginxConfig
from infralint.parsers.nginx import looks_like_nginx, parse_nginx
from infralint.parsers.source import Source

CORPUS = Path("/work/shared/corpus")


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def source(root: Path, file: Path, cache: dict | None = None) -> Source:
    base = root.resolve()

    def read(p: Path) -> str | None:
        try:
            real = p.resolve()
            real.relative_to(base)
            return real.read_text("utf-8") if real.is_file() else None
        except (ValueError, OSError):
            return None

    return Source(path=file.resolve().relative_to(base).as_posix(), real=file.resolve(),
                  text=file.read_text("utf-8"), root=base,
                  display=lambda p: p.resolve().relative_to(base).as_posix(),
                  read=read, cache={} if cache is None else cache)


def parse_at(root: Path, rel: str, text: str) -> NginxConfig:
    return parse_nginx(source(root, write(root, rel, text)))


def find(doc: NginxConfig, name: str) -> list[Directive]:
    return [d for _, d in doc.walk() if d.name == name]


def errors(doc: NginxConfig) -> list[tuple[int, str]]:
    return [(p.span.line, p.message) for p in doc.problems if p.kind == "parse-error"]


MAIN = """
user nginx;
events {
    worker_connections 1024;
}
http {
    include mime.types;
    server_tokens off;
    include conf.d/*.conf;
}
"""


def test_main_config_inlines_globbed_includes_with_their_own_spans(tmp_path: Path) -> None:
    write(tmp_path, "conf.d/a.conf", """
        server {
            listen 80;
            location / {
                proxy_pass http://app:8000;
            }
        }
        """)
    write(tmp_path, "conf.d/b.conf", """
        # second site
        server { listen 8080; }
        """)
    write(tmp_path, "mime.types", "types { text/html html; }\n")
    doc = parse_at(tmp_path, "nginx.conf", MAIN)
    assert doc.problems == []
    assert doc.context == "main" and doc.is_full
    http = doc.http_blocks()[0]
    assert [d.name for d in http.block] == ["types", "server_tokens", "server", "server"]
    types, _, a_server, b_server = http.block
    assert (types.span.path, types.span.line) == ("mime.types", 1)
    assert (a_server.span.path, a_server.span.line) == ("conf.d/a.conf", 1)
    assert (b_server.span.path, b_server.span.line, b_server.span.column) == ("conf.d/b.conf", 2, 1)
    proxy = find(doc, "proxy_pass")[0]
    assert (proxy.span.path, proxy.span.line, proxy.span.column) == ("conf.d/a.conf", 4, 9)
    assert proxy.args == ("http://app:8000",)
    assert len(doc.servers()) == 2
    assert [Path(p).name for p in doc.included_real] == ["mime.types", "a.conf", "b.conf"]
    assert doc.unread_includes == []


def test_fragment_with_two_servers(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "conf.d/site.conf", """
        server {
            listen 80;
            server_name example.com;
            return 301 https://$host$request_uri;
        }
        server {
            listen 443 ssl;
            server_name example.com;
            location /api/ { proxy_pass http://api:9000; }
        }
        """)
    assert doc.problems == []
    assert doc.context == "http" and not doc.is_full
    servers = doc.servers()
    assert [s.block.span.line for s in servers] == [1, 6]
    assert [s.block.name for s in doc.scopes(servers[1])] == ["location"]
    assert servers[1].block.span.end_line == 9


def test_snippet_of_bare_headers(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "snippets/headers.conf", """
        add_header X-Frame-Options DENY always;
        add_header X-Content-Type-Options "nosniff" always;
        """)
    assert doc.problems == [] and doc.context == "server"
    assert [d.args for d in doc.directives] == [("X-Frame-Options", "DENY", "always"),
                                                ("X-Content-Type-Options", "nosniff", "always")]
    assert doc.directives[1].span.line == 2


def test_include_inside_if_is_inlined(tmp_path: Path) -> None:
    write(tmp_path, "snippets/deny.conf", "return 403;\n")
    doc = parse_at(tmp_path, "nginx.conf", """
        http {
            server {
                if ($bad) { include snippets/deny.conf; }
            }
        }
        """)
    assert doc.problems == []
    block_if = find(doc, "if")[0]
    assert block_if.args == ("$bad",)
    assert [(d.name, d.span.path) for d in block_if.block] == [("return", "snippets/deny.conf")]


def test_glob_matching_nothing_is_silent(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "nginx.conf", "http { include sites-enabled/*; server { listen 80; } }\n")
    assert doc.problems == [] and doc.unread_includes == [] and len(doc.servers()) == 1


def test_includes_outside_root_or_missing_are_recorded_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "secret.conf", "add_header X-Leak 1;\n")
    root = tmp_path / "repo"
    (root / "link.conf").parent.mkdir(parents=True)
    (root / "link.conf").symlink_to(outside / "secret.conf")
    doc = parse_at(root, "nginx.conf", f"""
        http {{
            include /etc/nginx/mime.types;
            include {outside}/secret.conf;
            include ../outside/*.conf;
            include link.conf;
            include missing.conf;
            include */../../outside/*.conf;
        }}
        """)
    assert doc.problems == []
    assert find(doc, "add_header") == []
    assert [(p, s.line) for p, s in doc.unread_includes] == [
        ("/etc/nginx/mime.types", 2), (f"{outside}/secret.conf", 3), ("../outside/*.conf", 4),
        ("link.conf", 5), ("missing.conf", 6), ("*/../../outside/*.conf", 7)]
    assert doc.included_real == []


def test_include_cycle_is_cut_and_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.conf", "add_header A 1;\ninclude b.conf;\n")
    write(tmp_path, "b.conf", "add_header B 1;\ninclude a.conf;\n")
    self_loop = parse_at(tmp_path, "self.conf", "add_header S 1;\ninclude self.conf;\n")
    assert [d.name for d in self_loop.directives] == ["add_header"]
    assert errors(self_loop) and errors(self_loop)[0][0] == 2
    doc = parse_nginx(source(tmp_path, tmp_path / "a.conf"))
    assert [d.args[0] for d in doc.directives] == ["A", "B"]
    assert len(errors(doc)) == 1 and errors(doc)[0][0] == 2 and "loop" in errors(doc)[0][1]


def test_many_includes_are_bounded(tmp_path: Path) -> None:
    # Each level includes the next ten times: 10**6 directives unless expansion is bounded.
    for i in range(6):
        write(tmp_path, f"l{i}.conf", f"include l{i + 1}.conf;\n" * 10)
    write(tmp_path, "l6.conf", "add_header X 1;\n")
    start = time.monotonic()
    doc = parse_nginx(source(tmp_path, tmp_path / "l0.conf"))
    assert time.monotonic() - start < 5
    assert errors(doc) and "not read" in errors(doc)[0][1]


def test_unbalanced_braces_is_a_problem_with_its_line(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "nginx.conf", """
        http {
            server {
                listen 80;
            }
        }
        }
        """)
    assert errors(doc)[0][0] == 6
    assert 'unexpected "}"' in errors(doc)[0][1]
    assert str(tmp_path) not in errors(doc)[0][1]
    missing = parse_at(tmp_path, "open.conf", "server {\n  listen 80;\n  location / {\n}\n")
    assert errors(missing) and "expecting" in errors(missing)[0][1]
    assert str(tmp_path) not in errors(missing)[0][1]


def test_missing_semicolon_is_reported(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "site.conf", """
        server {
            location / {
                proxy_pass http://app
                add_header X-Frame-Options DENY;
            }
            location /b { return 200 }
        }
        """)
    msgs = errors(doc)
    assert (3, msgs[0][1]) == msgs[0] and 'proxy_pass' in msgs[0][1]
    assert doc.problems[0].span.column == 9  # at the directive, as every finding points
    assert any(line == 6 and '"return" is not terminated by ";"' in m for line, m in msgs)


def test_a_brace_ending_a_statement_does_not_swallow_the_next_server(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "nginx.conf", """
        http {
            server {
                server_name a.example.com;
                location / { proxy_pass http://app }
            }
            server {
                server_name b.example.com;
                location / { proxy_pass http://b; }
            }
        }
        """)
    assert errors(doc)[0][0] == 4 and '"proxy_pass" is not terminated' in errors(doc)[0][1]
    http = doc.directives[0]
    # Read as nginx's message suggests: both servers stay siblings inside http.
    assert [d.name for d in http.block] == ["server", "server"]
    assert [d.name for d in http.block[0].block] == ["server_name", "location"]


def test_missing_semicolon_at_end_of_file(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "h.conf", "add_header X 1")
    assert errors(doc)


def test_included_files_errors_are_not_the_includers(tmp_path: Path) -> None:
    write(tmp_path, "conf.d/broken.conf", "server {\n")
    doc = parse_at(tmp_path, "nginx.conf", "http { include conf.d/*.conf; }\n")
    assert doc.problems == []
    broken = parse_nginx(source(tmp_path, tmp_path / "conf.d/broken.conf"))
    assert errors(broken) and broken.problems[0].span.path == "conf.d/broken.conf"


def test_empty_and_comment_only_files_have_no_problems(tmp_path: Path) -> None:
    assert parse_at(tmp_path, "empty.conf", "").problems == []
    assert parse_at(tmp_path, "comments.conf", "# nothing here\n\n   # really\n").problems == []


def test_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "nginx.conf"
    path.write_bytes(b"\xef\xbb\xbfuser nginx;\r\nhttp {\r\n  server_tokens off;\r\n}\r\n")
    src = source(tmp_path, path)
    src.text = src.text.lstrip("\ufeff")  # the engine's decoder strips the BOM
    doc = parse_nginx(src)
    assert doc.problems == []
    assert [(d.name, d.span.line, d.span.column) for d in doc.directives] == [("user", 1, 1), ("http", 2, 1)]
    assert doc.http_blocks()[0].block[0].span.column == 3


def test_columns(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "c.conf", """
        server {
          server_name return.example.com; return 301 https://x;
            location = /x { return 204; }
        }
        """)
    spans = {(d.name, d.span.line): d.span.column for _, d in doc.walk()}
    assert spans[("server", 1)] == 1
    assert spans[("server_name", 2)] == 3
    assert spans[("return", 2)] == 35
    assert spans[("location", 3)] == 5
    assert spans[("return", 3)] == 21


def test_fragment_includes_resolve_against_own_then_parent_dir(tmp_path: Path) -> None:
    write(tmp_path, "snippets/ssl.conf", "ssl_protocols TLSv1.2 TLSv1.3;\n")
    doc = parse_at(tmp_path, "conf.d/site.conf", "server { include snippets/ssl.conf; }\n")
    assert [(d.name, d.span.path) for d in doc.servers()[0].block.block] == [("ssl_protocols", "snippets/ssl.conf")]


def test_main_config_resolves_nested_includes_against_its_own_dir(tmp_path: Path) -> None:
    write(tmp_path, "conf.d/site.conf", "server { include snippets/h.conf; }\n")
    write(tmp_path, "snippets/h.conf", "add_header X-Frame-Options DENY;\n")
    write(tmp_path, "conf.d/snippets/h.conf", "add_header Wrong 1;\n")
    doc = parse_at(tmp_path, "nginx.conf", "http { include conf.d/site.conf; }\n")
    assert [d.args[0] for d in find(doc, "add_header")] == ["X-Frame-Options"]


def test_shared_snippet_is_parsed_once_per_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crossplane

    calls: list[str] = []
    real_parse = crossplane.parse
    monkeypatch.setattr(crossplane, "parse", lambda path, **kw: calls.append(path) or real_parse(path, **kw))
    write(tmp_path, "snippets/h.conf", "add_header X 1;\n")
    servers = "".join(f"server {{ listen {8000 + i}; include snippets/h.conf; }}\n" for i in range(50))
    main = write(tmp_path, "nginx.conf", f"http {{\n{servers}}}\n")
    cache: dict = {}
    doc = parse_nginx(source(tmp_path, main, cache))
    parse_nginx(source(tmp_path, tmp_path / "snippets/h.conf", cache))
    assert len(find(doc, "add_header")) == 50
    assert sorted(Path(c).name for c in calls) == ["h.conf", "nginx.conf"]


def test_effective_headers_follow_nginx_inheritance(tmp_path: Path) -> None:
    write(tmp_path, "snippets/sec.conf", """
        add_header X-Frame-Options DENY always;
        add_header X-Content-Type-Options nosniff always;
        """)
    doc = parse_at(tmp_path, "nginx.conf", """
        http {
            server {
                listen 80;
                include snippets/sec.conf;
                location / { proxy_pass http://app; }
                location /api/ {
                    add_header Cache-Control no-store;
                    proxy_pass http://api;
                }
            }
        }
        """)
    server = doc.servers()[0]
    root_loc, api_loc = doc.scopes(server)
    inherited = root_loc.effective("add_header")
    assert [d.args[0] for d in inherited] == ["X-Frame-Options", "X-Content-Type-Options"]
    assert inherited[0].span.path == "snippets/sec.conf"
    assert [d.args[0] for d in api_loc.effective("add_header")] == ["Cache-Control"]
    assert api_loc.defining_level("add_header") is api_loc.block and api_loc.proxies


def test_lua_block_is_kept_opaque(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "lua.conf", """
        server {
            location / {
                content_by_lua_block {
                    ngx.say("that's { fine")
                }
                add_header X 1;
            }
        }
        """)
    assert doc.problems == []
    assert [d.name for d in doc.scopes(doc.servers()[0])[0].block.block] == ["content_by_lua_block", "add_header"]


def test_map_entries_are_not_mistaken_for_missing_semicolons(tmp_path: Path) -> None:
    doc = parse_at(tmp_path, "nginx.conf", """
        http {
            log_format main '$remote_addr - $remote_user'
                            '$status $body_bytes_sent';
            map $sent_http_content_type $xfo {
                ~*text/html DENY;
                default     "";
            }
            server { listen 443 ssl
                            http2; }
        }
        """)
    assert doc.problems == []


@pytest.mark.parametrize("text", [
    "server {\n    listen 80;\n}\n",
    "add_header X-Frame-Options DENY;\n",
    "http {\n  include conf.d/*.conf;\n}\n",
    "events { worker_connections 1024; }\nhttp { }\n",
    "worker_processes auto;\n",
    "upstream app {\n  server app:8000;\n}\n",
    "location /api/ {\n  proxy_pass http://api;\n}\n",
    "include a.conf;\ninclude b.conf;\n",
    "ssl_certificate /etc/ssl/x.pem;\nssl_certificate_key /etc/ssl/x.key;\n",
    "charset_types\n    text/css\n    application/json;\n",
    "brotli_static on;\n",
    "# h5bp\nserver_name example.com; # trailing comment\n",
])
def test_looks_like_nginx_positive(text: str) -> None:
    assert looks_like_nginx(text)


@pytest.mark.parametrize("text", [
    "[section]\nkey = value\nother=1\n",
    "/var/log/nginx/*.log {\n    daily\n    missingok\n    rotate 14\n    compress\n    postrotate\n"
    "        invoke-rc.d nginx rotate >/dev/null 2>&1\n    endscript\n}\n",
    "[program:nginx]\ncommand=/usr/sbin/nginx -g \"daemon off;\"\nautorestart=true\n",
    "[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\n",
    "#!/bin/sh\nset -e\nnginx -t && nginx -s reload\n",
    "server:\n  listen: 80\n  proxy_pass: http://x\n",
    "apiVersion: v1\nkind: ConfigMap\ndata:\n  nginx.conf: |\n    server {\n      listen 80;\n    }\n",
    '{"server": {"listen": 80}}\n',
    "<VirtualHost *:80>\n  ServerName example.com\n  ProxyPass / http://app/\n</VirtualHost>\n",
    "Listen 80\nServerName example.com\nInclude conf.d/*.conf\n",
    "server {\n  enabled = true\n  bootstrap_expect = 3\n}\n",
    "options {\n    directory \"/var/cache/bind\";\n    recursion yes;\n};\n",
    "int main(void) {\n    if (x) {\n        return 1;\n    }\n    return 0;\n}\n",
    "proxy_pass = http://x;\nadd_header = 1;\n",
    "",
])
def test_looks_like_nginx_negative(text: str) -> None:
    assert not looks_like_nginx(text)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_confs_parse_and_h5bp_includes_resolve() -> None:
    root = CORPUS.resolve()
    cache: dict = {}
    for conf in sorted(root.rglob("*.conf")):
        text = conf.read_text("utf-8", errors="replace")
        if not looks_like_nginx(text):
            continue
        doc = parse_nginx(source(root, conf, cache))
        assert doc.problems == [], conf
    h5bp = parse_nginx(source(root, root / "h5bp+server-configs-nginx/nginx.conf", cache))
    assert h5bp.context == "main"
    assert len(h5bp.included_real) >= 6
    assert [p for p, _ in h5bp.unread_includes] == ["mime.types"]
    paths = {d.span.path for _, d in h5bp.walk()}
    assert "h5bp+server-configs-nginx/h5bp/web_performance/compression.conf" in paths
