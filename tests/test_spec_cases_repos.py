"""Spec-derived acceptance cases over small but complete repositories (QA, written only from
RULES.md and CONTRACT.md).

Each case is a repository laid out the way real teams do it: a monorepo with
`services/*/Dockerfile`, `deploy/compose.yaml` building them through relative contexts,
`deploy/nginx/` mounted into an nginx service, `k8s/` manifests, `.env` files, a Helm chart,
a kustomize base with overlays and patches. Findings are marked at their exact line, and
explicit silences (`@@-ILxxx`) mark where a naive linter would fire but the spec says it must not.

Besides the marker check, every case is also checked for duplicated findings (same rule, path,
line) and for JSON paths that are relative and `/`-separated; a few cases also check
`files.skipped` (Helm templates, kustomize patches).

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

GIT = {".git/HEAD": "ref: refs/heads/main\n"}

CASES: list[Case] = []
# case id -> [(path, reason substrings (any of them))] that must appear in files.skipped
SKIPPED: dict[str, list[tuple[str, tuple[str, ...]]]] = {}

GOOD_DOCKERIGNORE = """
    .git
    .env
    .env.*
    *.pem
    *.key
    node_modules
    __pycache__
"""


def add(id: str, files: dict[str, str], rules: str, *, xfail: str | None = None,
        args: tuple[str, ...] = (), targets: tuple[str, ...] = (".",),
        scope: tuple[str, ...] = (),
        skipped: list[tuple[str, tuple[str, ...]]] | None = None) -> None:
    assert id.startswith("repo-"), id
    assert all(c.id != id for c in CASES), id
    case = parse(Case(id, dict(files), tuple(rules.split(",")), xfail, args, targets, scope))
    if scope:
        # markers in files outside the scope belong to the directory-mode twin of this case
        case.expects = [e for e in case.expects if e.path in scope]
        case.silences = [s for s in case.silences if s[1] in scope]
    CASES.append(case)
    if skipped:
        SKIPPED[id] = skipped


# =============================================================================================
# 1. A clean-ish monorepo: everything a naive linter trips over, and the few real findings
# =============================================================================================
add("repo-shop-monorepo-compose-nginx-clean-edges", {**GIT, "services/api/Dockerfile": r"""
    ARG PYTHON_VERSION=3.12.3
    FROM python:${PYTHON_VERSION}-slim AS build                  @@-IL101
    WORKDIR /src
    COPY requirements.txt .
    RUN pip wheel --no-cache-dir -r requirements.txt -w /wheels

    FROM python:${PYTHON_VERSION}-slim                           @@-IL101,-IL201,-IL301
    RUN useradd --uid 10001 --create-home app
    WORKDIR /app
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
    COPY . .                                                     @@-IL603
    USER 10001
    HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8000/healthz || exit 1
    EXPOSE 8000
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "shop.wsgi:application"]
""", "services/api/.dockerignore": GOOD_DOCKERIGNORE, "services/api/requirements.txt": """
    django==5.0.4
    gunicorn==22.0.0
""", "services/web/Dockerfile": r"""
    ARG NODE_IMAGE=node:20.12-alpine
    FROM ${NODE_IMAGE} AS deps                                   @@-IL101
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci

    FROM deps AS build                                           @@-IL101
    COPY . .                                                     @@-IL603
    RUN npm run build

    FROM ${NODE_IMAGE}                                           @@-IL101,-IL201,IL301!low
    ENV NODE_ENV=production
    WORKDIR /app
    COPY --from=build --chown=node:node /app/.next/standalone ./
    USER node
    CMD ["node", "server.js"]
""", "services/web/.dockerignore": GOOD_DOCKERIGNORE, "deploy/compose.yaml": r"""
    name: shop
    services:
      api:                                                       @@-IL201,-IL301,-IL302
        build:
          context: ../services/api                               @@-IL702
        image: registry.example.com/shop/api:${API_TAG:-1.4.2}   @@-IL101
        environment:
          DATABASE_URL: postgresql://shop:${POSTGRES_PASSWORD}@db:5432/shop   @@-IL601
          DJANGO_SECRET_KEY_FILE: /run/secrets/django_secret                  @@-IL601
          DJANGO_SETTINGS_MODULE: shop.settings.prod
        secrets:
          - django_secret
        depends_on:
          db:
            condition: service_healthy
        deploy:
          resources:
            limits:
              memory: 512M
        expose:
          - "8000"
      web:                                                       @@-IL201,-IL301,-IL302
        build: ../services/web                                   @@-IL702
        environment:
          NEXT_PUBLIC_API_URL: https://shop.example.com/api
        healthcheck:
          test: ["CMD", "wget", "-qO-", "http://localhost:3000/"]
          interval: 30s
        mem_limit: 384m
      nginx:                                                     @@IL301,-IL201
        image: nginx:1.25.4-alpine
        ports:
          - "80:80"
          - "443:443"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
          - ./nginx/conf.d:/etc/nginx/conf.d:ro
        depends_on: [api, web]
        mem_limit: 128m
      db:                                                        @@-IL201
        image: postgres:16.2-alpine
        environment:
          POSTGRES_DB: shop
          POSTGRES_USER: shop
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in deploy/.env}      @@-IL601
        expose:
          - "5432"                                               @@-IL401
        volumes:
          - pgdata:/var/lib/postgresql/data
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U shop"]
          interval: 10s
        mem_limit: 1g
      redis:
        image: redis:7.2.4-alpine
        ports:
          - "127.0.0.1:6379:6379"                                @@-IL401
        healthcheck:
          test: ["CMD", "redis-cli", "ping"]
        mem_limit: 256m
    secrets:
      django_secret:
        file: ./secrets/django_secret.txt
    volumes:
      pgdata:
""", "deploy/.env": r"""
    COMPOSE_PROJECT_NAME=shop
    API_TAG=1.4.2
    POSTGRES_PASSWORD=Vq7kLp2xN9wRt4zB                           @@IL602
""", "deploy/.env.example": r"""
    COMPOSE_PROJECT_NAME=shop
    API_TAG=1.4.2
    POSTGRES_PASSWORD=changeme                                   @@-IL602
""", "deploy/nginx/nginx.conf": r"""
    user nginx;
    worker_processes auto;
    events {
        worker_connections 1024;
    }
    http {                                                       @@-IL506
        default_type application/octet-stream;
        sendfile on;
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=perip:10m rate=20r/s;
        limit_req zone=perip burst=40 nodelay;
        add_header X-Content-Type-Options "nosniff" always;
        add_header X-Frame-Options "DENY" always;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        include conf.d/*.conf;
    }
""", "deploy/nginx/conf.d/shop.conf": r"""
    upstream api_backend {
        server api:8000;                                         @@-IL701
        keepalive 16;
    }
    server {                                                     @@-IL501,-IL505,-IL506
        listen 80;
        server_name shop.example.com;
        return 301 https://$host$request_uri;
    }
    server {                                                     @@-IL501,-IL506,-IL508
        listen 443 ssl;
        http2 on;
        server_name shop.example.com;
        ssl_certificate /etc/nginx/certs/fullchain.pem;
        ssl_certificate_key /etc/nginx/certs/privkey.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {                                             @@-IL503,-IL507
            proxy_pass http://web:3000;                          @@-IL701
        }
        location /api/ {                                         @@-IL503,-IL507
            proxy_pass http://api_backend;                       @@-IL701
        }
    }
"""}, "IL001,IL003,IL101,IL201,IL301,IL302,IL401,IL501,IL503,IL505,IL506,IL507,IL508,IL601,"
      "IL602,IL603,IL701,IL702")


# =============================================================================================
# 2./3. compose build targets through relative contexts, directory and single-file (pre-commit)
# =============================================================================================
BUILD_TARGETS = {**GIT, "deploy/compose.yaml": r"""
    services:
      api:                                                       @@-IL201,-IL301,-IL302
        build:
          context: ../services/api                               @@-IL702
          target: runtime
        ports:
          - "127.0.0.1:8000:8000"
        mem_limit: 512m
      api-debug:                                                 @@IL201,-IL301,-IL302
        build:
          context: ../services/api
          target: dev
        profiles: ["debug"]
        ports:
          - "127.0.0.1:5678:5678"
        mem_limit: 512m
      worker:                                                    @@IL301,-IL201,-IL302
        build:
          context: ../services/worker                            @@-IL702
          dockerfile: Dockerfile                                 @@-IL702
        user: "10001:10001"
        command: ["celery", "-A", "app", "worker"]
        mem_limit: 512m
      scheduler:                                                 @@-IL201,-IL301,-IL302
        build:
          context: ../services/worker                            @@-IL702
          dockerfile: Dockerfile.beat                            @@IL702
        user: "10001"
        healthcheck:
          test: ["CMD", "celery", "-A", "app", "inspect", "ping"]
        mem_limit: 256m
      billing:                                                   @@-IL201,-IL301,-IL302
        build:                                                   @@IL702~b
          context: ../services/billing                           @@IL702~b
        user: "10001"
        healthcheck:
          test: ["CMD", "wget", "-qO-", "http://localhost:9000/health"]
        mem_limit: 256m
""", "services/api/Dockerfile": r"""
    FROM python:3.12.3-slim AS base                              @@-IL201,-IL301
    ENV PYTHONDONTWRITEBYTECODE=1
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/healthz || exit 1

    FROM base AS dev                                             @@-IL201,-IL301
    RUN pip install --no-cache-dir debugpy pytest
    CMD ["python", "-m", "debugpy", "--listen", "0.0.0.0:5678", "-m", "uvicorn", "app.main:app", "--reload"]

    FROM base AS runtime                                         @@-IL201,-IL301
    RUN useradd --uid 10001 --no-create-home app
    COPY . .                                                     @@-IL603
    USER app
    CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
""", "services/api/.dockerignore": GOOD_DOCKERIGNORE, "services/api/requirements.txt": "fastapi==0.110.1\n",
    "services/worker/Dockerfile": r"""
    FROM python:3.12.3-slim                                      @@IL201,IL301!low
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .                                                     @@IL603
    CMD ["celery", "-A", "app", "worker", "-l", "info"]
""", "services/worker/requirements.txt": "celery==5.3.6\n"}

add("repo-build-targets-relative-contexts", BUILD_TARGETS,
    "IL001,IL101,IL201,IL301,IL302,IL603,IL702")

add("repo-build-targets-single-file-compose", BUILD_TARGETS,
    "IL001,IL101,IL201,IL301,IL302,IL603,IL702",
    targets=("deploy/compose.yaml",), scope=("deploy/compose.yaml",))


# =============================================================================================
# 4./5. IL603 judges the .dockerignore of the build context compose really uses
# =============================================================================================
add("repo-il603-context-is-repo-root-with-good-ignore", {**GIT, "deploy/compose.yaml": r"""
    services:
      api:
        build:
          context: ..
          dockerfile: docker/api.Dockerfile                      @@-IL702
        mem_limit: 512m
      worker:
        build:
          context: ..
          dockerfile: docker/worker.Dockerfile                   @@-IL702
        mem_limit: 512m
""", ".dockerignore": GOOD_DOCKERIGNORE, "docker/api.Dockerfile": r"""
    FROM python:3.12.3-slim
    WORKDIR /app
    COPY . .                                                     @@-IL603
    USER 10001
    CMD ["python", "-m", "app"]
""", "docker/worker.Dockerfile": r"""
    FROM python:3.12.3-slim
    WORKDIR /app
    ADD . /app                                                   @@-IL603
    USER 10001
    CMD ["python", "-m", "app.worker"]
""", "app/__init__.py": "", "pyproject.toml": r"""
    [project]
    name = "app"
    version = "1.0.0"
"""}, "IL001,IL603,IL702")

add("repo-il603-context-is-repo-root-with-incomplete-ignore", {**GIT, "deploy/compose.yaml": r"""
    services:
      web:
        build:
          context: ..
          dockerfile: services/web/Dockerfile                    @@-IL702
        mem_limit: 512m
""", ".dockerignore": r"""
    .git
    node_modules
    dist
""", "services/web/.dockerignore": GOOD_DOCKERIGNORE, "services/web/Dockerfile": r"""
    FROM node:20.12-alpine
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .                                                     @@IL603
    USER node
    CMD ["node", "services/web/server.js"]
""", "services/web/server.js": "console.log('hi')\n", "package.json": '{"name": "web"}\n'},
    "IL001,IL603,IL702")


# =============================================================================================
# 6. single-file mode on a Dockerfile: the context's .dockerignore is still read from disk
# =============================================================================================
add("repo-single-file-dockerfile-finds-dockerignore-on-disk", {**GIT, "services/api/Dockerfile": r"""
    FROM python:3.12.3-slim
    WORKDIR /app
    COPY . .                                                     @@-IL603
    USER 10001
    HEALTHCHECK CMD curl -fsS http://localhost:8000/healthz || exit 1
    CMD ["python", "-m", "app"]
""", "services/api/.dockerignore": GOOD_DOCKERIGNORE, "services/worker/Dockerfile": r"""
    FROM python:3.12.3-slim
    WORKDIR /app
    COPY . .
    CMD ["python", "-m", "worker"]
"""}, "IL001,IL101,IL201,IL301,IL603", targets=("services/api/Dockerfile",),
    scope=("services/api/Dockerfile",))


# =============================================================================================
# 7. nginx main config + conf.d fragments + snippets, mounted into compose
# =============================================================================================
add("repo-nginx-main-with-conf-d-fragments-and-snippets", {**GIT, "deploy/compose.yaml": r"""
    services:
      proxy:
        image: nginx:1.25.4-alpine
        ports:
          - "80:80"
          - "443:443"
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
          - ./nginx/conf.d:/etc/nginx/conf.d:ro
          - ./nginx/snippets:/etc/nginx/snippets:ro
      app:
        image: ghcr.io/acme/app:3.2.0
      docs:
        image: ghcr.io/acme/docs:3.2.0
""", "deploy/nginx/nginx.conf": r"""
    user nginx;
    worker_processes auto;
    events {
        worker_connections 1024;
    }
    http {                                                       @@-IL506
        default_type application/octet-stream;
        sendfile on;
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=perip:10m rate=20r/s;
        limit_req zone=perip burst=40 nodelay;
        add_header X-Content-Type-Options "nosniff" always;
        add_header X-Frame-Options "SAMEORIGIN" always;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        include conf.d/*.conf;
    }
""", "deploy/nginx/snippets/proxy-headers.conf": r"""
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
""", "deploy/nginx/conf.d/app.conf": r"""
    server {                                                     @@-IL501,-IL505,-IL506
        listen 80;
        server_name app.example.com;
        return 301 https://$host$request_uri;
    }
    server {                                                     @@-IL501,-IL506,-IL508
        listen 443 ssl;
        http2 on;
        server_name app.example.com;
        ssl_certificate /etc/nginx/certs/app.crt;
        ssl_certificate_key /etc/nginx/certs/app.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {                                             @@-IL503,-IL507
            include snippets/proxy-headers.conf;
            proxy_pass http://app:8080;                          @@-IL701
        }
        location /ws/ {                                          @@-IL503,-IL507
            include snippets/proxy-headers.conf;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://app:8080;                          @@-IL701
        }
    }
""", "deploy/nginx/conf.d/docs.conf": r"""
    server {                                                     @@IL505,-IL501,-IL508
        listen 80;
        server_name docs.example.com;
        root /usr/share/nginx/docs;
        location ~ /\. {
            deny all;
        }
        location / {
            try_files $uri $uri/ =404;
        }
    }
    server {                                                     @@IL501,-IL508,-IL506
        listen 443 ssl;
        server_name docs.example.com;
        ssl_certificate /etc/nginx/certs/docs.crt;
        ssl_certificate_key /etc/nginx/certs/docs.key;
        add_header Content-Security-Policy "default-src 'self'" always;
        root /usr/share/nginx/docs;
        location ~ /\. {
            deny all;
        }
        location /files {                                        @@IL509~a
            alias /srv/files/;                                   @@IL509~a
        }
        location / {
            try_files $uri $uri/ =404;
        }
    }
"""}, "IL001,IL003,IL501,IL503,IL505,IL506,IL507,IL508,IL509,IL701")


# =============================================================================================
# 8. the nginx image's default.conf mounted alone: a fragment with no main config in the tree
# =============================================================================================
add("repo-nginx-default-conf-fragment-alone", {**GIT, "deploy/docker-compose.yml": r"""
    services:
      web:
        image: nginx:1.25.4-alpine
        ports:
          - "8080:80"
        volumes:
          - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
          - ./public:/usr/share/nginx/html:ro
      api:
        image: ghcr.io/acme/api:2.0.1
        networks:
          default:
            aliases:
              - backend
""", "deploy/public/index.html": "<!doctype html><title>shop</title>\n",
    "deploy/nginx/default.conf": r"""
    server {                                                     @@IL501,IL508,-IL506
        listen 80;
        server_name localhost;
        root /usr/share/nginx/html;
        index index.html;
        location / {
            try_files $uri /index.html;
        }
        location /api/ {                                         @@IL503
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://backend:8000/;                     @@-IL701
        }
        location /auth/ {                                        @@IL503
            proxy_pass http://keycloak:8080/;                    @@IL701
        }
    }
"""}, "IL001,IL003,IL501,IL503,IL506,IL508,IL701")


# =============================================================================================
# 9. IL701: two compose projects in one repo; names only count inside their own project
# =============================================================================================
add("repo-il701-two-compose-projects-and-unmounted-config", {**GIT, "deploy/compose.yaml": r"""
    services:
      proxy:
        image: nginx:1.25.4-alpine
        ports:
          - "80:80"
        volumes:
          - ./nginx/app.conf:/etc/nginx/conf.d/default.conf:ro
      app:
        image: ghcr.io/acme/app:3.2.0
        networks:
          backend:
            aliases:
              - app-internal
    networks:
      backend: {}
""", "deploy/nginx/app.conf": r"""
    server {
        listen 80;
        server_name app.example.com;
        location / {
            proxy_pass http://app:8080;                          @@-IL701
        }
        location /internal/ {
            proxy_pass http://app-internal:8081;                 @@-IL701
        }
        location /grafana/ {
            proxy_pass http://grafana:3000/;                     @@IL701
        }
    }
""", "tools/observability/compose.yaml": r"""
    services:
      grafana:
        image: grafana/grafana:10.4.2
      prometheus:
        image: prom/prometheus:v2.51.2
      gateway:
        image: nginx:1.25.4-alpine
        ports:
          - "127.0.0.1:9000:80"
        volumes:
          - type: bind
            source: ./gateway.conf
            target: /etc/nginx/conf.d/default.conf
            read_only: true
""", "tools/observability/gateway.conf": r"""
    upstream grafana_up {
        server grafana:3000;                                     @@-IL701
    }
    upstream prom_up {
        server prometheus:9090 max_fails=3;                      @@-IL701
        server prometheus-replica:9090 backup;                   @@IL701
    }
    server {
        listen 80;
        location / {
            proxy_pass http://grafana_up;                        @@-IL701
        }
        location /prometheus/ {
            proxy_pass http://prom_up;                           @@-IL701
        }
        location /app/ {
            proxy_pass http://app:8080/;                         @@IL701
        }
    }
""", "docs/examples/nginx-site.conf": r"""
    server {
        listen 80;
        server_name example.com;
        location / {
            proxy_pass http://my-app:3000;                       @@-IL701
        }
    }
"""}, "IL001,IL701")


# =============================================================================================
# 10. compose.override.yaml for local development
# =============================================================================================
add("repo-compose-override-dev", {**GIT, "deploy/compose.yaml": r"""
    services:
      api:
        build: ../services/api                                   @@-IL702
        environment:
          DATABASE_URL: postgresql://shop:${POSTGRES_PASSWORD}@db:5432/shop   @@-IL601
      db:
        image: postgres:16.2-alpine
        environment:
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?required}      @@-IL601
        expose:
          - "5432"                                               @@-IL401
      cache:
        image: valkey/valkey:7.2.4-alpine
""", "deploy/compose.override.yaml": r"""
    services:
      api:
        build:
          context: ../services/api                               @@-IL702
          target: dev
        environment:
          DEBUG: "1"
          DJANGO_SECRET_KEY: q9w8e7r6t5y4u3i2o1p0a9s8d7f6g5h4    @@IL601
        volumes:
          - ../services/api:/app
        ports:
          - "8000:8000"
      db:
        ports:
          - "5432:5432"                                          @@IL401
      cache:
        ports:
          - "127.0.0.1:6379:6379"                                @@-IL401
      mailhog:
        image: mailhog/mailhog:v1.0.1
        ports:
          - "8025:8025"
          - "1025:1025"
      portainer:
        image: portainer/portainer-ce:2.19.5
        ports:
          - "127.0.0.1:9443:9443"
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock            @@IL205
          - portainer:/data
    volumes:
      portainer: {}
""", "services/api/Dockerfile": r"""
    FROM python:3.12.3-slim AS base
    WORKDIR /app
    FROM base AS dev
    CMD ["python", "-m", "app", "--reload"]
    FROM base
    USER 10001
    CMD ["python", "-m", "app"]
"""}, "IL001,IL002,IL202,IL205,IL206,IL401,IL601,IL702")


# =============================================================================================
# 11. a standalone docker-compose.prod.yml
# =============================================================================================
add("repo-compose-prod-file", {**GIT, "deploy/docker-compose.prod.yml": r"""
    services:
      traefik:                                                   @@IL301,-IL201,-IL302
        image: traefik                                           @@IL101
        command:
          - --providers.docker=true
          - --entrypoints.websecure.address=:443
        ports:
          - "443:443"                                            @@-IL401
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro         @@IL205
        deploy:
          resources:
            limits:
              memory: 256M
      api:                                                       @@-IL201,-IL301,-IL302
        image: registry.example.com/shop/api:${API_TAG:-1.4.2}   @@-IL101
        user: "10001"
        healthcheck:
          test: ["CMD", "curl", "-fsS", "http://localhost:8000/healthz"]
        deploy:
          replicas: 3
          resources:
            limits:
              cpus: "1.0"
              memory: 512M
      web:                                                       @@-IL201,-IL301,-IL302
        image: registry.example.com/shop/web:${WEB_TAG:-latest}  @@IL101
        user: "10001"
        healthcheck:
          test: ["CMD", "wget", "-qO-", "http://localhost:3000/"]
        mem_limit: 384m
      db:                                                        @@-IL201,-IL301,-IL302
        image: postgres:16.2-alpine
        ports:
          - "0.0.0.0:5432:5432"                                  @@IL401
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U shop"]
        mem_limit: 1g
      backup:                                                    @@IL301,-IL302
        image: registry.example.com/ops/pg-backup:2024.04
        user: root                                               @@IL201
        mem_limit: 256m
        environment:
          AWS_ACCESS_KEY_ID: AKIAZ7QW3ERT5YUI8OPA                @@IL601
          AWS_SECRET_ACCESS_KEY_FILE: /run/secrets/aws_secret    @@-IL601
          PGPASSWORD: ${PGPASSWORD}                              @@-IL601
          BACKUP_RETENTION_DAYS: 14
"""}, "IL001,IL101,IL201,IL205,IL301,IL302,IL401,IL601")


# =============================================================================================
# 12. .env files: templates, real leaks, and gitignored files the walk never reads
# =============================================================================================
add("repo-env-files-templates-leaks-and-gitignore", {**GIT, ".gitignore": r"""
    .env
    .env.local
    node_modules/
""", ".env": r"""
    DB_PASSWORD=Rk83mQz1Lp0vXw5T                                 @@-IL602
""", "services/web/.env.local": r"""
    NEXTAUTH_SECRET=6f1d9c2b8a7e4f3d0c5b9a8e7d6c5b4a             @@-IL602
""", ".env.example": r"""
    DB_PASSWORD=changeme                                         @@-IL602
    STRIPE_SECRET_KEY=sk_live_51HxYzAbCdEfGhIjKlMnOpQr           @@-IL602
""", "config/.env.dist": r"""
    JWT_SECRET=a8f5f167f44f4964e6c998dee827110c                  @@-IL602
""", "deploy/.env.sample": r"""
    API_TOKEN=8c1f0e2d9a7b6c5d4e3f                               @@-IL602
""", "deploy/.env.staging": r"""
    # copy to the server and fill in
    DB_PASSWORD=                                                 @@-IL602
    JWT_SECRET=changeme                                          @@-IL602
    STRIPE_SECRET_KEY=<your key>                                 @@-IL602
    API_TOKEN=xxx                                                @@-IL602
    LOG_LEVEL=info
""", "deploy/.env.production": r"""
    LOG_LEVEL=warning
    DB_HOST=db.internal
    DB_PASSWORD=Xk29fLq8VbN4Hs7w                                 @@IL602
    DATABASE_URL=postgres://shop:Xk29fLq8VbN4Hs7w@db.internal:5432/shop   @@IL602
    JWT_SECRET=9f86d081884c7d659a2feaa0c55ad015                  @@IL602
    JWT_EXPIRES_IN=15m                                           @@-IL602
    BCRYPT_ROUNDS=12                                             @@-IL602
    TLS_KEY_PATH=/etc/ssl/private/shop.key                       @@-IL602
    GITHUB_TOKEN=ghp_8bF3kQ9zX2mN7pL4vR6tY1wE5uI0oA3sD8fG        @@IL602
"""}, "IL001,IL602")


# =============================================================================================
# 13. plain Kubernetes manifests: Deployment + Service + Ingress + Secret + database
# =============================================================================================
add("repo-k8s-app-manifests", {**GIT, "k8s/namespace.yaml": r"""
    apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
""", "k8s/api-deployment.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      namespace: shop
      labels: {app: api}
    spec:
      replicas: 3
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            fsGroup: 10001
          initContainers:
            - name: wait-for-db                                  @@-IL201,-IL301,-IL302
              image: busybox                                     @@IL101
              command: ["sh", "-c", "until nc -z postgres 5432; do sleep 2; done"]
              securityContext:
                allowPrivilegeEscalation: false
              resources:
                limits: {memory: 32Mi}
            - name: migrate                                      @@-IL201,-IL301,-IL302
              image: registry.example.com/shop/api:1.4.2
              command: ["python", "manage.py", "migrate"]
              securityContext:
                allowPrivilegeEscalation: false
              resources:
                limits: {memory: 256Mi}
          containers:
            - name: api                                          @@-IL201,-IL203,-IL301,-IL302
              image: registry.example.com/shop/api:1.4.2         @@-IL101
              ports:
                - containerPort: 8000
              env:
                - name: DATABASE_PASSWORD                        @@-IL601
                  valueFrom:
                    secretKeyRef: {name: api-secrets, key: db-password}
                - name: LOG_LEVEL
                  value: info
              envFrom:
                - configMapRef: {name: api-config}
              readinessProbe:
                httpGet: {path: /healthz, port: 8000}
              livenessProbe:
                httpGet: {path: /healthz, port: 8000}
              resources:
                requests: {cpu: 100m, memory: 256Mi}
                limits: {memory: 512Mi}
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
            - name: metrics                                      @@IL203!low,IL301,IL302,-IL201
              image: prom/statsd-exporter:v0.26.1
              ports:
                - containerPort: 9102
""", "k8s/api-service.yaml": r"""
    apiVersion: v1
    kind: Service
    metadata:
      name: api
      namespace: shop
    spec:
      selector: {app: api}
      ports:
        - port: 80
          targetPort: 8000
""", "k8s/ingress.yaml": r"""
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:                                                    @@-IL503
      name: shop
      namespace: shop
      annotations:
        cert-manager.io/cluster-issuer: letsencrypt
        nginx.ingress.kubernetes.io/limit-rps: "20"
    spec:
      ingressClassName: nginx
      tls:
        - hosts: [shop.example.com]
          secretName: shop-tls
      rules:
        - host: shop.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: api, port: {number: 80}}
""", "k8s/secret.yaml": r"""
    apiVersion: v1                                               @@IL602~s
    kind: Secret                                                 @@IL602~s
    metadata:                                                    @@IL602~s
      name: api-secrets                                          @@IL602~s
      namespace: shop
    type: Opaque                                                 @@IL602~s
    data:                                                        @@IL602~s
      db-password: WGsyOWZMcThWYk40SHM3dw==                      @@IL602~s
""", "k8s/postgres.yaml": r"""
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: postgres
      namespace: shop
    spec:
      serviceName: postgres
      replicas: 1
      selector:
        matchLabels: {app: postgres}
      template:
        metadata:
          labels: {app: postgres}
        spec:
          securityContext:
            runAsUser: 999
            fsGroup: 999
          containers:
            - name: postgres                                     @@-IL201,-IL203,-IL301,-IL302
              image: postgres:16.2-alpine
              env:
                - name: POSTGRES_PASSWORD                        @@-IL601
                  valueFrom:
                    secretKeyRef: {name: api-secrets, key: db-password}
              ports:
                - containerPort: 5432                            @@-IL401
              readinessProbe:
                exec:
                  command: ["pg_isready", "-U", "postgres"]
              resources:
                limits: {memory: 1Gi}
              securityContext:
                allowPrivilegeEscalation: false
    ---
    apiVersion: v1                                               @@IL401~p
    kind: Service                                                @@IL401~p
    metadata:                                                    @@IL401~p
      name: postgres-external                                    @@IL401~p
      namespace: shop
    spec:                                                        @@IL401~p
      type: NodePort                                             @@IL401~p
      selector: {app: postgres}                                  @@IL401~p
      ports:                                                     @@IL401~p
        - port: 5432                                             @@IL401~p
          targetPort: 5432                                       @@IL401~p
          nodePort: 30432                                        @@IL401~p
"""}, "IL001,IL002,IL101,IL201,IL202,IL203,IL204,IL205,IL206,IL301,IL302,IL401,IL503,IL601,IL602")


# =============================================================================================
# 14. Kubernetes secrets and env sources
# =============================================================================================
add("repo-k8s-secret-kinds-and-env-sources", {**GIT, "k8s/secrets/app-secret.yaml": r"""
    apiVersion: v1                                               @@IL602~a
    kind: Secret                                                 @@IL602~a
    metadata:                                                    @@IL602~a
      name: worker-secrets                                       @@IL602~a
    type: Opaque                                                 @@IL602~a
    stringData:                                                  @@IL602~a
      broker-url: amqp://worker:Xk29fLq8VbN4@rabbitmq:5672/      @@IL602~a
""", "k8s/secrets/sealed.yaml": r"""
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret                                           @@-IL602
    metadata:
      name: stripe
    spec:
      encryptedData:
        api-key: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq3k5Lq2mT+vF8pXJ0aN1==   @@-IL602
""", "k8s/secrets/sa-token.yaml": r"""
    apiVersion: v1
    kind: Secret                                                 @@-IL602
    metadata:
      name: ci-deployer-token
      annotations:
        kubernetes.io/service-account.name: ci-deployer
    type: kubernetes.io/service-account-token
""", "k8s/secrets/external-secret.yaml": r"""
    apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret                                         @@-IL602
    metadata:
      name: payments
    spec:
      secretStoreRef: {name: vault, kind: ClusterSecretStore}
      target: {name: payments-secrets}
      data:
        - secretKey: stripe-key                                  @@-IL602
          remoteRef: {key: prod/payments, property: stripe_key}
""", "k8s/worker.yaml": r"""
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
              image: ghcr.io/acme/worker:2.3.0
              env:
                - name: BROKER_URL
                  valueFrom:
                    secretKeyRef: {name: worker-secrets, key: broker-url}
                - name: STRIPE_API_KEY                           @@IL601~k
                  value: sk_live_51HxYzAbCdEfGhIjKlMnOpQr        @@IL601~k
                - name: ADMIN_PASSWORD                           @@IL601~c
                  value: changeme                                @@IL601~c%placeholder
                - name: JWT_SECRET                               @@-IL601
                  value: "$(JWT_SECRET_FROM_VAULT)"              @@-IL601
                - name: TOKEN_TTL                                @@-IL601
                  value: "3600"                                  @@-IL601
                - name: SESSION_SECRET_FILE                      @@-IL601
                  value: /var/run/secrets/session                @@-IL601
                - name: RESULT_BACKEND                           @@IL601~r
                  value: redis://celery:Hk3mP9qL2wXzT5@redis:6379/1   @@IL601~r
              envFrom:
                - secretRef: {name: worker-secrets}
"""}, "IL001,IL601,IL602")


# =============================================================================================
# 15. a Helm chart: templates are skipped (never broken, never linted), values.yaml is no manifest
# =============================================================================================
add("repo-helm-chart-templates-skipped", {**GIT, "charts/shop/Chart.yaml": r"""
    apiVersion: v2
    name: shop
    description: The shop application
    type: application
    version: 0.4.2
    appVersion: "1.4.2"
""", "charts/shop/values.yaml": r"""
    replicaCount: 2
    image:
      repository: registry.example.com/shop/api
      tag: latest                                                @@-IL101
    service:
      type: NodePort
      port: 5432                                                 @@-IL401
    env:
      DB_PASSWORD: Xk29fLq8VbN4Hs7w                              @@-IL601
""", "charts/shop/templates/_helpers.tpl": r"""
    {{- define "shop.fullname" -}}
    {{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
    {{- end }}
""", "charts/shop/templates/deployment.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ include "shop.fullname" . }}
      labels:
        {{- include "shop.labels" . | nindent 4 }}
    spec:
      replicas: {{ .Values.replicaCount }}
      template:
        spec:
          containers:
            - name: {{ .Chart.Name }}                            @@-IL201,-IL301,-IL302,-IL203
              image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
              {{- with .Values.resources }}
              resources:
                {{- toYaml . | nindent 16 }}
              {{- end }}
""", "charts/shop/templates/redis.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: redis
    spec:
      selector:
        matchLabels: {app: redis}
      template:
        metadata:
          labels: {app: redis}
        spec:
          containers:
            - name: redis                                        @@-IL201,-IL203,-IL301,-IL302
              image: redis                                       @@-IL101
              env:
                - name: REDIS_PASSWORD                           @@-IL601
                  value: Hk3mP9qL2wXzT5vB                        @@-IL601
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: redis
    spec:
      type: LoadBalancer                                         @@-IL401
      selector: {app: redis}
      ports:
        - port: 6379                                             @@-IL401
""", "charts/shop/templates/secret.yaml": r"""
    apiVersion: v1
    kind: Secret                                                 @@-IL602
    metadata:
      name: shop-static
    stringData:
      api-token: 8c1f0e2d9a7b6c5d4e3f2a1b0c9d8e7f                @@-IL602
""", "charts/shop/templates/NOTES.txt": r"""
    Get the application URL by running:
      kubectl get svc {{ include "shop.fullname" . }}
""", "deploy/k8s/debug-pod.yaml": r"""
    apiVersion: v1
    kind: Pod
    metadata:
      name: debug
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: shell                                            @@IL301,-IL201,-IL203,-IL302
          image: busybox                                         @@IL101
          command: ["sleep", "infinity"]
          securityContext:
            allowPrivilegeEscalation: false
          resources:
            limits:
              memory: 64Mi
"""}, "IL001,IL101,IL201,IL203,IL301,IL302,IL401,IL503,IL601,IL602",
    skipped=[("charts/shop/templates/deployment.yaml", ("helm",)),
             ("charts/shop/templates/redis.yaml", ("helm",)),
             ("charts/shop/templates/secret.yaml", ("helm",))])


# =============================================================================================
# 16. kustomize base + overlays with patches (skipped) and overlay resources (linted)
# =============================================================================================
add("repo-kustomize-base-overlays-patches", {**GIT, "k8s/base/kustomization.yaml": r"""
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources:
      - deployment.yaml
      - service.yaml
""", "k8s/base/deployment.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      replicas: 1
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
            - name: api                                          @@IL302,-IL201,-IL203,-IL301
              image: ghcr.io/acme/api:1.0.0                      @@-IL101
              ports:
                - containerPort: 8080
              readinessProbe:
                httpGet: {path: /ready, port: 8080}
              securityContext:
                allowPrivilegeEscalation: false
""", "k8s/base/service.yaml": r"""
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      selector: {app: api}
      ports:
        - port: 80
          targetPort: 8080
""", "k8s/overlays/prod/kustomization.yaml": r"""
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    namespace: shop-prod
    resources:
      - ../../base
      - ingress.yaml
    patches:
      - path: deployment-resources.yaml
      - path: deployment-replicas.yaml
        target:
          kind: Deployment
          name: api
    images:
      - name: ghcr.io/acme/api
        newTag: 1.4.2
""", "k8s/overlays/prod/deployment-resources.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: api                                          @@-IL101,-IL201,-IL203,-IL301,-IL302
              resources:
                limits:
                  memory: 1Gi
""", "k8s/overlays/prod/deployment-replicas.yaml": r"""
    - op: replace
      path: /spec/replicas
      value: 4
""", "k8s/overlays/prod/ingress.yaml": r"""
    apiVersion: networking.k8s.io/v1                             @@IL503~i
    kind: Ingress                                                @@IL503~i
    metadata:                                                    @@IL503~i
      name: api                                                  @@IL503~i
      annotations:                                               @@IL503~i
        cert-manager.io/cluster-issuer: letsencrypt
    spec:                                                        @@IL503~i
      ingressClassName: nginx                                    @@IL503~i
      rules:
        - host: api.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: api, port: {number: 80}}
""", "k8s/overlays/staging/kustomization.yaml": r"""
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    namespace: shop-staging
    resources:
      - ../../base
    patchesStrategicMerge:
      - debug-sidecar.yaml
""", "k8s/overlays/staging/debug-sidecar.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: debug                                        @@-IL201,-IL203,-IL301,-IL302
              image: busybox:latest                              @@-IL101
              command: ["sleep", "infinity"]
              securityContext:
                privileged: true                                 @@-IL202
"""}, "IL001,IL101,IL201,IL202,IL203,IL301,IL302,IL401,IL503,IL601,IL602",
    skipped=[("k8s/overlays/prod/deployment-resources.yaml", ("kustomize", "patch")),
             ("k8s/overlays/staging/debug-sidecar.yaml", ("kustomize", "patch"))])


# =============================================================================================
# 17. a monorepo of Dockerfiles: base-image tags, users, remote code
# =============================================================================================
add("repo-dockerfiles-base-images-users-remote-code", {**GIT, "services/gateway/Dockerfile": r"""
    # syntax=docker/dockerfile:1.7
    ARG GO_VERSION=1.22.2
    FROM golang:${GO_VERSION}-alpine AS build                    @@-IL101
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN go mod download
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/gateway ./cmd/gateway

    FROM gcr.io/distroless/static-debian12@sha256:9b2f0a3c1d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8   @@IL201,-IL101
    COPY --from=build /out/gateway /gateway
    ENTRYPOINT ["/gateway"]
""", "services/gateway/.dockerignore": GOOD_DOCKERIGNORE, "services/worker/Dockerfile": r"""
    FROM registry.internal:5000/base/python                      @@IL101
    WORKDIR /app
    COPY . .
    USER 10001
    CMD ["python", "-m", "worker"]
""", "services/worker/.dockerignore": GOOD_DOCKERIGNORE, "services/reports/Dockerfile": r"""
    FROM registry.internal:5000/base/python:3.12.3               @@-IL101
    WORKDIR /app
    COPY . .
    USER 10001:10001                                             @@-IL201
    CMD ["python", "-m", "reports"]
""", "services/reports/.dockerignore": GOOD_DOCKERIGNORE, "services/ml/Dockerfile": r"""
    ARG CUDA_TAG=latest
    FROM nvidia/cuda:${CUDA_TAG}                                 @@IL101
    RUN useradd --uid 10001 ml
    USER ml
    CMD ["python3", "serve.py"]
""", "services/static/Dockerfile": r"""
    FROM node:20.12-alpine AS build
    WORKDIR /app
    COPY . .
    RUN npm ci && npm run build

    FROM scratch AS export                                       @@IL201,-IL101
    COPY --from=build /app/dist /
""", "services/static/.dockerignore": GOOD_DOCKERIGNORE, "services/legacy/Dockerfile": r"""
    FROM ubuntu:22.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \    @@IL103~r
     && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \                             @@IL103~r
     && apt-get install -y nodejs \
     && rm -rf /var/lib/apt/lists/*
    ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini                    @@IL103
    ADD ./bin/entrypoint.sh /entrypoint.sh                                                     @@-IL103
    RUN chmod +x /tini /entrypoint.sh
    USER nobody
    USER root                                                                                  @@IL201
    ENTRYPOINT ["/tini", "--", "/entrypoint.sh"]
"""}, "IL001,IL101,IL103,IL201")


# =============================================================================================
# 18. secrets in compose environment (list form) and Dockerfile ENV/ARG/RUN
# =============================================================================================
add("repo-secrets-compose-env-and-dockerfile", {**GIT, "services/api/Dockerfile": r"""
    FROM python:3.12.3-slim
    ARG PIP_INDEX_URL=https://ci:Zx81kLmN0pQrSt@pypi.internal.example.com/simple   @@IL601
    ARG NPM_TOKEN                                                @@IL601
    ARG APP_VERSION=1.4.2                                        @@-IL601
    ENV APP_ENV=production \
        SECRET_KEY_LENGTH=64 \
        JWT_ALGORITHM=HS256
    ENV SENTRY_AUTH_TOKEN=7c2e9a4f1b8d3e6a0c5f9b2d8e1a4c7f3b6d9e2a5c8f1b4d   @@IL601
    RUN --mount=type=secret,id=pip,target=/root/.config/pip/pip.conf pip install -r requirements.txt   @@-IL601
    RUN aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"         @@-IL601
    USER 10001
""", "services/api/.dockerignore": GOOD_DOCKERIGNORE, "deploy/compose.yaml": r"""
    services:
      api:
        build:
          context: ../services/api
          args:
            NPM_TOKEN: ${NPM_TOKEN}                              @@-IL601
            APP_VERSION: 1.4.2
        environment:
          - DJANGO_SETTINGS_MODULE=shop.settings
          - DJANGO_SECRET_KEY=q9w8e7r6t5y4u3i2o1p0a9s8d7f6g5h4   @@IL601
          - DATABASE_URL=postgres://shop:${POSTGRES_PASSWORD}@db/shop   @@-IL601
          - SMTP_PASSWORD=changeme                               @@IL601%placeholder
          - REDIS_PASSWORD=                                      @@-IL601
          - JWT_EXPIRES_IN=3600                                  @@-IL601
          - CACHE_URL=redis://default:Hk3mP9qL2wXzT5@cache:6379/0   @@IL601
      worker:
        image: ghcr.io/acme/worker:2.3.0
        environment:
          GITHUB_TOKEN: ghp_8bF3kQ9zX2mN7pL4vR6tY1wE5uI0oA3sD8fG  @@IL601
          AUTH_TOKEN_HEADER: X-Auth-Token                        @@-IL601
          FEATURE_AUTH_ENABLED: "true"                           @@-IL601
          API_KEY: ${API_KEY:-}                                  @@-IL601
          SLACK_WEBHOOK_TOKEN_FILE: /run/secrets/slack           @@-IL601
"""}, "IL001,IL601")


# =============================================================================================
# 19. nginx TLS edge: weak protocols/ciphers, HSTS, redirects, a server that drops http headers
# =============================================================================================
add("repo-nginx-tls-edge", {**GIT, "infra/nginx/nginx.conf": r"""
    worker_processes auto;
    events {}
    http {                                                       @@-IL506
        server_tokens off;
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2;                     @@IL504
        ssl_ciphers HIGH:!aNULL:!MD5:!3DES;                      @@-IL504
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        include sites/*.conf;
    }
""", "infra/nginx/sites/www.conf": r"""
    server {                                                     @@-IL501,-IL505
        listen 80;
        server_name www.example.com example.com;
        location / {
            return 301 https://www.example.com$request_uri;
        }
    }
    server {                                                     @@-IL501,-IL508
        listen 443 ssl;
        server_name www.example.com;
        ssl_certificate /etc/ssl/www.crt;
        ssl_certificate_key /etc/ssl/www.key;
        ssl_protocols TLSv1.2 TLSv1.3;                           @@-IL504
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;
        root /srv/www;
        location ~ /\.(?!well-known) {
            deny all;
        }
    }
""", "infra/nginx/sites/shop.conf": r"""
    server {                                                     @@IL505
        listen 80;
        server_name shop.example.com;
        root /srv/shop;
        location ~ /\. {
            deny all;
        }
        location / {
            try_files $uri /index.html;
        }
    }
    server {                                                     @@IL501
        listen 443 ssl;
        server_name shop.example.com;
        ssl_certificate /etc/ssl/shop.crt;
        ssl_certificate_key /etc/ssl/shop.key;
        ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA;    @@IL504
        add_header Strict-Transport-Security "max-age=86400" always;   @@IL510
        root /srv/shop;
        location ~ /\. {
            deny all;
        }
        location / {
            try_files $uri /index.html;
        }
    }
"""}, "IL001,IL003,IL501,IL504,IL505,IL506,IL508,IL510")


# =============================================================================================
# 20. nginx nested blocks dropping inherited headers and proxy headers
# =============================================================================================
add("repo-nginx-nested-drops-in-included-site", {**GIT, "deploy/nginx/nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        include conf.d/*.conf;
    }
""", "deploy/nginx/conf.d/api.conf": r"""
    server {
        listen 80;
        server_name api.example.com;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        limit_req zone=api burst=20 nodelay;
        location / {                                             @@-IL502,-IL507,-IL503
            proxy_pass http://api:8000;
        }
        location /downloads/ {                                   @@IL502~d,-IL503,-IL507
            add_header Cache-Control "public, max-age=86400";    @@IL502~d
            proxy_pass http://api:8000;
        }
        location /socket/ {                                      @@IL507~w,-IL502,-IL503
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;              @@IL507~w
            proxy_set_header Connection "upgrade";               @@IL507~w
            proxy_pass http://api:8000;
        }
        location /upload/ {                                      @@IL503~u,-IL502,-IL507
            limit_req_dry_run on;                                @@IL503~u
            proxy_pass http://api:8000;
        }
        location /legacy/ {                                      @@-IL502,-IL503
            proxy_set_header Host $http_host;                    @@IL507
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://legacy:8080;
        }
    }
"""}, "IL001,IL003,IL502,IL503,IL507")


# =============================================================================================
# 21. scanning only deploy/: build contexts outside exist (no IL702), nothing reported outside
# =============================================================================================
add("repo-scan-deploy-dir-only", {**GIT, "deploy/compose.yaml": r"""
    services:
      api:
        build: ../services/api                                   @@-IL702
        image: ghcr.io/acme/api:1.4.2
      web:
        build:
          context: ../services/web                               @@-IL702
          dockerfile: Dockerfile.prod                            @@-IL702
      jobs:
        build:                                                   @@IL702~g
          context: ./jobs                                        @@IL702~g
""", "services/api/Dockerfile": r"""
    FROM python                                                  @@-IL101
    COPY . .                                                     @@-IL603
    CMD ["python", "-m", "app"]
""", "services/web/Dockerfile.prod": r"""
    FROM node                                                    @@-IL101
    COPY . .                                                     @@-IL603
    CMD ["node", "server.js"]
"""}, "IL001,IL101,IL603,IL702", targets=("deploy",))


# =============================================================================================
# 22. x- extension fields with merge keys over built services
# =============================================================================================
add("repo-compose-merge-key-defaults-over-builds", {**GIT, "deploy/compose.yaml": r"""
    x-service-defaults: &defaults
      restart: unless-stopped
      mem_limit: 512m
      healthcheck:
        test: ["CMD", "curl", "-fsS", "http://localhost:8080/health"]
        interval: 30s
      logging:
        driver: json-file
        options:
          max-size: 10m
    services:
      orders:                                                    @@-IL201,-IL301,-IL302
        <<: *defaults
        build: ../services/orders
      payments:                                                  @@IL201,-IL301,-IL302
        <<: *defaults
        build:
          context: ../services/payments
      notifier:                                                  @@IL301~n,-IL201,-IL302
        <<: *defaults
        image: ghcr.io/acme/notifier:0.9.3
        healthcheck:                                             @@IL301~n
          disable: true                                          @@IL301~n
""", "services/orders/Dockerfile": r"""
    FROM eclipse-temurin:21.0.2_13-jre-alpine                    @@IL301!low,-IL201
    WORKDIR /app
    COPY build/libs/orders.jar app.jar
    USER 10001
    ENTRYPOINT ["java", "-jar", "app.jar"]
""", "services/payments/Dockerfile": r"""
    FROM eclipse-temurin:21.0.2_13-jre-alpine                    @@IL201,IL301!low
    WORKDIR /app
    COPY . .                                                     @@-IL603
    ENTRYPOINT ["java", "-jar", "build/libs/payments.jar"]
""", "services/payments/.dockerignore": GOOD_DOCKERIGNORE},
    "IL001,IL101,IL201,IL301,IL302,IL603,IL702")


# =============================================================================================
# 23. inline ignores across formats in one repository
# =============================================================================================
add("repo-inline-ignores-across-formats", {**GIT, "deploy/compose.yaml": r"""
    services:
      db:
        image: postgres:16.2-alpine
        # infralint: ignore=IL401 -- CI runs the integration tests against the published port
        ports:
          - "5432:5432"                                          @@-IL401
          - "5433:5432"                                          @@-IL401
      cache:
        image: redis:7.2.4-alpine
        ports:
          - "6379:6379"                                          @@IL401
""", "services/edge/Dockerfile": r"""
    FROM nginx:1.25.4-alpine
    COPY nginx.conf /etc/nginx/nginx.conf
    # infralint: ignore=root-user -- nginx master must start as root to bind :80
    USER root                                                    @@-IL201
""", "services/edge/nginx.conf": r"""
    events {}
    http {
        server_tokens off;
        server {
            listen 80;
            server_name _;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            # infralint: ignore=IL503 -- rate limited by the cloud load balancer
            location / {                                         @@-IL503
                proxy_pass http://app:8080;
            }
            location /admin/ {                                   @@IL503
                proxy_pass http://admin:9000;
            }
        }
    }
""", "k8s/cronjob.yaml": r"""
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: report
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            metadata:
              annotations:
                infralint.io/ignore: "IL201: the vendor image needs root, tracked in OPS-142"
            spec:
              restartPolicy: OnFailure
              containers:
                - name: report                                   @@-IL201
                  image: ghcr.io/acme/report:1.2.0
"""}, "IL001,IL201,IL401,IL503")


# =============================================================================================
# 24. a merge-conflict leftover: duplicate keys in compose and Kubernetes
# =============================================================================================
add("repo-duplicate-keys-after-merge", {**GIT, "deploy/compose.yaml": r"""
    services:
      api:
        image: ghcr.io/acme/api:1.4.2                            @@-IL101,-IL002
        mem_limit: 512m
        image: ghcr.io/acme/api:latest                           @@IL002,IL101
      web:
        image: ghcr.io/acme/web:2.0.0                            @@-IL101,-IL002
""", "k8s/deployment.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      replicas: 2                                                @@-IL002
      replicas: 3                                                @@IL002
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: ghcr.io/acme/api:latest                     @@-IL101,-IL002
              image: ghcr.io/acme/api:1.4.2                      @@IL002,-IL101
"""}, "IL001,IL002,IL101")


# =============================================================================================
# 25. a broken manifest among good ones: IL001 with a line, the rest still linted
# =============================================================================================
add("repo-broken-manifest-among-good-ones", {**GIT, "k8s/good.yaml": r"""
    apiVersion: v1
    kind: Pod
    metadata:
      name: tools
    spec:
      containers:
        - name: tools
          image: alpine                                          @@IL101
          command: ["sleep", "infinity"]
""", "k8s/multi.yaml": r"""
    apiVersion: v1
    kind: Pod
    metadata:
      name: first
    spec:
      containers:
        - name: first
          image: nginx:latest                                    @@IL101
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: second
    spec:
      containers:
        - name: second
          image: nginx:1.25.4                                    @@IL001~b
            command: ["sleep"]                                   @@IL001~b
"""}, "IL001,IL101")


# =============================================================================================
# 26. Ingress classes: only nginx-class Ingresses need a rate-limit annotation
# =============================================================================================
add("repo-k8s-ingress-classes", {**GIT, "k8s/ingress/public.yaml": r"""
    apiVersion: networking.k8s.io/v1                             @@IL503~p
    kind: Ingress                                                @@IL503~p
    metadata:                                                    @@IL503~p
      name: public                                               @@IL503~p
      annotations:                                               @@IL503~p
        nginx.ingress.kubernetes.io/proxy-body-size: 20m
    spec:                                                        @@IL503~p
      ingressClassName: nginx                                    @@IL503~p
      defaultBackend:
        service: {name: web, port: {number: 80}}
""", "k8s/ingress/api.yaml": r"""
    apiVersion: networking.k8s.io/v1
    kind: Ingress                                                @@-IL503
    metadata:
      name: api
      annotations:
        kubernetes.io/ingress.class: nginx
        nginx.ingress.kubernetes.io/limit-connections: "10"
    spec:
      rules:
        - host: api.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: api, port: {number: 80}}
""", "k8s/ingress/traefik.yaml": r"""
    apiVersion: networking.k8s.io/v1
    kind: Ingress                                                @@-IL503
    metadata:
      name: dashboard
    spec:
      ingressClassName: traefik
      defaultBackend:
        service: {name: dashboard, port: {number: 80}}
""", "k8s/ingress/admin.yaml": r"""
    apiVersion: networking.k8s.io/v1
    kind: Ingress                                                @@-IL503
    metadata:
      name: admin
      annotations:
        nginx.ingress.kubernetes.io/limit-rpm: "120"
        nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8
    spec:
      ingressClassName: nginx
      defaultBackend:
        service: {name: admin, port: {number: 80}}
"""}, "IL001,IL503")


# =============================================================================================
# 27. IL701: the project is compose.yaml + compose.override.yaml; `include:`d files count too
# =============================================================================================
add("repo-il701-services-from-override-file", {**GIT, "compose.yaml": r"""
    services:
      edge:
        image: nginx:1.25.4-alpine
        ports:
          - "80:80"
        volumes:
          - ./edge/site.conf:/etc/nginx/conf.d/default.conf:ro
      app:
        image: ghcr.io/acme/app:3.2.0
""", "compose.override.yaml": r"""
    services:
      mailpit:
        image: axllent/mailpit:v1.17
""", "edge/site.conf": r"""
    server {
        listen 80;
        location / {
            proxy_pass http://app:8080;                          @@-IL701
        }
        location /mail/ {
            proxy_pass http://mailpit:8025/;                     @@-IL701
        }
        location /kibana/ {
            proxy_pass http://kibana:5601/;                      @@IL701
        }
    }
"""}, "IL001,IL701")

add("repo-il701-services-from-include-and-override", {**GIT, "compose.yaml": r"""
    include:
      - ops/monitoring.compose.yaml
    services:
      edge:
        image: nginx:1.25.4-alpine
        ports:
          - "80:80"
        volumes:
          - ./edge/site.conf:/etc/nginx/conf.d/default.conf:ro
      app:
        image: ghcr.io/acme/app:3.2.0
""", "compose.override.yaml": r"""
    services:
      mailpit:
        image: axllent/mailpit:v1.17
""", "ops/monitoring.compose.yaml": r"""
    services:
      grafana:
        image: grafana/grafana:10.4.2
""", "edge/site.conf": r"""
    server {
        listen 80;
        location / {
            proxy_pass http://app:8080;                          @@-IL701
        }
        location /mail/ {
            proxy_pass http://mailpit:8025/;                     @@-IL701
        }
        location /grafana/ {
            proxy_pass http://grafana:3000/;                     @@-IL701
        }
        location /kibana/ {
            proxy_pass http://kibana:5601/;                      @@IL701
        }
    }
"""}, "IL001,IL701")


# =============================================================================================
# 28. HEALTHCHECK NONE in the final stage disables an inherited healthcheck, for compose too
# =============================================================================================
add("repo-healthcheck-none-in-final-stage", {**GIT, "deploy/compose.yaml": r"""
    services:
      api:                                                       @@-IL301
        build:
          context: ../services/api
          target: server
        mem_limit: 512m
      cron:                                                      @@IL301
        build:
          context: ../services/api
        mem_limit: 256m
""", "services/api/Dockerfile": r"""
    FROM python:3.12.3-slim AS base
    WORKDIR /app
    USER 10001
    HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/healthz || exit 1

    FROM base AS server                                          @@-IL301
    CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]

    FROM base AS cron                                            @@IL301~h!low
    HEALTHCHECK NONE                                             @@IL301~h!low
    CMD ["supercronic", "/app/crontab"]
"""}, "IL001,IL301")


# =============================================================================================
# 29. IL401 by selector across files: a LoadBalancer in front of a Redis on a custom port
# =============================================================================================
add("repo-k8s-lb-selects-db-workload-in-other-file", {**GIT, "k8s/redis/statefulset.yaml": r"""
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: cache
    spec:
      serviceName: cache
      selector:
        matchLabels: {app: cache, tier: data}
      template:
        metadata:
          labels: {app: cache, tier: data}
        spec:
          containers:
            - name: redis
              image: redis:7.2.4-alpine
              args: ["--port", "16379"]
""", "k8s/redis/service.yaml": r"""
    apiVersion: v1                                               @@IL401~l
    kind: Service                                                @@IL401~l
    metadata:                                                    @@IL401~l
      name: cache-public                                         @@IL401~l
    spec:                                                        @@IL401~l
      type: LoadBalancer                                         @@IL401~l
      selector: {app: cache}                                     @@IL401~l
      ports:                                                     @@IL401~l
        - port: 16379                                            @@IL401~l
          targetPort: 16379                                      @@IL401~l
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: cache-internal-lb
      annotations:
        service.beta.kubernetes.io/aws-load-balancer-internal: "true"
    spec:
      type: LoadBalancer                                         @@-IL401
      selector: {app: cache}
      ports:
        - port: 16379                                            @@-IL401
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: web-public
    spec:
      type: LoadBalancer                                         @@-IL401
      selector: {app: web}
      ports:
        - port: 443                                              @@-IL401
          targetPort: 8443
""", "k8s/web.yaml": r"""
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
              image: ghcr.io/acme/web:2.0.0
"""}, "IL001,IL401")


# =============================================================================================
# 30. pre-commit passes a Helm template explicitly: still skipped, never broken
# =============================================================================================
add("repo-helm-template-named-on-command-line", {**GIT, "charts/api/Chart.yaml": r"""
    apiVersion: v2
    name: api
    version: 1.0.0
""", "charts/api/templates/deployment.yaml": r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ .Release.Name }}-api
      labels:
        {{- include "api.labels" . | nindent 4 }}
    spec:
      template:
        spec:
          containers:
            - name: api                                          @@-IL201,-IL301,-IL302,-IL203
              image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"   @@-IL101
"""}, "IL001,IL101,IL201,IL203,IL301,IL302", targets=("charts/api/templates/deployment.yaml",))


# ---------------------------------------------------------------------------------------------
# Known implementation bugs (strict xfail): id -> reason citing RULES.md
# ---------------------------------------------------------------------------------------------
XFAIL: dict[str, str] = {}
apply_xfails(CASES, XFAIL)



@pytest.mark.parametrize("case", params(CASES))
def test_spec_repo_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    check(case, tmp_path)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_spec_repo_no_duplicate_findings(case: Case, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """No finding is reported twice (same rule, path and line). IL501 may legitimately report
    several missing headers of one server at the server line, so there the message counts too."""
    monkeypatch.chdir(tmp_path)
    doc = lint(case, tmp_path)
    seen = Counter((f["rule_id"], f["path"], f["line"], f["message"] if f["rule_id"] == "IL501" else "")
                   for f in doc["findings"])
    dups = [k for k, n in seen.items() if n > 1]
    assert not dups, dups


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_spec_repo_paths_relative_and_slashed(case: Case, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """CONTRACT: `path` is relative to the current directory when the file is inside it,
    `/`-separated; no finding names a path outside the scanned root."""
    monkeypatch.chdir(tmp_path)
    doc = lint(case, tmp_path)
    roots = [t.rstrip("/") for t in case.targets]
    bad = []
    for f in doc["findings"]:
        p = f["path"]
        if p.startswith("/") or "\\" in p or p.startswith("./") or ".." in p.split("/") or ":" in p:
            bad.append(("not relative/slashed", p))
        elif not (tmp_path / p).is_file():
            bad.append(("no such file", p))
        elif "." not in roots and not any(p == r or p.startswith(r + "/") for r in roots):
            bad.append(("outside the scanned root", p))
    for s in doc["files"]["skipped"]:
        p = s["path"]
        if (tmp_path / p).exists() and (p.startswith("/") or "\\" in p):
            bad.append(("skipped path not relative/slashed", p))
    assert not bad, bad


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.id in SKIPPED])
def test_spec_repo_skipped_with_reason(case: Case, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """CONTRACT: Helm templates and kustomize patches are skipped with a reason, listed in
    files.skipped, never reported as broken."""
    monkeypatch.chdir(tmp_path)
    doc = lint(case, tmp_path)
    skipped = {s["path"]: s.get("reason", "") for s in doc["files"]["skipped"]}
    missing = [(p, words) for p, words in SKIPPED[case.id]
               if p not in skipped or not any(w in skipped[p].lower() for w in words)]
    assert not missing, {"missing": missing, "skipped": skipped}
    assert not [f for f in doc["findings"] if f["path"] in skipped], "skipped files have findings"
