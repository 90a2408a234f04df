from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


@rule(id="IL201", name="root-user", severity="high", formats=("dockerfile", "compose", "kubernetes"))
def root_user(doc: Document, ctx: Context) -> Iterator[Finding]:
    """TODO (being written)

    ## Why is this bad?
    TODO
    """
    return iter(())
