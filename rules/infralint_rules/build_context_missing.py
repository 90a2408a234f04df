from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from infralint.model.common import Document
from infralint.model.compose import ComposeFile, Service
from infralint.model.span import Span
from infralint.model.yamltree import YMap, YScalar
from infralint.rule import Context, Finding, rule


@rule(id="IL702", name="build-context-missing", severity="medium", formats=("compose",))
def build_context_missing(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Compose `build:` points at a folder or Dockerfile that does not exist

    ## What it does
    Follows every compose service's `build:` (short form `build: ./api`, or `context:` and
    `dockerfile:`) from the compose file's folder, and reports a context folder or a
    Dockerfile that is not there. Works when only the compose file is linted, too.

    It says nothing when it cannot know: a path holding a variable (`${API_DIR}`, even with
    a default, since `.env` or the environment may set it), a remote context (a git URL,
    `https://…`), or a context or Dockerfile outside the scanned folder (never read). With
    `dockerfile_inline:` there is no Dockerfile to miss; the context must still exist.

    ## Why is this bad?
    `docker compose build` (and `up` on a fresh machine or in CI) fails with "unable to
    prepare context: path not found" or "failed to read dockerfile", usually after a
    folder was renamed or moved and the compose file was not updated. On a machine where
    the image is already built, nobody notices until the cache is gone.

    ## Example
    ```yaml
    services:
      api:
        build:
          context: ./services/api   # the folder was renamed to ./api
          dockerfile: Dockerfile.prod
    ```

    ## Use instead
    ```yaml
    services:
      api:
        build:
          context: ./api
          dockerfile: Dockerfile.prod
    ```
    """
    if not isinstance(doc, ComposeFile):
        return
    compose = ctx.project.real(doc)
    if compose is None:
        return
    for service in doc.services:
        link = ctx.project.build_link(doc, service.container)
        if link is None or not link.static or not link.inside_root or link.context is None:
            continue  # a variable, a URL or a path outside the scan: unknown, never guessed
        if _has_variable(service):
            continue
        if not link.context_exists:
            what = "is a file, not a folder" if link.context.exists() else "does not exist"
            yield ctx.report(_value_span(service, "context"),
                             f"service '{service.name}': build context '{_rel(link.context, compose)}' {what}",
                             object=service.container.object, key=f"context {link.build.context}")
        elif (link.dockerfile is not None and not link.dockerfile_exists
              and not _fallback_exists(link.build.dockerfile, link.context)):
            what = "is a folder, not a file" if link.dockerfile.exists() else "does not exist"
            named = "" if link.build.dockerfile else " (the default name: build.dockerfile is not set)"
            yield ctx.report(_value_span(service, "dockerfile"),
                             f"service '{service.name}': Dockerfile '{_rel(link.dockerfile, compose)}' {what}{named}",
                             object=service.container.object, key=f"dockerfile {link.build.dockerfile or 'Dockerfile'}")


def _fallback_exists(written: str | None, context: Path) -> bool:
    """With no `dockerfile:`, BuildKit also accepts a lower-case `dockerfile`, and Podman's
    compose a `Containerfile`: the build works, so nothing is missing."""
    return written is None and any((context / name).is_file() for name in ("dockerfile", "Containerfile"))


def _build_node(service: Service) -> YMap | None:
    node = service.node.get("build") if service.node is not None else None
    return node if isinstance(node, YMap) else None


def _has_variable(service: Service) -> bool:
    """The model applies `${X:-default}` defaults; a default is only a guess at what `.env`
    or the environment sets, so a path written with a variable is never judged."""
    node = _build_node(service)
    if node is None and service.node is not None:
        short = service.node.get_scalar("build")
        return short is not None and ("$" in short.raw or "$" in short.text)
    values = [v for v in (node.get_scalar("context"), node.get_scalar("dockerfile")) if v is not None] if node else []
    return any("$" in v.raw or "$" in v.text for v in values)


def _value_span(service: Service, key: str) -> Span:
    """The `context:` / `dockerfile:` line when it is written, else the `build:` entry (the
    short form `build: ./api`, or a default that was never written)."""
    build = _build_node(service)
    value = build.get(key) if build is not None else None
    pair = build.pair(key) if build is not None else None
    if isinstance(value, YScalar) and pair is not None:
        return Span(pair.key.span.path, pair.key.span.line, pair.key.span.column,
                    value.span.end_line, value.span.end_column)
    assert service.container.build is not None
    return service.container.build.span


def _rel(path: Path, compose: Path) -> str:
    """The missing path as written relative to the compose file's folder: never an absolute
    path, and never anything about the machine outside the scanned folder."""
    rel = os.path.relpath(path, compose.parent).replace(os.sep, "/")
    return rel if rel.startswith(".") else f"./{rel}"
