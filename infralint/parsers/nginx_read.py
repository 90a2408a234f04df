"""One nginx file on its own: crossplane's parse turned into `Directive`s with columns, plus the
file's own syntax errors. Includes are left in place here; nginx_include inlines them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infralint.model.nginx import Directive
from infralint.model.span import Span

# Real configs nest a handful of levels; this keeps recursion far from Python's limit.
MAX_BLOCK_DEPTH = 100

# Blocks whose children are table entries (map keys, MIME types), not directives.
_ENTRY_BLOCKS = frozenset({"map", "geo", "types", "split_clients", "charset_map", "match"})
# `listen` flags that are also directive names, so a line starting with one is no evidence.
_ARG_WORDS = frozenset({"ssl", "proxy_protocol", "http2", "http3", "quic", "spdy"})


@dataclass(frozen=True)
class FileParse:
    """A file's directives (includes not inlined) and its own errors as (line, message)."""

    path: str
    directives: tuple[Directive, ...]
    errors: tuple[tuple[int, str], ...]


def cached(real: Path, display: str, cache: dict) -> FileParse | None:
    hit = cache.get(("infralint.nginx", str(real), display))
    return hit if isinstance(hit, FileParse) else None


def read_file(real: Path, text: str, display: str, cache: dict) -> FileParse:
    """Parse `real` once per scan: a snippet included from many servers is read a single time."""
    hit = cached(real, display, cache)
    if hit is not None:
        return hit
    result = _read(real, text, display)
    cache[("infralint.nginx", str(real), display)] = result
    return result


def _read(real: Path, text: str, display: str) -> FileParse:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    try:
        import crossplane

        payload = crossplane.parse(str(real), single=True, check_ctx=False, check_args=False,
                                   comments=False, catch_errors=True)
    except Exception as exc:  # a crossplane bug must cost one file, not the scan
        return FileParse(display, (), ((1, f"could not be parsed ({type(exc).__name__})"),))
    config = (payload.get("config") or [{}])[0]
    errors: list[tuple[int, str]] = []
    for err in payload.get("errors") or ():
        if err.get("file") == str(real):
            errors.append(_clean_error(err, real, display, len(lines)))
    parsed = config.get("parsed") or []
    if not parsed and errors and _has_content(lines):
        # Unbalanced braces make crossplane drop the whole file. Lint what can be read: the
        # errors above still report the first problem's line.
        parsed = _parse_repaired(real, text)
    unterminated, closed_by_brace = _missing_semicolons(real)
    if closed_by_brace and parsed:
        # `location / { proxy_pass http://app }`: crossplane lets the `}` end the statement, so
        # the block stays open and swallows what follows (the next server). Read it as nginx's
        # error message suggests, with the `;` put back.
        parsed = _reparse(real, _semicolons_before_braces(text, closed_by_brace)) or parsed
    depth_hit: list[int] = []
    directives = _convert(parsed, lines, display, {}, 0, depth_hit)
    if depth_hit:
        errors.append((depth_hit[0], f"blocks nested more than {MAX_BLOCK_DEPTH} levels deep; the inner ones were not read"))
    errors.extend(unterminated)
    if not directives and _has_content(lines):
        if errors:
            line, msg = errors[0]
            errors[0] = (line, f"{msg}; the file could not be parsed")
        else:
            errors.append((1, "could not be parsed"))
    return FileParse(display, directives, tuple(dict.fromkeys(errors)))


def _parse_repaired(real: Path, text: str) -> list[dict[str, Any]]:
    """crossplane's tree of `text` with stray `}` lines blanked and open blocks closed at the end
    of the file (line numbers unchanged); [] when that does not help."""
    from infralint.parsers.nginx_lex import tokens

    depth = 0
    stray: set[int] = set()
    try:
        for tok, line, quoted in tokens(text):
            if quoted:
                continue
            if tok == "{":
                depth += 1
            elif tok == "}":
                if depth == 0:
                    stray.add(line)
                else:
                    depth -= 1
    except Exception:
        return []
    if not stray and depth == 0:
        return []
    lines = text.split("\n")
    for line in stray:
        if 0 < line <= len(lines):
            lines[line - 1] = ""
    return _reparse(real, "\n".join(lines) + "\n}" * min(depth, MAX_BLOCK_DEPTH))


def _semicolons_before_braces(text: str, lines_at: list[int]) -> str:
    """`;` put in front of the `}` on each given line (only where the line holds a single `}`,
    so it is surely the one that ended the statement); line numbers unchanged."""
    lines = text.split("\n")
    for line in lines_at:
        if 0 < line <= len(lines) and lines[line - 1].count("}") == 1:
            lines[line - 1] = lines[line - 1].replace("}", ";}")
    return "\n".join(lines)


def _reparse(real: Path, fixed: str) -> list[dict[str, Any]]:
    """crossplane's tree of a repaired copy of `real` (same name, in a private folder)."""
    import tempfile

    import crossplane

    with tempfile.TemporaryDirectory(prefix="infralint-") as tmp:
        copy = Path(tmp) / real.name
        copy.write_text(fixed, encoding="utf-8")
        try:
            payload = crossplane.parse(str(copy), single=True, check_ctx=False, check_args=False,
                                       comments=False, catch_errors=True)
        except Exception:
            return []
    return (payload.get("config") or [{}])[0].get("parsed") or []


def _clean_error(err: dict[str, Any], real: Path, display: str, nlines: int) -> tuple[int, str]:
    """crossplane's message without the absolute path it appends (findings never name one)."""
    line = err.get("line") or 1
    msg = str(err.get("error") or "")
    msg = re.sub(r"\s+in\s+" + re.escape(str(real)) + r"(:\d+)?$", "", msg)
    msg = msg.replace(str(real), display)
    if msg.startswith("[Errno"):
        msg = re.sub(r"'/[^']*'", "''", msg)
    if not msg:
        # A statement cut off by the end of the file surfaces as an empty StopIteration.
        return (max(1, nlines), 'unexpected end of file, expecting ";" or "}"')
    return (line, msg)


def _convert(items: list[dict[str, Any]], lines: list[str], path: str, cursor: dict[int, int],
             depth: int, depth_hit: list[int]) -> tuple[Directive, ...]:
    out: list[Directive] = []
    for item in items:
        name = str(item.get("directive", "")).lstrip("\ufeff")
        line = item.get("line") or 1
        col = _column(lines, line, name, cursor)
        block: tuple[Directive, ...] | None = None
        if "block" in item:
            if depth >= MAX_BLOCK_DEPTH:
                depth_hit.append(line)
                block = ()
            else:
                block = _convert(item["block"] or [], lines, path, cursor, depth + 1, depth_hit)
        end = block[-1].span.end_line if block else line
        args = tuple(str(a) for a in item.get("args") or ())
        out.append(Directive(name, args, Span(path, line, col, end), block))
    return tuple(out)


def _column(lines: list[str], line: int, name: str, cursor: dict[int, int]) -> int:
    """1-based column of `name` on its line; `cursor` moves past earlier directives of that line
    so `location / { return 200; }` places `return` after `location`."""
    if not 0 < line <= len(lines) or not name:
        return 1
    text = lines[line - 1]
    indent = len(text) - len(text.lstrip())
    start = max(indent, cursor.get(line, 0))
    found = re.compile(r"(?<![^\s;{}])" + re.escape(name) + r"(?=[\s;{]|$)").search(text, start)
    idx = found.start() if found else text.find(name, start)
    if idx < 0:
        return indent + 1
    cursor[line] = idx + len(name)
    return idx + 1


def _has_content(lines: list[str]) -> bool:
    return any(ln.strip() and not ln.lstrip().startswith("#") for ln in lines)


def _missing_semicolons(real: Path) -> tuple[list[tuple[int, str]], list[int]]:
    """Statements missing their `;`, and the lines of the `}` that ended such a statement.
    crossplane (with argument checks off) silently folds the next directive into the arguments,
    or lets the `}` end the statement and mis-nest the rest."""
    try:
        from crossplane.analyzer import DIRECTIVES
    except ImportError:
        return [], []
    from infralint.parsers.nginx_lex import balanced, read_like_crossplane, tokens

    out: list[tuple[int, str]] = []
    braces: list[int] = []
    kinds: list[str] = []  # per open block: "directives", "entries" or "lua"
    name: str | None = None
    name_line = prev_line = 0
    reported = False
    try:
        # The same tokens crossplane's `lex(path)` gives, brace check included, without its
        # character-at-a-time cost (comments are already left out).
        for tok, line, quoted in balanced(tokens(read_like_crossplane(str(real)))):
            bare = not quoted
            inner = kinds[-1] if kinds else "directives"
            if name is None:
                if bare and tok == "}" and kinds:
                    kinds.pop()
                elif not (bare and tok in ("{", ";", "}")):
                    name, name_line, prev_line, reported = tok, line, line, False
                continue
            if bare and tok in (";", "{", "}"):
                if tok == "{":
                    kinds.append(_block_kind(name, inner))
                elif tok == "}":
                    if not reported and inner != "lua":
                        out.append((name_line, f'directive "{name}" is not terminated by ";"'))
                        braces.append(line)
                    if kinds:
                        kinds.pop()
                name = None
                continue
            if (bare and line > prev_line and not reported and inner == "directives"
                    and name != "listen" and tok in DIRECTIVES and tok not in _ARG_WORDS):
                out.append((name_line, f'directive "{name}" is not terminated by ";" '
                                       f'(the next line\'s "{tok}" became one of its arguments)'))
                reported = True
            prev_line = line
    except Exception:  # brace errors (or an unreadable file): crossplane has already reported them
        return out, braces
    if name is not None and not reported and not (kinds and kinds[-1] == "lua"):
        out.append((name_line, f'directive "{name}" is not terminated by ";"'))
    return out, braces


def _block_kind(name: str, outer: str) -> str:
    if outer == "lua" or name.endswith("_lua_block") or name.endswith("_by_lua"):
        return "lua"
    if outer == "entries" or name in _ENTRY_BLOCKS:
        return "entries"
    return "directives"
