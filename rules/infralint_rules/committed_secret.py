from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


@rule(id="IL602", name="committed-secret", severity="high", formats=("kubernetes", "env"))
def committed_secret(doc: Document, ctx: Context) -> Iterator[Finding]:
    """TODO (being written)

    ## Why is this bad?
    TODO
    """
    return iter(())
