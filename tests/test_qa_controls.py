"""QA: inline ignores, config files and baselines, written from the specs only.

Specs: RULES.md "Inline and config controls" and "Inline ignores cover blocks", CONTRACT.md,
README.md "Configuration", and the controls issue (IL004 unused-ignore, config discovery, keys,
bad values exit 2 naming file and key, baselines, --show-suppressed, JSON `suppression`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run

TOKEN = "ghp_" + "Q7mZ2xK9vB4nR8tL1wY6pC3sD5fG0hJ2kL4m"  # not a real token

# A compose file with exactly two default findings: IL101 (web, line 3) and IL401 (db, line 11).
COMPOSE = """services:
  web:
    image: nginx
    mem_limit: 256m
    healthcheck:
      test: ["CMD", "true"]
  db:
    image: postgres:16.2
    mem_limit: 1g
    ports:
      - "5432:5432"
    healthcheck:
      test: ["CMD", "pg_isready"]
"""

GOOD_TAIL = "USER 10001\nHEALTHCHECK CMD true\n"


# --------------------------------------------------------------------------- helpers

def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text)


def lint(tmp_path: Path, monkeypatch, files: dict[str, str], *args: str, target: str = ".") -> tuple[int, list[dict]]:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, files)
    r = run(target, "-f", "json", *args)
    assert r.code in (0, 1), r.stderr
    return r.code, r.json()["findings"]


def active(findings: list[dict], rule: str | None = None) -> list[tuple[str, int]]:
    return sorted((f["rule_id"], f["line"]) for f in findings
                  if not f["suppressed"] and (rule is None or f["rule_id"] == rule))


def suppressed(findings: list[dict], rule: str | None = None) -> list[dict]:
    return [f for f in findings if f["suppressed"] and (rule is None or f["rule_id"] == rule)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ids(r) -> list[str]:
    return sorted(f["rule_id"] for f in r.json()["findings"] if not f["suppressed"])


# =========================================================================== inline: Dockerfile

def test_dockerfile_next_line_ignore_with_two_ids_and_reason(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=IL201,IL301 -- runs as root by design, see OPS-12\nFROM python:3.12\n"
    code, found = lint(tmp_path, monkeypatch, {"Dockerfile": text})
    assert active(found) == []
    assert {f["rule_id"] for f in suppressed(found)} == {"IL201", "IL301"}
    for f in suppressed(found):
        assert f["suppression"] == {"kind": "inline", "reason": "runs as root by design, see OPS-12"}
    assert code == 0


def test_dockerfile_ids_with_spaces_after_commas(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=IL201, IL301 -- spaced list\nFROM python:3.12\n"
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text})
    assert active(found) == []


def test_dockerfile_names_instead_of_ids(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=root-user,missing-healthcheck -- names\nFROM python:3.12\n"
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text})
    assert active(found) == []
    assert {f["rule_id"] for f in suppressed(found)} == {"IL201", "IL301"}


def test_dockerfile_ignore_covers_only_the_next_instruction(tmp_path, monkeypatch) -> None:
    text = ("FROM python:3.12 AS build\n"
            "# infralint: ignore=IL101 -- mirrored\n"
            "FROM ubuntu\n"
            "FROM debian\n" + GOOD_TAIL)
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--select", "IL101")
    assert active(found, "IL101") == [("IL101", 4)]
    assert [f["line"] for f in suppressed(found, "IL101")] == [3]


def test_dockerfile_multiline_instruction_is_covered_whole(tmp_path, monkeypatch) -> None:
    # The finding points at a continuation line (the env pair's line), not at `ENV`.
    text = ("FROM python:3.12\n"
            "# infralint: ignore=IL601 -- test fixture token\n"
            "ENV A=1 \\\n"
            "    B=2 \\\n"
            f"    API_TOKEN={TOKEN}\n"
            "ENV C=1 \\\n"
            f"    GH_TOKEN={TOKEN}\n" + GOOD_TAIL)
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--select", "IL601")
    assert [f["line"] for f in suppressed(found, "IL601")] == [5]
    assert active(found, "IL601") == [("IL601", 7)]


def test_dockerfile_multiline_run_with_secret_on_continuation(tmp_path, monkeypatch) -> None:
    text = ("FROM python:3.12\n"
            "# infralint: ignore=secret-in-env -- throwaway CI key\n"
            "RUN apt-get update && \\\n"
            "    aws configure set aws_secret_access_key Zq8vLx2mNp4kW7abcdQ && \\\n"
            "    true\n" + GOOD_TAIL)
    code, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--select", "IL601")
    assert active(found) == [] and suppressed(found, "IL601")
    assert code == 0


def test_dockerfile_heredoc_instruction_is_covered_whole(tmp_path, monkeypatch) -> None:
    text = ("FROM python:3.12\n"
            "# infralint: ignore=IL103 -- vendor installer, checksum verified upstream\n"
            "RUN <<EOF\n"
            "apt-get update\n"
            "curl -sSL https://get.example.com/i.sh | sh\n"
            "EOF\n"
            "RUN curl -sSL https://get.example.com/j.sh | sh\n" + GOOD_TAIL)
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--select", "IL103")
    assert len(suppressed(found, "IL103")) == 1
    assert active(found, "IL103") == [("IL103", 7)]


def test_dockerfile_end_of_line_comment_is_not_an_ignore(tmp_path, monkeypatch) -> None:
    # A shell comment at the end of RUN is part of the instruction, not an infralint pragma.
    text = "FROM python:3.12\nRUN curl -sSL https://x.example/i.sh | sh  # infralint: ignore=IL103\n" + GOOD_TAIL
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--select", "IL103")
    assert active(found, "IL103") == [("IL103", 2)]


def test_dockerfile_ignore_file(tmp_path, monkeypatch) -> None:
    text = ("FROM python:3.12\n"
            "FROM ubuntu AS a\n"
            "# infralint: ignore-file=IL101,root-user -- legacy build\n"
            "FROM debian\n")
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--select", "IL101,IL201")
    assert active(found) == []
    assert {f["rule_id"] for f in suppressed(found)} == {"IL101", "IL201"}
    assert all(f["suppression"]["kind"] == "inline" for f in suppressed(found))


# =========================================================================== inline: compose/YAML

def test_compose_end_of_line_and_next_line(tmp_path, monkeypatch) -> None:
    text = ("services:\n"
            "  web:\n"
            "    image: nginx  # infralint: ignore=IL101 -- demo\n"
            "  api:\n"
            "    # infralint: ignore=IL101 -- demo too\n"
            "    image: node\n"
            "  db:\n"
            "    image: postgres\n")
    _, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL101")
    assert active(found, "IL101") == [("IL101", 8)]
    assert sorted(f["line"] for f in suppressed(found, "IL101")) == [3, 6]
    reasons = {f["line"]: f["suppression"]["reason"] for f in suppressed(found)}
    assert reasons == {3: "demo", 6: "demo too"}


def test_compose_block_on_ports_key_covers_its_items(tmp_path, monkeypatch) -> None:
    text = ("services:\n"
            "  db:\n"
            "    image: postgres:16.2\n"
            "    # infralint: ignore=exposed-db-port -- dev only\n"
            "    ports:\n"
            "      - \"5432:5432\"\n"
            "      - \"6379:6379\"\n"
            "  cache:\n"
            "    image: redis:7.2\n"
            "    ports:\n"
            "      - \"6379:6379\"\n")
    _, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL401")
    assert len(suppressed(found, "IL401")) == 2
    assert active(found, "IL401") == [("IL401", 11)]


def test_compose_block_on_environment_map(tmp_path, monkeypatch) -> None:
    text = ("services:\n"
            "  api:\n"
            "    image: api:1.2.3\n"
            "    # infralint: ignore=IL601 -- local dev creds\n"
            "    environment:\n"
            "      DB_PASSWORD: Zq8vLx2mNp4kW7\n"
            f"      GITHUB_TOKEN: {TOKEN}\n"
            "  worker:\n"
            "    image: api:1.2.3\n"
            "    environment:\n"
            "      - API_SECRET=Zq8vLx2mNp4kW7\n")
    _, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL601")
    assert sorted(f["line"] for f in suppressed(found, "IL601")) == [6, 7]
    assert active(found, "IL601") == [("IL601", 11)]


def test_compose_next_line_before_a_list_item(tmp_path, monkeypatch) -> None:
    text = ("services:\n"
            "  db:\n"
            "    image: postgres:16.2\n"
            "    ports:\n"
            "      # infralint: ignore=IL401 -- only this one\n"
            "      - \"5432:5432\"\n"
            "      - \"3306:3306\"\n")
    _, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL401")
    assert [f["line"] for f in suppressed(found, "IL401")] == [6]
    assert active(found, "IL401") == [("IL401", 7)]


def test_compose_end_of_line_on_list_item(tmp_path, monkeypatch) -> None:
    text = ("services:\n"
            "  db:\n"
            "    image: postgres:16.2\n"
            "    ports:\n"
            "      - \"5432:5432\"  # infralint: ignore=IL401 -- bound by firewall\n"
            "      - \"3306:3306\"\n")
    _, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL401")
    assert active(found, "IL401") == [("IL401", 6)]


def test_compose_service_block_does_not_leak_to_next_service(tmp_path, monkeypatch) -> None:
    text = ("services:\n"
            "  # infralint: ignore=IL101\n"
            "  web:\n"
            "    image: nginx\n"
            "    environment:\n"
            "      A: b\n"
            "  api:\n"
            "    image: node\n")
    _, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL101")
    assert active(found, "IL101") == [("IL101", 8)]


def test_compose_ignore_file_anywhere(tmp_path, monkeypatch) -> None:
    text = COMPOSE + "# infralint: ignore-file=IL1,IL4 -- prefixes\n"
    code, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL101,IL401")
    assert active(found) == [] and len(suppressed(found)) == 2
    assert code == 0


# =========================================================================== inline: Kubernetes

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
{meta}spec:
  template:
    metadata:
      labels:
        app: api
{tmpl}    spec:
      containers:
        - name: api
          image: api:latest
"""


def test_k8s_annotation_on_pod_template(tmp_path, monkeypatch) -> None:
    text = DEPLOY.format(meta="", tmpl="      annotations:\n        infralint.io/ignore: \"IL101: Argo CD pins it\"\n")
    code, found = lint(tmp_path, monkeypatch, {"deploy.yaml": text}, "--select", "IL101")
    assert active(found) == []
    assert suppressed(found, "IL101")[0]["suppression"] == {"kind": "inline", "reason": "Argo CD pins it"}
    assert code == 0


def test_k8s_annotation_with_names_and_several_ids(tmp_path, monkeypatch) -> None:
    meta = "  annotations:\n    infralint.io/ignore: \"image-latest-tag,root-user: legacy workload\"\n"
    _, found = lint(tmp_path, monkeypatch, {"deploy.yaml": DEPLOY.format(meta=meta, tmpl="")},
                    "--select", "IL101,IL201")
    assert active(found) == []
    assert {f["rule_id"] for f in suppressed(found)} == {"IL101", "IL201"}


def test_k8s_annotation_only_covers_its_object(tmp_path, monkeypatch) -> None:
    meta = "  annotations:\n    infralint.io/ignore: \"IL101: pinned\"\n"
    other = DEPLOY.format(meta="", tmpl="").replace("name: api\n", "name: other\n", 1)
    text = DEPLOY.format(meta=meta, tmpl="") + "---\n" + other
    _, found = lint(tmp_path, monkeypatch, {"deploy.yaml": text}, "--select", "IL101")
    assert len(suppressed(found, "IL101")) == 1
    assert len(active(found, "IL101")) == 1


def test_k8s_comment_ignore_on_container_item(tmp_path, monkeypatch) -> None:
    text = DEPLOY.format(meta="", tmpl="").replace(
        "        - name: api\n", "        # infralint: ignore=IL101 -- pinned elsewhere\n        - name: api\n")
    _, found = lint(tmp_path, monkeypatch, {"deploy.yaml": text}, "--select", "IL101")
    assert active(found) == [] and suppressed(found, "IL101")


def test_k8s_end_of_line_ignore(tmp_path, monkeypatch) -> None:
    text = DEPLOY.format(meta="", tmpl="").replace(
        "image: api:latest\n", "image: api:latest  # infralint: ignore=IL101 -- pinned elsewhere\n")
    _, found = lint(tmp_path, monkeypatch, {"deploy.yaml": text}, "--select", "IL101")
    assert active(found) == [] and suppressed(found, "IL101")


# =========================================================================== inline: nginx

NGINX_SITE = """server {
    listen 80;
    server_name example.com;
    add_header X-Content-Type-Options "nosniff" always;
    add_header X-Frame-Options "DENY" always;
    location /api/ {
        proxy_pass http://api:3000;
    }
    location /admin/ {
        proxy_pass http://admin:3000;
    }
}
"""


def test_nginx_end_of_line_ignore(tmp_path, monkeypatch) -> None:
    text = NGINX_SITE.replace("    location /api/ {\n", "    location /api/ {  # infralint: ignore=IL503 -- CDN limits it\n")
    _, found = lint(tmp_path, monkeypatch, {"site.conf": text}, "--select", "IL503")
    assert active(found, "IL503") == [("IL503", 9)]
    assert [f["suppression"]["reason"] for f in suppressed(found, "IL503")] == ["CDN limits it"]


def test_nginx_end_of_line_on_a_simple_directive(tmp_path, monkeypatch) -> None:
    text = ("events {}\nhttp {\n    server_tokens on;  # infralint: ignore=server-tokens -- internal\n"
            "    server { listen 8080; return 204; }\n}\n")
    _, found = lint(tmp_path, monkeypatch, {"nginx.conf": text}, "--select", "IL506")
    assert active(found, "IL506") == [] and suppressed(found, "IL506")


def test_nginx_ignore_before_server_covers_nested_locations(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=missing-rate-limit -- CDN limits it\n" + NGINX_SITE
    code, found = lint(tmp_path, monkeypatch, {"site.conf": text}, "--select", "IL503")
    assert active(found) == [] and len(suppressed(found, "IL503")) == 2
    assert code == 0


def test_nginx_ignore_file(tmp_path, monkeypatch) -> None:
    text = NGINX_SITE + "# infralint: ignore-file=IL5 -- prefix\n"
    _, found = lint(tmp_path, monkeypatch, {"site.conf": text}, "--select", "IL501,IL503")
    assert active(found) == [] and suppressed(found)


# =========================================================================== IL004 unused-ignore

@pytest.mark.parametrize("name, text, line", [
    ("Dockerfile", "# infralint: ignore=IL101 -- stale\nFROM python:3.12\n" + GOOD_TAIL, 1),
    ("Dockerfile", "FROM python:3.12\n" + GOOD_TAIL + "# infralint: ignore-file=IL101 -- stale\n", 4),
    ("compose.yaml", "services:\n  web:\n    image: nginx:1.27  # infralint: ignore=IL101 -- stale\n", 3),
    ("site.conf", "server {\n    listen 80;\n    # infralint: ignore=IL503 -- stale\n    location / { return 204; }\n}\n", 3),
])
def test_unused_ignore_is_reported_as_info(tmp_path, monkeypatch, name: str, text: str, line: int) -> None:
    _, found = lint(tmp_path, monkeypatch, {name: text})
    il004 = [f for f in found if f["rule_id"] == "IL004"]
    assert [(f["line"], f["severity"], f["rule_name"]) for f in il004] == [(line, "info", "unused-ignore")]


def test_unused_annotation_is_reported(tmp_path, monkeypatch) -> None:
    text = DEPLOY.format(meta="  annotations:\n    infralint.io/ignore: \"IL206: not host network\"\n", tmpl="")
    _, found = lint(tmp_path, monkeypatch, {"deploy.yaml": text})
    assert any(f["rule_id"] == "IL004" for f in found)


def test_used_ignore_is_not_reported(tmp_path, monkeypatch) -> None:
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": "# infralint: ignore=IL101\nFROM python\n" + GOOD_TAIL})
    assert not any(f["rule_id"] == "IL004" for f in found)


def test_partly_used_ignore_reports_the_unused_id(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=IL101,IL201 -- half stale\nFROM python\n" + GOOD_TAIL
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text})
    il004 = [f for f in found if f["rule_id"] == "IL004"]
    assert len(il004) == 1 and "IL201" in il004[0]["message"] and "IL101" not in il004[0]["message"]


def test_ignore_naming_an_unknown_rule_is_reported(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=IL2O1 -- typo\nFROM python:3.12\n" + GOOD_TAIL
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text})
    il004 = [f for f in found if f["rule_id"] == "IL004"]
    assert len(il004) == 1 and "IL2O1" in il004[0]["message"]


def test_unused_ignore_alone_does_not_fail_the_run(tmp_path, monkeypatch) -> None:
    code, found = lint(tmp_path, monkeypatch,
                       {"Dockerfile": "# infralint: ignore=IL101 -- stale\nFROM python:3.12\n" + GOOD_TAIL})
    assert [f["rule_id"] for f in found] == ["IL004"]
    assert code == 0  # info is below the default fail-on (low)
    monkeypatch.chdir(tmp_path)
    assert run(".", "--fail-on", "info").code == 1


# =========================================================================== suppressed findings in outputs

def test_inline_suppressed_high_finding_does_not_fail_and_stays_in_json(tmp_path, monkeypatch) -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n    privileged: true  # infralint: ignore=IL202 -- needs it\n"
    code, found = lint(tmp_path, monkeypatch, {"compose.yaml": text}, "--select", "IL202")
    assert code == 0
    assert suppressed(found, "IL202")[0]["suppression"] == {"kind": "inline", "reason": "needs it"}
    r = run(".", "-f", "json", "--select", "IL202")
    assert r.json()["summary"]["findings"] == 0


def test_text_and_sarif_hide_suppressed_unless_asked(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n"
                                     "    privileged: true  # infralint: ignore=IL202 -- needs it\n"})
    assert "IL202" not in run(".", "--select", "IL202").stdout
    assert "IL202" in run(".", "--select", "IL202", "--show-suppressed").stdout
    sarif = json.loads(run(".", "-f", "sarif", "--select", "IL202").stdout)
    assert sarif["runs"][0]["results"] == []
    sarif = json.loads(run(".", "-f", "sarif", "--select", "IL202", "--show-suppressed").stdout)
    res = [x for x in sarif["runs"][0]["results"] if x["ruleId"] == "IL202"]
    assert len(res) == 1 and res[0]["suppressions"][0]["kind"] == "inSource"
    assert res[0]["suppressions"][0]["justification"] == "needs it"


def test_show_suppressed_does_not_change_the_exit_code(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n"
                                     "    privileged: true  # infralint: ignore=IL202\n"})
    assert run(".", "--select", "IL202", "--show-suppressed").code == 0
    assert run(".", "--select", "IL202", "--show-suppressed", "-f", "sarif").code == 0


# =========================================================================== config discovery

@pytest.mark.parametrize("name, text", [
    (".infralint.toml", 'ignore = ["IL101"]\n'),
    (".infralint.yaml", "ignore:\n  - IL101\n"),
    ("pyproject.toml", '[tool.infralint]\nignore = ["IL101"]\n'),
])
def test_each_config_file_kind_is_discovered_from_a_subfolder(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text)
    assert ids(run("app", "-f", "json")) == ["IL401"]
    assert ids(run("app/compose.yaml", "-f", "json")) == ["IL401"]  # a file path too


def test_nearest_config_wins(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('ignore = ["IL401"]\n')
    (repo / "app" / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    assert ids(run("app", "-f", "json")) == ["IL401"]


def test_pyproject_without_our_table_is_passed_over(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    (repo / "app" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert ids(run("app", "-f", "json")) == ["IL401"]


def test_config_discovered_from_scanned_path_not_cwd(repo: Path, monkeypatch) -> None:
    (repo / "app" / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    elsewhere = repo / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert ids(run("../app", "-f", "json")) == ["IL401"]


def test_explicit_config_beats_discovered(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    (repo / "other.yaml").write_text("ignore: [IL401]\n")
    assert ids(run("app", "-f", "json", "--config", "other.yaml")) == ["IL101"]


def test_config_discovered_for_each_scanned_path(repo: Path) -> None:
    """CONTRACT: "Config discovery starts at each scanned path"."""
    (repo / "other").mkdir()
    (repo / "other" / "compose.yaml").write_text(COMPOSE)
    (repo / "other" / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    r = run("app", "other", "-f", "json")
    got = sorted((f["path"], f["rule_id"]) for f in r.json()["findings"] if not f["suppressed"])
    assert ("other/compose.yaml", "IL101") not in got
    assert ("app/compose.yaml", "IL101") in got


# =========================================================================== config keys

def test_select_and_ignore_accept_ids_names_and_prefixes(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('select = ["IL4", "image-latest-tag"]\nignore = ["exposed-db-port"]\n')
    assert ids(run("app", "-f", "json")) == ["IL101"]


def test_cli_select_and_ignore_accept_ids_names_and_prefixes(repo: Path) -> None:
    assert ids(run("app", "-f", "json", "--select", "IL1,exposed-db-port", "--ignore", "IL10")) == ["IL401"]


def test_fail_on_from_config_and_cli_override(repo: Path) -> None:
    (repo / "app" / "compose.yaml").write_text(COMPOSE.replace('      - "5432:5432"\n', '      - "127.0.0.1:5432:5432"\n'))
    (repo / ".infralint.toml").write_text('fail-on = "critical"\n')
    assert run("app").code == 0  # IL101 is high
    assert run("app", "--fail-on", "high").code == 1


def test_severity_override_by_name_changes_outputs_and_exit(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('fail-on = "medium"\n[severity]\nimage-latest-tag = "low"\nIL401 = "info"\n')
    r = run("app", "-f", "json")
    assert {f["rule_id"]: f["severity"] for f in r.json()["findings"]} == {"IL101": "low", "IL401": "info"}
    assert r.code == 0
    sarif = json.loads(run("app", "-f", "sarif").stdout)
    levels = {x["ruleId"]: x["level"] for x in sarif["runs"][0]["results"]}
    assert levels == {"IL101": "note", "IL401": "note"}


def test_per_path_ignores_double_star_glob(repo: Path) -> None:
    (repo / "legacy" / "deep" / "er").mkdir(parents=True)
    (repo / "legacy" / "deep" / "er" / "compose.yaml").write_text(COMPOSE)
    (repo / ".infralint.toml").write_text('[per-path-ignores]\n"legacy/**" = ["IL101", "exposed-db-port"]\n')
    r = run(".", "-f", "json")
    act = sorted((f["path"], f["rule_id"]) for f in r.json()["findings"] if not f["suppressed"])
    assert act == [("app/compose.yaml", "IL101"), ("app/compose.yaml", "IL401")]
    sup = [f for f in r.json()["findings"] if f["suppressed"]]
    assert len(sup) == 2 and all(f["suppression"]["kind"] == "config" and f["suppression"]["reason"] for f in sup)


def test_per_path_ignores_are_relative_to_the_config_file(repo: Path, monkeypatch) -> None:
    (repo / ".infralint.toml").write_text('[per-path-ignores]\n"app/*.yaml" = ["IL1"]\n')
    monkeypatch.chdir(repo / "app")
    assert ids(run(".", "-f", "json")) == ["IL401"]


def test_per_path_ignores_leading_double_star_matches_top_level_files(repo: Path) -> None:
    """`**/compose.yaml` (ruff/gitignore style) matches at every depth, the top level included."""
    (repo / "compose.yaml").write_text(COMPOSE)
    (repo / ".infralint.toml").write_text('[per-path-ignores]\n"**/compose.yaml" = ["IL101"]\n')
    r = run(".", "-f", "json")
    assert [f["path"] for f in r.json()["findings"] if f["rule_id"] == "IL101" and not f["suppressed"]] == []


def test_db_ports_and_db_images_replace_the_defaults(repo: Path) -> None:
    (repo / "app" / "compose.yaml").write_text(
        "services:\n  api:\n    image: myorg/api:1.2\n    ports:\n      - \"8080:8080\"\n"
        "  db:\n    image: postgres:16.2\n    ports:\n      - \"15432:5432\"\n")
    (repo / ".infralint.toml").write_text('select = ["IL401"]\ndb-ports = [8080]\ndb-images = ["myorg/api"]\n')
    got = sorted(f["line"] for f in run("app", "-f", "json").json()["findings"] if not f["suppressed"])
    assert 5 in got and 9 not in got


def test_required_headers(repo: Path) -> None:
    site = ("server {\n    listen 80;\n    server_name x.example.com;\n"
            "    add_header X-Content-Type-Options \"nosniff\" always;\n"
            "    add_header X-Frame-Options \"DENY\" always;\n    location / { return 204; }\n}\n")
    (repo / "app" / "site.conf").write_text(site)
    assert ids(run("app/site.conf", "-f", "json", "--select", "IL501")) == []
    (repo / ".infralint.toml").write_text('required-headers = ["X-Content-Type-Options", "Referrer-Policy"]\n')
    r = run("app/site.conf", "-f", "json", "--select", "IL501")
    assert ids(r) == ["IL501"] and "Referrer-Policy" in r.json()["findings"][0]["message"]


def test_secret_words(repo: Path) -> None:
    (repo / "app" / "compose.yaml").write_text(
        "services:\n  api:\n    image: api:1.2.3\n    environment:\n      BANK_PIN: Xk82pQzL\n")
    assert ids(run("app", "-f", "json", "--select", "IL601")) == []
    (repo / ".infralint.yaml").write_text("secret-words: [PIN]\n")
    r = run("app", "-f", "json", "--select", "IL601")
    assert ids(r) == ["IL601"] and "Xk82pQzL" not in r.stdout


def test_inline_ignores_false_turns_off_every_inline_form(repo: Path) -> None:
    (repo / "app" / "compose.yaml").write_text(
        "# infralint: ignore-file=IL401\n" + COMPOSE.replace("image: nginx\n", "image: nginx  # infralint: ignore=IL101\n"))
    assert ids(run("app", "-f", "json")) == []
    (repo / "pyproject.toml").write_text("[tool.infralint]\ninline-ignores = false\n")
    assert ids(run("app", "-f", "json")) == ["IL101", "IL401"]


def test_yaml_config_with_every_key(repo: Path) -> None:
    (repo / ".infralint.yaml").write_text(
        "select: [IL1, IL4, IL5, IL6]\nignore: [IL102]\nfail-on: high\ninline-ignores: true\n"
        "db-ports: [5432]\ndb-images: [postgres]\nrequired-headers: [X-Frame-Options]\nsecret-words: [PIN]\n"
        "severity:\n  IL101: medium\nper-path-ignores:\n  'legacy/**': [IL101]\n")
    r = run("app", "-f", "json")
    assert r.code == 1, r.stderr
    assert {f["rule_id"]: f["severity"] for f in r.json()["findings"]} == {"IL101": "medium", "IL401": "high"}


def test_toml_config_with_every_key(repo: Path) -> None:
    (repo / ".infralint.toml").write_text(
        'select = ["IL1", "IL4", "IL5", "IL6"]\nignore = ["IL102"]\nfail-on = "high"\ninline-ignores = true\n'
        'db-ports = [5432]\ndb-images = ["postgres"]\nrequired-headers = ["X-Frame-Options"]\nsecret-words = ["PIN"]\n'
        '[severity]\nIL101 = "medium"\n[per-path-ignores]\n"legacy/**" = ["IL101"]\n')
    r = run("app", "-f", "json")
    assert r.code == 1, r.stderr
    assert {f["rule_id"]: f["severity"] for f in r.json()["findings"]} == {"IL101": "medium", "IL401": "high"}


# -------------------------------------------------- spellings other tools' users would try

@pytest.mark.parametrize("text, expected, code", [
    ('fail_on = "critical"\n', ["IL101", "IL401"], 0),          # underscores (ruff/pyproject habit)
    ('[per_path_ignores]\n"app/*" = ["IL101"]\n', ["IL401"], 1),
    ('[per-file-ignores]\n"app/*" = ["IL101"]\n', ["IL401"], 1),  # ruff's name
    ('[per_file_ignores]\n"app/*" = ["IL101"]\n', ["IL401"], 1),
    ('inline_ignores = false\n', ["IL101", "IL401"], 1),
    ('db_ports = [6543]\ndb_images = ["redis"]\n', ["IL101"], 1),
    ('required_headers = ["X-Frame-Options"]\nsecret_words = ["PIN"]\n', ["IL101", "IL401"], 1),
])
def test_config_spellings_that_work(repo: Path, text: str, expected: list[str], code: int) -> None:
    (repo / ".infralint.toml").write_text(text)
    r = run("app", "-f", "json")
    assert r.code == code, r.stderr
    assert ids(r) == expected


@pytest.mark.parametrize("text", [
    pytest.param('[severity-overrides]\nIL101 = "low"\n', id="severity-overrides"),
    pytest.param('[severity_overrides]\nIL101 = "low"\n', id="severity_overrides"),
    pytest.param('secret-name-words = ["PIN"]\n', id="secret-name-words(issue wording)"),
    pytest.param('severity-overrides = {IL101 = "low"}\n', id="severity-overrides-inline-table"),
    pytest.param('extend-ignore = ["IL101"]\n', id="extend-ignore"),
    pytest.param('extend-select = ["IL102"]\n', id="extend-select"),
    pytest.param('failure-threshold = "high"\n', id="failure-threshold(hadolint)"),
    pytest.param('skip-check = ["IL101"]\n', id="skip-check(checkov)"),
])
def test_config_spellings_other_tools_use(repo: Path, text: str) -> None:
    (repo / ".infralint.toml").write_text(text)
    r = run("app", "-f", "json")
    assert r.code in (0, 1), r.stderr


@pytest.mark.parametrize("text", [
    'severity-overrides = "x"\n', 'extend-ignore = 1\n', 'skip-check = 3\n',
])
def test_unsupported_spellings_at_least_fail_clearly(repo: Path, text: str) -> None:
    (repo / ".infralint.toml").write_text(text)
    r = run("app", "-f", "json")
    assert r.code == 2 and ".infralint.toml" in r.stderr and text.split(" ")[0] in r.stderr


def test_pyproject_nested_tables(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.infralint]\nfail-on = "critical"\n\n'
        '[tool.infralint.severity]\nIL101 = "info"\n\n[tool.infralint.per-path-ignores]\n"app/*" = ["IL401"]\n')
    r = run("app", "-f", "json")
    assert r.code == 0, r.stderr
    fs = r.json()["findings"]
    assert {f["rule_id"]: f["severity"] for f in fs}["IL101"] == "info"
    assert [f["suppression"]["kind"] for f in fs if f["rule_id"] == "IL401"] == ["config"]


# -------------------------------------------------- bad configs: exit 2 naming file and key

@pytest.mark.parametrize("name, text, key", [
    (".infralint.yaml", "colour: 1\n", "colour"),
    (".infralint.yaml", "fail-on: urgent\n", "fail-on"),
    (".infralint.yaml", "select: IL999\n", "select"),
    (".infralint.yaml", "db-ports: [70000]\n", "db-ports"),
    (".infralint.yaml", "db-images: 5\n", "db-images"),
    (".infralint.yaml", "required-headers: {a: b}\n", "required-headers"),
    (".infralint.yaml", "secret-words: 7\n", "secret-words"),
    (".infralint.yaml", "per-path-ignores:\n  'a/*': 5\n", "per-path-ignores"),
    (".infralint.yaml", "per-path-ignores:\n  'a/*': [IL999]\n", "per-path-ignores"),
    (".infralint.yaml", "severity:\n  no-such-rule: low\n", "severity"),
    (".infralint.yaml", "severity: low\n", "severity"),
    (".infralint.yaml", "ignore: [no-such-rule]\n", "ignore"),
    (".infralint.yaml", "inline-ignores: maybe\n", "inline-ignores"),
    (".infralint.yaml", "- just\n- a list\n", ""),
    (".infralint.yaml", "select: [IL1\n", ""),
    ("pyproject.toml", "[tool.infralint]\ncolour = 1\n", "colour"),
    ("pyproject.toml", "[tool.infralint]\nfail-on = 3\n", "fail-on"),
    ("pyproject.toml", "[tool.infralint\nselect = 1\n", ""),
])
def test_bad_config_exit_2_one_line_naming_file_and_key(repo: Path, name: str, text: str, key: str) -> None:
    (repo / name).write_text(text)
    for args in ([], ["--exit-zero"], ["-f", "json"], ["-f", "sarif"]):
        r = run("app", *args)
        assert r.code == 2, (args, r.stdout)
        err = r.stderr.strip()
        assert name in err and key in err
        assert len(err.splitlines()) == 1
        assert "Traceback" not in err


def test_bad_explicit_config_exit_2(repo: Path) -> None:
    (repo / "cfg.toml").write_text("fail-on = \n")
    r = run("app", "--config", "cfg.toml")
    assert r.code == 2 and "cfg.toml" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_empty_config_files_are_fine(repo: Path) -> None:
    (repo / ".infralint.yaml").write_text("# nothing yet\n")
    assert run("app").code == 1
    (repo / ".infralint.yaml").unlink()
    (repo / ".infralint.toml").write_text("")
    assert run("app").code == 1


# =========================================================================== baselines

def test_write_baseline_exits_0_and_baseline_suppresses_with_reason(repo: Path) -> None:
    r = run("app", "--write-baseline", "bl.json")
    assert r.code == 0 and (repo / "bl.json").is_file()
    r = run("app", "-f", "json", "--baseline", "bl.json")
    assert r.code == 0
    fs = r.json()["findings"]
    assert len(fs) == 2
    for f in fs:
        assert f["suppressed"] is True
        assert f["suppression"]["kind"] == "baseline" and isinstance(f["suppression"]["reason"], str)
    assert r.json()["summary"]["findings"] == 0


def test_baseline_outputs_text_and_sarif(repo: Path) -> None:
    run("app", "--write-baseline", "bl.json")
    assert "IL401" not in run("app", "--baseline", "bl.json").stdout
    assert "IL401" in run("app", "--baseline", "bl.json", "--show-suppressed").stdout
    sarif = json.loads(run("app", "-f", "sarif", "--baseline", "bl.json").stdout)
    assert sarif["runs"][0]["results"] == []
    sarif = json.loads(run("app", "-f", "sarif", "--baseline", "bl.json", "--show-suppressed").stdout)
    res = sarif["runs"][0]["results"]
    assert len(res) == 2 and all(x["suppressions"][0]["kind"] == "external" for x in res)


def test_fixed_finding_simply_disappears(repo: Path) -> None:
    run("app", "--write-baseline", "bl.json")
    (repo / "app" / "compose.yaml").write_text(COMPOSE.replace("image: nginx\n", "image: nginx:1.27\n"))
    r = run("app", "-f", "json", "--baseline", "bl.json")
    assert r.code == 0
    assert [f["rule_id"] for f in r.json()["findings"]] == ["IL401"]


def test_baseline_fingerprints_survive_line_moves_in_every_format(tmp_path, monkeypatch) -> None:
    files = {
        "Dockerfile": "FROM python\nRUN true\n",
        "compose.yaml": COMPOSE,
        "site.conf": NGINX_SITE,
        "deploy.yaml": DEPLOY.format(meta="", tmpl=""),
    }
    monkeypatch.chdir(tmp_path)
    write(tmp_path, files)
    assert run(".", "--write-baseline", "bl.json").code == 0
    before = run(".", "-f", "json").json()["findings"]
    shifted = {
        "Dockerfile": "# a comment\n\nFROM python\n\nRUN true\n",
        "compose.yaml": "# moved\n\n" + COMPOSE,
        "site.conf": "\n\n# moved\n" + NGINX_SITE,
        "deploy.yaml": "# moved\n" + DEPLOY.format(meta="", tmpl=""),
    }
    write(tmp_path, shifted)
    r = run(".", "-f", "json", "--baseline", "bl.json")
    after = r.json()["findings"]
    assert len(after) == len(before)
    assert [f for f in after if not f["suppressed"]] == []
    assert r.code == 0


def test_fingerprint_independent_of_how_the_path_is_named(repo: Path) -> None:
    a = {f["rule_id"]: f["fingerprint"] for f in run("app", "-f", "json").json()["findings"]}
    b = {f["rule_id"]: f["fingerprint"] for f in run(str(repo / "app"), "-f", "json").json()["findings"]}
    c = {f["rule_id"]: f["fingerprint"] for f in run("app/compose.yaml", "-f", "json").json()["findings"]}
    assert a == b == c


def test_new_finding_next_to_baselined_ones_fails(repo: Path) -> None:
    run("app", "--write-baseline", "bl.json")
    (repo / "app" / "compose.yaml").write_text(COMPOSE + "  api:\n    image: node\n    mem_limit: 1g\n"
                                               "    healthcheck:\n      test: [\"CMD\", \"true\"]\n")
    r = run("app", "-f", "json", "--baseline", "bl.json")
    act = [(f["rule_id"], f["line"]) for f in r.json()["findings"] if not f["suppressed"]]
    assert act == [("IL101", 15)]
    assert r.code == 1


def test_a_second_identical_finding_is_not_hidden_by_the_baseline(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nUSER 10001\nHEALTHCHECK CMD true\n"
                                         "RUN curl https://x.example/a.sh | sh\n")
    run(".", "--write-baseline", "bl.json")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nUSER 10001\nHEALTHCHECK CMD true\n"
                                         "RUN curl https://x.example/a.sh | sh\nRUN curl https://x.example/a.sh | sh\n")
    r = run(".", "-f", "json", "--baseline", "bl.json")
    assert len([f for f in r.json()["findings"] if f["rule_id"] == "IL103" and not f["suppressed"]]) == 1
    assert r.code == 1


def test_inline_ignored_findings_keep_inline_kind_under_a_baseline(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("# infralint: ignore=IL101 -- mirror\nFROM python\n" + GOOD_TAIL)
    run(".", "--write-baseline", "bl.json")
    fs = run(".", "-f", "json", "--baseline", "bl.json").json()["findings"]
    assert [f["suppression"] for f in fs] == [{"kind": "inline", "reason": "mirror"}]


def test_write_baseline_secret_is_not_stored(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12\nENV GH_TOKEN={TOKEN}\n" + GOOD_TAIL)
    run(".", "--write-baseline", "bl.json")
    assert TOKEN[6:20] not in (tmp_path / "bl.json").read_text()


def test_write_baseline_with_findings_at_every_severity_exits_0(repo: Path) -> None:
    assert run("app", "--write-baseline", "bl.json", "--fail-on", "info").code == 0


def test_ignore_for_a_deselected_rule_is_not_called_unused(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=IL101 -- mirror\nFROM python\n" + GOOD_TAIL
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--ignore", "IL101")
    assert not any(f["rule_id"] == "IL004" for f in found)


def test_config_ignore_of_a_rule_does_not_make_its_inline_ignores_stale(repo: Path) -> None:
    (repo / "app" / "compose.yaml").write_text(COMPOSE.replace("image: nginx\n", "image: nginx  # infralint: ignore=IL101\n"))
    (repo / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    assert ids(run("app", "-f", "json")) == ["IL401"]


def test_stacked_ignore_lines_all_apply_to_the_next_instruction(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=IL101 -- a\n# infralint: ignore=IL201 -- b\nFROM python\n"
    _, found = lint(tmp_path, monkeypatch, {"Dockerfile": text}, "--select", "IL101,IL201,IL004")
    assert active(found) == []
    assert {f["rule_id"]: f["suppression"]["reason"] for f in suppressed(found)} == {"IL101": "a", "IL201": "b"}


def test_k8s_annotation_with_several_reasons(tmp_path, monkeypatch) -> None:
    meta = "  annotations:\n    infralint.io/ignore: \"IL101: pinned by CD; root-user: legacy image, see OPS-1\"\n"
    _, found = lint(tmp_path, monkeypatch, {"deploy.yaml": DEPLOY.format(meta=meta, tmpl="")},
                    "--select", "IL101,IL201,IL004")
    assert active(found) == []
    assert {f["rule_id"]: f["suppression"]["reason"] for f in suppressed(found)} == {
        "IL101": "pinned by CD", "IL201": "legacy image, see OPS-1"}
