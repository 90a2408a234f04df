"""Image references: `[registry[:port]/]repository[:tag][@digest]`, shared by every format."""
from __future__ import annotations

from infralint.model.common import ImageRef
from infralint.model.span import Span


def split_image(ref: str) -> tuple[str | None, str, str | None, str | None]:
    """-> (registry, repository, tag, digest). A registry port (`reg:5000/app`) is not a tag."""
    ref = ref.strip()
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
        digest = digest or None
    registry = None
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry = parts[0]
        parts = parts[1:]
    last = parts[-1]
    tag = None
    if ":" in last:
        last, tag = last.split(":", 1)
        tag = tag or None
    repository = "/".join(parts[:-1] + [last])
    return registry, repository, tag, digest


def make_image(raw: str, span: Span, *, resolved: str | None = None, variable: str | None = None,
               unresolved: bool = False, is_stage: bool = False) -> ImageRef:
    resolved = raw if resolved is None else resolved
    registry, repository, tag, digest = split_image(resolved)
    return ImageRef(
        raw=raw,
        resolved=resolved,
        span=span,
        registry=registry,
        repository=repository,
        tag=tag,
        digest=digest,
        variable=variable,
        unresolved=unresolved,
        is_scratch=resolved.strip().lower() == "scratch",
        is_stage=is_stage,
    )
