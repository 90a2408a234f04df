from __future__ import annotations

from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.compose import ComposeFile, Service
from infralint.model.k8s import KubeFile
from infralint.rule import Context, Finding, rule

# Docker reads `no-new-privileges` alone, or with `:` / `=` and a Go `strconv.ParseBool` value.
_NO_NEW_PRIVILEGES = "no-new-privileges"
_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})


@rule(id="IL203", name="privilege-escalation", severity="medium", formats=("compose", "kubernetes"))
def privilege_escalation(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container processes can gain privileges (setuid, file capabilities)

    ## What it does
    - **Kubernetes**: reports `allowPrivilegeEscalation: true` (high, at that line) and, at
      low severity, a container that does not set it at all (at the container's `- name:`
      item). Init containers and native sidecars count; ephemeral debug containers are only
      reported when they set it to true. An explicit `allowPrivilegeEscalation: false`
      silences the rule even on a privileged container (IL202 reports that one).
    - **Compose** (low, off unless IL203 is selected explicitly, as it would fire on nearly
      every file): a service whose `security_opt` lacks `no-new-privileges:true`
      (`no-new-privileges` and `no-new-privileges=true` count too), at the service's key, or
      that turns it off (`no-new-privileges:false`), at that item.

    ## Why is this bad?
    Without the `no_new_privs` flag, a process in the container can gain privileges it was
    not started with by executing a setuid-root binary (`su`, `sudo`, `passwd`, or one an
    attacker drops) or a file with capabilities attached. A non-root user is then only a
    speed bump: a local privilege escalation bug in any setuid program turns it back into
    root. Setting the flag costs nothing for almost every application, which never execs a
    setuid binary on purpose.

    ## Example
    ```yaml
    apiVersion: v1
    kind: Pod
    metadata:
      name: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.4.1
          securityContext:
            runAsNonRoot: true
    ```

    ## Use instead
    ```yaml
    apiVersion: v1
    kind: Pod
    metadata:
      name: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.4.1
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
    ```
    In compose:
    ```yaml
    services:
      api:
        image: ghcr.io/acme/api:2.4.1
        security_opt:
          - no-new-privileges:true
    ```
    """
    if isinstance(doc, KubeFile):
        for container in doc.containers:
            yield from _kube_container(container, ctx)
    elif isinstance(doc, ComposeFile) and ctx.explicitly_selected():
        # Shipped off: almost no compose file sets it, so only users who ask get this half.
        for service in doc.services:
            yield from _compose_service(service, ctx)


def _compose_service(service: Service, ctx: Context) -> Iterator[Finding]:
    settings = [(opt, _no_new_privileges(opt.value)) for opt in service.container.security_opt]
    settings = [(opt, on) for opt, on in settings if on is not None]
    if not settings:
        yield ctx.report(service.span, f"service '{service.name}' does not set security_opt: no-new-privileges:true",
                         severity="low", object=service.container.object, key="no no-new-privileges")
        return
    # Docker applies the options in order: the last one that names the flag wins.
    opt, on = settings[-1]
    if not on:
        yield ctx.report(opt.span, f"service '{service.name}' turns no-new-privileges off ({opt.value})",
                         severity="low", object=service.container.object, key="no-new-privileges off")


def _kube_container(container: Container, ctx: Context) -> Iterator[Finding]:
    flag = container.allow_privilege_escalation
    if flag is not None:
        if flag.value:
            yield ctx.report(flag.span, f"container '{container.name}' sets allowPrivilegeEscalation: true",
                             severity="high", object=container.object, key="allowPrivilegeEscalation true")
        return  # explicit false: the user decided, even on a privileged container
    if container.role == "ephemeral":
        return  # debug containers are attached by hand, never written in a manifest to fix
    # Unset leaves the no_new_privs flag off, so escalation is allowed: a missing hardening
    # step rather than an opened door, and most manifests omit it, hence low.
    yield ctx.report(container.span,
                     f"container '{container.name}' does not set allowPrivilegeEscalation: false",
                     severity="low", object=container.object, key="allowPrivilegeEscalation unset")


def _no_new_privileges(option: str) -> bool | None:
    """True/False when the option sets no-new-privileges on/off; None for any other option."""
    text = option.strip()
    if text == _NO_NEW_PRIVILEGES:
        return True
    for sep in (":", "="):
        name, found, value = text.partition(sep)
        if found and name.strip() == _NO_NEW_PRIVILEGES:
            return value.strip() in _GO_TRUE
    return None
