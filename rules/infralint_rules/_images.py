"""What is wrong with an image reference's tag, shared by the image rules."""
from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Document, ImageRef
from infralint.model.compose import ComposeFile
from infralint.model.dockerfile import Dockerfile
from infralint.model.k8s import KubeFile

# Placeholders for the reader (`<YOUR-IMAGE>`, `{{ .Values.image }}`), not references. A `${VAR}`
# left in the registry part is not one: `${REGISTRY}/app:latest` is still :latest.
_PLACEHOLDER = re.compile(r"[<>\s]|\{\{")


def floating_tag(image: ImageRef) -> str | None:
    """Why `image` floats on `latest`, as a message, or None when it is pinned or cannot be judged.

    A digest pins the image whatever the tag says (`nginx:latest@sha256:…` is pinned). A tag that
    still holds a variable with no default is unknown, not latest: the value comes from a build
    argument or an `.env` file we cannot see, and guessing is how linters earn their ignore lists.
    """
    if image.is_stage or image.is_scratch or image.unresolved or image.digest:
        return None
    if not image.repository.strip():
        return None  # nothing left after substitution: nothing to judge
    if _PLACEHOLDER.search(image.resolved):
        return None  # `<YOUR-IMAGE>`, `{{ .Values.image }}`: a placeholder for the reader, not a reference
    # Tags are case-sensitive: `LATEST` is an ordinary (if odd) tag, not the floating one.
    if image.tag is not None and image.tag != "latest":
        return None
    shown = f"image '{image.raw}'"
    if image.variable and image.resolved != image.raw:
        # Say where `latest` came from: the fix is to change that default, not the line shown.
        shown += f" resolves to '{image.resolved}' (the default of {image.variable})"
        if image.tag:
            return f"{shown}; pin a version"
        return f"{shown}, which has no tag (implies :latest); pin a version"
    if image.tag:
        return f"{shown} uses the :latest tag; pin a version"
    return f"{shown} has no tag (implies :latest); pin a version"


def pulled_images(doc: Document) -> Iterator[tuple[ImageRef, str]]:
    """(image, label of what uses it) for every image the file makes Docker pull."""
    if isinstance(doc, Dockerfile):
        # Every stage, not only the final one: a builder on `latest` still changes the output.
        for stage in doc.stages:
            yield stage.image, f"stage {stage.name}"
    elif isinstance(doc, ComposeFile):
        for service in doc.services:
            # With `build:`, `image:` names the image compose builds and tags; nothing is pulled.
            if service.build_only or service.container.image is None:
                continue
            yield service.container.image, service.container.object
    elif isinstance(doc, KubeFile):
        for container in doc.containers:
            if container.image is not None:
                yield container.image, container.object
