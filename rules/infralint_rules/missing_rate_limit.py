from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.k8s import Ingress, KubeFile
from infralint.model.nginx import PROXY_DIRECTIVES, NginxConfig, Scope
from infralint.rule import Context, Finding, rule
from infralint_rules._http import (
    answers_without_content,
    is_internal,
    judged,
    object_label,
    scope_label,
    server_label,
    server_serves,
    unknown_from,
    unknowns,
)

# ingress-nginx (kubernetes/ingress-nginx) rate-limit annotations, and their NGINX Inc
# controller (nginx.org) counterpart, which also answers to the "nginx" class name.
INGRESS_LIMITS = (
    "nginx.ingress.kubernetes.io/limit-rps",
    "nginx.ingress.kubernetes.io/limit-rpm",
    "nginx.ingress.kubernetes.io/limit-connections",
    "nginx.ingress.kubernetes.io/global-rate-limit",
    "nginx.org/limit-req-rate",
)
# Snippets are raw nginx: a `limit_req` written there limits the Ingress just as well.
INGRESS_SNIPPETS = (
    "nginx.ingress.kubernetes.io/configuration-snippet",
    "nginx.ingress.kubernetes.io/server-snippet",
    "nginx.org/location-snippets",
    "nginx.org/server-snippets",
)
INGRESS_NGINX_PREFIX = "nginx.ingress.kubernetes.io/"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
NGINX_CONTROLLERS = ("k8s.io/ingress-nginx", "nginx.org/ingress-controller")


@rule(id="IL503", name="missing-rate-limit", severity="medium", formats=("nginx", "kubernetes"))
def missing_rate_limit(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Proxied location or nginx Ingress has no rate limit

    ## What it does
    nginx: reports every `location` (or nested location) that hands requests to a backend
    (`proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, `grpc_pass`, `scgi_pass`) while no `limit_req`
    is in effect there. `limit_req` is inherited from the server or http level only when the
    location defines none of its own; a location with its own `limit_req` (any zone) is limited,
    `limit_conn` alone is not a request-rate limit, and `limit_req_dry_run on` in effect means
    requests are only counted, never rejected, which is reported too. `internal` locations (not
    reachable by clients) are skipped, and nothing is reported when an `include` outside the
    scanned root could have supplied the limit.

    Kubernetes: reports an Ingress handled by an nginx controller (`ingressClassName` or the
    `kubernetes.io/ingress.class` annotation naming an nginx class, or an IngressClass in the scan
    whose controller is ingress-nginx) that has none of the annotations
    `nginx.ingress.kubernetes.io/limit-rps`, `limit-rpm`, `limit-connections` (or
    `nginx.org/limit-req-rate`, or a `limit_req` in a snippet annotation). An Ingress without any
    class is judged when it carries `nginx.ingress.kubernetes.io/*` annotations (written for
    ingress-nginx) or when the scan shows that the cluster's default IngressClass is nginx;
    otherwise not: on GKE, EKS and others such an Ingress goes to the cloud provider's controller.

    ## Why is this bad?
    Without a rate limit, one client can send the backend as many requests as its connection
    allows: login and password-reset endpoints can be brute-forced, expensive API calls become a
    cheap denial of service, and scrapers are limited only by your bill. The edge proxy is the
    cheapest place to stop them, before the request reaches Node, PHP or Python workers.

    ## Example
    ```nginx
    http {
        server {
            listen 80;
            location /api/ {
                proxy_pass http://api:3000;
            }
        }
    }
    ```

    ## Use instead
    ```nginx
    http {
        limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
        server {
            listen 80;
            location /api/ {
                limit_req zone=api burst=20 nodelay;
                proxy_pass http://api:3000;
            }
        }
    }
    ```
    """
    if isinstance(doc, NginxConfig):
        yield from _nginx(doc, ctx)
    elif isinstance(doc, KubeFile):
        yield from _ingresses(doc, ctx)


# ---------------------------------------------------------------------------------------------
# nginx


def _nginx(doc: NginxConfig, ctx: Context) -> Iterator[Finding]:
    if not judged(doc):
        return
    unknown = unknowns(doc)
    for server in doc.servers():
        if not server_serves(server):
            continue  # redirectors and stream (TCP) servers: no HTTP request reaches a backend
        for location in _proxying_locations(doc, server):
            if is_internal(location) or answers_without_content(location.block):
                continue  # not reachable by clients / `return` wins before proxying
            limits = location.effective("limit_req")
            if limits:
                dry = location.inherited_value("limit_req_dry_run")
                if dry is not None and dry.args and dry.args[0].lower() == "on":
                    yield ctx.report(
                        location.block.span,
                        f"{scope_label(location)} of {server_label(server)} proxies with "
                        f"`limit_req_dry_run on` in effect: requests are counted, never rejected",
                        object=object_label(location),
                        key="dry-run",
                    )
                continue
            if unknown_from(location, unknown):
                continue  # an unread include could have set limit_req
            target = _proxy_target(location)
            yield ctx.report(
                location.block.span,
                f"{scope_label(location)} of {server_label(server)} proxies to {target} without "
                f"a rate limit (no limit_req in effect)",
                object=object_label(location),
                key="no-limit",
            )


def _proxying_locations(doc: NginxConfig, server: Scope) -> list[Scope]:
    """Locations that proxy themselves or through an `if` inside them (where limit_req is not
    allowed, so the location's limit is what applies)."""
    out: list[Scope] = []
    seen: set[int] = set()
    for scope in doc.scopes(server):
        if not scope.proxies:
            continue
        location = _enclosing_location(scope)
        if location is None or id(location.block) in seen:
            continue
        seen.add(id(location.block))
        out.append(location)
    return out


def _enclosing_location(scope: Scope) -> Scope | None:
    for i in range(len(scope.chain) - 1, -1, -1):
        if scope.chain[i].name == "location":
            return Scope(scope.chain[: i + 1])
        if scope.chain[i].name == "server":
            return None
    return None


def _proxy_target(location: Scope) -> str:
    inside_ifs = [d for b in location.own("if") for d in b.block or ()]
    for d in [*(location.block.block or ()), *inside_ifs]:
        if d.name in PROXY_DIRECTIVES and d.args:
            return d.args[0]
    return "a backend"


# ---------------------------------------------------------------------------------------------
# Kubernetes Ingress


def _ingresses(doc: KubeFile, ctx: Context) -> Iterator[Finding]:
    if not doc.ingresses:
        return
    classes = _ingress_classes(ctx)
    for ing in doc.ingresses:
        if not _is_nginx(ing, classes):
            continue
        if any(_limit_set(ing, key) for key in INGRESS_LIMITS) or _snippet_limits(ing):
            continue
        unknown = [key for key, _ in ing.obj.annotations
                   if key.startswith(INGRESS_NGINX_PREFIX) and "limit" in key and key not in INGRESS_LIMITS]
        # `rate-limit` (no such annotation), `limit-rate` (bandwidth), `limit-burst-multiplier`:
        # annotations users reach for that set no request limit on their own.
        note = f" ({', '.join(unknown)} {'does' if len(unknown) == 1 else 'do'} not limit requests)" if unknown else ""
        yield ctx.report(
            ing.obj.span,
            f"Ingress {ing.obj.name or '(unnamed)'} ({_class_label(ing)}) has no rate limit{note}: "
            f"add nginx.ingress.kubernetes.io/limit-rps, limit-rpm or limit-connections",
            object=ing.obj.label,
            key="no-limit",
        )


def _class_label(ing: Ingress) -> str:
    if ing.ingress_class:
        return f"class {ing.ingress_class}"
    if any(key.startswith(INGRESS_NGINX_PREFIX) for key, _ in ing.obj.annotations):
        return "no class, ingress-nginx annotations"
    return "no class, default class nginx"


def _limit_set(ing: Ingress, key: str) -> bool:
    value = ing.obj.annotation(key)
    if value is None:
        return False
    text = value.value.strip()
    # "0" is ingress-nginx's "no limit"; anything else (a number, a rate) sets one.
    return bool(text) and text not in ("0", "0r/s", "0r/m")


def _snippet_limits(ing: Ingress) -> bool:
    for key in INGRESS_SNIPPETS:
        value = ing.obj.annotation(key)
        if value is not None and "limit_req " in value.value:
            return True
    return False


def _is_nginx(ing: Ingress, classes: dict[str, tuple[str, bool]]) -> bool:
    """Handled by an nginx controller: a class named like nginx, an IngressClass in the scan whose
    controller is nginx; without a class, ingress-nginx annotations written by the author, or the
    scan's default IngressClass being nginx."""
    name = ing.ingress_class
    if name is None:
        if any(key.startswith(INGRESS_NGINX_PREFIX) for key, _ in ing.obj.annotations):
            return True
        return any(default and _nginx_controller(ctrl) for ctrl, default in classes.values())
    if name in classes:
        return _nginx_controller(classes[name][0])
    return "nginx" in name.lower()


def _nginx_controller(controller: str) -> bool:
    return controller in NGINX_CONTROLLERS or "nginx" in controller.lower()


def _ingress_classes(ctx: Context) -> dict[str, tuple[str, bool]]:
    """IngressClass objects anywhere in the scan: name -> (spec.controller, is the default)."""
    return ctx.project.memo("ingress-classes", lambda: _read_ingress_classes(ctx))


def _read_ingress_classes(ctx: Context) -> dict[str, tuple[str, bool]]:
    out: dict[str, tuple[str, bool]] = {}
    for other in ctx.project.of_format("kubernetes"):
        if not isinstance(other, KubeFile):
            continue
        for cls in other.ingress_classes:
            flag = cls.obj.annotation(DEFAULT_CLASS_ANNOTATION)
            out[cls.obj.name] = (cls.controller, flag is not None and flag.value.strip().lower() == "true")
    return out
