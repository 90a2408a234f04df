from __future__ import annotations

from typing import Iterable, Iterator

from infralint.model.common import Container, Document
from infralint.model.compose import ComposeFile
from infralint.model.k8s import K8sObject, KService, KubeFile, Workload
from infralint.rule import Context, Finding, rule
from infralint_rules._dbports import (DB_PORT_NAMES, db_port, describe, is_db_image, on_all_interfaces,
                                      port_numbers)

# Annotations that make a LoadBalancer Service internal (reachable only from the VPC/VNet), with
# the values that mean "internal"; None: any value but "false" does (AWS's legacy annotation
# took a CIDR such as `0.0.0.0/0` as its value and still meant internal).
INTERNAL_LB_ANNOTATIONS: dict[str, frozenset[str] | None] = {
    "networking.gke.io/load-balancer-type": frozenset({"internal"}),
    "cloud.google.com/load-balancer-type": frozenset({"internal"}),
    "service.beta.kubernetes.io/aws-load-balancer-internal": None,
    "service.beta.kubernetes.io/aws-load-balancer-scheme": frozenset({"internal"}),
    "service.beta.kubernetes.io/azure-load-balancer-internal": frozenset({"true"}),
    "service.beta.kubernetes.io/openstack-internal-load-balancer": frozenset({"true"}),
    "service.beta.kubernetes.io/oci-load-balancer-internal": frozenset({"true"}),
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": frozenset({"intranet"}),
    "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": frozenset({"private"}),
}
HINTS = {
    "NodePort": "use a ClusterIP Service (and `kubectl port-forward` for admin access)",
    "LoadBalancer": "use ClusterIP, an internal load balancer or loadBalancerSourceRanges",
}
EXTERNAL_SERVICE_TYPES = frozenset(HINTS)


@rule(id="IL401", name="exposed-db-port", severity="high", formats=("compose", "kubernetes"))
def exposed_db_port(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Database port reachable from outside the host or cluster

    ## What it does
    Finds database, cache, search and message-broker ports that are published beyond the
    machine or cluster that needs them:

    - compose: a `ports:` entry (short or long syntax, bare `"5432"` included) published on all
      interfaces (no host IP, `0.0.0.0`, `::`) whose container port is a database port, or any
      published port of a service whose image is a database image. `expose:` publishes nothing
      and `127.0.0.1:5432:5432` stays on the host, so neither is reported.
    - Kubernetes: a `NodePort` or `LoadBalancer` Service whose `port`/`targetPort` is a database
      port or whose selector picks the pods of a database workload in the scan (unless the
      port is one only another container of those pods declares, such as an exporter's
      `metrics`); internal load balancers (by cloud annotation) and ones restricted by
      `loadBalancerSourceRanges` are fine. Also a container `hostPort` (or a `hostNetwork` pod's port) that is a database port
      or belongs to a database image.

    Database ports (5432, 3306, 6379, 27017, 9200…) and images (postgres, mysql, redis, mongo…)
    are configurable (`db-ports`, `db-images`).

    ## Why is this bad?
    Docker publishes ports on every interface by default and writes its own iptables rules, so a
    host firewall such as ufw does not stop them. Databases exposed this way are found by
    internet-wide scanners within hours; Redis, MongoDB and Elasticsearch in particular have
    been mass-wiped and ransomed through default or missing credentials. Other containers of the
    same project reach the database over the internal network without any published port.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        ports:
          - "5432:5432"
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16
        # Reachable by the other services as db:5432; publish on loopback only if you
        # need psql from the host.
        ports:
          - "127.0.0.1:5432:5432"
    ```
    """
    if isinstance(doc, ComposeFile):
        yield from _compose(doc, ctx)
    elif isinstance(doc, KubeFile):
        yield from _services(doc, ctx)
        yield from _host_ports(doc, ctx)


def _compose(doc: ComposeFile, ctx: Context) -> Iterator[Finding]:
    for service in doc.services:
        c = service.container
        db_image = is_db_image(c.image, ctx.settings.db_images)
        for port in c.ports:
            # `expose:` (published=False) and loopback/specific-IP bindings stay off the network.
            if not on_all_interfaces(port):
                continue
            number = db_port(port.container_port, ctx.settings.db_ports)
            if number is None and not db_image:
                continue
            what = describe(number) if number is not None else _image_port(c, port.container_port)
            shown = port.raw or port.container_port
            yield ctx.report(
                port.span,
                f"service {service.name} publishes {what} on all host interfaces ({shown}); drop it "
                f"(other services reach it as {service.name}:{port.container_port}) or bind it to 127.0.0.1",
                object=c.object,
                key=f"{service.name}:{port.container_port}",
            )


def _services(doc: KubeFile, ctx: Context) -> Iterator[Finding]:
    by_label = ctx.project.memo("workloads-by-pod-label", lambda: _by_pod_label(ctx.project.workloads()))
    for svc in doc.services:
        if svc.type not in EXTERNAL_SERVICE_TYPES:
            continue
        # The exemptions only mean something for a load balancer: a NodePort is open on every
        # node whatever the annotations say, and Kubernetes ignores source ranges for it.
        if svc.type == "LoadBalancer" and (_internal_lb(svc.obj) or svc.source_ranges):
            continue
        # Only workloads carrying the selector's first label can match all of it.
        candidates = by_label.get(svc.selector[0], ()) if svc.selector else ()
        selected = [(w, c) for w in candidates if _selects(svc, w)
                    for c in w.containers if c.role in ("main", "sidecar")]
        backends = [(w, c) for w, c in selected if is_db_image(c.image, ctx.settings.db_images)]
        sidecars = [c for _, c in selected if not is_db_image(c.image, ctx.settings.db_images)]
        for sp in svc.ports:
            target = sp.target_port if sp.target_port else (None if sp.port is None else str(sp.port))
            number = db_port(sp.port, ctx.settings.db_ports) or db_port(target, ctx.settings.db_ports)
            if number is None and target is not None and port_numbers(target) is None \
                    and target.lower() in DB_PORT_NAMES:
                what = f"database port '{target}'"
            elif number is not None:
                what = describe(number)
            else:
                backend = _backend_for(target, backends, sidecars)
                if backend is None:
                    continue
                w, c = backend
                what = f"port {sp.port} of {w.obj.label} ({_repo(c)})"
            yield ctx.report(
                sp.span,
                f"{svc.type} Service {svc.obj.name} exposes {what} outside the cluster; {HINTS[svc.type]}",
                object=svc.obj.label,
                key=f"{svc.obj.label}:{sp.port}",
            )


def _host_ports(doc: KubeFile, ctx: Context) -> Iterator[Finding]:
    for w in doc.workloads:
        host_network = any(ns.value == "network" for ns in w.host_namespaces)
        for c in w.containers:
            db_image = is_db_image(c.image, ctx.settings.db_images)
            for port in c.ports:
                # With hostNetwork every container port is a port of the node itself.
                if port.published:
                    if not on_all_interfaces(port):
                        continue
                    how = f"hostPort {port.host_port}"
                elif host_network:
                    how = "hostNetwork"
                else:
                    continue
                number = db_port(port.host_port, ctx.settings.db_ports) if port.published else None
                number = number or db_port(port.container_port, ctx.settings.db_ports)
                if number is None and not db_image:
                    continue
                what = describe(number) if number is not None else _image_port(c, port.container_port)
                yield ctx.report(
                    port.host_span or port.span,  # the `hostPort:` a user removes, when there is one
                    f"{c.object} opens {what} on the node through {how}; "
                    "reach it through a ClusterIP Service instead",
                    object=c.object,
                    key=f"{c.object}:{port.container_port}",
                )


def _internal_lb(obj: K8sObject) -> bool:
    for key, values in INTERNAL_LB_ANNOTATIONS.items():
        annotation = obj.annotation(key)
        if annotation is None:
            continue
        value = annotation.value.strip().strip("\"'").lower()
        if (value not in ("", "false")) if values is None else (value in values):
            return True
    return False


def _by_pod_label(workloads: Iterable[Workload]) -> dict[tuple[str, str], list[Workload]]:
    out: dict[tuple[str, str], list[Workload]] = {}
    for w in workloads:
        for pair in dict(w.pod_labels).items():
            out.setdefault(pair, []).append(w)
    return out


def _selects(svc: KService, w: Workload) -> bool:
    """The Service's selector matches the workload's pod labels (same namespace when both say)."""
    if not svc.selector:
        return False
    if svc.obj.namespace and w.obj.namespace and svc.obj.namespace != w.obj.namespace:
        return False
    labels = dict(w.pod_labels)
    return all(labels.get(k) == v for k, v in svc.selector)


def _backend_for(target: str | None, backends: list[tuple[Workload, Container]],
                 sidecars: list[Container]) -> tuple[Workload, Container] | None:
    """The database container this Service port reaches, if any.

    A Service that selects a database workload reaches the database (RULES.md: "or that selects
    a DB workload"), except through a port only another container of the pod declares: a
    database pod often carries an exporter sidecar, and `targetPort: metrics` (or 9187) is the
    exporter's. Ports are matched by number or by name (`targetPort: db` over
    `ports: [{name: db, containerPort: 5432}]`).
    """
    if not backends:
        return None
    numbers = port_numbers(target)
    for w, c in backends:
        if _declares(c, target, numbers):
            return w, c
    if any(_declares(c, target, numbers) for c in sidecars):
        return None
    return backends[0]


def _declares(c: Container, target: str | None, numbers: range | None) -> bool:
    if numbers is None:
        return bool(target) and any(p.name == target for p in c.ports)
    declared = {n for p in c.ports for n in (port_numbers(p.container_port) or ())}
    return any(n in declared for n in numbers)


def _image_port(c: Container, port: str) -> str:
    return f"port {port} of database image {_repo(c)}"


def _repo(c: Container) -> str:
    return c.image.repository if c.image is not None else "?"
