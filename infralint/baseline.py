"""Baselines: adopt infralint on an existing repository without drowning in old findings.

`--write-baseline FILE` records today's findings by fingerprint (stable when lines move);
`--baseline FILE` reports those findings as baselined, and they do not fail the run. A fixed
finding simply stops matching.
"""
from __future__ import annotations

import json
from pathlib import Path

from infralint import __version__
from infralint.rule import Finding


class BaselineError(Exception):
    pass


def write(path: Path, findings: list[Finding]) -> int:
    entries = [
        {"fingerprint": f.fingerprint, "rule_id": f.rule_id, "path": f.span.path, "message": f.message}
        for f in findings if not f.suppressed
    ]
    doc = {"version": 1, "tool": {"name": "infralint", "version": __version__}, "findings": entries}
    tmp = path.with_name(path.name + ".infralint-tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return len(entries)


def load(path: Path) -> set[str]:
    try:
        doc = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a baseline file (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{path}: not a baseline file (no 'findings' list)")
    prints = set()
    for entry in doc["findings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{path}: baseline entry without a 'fingerprint'")
        prints.add(entry["fingerprint"])
    return prints


def apply(findings: list[Finding], prints: set[str], path: Path) -> None:
    for f in findings:
        if not f.suppressed and f.fingerprint in prints:
            f.suppressed = True
            f.suppression = {"kind": "baseline", "reason": f"recorded in {path.name}"}
