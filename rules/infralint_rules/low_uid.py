from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.compose import ComposeFile
from infralint.model.dockerfile import Dockerfile, Stage, lineage
from infralint.model.k8s import KubeFile
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule

# UIDs up to here may exist on the host (regular users start at 1000); above it, a container
# user maps to no host account. The threshold kube-score, kubesec and Trivy use.
LOW_UID_MAX = 10000


@rule(id="IL207", name="low-uid", severity="info", formats=("dockerfile", "compose", "kubernetes"), enabled=False)
def low_uid(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container runs as a UID that may exist on the host (10000 or below)

    ## What it does
    Reports a runtime UID that is set to a number from 1 to 10000:

    - **Dockerfile**: the final stage's effective `USER` (inherited from the stage it is built
      on) when it is numeric or has a numeric user part (`1000`, `1000:1000`), or names a user
      the file creates with a UID (`RUN adduser -D -u 1001 app` then `USER app`).
    - **Compose**: `user:` with a numeric user part.
    - **Kubernetes**: the effective `runAsUser` (the container's, else the pod's), reported
      once at the line that sets it.

    UID 0 is IL201's (root-user) business and not reported here. Other names (`node`, `nginx`,
    set up by the base image) and variables cannot be judged and are skipped; a compose service without `user:` is judged
    through its Dockerfile, which is linted on its own.

    Off by default: UIDs such as 1000 are the norm in official images and Helm charts.

    ## Why is this bad?
    UIDs are not namespaced by default: UID 1000 in the container is UID 1000 on the host,
    usually the first human account. If the process escapes the container, or writes to a
    bind mount, it acts as that user and owns that user's files. A UID above 10000 matches no
    host account, so the same escape lands as nobody in particular.

    ## Example
    ```dockerfile
    FROM node:20-bookworm-slim
    USER 1000
    CMD ["node", "server.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-bookworm-slim
    RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-create-home app
    USER 10001:10001
    CMD ["node", "server.js"]
    ```
    In Kubernetes, set `runAsUser: 10001` (and `runAsGroup`) in the `securityContext`.
    """
    if isinstance(doc, Dockerfile):
        final = doc.final_stage
        user = final.user if final is not None else None  # already inherited from its parents
        uid = numeric_uid(user.value) if user is not None else None
        if uid is None and user is not None and final is not None:
            uid = created_uid(final, user.value.split(":", 1)[0].strip())
        if final is not None and user is not None and uid is not None and _low(uid):
            yield ctx.report(user.span, f"final stage runs as UID {uid} (USER {user.value}), "
                                        f"which may exist on the host; use a UID above {LOW_UID_MAX}",
                             object=f"stage {final.name}", key=f"uid {uid}")
    elif isinstance(doc, ComposeFile):
        for service in doc.services:
            user = service.container.user
            uid = numeric_uid(user.value) if user is not None else None
            if user is not None and uid is not None and _low(uid):
                yield ctx.report(user.span, f"service '{service.name}' runs as UID {uid} (user: {user.value}), "
                                            f"which may exist on the host; use a UID above {LOW_UID_MAX}",
                                 object=service.container.object, key=f"uid {uid}")
    elif isinstance(doc, KubeFile):
        for workload in doc.workloads:
            # A pod-level runAsUser inherited by several containers is one line to fix.
            by_span: dict[Span, list[Container]] = {}
            for container in workload.containers:
                uid = container.run_as_user
                if container.role != "ephemeral" and uid is not None and _low(uid.value):
                    by_span.setdefault(uid.span, []).append(container)
            for span, containers in by_span.items():
                value = containers[0].run_as_user.value  # type: ignore[union-attr]
                names = ", ".join(f"'{c.name}'" for c in containers)
                obj = containers[0].object if len(containers) == 1 else workload.obj.label
                noun = "container" if len(containers) == 1 else "containers"
                yield ctx.report(span, f"runAsUser: {value} runs {noun} {names} as a UID that may exist "
                                       f"on the host; use a UID above {LOW_UID_MAX}",
                                 object=obj, key=f"uid {value}")


def numeric_uid(user: str) -> int | None:
    """The UID of `1000` or `1000:1000`; None for a name (`node`), a variable or nothing."""
    part = user.strip().split(":", 1)[0].strip()
    return int(part) if part.isascii() and part.isdigit() else None


_USER_TOOLS = frozenset({"useradd", "adduser"})
_COMMAND_BREAK = re.compile(r"&&|\|\||[;|\n]")


def created_uid(stage: Stage, name: str) -> int | None:
    """The UID a `RUN useradd -u 1001 app` / `adduser -D -u 1001 app` in this stage or the
    stages it is built on gives the user `name` (the last such command wins)."""
    found: int | None = None
    for s in lineage(stage):
        for instr in s.instructions:
            if instr.keyword != "RUN":
                continue
            for command in _COMMAND_BREAK.split(instr.args):
                words = [w.strip("'\"") for w in command.split()]
                while words and words[0] in ("sudo", "exec", "command"):
                    words = words[1:]
                if not words or words[0].rsplit("/", 1)[-1] not in _USER_TOOLS or words[-1] != name:
                    continue
                uid = _uid_option(words[1:-1])
                found = uid if uid is not None else found
    return found


def _uid_option(words: list[str]) -> int | None:
    for i, word in enumerate(words):
        value = None
        if word in ("-u", "--uid") and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("--uid="):
            value = word[len("--uid="):]
        if value is not None and value.isdigit():
            return int(value)
    return None


def _low(uid: int) -> bool:
    # 0 is root: IL201 reports it, and "low UID" would understate it.
    return 0 < uid <= LOW_UID_MAX
