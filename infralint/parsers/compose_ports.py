"""Compose `ports:` (short and long syntax) and `expose:` -> PortMapping.

The short syntax is split the way Docker's `nat.ParsePortSpec` splits it: the last `:` part is the
container port, the one before it the host port, anything before that the host IP (so an
unbracketed IPv6 address like `::1:8080:80` works too).
"""
from __future__ import annotations

import re

from infralint.model.common import PortMapping
from infralint.model.span import Span
from infralint.model.yamltree import YMap, YNode, YScalar
from infralint.parsers.compose_common import Ctx, describe, expand, expect_seq

PROTOCOLS = frozenset({"tcp", "udp", "sctp"})
_PORT = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")


def parse_ports(ctx: Ctx, node: YNode) -> list[PortMapping]:
    seq = expect_seq(ctx, "ports", node)
    if seq is None:
        return []
    out: list[PortMapping] = []
    for item in seq.items:
        if isinstance(item, YMap):
            mapping = _long_port(item)
        elif isinstance(item, YScalar) and _is_port_scalar(item):
            mapping = _short_port(item.text, item.span)
        else:
            mapping = f"expected a port string or a mapping, found {describe(item)}"
        if isinstance(mapping, str):
            ctx.bad(item.span, f"ports: {mapping}")
        else:
            out.append(mapping)
    return out


def parse_expose(ctx: Ctx, node: YNode) -> list[PortMapping]:
    """`expose:` ports are reachable from other containers only, never published on the host."""
    seq = expect_seq(ctx, "expose", node)
    if seq is None:
        return []
    out: list[PortMapping] = []
    for item in seq.items:
        if not (isinstance(item, YScalar) and _is_port_scalar(item)):
            ctx.bad(item.span, f"expose: expected a port, found {describe(item)}")
            continue
        raw = item.text
        port, proto = _split_protocol(expand(raw).strip())
        error = _check_protocol(proto) or _check_port(port, "port")
        if error:
            ctx.bad(item.span, f"expose: '{raw}': {error}")
            continue
        out.append(PortMapping(port, item.span, published=False, protocol=proto, raw=raw))
    return out


def _is_port_scalar(node: YScalar) -> bool:
    # Strings and whole numbers only: `80.5` or `true` is never a port.
    value = node.value
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _short_port(raw: str, span: Span) -> PortMapping | str:
    text, proto = _split_protocol(expand(raw).strip())
    error = _check_protocol(proto)
    if error:
        return f"'{raw}': {error}"
    parts = text.split(":")
    container = parts[-1]
    host: str | None = None
    ip: str | None = None
    if len(parts) == 2:
        host = parts[0]
    elif len(parts) >= 3:
        ip, host = ":".join(parts[:-2]), parts[-2]
    ip = _clean_ip(ip)
    error = _check_port(container, "container port") or (_check_port(host, "host port") if host else None)
    if error is None and ip is not None and not _valid_ip(ip):
        error = f"'{ip}' is not an IP address"
    if error:
        return f"'{raw}': {error}"
    return PortMapping(container, span, published=True, host_ip=ip, host_port=host or None, protocol=proto, raw=raw)


def _long_port(item: YMap) -> PortMapping | str:
    target = item.get_scalar("target")
    if target is None or target.value is None:
        return "long syntax needs a 'target' (the container port)"
    container = expand(target.text).strip()
    published_node = item.get_scalar("published")
    host = None
    if published_node is not None and published_node.value is not None:
        host = expand(published_node.text).strip() or None
    ip = _clean_ip(expand(item.get_str("host_ip") or "").strip())
    proto = (item.get_str("protocol") or "tcp").strip().lower()
    error = (_check_protocol(proto) or _check_port(container, "target")
             or (_check_port(host, "published") if host else None))
    if error is None and ip is not None and not _valid_ip(ip):
        error = f"host_ip '{ip}' is not an IP address"
    if error:
        return error
    # No string was written; render the equivalent short syntax for messages and fingerprints.
    shown_ip = f"[{ip}]" if ip and ":" in ip else ip
    raw = ":".join(p for p in (shown_ip, host, container) if p) + f"/{proto}"
    return PortMapping(container, item.span, published=True, host_ip=ip, host_port=host, protocol=proto, raw=raw)


def _split_protocol(text: str) -> tuple[str, str]:
    if "/" in text:
        text, proto = text.rsplit("/", 1)
        return text, proto.strip().lower()
    return text, "tcp"


def _check_protocol(proto: str) -> str | None:
    return None if proto in PROTOCOLS else f"unknown protocol '{proto}'"


def _check_port(text: str | None, what: str) -> str | None:
    """None when `text` is a port (1-65535) or a range of them; else why not."""
    if text and "$" in text:
        return None  # set by a variable we cannot see: unknown, not wrong
    m = _PORT.match(text or "")
    if m is None:
        return f"{what} '{text or ''}' is not a port number or range"
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    if not 0 < low <= high <= 65535:
        return f"{what} '{text}' is out of range (1-65535)"
    return None


def _clean_ip(ip: str | None) -> str | None:
    """`[::1]` -> `::1`; an empty IP (e.g. an unset variable) means all interfaces, as in Docker."""
    if not ip:
        return None
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    return ip or None


def _valid_ip(ip: str) -> bool:
    if "$" in ip:
        return True  # set by a variable we cannot see
    import ipaddress  # only needed for host IPs, which few files have

    try:
        ipaddress.ip_address(ip.split("%", 1)[0])  # an IPv6 zone (`fe80::1%eth0`) is fine
        return True
    except ValueError:
        return False
