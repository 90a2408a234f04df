"""`-f json`: one object with stable keys (CONTRACT.md)."""
from __future__ import annotations

from collections import Counter
from typing import Iterator

from infralint import __version__
from infralint.engine import Report
from infralint.output.stream import dump_chunks, placeholder
from infralint.rule import SEVERITIES, Finding


def finding_dict(f: Finding) -> dict:
    s = f.span
    return {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "severity": f.severity,
        "message": f.message,
        "path": s.path,
        "line": s.line,
        "column": s.column,
        "end_line": s.end_line,
        "end_column": s.end_column,
        "format": f.format,
        "object": f.object,
        "suppressed": f.suppressed,
        "suppression": f.suppression,
        "fingerprint": f.fingerprint,
    }


def render(report: Report) -> str:
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The report in pieces, findings one at a time (see `stream`)."""
    active = [f for f in report.findings if not f.suppressed]
    counts = Counter(f.severity for f in active)
    doc = {
        "version": 1,
        "tool": {"name": "infralint", "version": __version__},
        "findings": placeholder(),
        "files": {
            "scanned": report.scanned,
            "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
        },
        "summary": {
            "findings": len(active),
            "by_severity": {s: counts[s] for s in SEVERITIES if counts[s]},
        },
    }
    return dump_chunks(doc, (finding_dict(f) for f in report.findings))
