"""Pod specs -> `Workload`s and `Container`s, the same way for every kind that embeds a pod.

Where the pod spec lives depends on the kind (research/kubernetes.md §2.1); everything below the
pod spec is shared, so a CronJob, an Argo Rollout and a bare Pod are checked identically.
"""
from __future__ import annotations

from dataclasses import dataclass

from infralint.model.common import Container, EnvVar, HealthCheck, ImageRef, Mount, PortMapping
from infralint.model.k8s import K8sObject, Workload
from infralint.model.span import Spanned
from infralint.model.yamltree import YMap, YScalar
from infralint.parsers.images import make_image
from infralint.parsers.interpolate import interpolate
from infralint.parsers.k8s_read import Reader, describe, is_null, is_text, pair_span, tight

# Kinds whose pod template is at `spec.template`; any other kind qualifies only when its
# `spec.template.spec` actually lists containers (CRDs such as Argo Rollout, DeploymentConfig).
TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"})
BATCH_KINDS = frozenset({"Job", "CronJob"})
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOST_NAMESPACES = (("hostNetwork", "network"), ("hostPID", "pid"), ("hostIPC", "ipc"))
CONTAINER_LISTS = (("initContainers", "init"), ("containers", "main"), ("ephemeralContainers", "ephemeral"))


@dataclass
class _Pod:
    """What every container of one pod shares."""

    obj: K8sObject
    spec: YMap
    where: str
    long_running: bool
    host_namespaces: tuple[Spanned[str], ...]
    run_as_user: Spanned[int] | None
    run_as_non_root: Spanned[bool] | None
    volumes: dict[str, YMap]


def read_workload(obj: K8sObject, root: YMap, rd: Reader) -> Workload | None:
    """The object's pod as a Workload, or None when the object embeds no pod spec."""
    found = _locate(obj, root, rd)
    if found is None:
        return None
    spec, meta, where = found
    label = obj.label
    if meta is None:
        labels, annotations = obj.labels, obj.annotations
    else:
        labels = rd.string_map(meta, "labels", f"{label} pod template metadata")
        annotations = rd.spanned_map(meta, "annotations", f"{label} pod template metadata")
    pod = _pod(obj, spec, where, rd)
    containers = _all_containers(pod, rd)
    return Workload(obj, containers, labels, annotations, pod.long_running, pod.host_namespaces)


def _locate(obj: K8sObject, root: YMap, rd: Reader) -> tuple[YMap, YMap | None, str] | None:
    """-> (pod spec, pod template metadata or None for a Pod's own metadata, message prefix)."""
    label, kind = obj.label, obj.kind
    if kind == "Pod":
        spec = rd.map(root, "spec", label)
        return None if spec is None else (spec, None, f"{label} spec")
    if kind == "PodTemplate":
        return _template(rd.map(root, "template", label), f"{label} template", rd)
    if kind == "CronJob":
        spec = rd.map(root, "spec", label)
        job = rd.map(spec, "jobTemplate", f"{label} spec")
        job_spec = rd.map(job, "spec", f"{label} spec.jobTemplate")
        where = f"{label} spec.jobTemplate.spec"
        return _template(rd.map(job_spec, "template", where), f"{where}.template", rd)
    if kind in TEMPLATE_KINDS:
        spec = rd.map(root, "spec", label)
        return _template(rd.map(spec, "template", f"{label} spec"), f"{label} spec.template", rd)
    # Unknown kinds: their schema is not ours to judge, so look without reporting shapes.
    spec = root.get("spec")
    template = spec.get("template") if isinstance(spec, YMap) else None
    pod_spec = template.get("spec") if isinstance(template, YMap) else None
    if not isinstance(pod_spec, YMap) or pod_spec.get("containers") is None:
        return None
    return _template(template, f"{label} spec.template", rd)  # type: ignore[arg-type]


def _template(template: YMap | None, where: str, rd: Reader) -> tuple[YMap, YMap | None, str] | None:
    if template is None:
        return None
    spec = rd.map(template, "spec", where)
    if spec is None:
        return None
    meta = rd.map(template, "metadata", where)
    # A template without metadata has no pod labels of its own; do not fall back to the object's.
    return spec, meta if meta is not None else YMap((), template.span), f"{where}.spec"


def _runs_to_completion(obj: K8sObject, spec: YMap) -> bool:
    """A bare Pod with restartPolicy Never/OnFailure is a one-off task, not a long-running service."""
    policy = spec.get_str("restartPolicy")
    return obj.kind == "Pod" and policy in ("Never", "OnFailure")


def _pod(obj: K8sObject, spec: YMap, where: str, rd: Reader) -> _Pod:
    hosts: list[Spanned[str]] = []
    for key, name in HOST_NAMESPACES:
        flag = rd.flag(spec, key, where)
        if flag is not None and flag.value:
            hosts.append(Spanned(name, flag.span))
    ctx = rd.map(spec, "securityContext", where)
    ctx_where = f"{where}.securityContext"
    volumes: dict[str, YMap] = {}
    for vol in rd.maps_in(rd.seq(spec, "volumes", where), "volumes", where):
        name = rd.text(vol, "name", f"{where}.volumes")
        if name:
            volumes[name] = vol
    return _Pod(
        obj=obj,
        spec=spec,
        where=where,
        long_running=obj.kind not in BATCH_KINDS and not _runs_to_completion(obj, spec),
        host_namespaces=tuple(hosts),
        run_as_user=rd.number(ctx, "runAsUser", ctx_where),
        run_as_non_root=rd.flag(ctx, "runAsNonRoot", ctx_where),
        volumes=volumes,
    )


def _all_containers(pod: _Pod, rd: Reader) -> tuple[Container, ...]:
    out: list[Container] = []
    for key, role in CONTAINER_LISTS:
        node = pod.spec.get(key)
        if key == "containers" and node is not None and is_null(node):
            rd.bad(node.span, f"{pod.where}: `containers` is null; a pod needs a list of containers")
            continue
        items = rd.maps_in(rd.seq(pod.spec, key, pod.where), key, f"{pod.where}.{key}")
        for index, item in enumerate(items):
            out.append(_container(pod, item, role, index, rd))
    return tuple(out)


def _container(pod: _Pod, node: YMap, role: str, index: int, rd: Reader) -> Container:
    # Knative and other CRDs let a single container go unnamed: name it by position for messages.
    name = rd.text(node, "name", pod.where) or f"#{index + 1}"
    label = f"{pod.obj.label} container {name}"
    if role == "init" and rd.text(node, "restartPolicy", label) == "Always":
        role = "sidecar"  # a native sidecar runs for the pod's whole life
    image = _image(node, label, rd)
    ctx = rd.map(node, "securityContext", label)
    ctx_where = f"{label} securityContext"
    caps = rd.map(ctx, "capabilities", ctx_where)
    run_as_user = rd.number(ctx, "runAsUser", ctx_where)
    run_as_non_root = rd.flag(ctx, "runAsNonRoot", ctx_where)
    return Container(
        format="kubernetes",
        name=name,
        object=label,
        span=tight(node),
        image=image,
        # Field by field: a container value wins, an unset one inherits the pod's.
        run_as_user=run_as_user if run_as_user is not None else pod.run_as_user,
        run_as_non_root=run_as_non_root if run_as_non_root is not None else pod.run_as_non_root,
        privileged=rd.flag(ctx, "privileged", ctx_where),
        allow_privilege_escalation=rd.flag(ctx, "allowPrivilegeEscalation", ctx_where),
        cap_add=_caps(caps, f"{ctx_where}.capabilities", rd),
        host_namespaces=pod.host_namespaces,
        ports=_ports(node, label, rd),
        env=_env(node, label, rd),
        healthchecks=_probes(node, label, rd),
        memory_limit=_memory_limit(node, label, rd),
        mounts=_mounts(pod, node, label, rd),
        role=role,
        long_running=pod.long_running,
        owner=pod.obj,
    )


def _image(node: YMap, where: str, rd: Reader) -> ImageRef | None:
    value = rd.scalar(node, "image", where)
    if value is None:
        return None
    if not is_text(value):
        rd.bad(value.span, f"{where}: `image` should be a string, not {describe(value)}")
        return None
    return make_image(value.text, value.span)


def _caps(caps: YMap | None, where: str, rd: Reader) -> tuple[Spanned[str], ...]:
    added = rd.seq(caps, "add", where)
    if added is None:
        return ()
    out: list[Spanned[str]] = []
    for item in added.items:
        if isinstance(item, YScalar) and item.value is not None:
            out.append(Spanned(item.text, item.span))
        else:
            rd.bad(item.span, f"{where}: each `add` entry should be a capability name, not {describe(item)}")
    return tuple(out)


def _ports(node: YMap, where: str, rd: Reader) -> tuple[PortMapping, ...]:
    out: list[PortMapping] = []
    for item in rd.maps_in(rd.seq(node, "ports", where), "ports", where):
        port = rd.scalar(item, "containerPort", f"{where} ports")
        if port is None:
            rd.bad(tight(item), f"{where}: a `ports` entry has no `containerPort`")
            continue
        host = rd.scalar(item, "hostPort", f"{where} ports")
        # hostPort 0 is the API's "not set".
        host_port = None if host is None or host.as_int() == 0 else _port_text(host)
        host_ip = rd.text(item, "hostIP", f"{where} ports")
        protocol = rd.text(item, "protocol", f"{where} ports") or "tcp"
        name = rd.text(item, "name", f"{where} ports")
        out.append(PortMapping(
            container_port=_port_text(port),
            span=tight(item),
            published=host_port is not None,
            host_ip=host_ip or None,
            host_port=host_port,
            protocol=protocol.lower(),
            raw=port.text,
            name=name or None,
            host_span=pair_span(item.pair("hostPort")) if host_port is not None else None,  # type: ignore[arg-type]
        ))
    return tuple(out)


def _port_text(node: YScalar) -> str:
    value = node.as_int()
    return str(value) if value is not None else node.text


def _env(node: YMap, where: str, rd: Reader) -> tuple[EnvVar, ...]:
    out: list[EnvVar] = []
    env_where = f"{where} env"
    for item in rd.maps_in(rd.seq(node, "env", where), "env", where):
        name = rd.scalar(item, "name", env_where)
        if name is None:
            rd.bad(tight(item), f"{where}: an `env` entry has no `name`")
            continue
        span = tight(item)
        if item.get("valueFrom") is not None:
            rd.map(item, "valueFrom", env_where)  # only to report a wrong shape
            out.append(EnvVar(name.text, None, None, span, "env", name_span=name.span, is_reference=True))
            continue
        value = rd.scalar(item, "value", env_where)
        text = None if value is None else value.text
        literal = None if text is None else interpolate(text, kube_refs=True, shell_vars=False).text
        out.append(EnvVar(name.text, text, literal, span, "env", name_span=name.span,
                          value_span=None if value is None else value.span))
    return tuple(out)


def _probes(node: YMap, where: str, rd: Reader) -> tuple[HealthCheck, ...]:
    out: list[HealthCheck] = []
    for key in PROBES:
        if rd.map(node, key, where) is not None:
            out.append(HealthCheck(key, pair_span(node.pair(key))))  # type: ignore[arg-type]
    return tuple(out)


def _memory_limit(node: YMap, where: str, rd: Reader) -> Spanned[str] | None:
    resources = rd.map(node, "resources", where)
    limits = rd.map(resources, "limits", f"{where} resources")
    value = rd.scalar(limits, "memory", f"{where} resources.limits")
    if value is None or limits is None:
        return None
    return Spanned(value.text, pair_span(limits.pair("memory")))  # type: ignore[arg-type]


def _mounts(pod: _Pod, node: YMap, where: str, rd: Reader) -> tuple[Mount, ...]:
    out: list[Mount] = []
    for item in rd.maps_in(rd.seq(node, "volumeMounts", where), "volumeMounts", where):
        m_where = f"{where} volumeMounts"
        name = rd.text(item, "name", m_where)
        target = rd.text(item, "mountPath", m_where)
        ro = rd.flag(item, "readOnly", m_where)
        read_only = bool(ro and ro.value)
        span = tight(item)
        volume = pod.volumes.get(name or "")
        vtype = _volume_type(volume) if volume is not None else "unknown"
        source: str | None = name
        if volume is not None and vtype == "hostPath":
            host = rd.map(volume, "hostPath", f"{pod.where}.volumes")
            path = rd.scalar(host, "path", f"{pod.where}.volumes hostPath")
            if path is not None and host is not None:
                source = path.text
                span = pair_span(host.pair("path"))  # type: ignore[arg-type]
        out.append(Mount(source, target, span, vtype, read_only))
    return tuple(out)


def _volume_type(volume: YMap) -> str:
    """A volume's source kind is its one key besides `name` (hostPath, configMap, emptyDir...)."""
    for key in volume.keys():
        if key != "name":
            return key
    return "unknown"
