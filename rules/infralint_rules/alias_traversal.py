from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import NginxConfig, Scope
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import judged, object_label, report_owners, reports_here


@rule(id="IL509", name="alias-traversal", severity="high", formats=("nginx",))
def alias_traversal(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Location without a trailing slash over an alias with one (path traversal)

    ## What it does
    Reports a prefix `location` (no modifier, or `^~`) whose path does not end with `/` while
    its `alias` does: `location /img { alias /data/img/; }`. Regex, exact (`=`) and named
    locations are not affected (nginx does not splice the alias into the URI the same way), and
    neither are a location and alias that both end with `/` or both lack it. The finding points
    at the `location`.

    ## Why is this bad?
    nginx replaces the matched location prefix with the alias. A request for `/img../app/.env`
    matches the prefix `/img`, and the rest, `../app/.env`, is appended to `/data/img/`: the
    result `/data/img/../app/.env` is the file `/data/app/.env`. Anyone can read files in the
    alias's parent directory (source code, `.env`, keys). This is the "off-by-slash"
    misconfiguration (Orange Tsai, Black Hat 2018), detected by gixy's `alias_traversal`.

    ## Example
    ```nginx
    location /static {
        alias /app/static/;
    }
    ```

    ## Use instead
    ```nginx
    location /static/ {
        alias /app/static/;
    }
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    owners = report_owners(ctx.project)
    root = doc.root()
    seen: set[Span] = set()
    for parents, d in doc.walk():
        if d.name != "location" or d.block is None or d.span in seen:
            continue
        seen.add(d.span)  # a snippet included by many servers appears once per include
        path = _prefix_path(d.args)
        if path is None or path.endswith("/"):
            continue
        aliases = d.children("alias")
        if not aliases or not aliases[-1].args:
            continue
        alias = aliases[-1]
        if not alias.args[0].endswith("/") or not reports_here(doc, d.span, owners):
            continue
        yield ctx.report(
            d.span,
            f"location {' '.join(d.args)} has no trailing slash but its alias {alias.args[0]} "
            f"has one: `{path}../` reaches the alias's parent directory; write "
            f"`location {path}/`",
            object=object_label(Scope((root, *parents, d))),
            key=f"{path}->{alias.args[0]}",
        )


def _prefix_path(args: tuple[str, ...]) -> str | None:
    """The path of a prefix location (`/x` or `^~ /x`); None for regex, exact and named ones."""
    if len(args) == 1 and args[0].startswith("^~"):
        return args[0][2:] or None  # `^~/x`, written without the space
    if len(args) == 1 and not args[0].startswith(("@", "~", "=")):
        return args[0]
    if len(args) == 2 and args[0] == "^~":
        return args[1]
    return None
