"""Every rule's bad and good fixtures: bad ones yield exactly the annotated findings, good ones none."""
from __future__ import annotations

import pytest

from infralint.testing import discover, expectations, explain, run_case
from tests.conftest import FIXTURES, ROOT

CASES = discover(FIXTURES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fixture(case) -> None:
    found, report = run_case(case, ROOT)
    expected = expectations(case.path, ROOT)
    expected = type(expected)({k: v for k, v in expected.items() if k[2] == case.rule_id})
    if case.bad:
        assert expected, f"{case} has no '# expect: {case.rule_id}' annotation"
    else:
        assert not expected, f"{case} is a good fixture but expects findings"
    assert found == expected, explain(case, ROOT, expected, found, report)
    assert not report.errors, report.errors
