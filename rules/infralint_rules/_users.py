"""Reading a `USER` / compose `user:` value: is it root?"""
from __future__ import annotations

from infralint.model.common import ImageRef


def is_root_user(value: str) -> bool | None:
    """True for root (`root`, `0`, `root:root`, `0:0`, `root:staff`...), False for another user,
    None when the value holds a variable and so cannot be known.

    Only the user part counts: `1000:0` (a non-root user in the root group, as OpenShift images
    do) is not root.
    """
    text = value.strip()
    if not text or "$" in text:
        return None
    user = text.split(":", 1)[0].strip()
    if user.isdigit():
        return int(user) == 0
    return user == "root"


def is_nonroot_base(image: ImageRef) -> bool:
    """A base image whose tag says it runs as a non-root user (distroless `:nonroot`,
    `:debug-nonroot`, `:latest-nonroot`): its USER is set in the image, not in this file."""
    tag = (image.tag or "").lower()
    return tag == "nonroot" or tag.endswith("-nonroot")
