"""Kubernetes model: objects, workloads (pod specs normalised across kinds), Services, Ingresses, Secrets."""
from __future__ import annotations

from dataclasses import dataclass, field

from infralint.model.common import Container, Document, ImageRef
from infralint.model.span import Span, Spanned


@dataclass(frozen=True, slots=True)
class K8sObject:
    api_version: str
    kind: str
    name: str
    namespace: str | None
    span: Span  # the document's first line (its `apiVersion:`/`kind:` key)
    # The object's last line (inline ignores cover the whole object). The YAML tree itself is
    # not kept: on a 10,000-file scan manifests' trees were a third of the memory, and
    # everything rules read is modelled below.
    end_line: int
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, Spanned[str]], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.name}"

    def annotation(self, key: str) -> Spanned[str] | None:
        for k, v in self.annotations:
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Workload:
    """Anything with a pod spec: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, CRDs."""

    obj: K8sObject
    containers: tuple[Container, ...]  # init, main and ephemeral, `role` tells which
    pod_labels: tuple[tuple[str, str], ...] = ()
    pod_annotations: tuple[tuple[str, Spanned[str]], ...] = ()
    long_running: bool = True  # False for Job and CronJob
    host_namespaces: tuple[Spanned[str], ...] = ()  # hostNetwork/hostPID/hostIPC: true


@dataclass(frozen=True, slots=True)
class ServicePort:
    port: int | None
    target_port: str | None
    node_port: int | None
    span: Span  # the `- port:` list item


@dataclass(frozen=True, slots=True)
class KService:
    obj: K8sObject
    type: str  # ClusterIP, NodePort, LoadBalancer, ExternalName
    type_span: Span | None
    ports: tuple[ServicePort, ...]
    selector: tuple[tuple[str, str], ...] = ()
    source_ranges: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SecretEntry:
    key: str
    value: str | None
    span: Span
    section: str  # "data" or "stringData"


@dataclass(frozen=True, slots=True)
class KSecret:
    obj: K8sObject
    type: str | None
    entries: tuple[SecretEntry, ...]


@dataclass(frozen=True, slots=True)
class Ingress:
    obj: K8sObject
    ingress_class: str | None  # spec.ingressClassName or the kubernetes.io/ingress.class annotation


@dataclass(frozen=True, slots=True)
class IngressClass:
    obj: K8sObject
    controller: str  # spec.controller, e.g. k8s.io/ingress-nginx


@dataclass(slots=True)
class KubeFile(Document):
    objects: list[K8sObject] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    services: list[KService] = field(default_factory=list)
    secrets: list[KSecret] = field(default_factory=list)
    ingresses: list[Ingress] = field(default_factory=list)
    ingress_classes: list[IngressClass] = field(default_factory=list)

    @property
    def containers(self) -> list[Container]:
        return [c for w in self.workloads for c in w.containers]

    @property
    def images(self) -> list[ImageRef]:
        return [c.image for c in self.containers if c.image is not None]
