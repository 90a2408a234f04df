"""The marker language and runner shared by the spec-derived QA suites
(tests/test_spec_cases.py, tests/test_spec_cases_catalogue.py).

Expectations are end-of-line markers in the case's file text, stripped before writing:

    image: nginx:latest          @@IL101
    ports: ...                   @@IL401~a        (one finding expected on one of the lines marked ~a)
    add_header ... ;             @@IL501!low      (and its severity must be "low")
    DB_PASSWORD: changeme        @@IL601%placeholder   (message must contain "placeholder")
    DB_PASSWORD_FILE: /run/...   @@-IL601         (explicit silence: this line must not fire)

A case passes when every expectation is reported and no other unsuppressed finding of the
case's rules appears (in `scope` paths when the case names them). `targets` are the paths given
on the command line (default "."), to exercise the single-file (pre-commit) mode.
"""
from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import run

MARK = re.compile(r"[ \t]+@@(\S+)$")
TOKEN = re.compile(r"^(-)?(IL\d{3})(?:~(\w+))?(?:!(\w+))?(?:%(.+))?$")


@dataclass
class Expect:
    rule: str
    path: str
    lines: set[int]
    severity: str | None = None
    message: str | None = None


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes]
    rules: tuple[str, ...]
    xfail: str | None = None
    args: tuple[str, ...] = ()
    targets: tuple[str, ...] = (".",)
    scope: tuple[str, ...] = ()
    text: dict[str, str | bytes] = field(default_factory=dict)
    expects: list[Expect] = field(default_factory=list)
    silences: list[tuple[str, str, int]] = field(default_factory=list)


def parse(case: Case) -> Case:
    groups: dict[tuple[str, str, str], Expect] = {}
    for path, content in case.files.items():
        if isinstance(content, bytes):
            case.text[path] = content
            continue
        content = textwrap.dedent(content).lstrip("\n")
        out = []
        for no, line in enumerate(content.split("\n"), start=1):
            m = MARK.search(line)
            if m:
                line = line[: m.start()]
                for tok in m.group(1).split(","):
                    t = TOKEN.match(tok)
                    assert t, f"bad marker {tok!r} in {case.id}"
                    neg, rule, grp, sev, msg = t.groups()
                    if neg:
                        case.silences.append((rule, path, no))
                    elif grp:
                        key = (rule, path, grp)
                        if key in groups:
                            groups[key].lines.add(no)
                        else:
                            groups[key] = Expect(rule, path, {no}, sev, msg)
                            case.expects.append(groups[key])
                    else:
                        case.expects.append(Expect(rule, path, {no}, sev, msg))
            out.append(line)
        case.text[path] = "\n".join(out)
    return case


def lint(case: Case, root: Path) -> dict:
    for path, content in case.text.items():
        p = root / path
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    r = run(*case.targets, "-f", "json", "--exit-zero", *case.args)
    assert r.code == 0, r.stdout + r.stderr
    return r.json()


def evaluate(case: Case, doc: dict) -> tuple[list[str], list[str], list[str]]:
    """Return (missing expectations, unexpected findings, broken explicit silences)."""
    found = [f for f in doc["findings"] if f["rule_id"] in case.rules and not f["suppressed"]
             and (not case.scope or f["path"] in case.scope)]
    missing, used = [], set()
    for e in case.expects:
        hits = [i for i, f in enumerate(found)
                if f["rule_id"] == e.rule and f["path"] == e.path and f["line"] in e.lines]
        ok = [i for i in hits
              if (e.severity is None or found[i]["severity"] == e.severity)
              and (e.message is None or e.message.lower() in found[i]["message"].lower())]
        if not ok:
            extra = ""
            if hits:
                extra = f" (found with {[(found[i]['severity'], found[i]['message']) for i in hits]})"
            missing.append(f"{e.rule} {e.path}:{sorted(e.lines)}"
                           f"{' sev=' + e.severity if e.severity else ''}"
                           f"{' msg~' + e.message if e.message else ''}{extra}")
        used.update(hits)
    unexpected = [f"{f['rule_id']} {f['path']}:{f['line']} {f['message']}"
                  for i, f in enumerate(found) if i not in used]
    broken = [f"{r} {p}:{l}" for (r, p, l) in case.silences
              if any(f["rule_id"] == r and f["path"] == p and f["line"] == l for f in found)]
    return missing, unexpected, broken


def apply_xfails(cases: list[Case], xfail: dict[str, str]) -> None:
    """Mark the cases that document a known bug (id -> reason); every id must exist."""
    pending = dict(xfail)
    for case in cases:
        case.xfail = pending.pop(case.id, case.xfail)
    assert not pending, f"unknown case ids in XFAIL: {sorted(pending)}"


def params(cases: list[Case]) -> list:
    """pytest parameters, one per case, known bugs as strict xfails."""
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else [])
            for c in cases]


def check(case: Case, root: Path) -> dict:
    """Lint the case in `root` (the current folder) and assert its expectations; the report."""
    doc = lint(case, root)
    missing, unexpected, broken = evaluate(case, doc)
    assert not (missing or unexpected or broken), json.dumps(
        {"missing": missing, "unexpected": unexpected, "broken_silences": broken}, indent=1)
    return doc
