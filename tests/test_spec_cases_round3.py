"""Spec-derived acceptance cases, round 3 (QA), written only from RULES.md and CONTRACT.md.

Emphasis: compose `extends`/`!reset`/`!override`/merge keys/dockerfile_inline/long ports,
multi-stage Dockerfiles with ARG-resolved tags and users, heredocs, `# escape=`, build secrets,
`.dockerignore` pattern shapes, nginx inheritance (add_header / proxy_set_header / limit_req)
through http > server > location > nested location > if, fragments judged inside their main
config, Kubernetes securityContext merging, Job/CronJob/CRD/List objects, Services and Secrets,
and the inline / CLI / config controls (including IL004 unused ignores).

Same marker language as tests/spec_harness.py:

    privileged: true             @@IL202
    ssl_protocols ...;           @@IL504~a        (one finding expected on one of the lines marked ~a)
    add_header ... ;             @@IL501!low      (and its severity must be "low")
    DB_PASSWORD: changeme        @@IL601%placeholder
    - CHOWN                      @@-IL204         (explicit silence: this line must not fire)
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.spec_harness import Case, apply_xfails, check, lint, params, parse

SHA = "sha256:" + "9b2f0a3c1d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
GIT = {".git/HEAD": "ref: refs/heads/main\n"}

CASES: list[Case] = []
# cases whose findings must also not be duplicated (same rule, path and line reported twice)
NODUP: set[str] = set()


def add(id: str, files: dict[str, str], rules: str, *, xfail: str | None = None,
        args: tuple[str, ...] = (), targets: tuple[str, ...] = (".",),
        scope: tuple[str, ...] = (), nodup: bool = False) -> None:
    assert id.startswith("r3-"), id
    assert all(c.id != id for c in CASES), id
    CASES.append(parse(Case(id, files, tuple(rules.split(",")), xfail, args, targets, scope)))
    if nodup:
        NODUP.add(id)




# =============================================================================================
# Compose
# =============================================================================================
add("r3-c-extends-same-file-inherits-healthcheck-limit-user", {"compose.yaml": """
    services:
      api-base:
        image: acme/api:2.4.1
        user: "10001"
        mem_limit: 512m
        healthcheck:
          test: ["CMD", "curl", "-fsS", "http://localhost:8000/healthz"]
          interval: 10s
      api:                                              @@-IL201,-IL301,-IL302
        extends:
          service: api-base
        ports:
          - "127.0.0.1:8000:8000"
        environment:
          ROLE: web
      worker:                                           @@-IL201,-IL301,-IL302
        extends:
          service: api-base
        command: ["celery", "-A", "api", "worker"]
        environment:
          ROLE: worker
"""}, "IL201,IL301,IL302")

add("r3-c-extends-other-file", {"compose.yaml": """
    services:
      web:                                              @@-IL301,-IL302
        extends:
          file: common-services.yml
          service: webapp
        ports:
          - "127.0.0.1:8080:8080"
      db:                                               @@IL302
        image: postgres:16.2-alpine
        user: postgres
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U app"]
""", "common-services.yml": """
    services:
      webapp:
        image: acme/webapp:3.1.0
        user: "10001:10001"
        mem_limit: 256m
        healthcheck:
          test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
"""}, "IL201,IL301,IL302")

add("r3-c-extends-reset-healthcheck", {"compose.yaml": """
    services:
      app:
        image: acme/app:1.8.0
        mem_limit: 256m
        healthcheck:
          test: ["CMD", "/app/healthcheck"]
          interval: 30s
      migrate:                                          @@IL301~a
        extends:
          service: app
        command: ["/app/migrate", "--wait"]
        restart: "no"
        healthcheck: !reset {}                          @@IL301~a
"""}, "IL001,IL301")

add("r3-c-extends-override-ports", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        ports:
          - "5432:5432"                                 @@IL401
      db-local:
        extends:
          service: db
        ports: !override
          - "127.0.0.1:5433:5432"                       @@-IL401
"""}, "IL001,IL401")

add("r3-c-merge-keys-several-anchors", {"compose.yaml": """
    x-restart: &restart
      restart: unless-stopped
    x-health: &health
      healthcheck:
        test: ["CMD-SHELL", "curl -fsS http://localhost:3000/health || exit 1"]
        interval: 15s
        retries: 5
    x-limits: &limits
      deploy:
        resources:
          limits:
            memory: 384M
    x-hardening: &hardening
      user: "10001"
      security_opt:
        - no-new-privileges:true

    services:
      frontend:
        <<: [*restart, *health, *limits, *hardening]
        image: acme/frontend:5.2.0
      backend:                                          @@IL301
        <<: [*restart, *limits]
        image: acme/backend:5.2.0
      jobs:                                             @@IL301,IL302
        <<: *hardening
        image: acme/jobs:5.2.0
        user: "0"                                       @@IL201
"""}, "IL201,IL301,IL302")

add("r3-c-merge-key-earlier-anchor-wins", {"compose.yaml": """
    x-safe: &safe
      privileged: false
      read_only: true
    x-debug: &debug
      privileged: true
      stdin_open: true
    services:
      app:                                              @@-IL202
        <<: [*safe, *debug]
        image: acme/app:1.0.0
"""}, "IL202")

add("r3-c-dockerfile-inline-root-and-nonroot", {"compose.yaml": """
    services:
      cron:                                             @@IL201~a
        build:
          context: .
          dockerfile_inline: |                          @@IL201~a
            FROM alpine:3.19                            @@IL201~a
            RUN apk add --no-cache dcron
            CMD ["crond", "-f"]
        mem_limit: 64m
      tools:                                            @@-IL201
        build:
          context: .
          dockerfile_inline: |
            FROM python:3.12-slim
            RUN pip install --no-cache-dir httpie
            USER 10001
"""}, "IL201,IL702")

add("r3-c-build-args-interpolated-secret-reaches-arg", {"compose.yaml": """
    services:
      web:
        build:
          context: ./web
          args:
            NODE_ENV: production
            NPM_TOKEN: ${NPM_TOKEN}                     @@-IL601
""", "web/Dockerfile": """
    FROM node:20.11-alpine AS build
    ARG NPM_TOKEN                                       @@IL601
    ARG NODE_ENV=production
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm -f .npmrc   @@-IL601
    FROM nginx:1.25.4-alpine
    COPY --from=build /app/dist /usr/share/nginx/html
"""}, "IL601")

add("r3-c-ports-long-syntax-host-ip", {"compose.yaml": """
    services:
      postgres:
        image: postgres:16.2-alpine
        ports:
          - target: 5432                                @@-IL401
            published: "5432"
            host_ip: 127.0.0.1
            protocol: tcp
      redis:
        image: redis:7.2-alpine
        ports:
          - target: 6379                                @@IL401~a
            published: 6379                             @@IL401~a
            host_ip: 0.0.0.0                            @@IL401~a
      mongo:
        image: mongo:7.0.5
        ports:
          - target: 27017                               @@IL401~b
            published: "27018"                          @@IL401~b
            mode: host                                  @@IL401~b
      search:
        image: opensearchproject/opensearch:2.12.0
        ports:
          - target: 9200                                @@-IL401
            host_ip: "::1"
            published: "9200"
"""}, "IL401")

add("r3-c-ports-short-host-ip-forms", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        ports:
          - "127.0.0.1::5432"                           @@-IL401
          - "0.0.0.0::5433"                             @@IL401
      cache:
        image: redis:7.2
        ports:
          - "[::1]:6379:6379"                           @@-IL401
          - "[::]:6380:6379"                            @@IL401
      mq:
        image: rabbitmq:3.13-management
        ports:
          - "127.0.0.1:15672:15672"                     @@-IL401
          - "10.0.0.5:5672:5672"                        @@-IL401
"""}, "IL401")

add("r3-c-expose-and-shared-namespaces", {"compose.yaml": """
    services:
      vpn:
        image: qmcgaw/gluetun:v3.38
        cap_add:
          - NET_ADMIN                                   @@IL204
        ports:
          - "8080:8080"
      torrent:
        image: lscr.io/linuxserver/qbittorrent:4.6.4
        network_mode: "service:vpn"                     @@-IL206
      db:
        image: mariadb:11.3
        expose:
          - "3306"                                      @@-IL401
      sidecar:
        image: acme/sidecar:1.0.0
        network_mode: "container:db"                    @@-IL206
        pid: "service:db"                               @@-IL206
        ipc: shareable                                  @@-IL206
"""}, "IL204,IL206,IL401")

add("r3-c-profiles-are-still-linted", {"compose.yaml": """
    services:
      app:
        image: acme/app:2.0.0
        ports:
          - "127.0.0.1:8000:8000"
      pgadmin:
        image: dpage/pgadmin4:8.4
        profiles: [debug]
        ports:
          - "5050:80"                                   @@-IL401
      db-debug:
        image: postgres:16.2
        profiles: ["debug", "tools"]
        ports:
          - "5432:5432"                                 @@IL401
"""}, "IL401")

add("r3-c-db-lookalike-images-are-not-dbs", {"compose.yaml": """
    services:
      redis-ui:
        image: rediscommander/redis-commander:0.8.1
        ports:
          - "8081:8081"                                 @@-IL401
      pg-exporter:
        image: quay.io/prometheuscommunity/postgres-exporter:v0.15.0
        ports:
          - "9187:9187"                                 @@-IL401
      mongo-ui:
        image: mongo-express:1.0.2
        ports:
          - "8082:8081"                                 @@-IL401
"""}, "IL401")

add("r3-c-db-image-on-custom-port", {"compose.yaml": """
    services:
      cache:
        image: bitnami/redis:7.2
        environment:
          REDIS_PORT_NUMBER: "7000"
          ALLOW_EMPTY_PASSWORD: "yes"
        ports:
          - "7000:7000"                                 @@IL401
      graph:
        image: neo4j:5.17-community
        ports:
          - "7474:7474"                                 @@IL401
          - "7687:7687"                                 @@IL401
      memcache:
        image: memcached:1.6-alpine
        ports:
          - "11211:11211/udp"                           @@IL401
"""}, "IL401")

add("r3-c-memory-reservation-is-not-a-limit", {"compose.yaml": """
    services:
      api:                                              @@IL302
        image: acme/api:3.0.0
        mem_reservation: 256m
      worker:                                           @@IL302
        image: acme/worker:3.0.0
        deploy:
          replicas: 3
          resources:
            reservations:
              memory: 512M
      web:                                              @@-IL302
        image: acme/web:3.0.0
        deploy:
          resources:
            limits:
              memory: 1G
            reservations:
              memory: 512M
      scheduler:                                        @@-IL302
        image: acme/scheduler:3.0.0
        mem_limit: 128m
        deploy:
          resources:
            limits:
              cpus: "0.25"
"""}, "IL302")

add("r3-c-logging-drivers-selected", {"compose.yaml": """
    x-logging: &default-logging
      driver: "json-file"
      options:
        max-size: "50m"
        max-file: "5"
    services:
      api:
        image: acme/api:1.0.0
        logging: *default-logging
      worker:
        image: acme/worker:1.0.0
        logging:                                        @@IL303~a
          driver: "json-file"                           @@IL303~a
          options:                                      @@IL303~a
            max-file: "10"                              @@IL303~a
            compress: "true"                            @@IL303~a
      cdn-sync:
        image: acme/cdn-sync:1.0.0
        logging:
          driver: awslogs
          options:
            awslogs-group: /ecs/cdn-sync
      edge:
        image: acme/edge:1.0.0
        logging:
          driver: fluentd
          options:
            fluentd-address: localhost:24224
      jobs:
        image: acme/jobs:1.0.0
        logging:
          options:
            max-size: "10m"
"""}, "IL303", args=("--select", "IL303"))

add("r3-c-security-opt-variants-selected", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        security_opt:
          - "no-new-privileges:true"
          - "seccomp:./seccomp.json"
      worker:                                           @@IL203~a
        image: acme/worker:1.0.0
        security_opt:                                   @@IL203~a
          - no-new-privileges:false                     @@IL203~a
      web:                                              @@IL203!low
        image: nginx:1.25-alpine
        read_only: true
"""}, "IL203", args=("--select", "IL203"))

add("r3-c-cap-add-spellings", {"compose.yaml": """
    services:
      netdata:
        image: netdata/netdata:v1.44.3
        cap_add:
          - SYS_PTRACE                                  @@IL204
          - sys_admin                                   @@IL204
      wireguard:
        image: lscr.io/linuxserver/wireguard:1.0.20210914
        cap_add: ["CAP_NET_ADMIN", "cap_sys_module"]    @@IL204
      web:
        image: nginx:1.25
        cap_drop: [ALL]                                 @@-IL204
        cap_add:
          - NET_BIND_SERVICE                            @@-IL204
          - CHOWN                                       @@-IL204
      debug:
        image: acme/debug:1.0
        cap_add:
          - "Cap_Dac_Read_Search"                       @@IL204
"""}, "IL204")

add("r3-c-user-uid-gid-forms", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0
        user: "0:0"                                     @@IL201
      b:
        image: acme/b:1.0
        user: "0:1000"                                  @@IL201
      c:
        image: acme/c:1.0
        user: "1000:0"                                  @@-IL201
      d:
        image: acme/d:1.0
        user: "65534:65534"                             @@-IL201
      e:
        image: acme/e:1.0
        user: root:wheel                                @@IL201
"""}, "IL201")

add("r3-c-privileged-quoted-and-capitalised", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0
        privileged: "true"                              @@IL202
      b:
        image: acme/b:1.0
        privileged: "false"                             @@-IL202
      c:
        image: acme/c:1.0
        privileged: True                                @@IL202
      d:
        image: acme/d:1.0
        privileged: 'yes'                               @@IL202
      e:
        image: acme/e:1.0
        privileged: off                                 @@-IL202
"""}, "IL202")

add("r3-c-healthcheck-disable-overrides-merged-default", {"compose.yaml": """
    x-defaults: &defaults
      restart: unless-stopped
      healthcheck:
        test: ["CMD", "/bin/healthcheck"]
        interval: 30s
    services:
      api:
        <<: *defaults
        image: acme/api:1.0.0
      migrations:                                       @@IL301~a
        <<: *defaults
        image: acme/api:1.0.0
        command: ["migrate"]
        healthcheck:                                    @@IL301~a
          disable: true                                 @@IL301~a
      sidecar:                                          @@-IL301
        <<: *defaults
        image: acme/sidecar:1.0.0
        healthcheck:
          test: ["CMD-SHELL", "nc -z localhost 9000"]
          disable: false
      shell-none:                                       @@IL301~b
        image: acme/tool:1.0.0
        healthcheck:                                    @@IL301~b
          test: ["NONE"]                                @@IL301~b
"""}, "IL301")

add("r3-c-env-secret-shapes", {"docker-compose.yml": """
    services:
      api:
        image: acme/api:4.1.0
        environment:
          - NODE_ENV=production
          - "JWT_SECRET=9f8e7d6c5b4a39281706f5e4d3c2b1a0"         @@IL601
          - STRIPE_KEY=sk_live_51Hx7QpLkT0aB9cD8eF7gH6iJ           @@IL601
          - API_KEY                                                @@-IL601
          - JWT_SECRET_EXPIRES_IN=15m                              @@-IL601
          - SESSION_SECRET=${SESSION_SECRET:?set SESSION_SECRET}   @@-IL601
          - DATABASE_URL=postgresql://app:Xk29fLq8vB@db:5432/app   @@IL601
      db:
        image: postgres:16.2
        environment:
          POSTGRES_USER: app
          POSTGRES_PASSWORD_FILE: /run/secrets/db_password         @@-IL601
          POSTGRES_DB: app
          POSTGRES_HOST_AUTH_METHOD: scram-sha-256                 @@-IL601
"""}, "IL601")

add("r3-c-build-target-stage-runs-as-root", {"compose.yaml": """
    services:
      api-dev:                                          @@IL201
        build:
          context: ./api
          target: dev
        mem_limit: 512m
      api:                                              @@-IL201
        build:
          context: ./api
        mem_limit: 512m
""", "api/Dockerfile": """
    FROM python:3.12-slim AS base
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt

    FROM base AS dev
    RUN pip install --no-cache-dir debugpy
    CMD ["python", "-m", "debugpy", "--listen", "0.0.0.0:5678", "-m", "app"]

    FROM base AS prod
    COPY . .
    USER 10001
    CMD ["gunicorn", "app:app"]
"""}, "IL201")

add("r3-c-service-built-from-root-dockerfile-both-reported", {"compose.yaml": """
    services:
      api:                                              @@IL201
        build: ./api
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
        mem_limit: 512m
      admin:                                            @@-IL201
        build: ./api
        user: "10001"
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
        mem_limit: 512m
""", "api/Dockerfile": """
    FROM python:3.12-slim AS build
    RUN pip wheel --wheel-dir /wheels gunicorn
    FROM python:3.12-slim                               @@IL201
    COPY --from=build /wheels /wheels
    RUN pip install --no-index /wheels/*
    CMD ["gunicorn", "app:app"]
"""}, "IL201")


# =============================================================================================
# Dockerfile
# =============================================================================================
add("r3-d-user-only-in-builder-stage", {"Dockerfile": """
    FROM node:20.11-bookworm AS deps
    USER node
    WORKDIR /home/node/app
    COPY --chown=node package.json package-lock.json ./
    RUN npm ci --omit=dev

    FROM node:20.11-bookworm-slim                       @@IL201
    WORKDIR /app
    COPY --from=deps /home/node/app/node_modules ./node_modules
    COPY src ./src
    CMD ["node", "src/server.js"]
"""}, "IL201")

add("r3-d-final-inherits-from-base-not-sibling", {"Dockerfile": """
    FROM python:3.12-slim AS base
    RUN useradd --uid 10001 --create-home app
    USER 10001
    WORKDIR /home/app

    FROM base AS build
    USER root                                           @@-IL201
    RUN apt-get update && apt-get install -y --no-install-recommends build-essential
    COPY requirements.txt .
    RUN pip wheel --wheel-dir /wheels -r requirements.txt

    FROM base AS runtime                                @@-IL201
    COPY --from=build /wheels /wheels
    RUN pip install --user --no-index /wheels/*
    CMD ["gunicorn", "app:app"]
"""}, "IL201")

add("r3-d-healthcheck-inherited-from-base-stage", {"Dockerfile": """
    FROM nginx:1.25.4-alpine AS base
    HEALTHCHECK --interval=30s CMD wget -qO- http://127.0.0.1/ || exit 1

    FROM node:20.11-alpine AS build
    WORKDIR /app
    RUN npm ci && npm run build

    FROM base                                           @@-IL301
    COPY --from=build /app/dist /usr/share/nginx/html
    USER 101
"""}, "IL301")

add("r3-d-platform-and-arg-tags", {"Dockerfile": """
    ARG GO_VERSION=1.22.1
    ARG ALPINE_TAG=latest
    FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build     @@-IL101
    ARG TARGETOS
    ARG TARGETARCH
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN go mod download
    COPY cmd ./cmd
    RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/server ./cmd/server

    FROM --platform=$TARGETPLATFORM alpine:${ALPINE_TAG}                    @@IL101
    COPY --from=build /out/server /usr/local/bin/server
    USER 65532:65532
    ENTRYPOINT ["/usr/local/bin/server"]
"""}, "IL101")

add("r3-d-arg-base-image-with-platform", {"Dockerfile": """
    ARG BASE=python:3.12-slim-bookworm
    ARG TOOLS_IMAGE=ghcr.io/acme/build-tools
    FROM --platform=linux/amd64 ${TOOLS_IMAGE} AS tools          @@IL101
    RUN make tools

    FROM --platform=linux/amd64 ${BASE}                          @@-IL101
    COPY --from=tools /out/ /usr/local/bin/
    USER 10001
"""}, "IL101")

add("r3-d-stage-alias-case-insensitive", {"Dockerfile": """
    FROM node:20.11-alpine AS Builder
    WORKDIR /app
    COPY . .
    RUN npm ci && npm run build
    FROM builder AS test                                @@-IL101
    RUN npm test
    FROM nginx:1.25.4-alpine
    COPY --from=BUILDER /app/dist /usr/share/nginx/html
"""}, "IL101")

add("r3-d-user-from-global-arg-redeclared", {"Dockerfile": """
    ARG APP_UID=10001
    FROM debian:12-slim
    ARG APP_UID
    ARG APP_GID=10001
    RUN groupadd -g ${APP_GID} app && useradd -u ${APP_UID} -g app app
    USER ${APP_UID}:${APP_GID}                          @@-IL201
"""}, "IL201")

add("r3-d-user-from-arg-default-zero", {"Dockerfile": """
    FROM alpine:3.19
    ARG RUN_AS=0
    RUN apk add --no-cache tini
    USER $RUN_AS                                        @@IL201
    ENTRYPOINT ["/sbin/tini", "--"]
"""}, "IL201")

add("r3-d-user-uid-with-root-group-and-root-name", {"Dockerfile": """
    FROM registry.access.redhat.com/ubi9/ubi-minimal:9.3
    RUN microdnf install -y java-17-openjdk-headless && microdnf clean all
    COPY target/app.jar /deployments/app.jar
    RUN chgrp -R 0 /deployments && chmod -R g=u /deployments
    USER 1001:0                                         @@-IL201
""", "admin/Dockerfile": """
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends sudo
    USER root:staff                                     @@IL201
"""}, "IL201")

add("r3-d-heredoc-copy-content-is-not-run", {"Dockerfile": """
    # syntax=docker/dockerfile:1.7
    FROM nginx:1.25-alpine
    COPY <<EOF /usr/share/nginx/html/install.txt
    To install the CLI run:
      curl -fsSL https://get.acme.dev | sh
    EOF
    RUN <<EOF                                           @@IL103~a
    set -eux
    apk add --no-cache curl
    curl -fsSL https://deb.nodesource.com/setup_20.x | sh   @@IL103~a
    EOF
    USER 101
"""}, "IL001,IL103")

# Decision, not the letter of RULES.md (which lists no exemption): `ADD --checksum` is the
# verified download IL103's own advice asks for, so it is exempt (docs/rules/IL103.md).
add("r3-d-add-remote-with-checksum", {"Dockerfile": """
    # syntax=docker/dockerfile:1.6
    FROM debian:12-slim
    ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \\    @@-IL103
        https://github.com/krallin/tini/releases/download/v0.19.0/tini /usr/local/bin/tini      @@-IL103
    RUN chmod +x /usr/local/bin/tini
    USER 10001
"""}, "IL103")

add("r3-d-add-remote-git-and-local", {"Dockerfile": """
    # syntax=docker/dockerfile:1.6
    FROM debian:12-slim
    ADD --chown=10001 https://github.com/acme/config.git#v1.2.0 /etc/acme/                      @@IL103
    ADD vendor/tool.tar.gz /opt/tool/                                                            @@-IL103
    ADD --link ./static /srv/static                                                              @@-IL103
    USER 10001
"""}, "IL103")

add("r3-d-pipe-inside-sh-c-and-exec-form", {"Dockerfile": """
    FROM ubuntu:22.04
    RUN /bin/sh -c 'wget -qO- https://get.docker.com | sh'                                              @@IL103
    RUN ["/bin/bash", "-c", "curl -sSL https://sdk.cloud.google.com | bash -s -- --disable-prompts"]    @@IL103
    RUN sh -c "curl -fsSL https://starship.rs/install.sh | sudo sh -s -- -y"                            @@IL103
    RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt                                        @@-IL103
    RUN curl -fsSL https://packages.example.com/gpg | gpg --dearmor -o /usr/share/keyrings/ex.gpg        @@-IL103
    USER 1000
"""}, "IL103")

add("r3-d-escape-directive-backtick", {"Dockerfile": """
    # escape=`
    FROM alpine:3.19
    RUN apk add --no-cache curl bash `                                                   @@IL103~a
        && curl -fsSL https://raw.githubusercontent.com/acme/setup/main/install.sh | bash   @@IL103~a
    ENV INSTALL_DIR=/opt/acme
    USER 10001
"""}, "IL001,IL103")

add("r3-d-secret-args-and-build-secrets", {"Dockerfile": """
    FROM node:20.11-alpine AS build
    ARG NPM_TOKEN                                       @@IL601
    ARG SENTRY_AUTH_TOKEN                               @@IL601
    ARG SENTRY_ORG=acme
    ARG TOKEN_TTL=3600                                  @@-IL601
    ARG GOOGLE_CREDENTIALS_PATH=/run/secrets/gcp.json   @@-IL601
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci                 @@-IL601
    RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN ./scripts/fetch-private.sh   @@-IL601
    FROM nginx:1.25-alpine
    COPY --from=build /app/dist /usr/share/nginx/html
"""}, "IL601")

add("r3-d-run-credentials-literal-vs-variable", {"Dockerfile": """
    FROM amazon/aws-cli:2.15.30
    ARG AWS_DEFAULT_REGION=eu-west-1
    RUN aws configure set region eu-west-1 \\
        && aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm4Qv7Tz   @@IL601~a
    RUN aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"   @@-IL601
    RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://acme-artifacts/app.jar /opt/app.jar
"""}, "IL601")

add("r3-d-env-legacy-space-form-and-multi-pair", {"Dockerfile": """
    FROM python:3.12-slim
    ENV GITHUB_TOKEN ghp_R2x8Lm4Qv7Tz1Ks9Wd3Fh6Jb0Np5Yc2Ea4Ug                         @@IL601
    ENV APP_HOME=/app DJANGO_SECRET_KEY="k9v!x2@r8m^q1w&z5e*t7yQ3" DEBUG=0            @@IL601
    ENV SECRET_KEY_LENGTH=64 PASSWORD_HASH_ROUNDS=12                                  @@-IL601
    ENV NODE_AUTH_TOKEN=${NPM_TOKEN}                                                  @@-IL601
"""}, "IL601")

add("r3-d-dockerignore-dotenv-exact-only", {"Dockerfile": """
    FROM node:20.11-alpine
    WORKDIR /app
    COPY . .                                            @@IL603
    USER node
""", ".dockerignore": """
    node_modules
    .git
    .env
    *.pem
    *.key
"""}, "IL603")

add("r3-d-dockerignore-doublestar-dotenv-exact-only", {"Dockerfile": """
    FROM python:3.12-slim
    WORKDIR /app
    COPY . /app                                         @@IL603
    USER 10001
""", ".dockerignore": """
    **/.env
    **/.git
    **/*.pem
    **/*.key
    **/__pycache__
"""}, "IL603")

add("r3-d-dockerignore-complete-example-reincluded", {"Dockerfile": """
    FROM python:3.12-slim
    WORKDIR /app
    COPY . /app                                         @@-IL603
    USER 10001
""", ".dockerignore": """
    # secrets
    .env*
    !.env.example
    **/*.pem
    **/*.key
    # vcs
    .git/
    .venv/
"""}, "IL603")



add("r3-d-dockerignore-root-level-patterns", {"Dockerfile": """
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY . .                                            @@-IL603
    RUN go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static-debian12:nonroot
    COPY --from=build /out/app /app
""", ".dockerignore": """
    .git
    .env*
    *.pem
    *.key
    bin/
"""}, "IL603")

add("r3-d-copy-dot-from-stage-is-not-context", {"Dockerfile": """
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY go.mod go.sum ./                               @@-IL603
    RUN go mod download
    COPY cmd/ ./cmd/                                    @@-IL603
    RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static-debian12:nonroot
    COPY --from=build /out/ .                           @@-IL603
    COPY --from=build . /rootfs                         @@-IL603
    ENTRYPOINT ["/app"]
"""}, "IL603")

add("r3-d-copy-dot-slash-and-add-dot", {"Dockerfile": """
    FROM php:8.3-apache
    COPY ./ /var/www/html/                              @@IL603
    ADD . /opt/app                                      @@IL603
    COPY ./public /var/www/html/public                  @@-IL603
    USER www-data
""", ".dockerignore": """
    vendor
    node_modules
"""}, "IL603")


# =============================================================================================
# nginx
# =============================================================================================
add("r3-n-location-drops-http-headers-nested-location-inherits", {"nginx.conf": """
    events {}
    http {
        add_header X-Content-Type-Options "nosniff" always;
        add_header X-Frame-Options "SAMEORIGIN" always;
        server {
            listen 80;
            server_name docs.example.com;
            root /srv/docs;
            location / {
                try_files $uri $uri/ =404;
            }
            location /assets/ {                                                      @@IL502~a
                add_header Cache-Control "public, max-age=31536000, immutable";      @@IL502~a
                location ~* \\.(woff2?|ttf)$ {                                       @@-IL502
                    access_log off;
                }
            }
        }
    }
"""}, "IL502", nodup=True)

add("r3-n-if-in-location-adds-cors-headers", {"site.conf": """
    server {
        listen 80;
        server_name api.example.com;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        location /api/ {
            if ($request_method = OPTIONS) {                                         @@IL502~a
                add_header Access-Control-Allow-Origin "https://app.example.com";    @@IL502~a
                add_header Access-Control-Max-Age 86400;                             @@IL502~a
                return 204;
            }
            proxy_pass http://api:8080;
        }
        location /public/ {
            proxy_pass http://api:8080;
        }
    }
"""}, "IL502")

add("r3-n-mixed-always-is-low", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {                                        @@IL501~a!low
            listen 80;
            server_name blog.example.com;
            root /srv/blog;
            add_header X-Content-Type-Options "nosniff" always;
            add_header X-Frame-Options "DENY";          @@IL501~a
            location / {
                try_files $uri $uri/ /index.html;
            }
        }
    }
"""}, "IL501")


add("r3-n-csp-with-and-without-frame-ancestors", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name a.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
            location / { root /srv/a; }
        }
        server {                                        @@IL501
            listen 80;
            server_name b.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header Content-Security-Policy "default-src 'self'; img-src * data:" always;
            location / { root /srv/b; }
        }
    }
"""}, "IL501")

add("r3-n-hsts-forms-on-tls-servers", {"nginx.conf": """
    events {}
    http {
        ssl_certificate /etc/nginx/tls/fullchain.pem;
        ssl_certificate_key /etc/nginx/tls/privkey.pem;
        server {
            listen 443 ssl;
            http2 on;
            server_name a.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Strict-Transport-Security 'max-age=31536000; includeSubDomains' always;
            location / { root /srv/a; }
        }
        server {
            listen 443 ssl;
            server_name b.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Strict-Transport-Security "max-age=3600" always;                 @@IL510
            location / { root /srv/b; }
        }
        server {
            listen [::]:443 ssl;
            server_name c.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Strict-Transport-Security "includeSubDomains; max-age=604800" always;   @@IL510
            location / { root /srv/c; }
        }
        server {
            listen 443 ssl;
            server_name d.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Strict-Transport-Security "max-age=0" always;                    @@IL510
            location / { root /srv/d; }
        }
        server {                                                                        @@IL501
            listen 443 ssl;
            server_name e.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location / { root /srv/e; }
        }
        server {
            listen 443 ssl;
            server_name f.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;
            location / { root /srv/f; }
        }
    }
"""}, "IL501,IL510")

add("r3-n-cipher-strings", {"nginx.conf": """
    events {}
    http {
        ssl_certificate /etc/nginx/tls/fullchain.pem;
        ssl_certificate_key /etc/nginx/tls/privkey.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        server {
            listen 443 ssl;
            server_name a.example.com;
            ssl_ciphers HIGH:!aNULL:!MD5;                                                                   @@-IL504
        }
        server {
            listen 443 ssl;
            server_name b.example.com;
            ssl_ciphers 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:DES-CBC3-SHA';             @@IL504
        }
        server {
            listen 443 ssl;
            server_name c.example.com;
            ssl_ciphers "EECDH+AESGCM:EDH+AESGCM:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!3DES:!MD5:!PSK";           @@-IL504
        }
        server {
            listen 443 ssl;
            server_name d.example.com;
            ssl_ciphers "HIGH:!aNULL:MD5";                                                                  @@IL504
        }
        server {
            listen 443 ssl;
            server_name e.example.com;
            ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305;   @@-IL504
        }
        server {
            listen 443 ssl;
            server_name f.example.com;
            ssl_ciphers "ECDHE-RSA-RC4-SHA:HIGH:!aNULL";                                                    @@IL504
        }
    }
"""}, "IL504")

add("r3-n-protocols-inherited-from-http-once", {"nginx.conf": """
    events {}
    http {
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2;            @@IL504
        server {
            listen 443 ssl;
            server_name a.example.com;
            ssl_certificate /etc/nginx/tls/a.pem;
            ssl_certificate_key /etc/nginx/tls/a.key;
        }
        server {
            listen 443 ssl;
            server_name b.example.com;
            ssl_certificate /etc/nginx/tls/b.pem;
            ssl_certificate_key /etc/nginx/tls/b.key;
            ssl_protocols TLSv1.2 TLSv1.3;              @@-IL504
        }
    }
"""}, "IL504")

add("r3-n-alias-variants", {"site.conf": """
    server {
        listen 80;
        server_name files.example.com;
        location /images {                              @@IL509~a
            alias /data/images/;                        @@IL509~a
        }
        location /docs/ {                               @@-IL509
            alias /data/docs/;
        }
        location = /robots.txt {                        @@-IL509
            alias /data/static/robots.txt;
        }
        location ~ ^/downloads/(.+\\.zip)$ {            @@-IL509
            alias /data/downloads/$1;
        }
        location /exports {                             @@-IL509
            alias /data/exports;
        }
    }
"""}, "IL509")

add("r3-n-alias-traversal-in-included-fragment", {"nginx/nginx.conf": """
    events {}
    http {
        server_tokens off;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/static.conf": """
    server {
        listen 80;
        server_name static.example.com;
        location /static {                              @@IL509~a
            alias /var/www/static/;                     @@IL509~a
        }
    }
"""}, "IL509", nodup=True)

add("r3-n-port80-name-overlap-and-wildcard-redirect", {"nginx.conf": """
    events {}
    http {
        ssl_certificate /etc/nginx/tls/fullchain.pem;
        ssl_certificate_key /etc/nginx/tls/privkey.pem;
        server {
            listen 80;
            server_name *.example.com;
            return 301 https://$host$request_uri;
        }
        server {                                        @@IL505
            listen 80;
            server_name example.org www.example.org;
            root /srv/org;
            index index.html;
        }
        server {
            listen 443 ssl;
            server_name www.example.org;
            root /srv/org;
        }
        server {
            listen 443 ssl;
            server_name api.example.com;
            location / { proxy_pass http://api:8080; }
        }
        server {
            listen 80;
            server_name status.example.net;
            location / { return 200 "ok"; }
        }
    }
"""}, "IL505")

add("r3-n-server-tokens-per-server", {"nginx.conf": """
    events {}
    http {                                              @@IL506~a
        server {
            listen 80;
            server_name a.example.com;
            server_tokens off;
            return 301 https://a.example.com$request_uri;
        }
        server {                                        @@IL506~a
            listen 80;
            server_name b.example.com;
            return 301 https://b.example.com$request_uri;
        }
    }
"""}, "IL506")

add("r3-n-server-tokens-location-turns-on", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {
            listen 80;
            server_name a.example.com;
            location /debug/ {
                server_tokens on;                       @@IL506
                return 200 "debug";
            }
        }
    }
"""}, "IL506")

add("r3-n-fragment-judged-in-main-once", {"nginx/nginx.conf": """
    events {}
    http {
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        limit_req zone=api burst=20 nodelay;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/app.conf": """
    server {                                            @@-IL501
        listen 80;
        server_name app.example.com;
        location / {                                    @@-IL503
            proxy_pass http://web:3000;
        }
        location /api/ {                                @@IL507~a
            proxy_set_header X-Request-Id $request_id;  @@IL507~a
            proxy_pass http://api:8000;
        }
    }
"""}, "IL501,IL503,IL506,IL507", nodup=True)

add("r3-n-fragment-not-included-judged-alone", {"nginx/nginx.conf": """
    events {}
    http {
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=perip:10m rate=10r/s;
        limit_req zone=perip burst=20;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/app.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location / {
            proxy_pass http://web:3000;
        }
    }
""", "nginx/extra/admin.conf": """
    server {                                            @@IL501
        listen 80;
        server_name admin.example.com;
        location / {                                    @@IL503
            proxy_pass http://admin:9000;
        }
    }
"""}, "IL501,IL503,IL506")

add("r3-n-il003-contexts", {"nginx.conf": """
    events {}
    http {
        limit_req zone=perip burst=5;
        limit_req_zone $binary_remote_addr zone=perip:10m rate=5r/s;
        server {
            listen 80;
            server_name app.example.com;
            if ($host != app.example.com) {
                proxy_set_header X-Bad 1;               @@IL003
                return 444;
            }
            location / {
                if ($http_x_canary) {
                    limit_req zone=perip;               @@IL003
                    proxy_pass http://canary:8080;
                }
                proxy_pass http://app:8080;
            }
            location /static/ {
                if ($request_uri ~* \\.map$) {
                    root /srv/empty;                    @@-IL003
                    add_header Cache-Control no-store;  @@-IL003
                }
                root /srv/static;
            }
        }
    }
"""}, "IL003")

add("r3-n-il003-undefined-zone-in-fragment", {"nginx/nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=login:10m rate=5r/m;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/app.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location /login {
            limit_req zone=login burst=3;               @@-IL003
            proxy_pass http://app:8080;
        }
        location /api/ {
            limit_req zone=api_limit burst=20 nodelay;  @@IL003
            proxy_pass http://app:8080;
        }
    }
"""}, "IL003", nodup=True)

add("r3-n-rate-limit-pass-types-and-inheritance", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=perip:10m rate=20r/s;
        limit_conn_zone $binary_remote_addr zone=conns:10m;
        server {
            listen 80;
            server_name app.example.com;
            location ~ \\.php$ {                        @@IL503
                fastcgi_pass php:9000;
                fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            }
            location /grpc/ {                           @@IL503
                grpc_pass grpc://backend:50051;
            }
            location /py/ {                             @@IL503
                uwsgi_pass django:3031;
            }
            location /api/ {
                limit_req zone=perip burst=40;
                location /api/upload/ {                 @@-IL503
                    limit_conn conns 2;
                    proxy_pass http://api:8000;
                }
                proxy_pass http://api:8000;
            }
            location /health {
                return 200 "ok";
            }
        }
    }
"""}, "IL503")

add("r3-n-server-level-limit-req-and-inner-dry-run", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=perip:10m rate=20r/s;
        server {
            listen 80;
            server_name app.example.com;
            limit_req zone=perip burst=50 nodelay;
            location / {
                proxy_pass http://web:3000;
            }
            location /search/ {                         @@IL503~a
                limit_req_dry_run on;                   @@IL503~a
                proxy_pass http://search:9000;
            }
        }
    }
"""}, "IL503")

add("r3-n-proxy-headers-websocket-and-http-host", {"nginx.conf": """
    events {}
    http {
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        server {
            listen 80;
            server_name app.example.com;
            location / {
                proxy_pass http://web:3000;
            }
            location /socket.io/ {                      @@IL507~a
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade; @@IL507~a
                proxy_set_header Connection "upgrade";  @@IL507~a
                proxy_pass http://web:3000;
            }
        }
        server {
            listen 80;
            server_name legacy.example.com;
            location / {
                proxy_set_header Host $http_host;       @@IL507
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_pass http://legacy:8080;
            }
        }
    }
"""}, "IL507")

add("r3-n-dotfile-deny-variants", {"nginx.conf": """
    events {}
    http {
        server {                                        @@IL508
            listen 80;
            server_name a.example.com;
            root /var/www/a;
            location / {
                try_files $uri $uri/ =404;
            }
            location ~ /\\.ht {
                deny all;
            }
        }
        server {                                        @@-IL508
            listen 80;
            server_name b.example.com;
            root /var/www/b;
            location ~* /\\.(git|env|svn) {
                deny all;
            }
        }
        server {                                        @@-IL508
            listen 80;
            server_name c.example.com;
            root /var/www/c;
            location ~ /\\.(?!well-known) {
                deny all;
            }
        }
        server {                                        @@-IL508
            listen 80;
            server_name d.example.com;
            location / {
                proxy_pass http://app:8080;
            }
        }
    }
"""}, "IL508")

add("r3-n-php-server-root-with-regex-locations-only", {"wordpress.conf": """
    server {                                            @@IL508
        listen 80;
        server_name blog.example.com;
        root /var/www/wordpress;
        index index.php;
        location ~ \\.php$ {
            fastcgi_pass wordpress:9000;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        }
        location ~ /\\.ht {
            deny all;
        }
    }
"""}, "IL508")

add("r3-n-root-inherited-from-http", {"nginx.conf": """
    events {}
    http {
        root /usr/share/nginx/html;
        server {                                        @@IL508
            listen 80;
            server_name static.example.com;
            location / {
                try_files $uri $uri/ =404;
            }
        }
    }
"""}, "IL508")

add("r3-n-root-only-in-location", {"default.conf": """
    server {                                            @@IL508
        listen 80;
        server_name localhost;
        location / {
            root /usr/share/nginx/html;
            index index.html index.htm;
        }
        error_page 500 502 503 504 /50x.html;
        location = /50x.html {
            root /usr/share/nginx/html;
        }
    }
"""}, "IL508")

add("r3-n-outside-include-may-supply-deny-and-headers", {"site.conf": """
    server {
        listen 80;
        server_name www.example.com;
        root /var/www/html;
        include /etc/nginx/snippets/deny-dotfiles.conf;
        include /etc/nginx/snippets/security-headers.conf;
        location / {
            try_files $uri $uri/ =404;
        }
    }
"""}, "IL501,IL508")

add("r3-n-http-outside-include-makes-directives-unknown", {"nginx.conf": """
    user  nginx;
    worker_processes  auto;
    events { worker_connections 1024; }
    http {
        include       /etc/nginx/mime.types;
        include       /etc/nginx/snippets/hardening.conf;
        default_type  application/octet-stream;
        sendfile      on;
        server {
            listen 80;
            server_name app.example.com;
            location / {
                proxy_pass http://app:8080;
            }
        }
    }
"""}, "IL001,IL501,IL503,IL506")

add("r3-n-redirector-by-locations-vs-content", {"nginx.conf": """
    events {}
    http {
        server {                                        @@-IL501
            listen 80;
            server_name old.example.com;
            location / {
                return 308 https://new.example.com$request_uri;
            }
            location /blog/ {
                return 301 https://blog.example.com/;
            }
        }
        server {                                        @@IL501
            listen 80;
            server_name health.example.com;
            location / {
                return 301 https://www.example.com/;
            }
            location /ping {
                return 200 "pong";
            }
        }
    }
"""}, "IL501")

add("r3-n-caret-tilde-and-regex-order", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        root /var/www/app;
        location ~ /\\.(?!well-known) {
            deny all;
        }
        location ^~ /storage/ {                         @@IL508
            expires 7d;
        }
        location /uploads/ {                            @@-IL508
            expires 1d;
        }
        location = /index.html {                        @@-IL508
            add_header Cache-Control no-cache;
        }
    }
"""}, "IL508")


# =============================================================================================
# Kubernetes
# =============================================================================================
add("r3-k-pod-nonroot-container-uid-zero", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: payments
    spec:
      replicas: 2
      selector:
        matchLabels: {app: payments}
      template:
        metadata:
          labels: {app: payments}
        spec:
          securityContext:
            runAsNonRoot: true
            fsGroup: 2000
          containers:
            - name: api
              image: acme/payments:3.2.1
              securityContext:
                runAsUser: 0                            @@IL201
                allowPrivilegeEscalation: false
            - name: metrics                             @@-IL201
              image: acme/statsd-exporter:0.26.0
              securityContext:
                runAsUser: 10001
"""}, "IL201")

add("r3-k-merge-uid-positive-wins-over-nonroot-false", {"sts.yaml": """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: kafka
    spec:
      serviceName: kafka
      selector:
        matchLabels: {app: kafka}
      template:
        metadata:
          labels: {app: kafka}
        spec:
          securityContext:
            runAsUser: 1001
            runAsGroup: 0
          initContainers:
            - name: fix-perms
              image: busybox:1.36.1
              command: ["sh", "-c", "chown -R 1001:0 /data"]
              securityContext:
                runAsUser: 0                            @@IL201
          containers:
            - name: kafka                               @@-IL201
              image: bitnami/kafka:3.7.0
              securityContext:
                runAsNonRoot: false                     @@-IL201
"""}, "IL201")

add("r3-k-init-container-root-yes-probe-no", {"deploy.yaml": """
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
            - name: migrate                             @@IL201
              image: acme/web:4.0.0
              command: ["python", "manage.py", "migrate"]
            - name: wait-for-db                         @@-IL301
              image: busybox:1.36.1
              command: ["sh", "-c", "until nc -z db 5432; do sleep 2; done"]
              securityContext:
                runAsUser: 65534
          containers:
            - name: web                                 @@-IL201,-IL301
              image: acme/web:4.0.0
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
              readinessProbe:
                httpGet: {path: /healthz, port: 8000}
"""}, "IL201,IL301")

add("r3-k-job-and-cronjob", {"batch.yaml": """
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: db-backup
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: backup                              @@IL201,IL302
              image: postgres:16.2
              command: ["pg_dump", "-h", "db", "-U", "app", "-f", "/backup/app.sql"]
    ---
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
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
              containers:
                - name: report                          @@-IL201,-IL301,-IL302
                  image: acme/report:1.4.0
                  resources:
                    limits: {memory: 256Mi, cpu: 500m}
"""}, "IL201,IL301,IL302")

add("r3-k-statefulset-daemonset-probes", {"k.yaml": """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: redis
    spec:
      serviceName: redis
      selector:
        matchLabels: {app: redis}
      template:
        metadata:
          labels: {app: redis}
        spec:
          containers:
            - name: redis                               @@IL301
              image: redis:7.2.4
              ports:
                - containerPort: 6379
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: node-exporter
    spec:
      selector:
        matchLabels: {app: node-exporter}
      template:
        metadata:
          labels: {app: node-exporter}
        spec:
          containers:
            - name: node-exporter                       @@-IL301
              image: quay.io/prometheus/node-exporter:v1.7.0
              livenessProbe:
                httpGet: {path: /, port: 9100}
"""}, "IL301")

add("r3-k-crd-cloneset-and-nonworkload-crd", {"k.yaml": """
    apiVersion: apps.kruise.io/v1alpha1
    kind: CloneSet
    metadata:
      name: storefront
    spec:
      replicas: 3
      selector:
        matchLabels: {app: storefront}
      template:
        metadata:
          labels: {app: storefront}
        spec:
          containers:
            - name: web                                 @@IL201,IL301,IL302
              image: acme/storefront:7.0.2
    ---
    apiVersion: cert-manager.io/v1
    kind: Certificate
    metadata:
      name: storefront-tls
    spec:
      secretName: storefront-tls
      dnsNames: [shop.example.com]
      issuerRef: {name: letsencrypt, kind: ClusterIssuer}
"""}, "IL101,IL201,IL301,IL302,IL602")

add("r3-k-kind-list-items-linted", {"list.yaml": """
    apiVersion: v1
    kind: List
    items:
      - apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: agent
        spec:
          selector:
            matchLabels: {app: agent}
          template:
            metadata:
              labels: {app: agent}
            spec:
              hostPID: true                             @@IL206
              containers:
                - name: agent
                  image: acme/agent:2.1.0
                  securityContext:
                    privileged: true                    @@IL202
      - apiVersion: v1
        kind: Service
        metadata:
          name: cache
        spec:
          type: NodePort                                @@IL401~a
          selector: {app: cache}
          ports:
            - port: 6379                                @@IL401~a
"""}, "IL202,IL206,IL401")

add("r3-k-lb-internal-annotations-and-explicit-false", {"svc.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: pg-azure
      annotations:
        service.beta.kubernetes.io/azure-load-balancer-internal: "true"
    spec:
      type: LoadBalancer                                @@-IL401
      selector: {app: pg}
      ports:
        - port: 5432                                    @@-IL401
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: pg-public
      annotations:
        service.beta.kubernetes.io/aws-load-balancer-internal: "false"
    spec:
      type: LoadBalancer                                @@IL401~a
      selector: {app: pg}
      ports:
        - port: 5432                                    @@IL401~a
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: cache-nodeport
    spec:
      type: NodePort                                    @@IL401~b
      selector: {app: cache}
      ports:
        - name: http                                  @@IL401~b
          port: 80                                      @@IL401~b
          targetPort: 6379                              @@IL401~b
"""}, "IL401")

add("r3-k-lb-aws-lbc-scheme-internal", {"svc.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: mysql-nlb
      annotations:
        service.beta.kubernetes.io/aws-load-balancer-type: external
        service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    spec:
      type: LoadBalancer                                @@-IL401
      selector: {app: mysql}
      ports:
        - port: 3306                                    @@-IL401
"""}, "IL401")

add("r3-k-service-selects-db-statefulset", {"mongo.yaml": """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: mongo
    spec:
      serviceName: mongo
      selector:
        matchLabels: {app: mongo}
      template:
        metadata:
          labels: {app: mongo, tier: db}
        spec:
          containers:
            - name: mongo
              image: mongo:7.0.5
              args: ["--port", "27117", "--bind_ip_all"]
              ports:
                - containerPort: 27117
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: mongo
    spec:
      clusterIP: None
      selector: {app: mongo}
      ports:
        - port: 27117
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: mongo-external
    spec:
      type: NodePort                                    @@IL401~a
      selector:                                         @@IL401~a
        app: mongo                                      @@IL401~a
      ports:
        - port: 27117                                   @@IL401~a
          targetPort: 27117                             @@IL401~a
          nodePort: 30117
"""}, "IL401")

add("r3-k-secret-shapes", {"secrets.yaml": """
    apiVersion: v1
    kind: Secret                                        @@IL602~a
    metadata:
      name: registry-creds
    type: kubernetes.io/dockerconfigjson
    data:                                               @@IL602~a
      .dockerconfigjson: eyJhdXRocyI6eyJnaGNyLmlvIjp7ImF1dGgiOiJZV05ESUU2WjJod1gxaDVXbk5oTVRJeiJ9fX0=   @@IL602~a
    ---
    apiVersion: v1
    kind: Secret                                        @@IL602~b
    metadata:
      name: build-robot-token
      annotations:
        kubernetes.io/service-account.name: build-robot
    type: kubernetes.io/service-account-token
    data:                                               @@IL602~b
      token: ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklrZGZNbGhF   @@IL602~b
    ---
    apiVersion: v1
    kind: Secret                                        @@IL602~c
    metadata:
      name: app-config
    type: Opaque
    stringData:                                         @@IL602~c
      config.yaml: |                                    @@IL602~c
        database:
          password: Xk29fLq8vBn4
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: filled-by-operator
    type: Opaque
    ---
    apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret
    metadata:
      name: db
    spec:
      secretStoreRef: {name: vault, kind: ClusterSecretStore}
      target: {name: db-credentials}
      data:
        - secretKey: password
          remoteRef: {key: prod/db, property: password}
"""}, "IL602")

add("r3-k-ingress-burst-multiplier-is-not-a-limit", {"ingress.yaml": """
    apiVersion: networking.k8s.io/v1                    @@IL503~a
    kind: Ingress                                       @@IL503~a
    metadata:                                           @@IL503~a
      name: shop                                        @@IL503~a
      annotations:                                      @@IL503~a
        nginx.ingress.kubernetes.io/limit-burst-multiplier: "5"    @@IL503~a
        nginx.ingress.kubernetes.io/proxy-body-size: "8m"          @@IL503~a
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
        nginx.ingress.kubernetes.io/limit-rpm: "600"
        nginx.ingress.kubernetes.io/limit-burst-multiplier: "3"
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
"""}, "IL503")

add("r3-k-env-values-shapes", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
    spec:
      selector:
        matchLabels: {app: worker}
      template:
        metadata:
          labels: {app: worker}
        spec:
          containers:
            - name: worker
              image: acme/worker:2.2.0
              env:
                - name: GITHUB_TOKEN                    @@IL601~a
                  value: ghp_R2x8Lm4Qv7Tz1Ks9Wd3Fh6Jb0Np5Yc2Ea4Ug   @@IL601~a
                - name: DB_PASSWORD
                  value: ""                             @@-IL601
                - name: CACHE_URL                       @@IL601~b
                  value: redis://default:Xk29fLq8vB@redis:6379/0   @@IL601~b
                - name: API_KEY
                  value: $(API_KEY_FROM_SECRET)         @@-IL601
                - name: ENABLE_AUTH
                  value: "true"                         @@-IL601
                - name: SMTP_PASSWORD
                  valueFrom:
                    secretKeyRef: {name: smtp, key: password}
"""}, "IL601")

add("r3-k-capabilities-spellings", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: debug
    spec:
      containers:
        - name: tcpdump
          image: nicolaka/netshoot:v0.12
          securityContext:
            capabilities:
              drop: ["ALL"]                             @@-IL204
              add:
                - CAP_NET_ADMIN                         @@IL204
                - net_raw
        - name: strace
          image: acme/strace:1.0
          securityContext:
            capabilities:
              add: ["sys_ptrace"]                       @@IL204
        - name: web
          image: nginx:1.25
          securityContext:
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]                   @@-IL204
"""}, "IL204")

add("r3-k-image-registry-port", {"deploy.yaml": """
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
          initContainers:
            - name: seed
              image: registry.internal:5000/acme/seed   @@IL101
          containers:
            - name: api
              image: localhost:5000/acme/api:1.2.0      @@-IL101
            - name: worker
              image: registry.internal:5000/acme/worker@""" + SHA + """   @@-IL101
            - name: proxy
              image: envoyproxy/envoy:latest            @@IL101
"""}, "IL101")

add("r3-k-helm-template-skipped", {"chart/Chart.yaml": """
    apiVersion: v2
    name: shop
    version: 0.3.1
""", "chart/templates/deployment.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ include "shop.fullname" . }}
    spec:
      template:
        spec:
          containers:
            - name: {{ .Chart.Name }}
              image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
              {{- with .Values.securityContext }}
              securityContext:
                {{- toYaml . | nindent 12 }}
              {{- end }}
"""}, "IL001,IL101,IL201,IL301,IL302")


# =============================================================================================
# Controls: inline ignores, IL004, CLI and config selection
# =============================================================================================
add("r3-ctl-compose-line-before-service-covers-block", {"compose.yaml": """
    services:
      # infralint: ignore=IL401,IL301 -- local dev database, never deployed
      db:
        image: postgres:16.2
        ports:
          - "5432:5432"
      cache:                                            @@IL301
        image: redis:7.2
        ports:
          - "6379:6379"                                 @@IL401
"""}, "IL301,IL401")

add("r3-ctl-compose-eol-on-list-item", {"compose.yaml": """
    services:
      db:
        image: mysql:8.3
        ports:
          - "3306:3306"   # infralint: ignore=exposed-db-port -- bound by the host firewall
          - "33060:33060"                               @@IL401
"""}, "IL401")

add("r3-ctl-compose-line-before-ports-key-covers-list", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        # infralint: ignore=IL401 -- CI service container
        ports:
          - "5432:5432"
          - target: 5432
            published: "15432"
        environment:
          POSTGRES_PASSWORD: Xk29fLq8vBn4Qw         @@IL601
"""}, "IL401,IL601")

add("r3-ctl-compose-ignore-names-mixed-with-ids", {"compose.yaml": """
    services:
      # infralint: ignore=privileged-container,IL205,host-namespace -- CI runner
      dind:
        image: docker:25.0-dind
        privileged: true
        network_mode: host
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock
      builder:
        image: moby/buildkit:v0.13.0
        privileged: true                                @@IL202
"""}, "IL202,IL205,IL206")

add("r3-ctl-ignore-other-rule-does-not-suppress", {"compose.yaml": """
    services:
      runner:
        image: acme/runner:1.0
        # infralint: ignore=IL201 -- runner needs root       @@IL004
        privileged: true                                    @@IL202
"""}, "IL004,IL201,IL202", args=("--select", "IL004,IL201,IL202"))

add("r3-ctl-il004-used-and-unused", {"compose.yaml": """
    services:
      dind:
        image: docker:25.0-dind
        # infralint: ignore=IL202 -- CI runner
        privileged: true
      web:
        image: nginx:1.25
        # infralint: ignore=IL202 -- left over from debugging   @@IL004
        read_only: true
"""}, "IL004,IL202", args=("--select", "IL004,IL202"))

add("r3-ctl-il004-is-info", {"compose.yaml": """
    services:
      web:
        image: nginx:1.25
        # infralint: ignore=privileged-container -- stale   @@IL004!info
        read_only: true
"""}, "IL004", args=("--select", "IL004,IL202"))

add("r3-ctl-il004-unused-ignore-file", {"site.conf": """
    # infralint: ignore-file=IL510 -- HSTS handled by the CDN    @@IL004
    server {
        listen 80;
        server_name www.example.com;
        return 301 https://www.example.com$request_uri;
    }
"""}, "IL004,IL510", args=("--select", "IL004,IL510"))

add("r3-ctl-il004-dockerfile-unused-and-used", {"Dockerfile": """
    FROM debian:12-slim
    # infralint: ignore=IL103 -- pinned vendor script            @@IL004
    RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
    # infralint: ignore=IL103 -- vendor installer, reviewed
    RUN curl -fsSL https://get.acme.dev | sh
    USER 10001
"""}, "IL004,IL103", args=("--select", "IL004,IL103"))

add("r3-ctl-il004-block-ignore-used-by-nested-finding", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        # infralint: ignore=IL502 -- CORS preflight answers carry no content
        location /api/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "*";
                return 204;
            }
            proxy_pass http://api:8080;
        }
    }
"""}, "IL004,IL502", args=("--select", "IL004,IL502"))

add("r3-ctl-ignore-file-at-end-and-names", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0.0
        privileged: true                                @@IL202
      worker:
        image: acme/worker:1.0.0
    # infralint: ignore-file=missing-healthcheck,missing-resource-limits -- swarm stack sets both
"""}, "IL202,IL301,IL302")

add("r3-ctl-nginx-block-ignore-covers-nested", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        # infralint: ignore=IL502,IL503 -- internal admin, behind VPN
        location /admin/ {
            add_header Cache-Control no-store;
            location /admin/api/ {
                proxy_pass http://admin:9000;
            }
        }
        location /api/ {                                @@IL503
            proxy_pass http://api:8000;
        }
    }
"""}, "IL502,IL503")

add("r3-ctl-nginx-eol-on-directive", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {
            listen 443 ssl;
            server_name pos.example.com;
            ssl_certificate /etc/nginx/tls/pos.pem;
            ssl_certificate_key /etc/nginx/tls/pos.key;
            ssl_protocols TLSv1 TLSv1.2;  # infralint: ignore=IL504 -- legacy POS terminals, sunset 2025-09
            ssl_ciphers HIGH:!aNULL:!MD5:3DES;          @@IL504
        }
    }
"""}, "IL504")

add("r3-ctl-nginx-ignore-by-name-line-before", {"site.conf": """
    server {
        listen 443 ssl;
        server_name staging.example.com;
        ssl_certificate /etc/nginx/tls/s.pem;
        ssl_certificate_key /etc/nginx/tls/s.key;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        # infralint: ignore=weak-hsts -- staging, short max-age on purpose
        add_header Strict-Transport-Security "max-age=300" always;
        location / { root /srv/staging; }
    }
"""}, "IL501,IL510")

add("r3-ctl-nginx-server-eol-on-flagged-line", {"site.conf": """
    server {  # infralint: ignore=IL508 -- only serves generated assets
        listen 80;
        server_name cdn.example.com;
        root /srv/cdn;
    }
    server {                                            @@IL508
        listen 80;
        server_name www.example.com;
        root /srv/www;
    }
"""}, "IL508")

add("r3-ctl-dockerfile-eol-comment-is-not-an-ignore", {"Dockerfile": """
    FROM debian:12-slim
    RUN curl -fsSL https://get.acme.dev | sh # infralint: ignore=IL103 -- vendor installer   @@IL103
    USER 10001
"""}, "IL103")

add("r3-ctl-dockerfile-ignore-before-final-from", {"Dockerfile": """
    FROM golang:1.22 AS build
    RUN go build -o /app ./...
    # infralint: ignore=root-user -- wrapper drops privileges at start
    FROM gcr.io/distroless/static-debian12:latest      @@IL101,IL301!low
    COPY --from=build /app /app
"""}, "IL101,IL201,IL301")

add("r3-ctl-dockerfile-line-before-covers-heredoc", {"Dockerfile": """
    # syntax=docker/dockerfile:1.7
    FROM ubuntu:22.04
    # infralint: ignore=IL103 -- vendor installer, checksum verified in script
    RUN <<EOF
    set -eux
    curl -fsSL https://get.acme.dev | sh
    EOF
    RUN wget -qO- https://other.example.com/install | bash   @@IL103
    USER 10001
"""}, "IL103")

add("r3-ctl-k8s-line-before-containers-key", {"deploy.yaml": """
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
            runAsUser: 10001
          # infralint: ignore=IL302 -- memory limits come from the namespace LimitRange
          containers:
            - name: api
              image: acme/api:1.0.0
              readinessProbe: {httpGet: {path: /ready, port: 8080}}
            - name: sidecar
              image: acme/sidecar:1.0.0
              livenessProbe: {tcpSocket: {port: 9000}}
    ---
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
            - name: web                                 @@IL302
              image: acme/web:1.0.0
              resources: {limits: {cpu: 100m}}
"""}, "IL302")

add("r3-ctl-k8s-eol-on-image", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: toolbox
    spec:
      containers:
        - name: toolbox
          image: busybox  # infralint: ignore=IL101 -- mirrored and scanned nightly
        - name: shell
          image: alpine                                 @@IL101
"""}, "IL101")

add("r3-ctl-k8s-annotations-object-vs-template", {"k.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: legacy
      annotations:
        infralint.io/ignore: "IL201: vendor image runs as root, tracked in OPS-412"
    spec:
      selector: {matchLabels: {app: legacy}}
      template:
        metadata:
          labels: {app: legacy}
        spec:
          containers:
            - name: app                                 @@IL302
              image: vendor/legacy:9.4
              readinessProbe: {httpGet: {path: /, port: 8080}}
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: node-agent
    spec:
      selector: {matchLabels: {app: node-agent}}
      template:
        metadata:
          labels: {app: node-agent}
          annotations:
            infralint.io/ignore: "host-namespace: needs host PID to read /proc"
        spec:
          hostPID: true
          containers:
            - name: agent
              image: acme/node-agent:1.3.0
              securityContext:
                runAsUser: 10001
                privileged: true                        @@IL202
              livenessProbe: {tcpSocket: {port: 9100}}
              resources: {limits: {memory: 64Mi}}
"""}, "IL201,IL202,IL206,IL301,IL302")

add("r3-ctl-k8s-annotation-on-service-and-cronjob", {"k.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: pg-debug
      annotations:
        infralint.io/ignore: "exposed-db-port: temporary, firewall restricts to office IPs"
    spec:
      type: NodePort
      selector: {app: pg}
      ports:
        - port: 5432
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: vacuum
      annotations:
        infralint.io/ignore: "root-user: vendor image"
    spec:
      schedule: "30 2 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers:
                - name: vacuum
                  image: acme/pg-tools:16.2
                  securityContext:
                    privileged: true                    @@IL202
"""}, "IL201,IL202,IL401")

add("r3-ctl-cli-select-prefix", {"compose.yaml": """
    services:
      proxy:
        image: nginx:1.25.4
        privileged: true
        volumes:
          - ./site.conf:/etc/nginx/conf.d/default.conf:ro
""", "site.conf": """
    server {                                            @@IL501
        listen 80;
        server_name app.example.com;
        location / {                                    @@IL503
            proxy_pass http://app:8000;
        }
    }
"""}, "IL202,IL301,IL501,IL503", args=("--select", "IL5"))

add("r3-ctl-cli-ignore-prefix-and-name", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2
        privileged: true
        ports:
          - "5432:5432"                                 @@IL401
"""}, "IL202,IL301,IL302,IL401", args=("--ignore", "IL2,missing-healthcheck,IL302"))

add("r3-ctl-cli-select-names", {"compose.yaml": """
    services:
      db:
        image: postgres
        privileged: true                                @@IL202
        ports:
          - "5432:5432"                                 @@IL401
"""}, "IL101,IL202,IL301,IL401", args=("--select", "exposed-db-port,privileged-container"))

add("r3-ctl-pyproject-select-and-ignore", {**GIT, "pyproject.toml": """
    [project]
    name = "shop"
    version = "1.0.0"

    [tool.infralint]
    select = ["IL1", "IL4"]
    ignore = ["image-latest-tag"]
""", "compose.yaml": """
    services:
      db:
        image: postgres
        user: root
        ports:
          - "5432:5432"                                 @@IL401
"""}, "IL101,IL201,IL401")

add("r3-ctl-yaml-config-selects-off-rules", {**GIT, ".infralint.yaml": """
    select:
      - IL303
      - privilege-escalation
""", "compose.yaml": """
    services:
      api:                                              @@IL203!low
        image: acme/api:1.0.0
        privileged: true
        logging:                                        @@IL303~a
          driver: json-file                             @@IL303~a
"""}, "IL202,IL203,IL303")

add("r3-ctl-toml-ignore-names-and-ids", {**GIT, ".infralint.toml": """
    ignore = ["missing-healthcheck", "IL302", "IL1"]
""", "compose.yaml": """
    services:
      api:
        image: acme/api
        cap_add: [SYS_ADMIN]                            @@IL204
"""}, "IL101,IL204,IL301,IL302")

add("r3-ctl-inline-ignores-false-also-disables-ignore-file", {**GIT, ".infralint.toml": """
    inline-ignores = false
""", "site.conf": """
    # infralint: ignore-file=IL509 -- trust me
    server {
        listen 80;
        server_name files.example.com;
        location /files {                               @@IL509~a
            alias /srv/files/;                          @@IL509~a
        }
    }
"""}, "IL509")

add("r3-ctl-reason-with-punctuation", {"compose.yaml": """
    services:
      traefik:
        image: traefik:v3.0.0
        volumes:
          # infralint: ignore=IL205 -- read-only: docker provider # see ADR-0007 -- approved
          - /var/run/docker.sock:/var/run/docker.sock:ro
          - /run/docker.sock:/run/docker.sock:ro        @@IL205
"""}, "IL205")

add("r3-ctl-single-file-target-honours-ignores", {**GIT, "deploy/compose.yaml": """
    services:
      # infralint: ignore=IL202 -- CI runner
      dind:
        image: docker:25.0-dind
        privileged: true
      tool:
        image: acme/tool:1.0.0
        privileged: yes                                 @@IL202
"""}, "IL202", targets=("deploy/compose.yaml",))


# =============================================================================================
# Whole projects
# =============================================================================================
add("r3-x-project-compose-nginx-node", {"compose.yaml": """
    services:
      nginx:                                            @@IL301
        image: nginx:1.25.4-alpine
        ports:
          - "80:80"
          - "443:443"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
          - ./nginx/conf.d:/etc/nginx/conf.d:ro
        depends_on: [backend]
        mem_limit: 256m
      backend:
        build: ./backend
        environment:
          NODE_ENV: production
          DATABASE_URL: postgresql://thrift:${POSTGRES_PASSWORD}@postgres:5432/thrift   @@-IL601
          JWT_ACCESS_SECRET: ${JWT_ACCESS_SECRET}
          JWT_ACCESS_EXPIRES_IN: 15m
          BCRYPT_ROUNDS: 12
        healthcheck:
          test: ["CMD", "wget", "-qO-", "http://localhost:3000/health"]
        mem_limit: 512m
      postgres:
        image: postgres:15-alpine
        environment:
          POSTGRES_USER: thrift
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?required}
        ports:
          - "5432:5432"                                 @@IL401
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U thrift"]
        mem_limit: 512m
      redis:
        image: redis:7-alpine
        command: ["redis-server", "--appendonly", "yes"]
        ports:
          - "127.0.0.1:6379:6379"
        healthcheck:
          test: ["CMD", "redis-cli", "ping"]
        mem_limit: 128m
""", "backend/Dockerfile": """
    FROM node:20.11-alpine AS deps
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci --omit=dev
    FROM node:20.11-alpine                              @@IL301!low
    WORKDIR /app
    COPY --from=deps /app/node_modules ./node_modules
    COPY . .
    USER node
    CMD ["node", "src/index.js"]
""", "backend/.dockerignore": """
    node_modules
    .env*
    .git
    *.pem
    *.key
""", "nginx/nginx.conf": """
    events {}
    http {
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/thrift.conf": """
    upstream backend_upstream {
        server backend:3000;
    }
    server {
        listen 80;
        server_name thrift.example.com;
        return 301 https://$host$request_uri;
    }
    server {
        listen 443 ssl;
        http2 on;
        server_name thrift.example.com;
        ssl_certificate /etc/nginx/tls/fullchain.pem;
        ssl_certificate_key /etc/nginx/tls/privkey.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        root /usr/share/nginx/html;
        location ~ /\\. {
            deny all;
        }
        location / {
            try_files $uri /index.html;
        }
        location /api/ {
            limit_req zone=api burst=20 nodelay;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://backend_upstream;         @@-IL701
        }
        location /uploads/ {                            @@IL503
            proxy_pass http://minio:9000;               @@IL701
        }
    }
"""}, "IL201,IL301,IL401,IL501,IL502,IL503,IL505,IL506,IL508,IL601,IL603,IL701", nodup=True)

add("r3-x-project-k8s-checkout", {"checkout.yaml": """
    apiVersion: v1
    kind: Secret                                        @@IL602~a
    metadata:
      name: checkout-db
    type: Opaque
    stringData:                                         @@IL602~a
      DATABASE_PASSWORD: "Q2x9mV7pL4rTz8"               @@IL602~a
    ---
    apiVersion: apps/v1
    kind: Deployment
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
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
          containers:
            - name: checkout
              image: ghcr.io/acme/checkout:1.9.3
              envFrom:
                - secretRef: {name: checkout-db}
              env:
                - name: LOG_LEVEL
                  value: info
                - name: DATABASE_PASSWORD
                  valueFrom:
                    secretKeyRef: {name: checkout-db, key: DATABASE_PASSWORD}
              readinessProbe:
                httpGet: {path: /ready, port: 8443}
              resources:
                limits: {memory: 256Mi}
            - name: cloud-sql-proxy                     @@IL301,IL302
              image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.2
              args: ["--port=5432", "acme:europe-west1:checkout"]
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: checkout-public
    spec:
      type: LoadBalancer
      selector: {app: checkout}
      ports:
        - port: 443
          targetPort: 8443
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: checkout
      annotations:
        nginx.ingress.kubernetes.io/limit-rps: "50"
    spec:
      ingressClassName: nginx
      rules:
        - host: checkout.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: checkout-public, port: {number: 443}}
"""}, "IL101,IL201,IL301,IL302,IL401,IL503,IL601,IL602")


# ---------------------------------------------------------------------------------------------
# Known implementation bugs (strict xfail): id -> reason citing RULES.md
# ---------------------------------------------------------------------------------------------
XFAIL: dict[str, str] = {}
apply_xfails(CASES, XFAIL)



@pytest.mark.parametrize("case", params(CASES))
def test_spec_round3_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    check(case, tmp_path)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.id in NODUP])
def test_spec_round3_no_duplicate_findings(case: Case, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A fragment judged inside its main config must not also be reported on its own."""
    monkeypatch.chdir(tmp_path)
    doc = lint(case, tmp_path)
    seen = Counter((f["rule_id"], f["path"], f["line"], f["message"]) for f in doc["findings"]
                   if f["rule_id"] in case.rules and not f["suppressed"])
    dups = [k for k, n in seen.items() if n > 1]
    assert not dups, dups
