"""The pre-commit hook (installed for real with `pre-commit try-repo`) and the GitHub Action."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    repo = tmp_path_factory.mktemp("user-repo")
    _git(repo, "init", "-q")
    (repo / "Dockerfile").write_text("FROM python\nCMD [\"python\"]\n")
    (repo / "good").mkdir()
    (repo / "good" / "Dockerfile").write_text(
        "FROM python:3.12.4-slim\nUSER 10001\nHEALTHCHECK CMD python -c 'print(1)'\nCMD [\"python\"]\n")
    (repo / "README.md").write_text("docs\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    return repo, env


def _try_repo(repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess:
    return subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), "infralint", "--files", *files],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_hook_fails_on_a_bad_file_and_passes_on_a_good_one(project) -> None:
    repo, env = project
    bad = _try_repo(repo, env, "Dockerfile")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "IL101" in bad.stdout and "Failed" in bad.stdout
    good = _try_repo(repo, env, "good/Dockerfile")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


def test_hook_file_patterns() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "infralint")
    pattern = re.compile(hook["files"])
    for name in ["Dockerfile", "api/Dockerfile.prod", "app.dockerfile", "Containerfile", "compose.yaml",
                 "k8s/deploy.yml", "nginx/nginx.conf", "conf.d/site.conf", ".env", "api/.env.production",
                 ".dockerignore", "nginx"]:
        assert pattern.search(name), name
    for name in ["README.md", "src/app.py", "package.json"]:
        assert not pattern.search(name), name


def test_action_is_composite_pinned_and_uploads_even_on_failure() -> None:
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"path", "format", "fail-on", "config", "sarif-file"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert re.fullmatch(r"github/codeql-action/upload-sarif@[0-9a-f]{40}", upload["uses"])
    assert "always()" in upload["if"]
    assert upload["with"]["category"] == "infralint"
    for step in steps:
        # Inputs reach scripts through env, never spliced into the script text.
        assert "${{ inputs." not in step.get("run", ""), step.get("name")


def test_readme_shows_the_three_ways_to_run() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pre-commit" in readme and ".pre-commit-config.yaml" in readme
    assert "security-events: write" in readme and "uses:" in readme
    assert "infralint ." in readme
