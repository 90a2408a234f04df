"""Hostile input: whatever the bytes, parsers never raise, every problem has a line inside the
file, and a run finishes in bounded time (issue: never crash, never hang, never leak)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infralint.decode import split_lines
from infralint.parsers.compose import parse_compose
from infralint.parsers.dockerfile import parse_dockerfile
from infralint.parsers.k8s import parse_kube
from infralint.parsers.nginx import parse_nginx
from infralint.parsers.source import Source
from infralint.parsers.yamlload import load_stream
from tests.helpers import run

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

DOCKER_WORDS = ["FROM", "RUN", "USER", "ENV", "ARG", "COPY", "ADD", "HEALTHCHECK", "AS", "<<EOF", "EOF",
                "\\", "#", "# escape=`", "`", "${X:-a}", "$X", "=", '"', "'", "--mount=type=secret", "\n", " ", "\t", "\r\n"]
YAML_WORDS = ["services:", "image:", "ports:", "- ", "  ", "\n", "apiVersion: v1", "kind: Pod", "spec:",
              "containers:", "env:", "{", "}", "[", "]", ",", ":", "&a", "*a", "<<:", "'", '"', "---", "#",
              "5432:5432", "null", "yes", "0x1F", "!!str", "!reset", "\t", "?"]
NGINX_WORDS = ["server", "location", "http", "{", "}", ";", "include", "*.conf", "add_header", "X-A", "always",
               "proxy_pass", "http://a:1", "limit_req", "if", "($x)", "\"", "'", "#", "\n", " ", "\\", "$"]


def texts(words: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(words), max_size=60).map(" ".join),
        st.lists(st.sampled_from(words), max_size=60).map("".join),
        st.text(max_size=300),
    )


def _src(tmp: Path, name: str, text: str) -> Source:
    path = tmp / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if "\ud800" not in text else path.write_bytes(text.encode("utf-8", "replace"))
    return Source(path=name, real=path.resolve(), text=text, root=tmp.resolve(),
                  read=lambda p: p.read_text("utf-8") if p.is_file() else None)


def _lines_ok(doc, text: str) -> None:
    last = len(split_lines(text)) + 1
    for p in doc.problems:
        assert 1 <= p.span.line <= last, (p, last)


@FUZZ
@given(texts(DOCKER_WORDS))
def test_dockerfile_parser_never_raises(tmp_path_factory, text: str) -> None:
    tmp = tmp_path_factory.mktemp("d")
    doc = parse_dockerfile(_src(tmp, "Dockerfile", text))
    _lines_ok(doc, text)


@FUZZ
@given(texts(YAML_WORDS))
def test_yaml_parsers_never_raise(tmp_path_factory, text: str) -> None:
    tmp = tmp_path_factory.mktemp("y")
    src = _src(tmp, "compose.yaml", text)
    stream = load_stream(text, "compose.yaml")
    for doc in (parse_compose(src, stream), parse_kube(src, stream)):
        _lines_ok(doc, text)


@FUZZ
@given(texts(NGINX_WORDS))
def test_nginx_parser_never_raises(tmp_path_factory, text: str) -> None:
    tmp = tmp_path_factory.mktemp("n")
    doc = parse_nginx(_src(tmp, "site.conf", text))
    _lines_ok(doc, text)


def _timed_run(tmp_path: Path, monkeypatch, name: str, data: bytes, limit: float = 20.0) -> dict:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_bytes(data)
    start = time.monotonic()
    r = run(name, "-f", "json", "--exit-zero")
    assert time.monotonic() - start < limit
    assert r.code == 0, r.stderr
    return r.json()


def test_billion_laughs_is_bounded(tmp_path, monkeypatch) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    lines.append("services:\n  web:\n    image: nginx:1.27\n    environment: *a11")
    doc = _timed_run(tmp_path, monkeypatch, "compose.yaml", "\n".join(lines).encode())
    assert doc["files"]["scanned"] == 1


def test_deep_nesting_is_a_finding_not_a_crash(tmp_path, monkeypatch) -> None:
    text = "services:\n  web:\n    x: " + "[" * 5000 + "]" * 5000 + "\n"
    doc = _timed_run(tmp_path, monkeypatch, "compose.yaml", text.encode())
    assert any(f["rule_id"] == "IL001" for f in doc["findings"])


def test_many_documents(tmp_path, monkeypatch) -> None:
    one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{}\ndata:\n  k: v\n"
    text = "---\n".join(one.format(i) for i in range(20000))
    doc = _timed_run(tmp_path, monkeypatch, "many.yaml", text.encode(), limit=30)
    assert doc["files"]["scanned"] == 1


def test_huge_file_is_reported_not_read(tmp_path, monkeypatch) -> None:
    data = b"FROM python:3.12\n" + b"RUN echo " + b"x" * (6 * 1024 * 1024) + b"\n"
    doc = _timed_run(tmp_path, monkeypatch, "Dockerfile", data)
    il001 = [f for f in doc["findings"] if f["rule_id"] == "IL001"]
    assert il001 and "limit" in il001[0]["message"]


def test_long_line(tmp_path, monkeypatch) -> None:
    data = b"FROM python:3.12\nENV A=" + b"y" * 500_000 + b"\n"
    _timed_run(tmp_path, monkeypatch, "Dockerfile", data)


@pytest.mark.parametrize("name, data, has_il001", [
    ("Dockerfile", b"\xef\xbb\xbfFROM python\n", False),
    ("Dockerfile", "FROM python\n".encode("utf-16"), False),
    ("Dockerfile", b"FROM python\nENV A=caf\xe9\n", True),
    ("compose.yaml", b"\x00\x01\x02binary\xff\xfe", True),
    ("Dockerfile", b"\x7fELF\x02\x01\x01\x00\x00\x00", True),
])
def test_encodings(tmp_path, monkeypatch, name: str, data: bytes, has_il001: bool) -> None:
    doc = _timed_run(tmp_path, monkeypatch, name, data)
    assert any(f["rule_id"] == "IL001" for f in doc["findings"]) == has_il001


def test_crlf_keeps_line_numbers(tmp_path, monkeypatch) -> None:
    text = "services:\r\n  db:\r\n    image: postgres:16.2\r\n    ports:\r\n      - \"5432:5432\"\r\n"
    doc = _timed_run(tmp_path, monkeypatch, "compose.yaml", text.encode())
    assert [f["line"] for f in doc["findings"] if f["rule_id"] == "IL401"] == [5]


@pytest.mark.parametrize("text", [
    "services:\n  - web\n",
    "services:\n  web: nginx\n",
    "services:\n  web:\n    image: 123\n    ports: {a: b}\n    environment: null\n",
    "services:\n  web:\n    ports: [1, {target: x}, 'garbage::::']\n",
    "apiVersion: v1\nkind: Pod\nspec: nope\n",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers: null\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: {a: 1}\n",
])
def test_wrong_shapes_are_findings(tmp_path, monkeypatch, text: str) -> None:
    name = "compose.yaml" if text.startswith("services") else "pod.yaml"
    doc = _timed_run(tmp_path, monkeypatch, name, text.encode())
    assert doc["files"]["scanned"] == 1


def test_symlinks_out_of_root_and_loops(tmp_path, monkeypatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text("FROM python\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "escape").symlink_to(outside)
    (root / "loop").symlink_to(root)
    (root / "Dockerfile").write_text("FROM python:3.12\n")
    monkeypatch.chdir(root)
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert all("outside" not in f["path"] for f in doc["findings"])
    reasons = {s["path"]: s["reason"] for s in doc["files"]["skipped"]}
    assert "outside" in reasons["escape"] and "loop" in reasons["loop"]


def test_nginx_include_outside_root_is_not_read(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "secret.conf"
    secret.write_text("server { listen 80; }\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "nginx.conf").write_text(f"events {{}}\nhttp {{ include {secret}; include ../secret.conf; }}\n")
    monkeypatch.chdir(root)
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert all(f["path"] == "nginx.conf" for f in doc["findings"])
    assert any("outside" in s["reason"] for s in doc["files"]["skipped"])


def test_secret_never_printed_even_in_a_broken_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    environment:\n      DB_PASSWORD: Zq8vLx2mNp4kW7\n    ports: [\"80:80\"\n")
    (tmp_path / "Dockerfile").write_text("FROM python\nENV API_TOKEN=Zq8vLx2mNp4kW7\nRUNN x\n")
    for fmt in ("text", "json", "sarif"):
        out = run(".", "-f", fmt, "--exit-zero").stdout
        assert "Zq8vLx2mNp4kW7" not in out and "vLx2m" not in out, fmt


def test_paths_with_spaces_and_unicode(tmp_path, monkeypatch) -> None:
    d = tmp_path / "my app" / "dépôt"
    d.mkdir(parents=True)
    (d / "Dockerfile").write_text("FROM python\n")
    monkeypatch.chdir(tmp_path)
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert any(f["path"] == "my app/dépôt/Dockerfile" for f in doc["findings"])


@pytest.mark.parametrize("text, error_line, linted_line", [
    # A block left open at the end of the file.
    ("server {\n    listen 80;\n    location /api/ {\n        proxy_pass http://app:3000;\n    }\n", 5, 3),
    # A stray `}` in the middle: the server after it is still linted.
    ("server {\n    listen 80;\n    return 301 https://x;\n}\n}\nserver {\n  listen 8080;\n"
     "  location / { proxy_pass http://x:1; }\n}\n", 5, 8),
])
def test_unbalanced_nginx_braces_still_lint_the_rest(tmp_path, monkeypatch, text: str, error_line: int,
                                                     linted_line: int) -> None:
    doc = _timed_run(tmp_path, monkeypatch, "site.conf", text.encode())
    assert [f["line"] for f in doc["findings"] if f["rule_id"] == "IL001"] == [error_line]
    assert linted_line in [f["line"] for f in doc["findings"] if f["rule_id"] == "IL503"]
