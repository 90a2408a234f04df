"""Rule documentation: the committed pages are current, `--explain` prints them, and every
docstring example is executed (the "Example" fires the rule, the "Use instead" does not)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from infralint.registry import load
from tests.conftest import ROOT
from tests.helpers import run

sys.path.insert(0, str(ROOT / "scripts"))
from gen_rule_docs import generate  # noqa: E402

RULES = load().sorted()
# Cross-file rules need several files; their behaviour is covered by folder fixtures instead.
CROSS_FILE = {"IL603", "IL701", "IL702"}
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
FILE_FOR = {"dockerfile": "Dockerfile", "nginx": "site.conf", "dotenv": ".env"}


def test_generated_docs_are_current() -> None:
    stale = [str(p.relative_to(ROOT)) for p, text in generate().items()
             if not p.is_file() or p.read_text("utf-8") != text]
    extra = {p.name for p in (ROOT / "docs" / "rules").glob("*.md")} - {p.name for p in generate()}
    assert not stale and not extra, f"run `python scripts/gen_rule_docs.py`: stale {stale}, extra {sorted(extra)}"


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_explain_prints_the_page(r) -> None:
    assert run("--explain", r.id).stdout == (ROOT / "docs" / "rules" / f"{r.id}.md").read_text("utf-8")


def _blocks(section: str) -> list[tuple[str, str]]:
    return [(lang.lower(), body) for lang, body in _BLOCK.findall(section)]


def _file_name(lang: str, body: str) -> str:
    if lang in ("yaml", "yml"):
        return "compose.yaml" if re.search(r"^services:", body, re.MULTILINE) else "manifest.yaml"
    return FILE_FOR.get(lang, "Dockerfile")


def _findings(tmp_path: Path, monkeypatch, r, lang: str, body: str) -> list[dict]:
    folder = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / _file_name(lang, body)).write_text(body)
    monkeypatch.chdir(folder)
    select = r.id if not r.after_suppression else ",".join([x.id for x in load().active([], [])] + [r.id])
    return [f for f in run(".", "-f", "json", "--select", select).json()["findings"] if f["rule_id"] == r.id]


@pytest.mark.parametrize("r", [r for r in RULES if r.id not in CROSS_FILE], ids=lambda r: r.id)
def test_docstring_examples_are_real(r, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _blocks(r.section("Example"))
    good = _blocks(r.section("Use instead"))
    assert bad and good
    for lang, body in bad:
        assert _findings(tmp_path, monkeypatch, r, lang, body), f"{r.id}: its Example does not trigger it:\n{body}"
    for lang, body in good:
        found = _findings(tmp_path, monkeypatch, r, lang, body)
        assert not found, f"{r.id}: its 'Use instead' triggers it: {found}\n{body}"
