"""Compose `image:` -> ImageRef, with interpolation and the variable the tag came from."""
from __future__ import annotations

from infralint.model.common import ImageRef
from infralint.model.span import Span
# The same pattern `interpolate` uses, so that offsets here match its substitutions exactly.
from infralint.parsers.interpolate import VAR_PATTERN
from infralint.parsers.interpolate import interpolate
from infralint.parsers.images import make_image


def compose_image(raw: str, span: Span) -> ImageRef:
    """`${TAG:-latest}` resolves to `latest`; `variable` names the variable the tag came from."""
    resolved, variable, unresolved = tag_source(raw)
    return make_image(raw, span, resolved=resolved, variable=variable, unresolved=unresolved)


def tag_source(raw: str) -> tuple[str, str | None, bool]:
    """-> (resolved reference, variable that produced the tag, whether that variable has no value).

    "The tag" is the text after the last path segment's `:` (and any digest); with no tag, the
    end of the name, since an implied `latest` then comes from whatever wrote that end
    (`${IMAGE:-nginx}`). A variable elsewhere (`${REGISTRY}/app:1.0`) does not make the tag
    unknown, so it neither names `variable` nor sets `unresolved`.
    """
    pieces: list[tuple[int, int, str, bool]] = []
    out: list[str] = []
    pos = last = 0
    for m in VAR_PATTERN.finditer(raw):
        out.append(raw[last:m.start()])
        pos += m.start() - last
        part = interpolate(m.group(0))
        name = m.group("name") or m.group("bare")
        if name:
            pieces.append((pos, pos + len(part.text), name, bool(part.unresolved)))
        out.append(part.text)
        pos += len(part.text)
        last = m.end()
    out.append(raw[last:])
    resolved = "".join(out)
    ref = resolved.split("@", 1)[0]
    colon = ref.find(":", ref.rfind("/") + 1)
    start = colon if colon >= 0 else max(len(ref) - 1, 0)
    for s, e, name, unresolved in reversed(pieces):
        covers = (s < len(resolved) and e > start) if e > s else start <= s <= len(resolved)
        if covers:
            return resolved, name, unresolved
    return resolved, None, False
