from __future__ import annotations

from typing import Iterator

from infralint.model.common import Container, Document
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule


@rule(id="IL202", name="privileged-container", severity="critical", formats=("compose", "kubernetes"))
def privileged_container(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container runs privileged

    ## What it does
    Reports `privileged: true` on a compose service or in a Kubernetes container's
    `securityContext` (init, sidecar and ephemeral containers included). YAML 1.1 `yes` and
    `on` count as true, as Docker and kubectl read them. The finding points at the
    `privileged:` line; when a compose anchor (`<<: *defaults`) gives it to several services,
    that one line is reported once, naming them all.

    ## Why is this bad?
    A privileged container gets every capability, all host devices, and no seccomp or
    AppArmor/SELinux confinement. Root inside it is root on the host: mounting the host's
    disk from `/dev`, loading a kernel module or writing to `/sys` takes one command, so any
    code execution bug in the application is a full host (and, in Kubernetes, node and often
    cluster) compromise. Almost nothing needs it: a device, a capability or a sysctl can be
    granted on its own.

    ## Example
    ```yaml
    services:
      agent:
        image: ghcr.io/acme/agent:1.4.2
        privileged: true
    ```

    ## Use instead
    ```yaml
    services:
      agent:
        image: ghcr.io/acme/agent:1.4.2
        # Grant only what the workload needs.
        cap_add: [NET_BIND_SERVICE]
        devices: ["/dev/fuse:/dev/fuse"]
    ```
    In Kubernetes, remove `privileged: true` from the `securityContext` and add only the
    capabilities the container needs under `capabilities.add`.
    """
    # A setting merged from a shared anchor is one line to fix: group the containers by it.
    by_span: dict[Span, list[Container]] = {}
    for container in doc.containers:
        flag = container.privileged
        if flag is not None and flag.value:
            by_span.setdefault(flag.span, []).append(container)
    for span, containers in by_span.items():
        who = ", ".join(c.object for c in containers)
        yield ctx.report(span, f"{who} runs privileged: full access to the host's devices and kernel",
                         object=who, key="privileged")
