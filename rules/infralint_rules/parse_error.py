from __future__ import annotations

import re
from typing import Iterator

from infralint.mask import mask, mask_line
from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


# A long unbroken token quoted by a parser ("unknown instruction ...") may be a pasted key.
_LONG_QUOTED = re.compile(r'"(\S{20,})"')


@rule(id="IL001", name="parse-error", severity="high",
      formats=("dockerfile", "compose", "kubernetes", "nginx", "env", "dockerignore"))
def parse_error(doc: Document, ctx: Context) -> Iterator[Finding]:
    """File, or part of one, cannot be read or parsed

    ## What it does
    Reports every file (or part of a file) that infralint could not read, decode or parse, at the
    line where the problem was found. Every other rule still runs on whatever did parse.

    ## Why is this bad?
    A file a linter cannot parse is a file nobody checked. Other linters often report "no issues"
    for such files; infralint never stays silent about them. Usually the same file also fails
    in `docker build`, `docker compose` or `kubectl apply`.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["80:80"
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["80:80"]
    ```
    """
    for p in doc.problems:
        if p.kind == "parse-error":
            # Parser messages may quote the broken text, and broken text may hold a secret.
            message = _LONG_QUOTED.sub(lambda m: f'"{mask(m.group(1))}"', mask_line(p.message))
            yield ctx.report(p.span, message, key=message)
