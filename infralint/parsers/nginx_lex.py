"""nginx tokens as crossplane's lexer yields them, an order of magnitude faster.

crossplane reads a config one character at a time through three stacked generators; on a
corpus run that is most of the nginx cost, and the sniff and the semicolon check each lexed
every file once more on top of `crossplane.parse`. This lexer jumps over whole runs with
regular expressions but reproduces crossplane's token semantics exactly, quirks included:

- `\\x` pairs a backslash with the next character everywhere (a lone backslash at the end
  stops the lexer);
- `#` starts a comment only at the start of a token; comments are dropped here (the only
  callers skip them anyway);
- `"`/`'` start a quoted token only at the start of a token, `\\"` inside becomes `"`, other
  escapes are kept as written; inside a word a quote is an ordinary character;
- `;` `{` `}` are tokens of their own;
- `${` inside a word swallows characters up to the `}` (or a whitespace character, which is
  then kept in the word);
- whatever is cut off by the end of the text (a last word, an unclosed quote) is dropped.

Lines count every newline, escaped or not. Files using the Lua block extension, which crossplane
lexes with a plugin of its own, go through crossplane itself.
"""
from __future__ import annotations

import re
from typing import Iterator

Token = tuple[str, int, bool]  # (text, line, quoted)

_WS = re.compile(r"\s+")
# Units a word goes on with: escape pairs, or anything but whitespace, `{};` and a backslash.
# Written as "unrolled loops" (plain run, then escape + plain run, ...): linear, and no
# per-character match state on long words, even when the match fails.
_WORD = re.compile(r"[^\s{};\\]*(?:\\.[^\s{};\\]*)*", re.DOTALL)
# Inside `${`: everything up to and including a unit ending in `}`, or up to whitespace.
_DOLLAR = re.compile(r"(?:\\[^}]|[^\s}\\])*(\\}|})?")
_QUOTED = {q: re.compile(r"[^\\%s]*(?:\\.[^\\%s]*)*%s" % (q, q, q), re.DOTALL) for q in ("'", '"')}
_SPECIAL = frozenset("{};")
_LUA_MARK = "_by_lua_block"


class _End(Exception):
    """The text ran out where crossplane's lexer silently stops."""


def tokens(text: str) -> Iterator[Token]:
    """(token, line, quoted) for each token, comments left out, as crossplane's lexer gives them."""
    if _LUA_MARK in text:
        yield from _crossplane_tokens(text)
        return
    yield from _lex(text)


def _crossplane_tokens(text: str) -> Iterator[Token]:
    import io

    from crossplane.lexer import _lex_file_object

    for tok, line, quoted in _lex_file_object(io.StringIO(text)):
        if quoted or not tok.startswith("#"):
            yield tok, line, quoted


class _LineCounter:
    """Line of a position, counting forward from the last one asked (tokens come in order):
    counting from the start of the file for every token made big files quadratic."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def __call__(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _lex(text: str) -> Iterator[Token]:
    n = len(text)
    pos = 0
    line_at = _LineCounter(text)
    while True:
        m = _WS.match(text, pos)
        if m:
            pos = m.end()
        if pos >= n:
            return
        c = text[pos]
        if c == "#":
            nl = text.find("\n", pos)
            if nl < 0:
                return
            pos = nl + 1
            continue
        if c in _SPECIAL:
            yield c, line_at(pos), False
            pos += 1
            continue
        if c == '"' or c == "'":
            line = line_at(pos)
            m = _QUOTED[c].match(text, pos + 1)
            if m is None:
                return  # unclosed quote (or a lone backslash at the end)
            pos = m.end()
            body = text[m.start():pos - 1]
            if "\\" in body:
                body = body.replace("\\" + c, c)
            yield body, line, True
            continue
        try:
            word, pos, line, after = _word(text, pos, n, line_at)
        except _End:
            return
        yield word, line, False
        if after is not None:
            yield after, line_at(pos - 1), False


def _word(text: str, start: int, n: int, line_at: _LineCounter) -> tuple[str, int, int, str | None]:
    """A bare word from `start`: (word, position after it, its line, the `{};` that ended it)."""
    first = 2 if text[start] == "\\" else 1
    if start + first > n:
        raise _End
    line = line_at(start + first)
    parts: list[str] = []
    pos = start
    while True:
        m = _WORD.match(text, pos)
        if m.end() > pos:
            parts.append(m.group())
            pos = m.end()
        if pos >= n or text[pos] == "\\":  # the end, or a backslash with nothing after it
            raise _End
        c = text[pos]
        if c == "{" and parts[-1][-1] == "$":
            pos = _dollar(text, pos, n, parts)
            if pos < 0:
                return "".join(parts), -pos, line, text[-pos - 1]
            continue
        if c in _SPECIAL:
            return "".join(parts), pos + 1, line, c
        return "".join(parts), pos, line, None  # whitespace


def _dollar(text: str, pos: int, n: int, parts: list[str]) -> int:
    """crossplane's `${...}` loop from the `{` at `pos`, then the one unit it lets through.
    Returns the position to go on from, or minus the position after a `{};` that ends the word."""
    parts.append("{")
    m = _DOLLAR.match(text, pos + 1)
    parts.append(m.group())
    pos = m.end()
    if pos >= n:
        raise _End
    unit = text[pos:pos + 2] if text[pos] == "\\" else text[pos]
    if unit == "\\":
        raise _End
    if unit in _SPECIAL:
        return -(pos + 1)
    # A quote, or even the whitespace that stopped the loop, becomes part of the word.
    parts.append(unit)
    return pos + len(unit)


def balanced(toks: Iterator[Token]) -> Iterator[Token]:
    """crossplane's `lex()` check: stop with BraceError at a `}` too many, or at the end while
    a block is still open."""
    depth = 0
    for tok, line, quoted in toks:
        if not quoted and tok == "}":
            depth -= 1
            if depth < 0:
                raise BraceError(line)
        elif not quoted and tok == "{":
            depth += 1
        yield tok, line, quoted
    if depth > 0:
        raise BraceError(0)


class BraceError(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def read_like_crossplane(path: str) -> str:
    """The text crossplane's `lex(filename)` sees: UTF-8 with replacement, universal newlines."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()
