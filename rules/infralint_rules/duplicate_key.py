from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


@rule(id="IL002", name="duplicate-key", severity="medium", formats=("compose", "kubernetes"))
def duplicate_key(doc: Document, ctx: Context) -> Iterator[Finding]:
    """YAML mapping repeats a key; the later value silently wins

    ## What it does
    Reports a key that appears twice in the same YAML mapping, pointing at the repeated (later)
    key. All other rules see only the surviving, later value, as Compose and kubectl do.

    ## Why is this bad?
    YAML parsers keep the last value without a word. A second `environment:` or `containers:`
    block silently throws the first one away, so settings you can read in the file never reach
    the running container (kubernetes/kubernetes#14791).

    ## Example
    ```yaml
    services:
      api:
        image: api:1.4
        user: "10001"
        user: root
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: api:1.4
        user: "10001"
    ```
    """
    for p in doc.problems:
        if p.kind == "duplicate-key":
            yield ctx.report(p.span, p.message, key=p.message)
