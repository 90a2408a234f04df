"""A spanned YAML tree: the typed, parser-independent form of a YAML document.

Rules never see ruamel nodes; compose and Kubernetes models keep a `YNode` for fields they do not
model yet ("escape hatch"), still with line and column.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Union

from infralint.model.span import Span

TRUE_WORDS = frozenset({"true", "yes", "on", "y"})
FALSE_WORDS = frozenset({"false", "no", "off", "n"})


@dataclass(frozen=True, slots=True)
class YScalar:
    """A scalar. `value` is typed by the YAML 1.2 core schema (str, int, float, bool, None)."""

    value: object
    raw: str
    span: Span
    quoted: bool = False

    @property
    def text(self) -> str:
        """The value as a string, the way Compose and kubectl would read it for a string field."""
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return self.raw if not self.quoted else str(self.value)

    def as_bool(self) -> bool | None:
        """Read as a boolean field: YAML 1.1 `yes`/`on` count, as Docker and kubectl accept them.
        Quoted or not: under YAML 1.2 a bare `yes` is the same string as `'yes'`."""
        if isinstance(self.value, bool):
            return self.value
        if isinstance(self.value, str):
            low = self.value.strip().lower()
            if low in TRUE_WORDS:
                return True
            if low in FALSE_WORDS:
                return False
        return None

    def as_int(self) -> int | None:
        if isinstance(self.value, bool):
            return None
        if isinstance(self.value, int):
            return self.value
        if isinstance(self.value, str) and self.value.strip().lstrip("+-").isdigit():
            return int(self.value.strip())
        return None


@dataclass(frozen=True, slots=True)
class YPair:
    key: YScalar
    value: "YNode"


@dataclass(frozen=True, slots=True)
class YMap:
    pairs: tuple[YPair, ...]
    span: Span

    def get(self, key: str) -> "YNode | None":
        # Later pairs win, as with duplicate keys in every YAML consumer.
        found = None
        for pair in self.pairs:
            if pair.key.text == key:
                found = pair.value
        return found

    def pair(self, key: str) -> YPair | None:
        found = None
        for pair in self.pairs:
            if pair.key.text == key:
                found = pair
        return found

    def keys(self) -> list[str]:
        return [p.key.text for p in self.pairs]

    def items(self) -> Iterator[tuple[YScalar, "YNode"]]:
        """Each key once, with its surviving value, in first-appearance order."""
        last: dict[str, YPair] = {}
        for pair in self.pairs:
            last[pair.key.text] = pair
        seen: set[str] = set()
        for pair in self.pairs:
            k = pair.key.text
            if k in seen:
                continue
            seen.add(k)
            winner = last[k]
            yield winner.key, winner.value

    def get_map(self, key: str) -> "YMap | None":
        node = self.get(key)
        return node if isinstance(node, YMap) else None

    def get_seq(self, key: str) -> "YSeq | None":
        node = self.get(key)
        return node if isinstance(node, YSeq) else None

    def get_scalar(self, key: str) -> YScalar | None:
        node = self.get(key)
        return node if isinstance(node, YScalar) else None

    def get_str(self, key: str) -> str | None:
        node = self.get_scalar(key)
        return None if node is None or node.value is None else node.text

    def get_bool(self, key: str) -> bool | None:
        node = self.get_scalar(key)
        return None if node is None else node.as_bool()


@dataclass(frozen=True, slots=True)
class YSeq:
    items: tuple["YNode", ...]
    span: Span


YNode = Union[YScalar, YMap, YSeq]


def node_span(node: YNode) -> Span:
    return node.span
