from __future__ import annotations

from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.compose import ComposeFile, Service
from infralint.model.dockerfile import Dockerfile
from infralint.model.k8s import KubeFile
from infralint.rule import Context, Finding, rule
from infralint_rules._compose_project import reports_missing

# A startupProbe only delays the others; on its own nobody checks the container after start.
_K8S_HEALTH_PROBES = frozenset({"readinessProbe", "livenessProbe"})
# Containers that run for the pod's whole life; plain init containers exit before it starts
# (and may not have probes), ephemeral ones are attached by hand for debugging.
_K8S_LONG_RUNNING_ROLES = frozenset({"main", "sidecar"})


@rule(id="IL301", name="missing-healthcheck", severity="medium", formats=("dockerfile", "compose", "kubernetes"))
def missing_healthcheck(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Long-running container has no health check

    ## What it does
    - **Compose**: reports a service with no `healthcheck:`, or one that turns it off
      (`disable: true`, `test: ["NONE"]`). Settings merged in with `<<: *defaults` count, and
      so does a `HEALTHCHECK` in the final (or `build.target`) stage of the Dockerfile the
      service is built from. When that Dockerfile cannot be read (a missing context, a remote
      or `${VAR}` context, a path outside the scanned folder) nothing is reported: no guessing.
      `extends:` bases count, and so do the other compose files of the folder, which Compose
      merges (`compose.override.yaml` adding ports to a service defined in `compose.yaml`):
      a service is reported once, in the file that defines its `image:` or `build:`.
    - **Dockerfile**: reports a final stage with no `HEALTHCHECK` (inherited from the stage it
      is built on counts), or with `HEALTHCHECK NONE`, at low severity: the check can also be
      supplied where the image is run.
    - **Kubernetes**: reports a container of a long-running workload (Deployment,
      StatefulSet, DaemonSet, ReplicaSet, Pod, or a custom resource with a pod template) that
      has neither a `readinessProbe` nor a `livenessProbe`. Jobs, CronJobs, init containers
      and ephemeral containers are never reported; native sidecars are.

    ## Why is this bad?
    Without a health check, "running" only means the process has not exited. A server stuck
    in a deadlock, or still warming up, keeps receiving traffic; Kubernetes sends requests to
    pods that are not ready and never restarts a hung one; compose's
    `depends_on: condition: service_healthy` cannot wait for it, so dependants start against a
    database that is not accepting connections yet.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.3-alpine
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.3-alpine
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 10s
          timeout: 5s
          retries: 5
    ```
    In Kubernetes, add a `readinessProbe` (and usually a `livenessProbe`) to each container;
    in a Dockerfile, `HEALTHCHECK CMD wget -qO- http://localhost:8080/healthz || exit 1`.
    """
    if isinstance(doc, ComposeFile):
        for service in doc.services:
            container = service.container
            if service.provider:
                continue  # a `provider:` service runs no container of ours
            if service.incomplete and not container.healthchecks:
                continue  # its `extends:` base cannot be read: it may well supply one
            if not container.healthchecks and not reports_missing(ctx, doc, service, _may_have_health):
                continue  # another compose file of the folder supplies it, or reports it
            built = _built_image_health(doc, container, ctx) if not container.healthchecks else None
            if built == "healthy" or built == "unknown":
                # The Dockerfile's HEALTHCHECK applies; or the Dockerfile cannot be read (missing:
                # IL702's business; remote, `${VAR}`, outside the root), and we never guess.
                continue
            yield from _service_or_stage(container, ctx, built_from=built)
    elif isinstance(doc, Dockerfile):
        # `containers` is the final stage, its HEALTHCHECK already inherited from its parents.
        for container in doc.containers:
            yield from _service_or_stage(container, ctx, severity="low")
    elif isinstance(doc, KubeFile):
        for container in doc.containers:
            if not container.long_running or container.role not in _K8S_LONG_RUNNING_ROLES:
                continue  # Job/CronJob pods run to completion: there is nothing to keep healthy
            kinds = {h.kind for h in container.healthchecks}
            if not kinds & _K8S_HEALTH_PROBES:
                note = " (a startupProbe alone only gates the start)" if "startupProbe" in kinds else ""
                yield ctx.report(container.span,
                                 f"container '{container.name}' has no readinessProbe or livenessProbe{note}",
                                 object=container.object, key="no probe")


def _may_have_health(service: Service) -> bool:
    """Another file's part of the service brings a healthcheck, or builds the image (that file
    then judges the Dockerfile's)."""
    return bool(service.container.healthchecks) or service.container.build is not None


def _service_or_stage(container: Container, ctx: Context, severity: str | None = None,
                      built_from: str | None = None) -> Iterator[Finding]:
    """A compose service or a Dockerfile's final stage: health check missing, or turned off.
    `built_from` names the Dockerfile a compose service is built from (checked, and lacking one)."""
    if container.format == "dockerfile":
        label, missing, off = "final stage", "has no HEALTHCHECK", "turns health checks off with HEALTHCHECK NONE"
    else:
        label, missing, off = f"service '{container.name}'", "has no healthcheck", "turns its healthcheck off"
        if built_from:
            missing += f", and {built_from} (which it is built from) has no HEALTHCHECK either"
    if not container.healthchecks:
        yield ctx.report(container.span, f"{label} {missing}", severity=severity,
                         object=container.object, key="no healthcheck")
        return
    for check in container.healthchecks:
        if check.disabled:
            # The switch-off is written somewhere: point at it, that is the line to change.
            yield ctx.report(check.span, f"{label} {off}", severity=severity,
                             object=container.object, key="healthcheck disabled")


def _built_image_health(doc: ComposeFile, container: Container, ctx: Context) -> str | None:
    """For a service built from a Dockerfile: "healthy" when its final (or `build.target`) stage
    has a HEALTHCHECK, "unknown" when that Dockerfile cannot be read, else the Dockerfile's path
    (it was checked and lacks one). None for a service that is not built."""
    link = ctx.project.build_link(doc, container)
    if link is None:
        return None
    built = link.document
    if not isinstance(built, Dockerfile):
        return "unknown"
    stage = built.stage_for(link.build.target)
    if stage is None:
        return "unknown"
    if stage.healthcheck is not None and not stage.healthcheck.disabled:
        return "healthy"
    return built.path
