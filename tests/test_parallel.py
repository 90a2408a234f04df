"""Parallel scans report exactly what a single-process scan reports; the entry-point lookup that
replaced importlib.metadata finds what importlib.metadata finds."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from infralint import engine, parallel, registry
from infralint.config import Settings
from tests.conftest import CORPUS, FIXTURES
from tests.helpers import run


def _findings(monkeypatch: pytest.MonkeyPatch, where: Path, jobs: str) -> dict:
    monkeypatch.chdir(where)
    # Force the worker pool on trees far below the size that would use it by default.
    monkeypatch.setenv("INFRALINT_PARALLEL_MIN_FILES", "0")
    r = run(".", "-f", "json", "--exit-zero", "--jobs", jobs)
    assert r.code == 0, r.stderr
    return r.json()


@pytest.mark.skipif(not parallel._can_fork(), reason="worker processes need fork")
@pytest.mark.parametrize("tree", [
    pytest.param(FIXTURES, id="fixtures"),
    pytest.param(CORPUS, id="corpus", marks=pytest.mark.skipif(not CORPUS.is_dir(), reason="no shared corpus")),
])
def test_findings_identical_with_and_without_workers(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _findings(monkeypatch, tree, "1")
    two = _findings(monkeypatch, tree, "2")
    assert one["findings"], "the tree should have findings for the comparison to mean anything"
    assert json.dumps(two, sort_keys=True) == json.dumps(one, sort_keys=True)


@pytest.mark.skipif(not parallel._can_fork(), reason="worker processes need fork")
def test_parallel_run_really_uses_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFRALINT_PARALLEL_MIN_FILES", "0")
    used: list[int] = []
    real_run = parallel.run

    def spy(workers, job, fn, ranges):  # type: ignore[no-untyped-def]
        used.append(workers)
        return real_run(workers, job, fn, ranges)

    monkeypatch.setattr(parallel, "run", spy)
    report = engine.lint_paths([str(FIXTURES)], Settings(), registry.load(), jobs=2)
    assert used == [2]  # parsing (the rule pass stays in this process)
    assert report.scanned > 0


def test_small_scans_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INFRALINT_PARALLEL_MIN_FILES", raising=False)
    monkeypatch.setattr(parallel, "_cpus", lambda: 8)
    assert parallel.workers_for(None, 10) == 1
    assert parallel.workers_for(1, 100_000) == 1
    assert engine._workers(None, 1) == 1


@pytest.mark.skipif(not parallel._can_fork(), reason="worker processes need fork")
def test_default_uses_every_cpu_for_large_trees_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INFRALINT_PARALLEL_MIN_FILES", raising=False)
    monkeypatch.setattr(parallel, "_cpus", lambda: 8)
    assert parallel.workers_for(None, 100_000) == 8
    monkeypatch.setattr(parallel, "_cpus", lambda: 2)
    assert parallel.workers_for(None, 100_000) == 2
    assert parallel.workers_for(None, 500) == 1  # small trees stay in one process
    monkeypatch.setattr(parallel, "_cpus", lambda: 1)
    assert parallel.workers_for(None, 100_000) == 1
    assert parallel.workers_for(2, 100_000) == 2  # asked for: given


def test_slices_cover_every_index_once_in_order() -> None:
    for count in (0, 1, 7, 64, 1000, 10_007):
        for workers in (1, 2, 3):
            ranges = parallel.slices(count, workers)
            assert [i for a, b in ranges for i in range(a, b)] == list(range(count))


def test_model_round_trips_through_the_fast_pickler() -> None:
    report = engine.lint_paths([str(FIXTURES)], Settings(), registry.load(), jobs=1)
    docs = parallel.loads(parallel.dumps(report.documents))
    assert docs == report.documents
    assert parallel.loads(parallel.dumps(report.findings)) == report.findings


def test_entry_points_match_importlib_metadata() -> None:
    from importlib.metadata import entry_points

    fast = sorted((ep.name, ep.value) for ep in registry._entry_points())
    slow = sorted((ep.name, ep.value) for ep in entry_points(group=registry.GROUP))
    assert fast == slow


def test_third_party_pack_on_sys_path_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "acme_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text(
        "[console_scripts]\nacme = acme_rules:main\n\n[infralint.rules]\nacme = acme_rules:PACK [extra]\n",
        encoding="utf-8")
    (tmp_path / "acme_rules.py").write_text("PACK = ()\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    found = {ep.name: ep for ep in registry._entry_points()}
    assert found["acme"].value == "acme_rules:PACK [extra]"
    assert found["acme"].load() == ()
    monkeypatch.delitem(sys.modules, "acme_rules", raising=False)
