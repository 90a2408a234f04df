"""Which format a file is, by name first and content second (CONTRACT.md, "Command line")."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

_DOCKERFILE_CONTENT = re.compile(r"^\s*FROM\s+\S", re.IGNORECASE | re.MULTILINE)
_ENV_LINE = re.compile(r"^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=")
_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl", ".tpl")
# Folders nginx packages and deployments keep server configs in, often named after the site with
# no `.conf` (`sites-available/example.com`, `conf.d/default`): any file there is a candidate,
# kept only when its content reads as nginx.
_NGINX_FOLDERS = frozenset({"sites-available", "sites-enabled", "conf.d", "vhosts.d", "http.d", "stream.d"})
_NOT_CONFIG = (".md", ".txt", ".rst", ".html", ".json", ".sh", ".py", ".js", ".bak", ".orig", ".swp", ".pem",
               ".key", ".crt", ".csr")


def by_name(name: str, folder: str = "") -> str | None:
    """Format implied by a file name (and the folder holding it): dockerfile, compose, yaml,
    nginx?, env, dockerignore."""
    low = name.lower()
    if low.endswith(".dockerignore"):
        return "dockerignore"
    if low in ("dockerfile", "containerfile") or low.endswith(".dockerfile") or low.startswith(("dockerfile.", "containerfile.")):
        return "dockerfile"
    if low.endswith((".yaml", ".yml")):
        if re.match(r"^(docker-)?compose[^/]*\.ya?ml$", low):
            return "compose"
        return "yaml"
    if low == ".env" or low.startswith(".env.") or low.endswith(".env"):
        return "env"
    if low.endswith(".conf") or low.startswith("nginx"):
        return "nginx?"
    if folder.lower() in _NGINX_FOLDERS and not low.startswith(".") and not low.endswith(_NOT_CONFIG):
        return "nginx?"
    return None


def is_env_template(name: str) -> bool:
    return name.lower().endswith(_TEMPLATE_SUFFIXES)


def sniff(text: str) -> str | None:
    """Format guessed from content, for files named explicitly whose name says nothing."""
    from infralint.parsers.nginx import looks_like_nginx

    head = text[:20000]
    if _DOCKERFILE_CONTENT.search(head) and not head.lstrip().startswith(("{", "apiVersion", "services")):
        first = next((ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
        if re.match(r"^\s*(FROM|ARG)\s", first, re.IGNORECASE):
            return "dockerfile"
    if re.search(r"^(apiVersion|kind|services)\s*:", head, re.MULTILINE):
        return "yaml"
    if looks_like_nginx(head):
        return "nginx"
    lines = [ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and all(_ENV_LINE.match(ln) for ln in lines[:20]):
        return "env"
    return None


def helm_template(rel_parts: tuple[str, ...], exists) -> bool:
    """`templates/` (at any depth) beside a Chart.yaml is a Helm chart's templates, not YAML."""
    for i, part in enumerate(rel_parts[:-1]):
        if part == "templates":
            chart_dir = PurePosixPath(*rel_parts[:i]) if i else PurePosixPath(".")
            if exists(chart_dir / "Chart.yaml") or exists(chart_dir / "Chart.yml"):
                return True
    return False
