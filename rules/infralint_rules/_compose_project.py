"""One service written across several compose files of a folder (`compose.yaml` with
`compose.override.yaml`, `docker-compose.prod.yml`…), which Compose merges: what one file leaves
out another may supply. Used by the rules that report something *missing* from a service."""
from __future__ import annotations

from typing import Callable

from infralint.model.compose import ComposeFile, Service
from infralint.rule import Context

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def reports_missing(ctx: Context, doc: ComposeFile, service: Service, has: Callable[[Service], bool]) -> bool:
    """Whether `doc` reports `service` (which lacks something) as lacking it: no other compose
    file of the folder gives the service what `has` looks for, and `doc` is where the service is
    defined (the first file with its `image:` or `build:`, base names first), so that the
    finding is made once."""
    same = [(f, s) for f in _ordered(ctx, doc) for s in f.services if s.name == service.name]
    if len(same) <= 1:
        return True
    if any(has(s) for f, s in same if f is not doc):
        return False
    defining = [f for f, s in same if s.container.image is not None or s.container.build is not None]
    return (defining or [f for f, _ in same])[0] is doc


def _ordered(ctx: Context, doc: ComposeFile) -> list[ComposeFile]:
    files = ctx.project.compose_files_beside(doc) or [doc]
    if doc not in files:
        files = [doc, *files]

    def rank(f: ComposeFile) -> tuple[int, str]:
        name = f.path.rsplit("/", 1)[-1].lower()
        return (BASE_NAMES.index(name) if name in BASE_NAMES else len(BASE_NAMES), name)

    return sorted(files, key=rank)
