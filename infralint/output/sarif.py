"""`-f sarif`: SARIF 2.1.0 shaped for GitHub code scanning (one run, rules with help, relative URIs)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from infralint import DOCS_URL, HOMEPAGE, __version__
from infralint.engine import Report
from infralint.output.stream import dump_chunks, placeholder
from infralint.rule import Finding, Rule

LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def rule_descriptor(r: Rule) -> dict:
    what = r.section("What it does") or r.summary
    fmts = sorted(r.formats)
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.summary[:1024]},
        "fullDescription": {"text": " ".join(what.split())[:1024]},
        "help": {"text": r.doc[:20000], "markdown": r.doc[:20000]},
        "helpUri": f"{DOCS_URL}{r.id}.md",
        "defaultConfiguration": {"level": LEVEL[r.severity]},
        "properties": {
            "tags": ["security", "infrastructure"] + fmts,
            "security-severity": SECURITY_SEVERITY[r.severity],
            "precision": "high",
        },
    }


def _result(f: Finding, index: dict[str, int], root: Path) -> dict:
    s = f.span
    region = {"startLine": max(1, s.line), "startColumn": max(1, s.column)}
    if s.end_line >= s.line:
        region["endLine"] = s.end_line
        if s.end_column > 0 and (s.end_line > s.line or s.end_column >= s.column):
            region["endColumn"] = max(1, s.end_column)
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": LEVEL.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(s.path, root), "uriBaseId": "%SRCROOT%"},
                "region": region,
            }
        }],
        "partialFingerprints": {"primaryLocationLineHash": f"{f.fingerprint[:16]}:1"},
        "properties": {"severity": f.severity, "format": f.format},
    }
    if f.suppressed and f.suppression:
        result["suppressions"] = [{
            "kind": "external" if f.suppression.get("kind") == "baseline" else "inSource",
            "justification": f.suppression.get("reason") or "",
        }]
    return result


def render(report: Report, show_suppressed: bool = False) -> str:
    return "".join(chunks(report, show_suppressed))


def chunks(report: Report, show_suppressed: bool = False) -> Iterator[str]:
    """The log in pieces, results one at a time (see `stream`)."""
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    known = {r.id for r in rules}
    # IL001 and friends may fire even when deselected rules are listed; keep the driver complete.
    from infralint import registry

    reg = registry.load()
    for f in report.findings:
        if f.rule_id not in known and f.rule_id in reg.rules:
            rules.append(reg.rules[f.rule_id])
            known.add(f.rule_id)
    rules.sort(key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    shown = [f for f in report.findings if show_suppressed or not f.suppressed]
    root = _source_root({f.span.path for f in shown})
    results = (_result(f, index, root) for f in shown)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "infralint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOMEPAGE,
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "automationDetails": {"id": "infralint/"},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}},
            "results": placeholder(),
        }],
    }
    return dump_chunks(log, results)


def _source_root(paths: set[str]) -> Path:
    """%SRCROOT%: the current folder when every reported file is inside it (in CI, the checkout);
    else the deepest folder holding them all, so that every URI stays relative to it (a scan of
    `/tmp/x` from elsewhere, or of `../other`)."""
    cwd = Path(os.path.abspath("."))
    absolute = [os.path.abspath(p) for p in paths]
    if all(_inside(a, cwd) for a in absolute):
        return cwd
    return Path(os.path.commonpath([os.path.dirname(a) for a in absolute]))


def _inside(path: str, folder: Path) -> bool:
    return os.path.commonpath([path, str(folder)]) == str(folder)


def _uri(path: str, root: Path) -> str:
    rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    return quote(rel, safe="/-._~")
