"""Spec-derived acceptance cases (QA), written only from RULES.md and CONTRACT.md.

Each case is a small realistic project: files written into ``tmp_path``, linted in-process with
``-f json``, and compared on (rule_id, path, line) for the rules the case is about.

Expectations are embedded in the file text as end-of-line markers, stripped before writing:

    image: nginx:latest          @@IL101
    ports: ...                   @@IL401~a        (one finding expected on one of the lines marked ~a)
    add_header ... ;             @@IL501!low      (and its severity must be "low")
    DB_PASSWORD: changeme        @@IL601%placeholder   (message must contain "placeholder")
    DB_PASSWORD_FILE: /run/...   @@-IL601         (explicit silence: this line must not fire)

A case passes when every expectation is reported and no other unsuppressed finding of the
case's rules appears. ``evaluate`` is importable so a script can compute pass rates.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run
from tests.spec_harness import Case, Expect, evaluate, lint, parse

ALL = ("IL001", "IL002", "IL101", "IL201", "IL301", "IL401", "IL501", "IL502", "IL503", "IL601", "IL602")
def C(id: str, files: dict[str, str | bytes], rules: tuple[str, ...] | str = ALL, *,
      xfail: str | None = None, args: tuple[str, ...] = (),
      expect: tuple[tuple[str, str, int], ...] = ()) -> Case:
    """`expect` adds (rule, path, line) expectations for files given as raw bytes."""
    if isinstance(rules, str):
        rules = tuple(rules.split(","))
    case = parse(Case(id, files, rules, xfail, args))
    case.expects += [Expect(r, p, {n}) for r, p, n in expect]
    return case


CASES: list[Case] = []


def add(*a, **k) -> None:
    CASES.append(C(*a, **k))


# ---------------------------------------------------------------------------------------------
# IL101 image-latest-tag
# ---------------------------------------------------------------------------------------------
add("il101-d-explicit-latest", {"Dockerfile": """
    FROM nginx:latest                                  @@IL101
    COPY site/ /usr/share/nginx/html/
"""}, "IL101")

add("il101-d-implied-latest", {"Dockerfile": """
    FROM ubuntu                                        @@IL101
    RUN apt-get update && apt-get install -y curl
"""}, "IL101")

add("il101-d-pinned-tag-and-digest", {"Dockerfile": """
    FROM python:3.12-slim AS build
    RUN pip wheel -w /wheels flask
    FROM alpine@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b
    COPY --from=build /wheels /wheels
"""}, "IL101")

add("il101-d-arg-default-latest", {"Dockerfile": """
    ARG NODE_TAG=latest
    FROM node:${NODE_TAG}                               @@IL101
    WORKDIR /app
"""}, "IL101")

add("il101-d-arg-default-pinned", {"Dockerfile": """
    ARG NODE_TAG=20.11-alpine
    FROM node:${NODE_TAG}
    WORKDIR /app
"""}, "IL101")

add("il101-d-arg-whole-image-untagged", {"Dockerfile": """
    ARG BASE_IMAGE=python
    FROM $BASE_IMAGE                                    @@IL101
    CMD ["python"]
"""}, "IL101")

add("il101-d-stage-alias-and-scratch", {"Dockerfile": """
    FROM golang:1.22-alpine AS builder
    WORKDIR /src
    RUN go build -o /out/app ./cmd/app
    FROM builder AS tested
    RUN go test ./...
    FROM scratch
    COPY --from=tested /out/app /app
    ENTRYPOINT ["/app"]
"""}, "IL101")

add("il101-d-registry-port-not-a-tag", {"Dockerfile": """
    FROM registry.internal:5000/platform/base           @@IL101
    FROM registry.internal:5000/platform/base:2024.03
"""}, "IL101")

add("il101-d-platform-flag", {"Dockerfile": """
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    RUN go build -o /app .
    FROM --platform=linux/amd64 debian                  @@IL101
    COPY --from=build /app /app
"""}, "IL101")

add("il101-c-latest-implied-pinned", {"compose.yaml": """
    services:
      web:
        image: nginx:latest                             @@IL101
      cache:
        image: redis                                    @@IL101
      db:
        image: "postgres:16.2"
      worker:
        image: ghcr.io/acme/worker@sha256:0f2c8e6b3b1f4cbd9b6a7c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f
"""}, "IL101")

add("il101-c-build-only-service", {"docker-compose.yml": """
    services:
      api:
        build: ./api
      worker:
        build:
          context: .
          dockerfile: worker.Dockerfile
""", "api/Dockerfile": """
    FROM python:3.12-slim
""", "worker.Dockerfile": """
    FROM python:3.12-slim
"""}, "IL101")

add("il101-c-registry-port", {"compose.yaml": """
    services:
      app:
        image: localhost:5000/acme/app                  @@IL101
      app2:
        image: localhost:5000/acme/app:1.4.2
"""}, "IL101")

add("il101-c-variable-default", {"compose.yaml": """
    services:
      app:
        image: "ghcr.io/acme/app:${APP_TAG:-latest}"    @@IL101
      api:
        image: "ghcr.io/acme/api:${API_TAG:-2.3.1}"
"""}, "IL101")

add("il101-k-deployment-and-init", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          initContainers:
            - name: migrate
              image: busybox:latest                     @@IL101
          containers:
            - name: web
              image: nginx                              @@IL101
            - name: sidecar
              image: envoyproxy/envoy:v1.29.1
"""}, "IL101")

add("il101-k-cronjob-and-digest", {"jobs.yaml": """
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: report
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers:
                - name: report
                  image: acme/report:latest             @@IL101
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: pinned
    spec:
      containers:
        - name: app
          image: registry.local:5000/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
"""}, "IL101")

# ---------------------------------------------------------------------------------------------
# IL201 root-user
# ---------------------------------------------------------------------------------------------
add("il201-d-no-user", {"Dockerfile": """
    FROM python:3.12-slim                               @@IL201
    WORKDIR /app
    COPY . .
    CMD ["gunicorn", "app:app"]
"""}, "IL201")

add("il201-d-user-root", {"Dockerfile": """
    FROM node:20-alpine
    WORKDIR /app
    USER root                                           @@IL201
    CMD ["node", "server.js"]
"""}, "IL201")

add("il201-d-user-0", {"Dockerfile": """
    FROM debian:12-slim
    USER 0                                              @@IL201
"""}, "IL201")

add("il201-d-user-0-0", {"Dockerfile": """
    FROM debian:12-slim
    RUN useradd -u 10001 app
    USER 0:0                                            @@IL201
"""}, "IL201")

add("il201-d-nonroot-ok", {"Dockerfile": """
    FROM python:3.12-slim
    RUN useradd -u 10001 app
    USER app
    FROM python:3.12-slim
    USER 10001:10001
"""}, "IL201")

add("il201-d-last-user-wins", {"Dockerfile": """
    FROM python:3.12-slim
    USER root
    RUN apt-get update && apt-get install -y libpq5
    USER 10001
"""}, "IL201")

add("il201-d-user-only-in-build-stage", {"Dockerfile": """
    FROM golang:1.22 AS build
    USER 10001
    RUN go build -o /out/app .
    FROM alpine:3.19                                    @@IL201
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
"""}, "IL201")

add("il201-d-inherited-nonroot", {"Dockerfile": """
    FROM node:20-alpine AS base
    USER node
    FROM base AS runtime
    COPY . /app
    CMD ["node", "/app/server.js"]
"""}, "IL201")

add("il201-d-inherited-then-root", {"Dockerfile": """
    FROM node:20-alpine AS base
    USER node
    FROM base
    USER root                                           @@IL201
    CMD ["node", "/app/server.js"]
"""}, "IL201")

add("il201-d-build-stage-root-final-nonroot", {"Dockerfile": """
    FROM maven:3.9-eclipse-temurin-21 AS build
    USER root
    RUN mvn -q package
    FROM eclipse-temurin:21-jre
    USER 10001
    COPY --from=build /target/app.jar /app.jar
"""}, "IL201")

add("il201-c-user-root-variants", {"compose.yaml": """
    services:
      a:
        image: alpine:3.19
        user: root                                      @@IL201
      b:
        image: alpine:3.19
        user: "0"                                       @@IL201
      c:
        image: alpine:3.19
        user: "0:0"                                     @@IL201
      d:
        image: alpine:3.19
        user: "10001:10001"
      e:
        image: alpine:3.19
"""}, "IL201")

add("il201-c-built-from-root-dockerfile", {"compose.yaml": """
    services:
      api:                                              @@IL201
        build: ./api
      worker:
        build: ./api
        user: "10001"
""", "api/Dockerfile": """
    FROM python:3.12-slim                               @@IL201
    CMD ["python", "-m", "api"]
"""}, "IL201")

add("il201-c-built-nonroot-dockerfile-user-root-override", {"compose.yaml": """
    services:
      api:
        build: ./api
      debug:
        build: ./api
        user: root                                      @@IL201
""", "api/Dockerfile": """
    FROM python:3.12-slim
    USER 10001
"""}, "IL201")

add("il201-k-no-security-context", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api                                 @@IL201
              image: acme/api:1.2.0
"""}, "IL201")

add("il201-k-pod-level-nonroot", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          securityContext:
            runAsNonRoot: true
          containers:
            - name: api
              image: acme/api:1.2.0
            - name: metrics
              image: acme/metrics:0.4.0
"""}, "IL201")

add("il201-k-pod-runasuser-positive", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: tool
    spec:
      securityContext:
        runAsUser: 10001
      containers:
        - name: tool
          image: acme/tool:3.0.0
"""}, "IL201")

add("il201-k-container-overrides-to-root", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          securityContext:
            runAsNonRoot: true
          containers:
            - name: api
              image: acme/api:1.2.0
              securityContext:
                runAsUser: 0                            @@IL201
"""}, "IL201")

add("il201-k-container-overrides-pod-root", {"sts.yaml": """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: db
    spec:
      serviceName: db
      selector:
        matchLabels: {app: db}
      template:
        metadata:
          labels: {app: db}
        spec:
          securityContext:
            runAsUser: 0
            fsGroup: 999
          containers:
            - name: db
              image: postgres:16.2
              securityContext:
                runAsUser: 999
"""}, "IL201")

add("il201-k-pod-runasuser-zero", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: debug
    spec:
      securityContext:
        runAsUser: 0                                    @@IL201
      containers:
        - name: shell
          image: busybox:1.36
"""}, "IL201")

add("il201-k-one-of-two-containers", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: acme/web:2.0.0
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
            - name: log-shipper                         @@IL201
              image: fluent/fluent-bit:3.0
"""}, "IL201")

add("il201-k-cronjob-container", {"cron.yaml": """
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: backup
    spec:
      schedule: "@daily"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: backup                          @@IL201
                  image: acme/backup:1.0.0
"""}, "IL201")

# ---------------------------------------------------------------------------------------------
# IL301 missing-healthcheck
# ---------------------------------------------------------------------------------------------
add("il301-c-missing-and-present", {"compose.yaml": """
    services:
      web:                                              @@IL301
        image: nginx:1.25
      api:
        image: acme/api:1.0.0
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
          interval: 30s
"""}, "IL301")

add("il301-c-disabled", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0.0
        healthcheck:
          disable: true                                 @@IL301
      b:
        image: acme/b:1.0.0
        healthcheck:
          test: ["NONE"]                                @@IL301
"""}, "IL301")

add("il301-c-merge-key", {"compose.yaml": """
    x-service-defaults: &defaults
      restart: unless-stopped
      healthcheck:
        test: ["CMD-SHELL", "wget -qO- http://localhost:8080/healthz || exit 1"]
        interval: 15s

    services:
      orders:
        <<: *defaults
        image: acme/orders:1.3.0
      billing:
        <<: *defaults
        image: acme/billing:2.0.1
"""}, "IL301")

add("il301-c-built-dockerfile-has-healthcheck", {"compose.yaml": """
    services:
      api:
        build: ./api
""", "api/Dockerfile": """
    FROM python:3.12-slim
    USER 10001
    HEALTHCHECK --interval=30s CMD curl -fs http://localhost:8000/health || exit 1
    CMD ["python", "-m", "api"]
"""}, "IL301")

add("il301-c-built-dockerfile-without-healthcheck", {"compose.yaml": """
    services:
      api:                                              @@IL301
        build:
          context: ./api
""", "api/Dockerfile": """
    FROM python:3.12-slim                               @@IL301!low
    USER 10001
    CMD ["python", "-m", "api"]
"""}, "IL301")

add("il301-d-missing-low", {"Dockerfile": """
    FROM node:20-alpine                                 @@IL301!low
    USER node
    CMD ["node", "server.js"]
"""}, "IL301")

add("il301-d-inherited", {"Dockerfile": """
    FROM node:20-alpine AS base
    HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1
    FROM base AS runtime
    COPY . /app
"""}, "IL301")

add("il301-d-only-in-build-stage", {"Dockerfile": """
    FROM golang:1.22 AS build
    HEALTHCHECK CMD true
    RUN go build -o /out/app .
    FROM gcr.io/distroless/static:nonroot               @@IL301
    COPY --from=build /out/app /app
"""}, "IL301")

add("il301-k-deployment-probes", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          initContainers:
            - name: wait-for-db
              image: busybox:1.36
          containers:
            - name: web                                 @@IL301
              image: acme/web:1.0.0
            - name: api
              image: acme/api:1.0.0
              readinessProbe:
                httpGet: {path: /ready, port: 8080}
            - name: worker
              image: acme/worker:1.0.0
              livenessProbe:
                exec: {command: ["/bin/healthy"]}
"""}, "IL301")

add("il301-k-startup-probe-only-fires", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: slow
    spec:
      selector:
        matchLabels: {app: slow}
      template:
        metadata:
          labels: {app: slow}
        spec:
          containers:
            - name: slow                                @@IL301
              image: acme/slow:1.0.0
              startupProbe:
                tcpSocket: {port: 9000}
"""}, "IL301")

add("il301-k-job-cronjob-never", {"batch.yaml": """
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: migrate
              image: acme/migrate:1.0.0
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly
    spec:
      schedule: "0 2 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers:
                - name: nightly
                  image: acme/nightly:1.0.0
"""}, "IL301")

add("il301-k-statefulset-daemonset-pod", {"workloads.yaml": """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: queue
    spec:
      serviceName: queue
      selector:
        matchLabels: {app: queue}
      template:
        metadata:
          labels: {app: queue}
        spec:
          containers:
            - name: queue                               @@IL301
              image: rabbitmq:3.13
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: agent
    spec:
      selector:
        matchLabels: {app: agent}
      template:
        metadata:
          labels: {app: agent}
        spec:
          containers:
            - name: agent                               @@IL301
              image: acme/agent:0.9.0
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: toolbox
    spec:
      containers:
        - name: toolbox                                 @@IL301
          image: acme/toolbox:1.0.0
"""}, "IL301")

add("il301-k-crd-with-pod-template", {"rollout.yaml": """
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata:
      name: checkout
    spec:
      replicas: 3
      selector:
        matchLabels: {app: checkout}
      template:
        metadata:
          labels: {app: checkout}
        spec:
          containers:
            - name: checkout                            @@IL301
              image: acme/checkout:4.1.0
      strategy:
        canary:
          steps:
            - setWeight: 20
"""}, "IL301")

# ---------------------------------------------------------------------------------------------
# IL401 exposed-db-port
# ---------------------------------------------------------------------------------------------
add("il401-c-short-syntax", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        ports:
          - "5432:5432"                                 @@IL401
      mysql:
        image: mysql:8.3
        ports:
          - "0.0.0.0:3306:3306"                         @@IL401
      cache:
        image: redis:7.2
        ports:
          - "127.0.0.1:6379:6379"
      search:
        image: elasticsearch:8.13.0
        ports:
          - "[::]:9200:9200"                            @@IL401
      mongo:
        image: mongo:7.0
        ports:
          - "10.0.0.5:27017:27017"
""", }, "IL401")

add("il401-c-bare-port-and-protocol", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        ports:
          - "5432"                                      @@IL401
      cache:
        image: memcached:1.6
        ports:
          - "11211:11211/tcp"                           @@IL401
"""}, "IL401")

add("il401-c-long-syntax", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        ports:
          - target: 5432                                @@IL401
            published: 5432
            protocol: tcp
      cache:
        image: redis:7.2
        ports:
          - target: 6379
            published: 6379
            host_ip: 127.0.0.1
      mq:
        image: rabbitmq:3.13-management
        ports:
          - target: 5672                                @@IL401
            published: "5672"
            host_ip: 0.0.0.0
"""}, "IL401")

add("il401-c-expose-does-not-publish", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        expose:
          - "5432"
      web:
        image: nginx:1.25
        ports:
          - "8080:80"
          - "443:443"
"""}, "IL401")

add("il401-c-db-by-image-and-by-number", {"compose.yaml": """
    services:
      redis:
        image: redis:7.2-alpine
        ports:
          - "16380:16380"                               @@IL401
      proxy:
        image: acme/cache-proxy:1.0.0
        ports:
          - "6379:6379"                                 @@IL401
      ui:
        image: acme/dashboard:2.0.0
        ports:
          - "3000:3000"
"""}, "IL401")

add("il401-k-nodeport-by-port", {"svc.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: postgres
    spec:
      type: NodePort                                    @@IL401~a
      selector:
        app: postgres
      ports:
        - port: 5432                                    @@IL401~a
          targetPort: 5432
          nodePort: 30432
"""}, "IL401")

add("il401-k-loadbalancer-by-targetport", {"svc.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: cache
    spec:
      type: LoadBalancer                                @@IL401~a
      selector:
        app: cache
      ports:
        - name: redis                                   @@IL401~a
          port: 80                                      @@IL401~a
          targetPort: 6379                              @@IL401~a
"""}, "IL401")

add("il401-k-internal-lb-and-source-ranges", {"svc.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: db-internal
      annotations:
        service.beta.kubernetes.io/aws-load-balancer-internal: "true"
    spec:
      type: LoadBalancer
      selector: {app: db}
      ports:
        - port: 5432
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: db-gke-internal
      annotations:
        networking.gke.io/load-balancer-type: "Internal"
    spec:
      type: LoadBalancer
      selector: {app: db}
      ports:
        - port: 5432
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: db-restricted
    spec:
      type: LoadBalancer
      loadBalancerSourceRanges:
        - 10.20.0.0/16
      selector: {app: db}
      ports:
        - port: 5432
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: db-clusterip
    spec:
      selector: {app: db}
      ports:
        - port: 5432
"""}, "IL401")

add("il401-k-selects-db-workload", {"search.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: search
    spec:
      selector:
        matchLabels: {app: search}
      template:
        metadata:
          labels:
            app: search
        spec:
          containers:
            - name: es
              image: docker.elastic.co/elasticsearch/elasticsearch:8.13.0
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: search-public
    spec:
      type: LoadBalancer                                @@IL401~a
      selector:                                         @@IL401~a
        app: search                                     @@IL401~a
      ports:
        - port: 80                                      @@IL401~a
          targetPort: 8080                              @@IL401~a
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: web-public
    spec:
      type: LoadBalancer
      selector:
        app: web
      ports:
        - port: 80
          targetPort: 8080
"""}, "IL401")

add("il401-k-hostport", {"ds.yaml": """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: mysql-node
    spec:
      selector:
        matchLabels: {app: mysql-node}
      template:
        metadata:
          labels: {app: mysql-node}
        spec:
          containers:
            - name: mysql
              image: mysql:8.3
              ports:
                - hostPort: 3306                        @@IL401
                  containerPort: 3306
            - name: exporter
              image: prom/mysqld-exporter:v0.15.1
              ports:
                - containerPort: 9104
                  hostPort: 9104
"""}, "IL401")

# ---------------------------------------------------------------------------------------------
# IL501 missing-security-headers / IL502 security-headers-dropped / IL503 missing-rate-limit
# ---------------------------------------------------------------------------------------------
add("il501-server-without-headers", {"nginx.conf": """
    events {}
    http {
        server {                                        @@IL501
            listen 80;
            server_name app.example.com;
            location / {
                root /srv/www;
            }
        }
    }
"""}, "IL501")

add("il501-complete-tls-server", {"nginx.conf": """
    events {}
    http {
        server {
            listen 443 ssl;
            server_name app.example.com;
            ssl_certificate /etc/ssl/app.crt;
            ssl_certificate_key /etc/ssl/app.key;
            add_header X-Content-Type-Options "nosniff" always;
            add_header X-Frame-Options "DENY" always;
            add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
            location / {
                root /srv/www;
            }
        }
    }
"""}, "IL501")

add("il501-inherited-from-http", {"nginx.conf": """
    events {}
    http {
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options SAMEORIGIN always;
        server {
            listen 80;
            server_name a.example.com;
            location / {
                root /srv/a;
            }
        }
    }
"""}, "IL501")

add("il501-server-own-header-drops-http-ones", {"nginx.conf": """
    events {}
    http {
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options SAMEORIGIN always;
        server {                                        @@IL501
            listen 80;
            server_name a.example.com;
            add_header X-Request-Id $request_id always;
            location / {
                root /srv/a;
            }
        }
    }
"""}, "IL501")

add("il501-without-always-is-low", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            add_header X-Content-Type-Options nosniff;      @@IL501!low
            add_header X-Frame-Options DENY;                @@IL501!low
            location / {
                root /srv/a;
            }
        }
    }
"""}, "IL501")

add("il501-tls-missing-hsts-medium", {"nginx.conf": """
    events {}
    http {
        server {                                        @@IL501!medium
            listen 443 ssl http2;
            server_name shop.example.com;
            ssl_certificate /etc/ssl/shop.crt;
            ssl_certificate_key /etc/ssl/shop.key;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location / {
                root /srv/shop;
            }
        }
    }
"""}, "IL501")

add("il501-plain-http-needs-no-hsts", {"nginx.conf": """
    events {}
    http {
        server {
            listen 8080;
            server_name internal.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location / {
                root /srv/internal;
            }
        }
    }
"""}, "IL501")

add("il501-csp-frame-ancestors-replaces-xfo", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
            location / {
                root /srv/a;
            }
        }
        server {                                        @@IL501
            listen 80;
            server_name b.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header Content-Security-Policy "default-src 'self'" always;
            location / {
                root /srv/b;
            }
        }
    }
"""}, "IL501")

add("il501-variable-values-count", {"nginx.conf": """
    events {}
    http {
        map $uri $frame_policy {
            default DENY;
            ~^/embed/ SAMEORIGIN;
        }
        server {
            listen 80;
            server_name a.example.com;
            add_header X-Content-Type-Options $nosniff_value always;
            add_header X-Frame-Options $frame_policy always;
            location / {
                root /srv/a;
            }
        }
    }
"""}, "IL501")

add("il501-redirect-only-servers", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name example.com www.example.com;
            return 301 https://example.com$request_uri;
        }
        server {
            listen 80;
            server_name old.example.com;
            location / {
                return 308 https://example.com$request_uri;
            }
            location /legacy {
                return 302 https://example.com/new;
            }
        }
    }
"""}, "IL501")

add("il501-lone-fragment-judged-alone", {"conf.d/app.conf": """
    server {                                            @@IL501
        listen 80;
        server_name app.example.com;
        location / {
            proxy_pass http://app:8000;
        }
    }
"""}, "IL501")

add("il501-fragment-inherits-main-http-headers", {"nginx.conf": """
    events {}
    http {
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        include conf.d/*.conf;
    }
""", "conf.d/app.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location / {
            root /srv/app;
        }
    }
"""}, "IL501")

add("il501-headers-from-included-snippet", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        include snippets/security-headers.conf;
        location / {
            root /srv/app;
        }
    }
""", "snippets/security-headers.conf": """
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
"""}, "IL501")

add("il501-include-outside-root-is-unknown", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        include /etc/nginx/snippets/security-headers.conf;
        location / {
            root /srv/app;
        }
    }
"""}, "IL501")

add("il502-location-drops-server-headers", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location / {
                root /srv/a;
            }
            location /static/ {                         @@IL502
                root /srv/a;
                add_header Cache-Control "public, max-age=86400";
            }
            location /api/ {
                add_header Cache-Control no-store;
                add_header X-Content-Type-Options nosniff always;
                add_header X-Frame-Options DENY always;
                root /srv/api;
            }
        }
    }
"""}, "IL502")

add("il502-nested-location", {"nginx.conf": """
    events {}
    http {
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        server {
            listen 80;
            server_name a.example.com;
            location / {
                root /srv/a;
                location ~* \\.(js|css)$ {              @@IL502
                    add_header Cache-Control "max-age=31536000, immutable";
                }
            }
        }
    }
"""}, "IL502")

add("il502-if-block", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name api.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location / {
                if ($request_method = OPTIONS) {        @@IL502
                    add_header Access-Control-Allow-Origin *;
                    return 204;
                }
                root /srv/api;
            }
        }
    }
"""}, "IL502")

add("il502-nothing-security-to-drop", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            add_header X-Served-By edge-1;
            location /static/ {
                add_header Cache-Control "public";
                root /srv/a;
            }
        }
    }
"""}, "IL502")

add("il503-proxy-without-limit", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name api.example.com;
            location /api/ {                            @@IL503
                proxy_pass http://api:3000;
            }
            location /php/ {                            @@IL503
                fastcgi_pass unix:/run/php-fpm.sock;
            }
            location /py/ {                             @@IL503
                uwsgi_pass app:3031;
            }
            location /grpc/ {                           @@IL503
                grpc_pass grpc://backend:50051;
            }
            location / {
                root /srv/www;
            }
        }
    }
"""}, "IL503")

add("il503-inherited-limit-req", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
        limit_req zone=perip burst=20 nodelay;
        server {
            listen 80;
            server_name api.example.com;
            location /api/ {
                proxy_pass http://api:3000;
            }
        }
        server {
            listen 80;
            server_name b.example.com;
            limit_req zone=perip burst=5;
            location / {
                proxy_pass http://b:3000;
            }
        }
    }
"""}, "IL503")

add("il503-dry-run-only", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
        server {
            listen 80;
            server_name api.example.com;
            location /api/ {                            @@IL503~a
                limit_req zone=perip burst=20;
                limit_req_dry_run on;                   @@IL503~a
                proxy_pass http://api:3000;
            }
        }
    }
"""}, "IL503")

add("il503-limit-conn-is-not-limit-req", {"nginx.conf": """
    events {}
    http {
        limit_conn_zone $binary_remote_addr zone=conn:10m;
        server {
            listen 80;
            server_name api.example.com;
            location /api/ {                            @@IL503
                limit_conn conn 20;
                proxy_pass http://api:3000;
            }
        }
    }
"""}, "IL503")

add("il503-lone-fragment", {"conf.d/api.conf": """
    server {
        listen 80;
        server_name api.example.com;
        location / {                                    @@IL503
            proxy_pass http://api:3000;
        }
    }
"""}, "IL503")

add("il503-fragment-inherits-main-limit", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
        limit_req zone=perip burst=20;
        include conf.d/*.conf;
    }
""", "conf.d/api.conf": """
    server {
        listen 80;
        server_name api.example.com;
        location / {
            proxy_pass http://api:3000;
        }
    }
"""}, "IL503")

add("il503-ingress", {"ingress.yaml": """
    apiVersion: networking.k8s.io/v1                    @@IL503~a
    kind: Ingress                                       @@IL503~a
    metadata:                                           @@IL503~a
      name: shop                                        @@IL503~a
    spec:
      ingressClassName: nginx                           @@IL503~a
      rules:
        - host: shop.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: shop, port: {number: 80}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: api
      annotations:
        nginx.ingress.kubernetes.io/limit-rps: "20"
    spec:
      ingressClassName: nginx
      rules:
        - host: api.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: api, port: {number: 80}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: admin
      annotations:
        nginx.ingress.kubernetes.io/limit-connections: "10"
    spec:
      ingressClassName: nginx
      rules:
        - host: admin.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: admin, port: {number: 80}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: traefik-app
    spec:
      ingressClassName: traefik
      rules:
        - host: t.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: t, port: {number: 80}}
"""}, "IL503")

add("il503-ingress-class-annotation", {"ingress.yaml": """
    apiVersion: networking.k8s.io/v1                    @@IL503~a
    kind: Ingress                                       @@IL503~a
    metadata:                                           @@IL503~a
      name: legacy                                      @@IL503~a
      annotations:                                      @@IL503~a
        kubernetes.io/ingress.class: nginx              @@IL503~a
    spec:
      rules:
        - host: legacy.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: legacy, port: {number: 80}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: rpm
      annotations:
        kubernetes.io/ingress.class: nginx
        nginx.ingress.kubernetes.io/limit-rpm: "600"
    spec:
      rules:
        - host: rpm.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: rpm, port: {number: 80}}
"""}, "IL503")

# ---------------------------------------------------------------------------------------------
# IL601 secret-in-env
# ---------------------------------------------------------------------------------------------
add("il601-c-map-form", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          LOG_LEVEL: info
          DB_PASSWORD: Xk29fLq8VbN4                     @@IL601
          STRIPE_API_KEY: rk_prod_9sd8f7g6h5j4          @@IL601
          DATABASE_URL: postgres://app:Xk29fLq8VbN4@db:5432/app   @@IL601
          AWS_ACCESS_KEY_ID: AKIAZ3MSJV4WQ7PL2RXT       @@IL601
"""}, "IL601")

add("il601-c-list-form", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          - NODE_ENV=production
          - JWT_SECRET=9f8e7d6c5b4a39281706f5e4d3c2b1a0  @@IL601
          - GITHUB_TOKEN=ghp_R4nd0mT0k3nV4lu3Abcdefghijklmnop12   @@IL601
          - SLACK_WEBHOOK_BOT=xoxb-2345678901-2345678901234-AbCdEfGhIjKlMnOpQrStUvWx   @@IL601
"""}, "IL601")

add("il601-c-interpolations-and-empty", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        environment:
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
          POSTGRES_USER: app
          REPLICATION_PASSWORD: ${REPLICATION_PASSWORD:-}
          ADMIN_TOKEN: ${ADMIN_TOKEN:?set ADMIN_TOKEN}
          API_KEY: ""
          SECRET_KEY:
      api:
        image: acme/api:1.0.0
        environment:
          - DB_PASSWORD=${DB_PASSWORD}
          - DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app
          - SESSION_SECRET=
          - AUTH_TOKEN=$AUTH_TOKEN
"""}, "IL601")

add("il601-c-interpolation-with-literal-default", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          DB_PASSWORD: ${DB_PASSWORD:-Tr0ub4dorXz81}    @@IL601
"""}, "IL601")

add("il601-c-qualifier-names", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          DB_PASSWORD_FILE: /run/secrets/db_password
          TLS_PRIVATE_KEY_PATH: /etc/tls/key.pem
          SECRETS_DIR: /run/secrets
          JWT_SECRET_EXPIRES_IN: 7d
          TOKEN_EXPIRE_MINUTES: "30"
          SESSION_TOKEN_TTL: 1h
          API_KEY_LENGTH: "64"
          PASSWORD_HASH_ROUNDS: "12"
          AUTH_ENABLED: "true"
          TOKEN_ALGORITHM: HS256
          AUTH_HEADER: X-Api-Key
          SECRET_NAME: prod/db/credentials
"""}, "IL601")

add("il601-c-numeric-and-boolean-values", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          REDIS_PASSWORD: 123456
          REQUIRE_AUTH: true
          SMTP_PASSWORD: "false"
          API_TOKEN: "42"
"""}, "IL601")

add("il601-c-placeholders-reported", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          DB_PASSWORD: changeme                         @@IL601%placeholder
          SECRET_KEY: your-secret-key                   @@IL601%placeholder
"""}, "IL601")

add("il601-c-value-patterns-under-neutral-names", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          PAYMENTS: sk_live_51HxYzAbCdEfGhIjKlMnOpQr     @@IL601
          UPSTREAM: https://deploy:Zq8vLm2pWx7@git.example.com/repo.git   @@IL601
          SERVICE_BEARER: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c   @@IL601
          PUBLIC_URL: https://app.example.com/login
          CACHE_URL: redis://cache:6379/0
          DB_URL: postgres://app@db:5432/app
"""}, "IL601")

add("il601-d-env-and-arg", {"Dockerfile": """
    FROM node:20-alpine
    ARG NPM_TOKEN                                       @@IL601
    ARG APP_VERSION=1.4.2
    ARG SENTRY_AUTH_TOKEN=sntrys_a1b2c3d4e5f6g7h8i9   @@IL601
    ENV NODE_ENV=production
    ENV API_TOKEN=8c1f0e2d9a7b6c5d4e3f             @@IL601
    ENV DB_PASSWORD hunter2hunter2                      @@IL601
    USER node
"""}, "IL601")

add("il601-d-multiline-env-points-at-pair", {"Dockerfile": """
    FROM python:3.12-slim
    ENV PYTHONUNBUFFERED=1 \\
        APP_HOME=/app \\
        DJANGO_SECRET_KEY=q9w8e7r6t5y4u3i2o1p0asdf   @@IL601
    USER 10001
"""}, "IL601")

add("il601-d-exemptions", {"Dockerfile": """
    FROM python:3.12-slim
    ENV API_KEY=${API_KEY}
    ENV DB_PASSWORD=$DB_PASSWORD
    ENV DB_PASSWORD_FILE=/run/secrets/db_password SECRETS_DIR=/run/secrets
    ENV AUTH_ENABLED=true TOKEN_TTL=3600
    RUN --mount=type=secret,id=pip_token,env=PIP_TOKEN pip install -r requirements.txt
    RUN aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"
    USER 10001
"""}, "IL601")

add("il601-d-aws-configure-literal", {"Dockerfile": """
    FROM amazon/aws-cli:2.15.30
    RUN aws configure set aws_access_key_id AKIAZ3MSJV4WQ7PL2RXT && \\                @@IL601~a
        aws configure set aws_secret_access_key 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   @@IL601~a
    USER 10001
"""}, "IL601")

add("il601-k-env-value", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: acme/api:1.0.0
              envFrom:
                - secretRef:
                    name: api-secrets
              env:
                - name: LOG_LEVEL
                  value: info
                - name: DB_PASSWORD                     @@IL601~a
                  value: Xk29fLq8VbN4                   @@IL601~a
                - name: STRIPE_SECRET_KEY
                  valueFrom:
                    secretKeyRef:
                      name: stripe
                      key: secret
                - name: DATABASE_URL
                  value: "postgres://app:$(DB_PASSWORD)@db:5432/app"
                - name: API_TOKEN_PATH
                  value: /var/run/secrets/api/token
                - name: SESSION_SECRET_TTL
                  value: "3600"
"""}, "IL601")

# ---------------------------------------------------------------------------------------------
# IL602 committed-secret
# ---------------------------------------------------------------------------------------------
add("il602-k-secret-data", {"secret.yaml": """
    apiVersion: v1                                      @@IL602~a
    kind: Secret                                        @@IL602~a
    metadata:                                           @@IL602~a
      name: db-credentials                              @@IL602~a
    type: Opaque                                        @@IL602~a
    data:                                               @@IL602~a
      password: WGsyOWZMcThWYk40                        @@IL602~a
"""}, "IL602")

add("il602-k-secret-stringdata", {"secret.yaml": """
    apiVersion: v1                                      @@IL602~a
    kind: Secret                                        @@IL602~a
    metadata:                                           @@IL602~a
      name: api-keys                                    @@IL602~a
    stringData:                                         @@IL602~a
      stripe: sk_live_51HxYzAbCdEfGhIjKlMnOpQr          @@IL602~a
"""}, "IL602")

add("il602-k-sealed-and-sa-token-and-empty", {"secrets.yaml": """
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata:
      name: db-credentials
    spec:
      encryptedData:
        password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: build-robot-token
      annotations:
        kubernetes.io/service-account.name: build-robot
    type: kubernetes.io/service-account-token
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: filled-later
    type: Opaque
    data: {}
"""}, "IL602")

add("il602-dotenv-real-values", {".env": """
    APP_ENV=production
    DEBUG=false
    DB_PASSWORD=Xk29fLq8VbN4                            @@IL602
    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzQ8v3kLm9Tq2   @@IL602
    JWT_SECRET="a8f5f167f44f4964e6c998dee827110c"       @@IL602
    DATABASE_URL=postgres://app:Xk29fLq8VbN4@db:5432/app   @@IL602
"""}, "IL602,IL601")

add("il602-dotenv-variants", {".env.production": """
    API_TOKEN=8c1f0e2d9a7b6c5d4e3f                      @@IL602
""", ".env.example": """
    API_TOKEN=8c1f0e2d9a7b6c5d4e3f
""", ".env.sample": """
    API_TOKEN=8c1f0e2d9a7b6c5d4e3f
""", ".env.template": """
    API_TOKEN=8c1f0e2d9a7b6c5d4e3f
""", ".env.dist": """
    API_TOKEN=8c1f0e2d9a7b6c5d4e3f
"""}, "IL602")

add("il602-dotenv-template-values", {".env": """
    # copy and fill in
    DB_PASSWORD=
    API_KEY=changeme
    SECRET_KEY=<your key>
    STRIPE_SECRET_KEY=xxx
    LOG_LEVEL=info
"""}, "IL602")

# ---------------------------------------------------------------------------------------------
# IL001 parse-error
# ---------------------------------------------------------------------------------------------
add("il001-compose-sequence-error", {"compose.yaml": """
    services:
      web:
        image: nginx:1.25
        ports: - "80:80"                                @@IL001
"""}, "IL001")

add("il001-compose-tab", {"docker-compose.yml": """
    services:
      web:
    \timage: nginx:1.25                                 @@IL001
"""}, "IL001")

add("il001-k8s-mapping-error", {"configmap.yaml": """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      greeting: hello: world                            @@IL001
"""}, "IL001")

add("il001-k8s-one-broken-document-others-still-linted", {"app.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:latest                       @@IL101
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: broken
    data:
      greeting: hello: world                            @@IL001
      other: "1"
"""}, "IL001,IL101")

add("il001-nginx-unexpected-brace", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
        }
        }
    }                                                   @@IL001
"""}, "IL001")

add("il001-dockerfile-unknown-instruction", {"Dockerfile": """
    FROM python:3.12-slim
    WORKDIR /app
    CPOY requirements.txt .                             @@IL001
    USER 10001
"""}, "IL001")

add("il001-unmarked-yaml-is-not-ours", {"settings/app-settings.yaml": """
    feature_flags:
      checkout: on: off
"""}, "IL001")

add("il001-empty-and-comment-only", {"compose.yaml": "", "Dockerfile": """
    # syntax=docker/dockerfile:1
    # TODO: write me
""", "site.conf": """
    # nothing yet
"""}, ALL)

add("il001-utf16-compose-still-linted", {
    "compose.yaml": ("\ufeffservices:\n  cache:\n    image: redis\n").encode("utf-16-le"),
}, "IL001,IL101", expect=(("IL101", "compose.yaml", 3),))

add("il001-utf8-bom-dockerfile", {
    "Dockerfile": b"\xef\xbb\xbfFROM ubuntu\nUSER 10001\n",
}, "IL001,IL101", expect=(("IL101", "Dockerfile", 1),))

# ---------------------------------------------------------------------------------------------
# IL002 duplicate-key
# ---------------------------------------------------------------------------------------------
add("il002-compose-repeated-image-later-wins", {"compose.yaml": """
    services:
      web:
        image: nginx:1.25.4
        ports:
          - "8080:80"
        image: nginx:latest                             @@IL002,IL101
"""}, "IL002,IL101")

add("il002-compose-later-value-pinned", {"compose.yaml": """
    services:
      web:
        image: nginx:latest
        image: nginx:1.25.4                             @@IL002
"""}, "IL002,IL101")

add("il002-compose-env-later-interpolated", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          DB_PASSWORD: Xk29fLq8VbN4
          LOG_LEVEL: info
          DB_PASSWORD: ${DB_PASSWORD}                   @@IL002
"""}, "IL002,IL601")

add("il002-compose-repeated-service", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
      web:
        image: nginx:1.25.4
      db:                                               @@IL002
        image: postgres:16.2
"""}, "IL002")

add("il002-siblings-are-not-duplicates", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0.0
        environment:
          LOG_LEVEL: info
      b:
        image: acme/b:1.0.0
        environment:
          LOG_LEVEL: info
"""}, "IL002")

add("il002-k8s-repeated-key", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      labels: {app: api}
    spec:
      replicas: 2
      selector:
        matchLabels: {app: api}
      replicas: 3                                       @@IL002
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: acme/api:1.0.0
"""}, "IL002")

# ---------------------------------------------------------------------------------------------
# More edges, by rule
# ---------------------------------------------------------------------------------------------
add("il101-d-aliased-latest-flagged-once", {"Dockerfile": """
    FROM nginx:latest AS web                            @@IL101
    COPY site/ /usr/share/nginx/html/
    FROM web
    USER nginx
"""}, "IL101")

add("il101-c-variable-image-defaults", {"compose.yaml": """
    services:
      proxy:
        image: "${PROXY_IMAGE:-traefik}"                @@IL101
      api:
        image: "${REGISTRY}/acme/api:3.1.0"
"""}, "IL101")

add("il101-d-other-dockerfile-names", {"api.Dockerfile": """
    FROM node                                           @@IL101
""", "Dockerfile.prod": """
    FROM node:latest                                    @@IL101
""", "worker/Containerfile": """
    FROM python                                         @@IL101
""", "docker-compose.override.yml": """
    services:
      web:
        image: caddy                                    @@IL101
"""}, "IL101")

add("il201-d-scratch-final-no-user", {"Dockerfile": """
    FROM golang:1.22 AS build
    USER 10001
    RUN CGO_ENABLED=0 go build -o /out/app .
    FROM scratch                                        @@IL201
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
"""}, "IL201")

add("il201-d-user-from-arg", {"Dockerfile": """
    FROM python:3.12-slim
    ARG APP_UID=10001
    RUN useradd -u ${APP_UID} app
    USER ${APP_UID}
"""}, "IL201")

add("il201-c-unquoted-int-zero", {"compose.yaml": """
    services:
      tool:
        image: alpine:3.19
        user: 0                                         @@IL201
"""}, "IL201")

add("il201-k-yaml-yes-counts-as-true", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          securityContext:
            runAsNonRoot: yes
          containers:
            - name: api
              image: acme/api:1.2.0
"""}, "IL201")

add("il201-k-nonroot-true-but-uid-zero", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: odd
    spec:
      containers:
        - name: odd
          image: acme/odd:1.0.0
          securityContext:
            runAsNonRoot: true
            runAsUser: 0                                @@IL201
"""}, "IL201")

add("il201-k-container-nonroot-false-overrides-pod", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          securityContext:
            runAsNonRoot: true
          containers:
            - name: api                                 @@IL201~a
              image: acme/api:1.2.0
              securityContext:                          @@IL201~a
                runAsNonRoot: false                     @@IL201~a
"""}, "IL201")

add("il301-c-disabled-fires", {"compose.yaml": """
    services:
      a:                                                @@IL301~a
        image: acme/a:1.0.0
        healthcheck:                                    @@IL301~a
          disable: yes                                  @@IL301~a
      b:                                                @@IL301~b
        image: acme/b:1.0.0
        healthcheck:                                    @@IL301~b
          test: [NONE]                                  @@IL301~b
      c:
        image: acme/c:1.0.0
        healthcheck:
          test: ["CMD", "pg_isready"]
          disable: false
"""}, "IL301")

add("il301-k-replicaset", {"rs.yaml": """
    apiVersion: apps/v1
    kind: ReplicaSet
    metadata:
      name: frontend
    spec:
      selector:
        matchLabels: {app: frontend}
      template:
        metadata:
          labels: {app: frontend}
        spec:
          containers:
            - name: php-redis                           @@IL301
              image: acme/frontend:1.0.0
"""}, "IL301")

add("il401-c-unquoted-port-pairs-are-strings", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        ports:
          - 5432:5432                                   @@IL401
      cache:
        image: redis:7.2
        ports:
          - 6379:6379                                   @@IL401
      web:
        image: nginx:1.25
        ports:
          - 80:80
"""}, "IL401")

add("il501-headers-in-only-location", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            location / {
                add_header X-Content-Type-Options nosniff always;
                add_header X-Frame-Options DENY always;
                root /srv/a;
            }
        }
    }
"""}, "IL501")

add("il501-header-names-case-insensitive", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            add_header x-content-type-options nosniff always;
            add_header x-frame-options DENY always;
            location / {
                root /srv/a;
            }
        }
    }
"""}, "IL501")

add("il501-acme-location-is-not-redirect-only", {"nginx.conf": """
    events {}
    http {
        server {                                        @@IL501
            listen 80;
            server_name example.com;
            location /.well-known/acme-challenge/ {
                root /var/www/certbot;
            }
            location / {
                return 301 https://$host$request_uri;
            }
        }
    }
"""}, "IL501")

add("il501-tls-and-plain-in-one-server", {"nginx.conf": """
    events {}
    http {
        server {                                        @@IL501
            listen 80;
            listen 443 ssl;
            server_name example.com;
            ssl_certificate /etc/ssl/e.crt;
            ssl_certificate_key /etc/ssl/e.key;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location / {
                root /srv/e;
            }
        }
    }
"""}, "IL501")

add("il502-partial-redeclare-drops-others", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location /embed/ {                          @@IL502
                add_header X-Frame-Options SAMEORIGIN always;
                root /srv/embed;
            }
        }
    }
"""}, "IL502")

add("il503-inherited-dry-run", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
        server {
            listen 80;
            server_name api.example.com;
            limit_req zone=perip burst=20;
            limit_req_dry_run on;                       @@IL503~a
            location /api/ {                            @@IL503~a
                proxy_pass http://api:3000;
            }
        }
    }
"""}, "IL503")

add("il503-nested-and-limit-conn-independent", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
        limit_conn_zone $binary_remote_addr zone=conn:10m;
        server {
            listen 80;
            server_name api.example.com;
            limit_req zone=perip burst=20;
            location /api/ {
                limit_conn conn 10;
                proxy_pass http://api:3000;
                location /api/upload/ {
                    client_max_body_size 50m;
                    proxy_pass http://api:3000;
                }
            }
        }
    }
"""}, "IL503")

add("il601-c-word-boundaries", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          PASSWORDLESS_LOGIN: magic-link
          TOKENIZER_MODEL: bert-base-uncased
          SECRETARY_EMAIL: office@example.com
          KEYBOARD_LAYOUT: us
          AUTHOR_NAME: Jane Doe
          GOOGLE_API_KEY: AIzaSyD4x9Qm2Lk8Vn3Pw7Rt5Yb1Zc6Hj0Kf   @@IL601
          MAPS_APIKEY: 4f9c2e7a1b8d3f6e0a5c                @@IL601
          POSTGRES_PASSWD: Xk29fLq8VbN4                     @@IL601
          MYSQL_ROOT_PASSWORD: Xk29fLq8VbN4                 @@IL601
          BASIC_AUTH: admin:Xk29fLq8VbN4                    @@IL601
          AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMIK7MDENGbPxRfiCYzQ8v3kLm9Tq2   @@IL601
"""}, "IL601")

add("il601-c-pem-block-value", {"compose.yaml": """
    services:
      edge:
        image: acme/edge:1.0.0
        environment:
          TLS_KEY: |                                    @@IL601~a
            -----BEGIN RSA PRIVATE KEY-----             @@IL601~a
            MIIEowIBAAKCAQEA7bq9v3Qx0Kz8mQ4fX2yJt6Lw1pN9sHcE5rVb7uTgYd3oAiZk
            -----END RSA PRIVATE KEY-----
"""}, "IL601")

add("il601-d-arg-qualifiers-and-placeholder", {"Dockerfile": """
    FROM python:3.12-slim
    ARG DB_PASSWORD_FILE
    ARG GITHUB_TOKEN_PATH=/run/secrets/gh
    ENV AUTH_TOKEN=""
    ENV SECRET_KEY=changeme                             @@IL601%placeholder
    USER 10001
"""}, "IL601")

add("il601-k-placeholder", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: app
    spec:
      containers:
        - name: app
          image: acme/app:1.0.0
          env:
            - name: ADMIN_PASSWORD                      @@IL601~a%placeholder
              value: password                           @@IL601~a%placeholder
"""}, "IL601")

add("il602-dotenv-local-and-placeholders", {".env.local": """
    STRIPE_SECRET_KEY=sk_live_51HxYzAbCdEfGhIjKlMnOpQr  @@IL602
    DB_PASSWORD=password
    SECRET_KEY=your-secret-key
    API_KEY=<your key>
"""}, "IL602")

add("il602-k-tls-secret", {"tls.yaml": """
    apiVersion: v1                                      @@IL602~a
    kind: Secret                                        @@IL602~a
    metadata:                                           @@IL602~a
      name: shop-tls                                    @@IL602~a
    type: kubernetes.io/tls                             @@IL602~a
    data:                                               @@IL602~a
      tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t     @@IL602~a
      tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t     @@IL602~a
"""}, "IL602")

add("il002-merge-key-override-is-not-duplicate", {"compose.yaml": """
    x-base: &base
      image: acme/base:1.0.0
      restart: unless-stopped
    services:
      api:
        <<: *base
        image: acme/api:2.0.0
"""}, "IL002")

add("il001-nginx-unclosed-block", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            location / {
                root /srv;
            }
        }                                               @@IL001~a
                                                        @@IL001~a
"""}, "IL001")

add("il601-quoted-forms", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          - "DB_PASSWORD=Xk29fLq8VbN4"                  @@IL601
          - 'APP_SECRET=q9w8e7r6t5y4u3i2'               @@IL601
""", "Dockerfile": """
    FROM python:3.12-slim
    ENV API_KEY="8c1f0e2d9a7b6c5d4e3f"                  @@IL601
    ARG DATABASE_URL=postgres://ci:Xk29fLq8VbN4@db:5432/ci   @@IL601
    USER 10001
"""}, "IL601")

add("il201-c-custom-dockerfile-path", {"compose.yaml": """
    services:
      api:                                              @@IL201
        build:
          context: .
          dockerfile: docker/api.Dockerfile
        image: acme/api:1.0.0
""", "docker/api.Dockerfile": """
    FROM python:3.12-slim
    USER root                                           @@IL201
"""}, "IL201")

# ---------------------------------------------------------------------------------------------
# Inline and config controls
# ---------------------------------------------------------------------------------------------
add("ctl-compose-line-before-and-name", {"compose.yaml": """
    services:
      web:
        # infralint: ignore=image-latest-tag -- pinned by the deploy pipeline
        image: nginx
      api:
        image: acme/api:latest  # infralint: ignore=IL101 -- dev only
      worker:
        image: acme/worker:latest                       @@IL101
"""}, "IL101")

add("ctl-dockerfile-block-before-multiline", {"Dockerfile": """
    FROM python:3.12-slim
    USER 10001
    # infralint: ignore=IL601 -- throwaway CI key
    ENV PIP_INDEX=https://pypi.org/simple \\
        API_TOKEN=8c1f0e2d9a7b6c5d4e3f
    ENV DB_PASSWORD=Xk29fLq8VbN4                        @@IL601
"""}, "IL601")

add("ctl-k8s-annotation", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: legacy
      annotations:
        infralint.io/ignore: "IL201: vendor image needs root"
    spec:
      selector:
        matchLabels: {app: legacy}
      template:
        metadata:
          labels: {app: legacy}
        spec:
          containers:
            - name: legacy
              image: acme/legacy:1.0.0
"""}, "IL201")

add("ctl-config-ignore-prefix", {".infralint.toml": """
    ignore = ["IL5"]
""", "site.conf": """
    server {
        listen 80;
        location / {
            proxy_pass http://app:8000;
        }
    }
"""}, "IL501,IL503")

add("ctl-nginx-ignore-file", {"site.conf": """
    # infralint: ignore-file=IL501 -- headers set by the CDN
    server {
        listen 80;
        location / {                                    @@IL503
            proxy_pass http://app:8000;
        }
    }
"""}, "IL501,IL503")


add("il601-oauth-words", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        environment:
          OAUTH_CALLBACK_URL: https://app.example.com/oauth/callback
          AUTHORIZATION_SERVER: https://login.example.com
          OAUTH_CLIENT_SECRET: 7d9f0a2c4e6b8d1f3a5c             @@IL601
"""}, "IL601")

add("il601-d-args-in-any-stage", {"Dockerfile": """
    ARG GITHUB_TOKEN                                    @@IL601
    FROM node:20-alpine AS deps
    ARG NPM_AUTH_TOKEN                                  @@IL601
    RUN npm ci
    FROM node:20-alpine
    COPY --from=deps /node_modules /node_modules
    USER node
"""}, "IL601")

add("il601-k-init-container-and-cronjob", {"cron.yaml": """
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: sync
    spec:
      schedule: "*/5 * * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              initContainers:
                - name: fetch
                  image: acme/fetch:1.0.0
                  env:
                    - name: FETCH_TOKEN                 @@IL601~a
                      value: 3b9e1d7f5a2c8e4b6d0f       @@IL601~a
              containers:
                - name: sync
                  image: acme/sync:1.0.0
                  env:
                    - name: REMOTE                      @@IL601~b
                      value: "https://sync:Xk29fLq8VbN4@files.example.com/"   @@IL601~b
"""}, "IL601")

add("il101-d-arg-registry-prefix", {"Dockerfile": """
    ARG REGISTRY=docker.io/library
    FROM ${REGISTRY}/python:3.12-slim
    USER 10001
"""}, "IL101")

add("il401-k-selector-subset-of-labels", {"db.yaml": """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: pg
    spec:
      serviceName: pg
      selector:
        matchLabels: {app: pg}
      template:
        metadata:
          labels:
            app: pg
            tier: data
        spec:
          containers:
            - name: postgres
              image: postgres:16.2
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: pg-nodeport
    spec:
      type: NodePort                                    @@IL401~a
      selector:                                         @@IL401~a
        app: pg                                         @@IL401~a
      ports:
        - port: 15432                                   @@IL401~a
          targetPort: 15432                             @@IL401~a
"""}, "IL401")

add("il002-k8s-second-document", {"app.yaml": """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: one
    data:
      a: "1"
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: two
    data:
      b: "1"
      b: "2"                                            @@IL002
"""}, "IL002")

add("ctl-compose-block-ignore-environment", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        # infralint: ignore=IL601 -- local dev stack, throwaway values
        environment:
          DB_PASSWORD: Xk29fLq8VbN4
          API_TOKEN: 8c1f0e2d9a7b6c5d4e3f
      worker:
        image: acme/worker:1.0.0
        environment:
          DB_PASSWORD: Xk29fLq8VbN4                     @@IL601
"""}, "IL601")

add("ctl-nginx-end-of-line", {"site.conf": """
    server {
        listen 80;
        location /api/ {  # infralint: ignore=IL503 -- limited at the CDN
            proxy_pass http://api:3000;
        }
        location /admin/ {                              @@IL503
            proxy_pass http://admin:3000;
        }
    }
"""}, "IL503")

add("ctl-inline-ignores-forbidden-by-config", {".infralint.toml": """
    inline-ignores = false
""", "compose.yaml": """
    services:
      web:
        # infralint: ignore=IL101 -- trust me
        image: nginx                                    @@IL101
"""}, "IL101")


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else [])
     for c in CASES],
)
def test_spec_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = lint(case, tmp_path)
    missing, unexpected, broken = evaluate(case, doc)
    assert not (missing or unexpected or broken), json.dumps(
        {"missing": missing, "unexpected": unexpected, "broken_silences": broken}, indent=1)


# ---------------------------------------------------------------------------------------------
# CONTRACT.md behaviours
# ---------------------------------------------------------------------------------------------
SECRET_COMPOSE = """services:
  api:
    image: acme/api:1.0.0
    environment:
      DB_PASSWORD: Qz7xVw9KpL3mNtRb
      PAYMENTS: sk_live_51HxYzAbCdEfGhIjKlMnOpQr
"""

SECRET_PIECES = ["Qz7xVw9KpL3mNtRb", "51HxYzAbCdEfGhIjKlMnOpQr"]


def _leaks(text: str, secret: str, keep: int = 2, window: int = 4) -> list[str]:
    """Any piece of `secret` beyond its first `keep` chars that shows up in `text`."""
    return [secret[i:i + window] for i in range(1, len(secret) - window + 1) if secret[i:i + window] in text]


@pytest.fixture
def secret_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "compose.yaml").write_text(SECRET_COMPOSE)
    (tmp_path / ".env.production").write_text("API_TOKEN=Qz7xVw9KpL3mNtRb\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12-slim\nUSER 10001\nENV STRIPE=sk_live_51HxYzAbCdEfGhIjKlMnOpQr\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_contract_secrets_masked_everywhere(secret_tree: Path, fmt: str) -> None:
    r = run(".", "-f", fmt, "--exit-zero", "--show-suppressed")
    assert r.code == 0
    out = r.stdout + r.stderr
    for s in SECRET_PIECES:
        assert not _leaks(out, s), (fmt, s, _leaks(out, s))


def test_contract_secret_findings_exist_and_paths_relative(secret_tree: Path) -> None:
    doc = run(".", "-f", "json", "--exit-zero").json()
    rules = {(f["rule_id"], f["path"]) for f in doc["findings"]}
    assert ("IL601", "deploy/compose.yaml") in rules
    assert ("IL601", "Dockerfile") in rules
    assert ("IL602", ".env.production") in rules
    for f in doc["findings"]:
        assert not f["path"].startswith("/") and "\\" not in f["path"]


def test_contract_sarif_relative_uri(secret_tree: Path) -> None:
    doc = json.loads(run(".", "-f", "sarif", "--exit-zero").stdout)
    results = doc["runs"][0]["results"]
    assert results
    for res in results:
        loc = res["locations"][0]["physicalLocation"]
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert loc["region"]["startLine"] >= 1


def test_contract_json_keys(secret_tree: Path) -> None:
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert list(doc) == ["version", "tool", "findings", "files", "summary"]
    keys = ["rule_id", "rule_name", "severity", "message", "path", "line", "column", "end_line",
            "end_column", "format", "object", "suppressed", "suppression", "fingerprint"]
    for f in doc["findings"]:
        assert list(f) == keys


def test_contract_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "README.md").write_text("nothing to lint\n")
    assert run("clean").code == 0
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    assert run("bad").code == 1
    assert run("bad", "--exit-zero").code == 0
    assert run("nope").code == 2
    assert run("nope", "--exit-zero").code == 2
    assert run("bad", "--fail-on", "bogus").code == 2
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "compose.yaml").write_text("services:\n  web:\n    ports: - 1\n")
    r = run("broken", "-f", "json")
    assert r.code == 1 and [f["rule_id"] for f in r.json()["findings"]] == ["IL001"]
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / ".infralint.toml").write_text("select = [\n")
    (tmp_path / "cfg" / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    assert run("cfg", "--exit-zero").code == 2


def test_contract_fingerprint_ignores_line_shift(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    body = "services:\n  web:\n    image: nginx:latest\n"
    (tmp_path / "compose.yaml").write_text(body)
    a = [f["fingerprint"] for f in run(".", "-f", "json", "--select", "IL101").json()["findings"]]
    (tmp_path / "compose.yaml").write_text("# a new comment\n\n" + body)
    b = [f["fingerprint"] for f in run(".", "-f", "json", "--select", "IL101").json()["findings"]]
    assert a and a == b


def test_contract_helm_templates_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (tmp_path / "chart" / "templates" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
        "          image: {{ .Values.image }}\n")
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert not [f for f in doc["findings"] if f["path"].startswith("chart/templates")]
    assert any(s["path"] == "chart/templates/deployment.yaml" for s in doc["files"]["skipped"])


def test_contract_outside_include_listed_as_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nginx.conf").write_text(
        "events {}\nhttp {\n    include /etc/nginx/mime.types;\n    server {\n        listen 80;\n"
        "        return 301 https://$host$request_uri;\n    }\n}\n")
    doc = run(".", "-f", "json", "--exit-zero").json()
    assert not [f for f in doc["findings"] if f["rule_id"] == "IL001"]
    assert any("mime.types" in s["path"] for s in doc["files"]["skipped"])


LEAK_DUP = """services:
  api:
    image: acme/api:1.0.0
    environment:
      DB_PASSWORD: Qz7xVw9KpL3mNtRb
      DB_PASSWORD: Qz7xVw9KpL3mNtRc
"""

LEAK_DUP_IGNORED = """services:
  api:
    image: acme/api:1.0.0
    environment:
      DB_PASSWORD: Qz7xVw9KpL3mNtRb
      # infralint: ignore=IL601 -- rotated, history purged
      DB_PASSWORD: Qz7xVw9KpL3mNtRc
"""

# A password holding ": " is a classic way to break a compose file.
LEAK_BROKEN = """services:
  api:
    image: acme/api:1.0.0
    environment:
      DB_PASSWORD: Qz7xVw9KpL3mNtRb: tail
"""


@pytest.mark.parametrize("text,args", [
    # Text output shows source lines: they are masked whatever rules ran or were suppressed,
    # and even when the file did not parse.
    pytest.param(LEAK_DUP, ("--select", "IL002"), id="il601-not-selected"),
    pytest.param(LEAK_DUP_IGNORED, (), id="il601-inline-ignored"),
    pytest.param(LEAK_BROKEN, (), id="parse-error-line"),
])
def test_contract_text_snippets_never_leak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           text: str, args: tuple[str, ...]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text(text)
    for fmt in ("text", "json", "sarif"):
        out = run(".", "-f", fmt, "--exit-zero", *args).stdout
        for secret in ("Qz7xVw9KpL3mNtRb", "Qz7xVw9KpL3mNtRc"):
            assert not _leaks(out, secret), (fmt, _leaks(out, secret))
