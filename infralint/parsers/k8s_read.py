"""Shape-checked reads of a spanned YAML tree for the Kubernetes parser.

Manifests are hand-written and often wrong (`env` as a mapping, `containers: null`), so every
read that expects a shape reports a `Problem` at the offending node and returns None instead of
raising: the rest of the object still parses and still gets linted.
"""
from __future__ import annotations

from infralint.model.common import Problem
from infralint.model.span import Span, Spanned
from infralint.model.yamltree import YMap, YNode, YPair, YScalar, YSeq


def tight(node: YNode) -> Span:
    """The node's span, ending where its last value ends.

    ruamel ends a block collection at the next token (often the following list item), which
    would make a finding's range spill onto lines that belong to a sibling.
    """
    span = node.span
    last: YNode | None = None
    if isinstance(node, YMap) and node.pairs:
        last = node.pairs[-1].value
    elif isinstance(node, YSeq) and node.items:
        last = node.items[-1]
    if last is None:
        return span
    end = tight(last)
    if (end.end_line, end.end_column) < (span.line, span.column) or (end.end_line, end.end_column) > (span.end_line, span.end_column):
        # A merged (`<<: *anchor`) pair lives elsewhere in the file; keep the node's own range.
        return span
    return Span(span.path, span.line, span.column, end.end_line, end.end_column)


def join(start: Span, end: Span) -> Span:
    return Span(start.path, start.line, start.column, end.end_line, end.end_column)


def pair_span(pair: YPair) -> Span:
    """From the key's first character to the end of its value: where a setting is written."""
    return join(pair.key.span, tight(pair.value))


def is_null(node: YNode | None) -> bool:
    return node is None or (isinstance(node, YScalar) and node.value is None)


def describe(node: YNode) -> str:
    # Never quote string content: a wrongly shaped value may well be a secret.
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {node.raw}"
    if isinstance(value, (int, float)):
        return f"the number {node.raw}"
    return "a string"


def is_text(node: YScalar) -> bool:
    """A string-valued scalar (quoted, or plain and not a number/bool/null)."""
    return isinstance(node.value, str)


class Reader:
    """Typed, shape-checked getters that record problems in one file's problem list.

    `where` arguments name the parent node in messages (`Deployment/web spec.template.spec`).
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def bad(self, span: Span, message: str) -> None:
        self.problems.append(Problem("parse-error", message, span))

    def _node(self, parent: YMap | None, key: str) -> YNode | None:
        if parent is None:
            return None
        node = parent.get(key)
        return None if is_null(node) else node

    def map(self, parent: YMap | None, key: str, where: str) -> YMap | None:
        node = self._node(parent, key)
        if node is None or isinstance(node, YMap):
            return node
        self.bad(node.span, f"{where}: `{key}` should be a mapping, not {describe(node)}")
        return None

    def seq(self, parent: YMap | None, key: str, where: str) -> YSeq | None:
        node = self._node(parent, key)
        if node is None or isinstance(node, YSeq):
            return node
        self.bad(node.span, f"{where}: `{key}` should be a list, not {describe(node)}")
        return None

    def maps_in(self, seq: YSeq | None, key: str, where: str) -> list[YMap]:
        """The mapping items of a list; other items are problems."""
        if seq is None:
            return []
        out: list[YMap] = []
        for item in seq.items:
            if isinstance(item, YMap):
                out.append(item)
            else:
                self.bad(item.span, f"{where}: each `{key}` entry should be a mapping, not {describe(item)}")
        return out

    def scalar(self, parent: YMap | None, key: str, where: str) -> YScalar | None:
        node = self._node(parent, key)
        if node is None or isinstance(node, YScalar):
            return node
        self.bad(node.span, f"{where}: `{key}` should be a single value, not {describe(node)}")
        return None

    def text(self, parent: YMap | None, key: str, where: str) -> str | None:
        node = self.scalar(parent, key, where)
        return None if node is None else node.text

    def flag(self, parent: YMap | None, key: str, where: str) -> Spanned[bool] | None:
        """A boolean field; YAML 1.1 `yes`/`on` count, as kubectl accepts them."""
        node = self.scalar(parent, key, where)
        if node is None or parent is None:
            return None
        value = node.as_bool()
        if value is None:
            self.bad(node.span, f"{where}: `{key}` should be true or false, not {describe(node)}")
            return None
        return Spanned(value, pair_span(parent.pair(key)))  # type: ignore[arg-type]

    def number(self, parent: YMap | None, key: str, where: str) -> Spanned[int] | None:
        node = self.scalar(parent, key, where)
        if node is None or parent is None:
            return None
        value = node.as_int()
        if value is None:
            self.bad(node.span, f"{where}: `{key}` should be an integer, not {describe(node)}")
            return None
        return Spanned(value, pair_span(parent.pair(key)))  # type: ignore[arg-type]

    def string_map(self, parent: YMap | None, key: str, where: str) -> tuple[tuple[str, str], ...]:
        """Labels, selectors: a mapping of plain values."""
        return tuple((k, v.value) for k, v in self.spanned_map(parent, key, where))

    def spanned_map(self, parent: YMap | None, key: str, where: str) -> tuple[tuple[str, Spanned[str]], ...]:
        node = self.map(parent, key, where)
        if node is None:
            return ()
        out: list[tuple[str, Spanned[str]]] = []
        for k, v in node.items():
            if isinstance(v, YScalar):
                out.append((k.text, Spanned(v.text, join(k.span, v.span))))
            else:
                self.bad(v.span, f"{where}: `{key}.{k.text}` should be a single value, not {describe(v)}")
        return tuple(out)
