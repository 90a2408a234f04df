"""Config files, per-path ignores, severity overrides and baselines (CONTRACT.md, RULES.md controls)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run

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


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ids(r) -> list[str]:
    return sorted(f["rule_id"] for f in r.json()["findings"] if not f["suppressed"])


def test_toml_config_is_discovered_from_the_scanned_path(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    assert ids(run("app", "-f", "json")) == ["IL401"]


def test_pyproject_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.infralint]\nselect = ["image-latest-tag"]\n')
    assert ids(run("app", "-f", "json")) == ["IL101"]


def test_yaml_config_and_severity_override(repo: Path) -> None:
    (repo / ".infralint.yaml").write_text("severity:\n  IL101: info\nfail-on: medium\n")
    r = run("app", "-f", "json")
    sev = {f["rule_id"]: f["severity"] for f in r.json()["findings"]}
    assert sev["IL101"] == "info"
    assert r.code == 1  # IL401 is high
    (repo / ".infralint.yaml").write_text("severity:\n  IL101: info\n  IL401: low\nfail-on: medium\n")
    assert run("app").code == 0


def test_cli_flags_override_config(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('select = ["IL101"]\n')
    assert ids(run("app", "-f", "json", "--select", "IL401")) == ["IL401"]


def test_explicit_config_flag(repo: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "custom.toml"
    cfg.write_text('ignore = ["IL4"]\n')
    assert ids(run("app", "-f", "json", "--config", str(cfg))) == ["IL101"]


def test_policy_lists(repo: Path) -> None:
    (repo / ".infralint.toml").write_text("db-ports = [6543]\ndb-images = []\nselect = [\"IL401\"]\n")
    assert ids(run("app", "-f", "json")) == []


def test_per_path_ignores(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('[per-path-ignores]\n"app/*" = ["image-latest-tag"]\n')
    findings = run("app", "-f", "json").json()["findings"]
    il101 = [f for f in findings if f["rule_id"] == "IL101"]
    assert il101 and il101[0]["suppressed"] and il101[0]["suppression"]["kind"] == "config"


def test_inline_ignores_can_be_forbidden(repo: Path) -> None:
    (repo / "app" / "compose.yaml").write_text(COMPOSE.replace("image: nginx", "image: nginx  # infralint: ignore=IL101"))
    assert "IL101" not in ids(run("app", "-f", "json"))
    (repo / ".infralint.toml").write_text("inline-ignores = false\n")
    assert "IL101" in ids(run("app", "-f", "json"))


@pytest.mark.parametrize("text, key", [
    ("colour = 1\n", "colour"),
    ('fail-on = "urgent"\n', "fail-on"),
    ('select = ["IL999"]\n', "select"),
    ("db-ports = [\"x\"]\n", "db-ports"),
    ("inline-ignores = \"no\"\n", "inline-ignores"),
    ("[severity]\nIL101 = \"huge\"\n", "severity"),
    ("select = [\n", ""),
])
def test_bad_config_exits_2_naming_file_and_key(repo: Path, text: str, key: str) -> None:
    (repo / ".infralint.toml").write_text(text)
    r = run("app", "-f", "json", "--exit-zero")
    assert r.code == 2
    assert ".infralint.toml" in r.stderr and key in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_missing_config_flag_file_exits_2(repo: Path) -> None:
    assert run("app", "--config", "nope.toml").code == 2


def test_discovery_stops_at_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "outer"
    (outer / "repo" / ".git").mkdir(parents=True)
    (outer / "repo" / "app").mkdir()
    (outer / "repo" / "app" / "compose.yaml").write_text(COMPOSE)
    (outer / ".infralint.toml").write_text('ignore = ["IL101"]\n')
    monkeypatch.chdir(outer / "repo")
    assert "IL101" in ids(run("app", "-f", "json"))  # the config above the repository is not used
    (outer / "repo" / ".git").rmdir()
    assert "IL101" not in ids(run("app", "-f", "json"))  # without a repository, it is


def test_baseline_round_trip(repo: Path) -> None:
    r = run("app", "--write-baseline", "baseline.json")
    assert r.code == 0
    recorded = json.loads((repo / "baseline.json").read_text())["findings"]
    assert {e["rule_id"] for e in recorded} == {"IL101", "IL401"}
    r = run("app", "-f", "json", "--baseline", "baseline.json")
    assert r.code == 0
    assert all(f["suppressed"] and f["suppression"]["kind"] == "baseline" for f in r.json()["findings"])
    # Lines moving does not break the baseline; a new finding still fails the run.
    (repo / "app" / "compose.yaml").write_text("# moved\n\n" + COMPOSE + "  cache:\n    image: redis:7.2\n    mem_limit: 64m\n    ports: [\"6379:6379\"]\n    healthcheck: {test: [CMD, redis-cli, ping]}\n")
    r = run("app", "-f", "json", "--baseline", "baseline.json")
    active = [f for f in r.json()["findings"] if not f["suppressed"]]
    assert [f["rule_id"] for f in active] == ["IL401"] and active[0]["line"] == 19
    assert r.code == 1


def test_bad_baseline_exits_2(repo: Path) -> None:
    (repo / "b.json").write_text("not json")
    assert run("app", "--baseline", "b.json").code == 2
    assert run("app", "--baseline", "missing.json").code == 2


def test_show_suppressed(repo: Path) -> None:
    (repo / ".infralint.toml").write_text('[per-path-ignores]\n"app/*" = ["IL101"]\n')
    assert "IL101" not in run("app").stdout
    assert "IL101" in run("app", "--show-suppressed").stdout
    sarif = json.loads(run("app", "-f", "sarif", "--show-suppressed").stdout)
    assert any(res.get("suppressions") for res in sarif["runs"][0]["results"])
    sarif = json.loads(run("app", "-f", "sarif").stdout)
    assert not any(res["ruleId"] == "IL101" for res in sarif["runs"][0]["results"])
