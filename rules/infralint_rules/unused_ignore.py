from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.rule import Context, Finding, rule


@rule(id="IL004", name="unused-ignore", severity="info",
      formats=("dockerfile", "compose", "kubernetes", "nginx", "env"), after_suppression=True)
def unused_ignore(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Inline ignore suppresses nothing

    ## What it does
    Reports an `# infralint: ignore=...` comment (or `ignore-file=`, or a Kubernetes
    `infralint.io/ignore` annotation) that names a rule which did not fire where the ignore
    applies, or that names no known rule at all. Only rules that ran in this scan are judged,
    so `--select` never makes an ignore look stale.

    ## Why is this bad?
    Ignores outlive the problems they silenced. A stale ignore hides the next real finding on
    that line, and a misspelt rule ID silences nothing while looking as if it did.

    ## Example
    ```dockerfile
    # infralint: ignore=IL101 -- base image pinned by the mirror
    FROM python:3.12.4-slim
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12.4-slim
    ```
    """
    for pragma in doc.ignores:
        for ref in pragma.refs:
            resolved = ctx.rules_for(ref)
            if not resolved:
                yield ctx.report(pragma.span, f"ignore names an unknown rule '{ref}'", key=f"unknown {ref}")
                continue
            judged = [rid for rid in resolved if rid in ctx.active and rid != ctx.rule.id]
            if judged and not any(rid in pragma.used for rid in judged):
                where = "in this file" if pragma.whole_file else "where it applies"
                yield ctx.report(pragma.span, f"ignore for {ref} suppresses nothing: {ref} does not fire {where}; remove it",
                                 key=f"unused {ref}")
