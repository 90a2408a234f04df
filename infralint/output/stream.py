"""Pretty JSON written piece by piece: a 20,000-finding report is never one string in memory.

The pieces join to exactly what `json.dumps(doc, indent=2)` gives with the list in place: the
document is dumped with a placeholder, and the list's items are dumped one at a time at the
placeholder's depth.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

_PLACEHOLDER = "\x00infralint-list\x00"


def dump_chunks(doc: Any, items: Iterable[Any]) -> Iterator[str]:
    """`doc` holds `_PLACEHOLDER` (see `placeholder()`) exactly once where the list goes."""
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    marker = json.dumps(_PLACEHOLDER, ensure_ascii=False)
    at = text.index(marker)
    line_start = text.rfind("\n", 0, at) + 1
    line = text[line_start:at]
    pad = " " * (len(line) - len(line.lstrip()) + 2)  # one level below the line the list opens on
    yield text[:at]
    first = True
    for item in items:
        body = json.dumps(item, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + pad)
        yield ("[\n" if first else ",\n") + pad + body
        first = False
    yield "[]" if first else "\n" + pad[:-2] + "]"
    yield text[at + len(marker):]


def placeholder() -> str:
    return _PLACEHOLDER
