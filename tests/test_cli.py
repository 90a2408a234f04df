"""The command-line contract (CONTRACT.md): options, exit codes, JSON shape, masking."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run

BAD_COMPOSE = """services:
  db:
    image: postgres:16.2
    environment:
      POSTGRES_PASSWORD: Sup3rS3cretValue
    ports:
      - "5432:5432"
"""


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(BAD_COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_json_shape_and_relative_paths(stack: Path) -> None:
    r = run(".", "-f", "json")
    assert r.code == 1
    doc = r.json()
    assert list(doc) == ["version", "tool", "findings", "files", "summary"]
    assert doc["version"] == 1 and doc["tool"]["name"] == "infralint"
    keys = ["rule_id", "rule_name", "severity", "message", "path", "line", "column", "end_line",
            "end_column", "format", "object", "suppressed", "suppression", "fingerprint"]
    assert doc["findings"], "expected findings on an insecure compose file"
    for f in doc["findings"]:
        assert list(f) == keys
        assert f["path"] == "compose.yaml"
        assert f["line"] >= 1 and f["column"] >= 1
    assert doc["files"]["scanned"] == 1
    assert doc["summary"]["findings"] == len(doc["findings"])
    assert sum(doc["summary"]["by_severity"].values()) == len(doc["findings"])


def test_secret_never_printed_in_any_format(stack: Path) -> None:
    for fmt in ("text", "json", "sarif"):
        r = run(".", "-f", fmt, "--exit-zero")
        assert "Sup3rS3cretValue" not in r.stdout, fmt
        assert "S3cret" not in r.stdout, fmt


def test_exit_codes(stack: Path) -> None:
    assert run(".", "--exit-zero").code == 0
    assert run(".", "--fail-on", "critical").code == 0
    assert run(".", "--fail-on", "high").code == 1
    assert run("does-not-exist").code == 2
    assert run("does-not-exist", "--exit-zero").code == 2
    assert run(".", "--select", "IL999").code == 2
    assert run(".", "--format", "xml").code == 2


def test_clean_tree_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("nothing to lint\n")
    r = run(".", "-f", "json")
    assert r.code == 0
    assert r.json()["findings"] == []


def test_select_and_ignore_by_id_name_and_prefix(stack: Path) -> None:
    all_ids = {f["rule_id"] for f in run(".", "-f", "json").json()["findings"]}
    assert {"IL401", "IL601"} <= all_ids
    only = {f["rule_id"] for f in run(".", "-f", "json", "--select", "secret-in-env").json()["findings"]}
    assert only == {"IL601"}
    without = {f["rule_id"] for f in run(".", "-f", "json", "--ignore", "IL4,IL6").json()["findings"]}
    assert not any(i.startswith(("IL4", "IL6")) for i in without)


def test_output_file(stack: Path) -> None:
    r = run(".", "-f", "json", "-o", "report.json")
    assert r.code == 1 and r.stdout == ""
    assert json.loads((stack / "report.json").read_text())["findings"]


def test_text_output_groups_by_file_and_shows_line(stack: Path) -> None:
    r = run(".")
    assert "compose.yaml" in r.stdout
    assert "IL401" in r.stdout and '"5432:5432"' in r.stdout
    assert "finding" in r.stdout


def test_text_output_plain_and_coloured_say_the_same(stack: Path) -> None:
    import io

    from infralint.output.text import render

    report = _report(stack)
    texts = {"compose.yaml": BAD_COMPOSE}
    plain, coloured = io.StringIO(), io.StringIO()
    render(report, texts, plain, color=False, show_suppressed=False)
    render(report, texts, coloured, color=True, show_suppressed=False)
    import re

    without_codes = re.sub(r"\x1b\[[0-9;]*m", "", coloured.getvalue())
    assert "\x1b[" in coloured.getvalue() and "\x1b" not in plain.getvalue()
    # rich pads the table's cells and wraps at the terminal's width; the words are the same
    assert without_codes.split() == plain.getvalue().split()
    assert '"5432:5432"' in plain.getvalue()  # the offending line is quoted
    assert plain.getvalue().splitlines()[-1].startswith(f"{len(report.findings)} findings in 1 file")


def test_text_output_never_passes_control_characters_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM nginx:latest \x1b]0;owned\x07\x1b[2J\n")
    r = run(".", "--exit-zero")
    assert "IL101" in r.stdout
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "\\x1b]0;owned" in r.stdout


def _report(root: Path):
    """The report for root/compose.yaml, linted from root (so its path is `compose.yaml`)."""
    from infralint.config import Settings
    from infralint.engine import lint_paths
    from infralint.registry import load

    assert Path.cwd() == root
    return lint_paths(["compose.yaml"], Settings(), load(), jobs=1)


def test_list_rules_and_explain() -> None:
    r = run("--list-rules", "-f", "json")
    rules = r.json()["rules"]
    ids = [x["id"] for x in rules]
    assert ids == sorted(ids) and "IL201" in ids
    text = run("--explain", "root-user").stdout
    assert "IL201" in text and "## Why is this bad?" in text
    assert run("--explain", "IL999").code == 2


def test_version() -> None:
    r = run("--version")
    assert r.code == 0 and "0.1.0" in r.stdout


def test_empty_and_comment_only_files_are_not_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("")
    (tmp_path / "compose.yaml").write_text("# nothing yet\n")
    (tmp_path / "nginx.conf").write_text("# todo\n")
    r = run(".", "-f", "json")
    assert r.json()["findings"] == []


def test_broken_file_is_il001_and_others_still_lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"\n")
    (tmp_path / "Dockerfile").write_text("FROM python\n")
    doc = run(".", "-f", "json").json()
    il001 = [f for f in doc["findings"] if f["rule_id"] == "IL001"]
    assert len(il001) == 1 and il001[0]["path"] == "compose.yaml" and il001[0]["line"] >= 4
    assert any(f["rule_id"] == "IL101" and f["path"] == "Dockerfile" for f in doc["findings"])


def test_explicit_file_with_any_name_is_linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "build.txt").write_text("FROM ubuntu:latest\nUSER root\n")
    doc = run("build.txt", "-f", "json").json()
    assert {f["rule_id"] for f in doc["findings"]} >= {"IL101", "IL201"}


def test_helm_templates_are_skipped_with_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 0.1.0\n")
    (tmp_path / "chart" / "templates" / "d.yaml").write_text("apiVersion: v1\nkind: Pod\n{{- if .Values.x }}\n")
    doc = run(".", "-f", "json").json()
    assert doc["findings"] == []
    assert {"path": "chart/templates/d.yaml", "reason": "helm template"} in doc["files"]["skipped"]


def test_gitignored_files_are_not_linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "Dockerfile").write_text("FROM python\n")
    assert run(".", "-f", "json").json()["files"]["scanned"] == 0


def test_site_configs_without_conf_suffix_are_found_by_their_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "nginx" / "sites-available"
    site.mkdir(parents=True)
    (site / "shop.example.com").write_text(
        "server {\n    listen 80;\n    server_name shop.example.com;\n"
        "    location / {\n        proxy_pass http://127.0.0.1:3000;\n    }\n}\n")
    (site / "README").write_text("Enable a site with a symlink in sites-enabled.\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "default").write_text("server {\n    listen 80;\n}\n")  # not an nginx folder
    doc = run(".", "-f", "json", "--exit-zero").json()
    paths = {f["path"] for f in doc["findings"]}
    assert paths == {"nginx/sites-available/shop.example.com"}
    assert doc["files"]["scanned"] == 1


def test_single_compose_file_sees_the_override_compose_merges_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: ghcr.io/acme/web:1.2.0\n")
    (tmp_path / "compose.override.yaml").write_text(
        "services:\n  web:\n    mem_limit: 256m\n    healthcheck:\n      test: [CMD, 'true']\n")
    monkeypatch.chdir(tmp_path)
    for target in ("compose.yaml", "compose.override.yaml"):  # as pre-commit passes them
        doc = run(target, "-f", "json", "--select", "IL301,IL302", "--exit-zero").json()
        assert doc["findings"] == [], target
