from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


@rule(id="IL301", name="missing-healthcheck", severity="medium", formats=("dockerfile", "compose", "kubernetes"))
def missing_healthcheck(doc: Document, ctx: Context) -> Iterator[Finding]:
    """TODO (being written)

    ## Why is this bad?
    TODO
    """
    return iter(())
