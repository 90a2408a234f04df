"""Dockerfile lexing: parser directives, logical lines (continuations, heredocs), shell-like words.

Written by hand instead of using dockerfile-parse, which gets comments inside continuations, the
escape directive and heredocs wrong. Behaviour follows BuildKit's parser
(moby/buildkit frontend/dockerfile/parser), with one deliberate difference: continuation lines are
joined with a single space (BuildKit glues them with no separator).

Everything here is linear in the input size: no regex is applied to a whole line except the anchored
directive pattern, which cannot backtrack.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# BuildKit's directive pattern, minus the lazy `(.+?)\s*$` tail (quadratic on runs of blanks).
_DIRECTIVE = re.compile(r"#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=(.*)")
# Only these instructions take heredocs (BuildKit's heredocDirectives).
HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
# A heredoc name ends at a shell operator, so `cat <<EOF>file` still finds the `EOF` terminator.
_NAME_STOPS = frozenset("<>|;&()")


@dataclass(slots=True)
class Heredoc:
    name: str
    body: str  # every body line followed by "\n"; tabs stripped for `<<-`
    line: int  # line of the `<<` word
    terminated: bool


@dataclass(slots=True)
class Logical:
    """One instruction's text with its continuation lines joined, and a map back to the file.

    `text` is made of pieces (one per contributing physical line, stripped) joined by one space;
    piece k starts at offset `starts[k]` of `text` and at (`lines[k]`, `cols[k]`) in the file.
    """

    text: str
    starts: list[int]
    lines: list[int]
    cols: list[int]
    end_line: int
    end_column: int  # exclusive: one past the last character of the last line
    heredocs: list[Heredoc] = field(default_factory=list)

    def pos(self, offset: int) -> tuple[int, int]:
        """(line, column) of `text[offset]`."""
        k = max(bisect_right(self.starts, offset) - 1, 0)
        return self.lines[k], self.cols[k] + offset - self.starts[k]

    def end_pos(self, end: int) -> tuple[int, int]:
        """(line, exclusive column) just after `text[end - 1]`."""
        line, col = self.pos(max(end - 1, 0))
        return line, col + 1


@dataclass(slots=True)
class Directive:
    name: str  # lower-case: "escape", "syntax", "check"
    value: str
    line: int


@dataclass(slots=True)
class Lexed:
    escape: str = "\\"
    directives: list[Directive] = field(default_factory=list)
    logicals: list[Logical] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)  # (message, line)


def split_lines(text: str) -> list[str]:
    """Physical lines, numbered as Docker and editors number them: split on LF, CR of CRLF dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]  # BuildKit ignores a BOM; editors do not count it as a column
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start another
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def lex(text: str) -> Lexed:
    lines = split_lines(text)
    out = Lexed()
    _read_directives(lines, out)
    i, n = 0, len(lines)
    while i < n:
        stripped = lines[i].lstrip()
        if not stripped or stripped[0] == "#":
            i += 1
            continue
        start = i
        logical, i = _gather(lines, i, out.escape)
        if i >= n and _continues(lines, start, n, out.escape):
            # BuildKit tolerates it, but a file ending mid-instruction was usually cut short.
            out.errors.append((f"the file ends with a line continuation (`{out.escape}`): the last "
                               "instruction may be cut short", n))
        if not logical.text:
            continue  # only escape characters, e.g. a lone `\`
        if "<<" in logical.text and _heredoc_keyword(logical.text) in HEREDOC_KEYWORDS:
            i = _read_heredocs(logical, lines, i, out.escape)
        out.logicals.append(logical)
    return out


def _read_directives(lines: list[str], out: Lexed) -> None:
    # Directives are recognised only in the leading run of `# key=value` comments; the first
    # other line (blank, comment or instruction) ends that run.
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        m = _DIRECTIVE.fullmatch(line.strip())
        value = m.group(2).strip() if m else ""
        if not m or not value:
            return
        name = m.group(1).lower()
        if name in seen:
            out.errors.append((f"only one {name} parser directive can be used", number))
            continue
        seen.add(name)
        out.directives.append(Directive(name, value, number))
        if name == "escape":
            if value in ("\\", "`"):
                out.escape = value
            else:
                out.errors.append((f"invalid escape character {value!r}: must be ` or \\", number))


def _continues(lines: list[str], start: int, n: int, esc: str) -> bool:
    """The last non-blank, non-comment line from `start` on ends with the escape character."""
    for k in range(n - 1, start - 1, -1):
        s = lines[k].strip()
        if s and not s.startswith("#"):
            return s.endswith(esc)
    return False


def _gather(lines: list[str], i: int, esc: str) -> tuple[Logical, int]:
    """Read one instruction starting at line index `i`: follow continuations, skipping the blank
    and comment lines inside them (they neither end nor continue the instruction)."""
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    cols: list[int] = []
    offset = 0
    last = i
    first = True
    n = len(lines)
    while i < n:
        raw = lines[i]
        stripped = raw.lstrip()
        if not first and (not stripped or stripped[0] == "#"):
            i += 1
            continue
        first = False
        body = stripped.rstrip()
        more = body.endswith(esc)
        if more:
            body = body[:-1].rstrip()
        if body:
            if parts:
                offset += 1  # the joining space
            starts.append(offset)
            numbers.append(i + 1)
            cols.append(len(raw) - len(stripped) + 1)
            parts.append(body)
            offset += len(body)
        last = i
        i += 1
        if not more:
            break
    if not parts:
        return Logical("", [0], [last + 1], [1], last + 1, 1), i
    return Logical(" ".join(parts), starts, numbers, cols, last + 1, len(lines[last]) + 1), i


def _heredoc_keyword(text: str) -> str:
    head = text.split(None, 2)
    keyword = head[0].upper()
    if keyword == "ONBUILD" and len(head) > 1:
        return head[1].upper()
    return keyword


def _read_heredocs(logical: Logical, lines: list[str], i: int, esc: str) -> int:
    """Consume the bodies of the heredocs named on `logical`, in order, from line index `i`."""
    text = logical.text
    for start, end in split_words(text, esc):
        spec = heredoc_spec(text[start:end], esc)
        if spec is None:
            continue
        name, chomp = spec
        body: list[str] = []
        terminated = False
        before = i
        while i < len(lines):
            line = lines[i]
            i += 1
            if chomp:
                line = line.lstrip("\t")
            if line == name:
                terminated = True
                break
            body.append(line)
        if i > before:
            logical.end_line = i
            logical.end_column = len(lines[i - 1]) + 1
        doc = "".join(line + "\n" for line in body)
        logical.heredocs.append(Heredoc(name, doc, logical.pos(start)[0], terminated))
    return i


def heredoc_spec(word: str, esc: str) -> tuple[str, bool] | None:
    """`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF` -> (name, strip-tabs), else None. Here-strings
    (`<<<`) and quoted words (`"<<EOF"`) are not heredocs."""
    rest = word.lstrip("0123456789")
    if not rest.startswith("<<"):
        return None
    rest = rest[2:]
    chomp = rest.startswith("-")
    if chomp:
        rest = rest[1:]
    if "<" in rest:
        return None
    name = unquote(rest, esc)[0]
    for k, ch in enumerate(name):
        if ch in _NAME_STOPS:
            name = name[:k]
            break
    return (name, chomp) if name else None


def split_words(text: str, esc: str) -> list[tuple[int, int]]:
    """Quote-aware word boundaries as (start, end) offsets; quotes stay part of the word.

    Blanks inside '...' or "..." do not split; the escape character protects the next character
    (outside quotes and inside double quotes). An unterminated quote runs to the end of the text.
    """
    words: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            break
        start = i
        quote = ""
        while i < n:
            ch = text[i]
            if not quote:
                if ch in " \t":
                    break
                if ch == esc:
                    i += 2
                    continue
                if ch == "'" or ch == '"':
                    quote = ch
            elif ch == quote:
                quote = ""
            elif ch == esc and quote == '"':
                i += 2
                continue
            i += 1
        words.append((start, min(i, n)))
    return words


def unquote(text: str, esc: str) -> tuple[str, str]:
    """Remove shell quoting -> (value, source for `interpolate`).

    The second string differs only where a `$` is literal (single-quoted or escaped): there it is
    written `$$`, which `interpolate` turns back into `$` instead of reading a variable.
    """
    if "'" not in text and '"' not in text and esc not in text:
        return text, text
    out: list[str] = []
    src: list[str] = []
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        literal = False
        if quote == "'":
            if ch == "'":
                quote = ""
                i += 1
                continue
            literal = True
        elif quote == '"':
            if ch == '"':
                quote = ""
                i += 1
                continue
            # Inside double quotes only `"`, `$` and the escape character itself can be escaped.
            if ch == esc and i + 1 < n and text[i + 1] in ('"', "$", esc):
                i += 1
                ch = text[i]
                literal = True
        elif ch == "'" or ch == '"':
            quote = ch
            i += 1
            continue
        elif ch == esc and i + 1 < n:
            i += 1
            ch = text[i]
            literal = True
        out.append(ch)
        src.append("$$" if literal and ch == "$" else ch)
        i += 1
    return "".join(out), "".join(src)
