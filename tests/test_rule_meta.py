"""Every rule is documented, has fixtures, and its fixtures cover every format it claims."""
from __future__ import annotations

import pytest

from infralint.registry import load
from infralint.testing import discover, run_case
from tests.conftest import FIXTURES, ROOT

RULES = load().sorted()
CASES = discover(FIXTURES)
# IL001 on .dockerignore is possible in principle but nothing there fails to parse.
NO_BAD_FIXTURE_NEEDED = {("IL001", "dockerignore")}


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_docstring_sections(r) -> None:
    assert r.summary and len(r.summary) <= 80 and not r.summary.endswith("."), r.summary
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert r.section(section), f"{r.id} lacks '## {section}'"
    assert "```" in r.section("Example") and "```" in r.section("Use instead")


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_has_bad_and_good_fixtures(r) -> None:
    mine = [c for c in CASES if c.rule_id == r.id]
    assert any(c.bad for c in mine), f"{r.id} has no bad fixture"
    assert any(not c.bad for c in mine), f"{r.id} has no good fixture"


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_fixtures_cover_every_format(r) -> None:
    bad_formats: set[str] = set()
    good_formats: set[str] = set()
    for case in (c for c in CASES if c.rule_id == r.id):
        found, report = run_case(case, ROOT)
        if case.bad:
            bad_formats |= {f.format for f in report.findings if f.rule_id == r.id}
        else:
            good_formats |= {d.format for d in report.documents}
    for fmt in r.formats:
        if (r.id, fmt) not in NO_BAD_FIXTURE_NEEDED:
            assert fmt in bad_formats, f"{r.id}: no bad fixture yields a {fmt} finding"
    assert r.formats & good_formats, f"{r.id}: no good fixture in any of its formats"


def test_fixture_folders_name_registered_rules() -> None:
    ids = {r.id for r in RULES}
    for case in CASES:
        assert case.rule_id in ids, f"fixtures/{case.rule_id} names no registered rule"
