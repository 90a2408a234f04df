"""Compose service `volumes:` (short and long syntax) -> Mount.

Short syntax is `[SOURCE:]TARGET[:MODE]`, split like compose-go's `ParseVolume`: a Windows drive
letter (`C:\\data`) is not a separator. Sources and targets get inline defaults applied, so
`${SOCK:-/var/run/docker.sock}` is seen as the socket.
"""
from __future__ import annotations

from infralint.model.common import Mount
from infralint.model.span import Span
from infralint.model.yamltree import YMap, YNode, YScalar
from infralint.parsers.compose_common import Ctx, describe, expand, expect_seq


def parse_volumes(ctx: Ctx, node: YNode) -> list[Mount]:
    seq = expect_seq(ctx, "volumes", node)
    if seq is None:
        return []
    out: list[Mount] = []
    for item in seq.items:
        if isinstance(item, YMap):
            mount = _long_volume(item)
        elif isinstance(item, YScalar) and isinstance(item.value, str):
            mount = _short_volume(item.text, item.span)
        else:
            mount = f"expected a volume string or a mapping, found {describe(item)}"
        if isinstance(mount, str):
            ctx.bad(item.span, f"volumes: {mount}")
        else:
            out.append(mount)
    return out


def is_host_path(source: str) -> bool:
    """A bind mount's source is a path; anything else names a volume (compose's own test).
    A source set by an unknown variable (`${DATA_DIR}`) is taken as a path: that is what such
    variables hold in practice."""
    return source.startswith((".", "/", "~", "\\", "$")) or _is_drive(source, 0)


def _short_volume(raw: str, span: Span) -> Mount | str:
    text = expand(raw).strip()
    if not text:
        return f"'{raw}' is empty"
    parts = _split_spec(text)
    if any(not p for p in parts):
        return f"'{raw}' has an empty section between colons"
    if len(parts) == 1:
        return Mount(None, parts[0], span, type="volume")
    source, target = parts[0], parts[1]
    options = {o.strip() for p in parts[2:] for o in p.split(",")}
    kind = "bind" if is_host_path(source) else "volume"
    return Mount(source, target, span, type=kind, read_only="ro" in options)


def _long_volume(item: YMap) -> Mount | str:
    target = _text(item, "target")
    if not target:
        return "long syntax needs a 'target' (the path inside the container)"
    source = _text(item, "source")
    kind = _text(item, "type")
    if not kind:
        kind = "volume" if not source else ("bind" if is_host_path(source) else "volume")
    read_only = item.get_bool("read_only") is True
    return Mount(source, target, item.span, type=kind, read_only=read_only)


def _text(item: YMap, key: str) -> str | None:
    value = item.get_str(key)
    if value is None:
        return None
    return expand(value).strip() or None


def _split_spec(spec: str) -> list[str]:
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(spec):
        if spec[i] == ":":
            # `C:\x` or `C:/x` starting a part is a drive, not a separator. A first part that is
            # a drive must be followed by another `:` (else `a:/data` is volume `a` at `/data`).
            if i == start + 1 and _is_drive(spec, start) and (parts or ":" in spec[i + 1:]):
                i += 1
                continue
            parts.append(spec[start:i])
            start = i + 1
        i += 1
    parts.append(spec[start:])
    return parts


def _is_drive(text: str, at: int) -> bool:
    return (len(text) >= at + 3 and text[at].isascii() and text[at].isalpha()
            and text[at + 1] == ":" and text[at + 2] in "\\/")
