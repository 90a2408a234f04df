"""Compose's `extends:`: a service with the service it extends merged in, as Compose does.

A base in the same file keeps its own spans; one from another file (read through the Source, so
never outside the scanned root) points at the `extends:` line, the line of this file that brings
it in. What cannot be read (a missing file, a variable with no default, a cycle) leaves the
service marked incomplete: what the base would supply is unknown, never guessed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from infralint.model.span import Span
from infralint.model.yamltree import YMap, YNode, YPair, YScalar, YSeq
from infralint.parsers.compose_common import Ctx, describe, expand, expect_map, is_null, pair_span, respan
from infralint.parsers.source import Source
from infralint.parsers.yamlload import TagSite, load_stream

# Compose sets no limit; a longer chain in a real project is unheard of, and each link costs a merge.
MAX_EXTENDS = 16


@dataclass
class ServiceFile:
    """One compose file's service definitions, where `extends:` looks a base up."""

    real: Path
    services: dict[str, tuple[YScalar, YMap]]
    resets: set[TagSite]  # `!reset` / `!override` sites: they decide what a base contributes
    overrides: set[TagSite]


def collect_services(ctx: Ctx, roots: list[YNode]) -> dict[str, tuple[YScalar, YMap]]:
    """Service definitions by name. Compose merges documents of one stream; a later document's
    keys win over an earlier one's (sequences are replaced, not appended: an approximation)."""
    found: dict[str, tuple[YScalar, YMap]] = {}
    for root in roots:
        if not isinstance(root, YMap):
            ctx.bad(root.span, f"a compose file must be a mapping at the top level, found {describe(root)}")
            continue
        node = root.get("services")
        # No `services:` is a Compose v1 file (services at the top level) or a fragment: nothing to read.
        if node is None or is_null(node):
            continue
        services = expect_map(ctx, "services", node)
        if services is None:
            continue
        for key, value in services.items():
            name = key.text
            if name.startswith("x-"):
                continue
            if is_null(value):  # `web:` with nothing under it: an empty service
                value = YMap((), key.span)
            if not isinstance(value, YMap):
                ctx.bad(value.span, f"service '{name}': expected a mapping of settings, found {describe(value)}")
                continue
            if name in found:
                first_key, first = found[name]
                value = YMap(first.pairs + value.pairs, first.span)
                key = first_key
            found[name] = (key, value)
    return found


def extended(ctx: Ctx, src: Source, here: ServiceFile, name: str, node: YMap,
              chain: tuple[tuple[Path, str], ...] = ()) -> tuple[YMap, bool]:
    """The service with what it `extends:` merged in, as Compose does; False when a base in the
    chain cannot be read (its file, a variable, a cycle): what it would supply is then unknown."""
    pair = node.pair("extends")
    if pair is None or is_null(pair.value):
        return node, True
    target = _extends_target(ctx, src, here, pair.value, report=not chain)
    chain = chain or ((here.real, name),)
    if target is None or len(chain) > MAX_EXTENDS:
        return node, False
    there, base_name = target
    link = (there.real, base_name)
    if link in chain or base_name not in there.services:
        return node, False
    base, complete = extended(ctx, src, there, base_name, there.services[base_name][1], chain + (link,))
    if there is not here:
        base = _from_other_file(base, pair_span(pair.key, pair.value), there.real.parent, here.real.parent)
    return _merge_service(base, node, here), complete


def _extends_target(ctx: Ctx, src: Source, here: ServiceFile, value: YNode, *, report: bool) -> tuple[ServiceFile, str] | None:
    """(the file holding the base, the base's name) for `extends: NAME` or `{service, file}`."""
    file: str | None = None
    if isinstance(value, YScalar) and isinstance(value.value, str):
        service: str | None = value.text
    elif isinstance(value, YMap):
        service, file = value.get_str("service"), value.get_str("file")
    else:
        service = None
    if service is None:
        if report:
            ctx.bad(value.span, "extends: expected a service name, or a mapping with a 'service'")
        return None
    service = expand(service).strip()
    if not service or "$" in service:
        return None
    there = here if file is None else _other_file(src, here, file)
    return None if there is None else (there, service)


def _other_file(src: Source, here: ServiceFile, file: str) -> ServiceFile | None:
    """The compose file `extends.file` names, read through the Source (so never outside the
    root); None when it cannot be read or its name holds a variable with no default."""
    name = expand(file).strip()
    if not name or "$" in name:
        return None
    try:
        real = (here.real.parent / name).resolve()
    except (OSError, RuntimeError):
        return None
    if real == here.real:
        return here
    key = ("compose-extends", src.root, real)
    if key not in src.cache:
        text = src.read(real)
        src.cache[key] = None if text is None else _read_other(real, text, src.display(real))
    return src.cache[key]


def _read_other(real: Path, text: str, display: str) -> ServiceFile:
    stream = load_stream(text, display)
    roots = [d.root for d in stream.documents if d.root is not None and not is_null(d.root)]
    # Its problems are that file's own, reported when it is linted itself.
    return ServiceFile(real, collect_services(Ctx(display), roots), stream.resets, stream.overrides)


def _from_other_file(base: YMap, span: Span, there: Path, here: Path) -> YMap:
    """A base from another file as this file sees it: at the `extends:` line, and with its
    relative build context (relative to that file's folder) made relative to this one's."""
    node = respan(base, span)
    assert isinstance(node, YMap)
    written_build = node.get("build") if there != here else None
    build = _build_as_map(written_build) if written_build is not None else None
    if not isinstance(build, YMap):
        return node
    context = build.get_scalar("context")
    written = "." if context is None else context.text if isinstance(context.value, str) else None
    moved = _rebased(written, there, here) if written is not None else None
    if moved is None:
        return node
    return _replaced(node, "build", _replaced(build, "context", YScalar(moved, moved, span)))


def _rebased(path: str, there: Path, here: Path) -> str | None:
    """`path`, relative to folder `there`, made relative to folder `here`; None when it is not
    a plain relative path (a variable with no default, a URL, an absolute path)."""
    text = expand(path)
    if "$" in text or "://" in text or text.startswith(("git@", "github.com/")) or os.path.isabs(text):
        return None
    return os.path.relpath(os.path.normpath(os.path.join(there, text)), here).replace(os.sep, "/")


def _merge_service(base: YMap, child: YMap, here: ServiceFile) -> YMap:
    if base.get("build") is not None and child.get("build") is not None:
        # `build: ./api` is `build: {context: ./api}`: merged as such, a child's `dockerfile:`
        # keeps the base's context.
        base = _replaced(base, "build", _build_as_map(base.get("build")))  # type: ignore[arg-type]
        child = _replaced(child, "build", _build_as_map(child.get("build")))  # type: ignore[arg-type]
    for key in _KEYED_LISTS:
        # `environment: [A=1]` over `environment: {A: "0"}`: Compose merges the two forms by name.
        under, over = base.get(key), child.get(key)
        if isinstance(under, (YMap, YSeq)) and isinstance(over, (YMap, YSeq)) and (
                isinstance(under, YSeq) or isinstance(over, YSeq)):
            base = _replaced(base, key, _pairs_as_map(under))
            child = _replaced(child, key, _pairs_as_map(over))
    merged = _merge(base, child, here, {})
    assert isinstance(merged, YMap)
    return merged


def _merge(base: YNode, child: YNode, here: ServiceFile, memo: dict[tuple[int, int], YNode]) -> YNode:
    """Compose's merge for `extends:`: mappings key by key (the child's value wins), sequences
    appended (`ports`, `cap_add`, `volumes`…; a command is replaced), anything else replaced by
    the child's. The child's `!override` replaces a value whole, and its `!reset` removes the
    base's value. Memoised: shared (aliased) subtrees are merged once."""
    if not isinstance(base, YMap) or not isinstance(child, YMap):
        return child
    key = (id(base), id(child))
    if key in memo:
        return memo[key]
    own = {k.text for k, _ in child.items()}
    pairs = [YPair(k, v) for k, v in base.items() if k.text not in own and (child.span, k.text) not in here.resets]
    for k, v in child.items():
        under = base.get(k.text)
        if under is not None and (child.span, k.text) not in here.overrides:
            if isinstance(under, YSeq) and isinstance(v, YSeq) and k.text not in _REPLACED_SEQUENCES:
                v = _appended(under, v)
            else:
                v = _merge(under, v, here, memo)
        pairs.append(YPair(k, v))
    memo[key] = YMap(tuple(pairs), child.span)
    return memo[key]


# Settings written as a mapping or as a list of `NAME=value`: merged by name, whatever the form.
_KEYED_LISTS = ("environment", "labels")


def _pairs_as_map(node: YMap | YSeq) -> YMap:
    """`[A=1, B]` as `{A: "1", B: null}`, each entry keeping the span of its list item."""
    if isinstance(node, YMap):
        return node
    pairs: list[YPair] = []
    for item in node.items:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            return YMap((), node.span)  # a malformed list: the parser reports it; merge nothing
        name, eq, value = item.text.partition("=")
        key = YScalar(name.strip(), name.strip(), item.span)
        pairs.append(YPair(key, YScalar(value, value, item.span, True) if eq else YScalar(None, "", item.span)))
    return YMap(tuple(pairs), node.span)


# Sequences Compose replaces rather than appends: each is one command line.
_REPLACED_SEQUENCES = frozenset({"command", "entrypoint", "test"})


def _appended(base: YSeq, child: YSeq) -> YSeq:
    """The base's items, then the child's; a scalar item the child repeats appears once, as the
    child's (`ports: ["5432:5432"]` in both is one published port)."""
    again = {item.text for item in child.items if isinstance(item, YScalar)}
    kept = [item for item in base.items if not (isinstance(item, YScalar) and item.text in again)]
    return YSeq(tuple(kept) + child.items, child.span)


def _build_as_map(value: YNode) -> YNode:
    if isinstance(value, YScalar) and isinstance(value.value, str):
        return YMap((YPair(YScalar("context", "context", value.span), value),), value.span)
    return value


def _replaced(node: YMap, key: str, value: YNode) -> YMap:
    """`node` with `key` set to `value` (added at the end when absent)."""
    pairs = [p for p in node.pairs if p.key.text != key]
    old = node.pair(key)
    pairs.append(YPair(old.key if old is not None else YScalar(key, key, node.span), value))
    return YMap(tuple(pairs), node.span)
