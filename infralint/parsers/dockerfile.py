"""Dockerfile text -> `Dockerfile` model: instructions, stages with USER/HEALTHCHECK inheritance,
ENV/ARG entries and base images with global ARG defaults resolved.

Never raises for bad input: what cannot be read becomes a `parse-error` Problem on its line, and
everything else is still modelled. Line splitting lives in `dockerfile_lex`.
"""
from __future__ import annotations

import json

import re

from infralint.model.common import EnvVar, HealthCheck, ImageRef, Problem
from infralint.model.dockerfile import Dockerfile, Instruction, Stage, lineage
from infralint.model.span import Span, Spanned
from infralint.parsers.dockerfile_lex import Logical, lex, split_words, unquote
from infralint.parsers.images import make_image
from infralint.parsers.interpolate import Interpolated, interpolate
from infralint.parsers.source import Source

KEYWORDS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
# A file that is not a Dockerfile at all would otherwise yield one problem per line.
MAX_PROBLEMS = 50
MAX_BRACED = 64
# `${NAME...}` or `$NAME`; `[^}]*` cannot backtrack.
_VAR_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def parse_dockerfile(src: Source) -> Dockerfile:
    doc = Dockerfile(path=src.path, format="dockerfile", text=src.text)
    try:
        _Builder(src.path, doc).build(src.text)
    except Exception as exc:  # a parser bug must cost one file's findings, not the whole run
        doc.problems.append(Problem("parse-error", f"internal Dockerfile parser error: {exc!r}", Span(src.path, 1)))
    return doc


class _Builder:
    """Walks the logical lines once, filling `doc` as it goes."""

    def __init__(self, path: str, doc: Dockerfile) -> None:
        self.path = path
        self.doc = doc
        self.esc = "\\"
        # Global ARG defaults, the only variables a FROM line can see (besides BuildKit's
        # TARGETPLATFORM & co., which are unknown here and so leave the image unresolved).
        self.known: dict[str, str] = {}
        self.aliases: dict[str, Stage] = {}

    def problem(self, message: str, line: int, column: int = 1) -> None:
        problems = self.doc.problems
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem("parse-error", message, Span(self.path, line, column)))
        elif len(problems) == MAX_PROBLEMS:
            problems.append(Problem("parse-error", "too many parse errors; the rest are not reported",
                                    Span(self.path, line, column)))

    def span(self, lg: Logical, start: int, end: int) -> Span:
        line, col = lg.pos(start)
        end_line, end_col = lg.end_pos(end)
        return Span(self.path, line, col, end_line, end_col)

    def build(self, text: str) -> None:
        lexed = lex(text)
        self.esc = self.doc.escape = lexed.escape
        for message, line in lexed.errors:
            self.problem(message, line)
        for lg in lexed.logicals:
            self.instruction(lg)
        doc = self.doc
        if doc.instructions and not doc.stages and all(i.keyword == "ARG" for i in doc.instructions):
            first = doc.instructions[0].span
            self.problem("no FROM instruction: a Dockerfile needs at least one build stage", first.line, first.column)

    def instruction(self, lg: Logical) -> None:
        text = lg.text
        words = split_words(text, self.esc)
        kw_start, kw_end = words[0]
        keyword = text[kw_start:kw_end].upper()
        line, col = lg.pos(kw_start)
        if keyword not in KEYWORDS:
            self.problem(f'unknown instruction "{_clip(text[kw_start:kw_end])}"', line, col)
            return
        flags, first_arg = _flags(text, words, self.esc)
        base = words[first_arg][0] if first_arg < len(words) else len(text)
        args = text[base:].strip()
        operands, offsets = _operands(args, text, words[first_arg:], base, self.esc)
        stages = self.doc.stages
        index = len(stages) if keyword == "FROM" else len(stages) - 1
        instr = Instruction(
            keyword=keyword,
            args=args,
            span=Span(self.path, line, col, lg.end_line, lg.end_column),
            flags=tuple(flags),
            heredocs=tuple(h.body for h in lg.heredocs),
            stage_index=index,
            words=operands,
            word_offsets=offsets,
            pieces=tuple((s - base, ln, c) for s, ln, c in zip(lg.starts, lg.lines, lg.cols)),
            body_line=lg.lines[-1] + 1 if lg.lines else 0,
        )
        for h in lg.heredocs:
            if not h.terminated:
                self.problem(f"unterminated heredoc <<{_clip(h.name)}: no line reads exactly {_clip(h.name)!r}", h.line)
        self.doc.instructions.append(instr)
        rest = words[first_arg:]
        if keyword == "FROM":
            self.from_(instr, lg, rest)
            return
        if not stages:
            if keyword == "ARG":
                self.global_args(self.pairs(lg, rest, "ARG", line))
            else:
                self.problem(f"{keyword} before the first FROM (only ARG may come before it)", line, col)
            return
        stage = stages[-1]
        stage.instructions.append(instr)
        if keyword in ("ENV", "ARG"):
            stage.env.extend(self.pairs(lg, rest, keyword, line))
        elif keyword == "USER":
            self.user(stage, instr)
        elif keyword == "HEALTHCHECK":
            self.healthcheck(stage, instr)

    # -- FROM -----------------------------------------------------------------------------------

    def from_(self, instr: Instruction, lg: Logical, words: list[tuple[int, int]]) -> None:
        text = lg.text
        line, col = instr.span.line, instr.span.column
        alias: str | None = None
        parent: Stage | None = None
        if not words:
            self.problem("FROM needs an image: FROM image [AS name]", line, col)
            image = make_image("", instr.span, unresolved=True)
        else:
            img_start, img_end = words[0]
            tail = [text[s:e] for s, e in words[1:]]
            if len(tail) == 2 and tail[0].lower() == "as":
                alias = tail[1]
            elif tail:
                self.problem('FROM takes "image [AS name]", got extra words', line, col)
            image, parent = self.image(text[img_start:img_end], self.span(lg, img_start, img_end))
        stage = Stage(
            index=len(self.doc.stages),
            from_instruction=instr,
            image=image,
            alias=alias,
            parent=parent,
            instructions=[instr],
            # A stage built FROM another starts with that stage's effective USER and HEALTHCHECK.
            user=parent.user if parent else None,
            healthcheck=parent.healthcheck if parent else None,
        )
        if alias:
            key = alias.lower()
            if key in self.aliases:
                self.problem(f'duplicate stage name "{_clip(alias)}"', line, col)
            else:
                self.aliases[key] = stage
        self.doc.stages.append(stage)

    def image(self, raw: str, span: Span) -> tuple[ImageRef, Stage | None]:
        value = unquote(raw, self.esc)[1]
        first = _expand(value, self.known)
        if first is None:  # not a real image reference; say nothing about it
            return make_image(raw, span, unresolved=True), None
        if first.unresolved:
            # Keep unknown variables visible (`node:${TAG}`) rather than emptied (`node:`), which
            # would read as "no tag".
            keep = dict(self.known)
            keep.update((name, "${" + name + "}") for name in first.unresolved)
            resolved = interpolate(value, keep).text.strip()
        else:
            resolved = first.text.strip()
        # Unknown only when a variable without a value still decides the tag (or, with no tag,
        # the end of the name): `${REGISTRY}/app:latest` is still :latest.
        unresolved = not resolved or (bool(first.unresolved) and "$" in _tag_part(resolved))
        variable = _source_variable(value) if first.variables else None
        parent = None if unresolved else self.stage_named(resolved)
        ref = make_image(raw, span, resolved=resolved, variable=variable, unresolved=unresolved,
                         is_stage=parent is not None)
        return ref, parent

    def stage_named(self, name: str) -> Stage | None:
        key = name.lower()
        if key in self.aliases:
            return self.aliases[key]
        if key.isascii() and key.isdigit() and int(key) < len(self.doc.stages):
            return self.doc.stages[int(key)]
        return None

    # -- ENV / ARG ------------------------------------------------------------------------------

    def global_args(self, entries: list[EnvVar]) -> None:
        self.doc.global_args.extend(entries)
        for e in entries:
            if e.value is None:
                continue  # `ARG X` keeps an earlier default, if any
            r = _expand(e.value, self.known)
            if r is None or r.unresolved:
                self.known.pop(e.name, None)  # depends on a value nobody gave: unknown
            else:
                self.known[e.name] = r.text

    def pairs(self, lg: Logical, words: list[tuple[int, int]], source: str, line: int) -> list[EnvVar]:
        """ENV `K=V K2="v 2"` or legacy `K V with spaces`; ARG `NAME`, `NAME=default`, `A=1 B=2`."""
        text = lg.text
        if not words:
            self.problem(f"{source} needs at least one name", line)
            return []
        first = text[words[0][0]:words[0][1]]
        if source == "ENV" and "=" not in first:
            if len(words) < 2:
                self.problem(f'ENV needs a value: "ENV {_clip(first)}=value"', *lg.pos(words[0][0]))
                return []
            name_start, name_end = words[0]
            return self.entry(lg, source, name_start, name_end, words[1][0], words[-1][1])
        out: list[EnvVar] = []
        for start, end in words:
            eq = text.find("=", start, end)
            if eq < 0 and source == "ARG":
                out.extend(self.entry(lg, source, start, end, None, None))
            elif eq < 0:
                # The stray word is often the rest of an unquoted value (a secret): never quote it.
                self.problem("ENV expects NAME=VALUE pairs: this word has no '=' "
                             "(quote a value that holds spaces)", *lg.pos(start))
            else:
                out.extend(self.entry(lg, source, start, eq, eq + 1, end))
        return out

    def entry(self, lg: Logical, source: str, name_start: int, name_end: int,
              value_start: int | None, value_end: int | None) -> list[EnvVar]:
        name = unquote(lg.text[name_start:name_end], self.esc)[0]
        if not name:
            self.problem(f"{source} with an empty name", *lg.pos(name_start))
            return []
        value = literal = None
        value_span = None
        end = name_end
        if value_start is not None and value_end is not None:
            value, for_interp = unquote(lg.text[value_start:value_end], self.esc)
            expanded = _expand(for_interp)
            literal = expanded.text if expanded is not None else ""
            if value_end > value_start:
                value_span = self.span(lg, value_start, value_end)
                end = value_end
        return [EnvVar(
            name=name,
            value=value,
            literal=literal,
            span=self.span(lg, name_start, end),
            source=source,
            name_span=self.span(lg, name_start, name_end),
            value_span=value_span,
        )]

    # -- USER / HEALTHCHECK ---------------------------------------------------------------------

    def user(self, stage: Stage, instr: Instruction) -> None:
        value = unquote(instr.args, self.esc)[0].strip()
        if not value:
            self.problem("USER needs a user name or UID", instr.span.line, instr.span.column)
            return
        if "$" in value:
            # `ARG UID=0` + `USER $UID` runs as root unless a build overrides it, as IL101 reads
            # `FROM img:${TAG}`; a variable nothing gives a value stays unknown.
            r = _expand(value, self.stage_vars(stage))
            if r is not None and not r.unresolved:
                value = r.text
        stage.user = Spanned(value, instr.span)

    def stage_vars(self, stage: Stage) -> dict[str, str]:
        """Variables a stage's instructions see so far: ENV inherited from the stages it is built
        FROM, then its own ARGs (a bare `ARG X` brings in the global default) and ENVs in order."""
        known: dict[str, str] = {}
        for s in lineage(stage):
            for e in s.env:
                if e.source == "ARG" and s is not stage:
                    continue  # ARGs end with their stage; ENV is baked into the image
                if e.value is None:
                    if e.source == "ARG" and e.name in self.known:
                        known[e.name] = self.known[e.name]
                    continue
                r = _expand(e.value, known)
                if r is None or r.unresolved:
                    known.pop(e.name, None)
                else:
                    known[e.name] = r.text
        return known

    def healthcheck(self, stage: Stage, instr: Instruction) -> None:
        kind = instr.args.split(None, 1)[0].upper() if instr.args else ""
        if kind not in ("CMD", "NONE"):
            self.problem("HEALTHCHECK expects CMD ... or NONE", instr.span.line, instr.span.column)
            return
        stage.healthcheck = HealthCheck("HEALTHCHECK", instr.span, disabled=kind == "NONE")


def _expand(text: str, known: dict[str, str] | None = None) -> Interpolated | None:
    """`interpolate`, or None for texts with so many `${` that it would be slow.

    Its pattern rescans to the end of the text from every `${NAME:-` that has no closing brace,
    which is quadratic; no real value holds dozens of `${`.
    """
    if text.count("${") > MAX_BRACED:
        return None
    return interpolate(text, known)


def _flags(text: str, words: list[tuple[int, int]], esc: str) -> tuple[list[tuple[str, str]], int]:
    """Leading `--name[=value]` words after the keyword -> (flags, index of the first argument word)."""
    flags: list[tuple[str, str]] = []
    i = 1
    while i < len(words):
        word = text[words[i][0]:words[i][1]]
        if not word.startswith("--"):
            break
        i += 1
        if word == "--":  # BuildKit: a bare `--` ends the flags
            break
        name, _, value = word[2:].partition("=")
        flags.append((name, unquote(value, esc)[0]))
    return flags, i


def _operands(args: str, text: str, words: list[tuple[int, int]], base: int,
              esc: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """The instruction's operands, unquoted, and their offsets in `args`; an exec-form JSON
    array (`COPY ["a b", "/dst/"]`) gives its items and no offsets."""
    if args.startswith("["):
        try:
            items = json.loads(args)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(w, str) for w in items):
            return tuple(items), ()
    return (tuple(unquote(text[s:e], esc)[0] for s, e in words),
            tuple((s - base, e - base) for s, e in words))


def _tag_part(ref: str) -> str:
    core = ref.split("@", 1)[0]
    last = core[core.rfind("/") + 1:]
    return last.split(":", 1)[1] if ":" in last else last


def _source_variable(ref: str) -> str | None:
    """The variable the tag (or the whole reference) of an image reference comes from."""
    refs = list(_VAR_REF.finditer(ref))
    if not refs:
        return None
    # Blank out the variables so that `:` and `/` inside `${X:-a:b}` do not count as separators.
    masked = list(ref)
    for m in refs:
        masked[m.start():m.end()] = "x" * (m.end() - m.start())
    core = "".join(masked).split("@", 1)[0]
    if len(refs) == 1 and refs[0].start() == 0 and refs[0].end() >= len(core):
        return _var_name(refs[0])
    slash = core.rfind("/")
    colon = core.find(":", slash + 1)
    if colon >= 0:
        in_tag = [m for m in refs if colon < m.start() < len(core)]
        return _var_name(in_tag[0]) if in_tag else None
    # No literal `:tag`: a tag, if any, came from a variable in the last path component.
    in_name = [m for m in refs if slash < m.start() < len(core)]
    return _var_name(in_name[-1]) if in_name else None


def _var_name(m: re.Match[str]) -> str:
    return m.group(1) or m.group(2)


def _clip(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"
