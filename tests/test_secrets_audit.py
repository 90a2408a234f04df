"""Secrets audit: interpolations, placeholder wording, ARG severity, bare AUTH, compose build
args, masking in text output, parse-error messages and finding messages, and fingerprints that
are not derived from a secret (RULES.md IL6xx, CONTRACT.md "Secret values never appear")."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from infralint.config import Settings
from infralint.mask import mask_line, mask_message
from infralint.model.common import Document
from infralint.model.span import Span
from infralint.project import Project
from infralint.rule import Context, rule
from infralint.secrets import VALUE_PATTERNS, _HINT, find_secret, is_secret_name, placeholder_kind
from tests.helpers import run


def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], *args: str) -> list[dict]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return run(".", "-f", "json", "--exit-zero", *args).json()["findings"]


def by_line(findings: list[dict], rule_id: str) -> dict[int, dict]:
    return {f["line"]: f for f in findings if f["rule_id"] == rule_id}


# --------------------------------------------------------------------------- placeholders

@pytest.mark.parametrize("value, name, names, kind", [
    ("changeme", "DB_PASSWORD", (), "placeholder"),
    ("password", "ADMIN_PASSWORD", (), "placeholder"),
    ("secret", "JWT_SECRET", (), "placeholder"),
    ("your-secret-key", "SECRET_KEY", (), "placeholder"),
    ("<your key>", "API_KEY", (), "placeholder"),
    ("xxx", "API_KEY", (), "placeholder"),
    ("example", "API_KEY", (), "placeholder"),
    ("change-me", "API_KEY", (), "placeholder"),
    ("replace_me", "API_KEY", (), "placeholder"),
    ("todo", "API_KEY", (), "placeholder"),
    ("__API_KEY__", "API_KEY", (), "placeholder"),
    ("GOOGLE_API_KEY_VAL", "GOOGLE_API_KEY", (), "placeholder"),
    ("postgres", "POSTGRES_PASSWORD", (), "default"),
    ("wordpress", "WORDPRESS_DB_PASSWORD", (), "default"),
    ("wordpress", "MYSQL_PASSWORD", ("wordpress",), "default"),
    ("minio123", "MINIO_SECRET_KEY", (), "default"),
    # Real-looking: containing a placeholder word is not being a placeholder.
    ("realSecret123", "DB_PASSWORD", (), None),
    ("Supersecret-2024-Xq", "DB_PASSWORD", (), None),
    ("Xk29fLq8VbN4", "DB_PASSWORD", (), None),
    ("wordpress", "MYSQL_PASSWORD", (), None),
])
def test_placeholder_kind(value: str, name: str, names: tuple[str, ...], kind: str | None) -> None:
    assert placeholder_kind(value, name, names) == kind


def test_placeholder_wording_only_for_placeholders(tmp_path, monkeypatch) -> None:
    findings = lint(tmp_path, monkeypatch, {"compose.yaml": (
        "services:\n"
        "  api:\n"
        "    image: acme/api:1.0\n"
        "    environment:\n"
        "      DB_PASSWORD: realSecret123\n"      # 5
        "      API_KEY: changeme\n"               # 6
        "  db:\n"
        "    image: mysql:8.4\n"
        "    environment:\n"
        "      MYSQL_USER: wordpress\n"
        "      MYSQL_PASSWORD: wordpress\n"       # 11
        "  pg:\n"
        "    image: postgres:16.3\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: postgres\n"     # 15
    )}, "--select", "IL601")
    got = by_line(findings, "IL601")
    assert sorted(got) == [5, 6, 11, 15]
    assert "placeholder" not in got[5]["message"] and "default" not in got[5]["message"]
    assert "placeholder" in got[6]["message"]
    # Both guessable defaults, worded alike.
    assert got[11]["message"].split(" holds ", 1)[1] == got[15]["message"].split(" holds ", 1)[1]
    assert "default" in got[11]["message"]


def test_dotenv_template_still_silent_and_real_values_reported(tmp_path, monkeypatch) -> None:
    findings = lint(tmp_path, monkeypatch, {".env": (
        "API_KEY=changeme\n"
        "SECRET_KEY=<your key>\n"
        "STRIPE_SECRET_KEY=xxx\n"
        "MYSQL_USER=wordpress\n"
        "MYSQL_PASSWORD=wordpress\n"
        "DB_PASSWORD=$(DB_PASSWORD)\n"
        "JWT_SECRET=realSecret123\n"              # 7
    )}, "--select", "IL602")
    assert sorted(by_line(findings, "IL602")) == [7]


# --------------------------------------------------------------------------- names and values

@pytest.mark.parametrize("name, secret", [
    ("AUTH", True), ("auth", True), ("REDIS_AUTH", True), ("BASIC_AUTH", True),
    ("AUTH_PROVIDER", False), ("AUTH_MODE", False), ("AUTH_URL", False), ("AUTH_ENABLED", False),
    ("DISABLE_AUTH", False), ("PWD", False),
])
def test_auth_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_bare_auth_mechanism_is_a_switch() -> None:
    assert find_secret("AUTH", "basic") is None
    assert find_secret("AUTH", "Xk9mPq2vLw77") is not None


@pytest.mark.parametrize("literal", ["$(DB_PASSWORD)", " $(DB_PASSWORD) ", "$(cat /run/secrets/db)"])
def test_command_substitution_is_not_literal(literal: str) -> None:
    assert find_secret("DB_PASSWORD", literal) is None


def test_interpolations_and_secret_arg_severity(tmp_path, monkeypatch) -> None:
    findings = lint(tmp_path, monkeypatch, {"Dockerfile": (
        "FROM python:3.12-slim\n"
        "ENV DB_PASSWORD=$(DB_PASSWORD)\n"
        "ARG C_PASSWORD=$(C)\n"                   # 3: by name, not as a literal
        "ARG AUTH\n"                              # 4
        "ARG NPM_TOKEN\n"                         # 5
        "USER 10001\n"
    ), "compose.yaml": (
        "services:\n"
        "  api:\n"
        "    image: acme/api:1.0\n"
        "    environment: {DB_PASSWORD: $(DB_PASSWORD)}\n"
    )}, "--select", "IL601")
    assert [(f["path"], f["line"]) for f in findings] == [("Dockerfile", 3), ("Dockerfile", 4), ("Dockerfile", 5)]
    for f in findings:
        assert f["severity"] == "high"
        assert "literal" not in f["message"]


def test_compose_build_args(tmp_path, monkeypatch) -> None:
    findings = lint(tmp_path, monkeypatch, {"compose.yaml": (
        "services:\n"
        "  a:\n"
        "    image: acme/a:1.0\n"
        "    build: {context: ., args: {NPM_TOKEN: Xk9mPq2vLw77abc}}\n"   # 4
        "  b:\n"
        "    image: acme/b:1.0\n"
        "    build:\n"
        "      context: .\n"
        "      args:\n"
        "        - NPM_TOKEN=Xk9mPq2vLw77abc\n"   # 10
        "        - GH_TOKEN\n"
        "        - GITHUB_TOKEN=${GITHUB_TOKEN}\n"
        "        - VERSION=1.2.3\n"
    ), "Dockerfile": "FROM python:3.12-slim\nUSER 10001\n"}, "--select", "IL601")
    got = by_line(findings, "IL601")
    assert sorted(got) == [4, 10]
    assert all("build argument NPM_TOKEN" in f["message"] for f in got.values())
    assert got[10]["column"] == 11  # the list item, the line a user edits
    text = run(".", "--select", "IL601", "--exit-zero").stdout
    assert "Xk9mPq2vLw77" not in text and "9mPq" not in text


# --------------------------------------------------------------------------- masking

@pytest.mark.parametrize("line, shown", [
    ("ENV DB_PASSWORD=Xk9mPq2vLw77 OTHER=1", "ENV DB_PASSWORD=Xk**** OTHER=1"),
    ("ENV DB_PASSWORD=Ee5555 Ff6666secretF", "ENV DB_PASSWORD=Ee****"),
    ("    environment: {DB_PASSWORD: Xk9mPq2vLw77abc, X: 1}", "    environment: {DB_PASSWORD: Xk****, X: 1}"),
    ("      - SMTP_PASS=Wint3r is C0ming  # note", "      - SMTP_PASS=Wi****  # note"),
    ("DB_PASSWORD: abc123xyz # note", "DB_PASSWORD: ab**** # note"),
])
def test_mask_line_keeps_the_rest_of_the_line(line: str, shown: str) -> None:
    assert mask_line(line) == shown


def test_mask_line_is_linear_on_long_words() -> None:
    import time

    start = time.perf_counter()
    mask_line("a" * 200_000)
    assert time.perf_counter() - start < 2


def test_text_output_masks_without_garbling(tmp_path, monkeypatch) -> None:
    lint(tmp_path, monkeypatch, {"Dockerfile": "FROM python:3.12-slim\nENV DB_PASSWORD=Xk9mPq2vLw77 OTHER=1\nUSER 10001\n"})
    text = run(".", "--select", "IL601", "--exit-zero").stdout
    assert "ENV DB_PASSWORD=Xk**** OTHER=1" in text


def test_parse_error_does_not_quote_env_values(tmp_path, monkeypatch) -> None:
    findings = lint(tmp_path, monkeypatch, {"Dockerfile": (
        "FROM python:3.12-slim\nENV DB_PASSWORD=Ee5555 Ff6666secretF\nUSER 10001\n")})
    errors = [f for f in findings if f["rule_id"] == "IL001"]
    assert [(f["line"], f["column"]) for f in errors] == [(2, 24)]
    for f in findings:
        assert "Ff66" not in f["message"] and "secretF" not in f["message"]


@pytest.mark.parametrize("message, shown", [
    ("proxies to http://admin:Pw9Zk3Lq7Xr2@backend:8080 without", "proxies to http://admin:Pw****@backend:8080 without"),
    ("proxies to https://api.example.com/?api_key=Kk8Jj7Hh6Gg5Ff4D", "proxies to https://api.example.com/?api_key=Kk****"),
    ("https://h/x?page=2&access_token=Kk8Jj7Hh6Gg5Ff4D&v=1", "https://h/x?page=2&access_token=Kk****&v=1"),
    ("https://h/x?token=$arg_token&page=2", "https://h/x?token=$arg_token&page=2"),
    ("uses ghp_R7mK2pQ9xZ4wL8vN3tB6cY1dF5hJ0sGaUe2i and AKIA4HNM7QXZ2PLW5VTR", "uses gh**** and AK****"),
    ("https://x:ghp_R7mK2pQ9xZ4wL8vN3tB6cY1dF5hJ0sGaUe2i@github.com", "https://x:gh****@github.com"),
    ("location /api/ has no limit_req zone=api", "location /api/ has no limit_req zone=api"),
])
def test_mask_message(message: str, shown: str) -> None:
    assert mask_message(message) == shown


def test_every_finding_message_is_masked() -> None:
    @rule(id="IL999", name="leaky", severity="low", formats=("nginx",))
    def leaky(doc, ctx):  # pragma: no cover - never run
        """Leaky

        ## Why is this bad?
        It quotes a URL.
        """
        return iter(())

    doc = Document(path="x.conf", format="nginx")
    ctx = Context(rule=leaky, doc=doc, project=Project([], {}, {}), settings=Settings())
    f = ctx.report(Span("x.conf", 1), "proxies to http://u:Pw9Zk3Lq7Xr2@b:80/?token=Kk8Jj7Hh6Gg5Ff4D")
    assert "9Zk3" not in f.message and "8Jj7" not in f.message
    assert "9Zk3" not in f.key and "8Jj7" not in f.key


def test_nginx_messages_do_not_quote_credentials(tmp_path, monkeypatch) -> None:
    files = {"site.conf": (
        "server {\n    listen 80;\n    server_name example.com;\n"
        "    location / {\n        proxy_pass http://admin:Pw9Zk3Lq7Xr2@backend:8080;\n    }\n"
        "    location /api/ {\n        proxy_pass https://api.example.com/?api_key=Kk8Jj7Hh6Gg5Ff4D;\n    }\n}\n")}
    findings = lint(tmp_path, monkeypatch, files, "--select", "IL503")
    assert len(findings) == 2
    assert any("admin:Pw****@backend" in f["message"] for f in findings)
    for fmt in ("text", "json", "sarif"):
        out = run(".", "-f", fmt, "--exit-zero").stdout
        assert "Pw9Zk3Lq7Xr2" not in out and "Kk8Jj7Hh6Gg5Ff4D" not in out, fmt


def test_hint_covers_every_value_pattern() -> None:
    examples = [
        "-----BEGIN RSA PRIVATE KEY-----", "AKIA4HNM7QXZ2PLW5VTR", "postgres://u:Xk29fLq8@db",
        "x password=Xk29fLq8", "sk_live_4eC39HqLyjWDarjtT1", "ghp_R7mK2pQ9xZ4wL8vN3tB6cY1dF5hJ0sGaUe2i",
        "glpat-abcdefghij0123456789", "xoxb-2847561930-5829374610", "sk-" + "a1" * 20,
        "AIza" + "b" * 35, "npm_" + "c" * 36, "SG." + "d" * 22 + "." + "e" * 22,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.SflKxwRJSMeKKF2QT4fw",
        'proxy_set_header Authorization "Bearer Qm7vX2pLz9Wk";',
    ]
    labels = set()
    for text in examples:
        assert _HINT.search(text), text
        labels.update(label for label, p in VALUE_PATTERNS if p.search(text))
    assert labels == {label for label, _ in VALUE_PATTERNS}


def test_authorization_credentials_are_masked_but_prose_is_not() -> None:
    from infralint.mask import mask_message

    assert mask_message('Authorization "Bearer Qm7vX2pLz9Wk"') == 'Authorization "Bearer Qm****"'
    assert mask_message("uses Basic authentication over TLS") == "uses Basic authentication over TLS"
    assert mask_message("Bearer ${API_TOKEN}") == "Bearer ${API_TOKEN}"


# --------------------------------------------------------------------------- fingerprints

COMPOSE = "services:\n  api:\n    image: acme/api:1.0\n    environment:\n      DB_PASSWORD: {}\n"


def _prints(tmp_path: Path, monkeypatch, secret: str, head: str = "") -> dict[str, str]:
    findings = lint(tmp_path, monkeypatch, {"compose.yaml": head + COMPOSE.format(secret)}, "--select", "IL601")
    return {f["rule_id"]: f["fingerprint"] for f in findings}


def test_fingerprint_not_derived_from_the_secret(tmp_path, monkeypatch) -> None:
    a = _prints(tmp_path, monkeypatch, "Xk9mPq2vLw77")
    b = _prints(tmp_path, monkeypatch, "Xk0000000000")  # only the masked part differs
    moved = _prints(tmp_path, monkeypatch, "Xk9mPq2vLw77", head="# moved down\n\n")
    assert a == b == moved
    # Someone holding the report cannot confirm a guess by hashing the plain line.
    plain = "\x1f".join(("IL601", "compose.yaml", "service api", "environment:DB_PASSWORD",
                         "DB_PASSWORD: Xk9mPq2vLw77"))
    assert hashlib.sha256(plain.encode()).hexdigest()[:32] != a["IL601"]


def test_fingerprints_stay_distinct(tmp_path, monkeypatch) -> None:
    findings = lint(tmp_path, monkeypatch, {"compose.yaml": (
        "services:\n  api:\n    image: acme/api:1.0\n    environment:\n"
        "      DB_PASSWORD: Xk9mPq2vLw77\n      API_TOKEN: Xk9mPq2vLw77\n"
        "  web:\n    image: acme/web:1.0\n    environment:\n      DB_PASSWORD: Xk9mPq2vLw77\n")},
        "--select", "IL601")
    prints = [f["fingerprint"] for f in findings]
    assert len(prints) == 3 and len(set(prints)) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", p) for p in prints)


def test_baseline_still_matches_secret_findings(tmp_path, monkeypatch) -> None:
    lint(tmp_path, monkeypatch, {"compose.yaml": COMPOSE.format("Xk9mPq2vLw77")})
    run(".", "--select", "IL601", "--write-baseline", "bl.json")
    assert "9mPq" not in (tmp_path / "bl.json").read_text()
    (tmp_path / "compose.yaml").write_text("# a comment\n" + COMPOSE.format("Xk9mPq2vLw77"))
    result = run(".", "--select", "IL601", "--baseline", "bl.json", "-f", "json")
    assert result.code == 0
    assert [f["suppression"]["kind"] for f in result.json()["findings"]] == ["baseline"]
