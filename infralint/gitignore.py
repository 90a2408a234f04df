"""`.gitignore` matching in-process: git itself is never run (it can execute repository config)."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


def _translate(pat: str) -> str:
    """gitignore glob -> regex over a '/'-separated path relative to the .gitignore's folder."""
    anchored = "/" in pat.rstrip("/")
    pat = pat.lstrip("/")
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pat.startswith("/**", i) and i + 3 == len(pat):
            out.append("/.*")
            i += 3
            continue
        if pat.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pat.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pat[i + 1:end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif c == "\\" and i + 1 < len(pat):
            i += 1
            out.append(re.escape(pat[i]))
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    # A match on a folder also covers everything below it.
    return f"^{prefix}{body}(?:/.*)?$"


class IgnoreFile:
    def __init__(self, text: str) -> None:
        self.patterns: list[_Pattern] = []
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            try:
                self.patterns.append(_Pattern(re.compile(_translate(line)), negate, dir_only))
            except re.error:
                continue

    def match(self, rel: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included by a `!` pattern, None: no pattern says anything."""
        verdict: bool | None = None
        for p in self.patterns:
            if p.dir_only and not is_dir:
                # `build/` ignores the folder; files below it are covered when the folder is.
                parts = rel.split("/")
                if not any(p.regex.match("/".join(parts[:k])) for k in range(1, len(parts))):
                    continue
            elif not p.regex.match(rel):
                continue
            verdict = not p.negate
        return verdict
