"""Kubernetes manifests -> `KubeFile`: objects, workloads, Services, Secrets and Ingresses.

The engine has already parsed the YAML stream (documents are never split on `---` here: a PEM
block's `-----BEGIN` line would break that). Documents that are not Kubernetes objects (GitHub
workflows, Chart.yaml, values files) produce nothing; wrongly shaped fields become problems and
the rest of the object is still read.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from infralint.model.k8s import Ingress, IngressClass, K8sObject, KSecret, KService, KubeFile, SecretEntry, ServicePort
from infralint.model.span import Span
from infralint.model.yamltree import YMap, YNode, YScalar, YSeq
from infralint.parsers.k8s_pod import read_workload
from infralint.parsers.k8s_read import Reader, describe, is_null, is_text, join, pair_span, tight

if TYPE_CHECKING:
    from infralint.parsers.source import Source
    from infralint.parsers.yamlload import YamlStream

# Groups whose Service/Secret/Ingress kinds are the built-in ones (a Knative `Service` is not).
CORE_GROUP = ""
INGRESS_GROUPS = frozenset({"networking.k8s.io", "extensions"})
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
# Lists inside Lists are legal but pointless; a bound keeps a crafted file from exhausting the stack.
MAX_LIST_NESTING = 8


def looks_like_kube(stream: YamlStream) -> bool:
    """True when some document is a mapping with string `apiVersion` and `kind`."""
    return any(_is_object(d.root) for d in stream.documents)


def parse_kube(src: Source, stream: YamlStream) -> KubeFile:
    """Read every Kubernetes object of an already loaded YAML stream. Never raises."""
    doc = KubeFile(path=src.path, format="kubernetes", text=src.text, problems=list(stream.problems))
    rd = Reader(doc.problems)
    for yaml_doc in stream.documents:
        _read_document(yaml_doc.root, doc, rd)
    return doc


def _is_object(node: YNode | None) -> bool:
    return isinstance(node, YMap) and _type_text(node, "apiVersion") is not None and _type_text(node, "kind") is not None


def _type_text(node: YMap, key: str) -> str | None:
    value = node.get(key)
    if isinstance(value, YScalar) and is_text(value) and value.text.strip():
        return value.text.strip()
    return None


def _read_document(root: YNode | None, doc: KubeFile, rd: Reader, nesting: int = 0) -> None:
    if not isinstance(root, YMap):
        return
    if not _is_object(root):
        _report_bad_type(root, rd)
        return
    kind = _type_text(root, "kind") or ""
    # `kubectl get -o yaml` writes `kind: List`; the API's typed lists are `PodList` etc.
    if kind == "List" or (kind.endswith("List") and isinstance(root.get("items"), YSeq)):
        if nesting >= MAX_LIST_NESTING:
            rd.bad(_start(root), f"{kind} nests Lists more than {MAX_LIST_NESTING} deep; not read further")
        else:
            _read_list(root, doc, rd, nesting + 1)
        return
    try:
        _read_object(root, doc, rd)
    except Exception as exc:  # noqa: BLE001 - a parser bug must cost one object, never the run
        rd.bad(_start(root), f"{kind}: this object could not be read ({type(exc).__name__}: {exc})")


def _report_bad_type(root: YMap, rd: Reader) -> None:
    """Both keys written but not as strings: clearly meant as an object, so say why it is skipped."""
    api, kind = root.get("apiVersion"), root.get("kind")
    if api is None or kind is None:
        return
    for key, node in (("apiVersion", api), ("kind", kind)):
        if not (isinstance(node, YScalar) and is_text(node) and node.text.strip()):
            rd.bad(node.span, f"`{key}` should be a non-empty string, not {describe(node)}; object skipped")


def _read_list(root: YMap, doc: KubeFile, rd: Reader, nesting: int) -> None:
    kind = _type_text(root, "kind")
    node = root.get("items")
    if node is None:
        rd.bad(_start(root), f"{kind} has no `items`; nothing in it was read")
        return
    if is_null(node):
        return  # an empty list, as `kubectl get` prints when nothing matched
    items = rd.seq(root, "items", kind or "List")
    for item in items.items if items is not None else ():
        if _is_object(item):
            _read_document(item, doc, rd, nesting)
        else:
            rd.bad(item.span, f"{kind} item is not a Kubernetes object (it needs string `apiVersion` and `kind`)")


def _read_object(root: YMap, doc: KubeFile, rd: Reader) -> None:
    obj = _object(root, rd)
    doc.objects.append(obj)
    workload = read_workload(obj, root, rd)
    if workload is not None:
        doc.workloads.append(workload)
    group = obj.api_version.rpartition("/")[0]
    if obj.kind == "Service" and group == CORE_GROUP:
        doc.services.append(_service(obj, root, rd))
    elif obj.kind == "Secret" and group == CORE_GROUP:
        doc.secrets.append(_secret(obj, root, rd))
    elif obj.kind == "Ingress" and group in INGRESS_GROUPS:
        doc.ingresses.append(_ingress(obj, root, rd))
    elif obj.kind == "IngressClass" and group in INGRESS_GROUPS:
        spec = root.get_map("spec")
        doc.ingress_classes.append(IngressClass(obj, (spec.get_str("controller") or "") if spec is not None else ""))


def _start(root: YMap) -> Span:
    """The object's first key: where a finding about the whole object points."""
    return root.pairs[0].key.span if root.pairs else root.span


def _object(root: YMap, rd: Reader) -> K8sObject:
    api_version = _type_text(root, "apiVersion") or ""
    kind = _type_text(root, "kind") or ""
    meta = rd.map(root, "metadata", kind)
    name = rd.text(meta, "name", f"{kind} metadata") or rd.text(meta, "generateName", f"{kind} metadata") or ""
    where = f"{kind}/{name} metadata"
    namespace = rd.text(meta, "namespace", where) or None
    return K8sObject(
        api_version=api_version,
        kind=kind,
        name=name,
        namespace=namespace,
        span=_start(root),
        end_line=tight(root).end_line,
        labels=rd.string_map(meta, "labels", where),
        annotations=rd.spanned_map(meta, "annotations", where),
    )


def _service(obj: K8sObject, root: YMap, rd: Reader) -> KService:
    where = obj.label
    spec = rd.map(root, "spec", where)
    spec_where = f"{where} spec"
    type_node = rd.scalar(spec, "type", spec_where)
    svc_type, type_span = "ClusterIP", None
    if type_node is not None and spec is not None:
        svc_type, type_span = type_node.text, pair_span(spec.pair("type"))  # type: ignore[arg-type]
    ports: list[ServicePort] = []
    for item in rd.maps_in(rd.seq(spec, "ports", spec_where), "ports", spec_where):
        p_where = f"{spec_where} ports"
        port = rd.number(item, "port", p_where)
        target = rd.text(item, "targetPort", p_where)
        node_port = rd.number(item, "nodePort", p_where)
        ports.append(ServicePort(
            port=None if port is None else port.value,
            target_port=target,
            node_port=None if node_port is None else node_port.value,
            span=tight(item),
        ))
    ranges = rd.seq(spec, "loadBalancerSourceRanges", spec_where)
    return KService(
        obj=obj,
        type=svc_type,
        type_span=type_span,
        ports=tuple(ports),
        selector=rd.string_map(spec, "selector", spec_where),
        source_ranges=tuple(_texts(ranges, f"{spec_where}.loadBalancerSourceRanges", rd)),
    )


def _texts(seq: YSeq | None, where: str, rd: Reader) -> list[str]:
    out: list[str] = []
    for item in seq.items if seq is not None else ():
        if isinstance(item, YScalar) and item.value is not None:
            out.append(item.text)
        else:
            rd.bad(item.span, f"{where}: each entry should be a single value, not {describe(item)}")
    return out


def _secret(obj: K8sObject, root: YMap, rd: Reader) -> KSecret:
    entries: list[SecretEntry] = []
    for section in ("data", "stringData"):
        node = rd.map(root, section, obj.label)
        for key, value in node.items() if node is not None else ():
            if isinstance(value, YScalar):
                text = None if value.value is None else value.text
                entries.append(SecretEntry(key.text, text, join(key.span, tight(value)), section))
            else:
                rd.bad(value.span, f"{obj.label}: `{section}.{key.text}` should be a single value, not {describe(value)}")
    return KSecret(obj, rd.text(root, "type", obj.label), tuple(entries))


def _ingress(obj: K8sObject, root: YMap, rd: Reader) -> Ingress:
    spec = rd.map(root, "spec", obj.label)
    ingress_class = rd.text(spec, "ingressClassName", f"{obj.label} spec")
    if not ingress_class:
        legacy = obj.annotation(INGRESS_CLASS_ANNOTATION)
        ingress_class = legacy.value if legacy is not None and legacy.value else None
    return Ingress(obj, ingress_class)
