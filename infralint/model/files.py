"""Small formats: `.env` files and `.dockerignore`."""
from __future__ import annotations

from dataclasses import dataclass, field

from infralint.model.common import Document, EnvVar
from infralint.model.span import Spanned


@dataclass(slots=True)
class EnvFile(Document):
    entries: list[EnvVar] = field(default_factory=list)
    # `.env.example`, `.env.sample`, ...: documentation of variables, not a deployment.
    template: bool = False


@dataclass(slots=True)
class DockerIgnore(Document):
    patterns: list[Spanned[str]] = field(default_factory=list)
