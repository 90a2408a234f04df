from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from infralint.model.common import Document
from infralint.model.compose import ComposeFile, Service
from infralint.model.nginx import Directive, NginxConfig, Scope
from infralint.model.span import Span
from infralint.model.yamltree import YMap, YNode, YScalar, YSeq
from infralint.rule import Context, Finding, rule
from infralint_rules._http import object_label, report_owners, reports_here, unknowns

# Directives whose first argument names a backend; the scheme each may carry.
PASS_DIRECTIVES = ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass")
_SCHEMES = ("http://", "https://", "grpc://", "grpcs://", "uwsgi://", "suwsgi://")

# Where nginx images read their configuration: a file mounted below one of these is nginx's.
NGINX_CONFIG_DIRS = ("/etc/nginx/", "/usr/local/openresty/nginx/conf/", "/etc/openresty/",
                     "/usr/local/nginx/conf/", "/opt/bitnami/nginx/conf/", "/config/nginx/")
NGINX_IMAGES = ("nginx", "openresty", "angie", "tengine")


@dataclass(frozen=True)
class Deployment:
    """A compose service running this nginx file, and the host names it can resolve."""

    compose: ComposeFile
    service: Service
    names: frozenset[str]
    knowable: bool  # False: names can come from outside the project (external network, host DNS)


@rule(id="IL701", name="unknown-upstream", severity="medium", formats=("nginx",))
def unknown_upstream(doc: Document, ctx: Context) -> Iterator[Finding]:
    """nginx proxies to a host that is no service of its compose project

    ## What it does
    For an nginx config bind-mounted into a compose service (the file itself,
    `./nginx/nginx.conf:/etc/nginx/nginx.conf`, or a folder holding it,
    `./nginx/conf.d:/etc/nginx/conf.d`), checks the host of every backend it names:
    `proxy_pass http://NAME:PORT` (or `http://NAME`), `fastcgi_pass NAME:9000`, `uwsgi_pass`,
    `scgi_pass`, `grpc_pass grpc://NAME:50051`, and the `server NAME:PORT;` entries of
    `upstream` blocks. It reports a NAME that is no service, network alias, `container_name` or
    `hostname` of that compose project (every compose file in the project's folder, e.g. an
    override file), nor a `links`/`external_links` alias or `extra_hosts` entry of the nginx
    service itself. The finding points at the directive and names the compose file.

    Not checked: names of `upstream` blocks (anywhere in the scan), IP addresses, `localhost`,
    `unix:` sockets, URLs built from variables (`$backend`), and names with a dot
    (`api.example.com`, `host.docker.internal`: outside the project by design). Nothing is
    reported for a config that no compose service mounts (a config baked into an image with
    `COPY` is not followed), for a folder mount that does not put the file where nginx reads
    its configuration (`.:/app` into an application container), for a service on an external
    network, `network_mode: host` or another container's network, or for a compose project
    that `include:`s compose files it cannot read (a variable, a URL, outside the scanned
    folder): there the names cannot be known. Included files in the tree count. A name without
    a port is also skipped when an `include` outside the scanned root could define an upstream of
    that name.

    ## Why is this bad?
    Inside a compose network a container reaches the others by service name. A `proxy_pass`
    to a name that no service has (a renamed service, a typo, a name from another
    environment) makes nginx fail at start with `host not found in upstream`, so the whole
    edge goes down, or, where the name is resolved at run time, every request to that location
    ends in a 502. The mismatch is invisible when the two files are reviewed separately.

    ## Example
    ```yaml
    # compose.yaml
    services:
      proxy:
        image: nginx:1.27
        volumes:
          - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
      api:
        build: ./api
    ```
    ```nginx
    # nginx/nginx.conf
    location /api/ {
        proxy_pass http://backend:8000;
    }
    ```

    ## Use instead
    ```nginx
    location /api/ {
        proxy_pass http://api:8000;
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or doc.included_by is not None:
        return
    owners = report_owners(ctx.project)
    by_path = ctx.project.memo("nginx-by-path", lambda: {
        d.path: d for d in ctx.project.of_format("nginx") if isinstance(d, NginxConfig)})
    upstreams: set[str] | None = None  # upstream block names in the scan, read when first needed
    unknown = unknowns(doc)
    upstream_unknown = unknown.everywhere or unknown.root or any(unknown.at(h) for h in doc.http_blocks())
    deployments: dict[str, list[Deployment]] = {}
    root = doc.root()
    seen: set[Span] = set()
    for parents, d in doc.walk():
        target = _target(parents, d)
        if target is None or d.span in seen or not reports_here(doc, d.span, owners):
            continue
        seen.add(d.span)  # a snippet included by many servers appears once per include
        host, has_port = target
        if _skipped(host):
            continue
        file_doc = by_path.get(d.span.path, doc if d.span.path == doc.path else None)
        if file_doc is None:
            continue
        if file_doc.path not in deployments:
            deployments[file_doc.path] = _deployments(ctx, file_doc)
        where = deployments[file_doc.path]
        # Report only when no deployment of this file can resolve the name.
        if not where or not all(dep.knowable and host not in dep.names for dep in where):
            continue
        if d.name in PASS_DIRECTIVES:
            if upstreams is None:
                upstreams = ctx.project.memo("nginx-upstream-names", lambda: {
                    u.args[0].lower() for other in by_path.values() for _, u in other.walk()
                    if u.name == "upstream" and u.args})
            if host in upstreams or (upstream_unknown and not has_port):
                continue  # an upstream block's name, or possibly one in an unread include
        dep = where[0]
        names = sorted(dep.names)
        known = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "") or "none"
        yield ctx.report(
            d.span,
            f"{d.name} {' '.join(d.args[:1])}: \"{host}\" is no service, alias or hostname in "
            f"{dep.compose.path} (nginx runs there as service \"{dep.service.name}\"; known "
            f"names: {known}); nginx fails to start with \"host not found in upstream\"",
            object=object_label(Scope((root, *parents))) or d.name,
            key=f"host:{host}",
        )


def _target(parents: tuple[Directive, ...], d: Directive) -> tuple[str, bool] | None:
    """(host, has a port) of a backend reference, or None when `d` names no backend host."""
    if d.name in PASS_DIRECTIVES and d.args:
        url = d.args[0]
    elif d.name == "server" and d.block is None and d.args and parents and parents[-1].name == "upstream":
        url = d.args[0]
    else:
        return None
    if "$" in url:
        return None  # resolved at run time from a variable
    for scheme in _SCHEMES:
        if url.lower().startswith(scheme):
            url = url[len(scheme):]
            break
    if url.startswith("unix:") or url.startswith("["):
        return None  # a socket, or an IPv6 literal
    hostport = url.split("/", 1)[0].split("?", 1)[0]
    host, sep, port = hostport.partition(":")
    return host.lower(), bool(sep and port)


def _skipped(host: str) -> bool:
    """Hosts a compose project cannot be expected to define."""
    if not host or host == "localhost" or "." in host:
        return True  # external DNS names and `host.docker.internal` (decided: never judged)
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _deployments(ctx: Context, file_doc: Document) -> list[Deployment]:
    """The compose services that run nginx with this file as (part of) its configuration."""
    out: list[Deployment] = []
    real = ctx.project.real(file_doc)
    if real is None:
        return out
    for compose, svc in ctx.project.services_mounting(file_doc):
        creal = ctx.project.real(compose)
        if creal is None or not _nginx_reads(svc, _container_path(creal, svc, real)):
            continue
        project = _project_files(ctx, compose)
        included = [_included(ctx, c) for c in project]
        every = project + [other for files in included if files for other in files]
        names = {n.lower() for c in every for n in c.host_names()} | _own_names(svc)
        knowable = None not in included and _compose_dns(compose, svc)
        out.append(Deployment(compose, svc, frozenset(names), knowable))
    return out


def _container_path(creal: Path, svc: Service, real: Path) -> PurePosixPath | None:
    """Where the mount puts the file inside the container."""
    for m in svc.container.mounts:
        if m.type != "bind" or not m.source or not m.target or "$" in m.source:
            continue
        src = (creal.parent / Path(m.source).expanduser()).resolve()
        if src == real:
            return PurePosixPath(m.target)
        try:
            rel = real.relative_to(src)
        except ValueError:
            continue
        return PurePosixPath(m.target) / rel.as_posix()
    return None


def _nginx_reads(svc: Service, path: PurePosixPath | None) -> bool:
    """The file lands where nginx images read configuration, or the service runs an nginx image."""
    if path is None:
        return False
    text = path.as_posix()
    if any(text.startswith(d) or text + "/" == d for d in NGINX_CONFIG_DIRS):
        return True
    image = svc.container.image
    repo = image.repository.lower().rsplit("/", 1)[-1] if image is not None else ""
    return any(n in repo for n in NGINX_IMAGES)


def _project_files(ctx: Context, compose: ComposeFile) -> list[ComposeFile]:
    """Compose files merged into one project: those in the same folder (`compose.yaml` plus
    `compose.override.yaml`, `docker-compose.prod.yml`…)."""
    return [compose] + [other for other in ctx.project.compose_files_beside(compose) if other is not compose]


def _own_names(svc: Service) -> set[str]:
    """Names only the nginx container resolves: `links: [api:backend]`, `external_links`,
    `extra_hosts: ["backend:10.0.0.5"]` (list or mapping form)."""
    names: set[str] = set()
    node = svc.node
    if node is None:
        return names
    for key in ("links", "external_links"):
        for item in _strings(node.get(key)):
            service, _, alias = item.partition(":")
            names.update(n.strip().lower() for n in (service, alias) if n.strip())
    extra = node.get("extra_hosts")
    if isinstance(extra, YMap):
        names.update(k.text.strip().lower() for k, _ in extra.items())
    else:
        for item in _strings(extra):
            sep = "=" if "=" in item else ":"
            names.add(item.split(sep, 1)[0].strip().lower())
    return names


def _strings(node: YNode | None) -> list[str]:
    if isinstance(node, YSeq):
        return [i.text for i in node.items if isinstance(i, YScalar) and i.value is not None]
    return []


def _included(ctx: Context, compose: ComposeFile, depth: int = 0) -> list[ComposeFile] | None:
    """The compose files a top-level `include:` (Compose 2.20+) pulls services from, read from
    the tree (recursively); None when one cannot be known (a variable, a URL, a file outside the
    scanned root or missing): then the project's names are unknown."""
    node = compose.node.get("include") if isinstance(compose.node, YMap) else None
    if node is None:
        return []
    creal, root = ctx.project.real(compose), ctx.project.root(compose)
    if not isinstance(node, YSeq) or creal is None or root is None or depth > 8:
        return None
    out: list[ComposeFile] = []
    for item in node.items:
        paths = item.get("path") if isinstance(item, YMap) else item
        for value in paths.items if isinstance(paths, YSeq) else (paths,):
            if not isinstance(value, YScalar) or not isinstance(value.value, str) or "$" in value.text \
                    or "://" in value.text:
                return None
            other = ctx.project.document_at(creal.parent / value.text, root)
            nested = _included(ctx, other, depth + 1) if isinstance(other, ComposeFile) else None
            if nested is None:
                return None
            out += [other, *nested]  # type: ignore[list-item]
    return out


def _compose_dns(compose: ComposeFile, svc: Service) -> bool:
    """The service resolves names through this project's networks only: not `network_mode:
    host`/`service:…`/`container:…`, and no external network (shared with other projects)."""
    node = svc.node
    if node is not None and node.get("network_mode") is not None:
        mode = node.get("network_mode")
        if not (isinstance(mode, YScalar) and mode.text.strip() == "bridge"):
            return False
    joined = node.get("networks") if node is not None else None
    if isinstance(joined, YMap):
        names = [k.text for k, _ in joined.items()]
    elif isinstance(joined, YSeq):
        names = [i.text for i in joined.items if isinstance(i, YScalar)]
    else:
        names = ["default"]
    declared = compose.node.get("networks") if isinstance(compose.node, YMap) else None
    if not isinstance(declared, YMap):
        return True
    for name in names:
        net = declared.get(name)
        if isinstance(net, YMap) and net.get("external") is not None:
            flag = net.get("external")
            if not (isinstance(flag, YScalar) and flag.value is False):
                return False
    return True
