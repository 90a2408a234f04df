"""Rules read the model, never parser output (the checkov trap the brief warns about)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

RULE_FILES = sorted((ROOT / "rules" / "infralint_rules").glob("*.py"))
FORBIDDEN = ("infralint.parsers", "infralint.engine", "infralint.cli", "infralint.output",
             "infralint.walk", "ruamel", "crossplane", "dockerfile_parse", "click", "rich")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rules_import_only_the_rule_api_and_the_model(path: Path) -> None:
    bad = [n for n in _imports(path) if n.startswith(FORBIDDEN)]
    assert not bad, f"{path.name} imports {bad}"


def test_the_model_imports_no_parser() -> None:
    for path in sorted((ROOT / "infralint" / "model").glob("*.py")):
        bad = [n for n in _imports(path) if n.startswith(FORBIDDEN)]
        assert not bad, f"{path.name} imports {bad}"
