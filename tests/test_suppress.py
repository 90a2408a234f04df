"""Inline ignores in every format (RULES.md, "Inline and config controls")."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run


def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, *args: str) -> list[dict]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text)
    return run(name, "-f", "json", *args).json()["findings"]


def active(findings: list[dict], rule: str) -> list[int]:
    return [f["line"] for f in findings if f["rule_id"] == rule and not f["suppressed"]]


def test_dockerfile_line_before(tmp_path, monkeypatch) -> None:
    text = "# infralint: ignore=IL101 -- base image is pinned by our mirror\nFROM python\nFROM ubuntu\n"
    found = lint(tmp_path, monkeypatch, "Dockerfile", text, "--select", "IL101")
    assert active(found, "IL101") == [3]
    sup = [f for f in found if f["suppressed"]]
    assert sup[0]["suppression"] == {"kind": "inline", "reason": "base image is pinned by our mirror"}


def test_dockerfile_end_of_line_is_not_a_pragma(tmp_path, monkeypatch) -> None:
    found = lint(tmp_path, monkeypatch, "Dockerfile", "FROM python # infralint: ignore=IL101\n", "--select", "IL101")
    assert [f["suppressed"] for f in found if f["rule_id"] == "IL101"] in ([False], [])


def test_yaml_same_line_and_names(tmp_path, monkeypatch) -> None:
    text = (
        "services:\n"
        "  web:\n"
        "    image: nginx  # infralint: ignore=image-latest-tag -- demo only\n"
        "  db:\n"
        "    image: postgres\n"
    )
    found = lint(tmp_path, monkeypatch, "compose.yaml", text, "--select", "IL101")
    assert active(found, "IL101") == [5]


def test_yaml_block_before_a_service_covers_it(tmp_path, monkeypatch) -> None:
    text = (
        "services:\n"
        "  # infralint: ignore=IL101,IL401\n"
        "  db:\n"
        "    image: postgres\n"
        "    ports:\n"
        "      - \"5432:5432\"\n"
        "  cache:\n"
        "    image: redis\n"
    )
    found = lint(tmp_path, monkeypatch, "compose.yaml", text, "--select", "IL101,IL401")
    assert active(found, "IL101") == [8]
    assert active(found, "IL401") == []


def test_ignore_file(tmp_path, monkeypatch) -> None:
    text = "services:\n  web:\n    image: nginx\n# infralint: ignore-file=IL101 -- fixtures\n"
    found = lint(tmp_path, monkeypatch, "compose.yaml", text, "--select", "IL101")
    assert active(found, "IL101") == [] and len(found) == 1


def test_nginx_block(tmp_path, monkeypatch) -> None:
    text = (
        "server {\n    listen 80;\n"
        "    # infralint: ignore=IL503 -- rate limited by the CDN\n"
        "    location /api/ {\n        proxy_pass http://api:3000;\n    }\n"
        "    location /admin/ {\n        proxy_pass http://admin:3000;\n    }\n}\n"
    )
    found = lint(tmp_path, monkeypatch, "site.conf", text, "--select", "IL503")
    assert active(found, "IL503") == [7]


def test_kubernetes_annotation(tmp_path, monkeypatch) -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
        "  annotations:\n    infralint.io/ignore: \"IL101: tag pinned by Argo CD image updater\"\n"
        "spec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:latest\n"
    )
    found = lint(tmp_path, monkeypatch, "deploy.yaml", text, "--select", "IL101")
    assert active(found, "IL101") == []
    assert found and found[0]["suppression"]["reason"] == "tag pinned by Argo CD image updater"


def test_suppressed_findings_do_not_fail_the_run(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("# infralint: ignore=IL101,IL201,IL301\nFROM python\n")
    assert run(".", "--select", "IL101").code == 0
