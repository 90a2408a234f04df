"""Compose model: services as Containers, plus the project-level names other files refer to."""
from __future__ import annotations

from dataclasses import dataclass, field

from infralint.model.common import Container, Document, ImageRef
from infralint.model.span import Span
from infralint.model.yamltree import YMap


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    span: Span  # the service's key line
    container: Container
    node: YMap | None = None  # escape hatch: unmodelled keys, still spanned
    aliases: tuple[str, ...] = ()  # network aliases, container_name, hostname
    build_only: bool = False  # has build: and no image:, or image: only names the build result
    # `extends:` names a base that cannot be read (outside the scan, a variable, a cycle): the
    # settings it would supply are unknown, so nothing may be reported as missing.
    incomplete: bool = False
    # `provider:` (Compose 2.36+): a platform capability such as a model runner, not a container
    # of ours; container settings (healthcheck, limits) do not apply.
    provider: bool = False


@dataclass(slots=True)
class ComposeFile(Document):
    services: list[Service] = field(default_factory=list)
    node: YMap | None = None

    @property
    def containers(self) -> list[Container]:
        return [s.container for s in self.services]

    @property
    def images(self) -> list[ImageRef]:
        return [s.container.image for s in self.services if s.container.image is not None and not s.build_only]

    def host_names(self) -> set[str]:
        """Names other containers of this project can reach a service by."""
        names: set[str] = set()
        for s in self.services:
            names.add(s.name)
            names.update(s.aliases)
        return names
