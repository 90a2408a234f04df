from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


@rule(id="IL502", name="security-headers-dropped", severity="high", formats=("nginx",))
def security_headers_dropped(doc: Document, ctx: Context) -> Iterator[Finding]:
    """TODO (being written)

    ## Why is this bad?
    TODO
    """
    return iter(())
