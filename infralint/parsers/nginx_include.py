"""Inlining nginx `include`s: each included directive keeps its own file's path and line.

Relative patterns resolve against the main config's directory, as nginx does (not against the
including file's). Nothing outside the scanned root is read; such includes are recorded, not errors.
"""
from __future__ import annotations

import glob
import re
from pathlib import Path

from infralint.model.common import Problem
from infralint.model.nginx import Directive
from infralint.model.span import Span
from infralint.parsers.nginx_read import cached, read_file
from infralint.parsers.source import Source

# Hostile input (a snippet included by every one of thousands of includes) must stay bounded.
MAX_DIRECTIVES = 200_000
MAX_INCLUDE_DEPTH = 32
_MAGIC = re.compile(r"[*?[]")


class Expander:
    """Inlines the includes of one document's tree; collects what it could not read."""

    def __init__(self, src: Source, bases: list[Path]) -> None:
        self.src = src
        self.bases = bases
        self.count = 0
        self.unread: list[tuple[str, Span]] = []
        self.included: list[str] = []
        self._seen: set[str] = set()
        self.problems: list[Problem] = []
        # The active include chain (real paths): a loop is a file already on it.
        self.chain: list[str] = [str(src.real)]
        # The include written in the document's own file that the current expansion started from.
        self.origin: Span | None = None
        # Resolution depends only on the pattern (the bases are fixed per document): a snippet
        # included from a thousand servers costs one glob and one parse.
        self._resolved: dict[str, tuple[list[Path], bool]] = {}
        self._files: dict[Path, tuple[Directive, ...] | None] = {}
        self._stopped = False

    def expand(self, items: tuple[Directive, ...]) -> tuple[Directive, ...]:
        out: list[Directive] = []
        for d in items:
            if d.name == "include" and d.block is None and len(d.args) == 1:
                if len(self.chain) == 1:
                    self.origin = d.span
                self.count += 1  # includes of empty files must count too, or nesting is unbounded
                out.extend(self._include(d))
                continue
            if d.block:
                block = self.expand(d.block)
                if len(block) != len(d.block) or any(a is not b for a, b in zip(block, d.block)):
                    d = Directive(d.name, d.args, d.span, block)
            self.count += 1
            out.append(d)
        return tuple(out)

    def _include(self, d: Directive) -> list[Directive]:
        out: list[Directive] = []
        for real in self._resolve(d.args[0], d.span):
            key = str(real)
            if key in self.chain:
                self._loop(d, real)
                continue
            if self._stopped or self.count >= MAX_DIRECTIVES or len(self.chain) > MAX_INCLUDE_DEPTH:
                if not self._stopped:
                    self._report(d, f"includes nest deeper than {MAX_INCLUDE_DEPTH} files or expand to "
                                    f"over {MAX_DIRECTIVES} directives; the rest were not read")
                self._stopped = True
                break
            if real not in self._files:
                self._files[real] = self._parse(real)
            parsed = self._files[real]
            if parsed is None:
                self.unread.append((d.args[0], d.span))
                continue
            if key not in self._seen:
                self._seen.add(key)
                self.included.append(key)
            self.chain.append(key)
            try:
                out.extend(self.expand(parsed))
            finally:
                self.chain.pop()
        return out

    def _parse(self, real: Path) -> tuple[Directive, ...] | None:
        display = self.src.display(real)
        hit = cached(real, display, self.src.cache)
        if hit is not None:
            return hit.directives
        text = self.src.read(real)  # None outside the root, unreadable or undecodable
        if text is None:
            return None
        return read_file(real, text, display, self.src.cache).directives

    def _resolve(self, pattern: str, span: Span) -> list[Path]:
        """Real paths the pattern names inside the root, sorted; records it when it reaches outside."""
        if pattern not in self._resolved:
            self._resolved[pattern] = self._lookup(pattern)
        files, unread = self._resolved[pattern]
        if unread:
            self.unread.append((pattern, span))
        return files

    def _lookup(self, pattern: str) -> tuple[list[Path], bool]:
        try:
            as_path = Path(pattern)
            candidates = [as_path] if as_path.is_absolute() else [b / as_path for b in self.bases]
            magic = bool(_MAGIC.search(pattern))
            outside = False
            for cand in candidates:
                files, escaped = self._glob(cand) if magic else self._literal(cand)
                outside = outside or escaped
                if files:
                    return files, escaped
        except (OSError, ValueError, RuntimeError):  # NUL bytes, long names, symlink loops
            return [], True
        # A glob that matches nothing inside the root is fine (nginx accepts it too).
        return [], outside or not magic

    def _literal(self, cand: Path) -> tuple[list[Path], bool]:
        real = cand.resolve()
        if not self.src.inside_root(real):
            return [], True
        return ([real] if real.is_file() else []), False

    def _glob(self, cand: Path) -> tuple[list[Path], bool]:
        fixed = _fixed_prefix(cand.parts)
        # `..` after a wildcard could walk directories outside the root while globbing.
        if ".." in cand.parts[len(fixed):] or not self.src.inside_root(Path(*fixed)):
            return [], True
        files: list[Path] = []
        escaped = False
        for match in sorted(glob.glob(str(cand))):
            real = Path(match).resolve()
            if not self.src.inside_root(real):
                escaped = True
            elif real.is_file():
                files.append(real)
        return files, escaped

    def _loop(self, d: Directive, real: Path) -> None:
        """A loop is reported by the document it passes through, at that file's own include."""
        if str(real) == self.chain[0] or d.span.path == self.src.path:
            self._report(d, f'include loop: "{self.src.display(real)}" is included again '
                            f"from {d.span.path}:{d.span.line}")

    def _report(self, d: Directive, message: str) -> None:
        span = d.span if d.span.path == self.src.path else (self.origin or d.span)
        problem = Problem("parse-error", message, span)
        if problem not in self.problems:
            self.problems.append(problem)


def _fixed_prefix(parts: tuple[str, ...]) -> list[str]:
    """The directory part of a glob before its first wildcard."""
    out: list[str] = []
    for part in parts[:-1]:
        if _MAGIC.search(part):
            break
        out.append(part)
    return out
