"""YAML loader: duplicate merge keys and Compose's `!reset` / `!override` tags."""
from __future__ import annotations

import textwrap

from infralint.model.yamltree import YMap, YScalar, YSeq
from infralint.parsers.yamlload import load_stream


def root(text: str) -> YMap:
    stream = load_stream(textwrap.dedent(text).lstrip("\n"), "x.yaml")
    node = stream.documents[0].root
    assert isinstance(node, YMap)
    return node


def test_only_the_last_merge_key_contributes():
    web = root("""
        x-a: &a {mem_limit: 256m}
        x-b: &b {healthcheck: {test: ["CMD", "true"]}, user: app}
        web:
          <<: *b
          <<: *a
          image: app:1.0
        """).get_map("web")
    assert web is not None
    assert web.keys() == ["mem_limit", "image"]


def test_duplicate_merge_key_is_still_reported():
    stream = load_stream("x: &x {a: 1}\nweb:\n  <<: *x\n  <<: *x\n", "x.yaml")
    assert [(p.kind, p.span.line) for p in stream.problems] == [("duplicate-key", 4)]


def test_reset_removes_the_key():
    web = root("""
        web:
          environment: {E_PASSWORD: !reset null, MODE: prod}
          privileged: !reset true
          cap_add: !reset [SYS_ADMIN]
          ports: !reset
          image: app
        """).get_map("web")
    assert web is not None
    assert web.keys() == ["environment", "image"]
    assert web.get_map("environment").keys() == ["MODE"]


def test_reset_beats_a_merged_value_and_a_later_key_beats_reset():
    web = root("""
        x: &x {healthcheck: {test: [CMD, "true"]}, user: app}
        web:
          <<: *x
          healthcheck: !reset null
          user: !reset
          user: root
        """).get_map("web")
    assert web is not None
    assert web.get("healthcheck") is None
    assert web.get_str("user") == "root"


def test_reset_items_of_a_list_are_dropped():
    seq = root("a: [x, !reset y, z]\n").get("a")
    assert isinstance(seq, YSeq)
    assert [i.text for i in seq.items if isinstance(i, YScalar)] == ["x", "z"]


def test_override_is_the_plain_value():
    web = root("""
        web:
          privileged: !override true
          mem_limit: !override 512
          cap_add: !override [NET_ADMIN]
          user: !override "0"
        """).get_map("web")
    assert web is not None
    assert web.get_scalar("privileged").value is True
    assert web.get_scalar("mem_limit").value == 512
    assert isinstance(web.get("cap_add"), YSeq)
    assert web.get_scalar("user").value == "0"


def test_reset_and_override_are_recorded_per_mapping():
    text = "web:\n  ports: !reset []\n  environment: !override {A: 1}\n"
    stream = load_stream(text, "x.yaml")
    web = stream.documents[0].root.get_map("web")
    assert (web.span, "ports") in stream.resets
    assert (web.span, "environment") in stream.overrides


def test_a_merged_anchor_brings_only_its_surviving_values():
    web = root("""
        x: &x {mem_limit: 128m, mem_limit: 512m}
        web:
          <<: *x
        """).get_map("web")
    assert web is not None
    assert [(p.key.text, p.value.text) for p in web.pairs] == [("mem_limit", "512m")]
