from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Document, ImageRef
from infralint.rule import Context, Finding, rule
from infralint_rules._images import floating_tag, pulled_images

# The placeholders IL101 also leaves alone (`<YOUR-IMAGE>`, `{{ .Values.image }}`): text for
# the reader, not a reference anyone pulls.
_PLACEHOLDER = re.compile(r"[<>\s]|\{\{")


@rule(id="IL102", name="image-not-digest-pinned", severity="info", formats=("dockerfile", "compose", "kubernetes"), enabled=False)
def image_not_digest_pinned(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Image is pinned by tag only, not by digest

    ## What it does
    Checks the same images as IL101 (every Dockerfile `FROM`, compose `image:` and
    Kubernetes container `image:`) and reports those that name a version tag but no
    `@sha256:` digest. Shipped off: select it (`--select IL102`) where you want every
    image pinned to exact bytes.

    Images that IL101 already reports (`:latest`, no tag) are left to IL101, so one image
    never gets two findings. Like IL101, it skips stage aliases, `scratch`, compose services
    whose `image:` only names what `build:` produces, placeholders, and tags that come from
    a variable with no default.

    ## Why is this bad?
    A tag is a pointer the publisher can move: `python:3.12-slim` is rebuilt every few
    weeks, and a compromised registry account can push anything under an existing tag. Two
    builds or two nodes can then run different bytes under the same name. A digest names
    the content itself, so what you tested is what you ship, and a tampered image fails to
    pull.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ```
    ```yaml
    services:
      cache:
        image: redis:7.2-alpine
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim@sha256:2be8daddbb82756f7d1f2c7ece706aadcb284bf6ab6d769ea695cc3ed6016743
    ```
    ```yaml
    services:
      cache:
        image: redis:7.2-alpine@sha256:3134997edb04277814aa51a4175a588d45eb4299272f8eff2307bbf8b39e4d43
    ```
    Keep the tag for people to read; tools such as Renovate or Dependabot update both.
    """
    for image, owner in pulled_images(doc):
        if not _tag_only(image):
            continue
        message = f"image '{image.raw}' is pinned by tag only; add its digest (@sha256:…) to pin the exact image"
        if image.variable and image.resolved != image.raw:
            message = (f"image '{image.raw}' resolves to '{image.resolved}' (the default of {image.variable}), "
                       "a tag without a digest; add its digest (@sha256:…) to pin the exact image")
        # The reference is the thing to edit, so the finding points at it.
        yield ctx.report(image.span, message, object=owner, key=image.raw)


def _tag_only(image: ImageRef) -> bool:
    if image.is_stage or image.is_scratch or image.unresolved or image.digest:
        return False
    if not image.repository.strip() or _PLACEHOLDER.search(image.resolved):
        return False
    # Floating (`latest`, no tag) is IL101's finding; reporting it here too would say it twice.
    return image.tag is not None and floating_tag(image) is None
