"""Spec-derived acceptance cases, part 2 (QA), written only from RULES.md and CONTRACT.md.

Scope: IL003, IL102, IL103, IL202-IL207, IL302, IL303, IL402, IL503 (Ingress), IL504-IL510,
IL603, IL701, IL702, and the cross-file halves of IL201/IL301. Same marker language as
``tests/test_spec_cases.py`` (from tests/spec_harness.py):

    privileged: true             @@IL202
    ssl_protocols ...;           @@IL504~a        (one finding expected on one of the lines marked ~a)
    allowPrivilegeEscalation: .. @@IL203!high     (and its severity must be "high")
    api:                         @@IL201%api/Dockerfile   (message must contain "api/Dockerfile")
    - CHOWN                      @@-IL204         (explicit silence: this line must not fire)

A case passes when every expectation is reported and no other unsuppressed finding of the
case's rules appears (in ``scope`` paths when the case names them). ``targets`` are the paths
given on the command line (default "."), to exercise the single-file (pre-commit) mode.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.spec_harness import Case, apply_xfails, check, params, parse

SHA = "sha256:" + "4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1"
GIT = {".git/HEAD": "ref: refs/heads/main\n"}  # marks the repository root, as pre-commit has


CASES: list[Case] = []


def add(id: str, files: dict[str, str], rules: str, *, xfail: str | None = None,
        args: tuple[str, ...] = (), targets: tuple[str, ...] = (".",),
        scope: tuple[str, ...] = ()) -> None:
    CASES.append(parse(Case(id, files, tuple(rules.split(",")), xfail, args, targets, scope)))


# =============================================================================================
# IL003 invalid-nginx-config
# =============================================================================================
add("il003-add-header-in-server-level-if", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name www.example.com;
            if ($http_user_agent ~* "(googlebot|bingbot)") {
                add_header X-Robots-Tag "noindex" always;       @@IL003
            }
            location / {
                root /usr/share/nginx/html;
            }
        }
    }
"""}, "IL003")

add("il003-add-header-in-location-if-is-valid", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name api.example.com;
            location / {
                if ($request_method = OPTIONS) {
                    add_header Access-Control-Allow-Origin "*";      @@-IL003
                    add_header Access-Control-Allow-Methods "GET, POST, OPTIONS";
                    return 204;
                }
                proxy_pass http://api:8000;
            }
        }
    }
"""}, "IL003")

add("il003-limit-req-in-if", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=login:10m rate=5r/m;
        server {
            listen 80;
            server_name app.example.com;
            location /login {
                if ($request_method = POST) {
                    limit_req zone=login burst=3;               @@IL003
                }
                proxy_pass http://app:3000;
            }
        }
    }
"""}, "IL003")

add("il003-limit-req-undefined-zone", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        server {
            listen 80;
            server_name app.example.com;
            location /api/ {
                limit_req zone=api burst=20 nodelay;            @@-IL003
                proxy_pass http://api:8000;
            }
            location /auth/ {
                limit_req zone=auth burst=5;                    @@IL003
                proxy_pass http://auth:9000;
            }
        }
    }
"""}, "IL003")

add("il003-zone-defined-in-main-used-in-included-fragment", {"nginx/nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/app.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location /api/ {
            limit_req zone=api burst=20;                        @@-IL003
            proxy_pass http://api:8000;
        }
        location /v2/ {
            limit_req zone=apiv2 burst=20;                      @@IL003
            proxy_pass http://api:8000;
        }
    }
"""}, "IL003")

add("il003-zone-from-include-outside-root-is-unknown", {"nginx.conf": """
    events {}
    http {
        include /etc/nginx/conf.d/zones.conf;
        server {
            listen 80;
            server_name app.example.com;
            location /api/ {
                limit_req zone=api burst=20;                    @@-IL003
                proxy_pass http://api:8000;
            }
        }
    }
"""}, "IL003")

add("il003-valid-realistic-config", {"nginx.conf": """
    user nginx;
    worker_processes auto;
    events { worker_connections 1024; }
    http {
        map $http_upgrade $connection_upgrade {
            default upgrade;
            ''      close;
        }
        limit_req_zone $binary_remote_addr zone=perip:10m rate=20r/s;
        limit_conn_zone $binary_remote_addr zone=conn:10m;
        upstream app {
            server app1:8080;
            server app2:8080 backup;
        }
        server {
            listen 80;
            server_name example.com;
            if ($host = old.example.com) {
                return 301 https://example.com$request_uri;
            }
            set $maintenance 0;
            location / {
                limit_req zone=perip burst=40;
                limit_conn conn 20;
                if ($maintenance) {
                    return 503;
                }
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection $connection_upgrade;
                proxy_pass http://app;
            }
        }
    }
"""}, "IL003")

add("il003-proxy-pass-in-server-level-if", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name app.example.com;
            if ($http_x_canary = "1") {
                proxy_pass http://canary:8080;                  @@IL003
            }
            location / {
                proxy_pass http://app:8080;
            }
        }
    }
"""}, "IL003")

add("il003-limit-req-zone-inside-server", {"nginx.conf": """
    events {}
    http {
        server {
            listen 80;
            server_name app.example.com;
            limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;   @@IL003
            location / {
                proxy_pass http://app:8080;
            }
        }
    }
"""}, "IL003")

# =============================================================================================
# IL102 image-not-digest-pinned (info, off)
# =============================================================================================
add("il102-d-tag-only-vs-digest", {"Dockerfile": f"""
    FROM golang:1.22-alpine AS build                    @@IL102
    WORKDIR /src
    RUN go build -o /out/app ./cmd/app
    FROM build AS test                                  @@-IL102
    RUN go test ./...
    FROM gcr.io/distroless/static-debian12@{SHA}
    COPY --from=build /out/app /app
    USER 65532
"""}, "IL102", args=("--select", "IL102"))

add("il102-d-tag-and-digest-is-pinned", {"Dockerfile": f"""
    FROM python:3.12-slim@{SHA}
    FROM scratch
    COPY --from=0 /usr/local/bin/python3 /python3
"""}, "IL102", args=("--select", "IL102"))

add("il102-c-tag-only", {"compose.yaml": f"""
    services:
      db:
        image: postgres:16.2                            @@IL102
      cache:
        image: redis:7.2@{SHA}
      queue:
        image: registry.internal:5000/infra/rabbitmq:3.13-management   @@IL102
"""}, "IL102", args=("--select", "IL102"))

add("il102-k-containers-and-init", {"deploy.yaml": f"""
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
          initContainers:
            - name: migrate
              image: ghcr.io/acme/migrate@{SHA}
          containers:
            - name: web
              image: ghcr.io/acme/web:2.4.1             @@IL102
"""}, "IL102", args=("--select", "IL102"))

add("il102-off-by-default", {"compose.yaml": """
    services:
      db:
        image: postgres:16.2                            @@-IL102
"""}, "IL102")

# =============================================================================================
# IL103 remote-code-in-build
# =============================================================================================
add("il103-add-https-url", {"Dockerfile": """
    FROM debian:12-slim
    ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini   @@IL103
    ADD ./config/app.toml /etc/app/app.toml             @@-IL103
    COPY entrypoint.sh /entrypoint.sh
    USER 10001
"""}, "IL103")

add("il103-add-http-url", {"Dockerfile": """
    FROM alpine:3.19
    ADD http://downloads.example.com/agent.tar.gz /opt/     @@IL103
"""}, "IL103")

add("il103-curl-pipe-sh", {"Dockerfile": """
    FROM ubuntu:22.04
    RUN apt-get update && apt-get install -y curl
    RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -   @@IL103
"""}, "IL103")

add("il103-wget-pipe-sh", {"Dockerfile": """
    FROM alpine:3.19
    RUN wget -qO- https://get.example.com/install.sh | sh     @@IL103
"""}, "IL103")

add("il103-curl-pipe-sudo-bash-s", {"Dockerfile": """
    FROM ubuntu:22.04
    RUN curl -fsSL https://get.docker.com | sudo bash -s -- --version 24.0   @@IL103
"""}, "IL103")

add("il103-multiline-run", {"Dockerfile": """
    FROM debian:12-slim
    RUN set -eux; \\                                     @@IL103~a
        apt-get update; \\                               @@IL103~a
        apt-get install -y --no-install-recommends ca-certificates curl; \\   @@IL103~a
        curl -fsSL https://sh.rustup.rs | sh -s -- -y; \\   @@IL103~a
        rm -rf /var/lib/apt/lists/*                     @@IL103~a
"""}, "IL103")

add("il103-exec-form-run", {"Dockerfile": """
    FROM alpine:3.19
    RUN ["/bin/sh", "-c", "curl -fsSL https://get.example.com | sh"]   @@IL103
"""}, "IL103")

add("il103-download-then-verify-not-piped", {"Dockerfile": """
    FROM debian:12-slim
    RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \\   @@-IL103
        && echo "3b4f  /tmp/install.sh" | sha256sum -c - \\
        && sh /tmp/install.sh
    RUN curl -fsSL https://packages.example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg   @@-IL103
    RUN curl -fsSL https://example.com/release.tar.gz | tar -xz -C /opt   @@-IL103
    COPY --from=busybox:1.36 /bin/wget /usr/local/bin/wget
"""}, "IL103")

# =============================================================================================
# IL202 privileged-container
# =============================================================================================
add("il202-c-true-yes-on-false", {"compose.yaml": """
    services:
      dind:
        image: docker:25-dind
        privileged: true                                @@IL202
      agent:
        image: acme/agent:3.1
        privileged: yes                                 @@IL202
      tools:
        image: acme/tools:1.0
        privileged: on                                  @@IL202
      web:
        image: nginx:1.25
        privileged: false                               @@-IL202
"""}, "IL202")

add("il202-k-container-privileged", {"ds.yaml": """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: node-agent
    spec:
      selector:
        matchLabels: {app: node-agent}
      template:
        metadata:
          labels: {app: node-agent}
        spec:
          containers:
            - name: agent
              image: acme/node-agent:1.9.0
              securityContext:
                privileged: true                        @@IL202
            - name: metrics
              image: acme/metrics:0.3.0
              securityContext:
                privileged: false                       @@-IL202
"""}, "IL202")

add("il202-k-yes-in-init-container", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: sysctl-tuner
    spec:
      initContainers:
        - name: sysctl
          image: busybox:1.36
          command: ["sysctl", "-w", "vm.max_map_count=262144"]
          securityContext:
            privileged: yes                             @@IL202
      containers:
        - name: es
          image: elasticsearch:8.13.0
"""}, "IL202")

add("il202-k-cronjob", {"cron.yaml": """
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: image-prune
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers:
                - name: prune
                  image: docker:25-cli
                  securityContext:
                    privileged: on                      @@IL202
"""}, "IL202")

# =============================================================================================
# IL203 privilege-escalation
# =============================================================================================
add("il203-k-true-high-unset-low-false-silent", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: shop
    spec:
      selector:
        matchLabels: {app: shop}
      template:
        metadata:
          labels: {app: shop}
        spec:
          securityContext:
            runAsNonRoot: true
          containers:
            - name: web
              image: acme/shop-web:1.2.0
              securityContext:
                allowPrivilegeEscalation: true          @@IL203!high
            - name: worker                              @@IL203!low
              image: acme/shop-worker:1.2.0
            - name: sidecar
              image: acme/envoy:1.29
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
"""}, "IL203")

add("il203-k-explicit-false-on-privileged", {"ds.yaml": """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: csi-node
    spec:
      selector:
        matchLabels: {app: csi-node}
      template:
        metadata:
          labels: {app: csi-node}
        spec:
          containers:
            - name: driver
              image: acme/csi-driver:2.0.0
              securityContext:
                privileged: true                        @@IL202
                allowPrivilegeEscalation: false         @@-IL203
"""}, "IL202,IL203")

add("il203-k-unset-on-privileged-is-low", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: debug
    spec:
      containers:
        - name: shell                                   @@IL203!low
          image: nicolaka/netshoot:v0.12
          securityContext:
            privileged: true                            @@IL202
"""}, "IL202,IL203")

add("il203-k-job-and-init", {"job.yaml": """
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: db-migrate
    spec:
      template:
        spec:
          restartPolicy: Never
          initContainers:
            - name: wait-db
              image: busybox:1.36
              securityContext:
                allowPrivilegeEscalation: yes           @@IL203!high
          containers:
            - name: migrate
              image: acme/migrate:4.1.0
              securityContext:
                allowPrivilegeEscalation: false
"""}, "IL203")

add("il203-c-off-by-default", {"compose.yaml": """
    services:
      web:                                              @@-IL203
        image: nginx:1.25
"""}, "IL203")

add("il203-c-selected", {"compose.yaml": """
    services:
      web:                                              @@IL203!low
        image: nginx:1.25
      api:
        image: acme/api:2.0.0
        security_opt:
          - no-new-privileges:true
      worker:                                           @@IL203~a
        image: acme/worker:2.0.0
        security_opt:                                   @@IL203~a
          - seccomp:unconfined                          @@IL203~a
"""}, "IL203", args=("--select", "IL203"))

# =============================================================================================
# IL204 dangerous-capabilities
# =============================================================================================
add("il204-c-items", {"compose.yaml": """
    services:
      vpn:
        image: acme/wireguard:1.0.20210914
        cap_add:
          - NET_ADMIN                                   @@IL204
          - SYS_MODULE                                  @@IL204
          - NET_BIND_SERVICE                            @@-IL204
        cap_drop:
          - ALL                                         @@-IL204
      web:
        image: nginx:1.25
        cap_drop: [ALL]
        cap_add: [CHOWN, SETUID, SETGID, NET_BIND_SERVICE]
"""}, "IL204")

add("il204-c-case-and-prefix", {"compose.yaml": """
    services:
      fuse:
        image: acme/s3fs:1.94
        cap_add:
          - cap_sys_admin                               @@IL204
      tracer:
        image: acme/tracer:0.9
        cap_add:
          - Sys_Ptrace                                  @@IL204
      backup:
        image: acme/backup:2.2
        cap_add:
          - CAP_DAC_READ_SEARCH                         @@IL204
      god:
        image: acme/god:1.0
        cap_add: ["ALL"]                                @@IL204
"""}, "IL204")

add("il204-k-capabilities-add", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: net-tools
    spec:
      selector:
        matchLabels: {app: net-tools}
      template:
        metadata:
          labels: {app: net-tools}
        spec:
          initContainers:
            - name: iptables-init
              image: acme/iptables-init:1.0
              securityContext:
                capabilities:
                  add: ["NET_ADMIN", "NET_RAW"]         @@IL204
          containers:
            - name: app
              image: acme/app:3.0.0
              securityContext:
                capabilities:
                  drop: ["ALL"]
                  add:
                    - NET_BIND_SERVICE                  @@-IL204
            - name: debugger
              image: acme/debug:1.0
              securityContext:
                capabilities:
                  add:
                    - CAP_SYS_PTRACE                    @@IL204
                    - sys_admin                         @@IL204
"""}, "IL204")

# =============================================================================================
# IL205 docker-socket-mount
# =============================================================================================
add("il205-c-short-syntax", {"compose.yaml": """
    services:
      traefik:
        image: traefik:v3.0
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro   @@IL205
          - ./traefik.yml:/etc/traefik/traefik.yml:ro   @@-IL205
      watchtower:
        image: containrrr/watchtower:1.7.1
        volumes:
          - "/run/docker.sock:/var/run/docker.sock"     @@IL205
      app:
        image: acme/app:1.0.0
        volumes:
          - app-data:/var/lib/docker                    @@-IL205
          - ./sockets:/var/run                          @@-IL205
    volumes:
      app-data: {}
"""}, "IL205")

add("il205-c-long-syntax", {"compose.yaml": """
    services:
      portainer:
        image: portainer/portainer-ce:2.19.4
        volumes:
          - type: bind                                  @@IL205~a
            source: /var/run/docker.sock                @@IL205~a
            target: /var/run/docker.sock                @@IL205~a
            read_only: true
          - type: volume
            source: portainer-data
            target: /data
    volumes:
      portainer-data: {}
"""}, "IL205")

add("il205-k-hostpath", {"ds.yaml": """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: log-agent
    spec:
      selector:
        matchLabels: {app: log-agent}
      template:
        metadata:
          labels: {app: log-agent}
        spec:
          containers:
            - name: agent
              image: acme/log-agent:5.2.0
              volumeMounts:
                - name: docker-sock                     @@IL205~a
                  mountPath: /var/run/docker.sock       @@IL205~a
                - name: varlog
                  mountPath: /var/log
          volumes:
            - name: docker-sock                         @@IL205~a
              hostPath:                                 @@IL205~a
                path: /var/run/docker.sock              @@IL205~a
                type: Socket
            - name: varlog
              hostPath:
                path: /var/log                          @@-IL205
"""}, "IL205")

add("il205-k-run-docker-sock-in-cronjob", {"cron.yaml": """
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: cleanup
    spec:
      schedule: "@daily"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers:
                - name: cleanup
                  image: docker:25-cli
                  args: ["system", "prune", "-f"]
                  volumeMounts:
                    - {name: sock, mountPath: /var/run/docker.sock}   @@IL205~a
              volumes:
                - name: sock                            @@IL205~a
                  hostPath:                             @@IL205~a
                    path: /run/docker.sock              @@IL205~a
"""}, "IL205")

# =============================================================================================
# IL206 host-namespace
# =============================================================================================
add("il206-c-modes", {"compose.yaml": """
    services:
      exporter:
        image: prom/node-exporter:v1.7.0
        network_mode: host                              @@IL206
        pid: host                                       @@IL206
      shm:
        image: acme/shm:1.0
        ipc: host                                       @@IL206
      sidecar:
        image: acme/sidecar:1.0
        network_mode: "service:app"                     @@-IL206
        pid: "service:app"                              @@-IL206
      app:
        image: acme/app:1.0
        network_mode: bridge                            @@-IL206
        ipc: shareable                                  @@-IL206
"""}, "IL206")

add("il206-k-yaml11-booleans", {"ds.yaml": """
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
          hostNetwork: on                               @@IL206
          hostPID: yes                                  @@IL206
          hostIPC: false                                @@-IL206
          containers:
            - name: exporter
              image: prom/node-exporter:v1.7.0
"""}, "IL206")

add("il206-k-pod-hostipc-true", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: shm-reader
    spec:
      hostIPC: true                                     @@IL206
      hostNetwork: false                                @@-IL206
      containers:
        - name: reader
          image: acme/shm-reader:1.0
"""}, "IL206")

# =============================================================================================
# IL207 low-uid (info, off)
# =============================================================================================
add("il207-d-final-stage-uid", {"Dockerfile": """
    FROM node:20-alpine AS build
    USER 1000                                           @@-IL207
    RUN npm ci
    FROM node:20-alpine
    USER 1000:1000                                      @@IL207
    CMD ["node", "server.js"]
"""}, "IL207", args=("--select", "IL207"))

add("il207-d-high-uid-silent", {"Dockerfile": """
    FROM python:3.12-slim
    USER 10001:10001                                    @@-IL207
"""}, "IL207", args=("--select", "IL207"))

add("il207-d-boundary-10000", {"Dockerfile": """
    FROM python:3.12-slim
    USER 10000                                          @@IL207
"""}, "IL207", args=("--select", "IL207"))

add("il207-c-user", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0
        user: "1000:1000"                               @@IL207
      worker:
        image: acme/worker:1.0
        user: "10001"                                   @@-IL207
"""}, "IL207", args=("--select", "IL207"))

add("il207-k-pod-and-container", {"deploy.yaml": """
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
            runAsUser: 1001                             @@IL207
          containers:
            - name: api
              image: acme/api:1.0
            - name: proxy
              image: acme/proxy:1.0
              securityContext:
                runAsUser: 20001                        @@-IL207
"""}, "IL207", args=("--select", "IL207"))

add("il207-off-by-default", {"Dockerfile": """
    FROM python:3.12-slim
    USER 1000                                           @@-IL207
"""}, "IL207")

# =============================================================================================
# IL302 missing-resource-limits
# =============================================================================================
add("il302-c-forms", {"compose.yaml": """
    services:
      api:                                              @@IL302
        image: acme/api:1.0
      worker:
        image: acme/worker:1.0
        mem_limit: 512m
      web:
        image: acme/web:1.0
        deploy:
          resources:
            limits:
              memory: 256M
              cpus: "0.5"
      batch:                                            @@IL302
        image: acme/batch:1.0
        deploy:
          resources:
            limits:
              cpus: "1.0"
            reservations:
              memory: 128M
"""}, "IL302")

add("il302-c-merge-key", {"compose.yaml": """
    x-limits: &limits
      deploy:
        resources:
          limits:
            memory: 512M
    services:
      orders:
        <<: *limits
        image: acme/orders:1.3.0
      billing:
        <<: *limits
        image: acme/billing:2.0.1
      audit:                                            @@IL302
        image: acme/audit:0.4.0
"""}, "IL302")

add("il302-k-containers", {"deploy.yaml": """
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
              image: acme/api:1.0
              resources:
                requests: {cpu: 100m, memory: 128Mi}
                limits: {memory: 256Mi}
            - name: log-shipper                         @@IL302
              image: acme/shipper:1.0
              resources:
                limits:
                  cpu: 200m
            - name: cache                               @@IL302
              image: acme/cache:1.0
              resources:
                requests:
                  memory: 64Mi
"""}, "IL302")

add("il302-k-job", {"job.yaml": """
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: report
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report                              @@IL302
              image: acme/report:1.0
"""}, "IL302")

# =============================================================================================
# IL303 unbounded-logs (info, off)
# =============================================================================================
add("il303-c-json-file-local", {"compose.yaml": """
    x-logging: &logging
      driver: json-file
      options:
        max-size: "10m"
        max-file: "3"
    services:
      api:
        image: acme/api:1.0
        logging:                                        @@IL303~a
          driver: json-file                             @@IL303~a
      worker:
        image: acme/worker:1.0
        logging:                                        @@IL303~b
          driver: local                                 @@IL303~b
          options:                                      @@IL303~b
            max-file: "5"                               @@IL303~b
      web:
        image: acme/web:1.0
        logging: *logging
      syslogged:
        image: acme/s:1.0
        logging:
          driver: syslog
      quiet:
        image: acme/q:1.0
        logging:
          driver: none
"""}, "IL303", args=("--select", "IL303"))

add("il303-off-by-default", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0
        logging:                                        @@-IL303
          driver: json-file                             @@-IL303
"""}, "IL303")

# =============================================================================================
# IL402 port-on-all-interfaces (info, off)
# =============================================================================================
add("il402-c-ports", {"compose.yaml": """
    services:
      web:
        image: nginx:1.25
        ports:
          - "8080:80"                                   @@IL402
          - "0.0.0.0:8443:443"                          @@IL402
          - "127.0.0.1:9000:9000"                       @@-IL402
          - "[::1]:9001:9001"                           @@-IL402
          - "3000"                                      @@IL402
          - target: 80                                  @@IL402~a
            published: "8081"                           @@IL402~a
          - target: 81
            published: "8082"
            host_ip: 127.0.0.1
        expose:
          - "4000"                                      @@-IL402
      db:
        image: postgres:16.2
        ports:
          - "5432:5432"                                 @@-IL402
"""}, "IL402", args=("--select", "IL402"))

add("il402-off-by-default", {"compose.yaml": """
    services:
      web:
        image: nginx:1.25
        ports:
          - "8080:80"                                   @@-IL402
"""}, "IL402")

# =============================================================================================
# IL503 (Kubernetes Ingress half)
# =============================================================================================
add("il503-ingress-legacy-class-with-deployment", {"app.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: blog
    spec:
      selector:
        matchLabels: {app: blog}
      template:
        metadata:
          labels: {app: blog}
        spec:
          containers:
            - name: blog
              image: ghost:5.82
    ---
    apiVersion: networking.k8s.io/v1                    @@IL503~a
    kind: Ingress                                       @@IL503~a
    metadata:                                           @@IL503~a
      name: blog                                        @@IL503~a
      annotations:                                      @@IL503~a
        kubernetes.io/ingress.class: "nginx"            @@IL503~a
        nginx.ingress.kubernetes.io/proxy-body-size: 10m   @@IL503~a
    spec:
      rules:
        - host: blog.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: blog, port: {number: 2368}}
"""}, "IL503")

add("il503-ingress-rpm-and-non-nginx", {"ing.yaml": """
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: shop
      annotations:
        nginx.ingress.kubernetes.io/limit-rpm: "300"
    spec:
      ingressClassName: nginx
      defaultBackend:
        service: {name: shop, port: {number: 80}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: internal
      annotations:
        kubernetes.io/ingress.class: alb
    spec:
      defaultBackend:
        service: {name: internal, port: {number: 80}}
"""}, "IL503")

add("il503-ingress-annotation-ignore", {"ing.yaml": """
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: status
      annotations:
        infralint.io/ignore: "IL503: rate limited at the CDN"
    spec:
      ingressClassName: nginx
      defaultBackend:
        service: {name: status, port: {number: 80}}
"""}, "IL503")

# =============================================================================================
# IL504 weak-tls
# =============================================================================================
TLS_SERVER = """
    events {{}}
    http {{
        server_tokens off;
        {http}
        server {{
            listen 443 ssl;
            server_name secure.example.com;
            ssl_certificate /etc/nginx/tls/site.crt;
            ssl_certificate_key /etc/nginx/tls/site.key;
            {server}
            location / {{
                root /srv/www;
            }}
        }}
    }}
"""


def tls_conf(http: str = "", server: str = "") -> str:
    return TLS_SERVER.format(http=http, server=server)


add("il504-protocols-old-versions", {"nginx.conf": tls_conf(
    http="ssl_protocols TLSv1 TLSv1.1 TLSv1.2;              @@IL504")}, "IL504")

add("il504-protocols-sslv3", {"nginx.conf": tls_conf(
    server="ssl_protocols SSLv3 TLSv1.2 TLSv1.3;        @@IL504")}, "IL504")

add("il504-protocols-modern", {"nginx.conf": tls_conf(
    http="ssl_protocols TLSv1.2 TLSv1.3;                @@-IL504",
    server="ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256;   @@-IL504")},
    "IL504")

add("il504-ciphers-negated-weak-are-fine", {"nginx.conf": tls_conf(
    server="ssl_ciphers 'EECDH+AESGCM:EDH+AESGCM:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!RC4:!MD5:!PSK';   @@-IL504"),
    "conf.d/legacy.conf": """
    server {
        listen 443 ssl;
        server_name legacy.example.com;
        ssl_certificate /etc/nginx/tls/legacy.crt;
        ssl_certificate_key /etc/nginx/tls/legacy.key;
        ssl_protocols TLSv1.2;
        ssl_ciphers HIGH:!aNULL:!MD5;                   @@-IL504
        root /srv/legacy;
    }
"""}, "IL504")

add("il504-ciphers-rc4-3des", {"nginx.conf": tls_conf(
    server="ssl_ciphers 'ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA:!aNULL';   @@IL504"),
    "conf.d/old.conf": """
    server {
        listen 443 ssl;
        server_name old.example.com;
        ssl_certificate /etc/nginx/tls/old.crt;
        ssl_certificate_key /etc/nginx/tls/old.key;
        ssl_ciphers ECDHE-RSA-AES256-SHA:DES-CBC3-SHA;  @@IL504
    }
"""}, "IL504")

add("il504-ciphers-anull-not-negated", {"conf.d/site.conf": """
    server {
        listen 443 ssl;
        server_name site.example.com;
        ssl_certificate /etc/nginx/tls/site.crt;
        ssl_certificate_key /etc/nginx/tls/site.key;
        ssl_ciphers HIGH:aNULL:MEDIUM;                  @@IL504
        ssl_protocols TLSv1.1 TLSv1.2;                  @@IL504
    }
"""}, "IL504")

add("il504-ciphers-export-null", {"conf.d/site.conf": """
    server {
        listen 443 ssl;
        server_name site.example.com;
        ssl_certificate /etc/nginx/tls/site.crt;
        ssl_certificate_key /etc/nginx/tls/site.key;
        ssl_ciphers "EXP-RC4-MD5:NULL-SHA256:AES128-SHA";   @@IL504
    }
"""}, "IL504")

# =============================================================================================
# IL505 no-https-redirect
# =============================================================================================
add("il505-port80-serves-content-with-tls-sibling", {"nginx.conf": """
    events {}
    http {
        server {                                        @@IL505~a
            listen 80;
            server_name shop.example.com;
            root /var/www/shop;
            location / {                                @@IL505~a
                try_files $uri $uri/ /index.html;
            }
        }
        server {
            listen 443 ssl;
            http2 on;
            server_name shop.example.com;
            ssl_certificate /etc/ssl/shop.crt;
            ssl_certificate_key /etc/ssl/shop.key;
            root /var/www/shop;
            location / {
                try_files $uri $uri/ /index.html;
            }
        }
    }
"""}, "IL505")

add("il505-port80-redirects", {"nginx.conf": """
    events {}
    http {
        server {                                        @@-IL505
            listen 80;
            listen [::]:80;
            server_name shop.example.com www.shop.example.com;
            return 301 https://$host$request_uri;
        }
        server {
            listen 80;
            server_name api.example.com;
            location / {
                return 308 https://api.example.com$request_uri;
            }
        }
        server {
            listen 443 ssl;
            server_name shop.example.com www.shop.example.com api.example.com;
            ssl_certificate /etc/ssl/shop.crt;
            ssl_certificate_key /etc/ssl/shop.key;
            location / {
                proxy_pass http://shop:3000;
            }
        }
    }
"""}, "IL505")

add("il505-port80-without-tls-sibling", {"nginx.conf": """
    events {}
    http {
        server {                                        @@-IL505
            listen 80;
            server_name intranet.example.local;
            location / {
                proxy_pass http://wiki:3000;
            }
        }
        server {
            listen 443 ssl;
            server_name public.example.com;
            ssl_certificate /etc/ssl/p.crt;
            ssl_certificate_key /etc/ssl/p.key;
            root /srv/public;
        }
    }
"""}, "IL505")

add("il505-split-across-included-files", {"nginx/nginx.conf": """
    events {}
    http {
        include conf.d/*.conf;
    }
""", "nginx/conf.d/http.conf": """
    server {                                            @@IL505~a
        listen 80;
        server_name app.example.com;
        location / {                                    @@IL505~a
            proxy_pass http://app:8080;
        }
    }
""", "nginx/conf.d/https.conf": """
    server {
        listen 443 ssl;
        server_name app.example.com;
        ssl_certificate /etc/ssl/app.crt;
        ssl_certificate_key /etc/ssl/app.key;
        location / {
            proxy_pass http://app:8080;
        }
    }
"""}, "IL505")

add("il505-name-overlap-ipv6-listen", {"site.conf": """
    server {                                            @@IL505~a
        listen [::]:80;
        server_name www.example.com example.com;
        location /api/ {                                @@IL505~a
            proxy_pass http://api:8000;
        }
        location / {
            return 301 https://$host$request_uri;
        }
    }
    server {
        listen 443 ssl;
        listen [::]:443 ssl;
        server_name example.com;
        ssl_certificate /etc/ssl/e.crt;
        ssl_certificate_key /etc/ssl/e.key;
        location / {
            proxy_pass http://web:3000;
        }
    }
"""}, "IL505")

# =============================================================================================
# IL506 server-tokens
# =============================================================================================
add("il506-full-config-missing", {"nginx.conf": """
    events {}
    http {                                              @@IL506~a
        server {                                        @@IL506~a
            listen 80;
            server_name example.com;
            return 301 https://example.com$request_uri;
        }
    }
"""}, "IL506")

add("il506-full-config-off", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {
            listen 80;
            server_name example.com;
            return 301 https://example.com$request_uri;
        }
    }
"""}, "IL506")

add("il506-on-and-build", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {
            listen 80;
            server_name a.example.com;
            server_tokens on;                           @@IL506
            return 301 https://a.example.com$request_uri;
        }
        server {
            listen 80;
            server_name b.example.com;
            location / {
                server_tokens build;                    @@IL506
                return 301 https://b.example.com$request_uri;
            }
        }
    }
"""}, "IL506")

add("il506-fragment-alone-never-guessed", {"conf.d/default.conf": """
    server {                                            @@-IL506
        listen 80;
        server_name example.com;
        location / {
            root /usr/share/nginx/html;
        }
    }
"""}, "IL506")

add("il506-fragment-in-main-with-tokens-off", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        include conf.d/*.conf;
    }
""", "conf.d/default.conf": """
    server {                                            @@-IL506
        listen 80;
        server_name example.com;
        root /usr/share/nginx/html;
    }
"""}, "IL506")

add("il506-fragment-in-main-without-tokens", {"nginx.conf": """
    events {}
    http {                                              @@IL506~a
        include conf.d/*.conf;
    }
""", "conf.d/default.conf": """
    server {
        listen 80;
        server_name example.com;
        root /usr/share/nginx/html;
    }
"""}, "IL506")

# =============================================================================================
# IL507 proxy-headers-dropped
# =============================================================================================
add("il507-location-redefines-drops-server-headers", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        location / {
            proxy_pass http://web:3000;
        }
        location /ws/ {                                 @@IL507~a
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;     @@IL507~a
            proxy_set_header Connection "upgrade";      @@IL507~a
            proxy_pass http://web:3000;
        }
        location /full/ {
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-Id $request_id;
            proxy_pass http://web:3000;
        }
    }
"""}, "IL507")

add("il507-http-host", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location / {
            proxy_set_header Host $http_host;           @@IL507
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_pass http://web:3000;
        }
    }
"""}, "IL507")

add("il507-nothing-outside-nothing-dropped", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location / {
            proxy_set_header X-Real-IP $remote_addr;
            proxy_pass http://web:3000;
        }
    }
"""}, "IL507")

add("il507-http-level-in-main-dropped-in-fragment", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        include conf.d/*.conf;
    }
""", "conf.d/api.conf": """
    server {
        listen 80;
        server_name api.example.com;
        location / {
            proxy_pass http://api:8000;
        }
        location /upload/ {                             @@IL507~a
            proxy_set_header X-Upload-Size $content_length;   @@IL507~a
            proxy_pass http://api:8000;
        }
    }
"""}, "IL507")

add("il507-nested-location", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location /api/ {
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://api:8000;
            location /api/stream/ {                     @@IL507~a
                proxy_set_header Connection "";         @@IL507~a
                proxy_pass http://api:8000;
            }
        }
    }
"""}, "IL507")

# =============================================================================================
# IL508 dotfiles-exposed
# =============================================================================================
add("il508-root-without-deny", {"site.conf": """
    server {                                            @@IL508
        listen 80;
        server_name static.example.com;
        root /var/www/static;
        location / {
            try_files $uri $uri/ =404;
        }
    }
    server {
        listen 80;
        server_name api.example.com;
        location / {
            proxy_pass http://api:8000;
        }
    }
"""}, "IL508")

add("il508-deny-present", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        root /var/www/app/public;
        index index.php;
        location ~ /\\.(?!well-known) {
            deny all;
        }
        location / {
            try_files $uri $uri/ /index.php?$query_string;
        }
    }
    server {
        listen 80;
        server_name blog.example.com;
        root /var/www/blog;
        location ~ /\\. {
            deny all;
            access_log off;
            log_not_found off;
        }
    }
"""}, "IL508")

add("il508-caret-tilde-bypasses-deny", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        root /var/www/app/public;
        location ~ /\\. {
            deny all;
        }
        location ^~ /uploads/ {                         @@IL508
            expires 30d;
        }
        location /assets/ {                             @@-IL508
            expires 7d;
        }
    }
"""}, "IL508")

add("il508-deny-in-included-snippet", {"nginx/nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {
            listen 80;
            server_name app.example.com;
            root /var/www/app;
            include snippets/deny-dotfiles.conf;
            location / {
                try_files $uri =404;
            }
        }
    }
""", "nginx/snippets/deny-dotfiles.conf": """
    location ~ /\\. {
        deny all;
    }
"""}, "IL508")

# =============================================================================================
# IL509 alias-traversal
# =============================================================================================
add("il509-classic", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location /static {                              @@IL509~a
            alias /var/www/app/static/;                 @@IL509~a
        }
        location /media/ {
            alias /var/www/app/media/;                  @@-IL509
        }
        location /docs {
            alias /var/www/docs;                        @@-IL509
        }
        location = /favicon.ico {
            alias /var/www/app/static/favicon.ico;      @@-IL509
        }
        location ~ ^/files/(.+)$ {
            alias /srv/files/$1;                        @@-IL509
        }
        location /img {
            root /var/www;                              @@-IL509
        }
    }
"""}, "IL509")

add("il509-caret-tilde-prefix", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {
            listen 80;
            server_name cdn.example.com;
            location ^~ /assets {                       @@IL509~a
                alias /srv/assets/;                     @@IL509~a
                expires 30d;
            }
        }
    }
"""}, "IL509")

add("il509-nested-in-location", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location /app/ {
            proxy_pass http://app:8000;
            location /app/uploads {                     @@IL509~a
                alias /data/uploads/;                   @@IL509~a
            }
        }
    }
"""}, "IL509")

# =============================================================================================
# IL510 weak-hsts
# =============================================================================================
add("il510-short-max-age", {"nginx.conf": tls_conf(
    server='add_header Strict-Transport-Security "max-age=3600; includeSubDomains" always;   @@IL510')},
    "IL510")

add("il510-one-year-and-threshold", {"nginx.conf": tls_conf(
    http='add_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" always;   @@-IL510',
    server='add_header Strict-Transport-Security "max-age=15768000" always;   @@-IL510')}, "IL510")

add("il510-just-below-threshold-lowercase-name", {"site.conf": """
    server {
        listen 443 ssl;
        server_name a.example.com;
        ssl_certificate /etc/ssl/a.crt;
        ssl_certificate_key /etc/ssl/a.key;
        add_header strict-transport-security "max-age=15767999" always;   @@IL510
    }
    server {
        listen 443 ssl;
        server_name b.example.com;
        ssl_certificate /etc/ssl/b.crt;
        ssl_certificate_key /etc/ssl/b.key;
        location / {
            add_header Strict-Transport-Security 'max-age=0';   @@IL510
            root /srv/b;
        }
    }
"""}, "IL510")

add("il510-variable-value-unknown", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        map $scheme $hsts {
            https "max-age=63072000";
            default "";
        }
        server {
            listen 443 ssl;
            server_name a.example.com;
            ssl_certificate /etc/ssl/a.crt;
            ssl_certificate_key /etc/ssl/a.key;
            add_header Strict-Transport-Security $hsts always;   @@-IL510
        }
    }
"""}, "IL510")

# =============================================================================================
# IL603 secrets-in-build-context
# =============================================================================================
GOOD_DOCKERIGNORE = """
    .git
    .env*
    *.pem
    *.key
    node_modules
"""

add("il603-no-dockerignore", {"Dockerfile": """
    FROM node:20-alpine
    WORKDIR /app
    COPY package*.json ./                               @@-IL603
    RUN npm ci
    COPY . .                                            @@IL603
    USER node
"""}, "IL603")

add("il603-adequate-dockerignore", {"Dockerfile": """
    FROM node:20-alpine
    WORKDIR /app
    COPY --chown=node:node . .                          @@-IL603
    USER node
""", ".dockerignore": GOOD_DOCKERIGNORE}, "IL603")

add("il603-adequate-doublestar-dockerignore", {"Dockerfile": """
    FROM python:3.12-slim
    ADD . /app                                          @@-IL603
""", ".dockerignore": """
    # keep the image small and free of secrets
    **/.git
    **/.env*
    **/*.pem
    **/*.key
    **/__pycache__
"""}, "IL603")

add("il603-allowlist-dockerignore", {"Dockerfile": """
    FROM python:3.12-slim
    COPY . /app                                         @@-IL603
""", ".dockerignore": """
    *
    !src
    !pyproject.toml
"""}, "IL603")

add("il603-inadequate-dockerignore", {"Dockerfile": """
    FROM python:3.12-slim
    WORKDIR /app
    COPY --chown=10001 . /app                           @@IL603
    USER 10001
""", ".dockerignore": """
    __pycache__
    *.pyc
    .venv
"""}, "IL603")

add("il603-dockerignore-missing-keys", {"Dockerfile": """
    FROM node:20-alpine
    COPY ./ /app/                                       @@IL603
""", ".dockerignore": """
    node_modules
    .git
    .env
"""}, "IL603")

add("il603-add-dot-in-build-stage", {"Dockerfile": """
    FROM golang:1.22 AS build
    WORKDIR /src
    ADD . .                                             @@IL603
    RUN go build -o /out/app .
    FROM gcr.io/distroless/static-debian12:nonroot
    COPY --from=build /out/app /app                     @@-IL603
    COPY --from=build . /srv                            @@-IL603
"""}, "IL603")

add("il603-compose-context-dockerignore", {"compose.yaml": """
    services:
      api:
        build: ./api
        image: acme/api:1.0
      web:
        build:
          context: ./web
        image: acme/web:1.0
""", ".dockerignore": GOOD_DOCKERIGNORE, "api/Dockerfile": """
    FROM python:3.12-slim
    COPY . /app                                         @@-IL603
    USER 10001
""", "api/.dockerignore": GOOD_DOCKERIGNORE, "web/Dockerfile": """
    FROM node:20-alpine
    COPY . /app                                         @@IL603
    USER node
"""}, "IL603")

add("il603-compose-context-root-custom-dockerfile", {"compose.yaml": """
    services:
      api:
        build:
          context: .
          dockerfile: docker/api.Dockerfile
        image: acme/api:1.0
""", ".dockerignore": GOOD_DOCKERIGNORE, "docker/api.Dockerfile": """
    FROM python:3.12-slim
    COPY . /app                                         @@-IL603
    USER 10001
"""}, "IL603")

# =============================================================================================
# IL701 unknown-upstream
# =============================================================================================
COMPOSE_PROXY = """
    services:
      proxy:
        image: nginx:1.25
        ports: ["80:80"]
        volumes:
          - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
      api:
        image: acme/api:1.0
        networks:
          default:
            aliases:
              - backend
      web:
        image: acme/web:1.0
"""

add("il701-unknown-vs-known-and-alias", {"compose.yaml": COMPOSE_PROXY, "nginx/default.conf": """
    server {
        listen 80;
        server_name _;
        location /api/ {
            proxy_pass http://api:8000;                 @@-IL701
        }
        location /v1/ {
            proxy_pass http://backend:8000;             @@-IL701
        }
        location / {
            proxy_pass http://frontend:3000;            @@IL701%compose.yaml
        }
        location /local/ {
            proxy_pass http://127.0.0.1:9000;           @@-IL701
        }
    }
"""}, "IL701")

add("il701-upstream-block", {"compose.yaml": COMPOSE_PROXY, "nginx/default.conf": """
    upstream app_servers {
        server web:3000;                                @@-IL701
        server web-canary:3000 backup;                  @@IL701
    }
    server {
        listen 80;
        location / {
            proxy_pass http://app_servers;              @@-IL701
        }
    }
"""}, "IL701")

add("il701-not-mounted-is-silent", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0
""", "deploy/nginx/site.conf": """
    server {
        listen 80;
        location / {
            proxy_pass http://legacy-app:8080;          @@-IL701
        }
    }
"""}, "IL701")

add("il701-directory-mount-and-long-syntax", {"docker-compose.yml": """
    services:
      edge:
        image: nginx:1.25
        volumes:
          - type: bind
            source: ./nginx/nginx.conf
            target: /etc/nginx/nginx.conf
            read_only: true
          - ./nginx/conf.d:/etc/nginx/conf.d:ro
      shop:
        image: acme/shop:2.0
""", "nginx/nginx.conf": """
    events {}
    http {
        server_tokens off;
        upstream shop_up {
            server shop:8080;
        }
        include /etc/nginx/conf.d/*.conf;
        server {
            listen 80;
            location / {
                proxy_pass http://shop_up;
            }
            location /pay/ {
                proxy_pass http://payments:9090;        @@IL701%docker-compose.yml
            }
        }
    }
""", "nginx/conf.d/admin.conf": """
    server {
        listen 8080;
        location / {
            proxy_pass http://admin-ui:4000/;           @@IL701
        }
        location /shop/ {
            proxy_pass http://shop:8080/;               @@-IL701
        }
    }
"""}, "IL701")

add("il701-variable-proxy-pass", {"compose.yaml": COMPOSE_PROXY, "nginx/default.conf": """
    server {
        listen 80;
        resolver 127.0.0.11 valid=10s;
        set $upstream http://api:8000;
        location / {
            proxy_pass $upstream;                       @@-IL701
        }
    }
"""}, "IL701")

# =============================================================================================
# IL702 build-context-missing
# =============================================================================================
add("il702-forms", {"compose.yaml": """
    services:
      api:
        build: ./api                                    @@-IL702
      web:
        build: ./frontend                               @@IL702
      worker:
        build:
          context: ./api
          dockerfile: Dockerfile.worker                 @@IL702
      jobs:
        build:                                          @@IL702~j
          context: ./jobs                               @@IL702~j
      admin:
        build:
          context: .
          dockerfile: docker/admin.Dockerfile           @@-IL702
""", "api/Dockerfile": """
    FROM python:3.12-slim
""", "docker/admin.Dockerfile": """
    FROM python:3.12-slim
""", "jobs/requirements.txt": "celery==5.3.6\n"}, "IL702")

add("il702-context-exists-without-dockerfile", {"compose.yaml": """
    services:
      jobs:
        build:                                          @@IL702~a
          context: ./jobs                               @@IL702~a
""", "jobs/main.py": "print('hi')\n"}, "IL702")

add("il702-remote-and-inline-are-silent", {"compose.yaml": """
    services:
      tool:
        build: https://github.com/acme/tool.git#v1.2.0  @@-IL702
      tiny:
        build:
          context: .
          dockerfile_inline: |
            FROM alpine:3.19
            RUN apk add --no-cache curl
"""}, "IL702")

# =============================================================================================
# Cross-file IL201 / IL301 (compose services built from Dockerfiles)
# =============================================================================================
add("x-build-string-nonroot-healthcheck-inherited", {"compose.yaml": """
    services:
      api:                                              @@-IL201,-IL301
        build: ./api
        image: acme/api:1.4.2
""", "api/Dockerfile": """
    FROM python:3.12-slim AS base                       @@-IL201,-IL301
    RUN useradd -u 10001 app
    USER 10001
    HEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen('http://localhost:8000/health')"
    FROM base AS runtime                                @@-IL201,-IL301
    COPY app/ /app/
    CMD ["python", "-m", "app"]
"""}, "IL201,IL301")

add("x-custom-dockerfile-final-stage-root", {"compose.yaml": """
    services:
      worker:                                           @@IL201%docker/worker.Dockerfile
        build:
          context: .
          dockerfile: docker/worker.Dockerfile
        healthcheck:
          test: ["CMD", "node", "healthcheck.js"]
""", "docker/worker.Dockerfile": """
    FROM node:20-alpine AS deps
    USER node
    WORKDIR /home/node/app
    RUN npm ci
    FROM node:20-alpine                                 @@IL201
    COPY --from=deps /home/node/app/node_modules ./node_modules
    HEALTHCHECK CMD node healthcheck.js
"""}, "IL201,IL301")

add("x-context-default-dockerfile-no-healthcheck", {"compose.yaml": """
    services:
      svc:                                              @@IL301%svc/Dockerfile
        build:
          context: ./svc
        user: "10001:10001"                             @@-IL201
""", "svc/Dockerfile": """
    FROM golang:1.22 AS build
    HEALTHCHECK CMD ["/bin/true"]
    RUN go build -o /out/svc .
    FROM gcr.io/distroless/static-debian12              @@IL201,IL301
    COPY --from=build /out/svc /svc
"""}, "IL201,IL301")

add("x-compose-disables-dockerfile-healthcheck", {"compose.yaml": """
    services:
      api:                                              @@IL301~a
        build: ./api
        healthcheck:                                    @@IL301~a
          disable: true                                 @@IL301~a
      api2:
        build: ./api
""", "api/Dockerfile": """
    FROM python:3.12-slim
    USER 10001
    HEALTHCHECK CMD curl -fs http://localhost:8000/health || exit 1
"""}, "IL201,IL301")

add("x-compose-user-zero-overrides-nonroot-dockerfile", {"compose.yaml": """
    services:
      api:
        build:
          context: api
        user: "0"                                       @@IL201
""", "api/Dockerfile": """
    FROM python:3.12-slim
    USER 10001
    HEALTHCHECK CMD curl -fs http://localhost:8000/health || exit 1
"""}, "IL201,IL301")

add("x-merge-key-build", {"compose.yaml": """
    x-app: &app
      build: ./app
      healthcheck:
        test: ["CMD", "true"]
    services:
      web:                                              @@IL201
        <<: *app
        command: ["web"]
      worker:                                           @@IL201
        <<: *app
        command: ["worker"]
""", "app/Dockerfile": """
    FROM ruby:3.3-slim                                  @@IL201
    HEALTHCHECK CMD ["true"]
"""}, "IL201,IL301")

add("x-missing-dockerfile-never-guessed", {"compose.yaml": """
    services:
      api:                                              @@-IL201,-IL301
        build: ./api                                    @@IL702
"""}, "IL201,IL301,IL702")

# =============================================================================================
# Single-file (pre-commit) mode
# =============================================================================================
add("single-compose-reads-dockerfile-on-disk-root", {**GIT, "compose.yaml": """
    services:
      api:                                              @@IL201,IL301
        build: ./api
        image: acme/api:1.0
""", "api/Dockerfile": """
    FROM python:3.12-slim
    CMD ["python", "-m", "api"]
"""}, "IL201,IL301", targets=("compose.yaml",), scope=("compose.yaml",))

add("single-compose-reads-dockerfile-on-disk-healthy", {**GIT, "compose.yaml": """
    services:
      api:                                              @@-IL201,-IL301
        build:
          context: ./api
        image: acme/api:1.0
""", "api/Dockerfile": """
    FROM python:3.12-slim
    USER 10001
    HEALTHCHECK CMD curl -fs http://localhost:8000/health || exit 1
"""}, "IL201,IL301", targets=("compose.yaml",), scope=("compose.yaml",))

add("single-compose-missing-context", {**GIT, "compose.yaml": """
    services:
      api:                                              @@-IL201,-IL301
        build: ./api                                    @@IL702
        image: acme/api:1.0
"""}, "IL201,IL301,IL702", targets=("compose.yaml",))

add("single-dockerfile-reads-dockerignore", {**GIT, "Dockerfile": """
    FROM python:3.12-slim
    COPY . /app                                         @@-IL603
    USER 10001
""", ".dockerignore": GOOD_DOCKERIGNORE}, "IL603", targets=("Dockerfile",))

add("single-dockerfile-without-dockerignore", {**GIT, "Dockerfile": """
    FROM python:3.12-slim
    COPY . /app                                         @@IL603
    USER 10001
"""}, "IL603", targets=("Dockerfile",))

add("single-nginx-conf-reads-compose", {**GIT, "compose.yaml": COMPOSE_PROXY, "nginx/default.conf": """
    server {
        listen 80;
        location / {
            proxy_pass http://frontend:3000;            @@IL701
        }
        location /api/ {
            proxy_pass http://api:8000;                 @@-IL701
        }
    }
"""}, "IL701", targets=("nginx/default.conf",))

add("single-subdir-compose-project", {**GIT, "deploy/compose.yaml": """
    services:
      api:                                              @@IL201
        build: ../services/api
        healthcheck:
          test: ["CMD", "true"]
      web:
        build: ../services/web                          @@IL702
""", "services/api/Dockerfile": """
    FROM python:3.12-slim
    USER root
"""}, "IL201,IL702", targets=("deploy/compose.yaml",), scope=("deploy/compose.yaml",))

# =============================================================================================
# Inline and config controls on these rules
# =============================================================================================
add("ctl-compose-ignore-by-name-and-block", {"compose.yaml": """
    services:
      traefik:
        image: traefik:v3.0
        volumes:
          # infralint: ignore=docker-socket-mount -- read-only, needed for discovery
          - /var/run/docker.sock:/var/run/docker.sock:ro
      dind:
        image: docker:25-dind
        # infralint: ignore=IL202,IL204 -- CI runner only
        privileged: true
        cap_add:
          - SYS_ADMIN                                   @@IL204
""", }, "IL202,IL204,IL205")

add("ctl-k8s-block-ignore-and-annotation", {"deploy.yaml": """
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
            infralint.io/ignore: "IL206: needs the node network"
        spec:
          hostNetwork: true
          containers:
            - name: agent
              image: acme/agent:1.0
              # infralint: ignore=IL202,IL204 -- eBPF agent
              securityContext:
                privileged: true
                capabilities:
                  add: ["SYS_ADMIN", "BPF"]
            - name: helper
              image: acme/helper:1.0
              securityContext:
                privileged: true                        @@IL202
"""}, "IL202,IL204,IL206")

add("ctl-nginx-eol-and-ignore-file", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        # infralint: ignore=IL509 -- only serves public files
        location /static {
            alias /srv/static/;
        }
        location /media {                               @@IL509~a
            alias /srv/media/;                          @@IL509~a
        }
    }
""", "legacy.conf": """
    # infralint: ignore-file=weak-tls -- legacy clients, sunset 2025-06
    server {
        listen 443 ssl;
        server_name legacy.example.com;
        ssl_certificate /etc/ssl/l.crt;
        ssl_certificate_key /etc/ssl/l.key;
        ssl_protocols TLSv1 TLSv1.2;
    }
"""}, "IL504,IL509")

add("ctl-dockerfile-line-before-multiline", {"Dockerfile": """
    FROM debian:12-slim
    # infralint: ignore=IL103 -- vendor script pinned by checksum upstream
    RUN apt-get update \\
        && curl -fsSL https://vendor.example.com/setup | bash
    RUN curl -fsSL https://other.example.com/setup | bash   @@IL103
"""}, "IL103")

add("ctl-config-select-off-rule-and-per-severity", {".infralint.toml": """
    select = ["IL207", "IL402"]
""", "compose.yaml": """
    services:
      web:
        image: nginx:1.25
        user: "101"                                     @@IL207
        ports:
          - "8080:80"                                   @@IL402
"""}, "IL207,IL402")

# =============================================================================================
# Whole projects (every rule of this file on a realistic tree)
# =============================================================================================
PROJECT_RULES = ("IL003,IL103,IL201,IL202,IL203,IL204,IL205,IL206,IL301,IL302,IL504,IL505,IL506,"
                 "IL507,IL508,IL509,IL510,IL603,IL701,IL702")

add("project-webapp", {"compose.yaml": """
    services:
      proxy:                                            @@IL301,IL302
        image: nginx:1.25-alpine
        ports:
          - "80:80"
          - "443:443"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
          - ./nginx/conf.d:/etc/nginx/conf.d:ro
      api:                                              @@IL301
        build: ./api
        mem_limit: 512m
        environment:
          DATABASE_HOST: db
      worker:                                           @@IL301
        build:
          context: ./api
        command: ["python", "-m", "api.worker"]
        deploy:
          resources:
            limits:
              memory: 256M
        cap_add:
          - SYS_PTRACE                                  @@IL204
      db:                                               @@IL302
        image: postgres:16.2
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U app"]
        volumes:
          - db-data:/var/lib/postgresql/data
      admin:                                            @@IL302,-IL201,-IL301
        build: ./admin                                  @@IL702
    volumes:
      db-data: {}
""", "api/Dockerfile": """
    FROM python:3.12-slim AS base
    ENV PYTHONDONTWRITEBYTECODE=1
    WORKDIR /app
    FROM base AS deps
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    FROM deps AS runtime                                @@IL301
    COPY . .                                            @@IL603
    RUN useradd -u 10001 app
    USER 10001
    CMD ["gunicorn", "api.wsgi:app", "-b", "0.0.0.0:8000"]
""", "api/.dockerignore": """
    __pycache__
    .pytest_cache
""", ".dockerignore": GOOD_DOCKERIGNORE, "nginx/nginx.conf": """
    user nginx;
    worker_processes auto;
    events {
        worker_connections 1024;
    }
    http {
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        ssl_protocols TLSv1.2 TLSv1.3;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/app.conf": """
    server {
        listen 80;
        server_name app.example.com;
        return 301 https://$host$request_uri;
    }
    server {
        listen 443 ssl;
        server_name app.example.com;
        ssl_certificate /etc/nginx/tls/app.crt;
        ssl_certificate_key /etc/nginx/tls/app.key;
        add_header Strict-Transport-Security "max-age=86400" always;   @@IL510
        root /usr/share/nginx/html;
        location ~ /\\. {
            deny all;
        }
        location /api/ {
            limit_req zone=api burst=20 nodelay;
            proxy_pass http://api:8000;
        }
        location /admin/ {
            limit_req zone=api;
            proxy_pass http://admin-panel:9000;         @@IL701
        }
        location /static {                              @@IL509~a
            alias /usr/share/nginx/static/;             @@IL509~a
        }
    }
"""}, PROJECT_RULES)

add("project-k8s-platform", {"k8s/platform.yaml": """
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
          containers:
            - name: api
              image: ghcr.io/acme/api:3.2.1
              securityContext:
                allowPrivilegeEscalation: false
                capabilities:
                  drop: ["ALL"]
              resources:
                limits: {memory: 512Mi}
              readinessProbe:
                httpGet: {path: /ready, port: 8080}
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: monitor
    spec:
      selector:
        matchLabels: {app: monitor}
      template:
        metadata:
          labels: {app: monitor}
        spec:
          hostPID: true                                 @@IL206
          containers:
            - name: monitor                             @@IL201,IL203!low,IL302
              image: ghcr.io/acme/monitor:0.9.0
              securityContext:
                privileged: yes                         @@IL202
                capabilities:
                  add: [sys_admin]                      @@IL204
              livenessProbe:
                tcpSocket: {port: 9100}
              volumeMounts:
                - name: sock                            @@IL205~a
                  mountPath: /var/run/docker.sock       @@IL205~a
          volumes:
            - name: sock                                @@IL205~a
              hostPath:                                 @@IL205~a
                path: /var/run/docker.sock              @@IL205~a
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
              securityContext:
                runAsUser: 10001
              containers:
                - name: nightly
                  image: ghcr.io/acme/nightly:1.0.0
                  securityContext:
                    allowPrivilegeEscalation: true      @@IL203!high
                  resources:
                    limits:
                      memory: 1Gi
"""}, PROJECT_RULES)


# =============================================================================================
# Second batch: harder variants of the same rules
# =============================================================================================
add("il003-limit-req-args-order", {"nginx.conf": """
    events {}
    http {
        limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;
        server {
            listen 80;
            location /a/ {
                limit_req burst=5 zone=one nodelay;             @@-IL003
                proxy_pass http://a:8000;
            }
            location /b/ {
                limit_req nodelay burst=5 zone=two;             @@IL003
                proxy_pass http://b:8000;
            }
        }
    }
"""}, "IL003")

add("il003-zone-in-included-http-snippet", {"nginx.conf": """
    events {}
    http {
        include zones.conf;
        server {
            listen 80;
            location / {
                limit_req zone=global burst=10;                 @@-IL003
                proxy_pass http://app:8000;
            }
        }
    }
""", "zones.conf": """
    limit_req_zone $binary_remote_addr zone=global:10m rate=10r/s;
"""}, "IL003")

add("il003-fragment-server-if-add-header", {"conf.d/site.conf": """
    server {
        listen 80;
        server_name site.example.com;
        if ($request_uri ~ "^/legacy") {
            add_header X-Legacy "1";                            @@IL003
            return 410;
        }
        location / {
            proxy_pass http://site:8080;
        }
    }
"""}, "IL003")

add("il103-more-pipe-shapes", {"Dockerfile": """
    FROM node:20-bookworm
    RUN curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.39.7/install.sh | bash   @@IL103
    RUN curl -L https://get.example.com|sh                 @@IL103
    RUN wget -O - https://get.example.com/setup | /bin/bash    @@IL103
    RUN curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -   @@IL103
    RUN --mount=type=secret,id=token curl -fsSL -H "Authorization: Bearer $(cat /run/secrets/token)" https://internal.example.com/bootstrap | sh   @@IL103
    run curl -fsSL https://lower.example.com | sh           @@IL103
    add https://example.com/tool.tar.gz /opt/               @@IL103
    ADD --chown=10001:10001 https://example.com/app.jar /app/app.jar   @@IL103
"""}, "IL103")

add("il103-heredoc-run", {"Dockerfile": """
    # syntax=docker/dockerfile:1
    FROM alpine:3.19
    RUN <<EOF                                              @@IL103~a
    apk add --no-cache curl                                @@IL103~a
    curl -fsSL https://get.example.com/install.sh | sh     @@IL103~a
    EOF
    USER 10001
"""}, "IL103")

add("il103-silent-lookalikes", {"Dockerfile": """
    FROM python:3.12-slim
    RUN curl -fsSL https://example.com/data.json | jq .version      @@-IL103
    RUN pip download --dest /wheels requests                          @@-IL103
    RUN cat /etc/os-release | sh -c 'grep ID'                         @@-IL103
    ADD app.tar.gz /opt/app/                                          @@-IL103
    COPY https-proxy.conf /etc/                                       @@-IL103
"""}, "IL103")

add("il202-c-capitalised-yaml11", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0
        privileged: True                                @@IL202
      b:
        image: acme/b:1.0
        privileged: Yes                                 @@IL202
      c:
        image: acme/c:1.0
        privileged: no                                  @@-IL202
      d:
        image: acme/d:1.0
        privileged: off                                 @@-IL202
"""}, "IL202")

add("il202-k-crd-rollout", {"rollout.yaml": """
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata:
      name: web
    spec:
      replicas: 3
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: acme/web:1.0
              securityContext:
                privileged: true                        @@IL202
      strategy:
        canary:
          steps: [{setWeight: 20}]
"""}, "IL202")

add("il203-k-no-means-false-statefulset", {"sts.yaml": """
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
          containers:
            - name: db
              image: postgres:16.2
              securityContext:
                allowPrivilegeEscalation: no            @@-IL203
            - name: exporter                            @@IL203!low
              image: prometheuscommunity/postgres-exporter:v0.15.0
              securityContext:
                runAsNonRoot: true
"""}, "IL203")

add("il204-c-lowercase-all-and-flow", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0
        cap_add: [all]                                  @@IL204
      b:
        image: acme/b:1.0
        cap_add:
          - "CAP_NET_ADMIN"                             @@IL204
          - "CAP_NET_BIND_SERVICE"                      @@-IL204
"""}, "IL204")

add("il205-c-other-socket-target-and-anonymous", {"compose.yaml": """
    services:
      ci:
        image: acme/ci-runner:16.9
        volumes:
          - /var/run/docker.sock:/tmp/host-docker.sock:rw   @@IL205
          - /var/run/docker.sock                        @@-IL205
      dind:
        image: docker:25-dind
        volumes:
          - dind-certs:/certs
    volumes:
      dind-certs: {}
"""}, "IL205")

add("il205-k-flow-hostpath-pod", {"pod.yaml": """
    apiVersion: v1
    kind: Pod
    metadata:
      name: builder
    spec:
      containers:
        - name: builder
          image: docker:25-cli
          volumeMounts:
            - {name: dockersock, mountPath: /var/run/docker.sock}   @@IL205~a
      volumes:
        - name: dockersock                              @@IL205~a
          hostPath: {path: /var/run/docker.sock, type: Socket}   @@IL205~a
"""}, "IL205")

add("il206-c-quoted-host", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0
        network_mode: "host"                            @@IL206
      b:
        image: acme/b:1.0
        pid: 'host'                                     @@IL206
      c:
        image: acme/c:1.0
        network_mode: none                              @@-IL206
"""}, "IL206")

add("il206-k-true-capitalised", {"deploy.yaml": """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: ingress-controller
    spec:
      selector:
        matchLabels: {app: ic}
      template:
        metadata:
          labels: {app: ic}
        spec:
          hostNetwork: True                             @@IL206
          dnsPolicy: ClusterFirstWithHostNet
          containers:
            - name: controller
              image: registry.k8s.io/ingress-nginx/controller:v1.10.0
"""}, "IL206")

add("il207-d-inherited-from-parent-stage", {"Dockerfile": """
    FROM node:20-alpine AS base
    USER 1000                                           @@IL207~a
    FROM base                                           @@IL207~a
    CMD ["node", "server.js"]
"""}, "IL207", args=("--select", "IL207"))

add("il207-c-unquoted-int", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0
        user: 1000                                      @@IL207
"""}, "IL207", args=("--select", "IL207"))

add("il302-c-mem-limit-beats-cpu-only-deploy", {"compose.yaml": """
    services:
      api:
        image: acme/api:1.0
        mem_limit: 1g
        deploy:
          resources:
            limits:
              cpus: "2"
      empty:                                            @@IL302
        image: acme/empty:1.0
        deploy:
          replicas: 2
"""}, "IL302")

add("il302-k-empty-resources-and-cronjob", {"cron.yaml": """
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: backup
    spec:
      schedule: "0 1 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers:
                - name: backup                          @@IL302
                  image: acme/backup:2.0
                  resources: {}
                - name: uploader
                  image: acme/uploader:1.0
                  resources:
                    limits:
                      memory: "128Mi"
"""}, "IL302")

add("il303-flow-form", {"compose.yaml": """
    services:
      a:
        image: acme/a:1.0
        logging: {driver: json-file, options: {max-size: 10m}}
      b:
        image: acme/b:1.0
        logging: {driver: "json-file"}                  @@IL303
"""}, "IL303", args=("--select", "IL303"))

add("il402-yaml12-and-ranges", {"compose.yaml": """
    services:
      sshd:
        image: acme/sshd:9.6
        ports:
          - 22:22                                       @@IL402
          - "8000-8005:8000-8005"                       @@IL402
          - "[::]:9090:9090"                            @@IL402
          - "192.168.1.10:9091:9091"                    @@-IL402
"""}, "IL402", args=("--select", "IL402"))

add("il504-protocols-prefix-safe", {"conf.d/a.conf": """
    server {
        listen 443 ssl;
        server_name a.example.com;
        ssl_certificate /etc/ssl/a.crt;
        ssl_certificate_key /etc/ssl/a.key;
        ssl_protocols TLSv1.2;                          @@-IL504
        ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA256;   @@-IL504
    }
    server {
        listen 443 ssl;
        server_name b.example.com;
        ssl_certificate /etc/ssl/b.crt;
        ssl_certificate_key /etc/ssl/b.key;
        ssl_protocols TLSv1.3 TLSv1;                    @@IL504
    }
"""}, "IL504")

add("il505-rewrite-permanent-is-a-redirect", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        server {
            listen 80;
            server_name legacy.example.com;
            rewrite ^ https://legacy.example.com$request_uri? permanent;   @@-IL505
        }
        server {
            listen 443 ssl;
            server_name legacy.example.com;
            ssl_certificate /etc/ssl/l.crt;
            ssl_certificate_key /etc/ssl/l.key;
            root /srv/legacy;
        }
    }
"""}, "IL505")

add("il505-listen-ip-port-80", {"site.conf": """
    server {                                            @@IL505~a
        listen 10.0.0.1:80;
        server_name intranet.example.com;
        location / {                                    @@IL505~a
            proxy_pass http://intranet:8080;
        }
    }
    server {
        listen 10.0.0.1:443 ssl;
        server_name intranet.example.com;
        ssl_certificate /etc/ssl/i.crt;
        ssl_certificate_key /etc/ssl/i.key;
        location / {
            proxy_pass http://intranet:8080;
        }
    }
"""}, "IL505")

add("il506-tokens-off-in-included-http-snippet", {"nginx.conf": """
    events {}
    http {
        include conf/hardening.conf;
        server {
            listen 80;
            server_name example.com;
            return 301 https://example.com$request_uri;
        }
    }
""", "conf/hardening.conf": """
    server_tokens off;
    client_max_body_size 10m;
"""}, "IL506")

add("il507-inner-sets-only-xff", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        location /api/ {                                @@IL507~a
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;   @@IL507~a
            proxy_pass http://api:8000;
        }
    }
"""}, "IL507")

add("il507-outer-custom-only-nothing-dropped", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        proxy_set_header X-Real-IP $remote_addr;
        location /api/ {
            proxy_set_header X-Request-Id $request_id;  @@-IL507
            proxy_pass http://api:8000;
        }
    }
"""}, "IL507")

add("il507-server-level-http-host", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        proxy_set_header Host $http_host;               @@IL507
        location / {
            proxy_pass http://app:8000;
        }
    }
"""}, "IL507")

add("il508-caret-tilde-without-deny-reports-server-only", {"site.conf": """
    server {                                            @@IL508
        listen 80;
        server_name files.example.com;
        root /srv/files;
        location ^~ /public/ {                          @@-IL508
            autoindex on;
        }
    }
"""}, "IL508")

add("il508-case-insensitive-deny", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        root /var/www/app;
        location ~* /\\.(?!well-known\\/) {
            deny all;
        }
        location /.well-known/acme-challenge/ {
            root /var/www/certbot;
        }
    }
"""}, "IL508")

add("il509-quoted-and-inverse", {"site.conf": """
    server {
        listen 80;
        server_name app.example.com;
        location "/downloads" {                         @@IL509~a
            alias "/srv/downloads/";                    @@IL509~a
        }
        location /reports/ {
            alias /srv/reports;                         @@-IL509
        }
    }
"""}, "IL509")

add("il510-http-level-and-order", {"nginx.conf": """
    events {}
    http {
        server_tokens off;
        add_header Strict-Transport-Security "includeSubDomains; max-age=600" always;   @@IL510
        server {
            listen 443 ssl;
            server_name a.example.com;
            ssl_certificate /etc/ssl/a.crt;
            ssl_certificate_key /etc/ssl/a.key;
            root /srv/a;
        }
    }
"""}, "IL510")

add("il603-dockerignore-normalised-patterns", {"Dockerfile": """
    FROM node:20-alpine
    COPY . /app                                         @@-IL603
""", ".dockerignore": """
    # secrets and VCS
    /.git/
    .env*
    !.env.example
    *.pem
    *.key

    node_modules/
"""}, "IL603")

add("il603-env-re-included", {"Dockerfile": """
    FROM node:20-alpine
    COPY . /app                                         @@IL603
""", ".dockerignore": """
    .git
    .env*
    !.env
    *.pem
    *.key
"""}, "IL603")

add("il603-json-form-link-and-lowercase", {"Dockerfile": """
    FROM python:3.12-slim AS build
    COPY ["." , "/src"]                                 @@IL603
    FROM python:3.12-slim
    COPY --link . /app                                  @@IL603
    copy . /srv                                         @@IL603
    COPY *.toml ./                                      @@-IL603
"""}, "IL603")

add("il603-dockerfile-specific-ignore", {"Dockerfile.prod": """
    FROM python:3.12-slim
    COPY . /app                                         @@-IL603
""", "Dockerfile.prod.dockerignore": GOOD_DOCKERIGNORE}, "IL603")

add("il701-https-path-and-unix-upstream", {"compose.yaml": COMPOSE_PROXY, "nginx/default.conf": """
    upstream local_sock {
        server unix:/var/run/app.sock;                  @@-IL701
        server 10.0.0.12:8080;                          @@-IL701
    }
    server {
        listen 80;
        location /a/ {
            proxy_pass https://api:8443/v1/;            @@-IL701
        }
        location /b/ {
            proxy_pass http://web/;                     @@-IL701
        }
        location /c/ {
            proxy_pass http://ghost/;                   @@IL701
        }
        location /d/ {
            proxy_pass http://local_sock;               @@-IL701
        }
    }
"""}, "IL701")

add("il701-whole-nginx-dir-mounted", {"compose.yaml": """
    services:
      proxy:
        image: nginx:1.25
        volumes:
          - ./nginx:/etc/nginx:ro
      app:
        image: acme/app:1.0
""", "nginx/nginx.conf": """
    events {}
    http {
        server_tokens off;
        include conf.d/*.conf;
    }
""", "nginx/conf.d/app.conf": """
    server {
        listen 80;
        location / {
            proxy_pass http://app:8080;                 @@-IL701
        }
        location /old/ {
            proxy_pass http://app-v1:8080;              @@IL701
        }
    }
"""}, "IL701")

add("il702-relative-dockerfile-and-variable", {"compose.yaml": """
    services:
      app:
        build:
          context: ./app
          dockerfile: ../docker/app.Dockerfile          @@-IL702
      env:
        build: ${APP_DIR:-./somewhere}                  @@-IL702
      dot:
        build: .                                        @@IL702
""", "app/main.go": "package main\\n", "docker/app.Dockerfile": """
    FROM golang:1.22
"""}, "IL702")

add("x-user-name-override-and-root-root", {"compose.yaml": """
    services:
      api:
        build: ./api
        user: app                                       @@-IL201
      debug:
        build: ./api
        user: "root:root"                               @@IL201
""", "api/Dockerfile": """
    FROM python:3.12-slim                               @@IL201
    RUN useradd app
"""}, "IL201")

add("x-dockerfile-healthcheck-none", {"compose.yaml": """
    services:
      api:                                              @@IL301
        build: ./api
""", "api/Dockerfile": """
    FROM acme/base-with-healthcheck:1.0
    HEALTHCHECK NONE                                    @@IL301~d
    USER 10001
"""}, "IL301")

add("single-dockerfile-compose-context-dockerignore", {**GIT, "compose.yaml": """
    services:
      api:
        build:
          context: .
          dockerfile: services/api/Dockerfile
""", ".dockerignore": GOOD_DOCKERIGNORE, "services/api/Dockerfile": """
    FROM python:3.12-slim
    COPY . /app                                         @@-IL603
    USER 10001
"""}, "IL603", targets=("services/api/Dockerfile",))

add("ctl-compose-eol-and-ignore-file", {"compose.yaml": """
    # infralint: ignore-file=IL302 -- limits come from the swarm stack file
    services:
      dind:
        image: docker:25-dind
        privileged: true  # infralint: ignore=IL202 -- CI runner only
        network_mode: host                              @@IL206
      web:
        image: nginx:1.25
"""}, "IL202,IL206,IL302")

add("ctl-nginx-server-block-ignore", {"site.conf": """
    # infralint: ignore=IL505,IL508 -- internal health endpoint, firewalled
    server {
        listen 80;
        server_name app.example.com;
        root /srv/app;
        location / {
            try_files $uri =404;
        }
    }
    server {
        listen 443 ssl;
        server_name app.example.com;
        ssl_certificate /etc/ssl/a.crt;
        ssl_certificate_key /etc/ssl/a.key;
        root /srv/app;                                  
        location ~ /\\. {
            deny all;
        }
    }
"""}, "IL505,IL508")


add("ctl-dockerfile-ignore-il603", {"Dockerfile": """
    FROM python:3.12-slim
    # infralint: ignore=secrets-in-build-context -- context is a clean CI checkout
    COPY . /app
    COPY . /srv                                         @@IL603
"""}, "IL603")

add("ctl-nginx-location-block-ignore-il701", {"compose.yaml": COMPOSE_PROXY, "nginx/default.conf": """
    server {
        listen 80;
        # infralint: ignore=IL701 -- host added by the VPN sidecar at runtime
        location /vpn/ {
            proxy_set_header Host $host;
            proxy_pass http://vpn-gw:8080;
        }
        location /ghost/ {
            proxy_pass http://ghost:8080;               @@IL701
        }
    }
"""}, "IL701")

add("ctl-k8s-object-annotation-il205", {"ds.yaml": """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: cadvisor
      annotations:
        infralint.io/ignore: "docker-socket-mount: cAdvisor reads container stats"
    spec:
      selector:
        matchLabels: {app: cadvisor}
      template:
        metadata:
          labels: {app: cadvisor}
        spec:
          containers:
            - name: cadvisor
              image: gcr.io/cadvisor/cadvisor:v0.49.1
              volumeMounts:
                - {name: sock, mountPath: /var/run/docker.sock, readOnly: true}
          volumes:
            - name: sock
              hostPath: {path: /var/run/docker.sock}
"""}, "IL205")

add("scan-subdir-compose-outside-root-not-guessed", {"compose.yaml": COMPOSE_PROXY, "nginx/default.conf": """
    server {
        listen 80;
        location / {
            proxy_pass http://frontend:3000;            @@-IL701
        }
    }
"""}, "IL701", targets=("nginx",))

add("scan-subdir-build-outside-root-not-guessed", {"deploy/compose.yaml": """
    services:
      api:                                              @@-IL201,-IL301
        build: ../services/api                          @@-IL702
        mem_limit: 256m
""", "services/api/Dockerfile": """
    FROM python:3.12-slim
    HEALTHCHECK CMD curl -fs http://localhost:8000/health || exit 1
"""}, "IL201,IL301,IL702", targets=("deploy",))


add("x-remote-or-variable-context-never-guessed", {"compose.yaml": """
    services:
      tool:                                             @@-IL201,-IL301
        build: https://github.com/acme/tool.git#v1.2.0
      env:                                              @@-IL201,-IL301
        build: ${APP_DIR:-./app}
"""}, "IL201,IL301")

# ---------------------------------------------------------------------------------------------
# Known implementation bugs (diagnosed against rules/infralint_rules/ and infralint/project.py)
# ---------------------------------------------------------------------------------------------
# Cases that document a known bug (strict xfail) until it is fixed: none open.
XFAIL: dict[str, str] = {}
apply_xfails(CASES, XFAIL)


@pytest.mark.parametrize("case", params(CASES))
def test_spec_catalogue_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    check(case, tmp_path)
