"""`.dockerignore` matching with Docker's own semantics (moby/patternmatcher, as BuildKit uses it).

What Docker does, and so what this module does:

- each line is trimmed; `#` starts a comment only at the very start of a line; a leading `!`
  makes the pattern an exception (it re-includes what earlier patterns excluded);
- the pattern is cleaned like Go's `filepath.Clean` (`./a//b/` -> `a/b`) and a leading `/` is
  dropped: patterns are always relative to the context root;
- `*` and `?` never cross a `/`; `**` matches any number of folders (zero included); `[...]`
  classes and `\\` escapes work as in Go's `filepath.Match`;
- a path is excluded when the last pattern that matches it, or one of its parent folders,
  is not an exception.

Unlike `.gitignore`, a pattern without a `/` is *not* matched at every depth: `*.pem` only
excludes `server.pem` at the root of the context, never `certs/server.pem`.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str  # as written in the file, `!` included
    cleaned: str  # what Docker matches against
    exclusion: bool  # a `!` exception
    kind: str  # "exact", "prefix", "suffix" or "regex" (patternmatcher's match types)
    regex: re.Pattern[str] | None


def compile_patterns(lines: Iterable[str]) -> list[Pattern]:
    """Patterns as written in a `.dockerignore` (comments and blank lines may still be in)."""
    out: list[Pattern] = []
    for raw in lines:
        if raw.startswith("#"):
            continue
        text = raw.strip()
        if not text:
            continue
        exclusion = text.startswith("!")
        body = text[1:].strip() if exclusion else text
        if not body:
            continue
        cleaned = _clean(body)
        if len(cleaned) > 1 and cleaned.startswith("/"):
            cleaned = cleaned[1:]
        kind, regex = _compile(cleaned)
        out.append(Pattern(text, cleaned, exclusion, kind, regex))
    return out


def is_excluded(path: str, patterns: list[Pattern]) -> bool:
    """Whether Docker leaves `path` (relative to the context, `/`-separated) out of the build
    context: patternmatcher's `MatchesOrParentMatches`."""
    path = _clean(path).lstrip("/")
    parent = posixpath.dirname(path)
    parents = parent.split("/") if parent else []
    matched = False
    for pattern in patterns:
        # An exception can only change a path that is excluded so far, and the other way round.
        if pattern.exclusion != matched:
            continue
        hit = _matches(pattern, path)
        if not hit:
            # A pattern that matches a parent folder covers everything inside it.
            hit = any(_matches(pattern, "/".join(parents[: i + 1])) for i in range(len(parents)))
        if hit:
            matched = not pattern.exclusion
    return matched


def _matches(pattern: Pattern, path: str) -> bool:
    if pattern.kind == "exact":
        return path == pattern.cleaned
    if pattern.kind == "prefix":
        # `dir/**`: everything under `dir/`
        return path.startswith(pattern.cleaned[:-2])
    if pattern.kind == "suffix":
        suffix = pattern.cleaned[2:]  # without the leading `**`
        if path.endswith(suffix):
            return True
        return suffix.startswith("/") and path == suffix[1:]  # `**/foo` matches `foo`
    assert pattern.regex is not None
    return pattern.regex.match(path) is not None


def _compile(pattern: str) -> tuple[str, re.Pattern[str] | None]:
    """patternmatcher's `compile`: the match type, and the regex when one is needed."""
    out = ["^"]
    kind = "exact"
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        start = i
        if ch == "*" and i + 1 < n and pattern[i + 1] == "*":
            i += 1
            if i + 1 < n and pattern[i + 1] == "/":
                i += 1  # `**/` is read as `**`
            if i + 1 >= n:
                # A trailing `**` matches everything below, as in .gitignore.
                if kind == "exact":
                    kind = "prefix"
                else:
                    out.append(".*")
                    kind = "regex"
            else:
                out.append("(.*/)?")
                kind = "regex"
            if start == 0:
                kind = "suffix"  # may still turn into "regex" below, as in patternmatcher
        elif ch == "*":
            out.append("[^/]*")
            kind = "regex"
        elif ch == "?":
            out.append("[^/]")
            kind = "regex"
        elif ch in _GO_ESCAPED:
            out.append("\\" + ch)
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(re.escape(pattern[i]))  # the escaped character, literally
            else:
                out.append("\\\\")
        elif ch in "[]":
            out.append(ch)
            kind = "regex"
        else:
            out.append(ch)
        i += 1
    if kind != "regex":
        return kind, None
    out.append("$")
    try:
        return kind, re.compile("".join(out), re.DOTALL)
    except re.error:
        # Docker refuses a malformed pattern (`[a-`) with an error: the build would not even run.
        return "exact", None


# The regex characters patternmatcher escapes; the rest go into the regex as they are, so that
# `[a-z]` and `[^x]` classes keep working.
_GO_ESCAPED = frozenset(".+()|{}$")


def _clean(path: str) -> str:
    """Go's `filepath.Clean` for `/`-separated paths."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    # posixpath keeps a leading `//`; Go collapses it.
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned
