from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule
from infralint_rules._images import floating_tag, pulled_images


@rule(id="IL101", name="image-latest-tag", severity="high", formats=("dockerfile", "compose", "kubernetes"))
def image_latest_tag(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Image uses the `latest` tag, or no tag at all

    ## What it does
    Checks every image a file pulls: each Dockerfile `FROM`, each compose service's `image:`
    and each Kubernetes container's `image:` (init containers included). It reports images
    tagged `:latest`, images with no tag and no digest (Docker then pulls `:latest`), and
    tags that come from a build argument or variable whose default is `latest`.

    It does not report `FROM` lines that name an earlier build stage, `FROM scratch`, images
    pinned by digest (`@sha256:…`), compose services whose `image:` only names what `build:`
    produces, or tags taken from a variable with no default (their value is unknown). A
    registry port (`registry.local:5000/app`) is not a tag: that image has none.

    ## Why is this bad?
    `latest` is just the most recently pushed tag, not a version. The same file builds or
    deploys a different image from one day to the next: builds stop being reproducible, a
    rollback redeploys the broken version, and a new major release (with breaking changes or
    a different default user) arrives unannounced. Kubernetes also defaults `imagePullPolicy`
    to `Always` for `latest`, so nodes can end up running different versions of one workload.

    ## Example
    ```dockerfile
    ARG NODE_VERSION=latest
    FROM node:${NODE_VERSION}
    ```
    ```yaml
    services:
      cache:
        image: redis
    ```

    ## Use instead
    ```dockerfile
    ARG NODE_VERSION=20.11-bookworm-slim
    FROM node:${NODE_VERSION}
    ```
    ```yaml
    services:
      cache:
        image: redis:7.2-alpine
    ```
    Pin a digest as well (`redis:7.2-alpine@sha256:…`) where you need the exact same bytes.
    """
    for image, owner in pulled_images(doc):
        message = floating_tag(image)
        if message is not None:
            # The reference is the thing to edit, so the finding points at it.
            yield ctx.report(image.span, message, object=owner, key=image.raw)
