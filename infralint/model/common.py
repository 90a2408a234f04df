"""Typed views shared by several formats, so that one policy can check every format that has it.

A Dockerfile's final stage, a compose service and a Kubernetes container are all a `Container`;
Dockerfile `FROM`, compose `image:` and Kubernetes `image:` are all an `ImageRef`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from infralint.model.span import Span, Spanned


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image reference, split into its parts.

    `raw` is what the file says; `resolved` is the reference after ARG/variable defaults were
    substituted (equal to `raw` when nothing was substituted). `tag` and `digest` describe
    `resolved`. `variable` names the variable the tag came from when it came from one.
    """

    raw: str
    resolved: str
    span: Span
    registry: str | None = None
    repository: str = ""
    tag: str | None = None
    digest: str | None = None
    variable: str | None = None
    # The reference still holds a variable with no default: nothing can be said about its tag.
    unresolved: bool = False
    # `scratch`, or a Dockerfile stage alias rather than an image.
    is_scratch: bool = False
    is_stage: bool = False

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}" if self.registry else self.repository


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One environment (or build-arg) entry.

    `value` is the value as written (None: no value, e.g. `- NAME` pass-through or `ARG NAME`).
    `literal` is the part of the value that is fixed text after interpolations (`${X}`,
    `${X:-default}` keeps `default`, `$(X)`) are taken out; None when there is no value.
    `is_reference` is true when the value comes from elsewhere (secretKeyRef, configMapKeyRef,
    fieldRef, env_file...).
    """

    name: str
    value: str | None
    literal: str | None
    span: Span
    source: str  # "ENV", "ARG", "environment", "build.args", "env", "env_file", "dotenv"
    name_span: Span | None = None
    value_span: Span | None = None
    is_reference: bool = False


@dataclass(frozen=True, slots=True)
class PortMapping:
    """A port a container listens on and, when published, where the host exposes it.

    `published` is true when the port is reachable on the host (compose `ports:`, a Kubernetes
    `hostPort`). `host_ip` None means "all interfaces" when published.
    """

    container_port: str
    span: Span
    published: bool = True
    host_ip: str | None = None
    host_port: str | None = None
    protocol: str = "tcp"
    raw: str = ""
    name: str | None = None  # Kubernetes `ports[].name`, which a Service's targetPort may use
    host_span: Span | None = None  # where the host side is written (Kubernetes `hostPort:`)


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """A HEALTHCHECK instruction, a compose `healthcheck:` or a Kubernetes probe."""

    kind: str  # "HEALTHCHECK", "healthcheck", "readinessProbe", "livenessProbe", "startupProbe"
    span: Span
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class Mount:
    """A volume or bind mount. `source` is the host path or volume name (None for anonymous)."""

    source: str | None
    target: str | None
    span: Span
    type: str = "bind"  # "bind", "volume", "tmpfs", "hostPath", ...
    read_only: bool = False


@dataclass(frozen=True, slots=True)
class BuildRef:
    """Where a compose service's image is built from (paths as written, relative to the compose file)."""

    context: str
    dockerfile: str | None
    span: Span
    target: str | None = None  # `build.target`: the stage that runs, instead of the final one
    inline: str | None = None  # `build.dockerfile_inline`: the Dockerfile's text, used instead of a file
    args: tuple[EnvVar, ...] = ()  # `build.args`, map or list form (source "build.args")


@dataclass(frozen=True, slots=True)
class Container:
    """A unit that runs: a compose service, a Kubernetes container, or a Dockerfile's final stage.

    Fields a format does not have stay empty. `span` is where a *missing* setting is reported:
    the service's key, the container's `- name:` item, the Dockerfile's final `FROM`.
    """

    format: str  # "dockerfile", "compose", "kubernetes"
    name: str
    object: str  # human label, e.g. "service web", "Deployment/api container app"
    span: Span
    image: ImageRef | None = None
    # Compose `user:` / Dockerfile effective USER, as written.
    user: Spanned[str] | None = None
    # Kubernetes, after merging pod and container securityContext field by field.
    run_as_user: Spanned[int] | None = None
    run_as_non_root: Spanned[bool] | None = None
    privileged: Spanned[bool] | None = None
    allow_privilege_escalation: Spanned[bool] | None = None
    cap_add: tuple[Spanned[str], ...] = ()
    security_opt: tuple[Spanned[str], ...] = ()
    host_namespaces: tuple[Spanned[str], ...] = ()  # "network", "pid", "ipc"
    ports: tuple[PortMapping, ...] = ()
    env: tuple[EnvVar, ...] = ()
    env_files: tuple[Spanned[str], ...] = ()
    healthchecks: tuple[HealthCheck, ...] = ()
    memory_limit: Spanned[str] | None = None
    mounts: tuple[Mount, ...] = ()
    build: BuildRef | None = None
    logging_driver: Spanned[str] | None = None
    logging_options: tuple[tuple[str, Spanned[str]], ...] = ()
    # "main", "init", "ephemeral", "sidecar" (Kubernetes); "service", "stage" otherwise.
    role: str = "main"
    # False for Job/CronJob pods; health rules only apply to long-running containers.
    long_running: bool = True
    # Kubernetes: the object (`K8sObject`) this container belongs to, for cross-checks.
    owner: object | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the parser could not read (IL001) or read with a caveat (IL002 duplicate key)."""

    kind: str  # "parse-error", "duplicate-key", "invalid-config"
    message: str
    span: Span


@dataclass(slots=True)
class IgnorePragma:
    """An inline `# infralint: ignore=...` (or an `infralint.io/ignore` annotation), and which of
    the rules it names actually suppressed something (filled in after the rules ran)."""

    refs: tuple[str, ...]  # as written
    ids: frozenset[str]  # resolved rule IDs
    span: Span  # the pragma itself
    first: int  # covered lines, inclusive
    last: int
    reason: str
    whole_file: bool = False
    used: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Document:
    """One scanned file, parsed. Format-specific subclasses add their own typed views."""

    path: str  # display path, `/`-separated
    format: str
    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    ignores: list[IgnorePragma] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        from infralint.decode import split_lines

        return split_lines(self.text)

    @property
    def containers(self) -> list[Container]:
        return []

    @property
    def images(self) -> list[ImageRef]:
        return []
