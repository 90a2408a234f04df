"""Shared helpers for the compose parser: shape checks that turn into problems, and spans."""
from __future__ import annotations

from dataclasses import dataclass, field

from infralint.model.common import Problem
from infralint.model.span import Span, Spanned
from infralint.model.yamltree import YMap, YNode, YPair, YScalar, YSeq
from infralint.parsers.interpolate import interpolate


@dataclass
class Ctx:
    """Where problems of one compose file go; `service` prefixes messages so users can find them."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    service: str = ""

    def bad(self, span: Span, message: str) -> None:
        prefix = f"service '{self.service}': " if self.service else ""
        self.problems.append(Problem("parse-error", prefix + message, span))


def expand(text: str) -> str:
    """Apply inline defaults (`${PORT:-80}` -> `80`) but keep a variable with no known value as
    `${NAME}`: its value lives in a `.env` we do not read, so it is unknown, not empty."""
    first = interpolate(text)
    if not first.unresolved:
        return first.text
    return interpolate(text, {name: "${" + name + "}" for name in first.unresolved}).text


def describe(node: YNode | None) -> str:
    """A short name for a node's shape, for messages like "expected a list, found a mapping"."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node is None or node.value is None:
        return "nothing (null)"
    if isinstance(node.value, bool):
        return "a boolean"
    if isinstance(node.value, (int, float)):
        return "a number"
    return "a string"


def pair_span(key: YScalar, value: YNode) -> Span:
    """From the key's first character to the value's end: the line a user would edit."""
    end_line, end_column = content_end(value)
    if (end_line, end_column) < (key.span.end_line, key.span.end_column):
        # A mapping made only of merged (`<<`) pairs ends at its anchor, above the key.
        return key.span
    return Span(key.span.path, key.span.line, key.span.column, end_line, end_column)


def content_end(node: YNode) -> tuple[int, int]:
    """Where a node's text ends. A block mapping or list "ends" at the next token (often on a
    later line, after comments), so follow its last child down to a scalar instead."""
    while isinstance(node, (YMap, YSeq)) and node.span.end_line > node.span.line:
        if isinstance(node, YMap):
            if not node.pairs:
                break
            node = node.pairs[-1].value
        else:
            if not node.items:
                break
            node = node.items[-1]
    return node.span.end_line, node.span.end_column


def is_null(node: YNode | None) -> bool:
    return isinstance(node, YScalar) and node.value is None


def string_scalar(ctx: Ctx, key: str, node: YNode, *, numbers: bool = True) -> YScalar | None:
    """The node if it is a usable string setting; else a problem. Numbers count when `numbers`."""
    if isinstance(node, YScalar) and node.value is not None:
        value = node.value
        if isinstance(value, str) or (numbers and isinstance(value, (int, float)) and not isinstance(value, bool)):
            return node
    ctx.bad(node.span, f"{key}: expected a string, found {describe(node)}")
    return None


def spanned_setting(ctx: Ctx, owner: YMap, key: str, *, numbers: bool = True) -> Spanned[str] | None:
    """A single-valued string setting, spanned from its key to its value."""
    pair = owner.pair(key)
    if pair is None:
        return None
    node = string_scalar(ctx, key, pair.value, numbers=numbers)
    return None if node is None else Spanned(node.text, pair_span(pair.key, pair.value))


def expect_map(ctx: Ctx, key: str, node: YNode) -> YMap | None:
    if isinstance(node, YMap):
        return node
    ctx.bad(node.span, f"{key}: expected a mapping, found {describe(node)}")
    return None


def expect_seq(ctx: Ctx, key: str, node: YNode) -> YSeq | None:
    if isinstance(node, YSeq):
        return node
    ctx.bad(node.span, f"{key}: expected a list, found {describe(node)}")
    return None


def string_items(ctx: Ctx, key: str, node: YNode) -> tuple[Spanned[str], ...]:
    """A list of strings (cap_add, security_opt...): each item spanned on its own line."""
    seq = expect_seq(ctx, key, node)
    if seq is None:
        return ()
    out: list[Spanned[str]] = []
    for item in seq.items:
        scalar = string_scalar(ctx, f"{key} item", item)
        if scalar is not None:
            out.append(Spanned(scalar.text, scalar.span))
    return tuple(out)


def respan(node: YNode, span: Span, memo: dict[int, YNode] | None = None) -> YNode:
    """A copy of `node` with every span set to `span`. Shared (aliased) subtrees stay shared,
    so an alias bomb costs its size in the file, not its expanded size."""
    memo = {} if memo is None else memo
    hit = memo.get(id(node))
    if hit is not None:
        return hit
    out: YNode
    if isinstance(node, YScalar):
        out = YScalar(node.value, node.raw, span, node.quoted)
    elif isinstance(node, YSeq):
        out = YSeq(tuple(respan(item, span, memo) for item in node.items), span)
    else:
        out = YMap(tuple(YPair(respan(p.key, span, memo), respan(p.value, span, memo))  # type: ignore[arg-type]
                         for p in node.pairs), span)
    memo[id(node)] = out
    return out
