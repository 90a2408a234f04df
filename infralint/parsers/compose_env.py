"""Compose `environment:` (map and list forms) and `env_file:`."""
from __future__ import annotations

from infralint.model.common import EnvVar
from infralint.model.span import Span, Spanned
from infralint.model.yamltree import YMap, YNode, YScalar, YSeq
from infralint.parsers.compose_common import Ctx, describe, pair_span, string_scalar
from infralint.parsers.interpolate import interpolate


def parse_environment(ctx: Ctx, node: YNode, section: str = "environment") -> list[EnvVar]:
    """`environment:`, or `build.args:` (`section`), which has the same two forms."""
    if isinstance(node, YMap):
        return _map_form(ctx, node, section)
    if isinstance(node, YSeq):
        return _list_form(ctx, node, section)
    ctx.bad(node.span, f"{section}: expected a mapping or a list, found {describe(node)}")
    return []


def _literal(value: str | None) -> str | None:
    return None if value is None else interpolate(value).text


def _map_form(ctx: Ctx, node: YMap, section: str) -> list[EnvVar]:
    out: list[EnvVar] = []
    for key, value in node.items():
        if not isinstance(value, YScalar):
            ctx.bad(value.span, f"{section}: '{key.text}' must be a string, number or boolean, found {describe(value)}")
            continue
        # `KEY:` with no value passes the variable through from the shell: there is no value.
        text = None if value.value is None else value.text
        out.append(EnvVar(key.text, text, _literal(text), pair_span(key, value), section,
                          name_span=key.span, value_span=None if text is None else value.span))
    return out


def _list_form(ctx: Ctx, node: YSeq, section: str) -> list[EnvVar]:
    out: list[EnvVar] = []
    for item in node.items:
        scalar = string_scalar(ctx, f"{section} item", item)
        if scalar is None:
            continue
        entry = scalar.text
        name, sep, value = entry.partition("=")
        if not name.strip():
            ctx.bad(item.span, f"{section}: '{entry}' has no variable name")
            continue
        name_span, value_span = _split_spans(scalar, len(name), sep)
        # Compose keeps quotes in `- KEY="v"`, but the secret (if any) is what is inside them.
        text = _unquote(value) if sep else None
        out.append(EnvVar(name.strip(), text, _literal(text), scalar.span, section,
                          name_span=name_span, value_span=value_span))
    return out


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _split_spans(item: YScalar, name_len: int, sep: str) -> tuple[Span, Span | None]:
    """Name and value positions inside `- NAME=value`, when the item sits on one line."""
    s = item.span
    if s.end_line != s.line:
        return s, (s if sep else None)
    start = s.column + (1 if item.quoted else 0)
    name_span = Span(s.path, s.line, start, s.line, start + name_len)
    if not sep:
        return name_span, None
    value_end = s.end_column - (1 if item.quoted else 0)
    return name_span, Span(s.path, s.line, start + name_len + 1, s.line, value_end)


def parse_env_files(ctx: Ctx, key: YScalar, node: YNode) -> list[Spanned[str]]:
    """`env_file:` as a string, a list of strings, or a list of `{path, required}`."""
    if isinstance(node, YScalar):
        scalar = string_scalar(ctx, "env_file", node, numbers=False)
        return [] if scalar is None else [Spanned(scalar.text, pair_span(key, node))]
    if not isinstance(node, YSeq):
        ctx.bad(node.span, f"env_file: expected a path or a list, found {describe(node)}")
        return []
    out: list[Spanned[str]] = []
    for item in node.items:
        if isinstance(item, YMap):
            path = item.get_scalar("path")
            if path is None or path.value is None:
                ctx.bad(item.span, "env_file: an entry in long syntax needs a 'path'")
                continue
            out.append(Spanned(path.text, item.span))
            continue
        scalar = string_scalar(ctx, "env_file item", item, numbers=False)
        if scalar is not None:
            out.append(Spanned(scalar.text, scalar.span))
    return out
