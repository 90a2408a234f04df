from __future__ import annotations

from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.compose import ComposeFile
from infralint.model.k8s import KubeFile
from infralint.rule import Context, Finding, rule
from infralint_rules._compose_project import reports_missing

# Docker reads a memory limit of 0 as "no limit".
_UNLIMITED = "0"


@rule(id="IL302", name="missing-resource-limits", severity="low", formats=("compose", "kubernetes"))
def missing_resource_limits(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container has no memory limit

    ## What it does
    - **Compose**: reports a service with neither `deploy.resources.limits.memory` nor
      `mem_limit` (settings merged in with `<<: *defaults` count), at the service's key.
      `extends:` bases and the folder's other compose files (`compose.override.yaml`…) count
      too; a service split across files is reported once, where its `image:` or `build:` is.
    - **Kubernetes**: reports a container without `resources.limits.memory`, at its
      `- name:` item. Every workload kind counts, Jobs and CronJobs included, and so do init
      containers: a namespace `ResourceQuota` on `limits.memory` rejects a pod when any of its
      containers, init ones included, lacks a limit (kube-linter checks them all too).
      Ephemeral debug containers cannot have resources and are skipped. A `LimitRange` in
      the cluster may supply a default; it is not visible in the manifests, so it does not
      count.

    A compose limit of `0` means "unlimited" to Docker and is reported at that line.

    ## Why is this bad?
    Without a memory limit, one leaking or overloaded container can take all the memory of
    the host or node. The kernel's OOM killer then picks victims among every process on the
    machine, the database next door or the kubelet included, and one bad deploy becomes an
    outage of everything scheduled beside it. A limit makes the faulty container the one that
    gets killed and restarted.

    ## Example
    ```yaml
    services:
      worker:
        image: ghcr.io/acme/worker:3.2.0
    ```

    ## Use instead
    ```yaml
    services:
      worker:
        image: ghcr.io/acme/worker:3.2.0
        deploy:
          resources:
            limits:
              memory: 512M
    ```
    In Kubernetes, set `resources.limits.memory` (and `requests.memory`) on each container.
    """
    if isinstance(doc, ComposeFile):
        for service in doc.services:
            if service.provider:
                continue  # a `provider:` service runs no container of ours
            if service.incomplete and service.container.memory_limit is None:
                continue  # its `extends:` base cannot be read: it may well set one
            if service.container.memory_limit is None and not reports_missing(
                    ctx, doc, service, lambda s: s.container.memory_limit is not None):
                continue  # another compose file of the folder sets it, or reports it
            yield from _check(service.container, f"service '{service.name}'",
                              "deploy.resources.limits.memory or mem_limit", ctx)
    elif isinstance(doc, KubeFile):
        for container in doc.containers:
            if container.role == "ephemeral":
                continue  # the API refuses resources on ephemeral containers
            yield from _check(container, f"container '{container.name}'", "resources.limits.memory", ctx)


def _check(container: Container, label: str, setting: str, ctx: Context) -> Iterator[Finding]:
    limit = container.memory_limit
    if limit is None:
        yield ctx.report(container.span, f"{label} has no memory limit ({setting})",
                         object=container.object, key="no memory limit")
    elif container.format == "compose" and limit.value.strip() == _UNLIMITED:
        yield ctx.report(limit.span, f"{label} sets its memory limit to 0, which Docker reads as no limit",
                         object=container.object, key="memory limit 0")
