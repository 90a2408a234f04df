from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


@rule(id="IL101", name="image-latest-tag", severity="high", formats=("dockerfile", "compose", "kubernetes"))
def image_latest_tag(doc: Document, ctx: Context) -> Iterator[Finding]:
    """TODO (being written)

    ## Why is this bad?
    TODO
    """
    return iter(())
