"""YAML text -> spanned `YNode` trees, through ruamel.yaml's C-backed composer.

Semantics are YAML 1.2 core (so `22:22` stays a string), merge keys are applied (explicit keys
win), duplicate keys are recorded as problems instead of being dropped silently, and aliases are
converted once (a shared subtree stays shared), so an alias bomb cannot expand.

Compose's merge tags are applied too: a `!reset` value unsets its key (or list item), and
`!override X` is X. Which mapping keys carried them is kept in `YamlStream.resets` and
`.overrides`, for merges done later (`extends:`), where they decide what the base contributes.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from infralint.model.common import Problem
from infralint.model.span import Span
from infralint.model.yamltree import YMap, YNode, YPair, YScalar, YSeq

MAX_DEPTH = 400
MAX_NODES = 2_000_000

_INT_RE = re.compile(r"^[-+]?(0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+)$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TAG = "tag:yaml.org,2002:"


class YamlLimitError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class YamlDoc:
    root: YNode | None
    start_line: int


# (span of the mapping, key): where a Compose `!reset` / `!override` tag was written.
TagSite = tuple[Span, str]


@dataclass
class YamlStream:
    documents: list[YamlDoc] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resets: set[TagSite] = field(default_factory=set)
    overrides: set[TagSite] = field(default_factory=set)


_PLAIN = "tag:infralint,plain"
_RESET, _OVERRIDE = "!reset", "!override"
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL)?$")
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_YAML = None


def _yaml():  # imported lazily: a Dockerfile-only run never pays for ruamel
    global _YAML
    if _YAML is None:
        from ruamel.yaml import YAML
        from ruamel.yaml.nodes import ScalarNode, SequenceNode
        from ruamel.yaml.resolver import VersionedResolver

        class PlainResolver(VersionedResolver):
            """Leaves plain scalars untyped (`_typed` applies the YAML 1.2 core schema itself):
            ruamel's regex-per-scalar resolution was half of the time spent composing."""

            def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
                if kind is ScalarNode:
                    return _PLAIN if implicit[0] else _TAG + "str"
                return _TAG + ("seq" if kind is SequenceNode else "map")

        _YAML = YAML(typ="safe", pure=False)
        _YAML.Resolver = PlainResolver
    return _YAML


# ruamel's C composer recurses once per nesting level and overflows the C stack (a segfault, no
# exception) at some tens of thousands of levels: such text never reaches it.
MAX_SCAN_DEPTH = 2 * MAX_DEPTH
_FLOW_TOKENS = re.compile(r"""[\[\]{}]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|\#[^\n]*|\n""")
_LEADING_DASHES = re.compile(r"^[ \t]*(?:-[ \t]+)+", re.MULTILINE)


def too_deep(text: str) -> int | None:
    """The line where nesting first goes past MAX_SCAN_DEPTH, or None. Cheap for normal files:
    the exact scan only runs when there are enough brackets and dashes to nest that deep."""
    if text.count("[") + text.count("{") + text.count("- ") < MAX_SCAN_DEPTH:
        return None
    for m in _LEADING_DASHES.finditer(text):
        if m.group().count("-") > MAX_SCAN_DEPTH:
            return text.count("\n", 0, m.start()) + 1
    depth, line = 0, 1
    for m in _FLOW_TOKENS.finditer(text):
        tok = m.group()
        if tok == "\n":
            line += 1
        elif tok in "[{":
            depth += 1
            if depth > MAX_SCAN_DEPTH:
                return line
        elif tok in "]}":
            depth = max(0, depth - 1)
    return None


def load_stream(text: str, path: str) -> YamlStream:
    """Parse every document of a YAML stream. Never raises for bad input."""
    out = YamlStream()
    deep = too_deep(text)
    if deep is not None:
        out.problems.append(Problem("parse-error", f"YAML nests deeper than {MAX_SCAN_DEPTH} levels; "
                                    "not read", Span(path, deep, 1)))
        return out
    conv = _Converter(path, out)
    lines: list[str] | None = None
    resume = 0
    while True:
        stop = _compose(text if resume == 0 else "\n" * resume + "\n".join(lines[resume:]), conv, out)  # type: ignore[index]
        if stop is None:
            return out
        # A broken document must not hide the ones after it: go on at the next `---` marker
        # (blank lines in front keep every line number right).
        lines = lines or text.split("\n")
        nxt = next((k for k in range(max(stop - 1, resume + 1), len(lines)) if _DOC_START.match(lines[k])), None)
        if nxt is None:
            return out
        resume = nxt


_DOC_START = re.compile(r"^---(?:[ \t]|\r?$)")


def _compose(text: str, conv: "_Converter", out: YamlStream) -> int | None:
    """Compose the documents of `text` into `out`; the line of the error that stopped it, or None."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        for node in _yaml().compose_all(text):
            if node is None:
                continue
            # Anchors never cross documents, and ruamel frees a finished document's nodes, so
            # their id()s get reused: a memo kept across documents would return stale trees.
            conv.memo.clear()
            root = conv.convert(node, 0)
            out.documents.append(YamlDoc(root, node.start_mark.line + 1))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        col = mark.column + 1 if mark is not None else 1
        problem = (exc.problem or "invalid YAML").strip()
        context = (exc.context or "").strip()
        msg = f"YAML does not parse: {problem}" + (f" ({context})" if context else "")
        out.problems.append(Problem("parse-error", msg, Span(conv.path, line, col)))
        return line
    except YamlLimitError as exc:
        out.problems.append(Problem("parse-error", str(exc), Span(conv.path, exc.line, 1)))
        return None  # a limit is not a broken document: nothing after it is read
    except (YAMLError, RecursionError, ValueError) as exc:
        out.problems.append(Problem("parse-error", f"YAML does not parse: {exc}", Span(conv.path, 1, 1)))
    return None


class _Converter:
    def __init__(self, path: str, out: YamlStream) -> None:
        self.path = path
        self.problems = out.problems
        self.resets = out.resets
        self.overrides = out.overrides
        self.memo: dict[int, YNode] = {}
        self.count = 0

    def span(self, node) -> Span:
        s, e = node.start_mark, node.end_mark
        return Span(self.path, s.line + 1, s.column + 1, e.line + 1, e.column + 1)

    def convert(self, node, depth: int) -> YNode:
        key = id(node)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlLimitError(f"YAML has more than {MAX_NODES} nodes; not read further", node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise YamlLimitError(f"YAML nests deeper than {MAX_DEPTH} levels; not read further", node.start_mark.line + 1)
        kind = node.id
        if kind == "scalar":
            result: YNode = self.scalar(node)
        elif kind == "sequence":
            items = (self.convert(item, depth + 1) for item in node.value if _tag(item) != _RESET)
            result = YSeq(tuple(items), self.span(node))
        else:
            result = self.mapping(node, depth)
        self.memo[key] = result
        return result

    def scalar(self, node) -> YScalar:
        raw = node.value
        style = getattr(node, "style", None)
        quoted = bool(style)
        tag = _tag(node)
        return YScalar(_typed(_PLAIN if tag == _OVERRIDE else tag, raw, style), raw, self.span(node), quoted)

    def mapping(self, node, depth: int) -> YMap:
        merged: list[YPair] = []
        explicit: list[YPair] = []
        seen: dict[str, YScalar] = {}
        tags: dict[str, str] = {}  # keys whose last value is tagged `!reset` or `!override`
        for knode, vnode in node.value:
            if _tag(knode) == _TAG + "merge" or (knode.id == "scalar" and knode.value == "<<" and not getattr(knode, "style", None)):
                if "<<" in seen:
                    self._dup(knode, "<<")
                seen["<<"] = self.scalar(knode)
                # A repeated `<<` is a duplicate key like any other: only the last one counts.
                merged = self.merge_sources(knode, vnode, depth)
                continue
            if knode.id == "scalar":
                key = self.scalar(knode)
            else:
                # Complex keys are legal YAML but meaningless to compose/kubectl; keep a placeholder.
                key = YScalar("<complex key>", "<complex key>", self.span(knode))
            name = key.text
            if name in seen:
                self._dup(knode, name)
            seen[name] = key
            tag = _tag(vnode)
            if tag == _RESET or tag == _OVERRIDE:
                tags[name] = tag
            else:
                tags.pop(name, None)
            if tag != _RESET:
                explicit.append(YPair(key, self.convert(vnode, depth + 1)))
        span = self.span(node)
        pairs = merged + explicit
        if tags:
            gone = self.note_tags(span, tags)
            pairs = [p for p in pairs if p.key.text not in gone]
        return YMap(tuple(pairs), span)

    def merge_sources(self, knode, vnode, depth: int) -> list[YPair]:
        """The pairs `<<: *x` (or `<<: [*x, *y]`) brings in."""
        merged: list[YPair] = []
        merged_keys: set[str] = set()
        value = self.convert(vnode, depth + 1)
        sources = value.items if isinstance(value, YSeq) else (value,)
        # Earlier sources win over later ones; explicit keys win over all of them. Each key
        # is taken once, so `<<: [*x, *x]` chains cannot double in size at every level.
        for src in sources:
            if isinstance(src, YMap):
                # `items()`: of a key the anchor repeats, only its surviving value comes along.
                for key, value in src.items():
                    if key.text not in merged_keys:
                        merged_keys.add(key.text)
                        merged.append(YPair(key, value))
                        self.count += 1
        if self.count > MAX_NODES:
            raise YamlLimitError(f"YAML has more than {MAX_NODES} nodes; not read further", knode.start_mark.line + 1)
        return merged

    def note_tags(self, span: Span, tags: dict[str, str]) -> set[str]:
        """Records where `!reset`/`!override` decided a key's value; returns the keys reset (they
        are unset: neither an earlier pair of the same key nor a merged one may show through)."""
        gone: set[str] = set()
        for name, tag in tags.items():
            if tag == _RESET:
                gone.add(name)
                self.resets.add((span, name))
            elif tag == _OVERRIDE:
                self.overrides.add((span, name))
        return gone

    def _dup(self, knode, name: str) -> None:
        span = self.span(knode)
        self.problems.append(Problem("duplicate-key", f"key '{name}' repeats an earlier key; this later value wins", span))


def _tag(node) -> str | None:
    """The node's tag. `node.tag` URI-decodes on every access; resolved tags are plain strings."""
    t = node.ctag
    if t is None:
        return None
    return t.suffix if t.handle is None else str(t)


def _typed(tag: str | None, raw: str, style) -> object:
    if style:  # quoted or block scalars are always strings
        return raw
    if tag == _PLAIN:
        # YAML 1.2 core schema, as Compose and kubectl read it (`yes` and `22:22` stay strings).
        if _NULL_RE.match(raw):
            return None
        if _BOOL_RE.match(raw):
            return raw.lower() == "true"
        if _INT_RE.match(raw):
            tag = _TAG + "int"
        elif _FLOAT_RE.match(raw):
            tag = _TAG + "float"
        else:
            return raw
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return raw.lower() == "true"
    if tag == _TAG + "int" and _INT_RE.match(raw):
        text = raw.replace("0o", "").replace("0O", "") if "0o" in raw.lower() else raw
        try:
            if "0x" in raw.lower():
                return int(raw, 16)
            if "0o" in raw.lower():
                return int(text, 8)
            return int(raw)
        except ValueError:
            return raw
    if tag == _TAG + "float" and _FLOAT_RE.match(raw):
        try:
            value = float(raw)
            return value if math.isfinite(value) else raw
        except ValueError:
            return raw
    return raw
