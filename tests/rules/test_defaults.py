"""Rules (and halves of rules) that ship "off": silent by default, active once selected."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run

# Trips every off-by-default container check at once, and IL302 (on by default) as a control.
COMPOSE = """\
services:
  api:
    image: ghcr.io/acme/api:2.4.1
    user: "1000"
    ports:
      - "8080:8080"
    logging:
      driver: json-file
"""
KUBE = """\
apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:2.4.1
      securityContext:
        runAsNonRoot: true
    - name: helper
      image: ghcr.io/acme/helper:1.0.0
      securityContext:
        runAsNonRoot: true
        allowPrivilegeEscalation: true
"""
OFF = {"IL203", "IL207", "IL303", "IL402"}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "pod.k8s.yaml").write_text(KUBE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _findings(*args: str) -> list[dict]:
    result = run(*args, "-f", "json", "--exit-zero")
    assert result.code == 0, result.stderr
    return result.json()["findings"]


def _ids(findings: list[dict], path: str) -> set[str]:
    return {f["rule_id"] for f in findings if f["path"] == path}


def test_off_rules_are_silent_by_default(tree: Path) -> None:
    findings = _findings("compose.yaml")
    ids = _ids(findings, "compose.yaml")
    assert "IL302" in ids  # the control: the file is linted, on-by-default rules fire
    assert not ids & OFF, sorted(ids & OFF)


@pytest.mark.parametrize("select", ["IL203,IL207,IL303,IL402",
                                    "privilege-escalation,low-uid,unbounded-logs,port-on-all-interfaces",
                                    "IL2,IL3,IL4"])
def test_off_rules_fire_when_selected(tree: Path, select: str) -> None:
    ids = _ids(_findings("compose.yaml", "--select", select), "compose.yaml")
    assert OFF <= ids, sorted(OFF - ids)


def test_il203_compose_half_is_low(tree: Path) -> None:
    findings = _findings("compose.yaml", "--select", "IL203")
    assert [(f["severity"], f["line"]) for f in findings] == [("low", 2)]


def test_il203_kubernetes_half_is_on_by_default(tree: Path) -> None:
    findings = [f for f in _findings("pod.k8s.yaml") if f["rule_id"] == "IL203"]
    # Unset: low, at the container's `- name:` item; explicit true: high, at that key.
    assert sorted((f["line"], f["severity"]) for f in findings) == [(7, "low"), (15, "high")]


def test_selecting_everything_by_the_bare_prefix_keeps_the_compose_half_off(tree: Path) -> None:
    # `IL` names no rule in particular, so it is not an explicit choice of IL203.
    findings = _findings("compose.yaml", "--select", "IL")
    assert "IL203" not in _ids(findings, "compose.yaml")
    assert {"IL207", "IL303", "IL402"} <= _ids(findings, "compose.yaml")
