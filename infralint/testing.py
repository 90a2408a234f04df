"""Fixture-driven rule tests, public so that third-party rule packs can reuse them.

A fixture is a file (or a folder, for cross-file cases) under `fixtures/<RULE_ID>/` named `bad*`
or `good*`. Expected findings are written inline:

    # expect: IL201            (alone on a line: the next line that is not blank or a comment,
                                or is an `# infralint:` pragma comment)
    user: root  # expect: IL201   (at the end of a line, YAML and nginx only)

`good*` fixtures must produce no finding of the rule; `bad*` fixtures exactly the annotated ones.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from infralint.config import Settings
from infralint.engine import Report, lint_paths
from infralint.registry import load

_EXPECT = re.compile(r"#\s*expect:\s*(?P<ids>[A-Z]{2,5}[0-9]{3,4}(?:\s*,\s*[A-Z]{2,5}[0-9]{3,4})*)")


@dataclass(frozen=True)
class FixtureCase:
    rule_id: str
    path: Path  # a file or a folder
    bad: bool

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.path.name}"


def discover(root: Path) -> list[FixtureCase]:
    cases: list[FixtureCase] = []
    for rule_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for entry in sorted(rule_dir.iterdir()):
            if entry.name.startswith(("bad", "good")):
                cases.append(FixtureCase(rule_dir.name, entry, entry.name.startswith("bad")))
    return cases


def files_of(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file())


def expectations(path: Path, base: Path) -> Counter[tuple[str, int, str]]:
    """(path relative to `base`, line, rule id) for every `# expect:` annotation."""
    out: Counter[tuple[str, int, str]] = Counter()
    for f in files_of(path):
        rel = f.relative_to(base).as_posix()
        lines = f.read_text("utf-8", errors="replace").splitlines()
        pending: list[str] = []
        for n, line in enumerate(lines, start=1):
            m = _EXPECT.search(line)
            stripped = line.strip()
            if m and stripped.startswith("#"):
                pending.extend(i.strip() for i in m.group("ids").split(","))
                continue
            if m:
                for rid in m.group("ids").split(","):
                    out[(rel, n, rid.strip())] += 1
            if pending and stripped and (not stripped.startswith("#") or "infralint:" in stripped):
                for rid in pending:
                    out[(rel, n, rid)] += 1
                pending = []
    return out


def run_case(case: FixtureCase, base: Path) -> tuple[Counter[tuple[str, int, str]], Report]:
    """Lint the fixture with only its rule selected; paths come back relative to `base`."""
    reg = load()
    rule = reg.rules.get(case.rule_id)
    # A rule that judges the ignores themselves needs the rules they name to run too.
    select = [r.id for r in reg.active([], [])] + [case.rule_id] if rule and rule.after_suppression else [case.rule_id]
    settings = Settings(select=select)
    old = os.getcwd()
    os.chdir(base)
    try:
        report = lint_paths([case.path.relative_to(base).as_posix()], settings, reg)
    finally:
        os.chdir(old)
    found: Counter[tuple[str, int, str]] = Counter(
        (f.span.path, f.span.line, f.rule_id) for f in report.findings if f.rule_id == case.rule_id
    )
    return found, report


def explain(case: FixtureCase, base: Path, expected: Counter, found: Counter, report: Report) -> str:
    lines = [f"fixture {case.path.relative_to(base)}"]
    for key in sorted(set(expected) | set(found)):
        e, f = expected.get(key, 0), found.get(key, 0)
        if e != f:
            lines.append(f"  {key[0]}:{key[1]} {key[2]}: expected {e}, found {f}")
    for f in report.findings:
        lines.append(f"  reported {f.span.path}:{f.span.line}:{f.span.column} {f.rule_id} {f.message}")
    for p in report.skipped:
        lines.append(f"  skipped {p}")
    return "\n".join(lines)
