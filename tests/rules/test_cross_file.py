"""Cross-file rules (IL603 .dockerignore, IL702 compose build paths) give the same answer whether
the whole project or a single file is linted (pre-commit passes only the changed files), and
never read or name anything outside the scanned root."""
from __future__ import annotations

from pathlib import Path

import pytest

import infralint.load as load
from tests.conftest import FIXTURES
from tests.helpers import run

RULES = "IL603,IL702"


def findings(*args: str) -> list[tuple[str, int, str, str]]:
    r = run(*args, "--select", RULES, "-f", "json", "--exit-zero")
    assert r.code == 0, r.stderr
    return sorted((f["path"], f["line"], f["rule_id"], f["message"]) for f in r.json()["findings"])


@pytest.mark.parametrize("fixture, single", [
    ("IL702/bad_missing_context", "compose.yaml"),
    ("IL702/bad_missing_dockerfile", "compose.yaml"),
    ("IL702/good_build_ok", "compose.yaml"),
    ("IL603/bad_compose_context", "api/Dockerfile"),
    ("IL603/good_compose_context", "docker/Dockerfile"),
    ("IL603/bad_no_dockerignore", "Dockerfile"),
    ("IL603/bad_ignore_lacks_env", "Dockerfile"),
])
def test_single_file_run_matches_folder_run(fixture: str, single: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = FIXTURES / fixture
    monkeypatch.chdir(folder)
    whole = [f for f in findings(".") if f[0] == single]
    alone = findings(single)
    assert alone == whole
    assert bool(alone) == fixture.split("/")[1].startswith("bad")


def test_single_file_from_repo_root_names_paths_from_there(monkeypatch: pytest.MonkeyPatch) -> None:
    # pre-commit runs from the repository root and passes paths relative to it.
    monkeypatch.chdir(FIXTURES.parent)
    got = findings("fixtures/IL603/bad_compose_context/api/Dockerfile")
    assert [(p, line) for p, line, _, _ in got] == [("fixtures/IL603/bad_compose_context/api/Dockerfile", 4)]
    assert "fixtures/IL603/bad_compose_context/api/.dockerignore does not exclude" in got[0][3]
    assert findings("fixtures/IL603/good_compose_context/docker/Dockerfile") == []


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """A project inside a folder that holds files the scan must not see: a complete
    .dockerignore and a compose file that would make it apply, a build context and secrets."""
    (tmp_path / ".dockerignore").write_text(".git\n.env\n*.pem\n*.key\n")
    (tmp_path / "compose.yaml").write_text("services:\n  outer:\n    build:\n      context: .\n"
                                           "      dockerfile: project/Dockerfile\n")
    (tmp_path / "outside-ctx").mkdir()
    (tmp_path / "outside-ctx" / "Dockerfile").write_text("FROM alpine:3.19\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\nUSER 10001\n")
    (project / "compose.yaml").write_text(
        "services:\n"
        "  existing:\n    build: ../outside-ctx\n"
        "  missing:\n    build: ../missing-ctx\n"
        "  far:\n    build:\n      context: .\n      dockerfile: ../outside-ctx/Dockerfile.nope\n"
        "  absolute:\n    build: /definitely/not/here\n"
        "  local:\n    build: .\n"
    )
    return tmp_path


@pytest.mark.parametrize("cwd, args", [
    ("", ["project"]),  # the folder is the scanned root
    ("project", ["."]),
    ("project", ["compose.yaml", "Dockerfile"]),  # explicit files: the current folder is the root
])
def test_nothing_outside_the_root_is_read_or_named(nested: Path, cwd: str, args: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = (nested / "project").resolve()
    loaded: list[Path] = []
    real_load = load.load_document

    def spy(cand, skipped, cache):  # type: ignore[no-untyped-def]
        loaded.append(cand.real)
        return real_load(cand, skipped, cache)

    monkeypatch.setattr(load, "load_document", spy)
    monkeypatch.chdir(nested / cwd)
    got = findings(*args)
    assert loaded and all(p.is_relative_to(root) for p in loaded), loaded
    # Only the project's own Dockerfile is reported: with no .dockerignore of its own (the outer
    # one belongs to a build the scan cannot see). Paths outside are unknown, never "missing".
    prefix = "project/" if cwd == "" else ""
    assert [(p, rule) for p, _, rule, _ in got] == [(f"{prefix}Dockerfile", "IL603")]
    text = " ".join(message for *_, message in got)
    for word in ("outside", "missing-ctx", "definitely", str(nested)):
        assert word not in text
    assert f"{prefix}.dockerignore is missing" in text


@pytest.mark.parametrize("patterns, path, excluded", [
    ([".env*"], ".env", True),
    (["**/.env"], ".env", True),
    (["/.env"], ".env", True),
    (["./.env"], ".env", True),
    ([".env.*"], ".env", False),
    (["*"], ".env", True),  # deny-all
    (["*", "!src"], ".env", True),
    (["*", "!.env"], ".env", False),  # a later exception re-includes it
    ([".git"], ".git/config", True),  # a folder's pattern covers its content
    (["**/.git"], ".git/config", True),
    ([".git/**"], ".git/config", True),
    (["*.pem"], "server.pem", True),
    (["*.pem"], "certs/server.pem", False),  # unlike .gitignore, no matching at every depth
    (["**/*.pem"], "certs/server.pem", True),
    (["*.[pk]e[my]"], "server.key", True),
    (["**"], "anything/at/all", True),
    (["node_modules", "# .env"], ".env", False),
])
def test_dockerignore_matches_like_docker(patterns: list[str], path: str, excluded: bool) -> None:
    from infralint_rules._dockerignore import compile_patterns, is_excluded

    assert is_excluded(path, compile_patterns(patterns)) is excluded
