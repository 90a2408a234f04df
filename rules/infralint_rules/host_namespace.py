from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.compose import ComposeFile
from infralint.model.k8s import KubeFile
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule

# Namespace (as the model names it) -> (compose setting, Kubernetes field, what sharing it gives).
NAMESPACES: dict[str, tuple[str, str, str]] = {
    "network": ("network_mode: host", "hostNetwork: true",
                "it listens on the host's interfaces and reaches services bound to the host's localhost"),
    "pid": ("pid: host", "hostPID: true",
            "it sees every host process, with its environment and command line, and can signal them"),
    "ipc": ("ipc: host", "hostIPC: true",
            "it reads and writes the host's shared memory segments and message queues"),
}


@rule(id="IL206", name="host-namespace", severity="high", formats=("compose", "kubernetes"))
def host_namespace(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container shares the host's network, PID or IPC namespace

    ## What it does
    Reports compose `network_mode: host`, `pid: host` and `ipc: host`, and a Kubernetes pod
    spec with `hostNetwork: true`, `hostPID: true` or `hostIPC: true` (YAML 1.1 `yes`/`on`
    count as true). The finding points at that line; a setting shared by several compose
    services through an anchor is reported once, naming them all.

    ## Why is this bad?
    Namespaces are what make a container a container. With the host's network it can bind
    any host port and talk to everything listening on the host's `127.0.0.1` (the Docker
    API over TCP, a local database, the kubelet, cloud metadata proxies); network policies
    no longer apply to it. With the host's PID namespace it sees every process, reads their
    environment (secrets included) and, as root, can `ptrace` or `nsenter` into them. With
    the host's IPC namespace it reads other processes' shared memory.

    ## Example
    ```yaml
    services:
      api:
        image: ghcr.io/acme/api:2.4.1
        network_mode: host
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: ghcr.io/acme/api:2.4.1
        ports:
          - "127.0.0.1:8080:8080"
    ```
    In Kubernetes, drop `hostNetwork`/`hostPID`/`hostIPC` and expose the pod through a
    Service.
    """
    if isinstance(doc, ComposeFile):
        # A setting merged from a shared anchor is one line to fix: group the services by it.
        by_span: dict[Span, tuple[str, list[str]]] = {}
        for service in doc.services:
            for ns in service.container.host_namespaces:
                by_span.setdefault(ns.span, (ns.value, []))[1].append(service.name)
        for span, (namespace, names) in by_span.items():
            setting, _, why = NAMESPACES[namespace]
            who = ", ".join(f"service {n}" for n in names)
            yield ctx.report(span, f"{who} shares the host's {namespace} namespace ({setting}): {why}",
                             object=who, key=setting)
    elif isinstance(doc, KubeFile):
        # A pod-level field: one finding per workload, not one per container.
        for workload in doc.workloads:
            for ns in workload.host_namespaces:
                _, field, why = NAMESPACES[ns.value]
                yield ctx.report(ns.span, f"{workload.obj.label} shares the host's {ns.value} namespace "
                                          f"({field}): {why}", object=workload.obj.label, key=field)
