"""Fingerprints: a finding's identity across unrelated edits (baselines and code scanning match on it)."""
from __future__ import annotations

from typing import Any

from infralint.decode import split_lines
from infralint.mask import mask_line
from infralint.rule import Finding


def assign(findings: list[Finding], texts: dict[str, str]) -> None:
    """Set every finding's fingerprint; `findings` are sorted by path. Findings that would share
    one (the same text flagged twice in a file) are told apart by their order."""
    counts: dict[str, int] = {}
    path, lines = None, []  # each file is split once, one at a time
    for f in findings:
        if f.span.path != path:
            path = f.span.path
            lines = split_lines(texts.get(path, ""))
        base = _fingerprint(f, lines)
        n = counts.get(base, 0)
        counts[base] = n + 1
        f.fingerprint = base if n == 0 else _sha256(f"{base}:{n}".encode()).hexdigest()[:32]


def fingerprint(f: Finding, text: str) -> str:
    """Stable across unrelated edits: rule, path, object and the offending text, not the line number."""
    return _fingerprint(f, split_lines(text))


def _fingerprint(f: Finding, lines: list[str]) -> str:
    line = lines[f.span.line - 1].strip() if 0 < f.span.line <= len(lines) else ""
    # Hashed as the text output shows it, secrets masked: a hash of the plain line would let
    # anyone holding a report or a baseline confirm a guessed secret offline.
    line = mask_line(line, [f.secret] if f.secret else [])
    raw = "\x1f".join((f.rule_id, f.span.path, f.object, f.key, " ".join(line.split())))
    return _sha256(raw.encode("utf-8")).hexdigest()[:32]


def _sha256(data: bytes) -> Any:  # a hash object
    """SHA-256 without `import hashlib`: loading OpenSSL for it is 2-3 ms of a single-file run.
    CPython's own implementation gives the same digest; hashlib is the fallback elsewhere."""
    global _SHA256
    if _SHA256 is None:
        try:
            from _sha2 import sha256 as impl  # CPython >= 3.12
        except ImportError:
            try:
                from _sha256 import sha256 as impl  # CPython <= 3.11
            except ImportError:
                from hashlib import sha256 as impl
        _SHA256 = impl
    return _SHA256(data)


_SHA256 = None
