"""Streamed JSON is byte-for-byte what one `json.dumps(indent=2)` of the whole document gives."""
from __future__ import annotations

import json

import pytest

from infralint.output.stream import dump_chunks, placeholder


@pytest.mark.parametrize("items", [[], [1], ["é", None], [{"a": [1, {"b": 2}], "c": "x\ny"}, {}, []]])
@pytest.mark.parametrize("shape", ["top", "nested"])
def test_chunks_join_to_json_dumps(items: list, shape: str) -> None:
    def doc(value: object) -> dict:
        if shape == "top":
            return {"version": 1, "findings": value, "summary": {"n": 2}}
        return {"runs": [{"tool": {"x": [1]}, "results": value, "after": True}], "end": "z"}

    streamed = "".join(dump_chunks(doc(placeholder()), iter(items)))
    assert streamed == json.dumps(doc(items), indent=2, ensure_ascii=False) + "\n"


def test_items_are_produced_lazily() -> None:
    produced: list[int] = []

    def items():
        for i in range(3):
            produced.append(i)
            yield {"i": i}

    chunks = dump_chunks({"findings": placeholder()}, items())
    head = next(chunks)
    assert produced == []  # nothing built before it is written
    assert json.loads(head + "".join(chunks))["findings"] == [{"i": 0}, {"i": 1}, {"i": 2}]
