"""QA: hostile input, written from the spec only.

"Whatever the input, it finishes, lints everything it can, reports everything it cannot as an
IL001 finding with a line, and never executes, fetches, follows a path out of the scanned tree,
or prints a secret." (CONTRACT.md edge cases; RULES.md IL001.) Complements tests/test_hostile.py.

Runs that need stderr, a crash signal or the memory high-water mark go through a subprocess.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import run

MEMORY_LIMIT_KB = 200 * 1024
SECRET = "Zq8vLx2mNp4kW7Qr"
GHP = "ghp_" + "Q7mZ2xK9vB4nR8tL1wY6pC3sD5fG0hJ2kL4m"  # not a real token

# Runs the CLI and reports the process's peak RSS on stderr's last line. VmHWM belongs to the
# process's own address space; ru_maxrss would carry over the forking parent's (pytest's) peak.
_WRAPPER = (
    "import resource, sys\n"
    "from infralint.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "try:\n"
    "    hwm = int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])\n"
    "except (OSError, StopIteration):\n"
    "    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "sys.stderr.write('\\nQA-MAXRSS-KB=%d\\n' % hwm)\n"
    "sys.exit(code)\n"
)


@dataclass
class Proc:
    code: int
    stdout: str
    stderr: str
    seconds: float
    maxrss_kb: int

    def json(self) -> dict:
        return json.loads(self.stdout)


def cli(cwd: Path, *args: str, timeout: float = 30) -> Proc:
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-c", _WRAPPER, *args], cwd=cwd, capture_output=True,
                       text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    took = time.monotonic() - start
    m = re.search(r"\nQA-MAXRSS-KB=(\d+)\n$", p.stderr)
    err = p.stderr[: m.start()] if m else p.stderr
    assert p.returncode >= 0, f"killed by signal {-p.returncode}: {err[-500:]}"
    assert "Traceback" not in err, err
    return Proc(p.returncode, p.stdout, err, took, int(m.group(1)) if m else 0)


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode())


def lint(tmp_path: Path, monkeypatch, files: dict[str, str | bytes], *args: str) -> dict:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, files)
    r = run(".", "-f", "json", "--exit-zero", *args)
    assert r.code == 0, r.stderr
    return r.json()


def il001(doc: dict, path: str | None = None) -> list[dict]:
    return [f for f in doc["findings"] if f["rule_id"] == "IL001" and (path is None or f["path"] == path)]


def n_lines(data: str | bytes) -> int:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return len(text.split("\n"))


# =========================================================================== broken syntax

COMPOSE_OK = "services:\n  web:\n    image: nginx\n"

BROKEN = {
    # name: (file name, text, line where the problem is)
    "yaml-bad-indent": ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n   ports:\n      - '80:80'\n", 4),
    "yaml-tab": ("compose.yaml", "services:\n  web:\n\timage: nginx:1.27\n", 3),
    "yaml-unclosed-flow-seq": ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"\n", None),
    "yaml-unclosed-flow-map": ("compose.yaml", "services:\n  web: {image: nginx:1.27\n  db: {image: postgres\n", None),
    "k8s-unclosed-quote": ("deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"a\nspec: {}\n", None),
    "nginx-missing-close": ("site.conf", "server {\n    listen 80;\n    location / {\n        return 204;\n    }\n", None),
    "nginx-extra-close": ("site.conf", "server {\n    listen 80;\n}\n}\nserver {\n    listen 81;\n}\n", 4),
    "nginx-unclosed-quote": ("site.conf", "server {\n    listen 80;\n    add_header X-A \"b;\n}\n", None),
    "docker-unterminated-heredoc": ("Dockerfile", "FROM python:3.12\nRUN <<EOF\necho hi\n", 2),
    "docker-unknown-instruction": ("Dockerfile", "FROM python:3.12\nRUNN echo\nUSER 10001\n", 2),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_is_il001_at_the_problem_line(tmp_path, monkeypatch, case: str) -> None:
    name, text, line = BROKEN[case]
    doc = lint(tmp_path, monkeypatch, {name: text})
    found = il001(doc, name)
    assert found, doc["findings"]
    first = min(f["line"] for f in found)
    assert 1 <= first <= n_lines(text) + 1
    if line is not None:
        assert first == line
    assert all(f["severity"] == "high" and f["rule_name"] == "parse-error" for f in found)


@pytest.mark.parametrize("tail", ["", "\n"])
def test_dockerfile_trailing_backslash_at_eof(tmp_path, monkeypatch, tail: str) -> None:
    text = "FROM python:3.12\nUSER 10001\nRUN echo hi \\" + tail
    doc = lint(tmp_path, monkeypatch, {"Dockerfile": text})
    lines = [f["line"] for f in il001(doc)]
    assert lines and all(3 <= ln <= n_lines(text) + 1 for ln in lines)


def test_broken_files_do_not_stop_the_others(tmp_path, monkeypatch) -> None:
    files = {f"{case}/{name}": text for case, (name, text, _) in BROKEN.items()}
    files["ok/Dockerfile"] = "FROM python\n"
    files["ok/compose.yaml"] = COMPOSE_OK
    doc = lint(tmp_path, monkeypatch, files)
    broken_paths = {f["path"] for f in il001(doc)}
    assert broken_paths == {f"{case}/{name}" for case, (name, _, _) in BROKEN.items()}
    ok = {(f["path"], f["rule_id"]) for f in doc["findings"]}
    assert ("ok/Dockerfile", "IL101") in ok and ("ok/compose.yaml", "IL101") in ok


def test_dockerfile_rules_still_run_around_a_broken_instruction(tmp_path, monkeypatch) -> None:
    text = "FROM python\nRUNN echo\nUSER 0\nHEALTHCHECK CMD true\n"
    doc = lint(tmp_path, monkeypatch, {"Dockerfile": text})
    got = {(f["rule_id"], f["line"]) for f in doc["findings"]}
    assert {("IL001", 2), ("IL101", 1), ("IL201", 3)} <= got


def test_yaml_stream_keeps_documents_before_a_broken_one(tmp_path, monkeypatch) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: x:latest\n"
    text = pod + "---\napiVersion: v1\nkind: Pod\nspec: [\n"
    doc = lint(tmp_path, monkeypatch, {"k.yaml": text}, "--select", "IL001,IL101")
    assert [(f["rule_id"], f["line"]) for f in doc["findings"] if f["rule_id"] == "IL101"] == [("IL101", 8)]
    assert il001(doc)


def test_yaml_stream_keeps_documents_after_a_broken_one(tmp_path, monkeypatch) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: x:latest\n"
    text = "apiVersion: v1\nkind: Pod\nspec: [\n---\n" + pod
    doc = lint(tmp_path, monkeypatch, {"k.yaml": text}, "--select", "IL001,IL101")
    assert [f["line"] for f in il001(doc)] == [4] or il001(doc)
    assert [f["line"] for f in doc["findings"] if f["rule_id"] == "IL101"] == [12]


def test_parse_errors_are_reported_whatever_is_selected(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"compose.yaml": "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"\n"})
    r = run(".", "-f", "json", "--select", "IL101")
    assert il001(r.json()) and r.code == 1


def test_empty_and_comment_only_files_are_not_findings(tmp_path, monkeypatch) -> None:
    files = {"a/Dockerfile": "", "b/Dockerfile": "# just a comment\n", "compose.yaml": "# nothing\n",
             "c/compose.yaml": "", "nginx.conf": "# off\n", "k.yaml": "---\n", ".env": ""}
    doc = lint(tmp_path, monkeypatch, files)
    assert doc["findings"] == []


# =========================================================================== bombs and limits

def test_alias_bomb_twenty_levels(tmp_path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 20):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    lines.append("services:\n  web:\n    image: nginx:1.27\n    environment: *a19\n    command: *a19\n"
                 "    ports: *a19\n    volumes: *a19\n")
    write(tmp_path, {"compose.yaml": "\n".join(lines)})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=20)
    assert p.code == 0 and p.seconds < 10 and p.maxrss_kb < MEMORY_LIMIT_KB
    assert len(p.stdout) < 1_000_000  # findings are not multiplied by the expansion


def test_merge_key_chain_is_cheap(tmp_path) -> None:
    lines = ["x0: &x0 {a: 1, b: 2}"]
    for i in range(1, 30):
        lines.append(f"x{i}: &x{i}\n  <<: [*x{i-1}]\n  k{i}a: *x{i-1}\n  k{i}b: *x{i-1}")
    lines.append("services:\n  web:\n    <<: *x29\n    image: nginx:1.27\n")
    write(tmp_path, {"compose.yaml": "\n".join(lines) + "\n"})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=20)
    assert p.code == 0 and p.seconds < 10 and p.maxrss_kb < MEMORY_LIMIT_KB


def test_merge_key_bomb(tmp_path) -> None:
    lines = ["x0: &x0 {a: 1, b: 2}"]
    for i in range(1, 22):
        lines.append(f"x{i}: &x{i}\n  <<: [*x{i-1}, *x{i-1}]\n  k{i}: 1")
    lines.append("services:\n  web:\n    <<: *x21\n    image: nginx:1.27\n")
    write(tmp_path, {"compose.yaml": "\n".join(lines) + "\n"})
    try:
        p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("over 10 s for a 70-line compose file")
    assert p.code == 0 and p.seconds < 5 and p.maxrss_kb < MEMORY_LIMIT_KB, (p.seconds, p.maxrss_kb)


@pytest.mark.parametrize("body", [
    pytest.param("x: " + "[" * 40000 + "]" * 40000, id="flow-seq"),
    pytest.param("x: " + "{a: " * 40000 + "1" + "}" * 40000, id="flow-map"),
    pytest.param("x:\n      " + "- " * 40000 + "a", id="block-seq-one-line"),
])
def test_very_deep_nesting_is_a_finding_not_a_crash(tmp_path, body: str) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    " + body + "\n",
                     "Dockerfile": "FROM python\n"})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    doc = p.json()
    # The key on line 4, or line 5 where the block sequence's dashes nest.
    assert [f["line"] for f in il001(doc, "compose.yaml")] in ([4], [5])
    assert any(f["path"] == "Dockerfile" for f in doc["findings"])


def test_deeply_nested_yaml_config_is_exit_2_not_a_crash(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, {".infralint.yaml": "select: " + "[" * 40000 + "]" * 40000 + "\n", "Dockerfile": "FROM python\n"})
    p = cli(tmp_path, ".")
    assert p.code == 2 and ".infralint.yaml" in p.stderr


def test_moderately_deep_block_nesting(tmp_path) -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n    x:\n" + "".join(
        "  " * (i + 3) + f"k{i}:\n" for i in range(1000))
    write(tmp_path, {"compose.yaml": text})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=20)
    assert p.maxrss_kb < MEMORY_LIMIT_KB
    for f in il001(p.json()):
        assert 1 <= f["line"] <= n_lines(text) + 1


@pytest.mark.parametrize("name, head", [
    ("compose.yaml", "services:\n  web:\n    image: nginx\n    command: "),
    ("deploy.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "),
    ("Dockerfile", "FROM python\nRUN echo "),
    (".env", "API_KEY="),
])
def test_files_over_the_size_limit_are_a_finding_naming_the_limit(tmp_path, name: str, head: str) -> None:
    write(tmp_path, {name: head.encode() + b"x" * (6 * 1024 * 1024) + b"\n", "other/Dockerfile": "FROM python\n"})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=20)
    assert p.maxrss_kb < MEMORY_LIMIT_KB
    doc = p.json()
    found = il001(doc, name)
    assert len(found) == 1 and found[0]["line"] == 1 and "limit" in found[0]["message"]
    assert any(f["path"] == "other/Dockerfile" for f in doc["findings"])


def _pods(n: int) -> str:
    one = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{}\nspec:\n  containers:\n"
           "    - name: a\n      image: x\n")
    return "---\n".join(one.format(i) for i in range(n))


def test_tens_of_thousands_of_documents_bounded_memory(tmp_path) -> None:
    write(tmp_path, {"k.yaml": _pods(25000)})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    assert p.code == 0
    doc = p.json()
    linted = {f["line"] for f in doc["findings"] if f["rule_id"] == "IL101"}
    assert len(linted) == 25000 or any("limit" in f["message"] for f in il001(doc))
    assert p.maxrss_kb < MEMORY_LIMIT_KB, p.maxrss_kb


def test_tens_of_thousands_of_documents_bounded_time(tmp_path) -> None:
    write(tmp_path, {"k.yaml": _pods(20000)})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", "--select", "IL001,IL101", timeout=30)
    assert p.code == 0 and p.seconds < 20


def test_wide_yaml_mapping_bounded_memory(tmp_path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n" + "".join(
        f"  k{i}: v\n" for i in range(200_000))
    write(tmp_path, {"k.yaml": text})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    assert p.maxrss_kb < MEMORY_LIMIT_KB, p.maxrss_kb


@pytest.mark.parametrize("line", [
    pytest.param(" server_name " + "a" * 3_000_000 + ";\n", id="long-word"),
    pytest.param(' add_header X-A "' + "a" * 3_000_000 + '";\n', id="long-quoted"),
])
def test_nginx_very_long_line_bounded_memory(tmp_path, line: str) -> None:
    write(tmp_path, {"site.conf": "server {\n listen 80;\n" + line + "}\n"})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    assert p.maxrss_kb < MEMORY_LIMIT_KB, p.maxrss_kb


@pytest.mark.parametrize("name, data", [
    ("compose.yaml", b"services:\n  web:\n    image: nginx:1.27\n    command: " + b"a" * 4_500_000 + b"\n"),
    ("Dockerfile", b"FROM python:3.12\nENV A=" + b"y" * 4_500_000 + b"\n"),
    ("Dockerfile", b"FROM python:3.12\nRUN echo " + b"y" * 4_500_000 + b"\n"),
])
def test_very_long_lines_bounded(tmp_path, name: str, data: bytes) -> None:
    write(tmp_path, {name: data})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    assert p.code == 0 and p.seconds < 15 and p.maxrss_kb < MEMORY_LIMIT_KB, (p.seconds, p.maxrss_kb)


def test_dockerfile_with_a_huge_continued_instruction_bounded_memory(tmp_path) -> None:
    write(tmp_path, {"Dockerfile": "FROM python\n" + "RUN echo \\\n" * 400_000 + "x\n"})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    assert p.maxrss_kb < MEMORY_LIMIT_KB, p.maxrss_kb


def test_nginx_with_thousands_of_servers_is_fast(tmp_path) -> None:
    text = "".join(f"server {{ listen 80; server_name a{i}; location / {{ proxy_pass http://x:1; }} }}\n"
                   for i in range(6000))
    write(tmp_path, {"site.conf": text})
    try:
        p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=6)
    except subprocess.TimeoutExpired:
        pytest.fail("over 6 s for a 470 KB nginx config")
    assert p.code == 0


def test_compose_with_thousands_of_services_is_fast(tmp_path) -> None:
    text = "services:\n" + "".join(f"  s{i}:\n    image: nginx\n    ports: ['5432:5432']\n" for i in range(5000))
    write(tmp_path, {"compose.yaml": text})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    assert p.code == 0 and p.seconds < 10 and p.maxrss_kb < MEMORY_LIMIT_KB


# =========================================================================== encodings

COMPOSE_DB = "services:\n  db:\n    image: postgres:16.2\n    ports:\n      - \"5432:5432\"\n"


@pytest.mark.parametrize("bom, codec", [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
])
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_bom_encodings_and_crlf_keep_lines(tmp_path, monkeypatch, bom: bytes, codec: str, eol: str) -> None:
    data = bom + COMPOSE_DB.replace("\n", eol).encode(codec)
    doc = lint(tmp_path, monkeypatch, {"compose.yaml": data})
    assert il001(doc) == []
    assert [(f["line"], f["column"]) for f in doc["findings"] if f["rule_id"] == "IL401"] == [(5, 9)]


def test_crlf_dockerfile_with_continuations(tmp_path, monkeypatch) -> None:
    data = b"FROM python:3.12\r\nRUN a \\\r\n  b \\\r\n  c\r\nUSER 0\r\nHEALTHCHECK CMD true\r\n"
    doc = lint(tmp_path, monkeypatch, {"Dockerfile": data})
    assert [(f["rule_id"], f["line"]) for f in doc["findings"]] == [("IL201", 5)]


def test_crlf_nginx(tmp_path, monkeypatch) -> None:
    data = b"server {\r\n  listen 80;\r\n\r\n  location / {\r\n    proxy_pass http://a:1;\r\n  }\r\n}\r\n"
    doc = lint(tmp_path, monkeypatch, {"site.conf": data}, "--select", "IL503")
    assert [(f["rule_id"], f["line"]) for f in doc["findings"]] == [("IL503", 4)]


@pytest.mark.parametrize("name, data", [
    ("compose.yaml", b"services:\n  web:\n    image: caf\xe9\n"),
    ("Dockerfile", b"FROM python\nLABEL a=caf\xe9\n"),
    (".env", b"NAME=caf\xe9\n"),
    ("compose.yaml", codecs.BOM_UTF16_LE + b"a\x00b"),  # odd length after the BOM
    ("compose.yaml", "services:\n  web:\n    image: nginx\n".encode("utf-16-le")),  # no BOM
    ("Dockerfile", bytes(range(256)) * 4),
    ("compose.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
])
def test_undecodable_named_files_are_il001(tmp_path, monkeypatch, name: str, data: bytes) -> None:
    doc = lint(tmp_path, monkeypatch, {name: data, "x/Dockerfile": "FROM python\n"})
    found = il001(doc, name)
    assert len(found) == 1 and 1 <= found[0]["line"] <= n_lines(data) + 1
    assert any(f["path"] == "x/Dockerfile" for f in doc["findings"])


def test_decode_error_points_at_the_bad_line(tmp_path, monkeypatch) -> None:
    doc = lint(tmp_path, monkeypatch, {"compose.yaml": b"services:\n  web:\n    image: caf\xe9\n"})
    assert [f["line"] for f in il001(doc)] == [3]


# =========================================================================== wrong shapes

@pytest.mark.parametrize("name, text", [
    ("compose.yaml", "services:\n  - web\n"),
    ("compose.yaml", "services: 5\n"),
    ("compose.yaml", "services:\n  web:\n    image: [a, b]\n"),
    ("compose.yaml", "services:\n  web:\n    image: 123\n"),
    ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: '80:80'\n"),
    ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: [{target: x}, 'garbage::::', [1]]\n"),
    ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    environment: [1, {a: b}]\n"),
    ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    healthcheck: 5\n    deploy: []\n"),
    ("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    privileged: [true]\n    cap_add: ALL\n"),
    ("pod.yaml", "apiVersion: v1\nkind: Pod\nspec: nope\n"),
    ("pod.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: null\n"),
    ("pod.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [null, 5, x]\n"),
    ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: []\nspec:\n  containers:\n    - name: a\n"
                 "      image: a:1\n      env: [{name: 5, value: {a: b}}]\n      securityContext: yes\n"),
    ("svc.yaml", "apiVersion: v1\nkind: Service\nspec:\n  type: [NodePort]\n  ports: 5432\n"),
    ("secret.yaml", "apiVersion: v1\nkind: Secret\ndata: [a]\n"),
])
def test_wrong_shapes_are_il001_findings_with_lines(tmp_path, monkeypatch, name: str, text: str) -> None:
    doc = lint(tmp_path, monkeypatch, {name: text})
    found = il001(doc)
    assert found, doc["findings"]
    assert all(1 <= f["line"] <= n_lines(text) for f in found)


@pytest.mark.parametrize("text", [
    "services:\n  web:\n    image: nginx:1.27\n    ports: [80, 5432, \"8080\"]\n",
    "services:\n  web:\n    image: nginx:1.27\n    environment:\n      A:\n      B: null\n      C: 1\n      D: true\n",
    "services:\n  web:\n    image: nginx:1.27\n    environment: [A, B=]\n",
    "services:\n  web:\n    image: nginx:1.27\n    user: 1000\n",
])
def test_valid_but_unusual_shapes_are_not_parse_errors(tmp_path, monkeypatch, text: str) -> None:
    assert il001(lint(tmp_path, monkeypatch, {"compose.yaml": text})) == []


# =========================================================================== the filesystem

def test_fifo_named_like_a_dockerfile_is_never_opened(tmp_path) -> None:
    os.mkfifo(tmp_path / "Dockerfile")
    write(tmp_path, {"sub/Dockerfile": "FROM python\n"})
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=15)  # opening it would block
    doc = p.json()
    assert any(s["path"] == "Dockerfile" for s in doc["files"]["skipped"])
    assert any(f["path"] == "sub/Dockerfile" for f in doc["findings"])


def test_dangling_symlink_and_symlinked_file_out_of_root(tmp_path, monkeypatch) -> None:
    outside = tmp_path / "outside"
    write(outside, {"Dockerfile": "FROM python\n", "compose.yaml": COMPOSE_OK})
    root = tmp_path / "root"
    write(root, {"ok/Dockerfile": "FROM python\n"})
    (root / "Dockerfile").symlink_to(outside / "Dockerfile")
    (root / "compose.yaml").symlink_to(tmp_path / "nope.yaml")
    monkeypatch.chdir(root)
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert {f["path"] for f in doc["findings"]} == {"ok/Dockerfile"}
    skipped = {s["path"] for s in doc["files"]["skipped"]}
    assert {"Dockerfile", "compose.yaml"} <= skipped


def test_symlink_inside_root_is_followed(tmp_path, monkeypatch) -> None:
    write(tmp_path, {"real/Dockerfile": "FROM python\n"})
    (tmp_path / "link").symlink_to(tmp_path / "real")
    doc = lint(tmp_path, monkeypatch, {})
    paths = {f["path"] for f in doc["findings"]}
    assert paths in ({"real/Dockerfile"}, {"link/Dockerfile"})  # linted once, under either name


def test_unreadable_file_is_il001(tmp_path, monkeypatch) -> None:
    write(tmp_path, {"locked/Dockerfile": "FROM python\n", "ok/Dockerfile": "FROM python\n"})
    target = tmp_path / "locked" / "Dockerfile"
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running as root: chmod 000 is still readable")
        doc = lint(tmp_path, monkeypatch, {})
        assert [f["line"] for f in il001(doc, "locked/Dockerfile")] == [1]
        assert any(f["path"] == "ok/Dockerfile" for f in doc["findings"])
    finally:
        target.chmod(0o644)


def test_unreadable_folder_is_skipped(tmp_path, monkeypatch) -> None:
    write(tmp_path, {"locked/Dockerfile": "FROM python\n", "ok/Dockerfile": "FROM python\n"})
    (tmp_path / "locked").chmod(0)
    try:
        if os.access(tmp_path / "locked", os.R_OK):
            pytest.skip("running as root: chmod 000 is still readable")
        doc = lint(tmp_path, monkeypatch, {})
        assert any(s["path"] == "locked" for s in doc["files"]["skipped"])
        assert any(f["path"] == "ok/Dockerfile" for f in doc["findings"])
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_named_file_with_spaces_and_non_ascii_in_every_format(tmp_path, monkeypatch) -> None:
    write(tmp_path, {"my app/dépôt ü/Dockerfile": "FROM python\n"})
    monkeypatch.chdir(tmp_path)
    doc = run("my app/dépôt ü/Dockerfile", "-f", "json", "--exit-zero").json()
    assert {f["path"] for f in doc["findings"]} == {"my app/dépôt ü/Dockerfile"}
    sarif = json.loads(run("my app/dépôt ü/Dockerfile", "-f", "sarif", "--exit-zero").stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"my%20app/d%C3%A9p%C3%B4t%20%C3%BC/Dockerfile"}
    assert "my app/dépôt ü/Dockerfile" in run("my app/dépôt ü/Dockerfile", "--exit-zero").stdout


@pytest.mark.parametrize("args", [["nope"], ["nope", "--exit-zero"], [".", "missing/Dockerfile"], ["-f", "json", "nope"]])
def test_nonexistent_path_exits_2_naming_it(tmp_path, args: list[str]) -> None:
    write(tmp_path, {"Dockerfile": "FROM python\n"})
    p = cli(tmp_path, *args)
    assert p.code == 2
    missing = next(a for a in args if a in ("nope", "missing/Dockerfile"))
    assert missing in p.stderr and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name, text", [
    (".infralint.toml", "select = [\n"),
    (".infralint.yaml", "select: [IL1\n"),
    (".infralint.yaml", "select:\n\t- IL1\n"),
    ("pyproject.toml", "[tool.infralint]\nselect = \"IL1\nx\"\n"),
    (".infralint.toml", b"select = [\"IL1\"]\n\xff\xfe"),
])
def test_malformed_config_exits_2_with_one_clear_line(tmp_path, name: str, text: str | bytes) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, {name: text, "Dockerfile": "FROM python\n"})
    p = cli(tmp_path, ".", "--exit-zero")
    assert p.code == 2
    assert name in p.stderr and len(p.stderr.strip().splitlines()) == 1


# =========================================================================== nginx includes

def test_nginx_include_loop_finishes_and_is_reported(tmp_path, monkeypatch) -> None:
    files = {"nginx.conf": "events {}\nhttp {\n    server_tokens off;\n    include conf.d/*.conf;\n}\n",
             "conf.d/a.conf": "include conf.d/b.conf;\nserver { listen 80; return 204; }\n",
             "conf.d/b.conf": "include conf.d/a.conf;\n"}
    doc = lint(tmp_path, monkeypatch, files)
    reported = [f for f in il001(doc) if "loop" in f["message"]]
    skipped = [s for s in doc["files"]["skipped"] if "loop" in s["reason"]]
    assert reported or skipped
    for f in reported:
        assert 1 <= f["line"] <= 5


def test_nginx_include_pointing_outside_through_a_symlink(tmp_path, monkeypatch) -> None:
    outside = tmp_path / "outside"
    write(outside, {"evil.conf": "server { listen 80; }\n"})
    root = tmp_path / "root"
    write(root, {"nginx.conf": "events {}\nhttp {\n    server_tokens off;\n    include snippets/*.conf;\n}\n"})
    (root / "snippets").mkdir()
    (root / "snippets" / "evil.conf").symlink_to(outside / "evil.conf")
    monkeypatch.chdir(root)
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert not any("evil" in f["path"] or "outside" in f["path"] for f in doc["findings"])
    assert not any(f["rule_id"] == "IL501" for f in doc["findings"])  # its server was not read


def test_nginx_include_glob_matching_nothing(tmp_path, monkeypatch) -> None:
    doc = lint(tmp_path, monkeypatch, {"nginx.conf": "events {}\nhttp {\n    server_tokens off;\n"
                                                     "    include conf.d/*.conf;\n}\n"})
    assert doc["findings"] == []


def test_nginx_include_bomb_is_bounded(tmp_path) -> None:
    files = {f"inc{i}.conf": f"include inc{i + 1}.conf;\ninclude inc{i + 1}.conf;\n" for i in range(30)}
    files["inc30.conf"] = "add_header X-A b;\n"
    files["nginx.conf"] = "events {}\nhttp {\n    server_tokens off;\n    server {\n        listen 80;\n" \
                          "        include inc0.conf;\n    }\n}\n"
    write(tmp_path, files)
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero", timeout=30)
    assert p.seconds < 15 and p.maxrss_kb < MEMORY_LIMIT_KB
    for f in il001(p.json()):
        assert f["line"] >= 1


# =========================================================================== never executes, never fetches

def test_never_runs_git_or_yaml_constructors(tmp_path) -> None:
    marker = tmp_path / "PWNED"
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        f"[core]\n\tfsmonitor = touch {marker}1\n\tsshCommand = touch {marker}2\n\tpager = touch {marker}3\n")
    write(tmp_path, {
        ".gitignore": "ignored/\n",
        "compose.yaml": f"services:\n  web:\n    image: !!python/object/apply:os.system [\"touch {marker}4\"]\n"
                        f"    command: !!python/object/new:os.system [\"touch {marker}5\"]\n",
        "Dockerfile": f"FROM python\nRUN touch {marker}6\nHEALTHCHECK CMD touch {marker}7\n",
        "nginx.conf": f"events {{}}\nhttp {{\n  perl_set $x 'sub {{ system(\"touch {marker}8\") }}';\n}}\n",
    })
    p = cli(tmp_path, ".", "-f", "json", "--exit-zero")
    assert p.code == 0
    assert not list(tmp_path.glob("PWNED*"))


def test_never_opens_a_network_connection(tmp_path, monkeypatch) -> None:
    calls: list[object] = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    lint(tmp_path, monkeypatch, {
        "Dockerfile": "FROM registry.example.com/python\nADD https://example.com/x.tgz /x\n"
                      "RUN curl https://example.com/i.sh | sh\n",
        "compose.yaml": "include:\n  - https://example.com/compose.yaml\nservices:\n  web:\n"
                        "    build: https://github.com/example/repo.git\n    image: nginx\n"
                        "    env_file: https://example.com/.env\n",
        "nginx.conf": "events {}\nhttp {\n    include http://example.com/x.conf;\n}\n",
    })
    assert calls == []


# =========================================================================== secrets

BROKEN_WITH_SECRETS = {
    "compose.yaml": f"services:\n  api:\n    environment:\n      DB_PASSWORD: {SECRET}\n      GITHUB_TOKEN: {GHP}\n"
                    "    ports: [\"80:80\"\n",
    "k8s/secret.yaml": f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: {SECRET}\n"
                       "  token: [oops\n",
    "Dockerfile": f"FROM python\nENV API_TOKEN={SECRET}\nARG GH_TOKEN={GHP}\n{GHP}\nRUNN x\nRUN <<EOF\n",
    ".env": f"DB_PASSWORD={SECRET}\nAPI_KEY='{SECRET}\n\"broken\n",
    "site.conf": f"server {{\n    listen 80;\n    set $api_key {SECRET};\n    location / {{\n",
}


def _assert_no_secret(text: str, where: str) -> None:
    for piece in (SECRET, SECRET[2:10], SECRET[-6:], GHP, GHP[4:14], GHP[-8:]):
        assert piece not in text, (where, piece)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_secret_in_any_output_of_broken_files(tmp_path, fmt: str) -> None:
    write(tmp_path, BROKEN_WITH_SECRETS)
    for extra in ([], ["--show-suppressed"], ["--select", "IL001,IL101"]):
        p = cli(tmp_path, ".", "-f", fmt, "--exit-zero", *extra)
        _assert_no_secret(p.stdout + p.stderr, f"{fmt} {extra}")


def test_no_secret_in_a_written_baseline_or_report_file(tmp_path) -> None:
    write(tmp_path, BROKEN_WITH_SECRETS)
    cli(tmp_path, ".", "--write-baseline", "bl.json")
    _assert_no_secret((tmp_path / "bl.json").read_text(), "baseline")
    cli(tmp_path, ".", "-f", "sarif", "-o", "out.sarif", "--exit-zero")
    _assert_no_secret((tmp_path / "out.sarif").read_text(), "sarif file")


@pytest.mark.parametrize("text, args", [
    pytest.param(f"services:\n  api:\n    image: a:1\n    environment: {{DB_PASSWORD: {SECRET}, X: ]}}\n", (),
                 id="broken-flow-line"),
    pytest.param(f"services:\n  api: {{image: nginx, environment: {{DB_PASSWORD: {SECRET}}}}}\n",
                 ("--select", "IL101"), id="valid-flow-secret-rule-deselected"),
])
def test_no_secret_in_text_snippet_of_flow_mappings(tmp_path, text: str, args: tuple[str, ...]) -> None:
    write(tmp_path, {"compose.yaml": text})
    p = cli(tmp_path, ".", "--exit-zero", *args)
    assert "DB_PASSWORD" in p.stdout  # the line is shown...
    _assert_no_secret(p.stdout, "text")  # ...masked


# =========================================================================== IL001 lines, all outputs

@pytest.mark.parametrize("case", sorted(BROKEN))
def test_sarif_regions_of_broken_files_are_valid(tmp_path, case: str) -> None:
    name, text, _ = BROKEN[case]
    write(tmp_path, {name: text})
    p = cli(tmp_path, ".", "-f", "sarif", "--exit-zero")
    results = json.loads(p.stdout)["runs"][0]["results"]
    assert any(r["ruleId"] == "IL001" for r in results)
    for r in results:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert 1 <= region["startLine"] <= n_lines(text) + 1
        assert region.get("endLine", region["startLine"]) >= region["startLine"]
