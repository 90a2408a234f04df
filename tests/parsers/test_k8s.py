"""Kubernetes manifest parser: objects, workloads, containers, Services, Secrets, Ingresses."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from infralint.model.k8s import KubeFile
from infralint.parsers.k8s import looks_like_kube, parse_kube
from infralint.parsers.source import Source
from infralint.parsers.yamlload import load_stream

CORPUS = Path("/work/shared/corpus")


def parse(text: str, path: str = "k8s/app.yaml") -> KubeFile:
    text = textwrap.dedent(text).lstrip("\n")
    src = Source(path=path, real=Path("/tmp") / path, text=text, root=Path("/tmp"))
    return parse_kube(src, load_stream(text, path))


def looks(text: str) -> bool:
    return looks_like_kube(load_stream(textwrap.dedent(text).lstrip("\n"), "x.yaml"))


def errors(doc: KubeFile) -> list[str]:
    return [p.message for p in doc.problems if p.kind == "parse-error"]


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
  annotations:
    infralint.io/ignore: "IL301: probes come later"
spec:
  template:
    metadata:
      labels:
        app: web-pod
        tier: front
      annotations:
        team: core
    spec:
      hostNetwork: yes
      securityContext:
        runAsUser: 1000
        runAsNonRoot: true
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
        - name: cfg
          configMap:
            name: web-config
      containers:
        - name: app
          image: registry.example.com:5000/shop/web
          securityContext:
            runAsUser: 0
            privileged: on
            allowPrivilegeEscalation: false
            capabilities:
              add: ["NET_ADMIN", SYS_ADMIN]
          ports:
            - containerPort: 8080
            - containerPort: 5432
              hostPort: 15432
              hostIP: 127.0.0.1
              protocol: UDP
          env:
            - name: DB_PASSWORD
              value: hunter2
            - name: URL
              value: "http://$(HOST):8080/x"
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: s, key: k}
          envFrom:
            - secretRef: {name: all}
          livenessProbe:
            httpGet: {path: /, port: 8080}
          readinessProbe:
            tcpSocket: {port: 8080}
          resources:
            limits:
              memory: 256Mi
          volumeMounts:
            - name: sock
              mountPath: /var/run/docker.sock
            - name: cfg
              mountPath: /etc/web
              readOnly: true
        - name: helper
          image: busybox:1.36
"""


def test_deployment_object_and_workload() -> None:
    doc = parse(DEPLOYMENT)
    assert doc.problems == []
    assert doc.format == "kubernetes"
    (obj,) = doc.objects
    assert (obj.api_version, obj.kind, obj.name, obj.namespace) == ("apps/v1", "Deployment", "web", "shop")
    assert (obj.span.line, obj.span.column) == (1, 1)
    assert obj.labels == (("app", "web"),)
    ignore = obj.annotation("infralint.io/ignore")
    assert ignore is not None and ignore.value == "IL301: probes come later"
    assert (ignore.span.line, ignore.span.column) == (9, 5)
    (wl,) = doc.workloads
    assert wl.obj is obj and wl.long_running
    assert wl.pod_labels == (("app", "web-pod"), ("tier", "front"))
    assert [(k, v.value) for k, v in wl.pod_annotations] == [("team", "core")]
    (host,) = wl.host_namespaces
    assert host.value == "network" and (host.span.line, host.span.column) == (19, 7)
    assert [c.name for c in doc.containers] == ["app", "helper"]


def test_container_fields() -> None:
    doc = parse(DEPLOYMENT)
    app, helper = doc.containers
    assert app.format == "kubernetes" and app.role == "main" and app.long_running
    assert app.object == "Deployment/web container app"
    assert app.owner is doc.objects[0]
    assert (app.span.line, app.span.column) == (31, 11)
    assert (app.span.end_line, app.span.end_column) == (67, 29)  # ends inside this item, not at the next one
    assert (helper.span.line, helper.span.column) == (68, 11)
    # image: a registry port is not a tag, and no tag means tag None
    assert app.image is not None
    assert (app.image.registry, app.image.repository, app.image.tag) == ("registry.example.com:5000", "shop/web", None)
    assert (app.image.span.line, app.image.span.column) == (32, 18)
    assert helper.image is not None and helper.image.tag == "1.36"
    # container securityContext wins over the pod's runAsUser; runAsNonRoot is inherited
    assert app.run_as_user is not None and app.run_as_user.value == 0
    assert (app.run_as_user.span.line, app.run_as_user.span.column) == (34, 13)
    assert (app.run_as_user.span.end_line, app.run_as_user.span.end_column) == (34, 25)
    assert app.run_as_non_root is not None and app.run_as_non_root.value is True
    assert app.run_as_non_root.span.line == 22
    assert helper.run_as_user is not None and helper.run_as_user.value == 1000
    assert helper.run_as_user.span.line == 21
    # container-only fields
    assert app.privileged is not None and app.privileged.value is True and app.privileged.span.line == 35
    assert app.allow_privilege_escalation is not None and app.allow_privilege_escalation.value is False
    assert [(c.value, c.span.line, c.span.column) for c in app.cap_add] == [("NET_ADMIN", 38, 21), ("SYS_ADMIN", 38, 34)]
    assert helper.privileged is None and helper.allow_privilege_escalation is None and helper.cap_add == ()
    assert [h.value for h in helper.host_namespaces] == ["network"]


def test_container_ports_env_probes_limits_mounts() -> None:
    app, helper = parse(DEPLOYMENT).containers
    p1, p2 = app.ports
    assert (p1.container_port, p1.published, p1.host_port, p1.host_ip, p1.protocol) == ("8080", False, None, None, "tcp")
    assert (p1.span.line, p1.span.column) == (40, 15)
    assert (p2.container_port, p2.published, p2.host_port, p2.host_ip, p2.protocol) == ("5432", True, "15432", "127.0.0.1", "udp")
    assert (p2.span.line, p2.span.end_line) == (41, 44)
    pw, url, token = app.env
    assert (pw.name, pw.value, pw.literal, pw.source, pw.is_reference) == ("DB_PASSWORD", "hunter2", "hunter2", "env", False)
    assert (pw.span.line, pw.span.column) == (46, 15)
    assert pw.name_span is not None and (pw.name_span.line, pw.name_span.column) == (46, 21)
    assert pw.value_span is not None and (pw.value_span.line, pw.value_span.column) == (47, 22)
    assert (url.value, url.literal) == ("http://$(HOST):8080/x", "http://:8080/x")
    assert (token.name, token.value, token.literal, token.is_reference) == ("TOKEN", None, None, True)
    assert [(h.kind, h.span.line) for h in app.healthchecks] == [("livenessProbe", 55), ("readinessProbe", 57)]
    assert helper.healthchecks == ()
    assert app.memory_limit is not None and app.memory_limit.value == "256Mi"
    assert (app.memory_limit.span.line, app.memory_limit.span.column) == (61, 15)
    assert helper.memory_limit is None
    sock, cfg = app.mounts
    assert (sock.source, sock.target, sock.type, sock.read_only) == ("/var/run/docker.sock", "/var/run/docker.sock", "hostPath", False)
    assert (sock.span.line, sock.span.column) == (26, 13)  # the hostPath `path:` line
    assert (cfg.source, cfg.target, cfg.type, cfg.read_only) == ("cfg", "/etc/web", "configMap", True)
    assert (cfg.span.line, cfg.span.column) == (65, 15)


def test_multi_doc_with_pem_configmap_and_empty_documents() -> None:
    doc = parse("""
    ---
    # only a comment
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: certs
    data:
      ca.crt: |
        -----BEGIN CERTIFICATE-----
        MIIBszCCAVmgAwIBAgIU
        ---
        -----END CERTIFICATE-----
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: solo
      labels: {app: solo}
    spec:
      containers:
        - name: c
          image: nginx:latest
    ---
    """)
    assert doc.problems == []
    assert [(o.kind, o.name, o.span.line) for o in doc.objects] == [("ConfigMap", "certs", 4), ("Pod", "solo", 15)]
    (wl,) = doc.workloads
    assert wl.pod_labels == (("app", "solo"),)
    (c,) = wl.containers
    assert c.object == "Pod/solo container c" and (c.span.line, c.span.column) == (22, 7)
    assert c.image is not None and c.image.tag == "latest"


def test_kind_list_items_and_list_without_items() -> None:
    doc = parse("""
    apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Service
        metadata: {name: a}
      - apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: b}
        spec:
          template:
            spec:
              containers: [{name: x, image: "x:1"}]
      - just a string
    ---
    apiVersion: v1
    kind: List
    list: []
    """)
    assert [(o.kind, o.name, o.span.line, o.span.column) for o in doc.objects] == [("Service", "a", 4, 5), ("DaemonSet", "b", 7, 5)]
    assert [s.obj.name for s in doc.services] == ["a"]
    assert [c.name for c in doc.containers] == ["x"]
    msgs = [(p.message, p.span.line) for p in doc.problems]
    assert any("List item is not a Kubernetes object" in m and line == 14 for m, line in msgs)
    assert any("List has no `items`" in m and line == 16 for m, line in msgs)


def test_cronjob_and_job_are_not_long_running() -> None:
    doc = parse("""
    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly}
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            metadata:
              labels: {job: nightly}
            spec:
              restartPolicy: OnFailure
              containers:
                - name: backup
                  image: backup:2
    ---
    apiVersion: batch/v1
    kind: Job
    metadata: {name: once}
    spec:
      template:
        spec:
          containers:
            - name: run
              image: run:1
    """)
    cron, job = doc.workloads
    assert not cron.long_running and not job.long_running
    assert cron.pod_labels == (("job", "nightly"),)
    backup = cron.containers[0]
    assert (backup.name, backup.long_running, backup.span.line) == ("backup", False, 14)
    assert backup.object == "CronJob/nightly container backup"
    assert job.containers[0].long_running is False


def test_argo_rollout_and_other_crds_with_a_pod_template() -> None:
    doc = parse("""
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata: {name: canary}
    spec:
      strategy: {canary: {steps: [{setWeight: 20}]}}
      template:
        metadata:
          labels: {app: canary}
        spec:
          containers:
            - name: app
              image: app:1.2
    ---
    apiVersion: serving.knative.dev/v1
    kind: Service
    metadata: {name: kn}
    spec:
      template:
        spec:
          containers:
            - image: kn:1
    ---
    apiVersion: example.com/v1
    kind: Widget
    metadata: {name: w}
    spec:
      template: "not a pod"
    """)
    assert [w.obj.kind for w in doc.workloads] == ["Rollout", "Service"]
    rollout, kn = doc.workloads
    assert rollout.long_running and rollout.pod_labels == (("app", "canary"),)
    assert rollout.containers[0].object == "Rollout/canary container app"
    assert kn.containers[0].object == "Service/kn container #1"
    assert doc.services == []  # a Knative Service is not a core Service
    assert doc.problems == []  # an unknown kind's odd shapes are not ours to judge


def test_pod_template_kind() -> None:
    doc = parse("""
    apiVersion: v1
    kind: PodTemplate
    metadata: {name: tpl}
    template:
      metadata:
        labels: {a: b}
      spec:
        containers:
          - name: c
            image: c:1
    """)
    (wl,) = doc.workloads
    assert wl.pod_labels == (("a", "b"),) and wl.containers[0].name == "c"


def test_pod_security_context_only_and_string_booleans() -> None:
    doc = parse("""
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      hostPID: true
      hostIPC: false
      securityContext:
        runAsNonRoot: yes
      containers:
        - name: a
          image: a:1
        - name: b
          image: b:1
          securityContext:
            runAsNonRoot: false
            runAsUser: 10001
    """)
    a, b = doc.containers
    assert a.run_as_user is None
    assert a.run_as_non_root is not None and a.run_as_non_root.value is True and a.run_as_non_root.span.line == 8
    assert b.run_as_non_root is not None and b.run_as_non_root.value is False and b.run_as_non_root.span.line == 15
    assert b.run_as_user is not None and b.run_as_user.value == 10001
    assert [(h.value, h.span.line) for h in a.host_namespaces] == [("pid", 5)]


def test_init_sidecar_and_ephemeral_containers() -> None:
    doc = parse("""
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      initContainers:
        - name: migrate
          image: m:1
        - name: proxy
          image: envoy:1
          restartPolicy: Always
      containers:
        - name: main
          image: main:1
      ephemeralContainers:
        - name: debug
          image: busybox
    """)
    assert [(c.name, c.role, c.span.line) for c in doc.containers] == [
        ("migrate", "init", 6), ("proxy", "sidecar", 8), ("main", "main", 12), ("debug", "ephemeral", 15),
    ]


def test_service() -> None:
    doc = parse("""
    apiVersion: v1
    kind: Service
    metadata: {name: db}
    spec:
      type: NodePort
      selector:
        app: postgres
      loadBalancerSourceRanges: [10.0.0.0/8]
      ports:
        - port: 5432
          targetPort: 5432
          nodePort: 30432
        - port: 80
          targetPort: http
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: plain}
    spec:
      ports: [{port: 80}]
    """)
    db, plain = doc.services
    assert db.type == "NodePort" and db.type_span is not None and (db.type_span.line, db.type_span.column) == (5, 3)
    assert db.selector == (("app", "postgres"),)
    assert db.source_ranges == ("10.0.0.0/8",)
    p1, p2 = db.ports
    assert (p1.port, p1.target_port, p1.node_port, p1.span.line, p1.span.column) == (5432, "5432", 30432, 10, 7)
    assert (p2.port, p2.target_port, p2.node_port, p2.span.line) == (80, "http", None, 13)
    assert plain.type == "ClusterIP" and plain.type_span is None
    assert plain.ports[0].target_port is None and plain.selector == ()
    assert doc.workloads == []


def test_secret_entries() -> None:
    doc = parse("""
    apiVersion: v1
    kind: Secret
    metadata: {name: creds}
    type: Opaque
    data:
      password: aHVudGVyMg==
      empty:
    stringData:
      token: abc123
    ---
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata: {name: sealed}
    spec:
      encryptedData: {password: AgBy}
    """)
    (secret,) = doc.secrets
    assert secret.obj.name == "creds" and secret.type == "Opaque"
    assert [(e.key, e.value, e.section, e.span.line, e.span.column) for e in secret.entries] == [
        ("password", "aHVudGVyMg==", "data", 6, 3),
        ("empty", None, "data", 7, 3),
        ("token", "abc123", "stringData", 9, 3),
    ]
    assert [o.kind for o in doc.objects] == ["Secret", "SealedSecret"]


def test_ingress_class() -> None:
    doc = parse("""
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: a}
    spec:
      ingressClassName: nginx
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: b
      annotations:
        kubernetes.io/ingress.class: nginx
        nginx.ingress.kubernetes.io/limit-rps: "10"
    ---
    apiVersion: extensions/v1beta1
    kind: Ingress
    metadata: {name: c}
    """)
    a, b, c = doc.ingresses
    assert (a.ingress_class, b.ingress_class, c.ingress_class) == ("nginx", "nginx", None)
    rps = b.obj.annotation("nginx.ingress.kubernetes.io/limit-rps")
    assert rps is not None and rps.value == "10" and rps.span.line == 13


@pytest.mark.parametrize("text", [
    # GitHub workflow: infra-looking, but no apiVersion/kind
    """
    jobs:
      test:
        runs-on: ubuntu-latest
        container:
          image: node:latest
        services:
          postgres: {image: postgres, ports: ["5432:5432"], env: {POSTGRES_PASSWORD: postgres}}
    """,
    # Chart.yaml: apiVersion without kind
    "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
    # values.yaml / compose
    "image:\n  repository: nginx\n  tag: latest\n",
    "services:\n  web:\n    image: nginx\n",
    "- a\n- b\n",
    "",
])
def test_non_kubernetes_yaml_gives_nothing(text: str) -> None:
    assert not looks(text)
    doc = parse(text)
    assert (doc.objects, doc.workloads, doc.services, doc.secrets, doc.ingresses) == ([], [], [], [], [])
    assert doc.problems == []


def test_looks_like_kube() -> None:
    assert looks("apiVersion: v1\nkind: ConfigMap\n")
    assert looks("foo: 1\n---\napiVersion: v1\nkind: ConfigMap\n")
    assert not looks("apiVersion: v1\nkind: 5\n")
    assert not looks("apiVersion: v1\nkind:\n")


def test_wrong_shapes_become_problems() -> None:
    doc = parse("""
    apiVersion: v1
    kind: Pod
    metadata: {name: bad}
    spec: "oops"
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: nulls}
    spec:
      template:
        spec:
          containers: null
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mapped}
    spec:
      template:
        spec:
          containers:
            app: {image: x}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: fields}
    spec:
      containers:
        - name: c
          image: 123
          env:
            PASSWORD: x
          ports: "8080"
          securityContext:
            runAsUser: root
            privileged: maybe
        - name: ok
          image: ok:1
          ports:
            - garbage
            - name: http
    """)
    found = {(p.span.line, p.span.column): p.message for p in doc.problems}
    assert all(p.kind == "parse-error" for p in doc.problems)
    assert "`spec` should be a mapping, not a string" in found[4, 7]
    assert "`containers` is null" in found[12, 19]
    assert "`containers` should be a list, not a mapping" in found[21, 9]
    assert "`image` should be a string, not the number 123" in found[29, 14]
    assert "`env` should be a list, not a mapping" in found[31, 9]
    assert "`ports` should be a list, not a string" in found[32, 14]
    assert "`runAsUser` should be an integer" in found[34, 20]
    assert "`privileged` should be true or false" in found[35, 21]
    assert "each `ports` entry should be a mapping" in found[39, 11]
    assert "has no `containerPort`" in found[40, 11]
    # the rest still parses
    assert [o.name for o in doc.objects] == ["bad", "nulls", "mapped", "fields"]
    c, ok = doc.workloads[-1].containers
    assert (c.name, c.image, c.env, c.ports, c.run_as_user, c.privileged) == ("c", None, (), (), None, None)
    assert ok.image is not None and ok.image.repository == "ok" and ok.ports == ()


def test_stream_problems_are_copied() -> None:
    doc = parse("""
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers:
        - name: a
          image: a:1
      containers:
        - name: b
          image: b:1
    """)
    assert [(p.kind, p.span.line) for p in doc.problems] == [("duplicate-key", 8)]
    assert [c.name for c in doc.containers] == ["b"]  # the later value wins
    broken = parse("apiVersion: v1\nkind: Pod\nspec: [\n")
    assert [p.kind for p in broken.problems] == ["parse-error"] and broken.objects == []


@pytest.mark.parametrize("text", [
    "apiVersion: v1\nkind: Secret\ndata: [1, 2]\nstringData: {a: [1]}\nmetadata: 7\n",
    "apiVersion: v1\nkind: Service\nspec: {type: [x], ports: {a: 1}, selector: [1], loadBalancerSourceRanges: [{}]}\n",
    "apiVersion: v1\nkind: Pod\nspec: {containers: [null, 1, {name: [x], env: [1, {value: x}, {name: a, valueFrom: 1}]}]}\n",
    "apiVersion: v1\nkind: Pod\nspec: {volumes: {a: 1}, securityContext: 1, containers: [{volumeMounts: [{name: q}], resources: {limits: 1}}]}\n",
    "apiVersion: v1\nkind: Pod\nspec: {volumes: [{name: v, hostPath: 1}], containers: [{volumeMounts: [{name: v}], securityContext: {capabilities: {add: [{}]}}}]}\n",
    "apiVersion: v1\nkind: List\nitems: {}\n",
    "apiVersion: v1\nkind: List\nitems:\n",
    "apiVersion: [v1]\nkind: Pod\n",
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec: 1\nmetadata: {annotations: {a: {b: c}}}\n",
    "apiVersion: batch/v1\nkind: CronJob\nspec: {jobTemplate: {spec: {template: 3}}}\n",
])
def test_garbage_never_raises(text: str) -> None:
    doc = parse(text)
    assert all(p.kind == "parse-error" for p in doc.problems)
    assert not any("could not be read" in p.message for p in doc.problems)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_never_raises() -> None:
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        stream = load_stream(text, path.as_posix())
        if looks_like_kube(stream):
            doc = parse_kube(Source(path.as_posix(), path, text, CORPUS), stream)
            assert not any("could not be read" in p.message for p in doc.problems), path


def test_ingress_class_and_object_extent() -> None:
    doc = parse("""
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: public
        spec:
          controller: k8s.io/ingress-nginx
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          a: "1"
    """)
    assert [(c.obj.name, c.controller) for c in doc.ingress_classes] == [("public", "k8s.io/ingress-nginx")]
    # Each object knows where it ends (inline ignores cover the whole object) without its tree.
    assert [(o.span.line, o.end_line) for o in doc.objects] == [(1, 6), (8, 13)]
