from __future__ import annotations

from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.compose import ComposeFile
from infralint.model.dockerfile import Dockerfile, Stage
from infralint.model.k8s import KubeFile, Workload
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._users import is_nonroot_base, is_root_user


@rule(id="IL201", name="root-user", severity="high", formats=("dockerfile", "compose", "kubernetes"))
def root_user(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container runs as root

    ## What it does
    Reports containers known to run as root (UID 0):

    - **Dockerfile**: the final stage's effective `USER` is missing, `root` or `0` (with or
      without a `:group`). A stage built `FROM` an earlier stage inherits that stage's `USER`,
      and only the final stage counts: build stages may run as root. A base image tagged
      `nonroot` (distroless) already sets a non-root user.
    - **Compose**: `user:` is `root` or `0`; or, with no `user:`, the service is built from a
      Dockerfile in the tree whose final stage (or `build.target` stage) runs as root.
    - **Kubernetes**: after merging the pod and container `securityContext` field by field,
      the container sets neither `runAsNonRoot: true` nor a `runAsUser` above 0, or it sets
      `runAsUser: 0`. Init containers count; ephemeral debug containers do not.

    A `USER` written with variables is read with the ARG and ENV defaults it can see
    (`ARG UID=0` then `USER $UID` is root), as IL101 reads `FROM`; a variable that nothing gives
    a value, and a compose `user:` from the environment, are unknown and not reported.

    ## Why is this bad?
    Root in a container is root on the host's kernel. Any code execution bug in the
    application, or any compromised dependency, then gets full control of the container's
    filesystem and a much shorter path to the host: a container escape, a writable mount or
    an added capability is exploited as UID 0. Running as an unprivileged user is a cheap
    layer of defence, and most images support it.

    ## Example
    ```dockerfile
    FROM node:20-bookworm-slim
    WORKDIR /app
    COPY --chown=node:node . .
    CMD ["node", "server.js"]
    ```
    ```yaml
    apiVersion: v1
    kind: Pod
    metadata:
      name: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.4.1
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-bookworm-slim
    WORKDIR /app
    COPY --chown=node:node . .
    USER node
    CMD ["node", "server.js"]
    ```
    ```yaml
    apiVersion: v1
    kind: Pod
    metadata:
      name: api
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: api
          image: ghcr.io/acme/api:2.4.1
    ```
    """
    if isinstance(doc, Dockerfile):
        yield from _dockerfile(doc, ctx)
    elif isinstance(doc, ComposeFile):
        yield from _compose(doc, ctx)
    elif isinstance(doc, KubeFile):
        for workload in doc.workloads:
            yield from _workload(workload, ctx)


def _dockerfile(doc: Dockerfile, ctx: Context) -> Iterator[Finding]:
    final = doc.final_stage
    if final is None:
        return
    reason = stage_runs_as_root(doc, final)
    if reason is not None:
        span, why, key = reason
        yield ctx.report(span, f"final stage runs as root: {why}", object=f"stage {final.name}", key=key)


def stage_runs_as_root(doc: Dockerfile, stage: Stage) -> tuple[Span, str, str] | None:
    """(where to point, why, fingerprint key) when `stage` runs as root, else None."""
    user = stage.user  # already inherited from the stages this one is built on
    if user is not None:
        if not is_root_user(user.value):
            return None
        # Point at the USER line, even when it sits in an earlier stage: that is what to edit.
        origin = _stage_at(doc, user.span.line)
        where = f" (inherited from stage {origin.name})" if origin is not None and origin is not stage else ""
        return user.span, f"USER {user.value}{where}", f"USER {user.value}"
    base = _base_stage(stage)
    if is_nonroot_base(base.image):
        return None
    why = "built FROM scratch with no USER" if base.image.is_scratch else "no USER instruction"
    return stage.from_instruction.span, why, "no USER"


def _stage_at(doc: Dockerfile, line: int) -> Stage | None:
    """The stage an instruction on `line` belongs to."""
    found = None
    for stage in doc.stages:
        if stage.from_instruction.span.line <= line:
            found = stage
    return found


def _base_stage(stage: Stage) -> Stage:
    """The first stage of `stage`'s lineage: the one whose FROM names a real image (or scratch)."""
    seen: set[int] = set()
    while stage.parent is not None and stage.index not in seen:
        seen.add(stage.index)
        stage = stage.parent
    return stage


def _compose(doc: ComposeFile, ctx: Context) -> Iterator[Finding]:
    for service in doc.services:
        user = service.container.user
        if user is not None:
            if is_root_user(user.value):
                yield ctx.report(user.span, f"service '{service.name}' runs as root: user: {user.value}",
                                 object=service.container.object, key=f"user {user.value}")
            continue
        if service.incomplete:
            continue  # its `extends:` base cannot be read: it may well set a user
        # No `user:`: the image decides. A pulled image cannot be judged; a service built from a
        # Dockerfile in the tree runs as that Dockerfile's final (or `build.target`) stage.
        link = ctx.project.build_link(doc, service.container)
        built = link.document if link is not None else None
        if not isinstance(built, Dockerfile) or link is None:
            continue
        stage = built.stage_for(link.build.target)
        reason = stage_runs_as_root(built, stage) if stage is not None else None
        if reason is not None:
            _, why, key = reason
            yield ctx.report(service.span,
                             f"service '{service.name}' runs as root: it is built from {built.path} "
                             f"(stage {stage.name}: {why}) and sets no user:",
                             object=service.container.object, key=f"built {built.path} {key}")


def _workload(workload: Workload, ctx: Context) -> Iterator[Finding]:
    # A pod-level `runAsUser: 0` inherited by several containers is one line to fix: report it
    # once, naming every container it makes root.
    explicit_root: dict[Span, list[Container]] = {}
    for container in workload.containers:
        if container.role == "ephemeral":
            continue  # debug containers are attached by hand, never written in a manifest to fix
        uid, non_root = container.run_as_user, container.run_as_non_root
        if uid is not None and uid.value == 0:
            explicit_root.setdefault(uid.span, []).append(container)
        elif uid is not None and uid.value > 0:
            continue
        elif non_root is not None and non_root.value:
            continue
        else:
            yield ctx.report(
                container.span,
                f"container '{container.name}' may run as root: neither runAsNonRoot: true nor a non-zero "
                "runAsUser is set in its or the pod's securityContext",
                object=container.object,
                key="no runAsNonRoot/runAsUser",
            )
    for span, containers in explicit_root.items():
        names = ", ".join(f"'{c.name}'" for c in containers)
        noun = "container" if len(containers) == 1 else "containers"
        obj = containers[0].object if len(containers) == 1 else workload.obj.label
        yield ctx.report(span, f"runAsUser: 0 runs {noun} {names} as root", object=obj, key="runAsUser 0")
