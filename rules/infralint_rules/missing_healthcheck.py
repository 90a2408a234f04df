from __future__ import annotations

from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.compose import ComposeFile
from infralint.model.dockerfile import Dockerfile
from infralint.model.k8s import KubeFile
from infralint.rule import Context, Finding, rule

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
      service is built from.
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
            if not service.container.healthchecks and _built_image_has_healthcheck(doc, service.container, ctx):
                continue  # the HEALTHCHECK in the Dockerfile it is built from applies
            yield from _service_or_stage(service.container, ctx)
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


def _service_or_stage(container: Container, ctx: Context, severity: str | None = None) -> Iterator[Finding]:
    """A compose service or a Dockerfile's final stage: health check missing, or turned off."""
    if container.format == "dockerfile":
        label, missing, off = "final stage", "has no HEALTHCHECK", "turns health checks off with HEALTHCHECK NONE"
    else:
        label, missing, off = f"service '{container.name}'", "has no healthcheck", "turns its healthcheck off"
    if not container.healthchecks:
        yield ctx.report(container.span, f"{label} {missing}", severity=severity,
                         object=container.object, key="no healthcheck")
        return
    for check in container.healthchecks:
        if check.disabled:
            # The switch-off is written somewhere: point at it, that is the line to change.
            yield ctx.report(check.span, f"{label} {off}", severity=severity,
                             object=container.object, key="healthcheck disabled")


def _built_image_has_healthcheck(doc: ComposeFile, container: Container, ctx: Context) -> bool:
    """A service built from a Dockerfile in the tree inherits its final (or target) stage's HEALTHCHECK."""
    link = ctx.project.build_link(doc, container)
    built = link.document if link is not None else None
    if link is None or not isinstance(built, Dockerfile):
        return False
    stage = built.stage_for(link.build.target)
    return stage is not None and stage.healthcheck is not None and not stage.healthcheck.disabled
