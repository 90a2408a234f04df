"""Acceptance cases derived from the research notes (/work/shared/research/*.md).

Each case names, in a comment above it, the anchor-tool issue, parsing trap or user complaint it
comes from. The false positive a naive tool would raise is pinned with `@@-ILxxx` on the exact
line; the real problem is pinned on the line RULES.md ("Where a finding points") names.
Written from RULES.md, CONTRACT.md and the research notes only (not from the implementation).

Same marker language as tests/spec_harness.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.spec_harness import Case, apply_xfails, check, params, parse

SHA = "sha256:" + "4c1f0a3c1d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e9"

CASES: list[Case] = []


def add(id: str, files: dict[str, str | bytes], rules: str, *, xfail: str | None = None,
        args: tuple[str, ...] = (), targets: tuple[str, ...] = (".",),
        scope: tuple[str, ...] = ()) -> None:
    assert id.startswith("res-"), id
    assert all(c.id != id for c in CASES), id
    CASES.append(parse(Case(id, files, tuple(rules.split(",")), xfail, args, targets, scope)))


# =============================================================================================
# Dockerfile (research/dockerfile_compose.md)
# =============================================================================================

# research/dockerfile_compose.md §3A: hadolint #219/#979, checkov #7667 (ARG base image with a
# pinned default flagged); trivy DS-0001 flags `ARG TAG="latest"` + `foo:${TAG}`.
add("res-d-arg-tag-pinned-default-vs-latest-default", {"Dockerfile": """
    ARG PYTHON_VERSION=3.12.2
    ARG TOOLS_TAG="latest"
    FROM python:${PYTHON_VERSION}-slim AS build         @@-IL101
    RUN pip wheel --wheel-dir /wheels .
    FROM acme/tools:${TOOLS_TAG} AS tools               @@IL101
    FROM python:${PYTHON_VERSION}-slim                  @@-IL101
    COPY --from=build /wheels /wheels
    COPY --from=tools /usr/local/bin/tool /usr/local/bin/tool
"""}, "IL101")

# research/dockerfile_compose.md §3A: trivy DS-0001 tests pass `ARG TAG` (no default) and flag
# `${REGISTRY}/ubuntu` (no tag => implied latest).
add("res-d-arg-no-default-tag-vs-registry-var-untagged", {"Dockerfile": """
    ARG REGISTRY=registry.example.com
    ARG TAG
    FROM ${REGISTRY}/ubuntu AS base                     @@IL101
    RUN echo base
    FROM ${REGISTRY}/acme/app:${TAG}                    @@-IL101
    COPY --from=base /etc/os-release /os-release
"""}, "IL101")

# research/dockerfile_compose.md §2 Dockerfile 4: `FROM ${BASE:-debian:9}` crashed hadolint (#339);
# `FROM $SERVER:8099/path/img:1.0` was a parse error (#847).
add("res-d-from-default-expansion-and-var-registry-port", {"Dockerfile": """
    ARG SERVER=registry.internal
    FROM ${BASE:-debian:12.5} AS base                   @@-IL001,-IL101
    RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
    FROM $SERVER:8099/path/img:1.0                      @@-IL001,-IL101
    COPY --from=base /etc/ssl/certs /etc/ssl/certs
"""}, "IL001,IL101")

# research/dockerfile_compose.md §2 Dockerfile 4: `FROM registry:5000/img`, where the port is not a
# tag (trivy test); tag plus digest `img:tag@sha256:…` (hadolint #263); DL3007 passes
# `debian:latest@sha256:…`; RULES IL101 "Not for … digests".
add("res-d-registry-port-tag-and-digest", {"Dockerfile": f"""
    FROM registry:5000/img AS a                         @@IL101
    RUN true
    FROM registry:5000/img:2.1 AS b                     @@-IL101
    RUN true
    FROM node:20.11-alpine@{SHA} AS c                   @@-IL101
    RUN true
    FROM debian:latest@{SHA}                            @@-IL101
    COPY --from=a / /a
"""}, "IL101")

# research/dockerfile_compose.md §2 Dockerfile 4: `FROM base-${TARGETARCH}` (hadolint #1078) and
# checkov #5466 (`--platform` breaks alias detection): these name earlier stages, not images.
add("res-d-platform-alias-and-arch-stage-names", {"Dockerfile": """
    FROM --platform=$BUILDPLATFORM golang:1.22.1 AS base    @@-IL101
    WORKDIR /src
    FROM base AS test                                   @@-IL101
    RUN go test ./...
    FROM alpine:3.19.1 AS base-amd64
    RUN echo amd64
    FROM alpine:3.19.1 AS base-arm64
    RUN echo arm64
    FROM base-${TARGETARCH}                             @@-IL101
    COPY --from=base /src/app /app
"""}, "IL101")

# research/dockerfile_compose.md §2 Dockerfile 4: `ARG ARCH=` then `FROM ${ARCH}alpine:3.15`
# (KICS #4591 reported line -1).
add("res-d-empty-arg-prefix-in-from", {"Dockerfile": """
    ARG ARCH=
    FROM ${ARCH}alpine:3.15                             @@-IL001,-IL101
    RUN apk add --no-cache tini
    USER 10001
"""}, "IL001,IL101,IL201")

# research/dockerfile_compose.md §3B: root in a build stage reported (hadolint #405, trivy #1620,
# #3966); RULES IL201 judges only the final stage.
add("res-d-root-builder-nonroot-final", {"Dockerfile": """
    FROM node:20.11-alpine AS build                     @@-IL201
    USER root
    RUN npm ci && npm run build
    FROM nginxinc/nginx-unprivileged:1.25.4-alpine      @@-IL201
    COPY --from=build /app/dist /usr/share/nginx/html
    USER 101
"""}, "IL201")

# research/dockerfile_compose.md §1b: CKV_DOCKER_3 passes when any USER appears anywhere in the file;
# the final stage (not built FROM that stage) still runs as root.
add("res-d-user-only-in-sibling-stage", {"Dockerfile": """
    FROM golang:1.22.1 AS build
    RUN useradd -u 10001 app
    USER app
    RUN go build -o /out/app ./cmd/app
    FROM debian:12.5-slim                               @@IL201
    COPY --from=build /out/app /usr/local/bin/app
    CMD ["app"]
"""}, "IL201")

# research/dockerfile_compose.md §1b: CKV_DOCKER_8 matches only the exact string `root`; DS-0002 uses
# `^root(:.+)?$` / `^0(:.+)?$`; RULES IL201 counts `0:0` and points at the USER instruction.
add("res-d-user-root-group-forms", {"Dockerfile": """
    FROM alpine:3.19.1 AS a
    USER 10001
    FROM a AS b
    USER root:root
    FROM b
    RUN echo hi
    USER 0:0                                            @@IL201
"""}, "IL201")

# research/dockerfile_compose.md §2 Dockerfile 5 / hadolint #1222/#1234: `${UID}:${GID}` from ARGs.
add("res-d-user-from-arg-uid-gid", {"Dockerfile": """
    FROM python:3.12.2-slim
    ARG UID=10001
    ARG GID=10001
    RUN groupadd -g ${GID} app && useradd -u ${UID} -g ${GID} app
    USER ${UID}:${GID}                                  @@-IL201
"""}, "IL201")

# research/dockerfile_compose.md §1c/§4 case 9: CKV_DOCKER_2 and DS-0026 accept a HEALTHCHECK anywhere
# in the file; RULES IL301 judges the final stage (inherits only from its own parent stage).
add("res-d-healthcheck-only-in-unrelated-stage", {"Dockerfile": """
    FROM python:3.12.2-slim AS api
    HEALTHCHECK CMD curl -fsS http://localhost:8000/healthz || exit 1
    CMD ["uvicorn", "app:app"]
    FROM python:3.12.2-slim                             @@IL301!low
    USER 10001
    CMD ["python", "worker.py"]
"""}, "IL301")

# research/dockerfile_compose.md §2 Dockerfile 1 / §3E: heredoc after `&& \` (hadolint #923, #1019,
# airvzxf/ftp-deployment-action #263); an over-greedy heredoc parser swallowed later instructions
# (language-docker PR #79).
add("res-d-heredoc-after-continuation-does-not-swallow", {"Dockerfile": """
    # syntax=docker/dockerfile:1.7
    FROM golang:1.22.1                                  @@-IL201,-IL001
    WORKDIR /src
    RUN go mod init example.com/app && \\
        cat <<EOF >> go.mod
    require example.com/lib v1.2.3
    EOF
    RUN go mod tidy
    RUN <<EOF bash
    set -euo pipefail
    echo building
    EOF
    USER 10001
"""}, "IL001,IL201")

# research/dockerfile_compose.md §2 Dockerfile 1: text right after the terminator (`EOF⏎# comment`,
# hadolint #960, open) and the last heredoc with no trailing newline (#736).
add("res-d-heredoc-terminator-comment-and-eof-without-newline", {"Dockerfile": """
    FROM alpine:3.19.1
    RUN <<EOF
    apk add --no-cache curl
    EOF
    # fetch nothing else
    USER root                                           @@IL201
    RUN <<EOF
    echo done
    EOF"""}, "IL001,IL201")

# research/dockerfile_compose.md §2 Dockerfile 1: `COPY <<-"EOT" /f` vs `COPY <<-\\EOT` (hadolint #1051):
# the content is a file, not instructions and not a RUN.
add("res-d-heredoc-copy-quoted-terminators", {"Dockerfile": """
    FROM nginx:1.25.4-alpine
    COPY <<-"EOT" /docker-entrypoint.d/10-fetch.sh
    	curl -fsSL https://get.example.com/install.sh | sh
    	USER root
    	EOT
    COPY <<-\\EOT /etc/motd
    	ADD https://example.com/file /x
    	EOT
    USER 101                                            @@-IL201
"""}, "IL001,IL103,IL201")

# research/dockerfile_compose.md §2 Dockerfile 2: comments inside continuations are valid (hadolint
# #76); ending the instruction at the comment drops the tail (dockerfile-roast PR #12).
add("res-d-comment-inside-continuation", {"Dockerfile": """
    FROM debian:12.5-slim
    RUN apt-get update \\                                @@IL103~a
        # fetch the vendor installer
        && curl -fsSL https://vendor.example.com/install.sh \\    @@IL103~a
        # and run it
        | sh                                            @@IL103~a
    ENV APP_HOME=/srv/app
    USER 10001                                          @@-IL201
"""}, "IL001,IL103,IL201")

# research/dockerfile_compose.md §2 Dockerfile 8 / godolint #16: a pipe inside quotes is not a pipe;
# piping a download into jq is not remote code.
add("res-d-pipe-into-non-shell-and-quoted-pipe", {"Dockerfile": """
    FROM alpine:3.19.1
    RUN curl -fsSL https://api.example.com/v1/versions | jq -r '.items | first' > /version    @@-IL103
    RUN yq eval '.image | sh' values.yaml                @@-IL103
    RUN wget -qO- https://get.example.com/setup | bash -s -- --yes    @@IL103
"""}, "IL103")

# research/dockerfile_compose.md §2 Dockerfile 10: BOM and CRLF (BuildKit strips a BOM on line 1).
add("res-d-bom-and-crlf", {"Dockerfile":
    "\ufeffFROM node:latest\r @@IL101\n"
    "WORKDIR /app\r\n"
    "COPY package.json ./\r\n"
    "RUN npm ci\r\n"
    "USER root\r @@IL201\n"}, "IL001,IL101,IL201")

# research/dockerfile_compose.md §2 Dockerfile 6: multi-line ENV values with `\\` (hadolint #33) and
# `ENV X=${X:-"java \\$OPTS"}` (hadolint #280, parse error); the secret after them keeps its line.
add("res-d-multiline-env-then-secret-line", {"Dockerfile": """
    FROM eclipse-temurin:21.0.2_13-jre
    ENV JAVA_OPTS=${JAVA_OPTS:-"java \\$OPTS"}           @@-IL001,-IL601
    ENV APP_NAME=billing \\
        APP_TIER=backend \\
        APP_REGION=eu-west-1
    ENV STRIPE_API_KEY=sk_live_51HxQz8Kp2Lm9Nw3Rt7Yv4Bc    @@IL601
"""}, "IL001,IL601")

# research/dockerfile_compose.md §3J: DL3064 hits `GOPRIVATE`, `AWS_WEB_IDENTITY_TOKEN_FILE`,
# `TRAVIS_OS_NAME`, `FACEBOOK_APP_ID` (hadolint #1245) and `USERNAME` (#1230); RULES IL601 reports
# any ARG whose name is a secret (build args persist in image history).
add("res-d-secret-name-token-boundaries", {"Dockerfile": """
    FROM golang:1.22.1
    ENV GOPRIVATE=github.com/acme/*                     @@-IL601
    ENV AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token    @@-IL601
    ENV TRAVIS_OS_NAME=linux                            @@-IL601
    ENV FACEBOOK_APP_ID=1234567890123                   @@-IL601
    ARG USERNAME=builder                                @@-IL601
    ARG NPM_TOKEN                                       @@IL601
    ENV PASSWORD_ROUNDS=12                              @@-IL601
    USER 10001
"""}, "IL601")

# research/dockerfile_compose.md §1d: DS-0031 flags `aws configure set aws_secret_access_key` unless
# `--mount=type=secret`; RULES: interpolations are not literal, in RUN too.
add("res-d-run-credentials-secret-mount-vs-literal", {"Dockerfile": """
    FROM amazon/aws-cli:2.15.30
    RUN --mount=type=secret,id=aws_key aws configure set aws_secret_access_key "$(cat /run/secrets/aws_key)"    @@-IL601
    RUN aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY9    @@IL601
"""}, "IL601")

# research/integration.md / dockerfile_compose.md §1i: checkov collects every Dockerfile comment at
# line 0, so a skip anywhere applies to the whole file; hadolint #370/#997/#1028: a reason after the
# pragma. infralint's line-before ignore covers only the next instruction.
add("res-d-ignore-is-scoped-to-next-instruction", {"Dockerfile": """
    # infralint: ignore=IL101 -- throwaway lint stage, pinned by renovate elsewhere
    FROM hadolint/hadolint:latest AS lint
    RUN hadolint --version
    FROM node:latest                                    @@IL101
    USER node
"""}, "IL101")

# =============================================================================================
# Compose (research/dockerfile_compose.md)
# =============================================================================================

# research/dockerfile_compose.md §1b / §2 Compose 1: compose-lint CL-0002 honours YAML 1.1 `yes`/`on`;
# RULES YAML decision: `yes`/`on`/`true` count as true in boolean fields.
add("res-c-privileged-yaml11-booleans", {"compose.yaml": """
    services:
      vpn:
        image: qmcgaw/gluetun:v3.38.0
        privileged: on                                  @@IL202
      agent:
        image: datadog/agent:7.52.0
        privileged: yes                                 @@IL202
      web:
        image: nginx:1.25.4-alpine
        privileged: false                               @@-IL202
      tools:
        image: alpine:3.19.1
        privileged: "no"                                @@-IL202
"""}, "IL202")

# research/dockerfile_compose.md §2 Compose 1: bare `2024-01-01` becomes a `date` under PyYAML and
# breaks JSON/SARIF output; the findings of the file must still be reported.
add("res-c-date-scalars-do-not-break-output", {"compose.yaml": """
    services:
      api:
        image: acme/api:2.4.1
        labels:
          org.opencontainers.image.created: 2024-01-01
          release: 2024-01-01T10:00:00Z
        environment:
          RELEASE_DATE: 2024-01-01                      @@-IL601
          GITHUB_TOKEN: ghp_16C7e42F292c6912E7710c838347Ae178B4a    @@IL601
"""}, "IL001,IL601")

# research/dockerfile_compose.md §1e: dclint accepts `0.0.0.0` as a host IP (isIP), KICS passes any
# address containing `.` and fails `[::1]`; CL-0005 parses the address. RULES IL401 points at the
# `- "5432:5432"` entry; bare `"5432"` included; `expose:` does not publish.
add("res-c-db-port-bind-address-parsing", {"compose.yaml": """
    services:
      postgres:
        image: postgres:16.2-alpine
        ports:
          - "0.0.0.0:5432:5432"                         @@IL401
      mysql:
        image: mysql:8.3.0
        ports:
          - "[::]:3306:3306"                            @@IL401
      redis:
        image: redis:7.2.4-alpine
        ports:
          - "[::1]:6379:6379"                           @@-IL401
      mongo:
        image: mongo:7.0.6
        ports:
          - "127.0.0.1:27017:27017"                     @@-IL401
      memcached:
        image: memcached:1.6.24
        ports:
          - "11211"                                     @@IL401
      elastic:
        image: elasticsearch:8.12.2
        expose:
          - "9200"                                      @@-IL401
"""}, "IL401")

# research/dockerfile_compose.md §2 Compose 4: long form `{target, published, host_ip, protocol,
# mode}` where published may be a string or an int.
add("res-c-db-port-long-form-string-published", {"compose.yaml": """
    services:
      cache:
        image: valkey/valkey:7.2.4
        ports:
          - target: 6379                                @@IL401~a
            published: "6379"                           @@IL401~a
            protocol: tcp                               @@IL401~a
      db:
        image: postgres:16.2-alpine
        ports:
          - target: 5432                                @@-IL401
            published: 5432                             @@-IL401
            host_ip: 127.0.0.1                          @@-IL401
"""}, "IL401")

# research/dockerfile_compose.md §3 (dclint #261 `$HOST:$PORT:1025`, §2 Compose 3 interpolation):
# an interpolated host port with no host IP still publishes on all interfaces.
add("res-c-db-port-interpolated-host-port", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2-alpine
        ports:
          - "${PG_PORT:-5432}:5432"                     @@IL401
"""}, "IL401")

# research/dockerfile_compose.md §2 Compose 4: port ranges `"8000-8010:8000-8010"`; a range that
# covers 5432 publishes the DB port.
add("res-c-db-port-inside-range", {"compose.yaml": """
    services:
      pg:
        image: postgres:16.2-alpine
        ports:
          - "5430-5435:5430-5435"                       @@IL401
"""}, "IL401")

# research/dockerfile_compose.md §1c: KICS Healthcheck Not Set counts a missing key,
# `healthcheck: {disable: true}` or `test: ["NONE"]`; resolve `<<:` merges first (dclint #39).
add("res-c-healthcheck-none-disable-and-merge", {"compose.yaml": """
    x-health: &health
      healthcheck:
        test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
        interval: 15s
    services:
      api:                                              @@-IL301
        <<: *health
        image: acme/api:2.4.1
      worker:                                           @@IL301~w
        image: acme/worker:2.4.1
        healthcheck:                                    @@IL301~w
          test: ["NONE"]                                @@IL301~w
      cron:                                             @@IL301~c
        <<: *health
        image: acme/cron:2.4.1
        healthcheck:                                    @@IL301~c
          disable: true                                 @@IL301~c
"""}, "IL301")

# research/dockerfile_compose.md §2 Compose 2: multiple `<<` keys in one mapping cause duplicate-key
# errors (docker/compose #10394, #10824); the list form `<<: [*a, *b]` is the valid spelling.
add("res-c-multiple-merge-keys", {"compose.yaml": """
    x-limits: &limits
      mem_limit: 256m
    x-user: &user
      user: "10001"
    services:
      ok:
        <<: [*limits, *user]                            @@-IL002
        image: acme/ok:1.0.0
      twice:
        <<: *limits
        <<: *user                                       @@IL002
        image: acme/twice:1.0.0
"""}, "IL002")

# research/dockerfile_compose.md §2 Compose 2: `!reset` and `!override` crash a plain SafeLoader
# (compose-lint changelog); the rest of the file is still linted.
add("res-c-reset-override-tags-parse", {"compose.yaml": """
    services:
      base:
        image: acme/api:2.4.1
        privileged: true                                @@IL202
        ports: !override
          - "127.0.0.1:8080:8080"
        environment: !reset {}
        cap_add: !reset []
"""}, "IL001,IL202,IL204")

# research/dockerfile_compose.md §2 Compose 3: `${PW}` with no default ships empty, while
# `hunter2$X` still ships `hunter2` (compose-lint `_interpolation.py`); `$$` is a literal dollar.
add("res-c-env-interpolation-literal-parts", {"compose.yaml": """
    services:
      app:
        image: acme/app:3.1.0
        environment:
          DB_PASSWORD: ${PW}                            @@-IL601
          REDIS_PASSWORD: ${REDIS_PASSWORD:?set it}     @@-IL601
          SMTP_PASSWORD: ${SMTP_PASSWORD:-}             @@-IL601
          API_TOKEN: "Xk9#mQ2vLp7w$${SUFFIX}"           @@IL601
          ADMIN_PASSWORD: hunter2Prod$X                 @@IL601
"""}, "IL601")

# research/dockerfile_compose.md §2 Compose 5: environment as a list (`- K=v`, `- K` pass-through);
# `- SECRET_KEY="${X}"` carries literal quotes but is still an interpolation.
add("res-c-env-list-forms", {"compose.yaml": """
    services:
      web:
        image: acme/web:5.0.2
        environment:
          - SECRET_KEY="${DJANGO_SECRET_KEY}"           @@-IL601
          - API_TOKEN                                   @@-IL601
          - DB_PASSWORD=                                @@-IL601
          - STRIPE_SECRET_KEY=sk_live_51HxQz8Kp2Lm9Nw3Rt7Yv4Bc    @@IL601
"""}, "IL601")

# research/dockerfile_compose.md §1d: CL-0020 exempts `_FILE`, boolean flags and quantity knobs such
# as `*_EXPIRE_MINUTES: 30`; CL-0021 flags `scheme://user:pass@host` in values.
add("res-c-env-secret-names-qualifiers-and-urls", {"compose.yaml": """
    services:
      auth:
        image: acme/auth:1.9.0
        environment:
          ACCESS_TOKEN_EXPIRE_MINUTES: 30               @@-IL601
          JWT_SECRET_FILE: /run/secrets/jwt             @@-IL601
          ENABLE_TOKEN_AUTH: "true"                     @@-IL601
          TOKEN_TTL: 3600                               @@-IL601
          PASSWORD_MIN_LENGTH: 12                       @@-IL601
          SESSION_SECRET: 7d9f2c41b8e34a0f9c6d1e2b3a4f5c6d    @@IL601
          DATABASE_URL: postgres://app:Sup3rS3cretPw@db:5432/app    @@IL601
          CACHE_URL: redis://cache:6379/0               @@-IL601
"""}, "IL601")

# research/dockerfile_compose.md §1d: compose-lint CL-0020 also reports placeholder values; RULES
# IL601: placeholders reported, with the message saying so.
add("res-c-env-placeholder-secret", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2-alpine
        environment:
          POSTGRES_PASSWORD: changeme                   @@IL601%placeholder
"""}, "IL601")

# research/dockerfile_compose.md §1b: KICS/CL-0001 docker socket bind; long form and `/run/docker.sock`.
add("res-c-docker-socket-forms", {"compose.yaml": """
    services:
      traefik:
        image: traefik:v3.0.0
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro    @@IL205
          - ./traefik.yml:/etc/traefik/traefik.yml:ro   @@-IL205
      watchtower:
        image: containrrr/watchtower:1.7.1
        volumes:
          - type: bind                                  @@IL205~a
            source: /run/docker.sock                    @@IL205~a
            target: /var/run/docker.sock                @@IL205~a
"""}, "IL205")

# research/dockerfile_compose.md §1b: KICS Host Namespace / Shared Host IPC / Network; CL-0008/0010.
add("res-c-host-namespaces", {"compose.yaml": """
    services:
      monitor:
        image: prom/node-exporter:v1.7.0
        network_mode: host                              @@IL206
        pid: "host"                                     @@IL206
      shm:
        image: acme/shm:1.0.0
        ipc: host                                       @@IL206
      sidecar:
        image: acme/sidecar:1.0.0
        network_mode: "service:monitor"                 @@-IL206
        ipc: shareable                                  @@-IL206
"""}, "IL206")

# research/dockerfile_compose.md §2 Compose 7: dclint's vendored schema rejects newer fields
# (`gw_priority`, #185); `include:` and the obsolete `version:`. Not parse errors; rules still run.
add("res-c-schema-drift-still-linted", {"compose.yaml": """
    version: "3.9"
    include:
      - path: ./monitoring/compose.yaml
        required: false
    services:
      app:
        image: acme/app:3.1.0
        cap_add:
          - SYS_ADMIN                                   @@IL204
        networks:
          front:
            gw_priority: 1
    networks:
      front: {}
"""}, "IL001,IL204")

# research/dockerfile_compose.md §1b: KICS Container Capabilities / CL-0011…: dangerous cap_add only;
# cap_drop and harmless adds are not findings.
add("res-c-cap-add-danger-only", {"compose.yaml": """
    services:
      net:
        image: acme/net:1.0.0
        cap_drop: [ALL]
        cap_add:
          - NET_BIND_SERVICE                            @@-IL204
          - CAP_NET_ADMIN                               @@IL204
          - sys_ptrace                                  @@IL204
"""}, "IL204")

# =============================================================================================
# Kubernetes (research/kubernetes.md)
# =============================================================================================

# research/kubernetes.md §4: pod-level securityContext ignored (Polaris #146 pod runAsNonRoot, #192
# runAsUser≠0 should pass, kube-score #146, checkov #3300/#5796). RULES IL201 merges field by field.
add("res-k-pod-level-security-context-counts", {"deploy.yaml": f"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {{app: api}}
      template:
        metadata:
          labels: {{app: api}}
        spec:
          securityContext:
            runAsNonRoot: true
          containers:
            - name: api                                 @@-IL201
              image: ghcr.io/acme/api:2.4.1
            - name: metrics                             @@-IL201
              image: ghcr.io/acme/metrics:1.0.0
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {{app: web}}
      template:
        metadata:
          labels: {{app: web}}
        spec:
          securityContext:
            runAsUser: 1000
          containers:
            - name: web                                 @@-IL201
              image: ghcr.io/acme/web:2.4.1
            - name: debug                               @@-IL201
              image: ghcr.io/acme/debug:1.0.0
              securityContext:
                runAsNonRoot: false
            - name: root                                @@IL201~a
              image: ghcr.io/acme/root:1.0.0
              securityContext:
                runAsUser: 0                            @@IL201~a
"""}, "IL201")

# research/kubernetes.md §4: "UID > 10000 too strict" (kube-score #204, gabibbo97/charts PR #27);
# RULES: IL207 low-uid is off by default.
add("res-k-uid-1000-is-not-a-finding-by-default", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: grafana
    spec:
      containers:
        - name: grafana                                 @@-IL201,-IL207
          image: grafana/grafana:10.4.0
          securityContext:
            runAsUser: 472
            runAsGroup: 472
"""}, "IL201,IL207")

# research/kubernetes.md §2.2 / §4: `spec.securityContext.allowPrivilegeEscalation` is not a field
# (Polaris #874, kubescape regolibrary #186): it must not silence the container-level check.
add("res-k-pod-level-ape-is-not-a-field", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: app
    spec:
      securityContext:
        runAsNonRoot: true
        allowPrivilegeEscalation: false
      containers:
        - name: app                                     @@IL203!low
          image: ghcr.io/acme/app:1.0.0
"""}, "IL203")

# research/kubernetes.md §1.1/§2.2: allowPrivilegeEscalation unset is FAIL in Polaris/checkov/trivy
# but OK in kube-linter/kubesec (Polaris #517 vs #997); RULES: explicit true high, unset low,
# explicit false silences even a privileged container (IL202 still fires).
add("res-k-ape-true-unset-false-on-privileged", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: mixed
    spec:
      containers:
        - name: a
          image: ghcr.io/acme/a:1.0.0
          securityContext:
            allowPrivilegeEscalation: true              @@IL203!high
        - name: b                                       @@IL203!low
          image: ghcr.io/acme/b:1.0.0
        - name: c                                       @@-IL203
          image: ghcr.io/acme/c:1.0.0
          securityContext:
            privileged: true                            @@IL202
            allowPrivilegeEscalation: false             @@-IL203
"""}, "IL202,IL203")

# research/kubernetes.md §4 env-var name heuristics: kube-linter #72 (flagged despite secretKeyRef),
# #1198/PR #1206 (`SECRETS_DIR`), Polaris #1046 (`$(GITLAB_PRIVATE_TOKEN)` expansion), kubescape
# regolibrary #563 (`*_PASSWORD_FILE`), kubescape #1839 (`*_SECRET_KEY_PATH`).
add("res-k-env-secret-name-false-positives", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: runner
    spec:
      containers:
        - name: runner
          image: gitlab/gitlab-runner:v16.9.1
          env:
            - name: DB_PASSWORD                         @@-IL601
              valueFrom:
                secretKeyRef: {name: db, key: password}
            - name: SECRETS_DIR                         @@-IL601
              value: /var/run/secrets/app
            - name: CI_TOKEN                            @@-IL601
              value: $(GITLAB_PRIVATE_TOKEN)            @@-IL601
            - name: POSTGRES_PASSWORD_FILE              @@-IL601
              value: /run/secrets/pg
            - name: AWS_SECRET_KEY_PATH                 @@-IL601
              value: /etc/aws/key
            - name: REGISTRATION_TOKEN                  @@IL601~a
              value: glrt-Zx8vQm2LpR7tYw4KbN9s          @@IL601~a
          envFrom:
            - secretRef: {name: runner-env}
"""}, "IL601")

# research/kubernetes.md §4 image-tag parsing: kube-linter #232 (no tag not caught), checkov #535
# (digest flagged), trivy appshield #132 (`tag@sha256` flagged); kube-score treats `reg:5000/app`
# as tagged `5000/app` (§1.3).
add("res-k-image-reference-parsing", {"pod.yaml": f"""
    apiVersion: v1
    kind: Pod
    metadata:
      name: images
    spec:
      containers:
        - name: a
          image: nginx                                  @@IL101
        - name: b
          image: registry.local:5000/team/app           @@IL101
        - name: c
          image: registry.local:5000/team/app:1.4.2     @@-IL101
        - name: d
          image: ghcr.io/acme/app@{SHA}                 @@-IL101
        - name: e
          image: ghcr.io/acme/app:1.4.2@{SHA}           @@-IL101
"""}, "IL101")

# research/kubernetes.md §4: trivy applying pod checks to non-pod kinds (trivy #5679, #4922:
# KSV116/KSV104 on Service/ClusterRole; #9329).
add("res-k-pod-rules-not-on-non-pod-kinds", {"rbac.yaml": """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole                                   @@-IL201,-IL301,-IL302
    metadata:
      name: reader
    rules:
      - apiGroups: [""]
        resources: ["pods"]
        verbs: ["get", "list"]
    ---
    apiVersion: v1
    kind: Service                                       @@-IL201,-IL301,-IL302
    metadata:
      name: web
    spec:
      selector: {app: web}
      ports:
        - port: 80
          targetPort: 8080
    ---
    apiVersion: v1
    kind: ConfigMap                                     @@-IL201,-IL301,-IL302
    metadata:
      name: web
    data:
      LOG_LEVEL: info
"""}, "IL201,IL203,IL301,IL302")

# research/kubernetes.md §2.1/§4: CRD workloads, Argo Rollouts (kube-linter #848, kube-score #430,
# checkov #7604); RULES IL301: any CRD with `spec.template.spec`.
add("res-k-argo-rollout-is-a-workload", {"rollout.yaml": """
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata:
      name: checkout
    spec:
      replicas: 3
      strategy:
        canary:
          steps: [{setWeight: 20}]
      selector:
        matchLabels: {app: checkout}
      template:
        metadata:
          labels: {app: checkout}
        spec:
          containers:
            - name: checkout                            @@IL201,IL301
              image: ghcr.io/acme/checkout:latest       @@IL101
"""}, "IL101,IL201,IL301")

# research/kubernetes.md §3.2: naive `---` splitting breaks PEM blocks (kube-score #49, kubeval #52).
add("res-k-pem-in-configmap-then-workload", {"bundle.yaml": """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: ca
    data:
      ca.crt: |
        -----BEGIN CERTIFICATE-----
        MIIBszCCAVmgAwIBAgIUQ2x0ZXN0Y2VydGlmaWNhdGUwCgYIKoZIzj0EAwIwEjEQ
        ---
        MA4GA1UEAwwHdGVzdC1jYTAeFw0yNDAxMDEwMDAwMDBaFw0zNDAxMDEwMDAwMDBa
        -----END CERTIFICATE-----
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: uses-ca
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/app:1.0.0
          securityContext:
            privileged: true                            @@IL202
"""}, "IL001,IL202")

# research/kubernetes.md §3.3: glued separator `name: a---` merges two documents into one mapping
# with duplicate keys (PyYAML keeps the last; Truxify PR #8677); RULES: IL002 marks the repeat,
# rules see the surviving value.
add("res-k-glued-separator-duplicate-keys", {"app.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: web---
    apiVersion: v1                                      @@IL002
    kind: Pod                                           @@IL002
    metadata:                                           @@IL002
      name: web
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          securityContext:
            privileged: true                            @@IL202
"""}, "IL002,IL202")

# research/kubernetes.md §3.4: duplicate keys silently drop data (kubernetes #14791, #125885: two
# `containers:` keys, only the last container reached the API).
add("res-k-duplicate-containers-key", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: dup
    spec:
      containers:
        - name: first
          image: ghcr.io/acme/first:1.0.0
          securityContext:
            privileged: true                            @@-IL202
      containers:                                       @@IL002
        - name: second
          image: ghcr.io/acme/second:1.0.0
          securityContext:
            privileged: true                            @@IL202
"""}, "IL002,IL202")

# research/kubernetes.md §3.1: empty and comment-only documents (kube-linter PR #1236 false warnings,
# kubesec #120 blank lines between `---`).
add("res-k-empty-and-comment-only-documents", {"pods.yaml": """
    ---
    ---
    # only a comment
    ---

    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: p
    spec:
      hostNetwork: true                                 @@IL206
      containers:
        - name: p
          image: ghcr.io/acme/p:1.0.0
    ---
"""}, "IL001,IL206")

# research/kubernetes.md §3.7: `labels: {test: =}` is a ConstructorError in PyYAML (checkov PR
# #7630: whole file dropped, 0 parsing errors); `runAsNonRoot: yes` and `hostNetwork: on` are true.
add("res-k-equals-scalar-and-yaml11-booleans", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: odd
      labels: {test: =}
    spec:
      hostNetwork: on                                   @@IL206
      securityContext:
        runAsNonRoot: yes
      containers:
        - name: odd                                     @@-IL201
          image: ghcr.io/acme/odd:1.0.0
          securityContext:
            privileged: yes                             @@IL202
"""}, "IL001,IL201,IL202,IL206")

# research/kubernetes.md §2.3: kube-linter #272: an invalid quantity (`1GB`) made the whole object
# silently undecodable; infralint's dict model keeps linting it.
add("res-k-invalid-quantity-object-still-linted", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: q
    spec:
      selector:
        matchLabels: {app: q}
      template:
        metadata:
          labels: {app: q}
        spec:
          containers:
            - name: q
              image: ghcr.io/acme/q:1.0.0
              resources:
                limits: {memory: 1GB, cpu: "1"}
              securityContext:
                capabilities:
                  add: ["SYS_ADMIN"]                    @@IL204
"""}, "IL001,IL204")

# research/kubernetes.md §2.1: "Probes are not allowed for ephemeral containers"; Polaris probe
# checks: regular containers only; RULES IL301: never for init containers.
add("res-k-probes-not-required-on-ephemeral-or-init", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: debugged
    spec:
      initContainers:
        - name: migrate                                 @@-IL301
          image: ghcr.io/acme/migrate:1.0.0
      containers:
        - name: app                                     @@-IL301
          image: ghcr.io/acme/app:1.0.0
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
      ephemeralContainers:
        - name: debugger                                @@-IL301
          image: busybox:1.36.1
          targetContainerName: app
"""}, "IL301")

# research/kubernetes.md §0/§1.1: no anchor checks DB ports exposed via NodePort/LoadBalancer
# (differentiator); §2.5 `loadBalancerSourceRanges`, internal-LB annotations; container hostPort.
add("res-k-db-exposure-services-and-hostport", {"db.yaml": """
    apiVersion: v1
    kind: Service
    metadata:
      name: redis-public
    spec:
      type: NodePort
      selector: {app: redis}
      ports:
        - port: 6379                                    @@IL401~a
          targetPort: 6379                              @@IL401~a
          nodePort: 30379                               @@IL401~a
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: pg-restricted
    spec:
      type: LoadBalancer
      loadBalancerSourceRanges: ["10.0.0.0/8"]
      selector: {app: pg}
      ports:
        - port: 5432                                    @@-IL401
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: mysql-internal
      annotations:
        networking.gke.io/load-balancer-type: Internal
    spec:
      type: LoadBalancer
      selector: {app: mysql}
      ports:
        - port: 3306                                    @@-IL401
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: mongo
    spec:
      containers:
        - name: mongo
          image: mongo:7.0.6
          ports:
            - containerPort: 27017
              hostPort: 27017                           @@IL401
"""}, "IL401")

# research/kubernetes.md §1.1/§2.6: no anchor checks Ingress rate limits; apply nginx rules only to
# nginx-class Ingresses (`spec.ingressClassName` or legacy `kubernetes.io/ingress.class`);
# `limit-burst-multiplier` alone is not a limit.
add("res-k-ingress-rate-limit-by-class", {"ingress.yaml": """
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
    kind: Ingress                                       @@-IL503
    metadata:                                           @@-IL503
      name: traefik-routed                              @@-IL503
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
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress                                       @@-IL503
    metadata:                                           @@-IL503
      name: limited                                     @@-IL503
      annotations:
        nginx.ingress.kubernetes.io/limit-connections: "20"
    spec:
      ingressClassName: nginx
      rules:
        - host: l.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: l, port: {number: 80}}
"""}, "IL503")

# research/kubernetes.md §1.1: "Secret object committed … skip SealedSecret/ExternalSecret".
add("res-k-external-and-sealed-secrets-not-committed", {"secrets.yaml": """
    apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret                                @@-IL602
    metadata:
      name: db
    spec:
      secretStoreRef: {name: vault, kind: ClusterSecretStore}
      target: {name: db}
      data:                                             @@-IL602
        - secretKey: password
          remoteRef: {key: prod/db, property: password}
    ---
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret                                  @@-IL602
    metadata:
      name: api
    spec:
      encryptedData:
        token: AgBy8hCi8Lr1zXcQy0vH3kL9mN2pQ4rS6tU8vW0xY2zA4bC6dE8fG0hI2jK4lM6n
    ---
    apiVersion: v1
    kind: Secret                                        @@IL602~a
    metadata:                                           @@IL602~a
      name: api-plain                                   @@IL602~a
    type: Opaque                                        @@IL602~a
    stringData:                                         @@IL602~a
      token: 9f8e7d6c5b4a39281706f5e4d3c2b1a0           @@IL602~a
"""}, "IL602")

# research/kubernetes.md §3.11: kustomize patch files are partial objects (KICS #6746: "400+ are
# false positives"); CONTRACT: kustomize patches are skipped with a reason.
add("res-k-kustomize-patch-not-linted-standalone", {"k8s/kustomization.yaml": """
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources:
      - deployment.yaml
    patches:
      - path: patch-replicas.yaml
""", "k8s/deployment.yaml": """
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
          securityContext: {runAsNonRoot: true}
          containers:
            - name: api                                 @@IL301
              image: ghcr.io/acme/api:2.4.1
              resources:
                limits: {memory: 256Mi}
""", "k8s/patch-replicas.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      replicas: 4
      template:
        spec:
          containers:
            - name: api                                 @@-IL101,-IL201,-IL301,-IL302
"""}, "IL101,IL201,IL301,IL302")

# research/kubernetes.md §3.9: non-k8s YAML must not be treated as k8s (GitHub workflow with
# `container: {image: node:latest}` and a postgres service; Chart.yaml, values.yaml, skaffold.yaml).
add("res-k-non-kubernetes-yaml-ignored", {".github/workflows/ci.yml": """
    name: ci
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        container: {image: node:latest}                 @@-IL101
        services:
          postgres: {image: postgres, ports: ["5432:5432"], env: {POSTGRES_PASSWORD: postgres}}    @@-IL101,-IL401,-IL601
        steps:
          - uses: actions/checkout@v4
""", "chart/Chart.yaml": """
    apiVersion: v2
    name: app
    version: 1.0.0
""", "chart/values.yaml": """
    image:
      repository: nginx
      tag: latest                                       @@-IL101
    securityContext:
      privileged: true                                  @@-IL202
""", "skaffold.yaml": """
    apiVersion: skaffold/v4beta9
    kind: Config
    metadata:
      name: app
    build:
      artifacts:
        - image: acme/app
"""}, "IL001,IL101,IL201,IL202,IL301,IL401,IL601")

# research/kubernetes.md §3.7: tabs => ScannerError; §3.12: failures must be visible (kube-linter
# #51/#63 "no valid objects found", exit 0). CONTRACT: IL001 where the parser detected it.
add("res-k-tab-indentation-is-visible-parse-error", {"deploy.yaml":
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata:\n"
    "  name: tabbed\n"
    "spec:\n"
    "  containers:\n"
    "\t- name: x @@IL001~a\n"
    "    image: nginx:1.25.4 @@IL001~a\n"}, "IL001")

# =============================================================================================
# nginx (research/nginx.md)
# =============================================================================================
HDRS = """\
add_header X-Content-Type-Options nosniff always;
add_header X-Frame-Options DENY always;
"""

# research/nginx.md §3: yandex/gixy #114: headers from `include`d files are invisible to
# add_header_redefinition; RULES IL5xx: includes resolved, inheritance applied.
add("res-n-headers-from-included-snippet", {"nginx/nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {                                        @@-IL501
            listen 80;
            server_name app.example.com;
            include snippets/security-headers.conf;
            location / {                                @@-IL502
                root /srv/www;
                location ~ /\. { deny all; }
            }
            location /download/ {                       @@-IL501
                root /srv/files;
            }
        }
    }
""", "nginx/snippets/security-headers.conf": HDRS}, "IL501,IL502")

# research/nginx.md §3: a Semgrep "header-redefinition" rule was dismissed as FP where every location
# declares a complete set and the server declares none (LucasSantana-Dev/Lucky PR #1315).
add("res-n-every-location-complete-set", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {                                        @@-IL501
            listen 80;
            server_name lucky.example.com;
            root /srv/www;
            location / {                                @@-IL501,-IL502
                add_header X-Content-Type-Options nosniff always;
                add_header X-Frame-Options DENY always;
                add_header Cache-Control "no-cache" always;
            }
            location /assets/ {                         @@-IL501,-IL502
                add_header X-Content-Type-Options nosniff always;
                add_header X-Frame-Options DENY always;
                add_header Cache-Control "public, max-age=31536000, immutable" always;
            }
        }
    }
"""}, "IL501,IL502")

# research/nginx.md §3 yandex/gixy #114 (same source): the included set is what a location's own
# `add_header` drops, so IL502 must see it (IL502 alone: whether IL501 also repeats is not specified).
add("res-n-included-headers-dropped-by-location", {"nginx/nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {                                        @@-IL501
            listen 80;
            server_name app.example.com;
            include snippets/security-headers.conf;
            location / {                                @@-IL502
                root /srv/www;
                location ~ /\. { deny all; }
            }
            location /download/ {                       @@IL502~a
                add_header Content-Disposition attachment;    @@IL502~a
                root /srv/files;
            }
        }
    }
""", "nginx/snippets/security-headers.conf": HDRS}, "IL502")

# research/nginx.md §1/§2 semantics: `add_header_inherit merge` (nginx 1.29.3) changes the rule;
# NixOS/nixpkgs #546462: old gixy does not understand it and users cannot bypass the check.
add("res-n-add-header-inherit-merge", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        server {
            listen 80;
            server_name merge.example.com;
            root /srv/www;
            location ~ /\. { deny all; }
            location /api/ {                            @@-IL502
                add_header_inherit merge;
                add_header Cache-Control no-store always;    @@-IL502
                root /srv/api;
            }
        }
    }
"""}, "IL501,IL502")

# research/nginx.md §1 headers.not-always [runtime ✔ TC05: HSTS absent on 404/403]; RULES IL501:
# headers added without `always` are reported at low severity.
add("res-n-security-headers-without-always-low", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {                                        @@IL501~a!low
            listen 443 ssl;
            server_name shop.example.com;
            ssl_certificate /etc/ssl/shop.pem;
            ssl_certificate_key /etc/ssl/shop.key;
            add_header X-Content-Type-Options nosniff;  @@IL501~a!low
            add_header X-Frame-Options SAMEORIGIN always;
            add_header Strict-Transport-Security "max-age=63072000" always;
            root /srv/shop;
            location ~ /\. { deny all; }
        }
    }
"""}, "IL501")

# research/nginx.md §1: header values may be `$variables` from `map` (h5bp
# `map $sent_http_content_type $x_frame_options`); RULES IL501: a variable value counts as present.
add("res-n-header-values-from-map-variables", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        map $sent_http_content_type $x_frame_options {
            ~*text/html DENY;
        }
        map $sent_http_content_type $x_content_type_options {
            default nosniff;
        }
        server {                                        @@-IL501
            listen 80;
            server_name h5bp.example.com;
            add_header X-Frame-Options $x_frame_options always;
            add_header X-Content-Type-Options $x_content_type_options always;
            root /srv/www;
            location ~* /\.(?!well-known\/) { deny all; }
        }
    }
"""}, "IL501")

# research/nginx.md §3: Internet.nl found gixy-ng failing on an HSTS max-age 0 (PR #2093); gixy-ng
# hsts_header: LOW if max-age < 15768000. RULES IL510 points at the header.
add("res-n-hsts-max-age-zero-and-short", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {
            listen 443 ssl;
            server_name a.example.com;
            ssl_certificate /etc/ssl/a.pem;
            ssl_certificate_key /etc/ssl/a.key;
            add_header Strict-Transport-Security "max-age=0" always;    @@IL510
            return 204;
        }
        server {
            listen 443 ssl;
            server_name b.example.com;
            ssl_certificate /etc/ssl/b.pem;
            ssl_certificate_key /etc/ssl/b.key;
            add_header Strict-Transport-Security "max-age=86400; includeSubDomains" always;    @@IL510
            return 204;
        }
        server {
            listen 443 ssl;
            server_name c.example.com;
            ssl_certificate /etc/ssl/c.pem;
            ssl_certificate_key /etc/ssl/c.key;
            add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;    @@-IL510
            return 204;
        }
    }
"""}, "IL510")

# research/nginx.md §1 hsts_header: "`ssl_reject_handshake on` servers skipped" (gixy-ng); RULES IL501:
# only a server that serves responses.
add("res-n-reject-handshake-default-server", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {                                        @@-IL501
            listen 443 ssl default_server;
            ssl_reject_handshake on;
        }
    }
"""}, "IL501")

# research/nginx.md §1 ratelimit.zone-undefined [runtime ✔ TC11]: nginx refuses to start, crossplane
# says `ok`. RULES IL003: `limit_req` naming an undefined zone.
add("res-n-limit-req-undefined-zone", {"nginx.conf": r"""
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        server {
            listen 80;
            location /api/ {
                limit_req zone=api burst=10;            @@-IL003
                proxy_pass http://api:8000;
            }
            location /login/ {
                limit_req zone=login burst=5;           @@IL003
                proxy_pass http://api:8000;
            }
        }
    }
"""}, "IL003")

# research/nginx.md §1/§2: crossplane correctly rejects `add_header` in a server-level `if` and
# `limit_req` in `if` (matches `nginx -t`); `add_header` in an `if` inside a location is valid.
add("res-n-if-contexts", {"nginx.conf": r"""
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        server {
            listen 80;
            if ($host = old.example.com) {
                add_header X-Moved yes;                 @@IL003
            }
            location / {
                if ($request_method = OPTIONS) {
                    add_header Access-Control-Allow-Origin *;    @@-IL003
                    limit_req zone=api;                 @@IL003
                    return 204;
                }
                proxy_pass http://app:8080;
            }
        }
    }
"""}, "IL003")

# research/nginx.md §0.3/§2 semantics: `limit_req` and `limit_conn` are separate lists, each inherited
# iff the current level has none of *its own* directive; `limit_req_dry_run on` disables enforcement
# [runtime ✔ TC13].
add("res-n-limit-conn-does-not-drop-limit-req", {"nginx.conf": r"""
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        limit_conn_zone $binary_remote_addr zone=addr:10m;
        server {
            listen 80;
            limit_req zone=api burst=20;
            location /upload/ {                         @@-IL503
                limit_conn addr 2;
                proxy_pass http://uploader:8080;
            }
            location /report/ {                         @@IL503~a
                limit_req_dry_run on;                   @@IL503~a
                proxy_pass http://reports:8080;
            }
        }
    }
"""}, "IL503")

# research/nginx.md §1 host_spoofing (`proxy_set_header Host $http_host`) and
# proxy_set_header_redefinition [runtime ✔ TC17]; RULES IL507. A location that redefines a complete
# set keeps Host/XFF/XFP (effective sets, not "child has proxy_set_header").
add("res-n-proxy-headers-effective-sets", {"nginx.conf": r"""
    events {}
    http {
        server {
            listen 80;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            location / {
                proxy_pass http://app:8080;
            }
            location /ws/ {
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;     @@-IL507
                proxy_set_header Connection "upgrade";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_pass http://app:8080;
            }
            location /legacy/ {
                proxy_set_header Host $http_host;       @@IL507
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_pass http://legacy:8080;
            }
        }
    }
"""}, "IL507")

# research/nginx.md §1 alias_traversal [runtime ✔ TC19]: gixy reports MEDIUM also when alias lacks a
# trailing `/`; RULES IL509 fires only for a prefix location without slash over an alias with one.
add("res-n-alias-traversal-shapes", {"nginx.conf": r"""
    events {}
    http {
        server {
            listen 80;
            location /img {                             @@IL509~a
                alias /data/images/;                    @@IL509~a
            }
            location /static/ {
                alias /data/static/;                    @@-IL509
            }
            location /files {
                alias /data/files;                      @@-IL509
            }
            location ~ ^/media/(.*)$ {
                alias /data/media/$1;                   @@-IL509
            }
        }
    }
"""}, "IL509")

# research/nginx.md §1 access.dotfiles [runtime ✔ TC18]: h5bp `location ~* /\.(?!well-known\/)`;
# a `^~` prefix location short-circuits regex matching, so the deny never applies there.
add("res-n-dotfiles-caret-tilde-bypass", {"nginx.conf": r"""
    events {}
    http {
        server {                                        @@-IL508
            listen 80;
            root /srv/www;
            location ~* /\.(?!well-known\/) {
                deny all;
            }
            location ^~ /uploads/ {                     @@IL508
                expires 7d;
            }
            location /app/ {                            @@-IL508
                try_files $uri /index.html;
            }
        }
    }
"""}, "IL508")

# research/nginx.md §0.5 / §1 version_disclosure: "missing" only in full-config mode (gixy
# `_is_full_config`); RULES: never guessed for a fragment.
add("res-n-server-tokens-fragment-vs-full", {"conf.d/site.conf": r"""
    server {                                            @@-IL506
        listen 80;
        server_name site.example.com;
        return 204;
    }
""", "full/nginx.conf": r"""
    events {}
    http {                                              @@IL506~a
        server {                                        @@IL506~a
            listen 80;
            return 204;
        }
    }
"""}, "IL506")

# research/nginx.md §2 crossplane: a conf.d fragment with top-level `server {}` returns `parsed: []`
# and the second server is never seen (crossplane #99, #18); RULES: a fragment with no including main
# config is judged on its own for IL501.
add("res-n-fragment-second-server-not-dropped", {"sites/app.conf": r"""
    server {                                            @@-IL501,-IL001
        listen 80;
        server_name a.example.com;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        location / { proxy_pass http://a:8080; }
    }
    server {                                            @@IL501
        listen 80;
        server_name b.example.com;
        location / { proxy_pass http://b:8080; }
    }
"""}, "IL001,IL501")

# research/nginx.md §2 error table: `include` inside `if` / `limit_except` is rejected and dropped by
# crossplane although nginx 1.22 accepts it (TC08; crossplane #108, nginx-go-crossplane #72).
add("res-n-include-inside-if-and-limit-except", {"nginx.conf": r"""
    events {}
    http {
        server {
            listen 80;
            location /admin/ {
                limit_except GET {
                    include snippets/office-only.conf;   @@-IL001,-IL003
                }
                if ($http_x_debug) {
                    include snippets/debug.conf;        @@-IL001,-IL003
                }
                proxy_pass http://admin:8080;
            }
        }
    }
""", "snippets/office-only.conf": """
    allow 10.0.0.0/8;
    deny all;
""", "snippets/debug.conf": """
    set $debug 1;
"""}, "IL001,IL003")

# research/nginx.md §3: silent parse failures reported as "No issues found": comments containing
# parentheses (yandex/gixy #74, #103, #144), `if` with regex (#63).
add("res-n-comments-with-parens-and-if-regex", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        # allow (trusted) hosts only; see ticket (OPS-12)
        server {
            listen 80;
            server_name app.example.com;
            if ($host !~* ^(app\.example\.com|www\.example\.com)$ ) {    # (regex)
                return 444;
            }
            location /api/ {                            @@IL503
                # proxy (no limit yet)
                proxy_pass http://api:8000;
            }
        }
    }
"""}, "IL001,IL503")

# research/nginx.md §2 "Practical recipe" 3 / yandex/gixy #144: `status == failed` must never read
# as "no findings"; missing `;` skips only that statement and parsing continues.
add("res-n-missing-semicolon-rest-still-linted", {"nginx.conf": r"""
    events {}
    http {
        server {
            listen 80;
            location /a/ {
                proxy_pass http://a:8080                @@IL001~a
            }                                           @@IL001~a
            location /b/ {
                alias /data/b/;                         @@-IL509
            }
            location /b {                               @@IL509~a
                alias /data/b/;                         @@IL509~a
            }
        }
    }
"""}, "IL001,IL509")

# research/nginx.md §2 Lua: Lua comments with apostrophes/braces inside a known `*_by_lua_block`
# (crossplane #87) must not corrupt the tree: directives after the block stay where they are.
add("res-n-lua-block-does-not-swallow", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        server {                                        @@-IL501
            listen 80;
            location /hello {
                content_by_lua_block {
                    -- that'll print { braces } fine
                    ngx.say("hi")
                }
            }
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location /api/ {                            @@IL503
                proxy_pass http://api:8000;
            }
        }
    }
"""}, "IL001,IL501,IL503")

# research/nginx.md §2 include resolution: relative patterns resolve against the entry file's
# directory, not the including file's (verified with `nginx -t`).
add("res-n-relative-include-resolves-from-entry-dir", {"nginx/nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/site.conf": r"""
    server {                                            @@-IL501
        listen 80;
        server_name site.example.com;
        include snippets/headers.conf;
        root /srv/site;
        location ~ /\. { deny all; }
    }
""", "nginx/snippets/headers.conf": HDRS}, "IL501")

# research/nginx.md §2: a file included from several places is parsed once in the context of its first
# include (crossplane TODO); mondoohq/mql PR #9439: a visited-set bug dropped a TLS snippet for every
# server after the first.
add("res-n-snippet-included-by-two-servers", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {                                        @@-IL501,-IL504
            listen 443 ssl;
            server_name a.example.com;
            include snippets/tls.conf;
            return 204;
        }
        server {                                        @@-IL501,-IL504
            listen 443 ssl;
            server_name b.example.com;
            include snippets/tls.conf;
            return 204;
        }
    }
""", "snippets/tls.conf": """
    ssl_certificate /etc/ssl/site.pem;
    ssl_certificate_key /etc/ssl/site.key;
    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;                @@IL504
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Strict-Transport-Security "max-age=63072000" always;
"""}, "IL501,IL504")

# research/nginx.md §3: a crash on an empty `conf.d` (yandex/gixy #28) and "File not found" warnings
# for wildcard includes (#139): a glob with zero matches is accepted by nginx.
add("res-n-empty-glob-include", {"nginx/nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        include conf.d/*.conf;                          @@-IL001
        server {                                        @@IL501
            listen 80;
            server_name x.example.com;
            location / { return 200 "ok"; }
        }
    }
"""}, "IL001,IL501")

# research/nginx.md §1 weak_ssl_tls: `!`-negated tokens ignored; skip cipher checks if TLSv1.3-only.
add("res-n-ciphers-negated-and-protocols", {"nginx.conf": r"""
    events {}
    http {
        ssl_ciphers HIGH:!aNULL:!MD5:!RC4:!3DES;        @@-IL504
        server {
            listen 443 ssl;
            ssl_protocols TLSv1.3;                      @@-IL504
            return 204;
        }
        server {
            listen 8443 ssl;
            ssl_protocols TLSv1.1 TLSv1.2;              @@IL504
            ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA;    @@IL504
            return 204;
        }
    }
"""}, "IL504")

# research/nginx.md §1 tls.no-https-redirect (Mozilla generator's port-80 server); RULES decision:
# a server whose every location only returns a 3xx is a redirector (no IL501).
add("res-n-port80-redirector-vs-content", {"nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {                                        @@-IL501,-IL505
            listen 80;
            server_name a.example.com;
            return 301 https://$host$request_uri;
        }
        server {                                        @@IL505
            listen 80;
            server_name b.example.com;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            location / { return 200 "plain http"; }
        }
        server {
            listen 443 ssl;
            server_name a.example.com b.example.com;
            ssl_certificate /etc/ssl/ab.pem;
            ssl_certificate_key /etc/ssl/ab.key;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Strict-Transport-Security "max-age=63072000" always;
            return 204;
        }
    }
"""}, "IL501,IL505")

# =============================================================================================
# Cross-file (research/dockerfile_compose.md, nginx.md, integration.md)
# =============================================================================================

# research/dockerfile_compose.md §1c/§1b: KICS Healthcheck Not Set and CL-0018 look only at the
# compose file; RULES IL301/IL201 (C) follow the service into the Dockerfile it is built from.
add("res-x-compose-service-inherits-dockerfile-user-and-healthcheck", {"compose.yaml": """
    services:
      api:                                              @@-IL201,-IL301
        build: ./api
        mem_limit: 256m
      jobs:                                             @@IL201,IL301
        build:
          context: ./jobs
        mem_limit: 256m
""", "api/Dockerfile": """
    FROM python:3.12.2-slim
    HEALTHCHECK CMD python -c "import urllib.request;urllib.request.urlopen('http://localhost:8000/healthz')"
    USER 10001
    CMD ["python", "-m", "api"]
""", "jobs/Dockerfile": """
    FROM python:3.12.2-slim                             @@IL201,IL301!low
    CMD ["python", "-m", "jobs"]
"""}, "IL201,IL301")

# research/dockerfile_compose.md §2 Compose 6: merged configuration; RULES IL702: a compose `build:`
# pointing at a context or Dockerfile that does not exist.
add("res-x-build-context-and-dockerfile-missing", {"compose.yaml": """
    services:
      api:
        build: ./servcies/api                           @@IL702
      web:
        build:
          context: ./web                                @@-IL702
          dockerfile: Dockerfile.prod                   @@IL702~a
      ok:
        build:
          context: ./web                                @@-IL702
""", "web/Dockerfile": """
    FROM nginx:1.25.4-alpine
"""}, "IL702")

# research/nginx.md §3 Kubernetes/Docker specifics + §0.4: a docker-compose bind-mounted
# `default.conf` is a fragment; RULES IL701: proxy targets must be services or aliases of the project.
add("res-x-nginx-upstream-names-vs-compose-services", {"compose.yaml": """
    services:
      proxy:
        image: nginx:1.25.4-alpine
        volumes:
          - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
      backend:
        image: acme/backend:1.2.0
        networks:
          default:
            aliases: [api]
      frontend:
        image: acme/frontend:1.2.0
""", "nginx/default.conf": """
    upstream app {
        server frontend:3000;                           @@-IL701
        server frontnd:3000;                            @@IL701
    }
    server {
        listen 80;
        location / { proxy_pass http://app; }           @@-IL701
        location /api/ { proxy_pass http://api:8000; }  @@-IL701
        location /admin/ { proxy_pass http://backend:8000; }    @@-IL701
        location /auth/ { proxy_pass http://keycloak:8080; }    @@IL701
    }
"""}, "IL701")

# research/dockerfile_compose.md §2 Compose 3: "A sibling `.env` and `COMPOSE_FILE` change the
# deployment" (compose-lint ADR-026); RULES IL602 for `.env` files: only real-looking values; the
# `.example` template and placeholder-only files are not leaks.
add("res-x-dotenv-files", {".env": """
    POSTGRES_USER=app
    POSTGRES_PASSWORD=Zq8vLp2mN7tRw4Ks                  @@IL602
    STRIPE_SECRET_KEY=sk_live_51HxQz8Kp2Lm9Nw3Rt7Yv4Bc  @@IL602
    LOG_LEVEL=info
""", ".env.example": """
    POSTGRES_PASSWORD=Zq8vLp2mN7tRw4Ks                  @@-IL602
""", ".env.staging": """
    POSTGRES_PASSWORD=changeme                          @@-IL602
    API_TOKEN=<your key>                                @@-IL602
    SESSION_SECRET=                                     @@-IL602
""", "compose.yaml": """
    services:
      db:
        image: postgres:16.2-alpine
        env_file: .env
"""}, "IL602")

# research/dockerfile_compose.md §1d (dclint/BuildKit CopyIgnoredFile reads .dockerignore) and
# RULES IL603: `COPY .` with a `.dockerignore` that does not exclude `.env*`, `.git`, keys.
add("res-x-dockerignore-partial", {"svc/Dockerfile": """
    FROM node:20.11-alpine
    WORKDIR /app
    COPY package.json ./                                @@-IL603
    COPY . .                                            @@IL603
    USER node
""", "svc/.dockerignore": """
    node_modules
    .git
"""}, "IL603")

# research/kubernetes.md §4 suppression ergonomics: kube-linter #1180 (ignore annotation on the pod
# template has no effect), DataDog/helm-charts #441 (charts only expose pod annotations); RULES:
# `infralint.io/ignore` on the object or its pod template.
add("res-k-ignore-annotation-on-pod-template", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: agent
    spec:
      selector:
        matchLabels: {app: agent}
      template:
        metadata:
          labels: {app: agent}
          annotations:
            infralint.io/ignore: "IL206: node agent needs the host network"
        spec:
          hostNetwork: true                             @@-IL206
          containers:
            - name: agent
              image: datadog/agent:7.52.0
              securityContext:
                privileged: true                        @@IL202
"""}, "IL202,IL206")

# research/integration.md §2 (dclint disable-line on the same or previous line; compose-lint requires a
# reason) and RULES inline controls: an end-of-line ignore with a reason in compose.
add("res-c-inline-ignore-eol-with-reason", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2-alpine
        ports:
          - "5432:5432"   # infralint: ignore=IL401 -- local dev only, firewall blocks it    @@-IL401
      cache:
        image: redis:7.2.4-alpine
        ports:
          - "6379:6379"                                 @@IL401
"""}, "IL401")


# ---------------------------------------------------------------------------------------------
# Known implementation bugs (strict xfail): id -> reason quoting the source
# ---------------------------------------------------------------------------------------------
XFAIL: dict[str, str] = {}
apply_xfails(CASES, XFAIL)



@pytest.mark.parametrize("case", params(CASES))
def test_spec_research_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    check(case, tmp_path)
