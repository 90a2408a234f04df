from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Document
from infralint.model.nginx import NginxConfig
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint_rules._http import HSTS, judged, local_scope, object_label, report_owners, reports_here

# Six months: the floor of gixy's hsts_header check and of most scanners (Mozilla's
# configuration generator uses two years, 63072000; hstspreload.org requires one year).
MIN_MAX_AGE = 15768000

_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@rule(id="IL510", name="weak-hsts", severity="medium", formats=("nginx",))
def weak_hsts(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Strict-Transport-Security max-age is too short

    ## What it does
    Reports every `add_header Strict-Transport-Security …` (and headers-more
    `more_set_headers "Strict-Transport-Security: …"`) whose `max-age` is below 15768000 seconds
    (six months), `max-age=0` included, or that has no `max-age` at all (browsers ignore such a
    header). A value held entirely in a variable (`$hsts`, usually from a `map`) is not judged.
    The finding points at the directive; a snippet included by many servers is reported once.

    ## Why is this bad?
    HSTS protects only while the browser remembers it. With a short `max-age` the policy expires
    between visits, and the next visit's first request goes out over plain HTTP again, where an
    attacker on the network can strip TLS. `max-age=0` actively tells browsers to forget the
    policy. Six months is the usual floor; browser preload lists require a year.

    ## Example
    ```nginx
    add_header Strict-Transport-Security "max-age=3600" always;
    ```

    ## Use instead
    ```nginx
    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
    ```
    """
    if not isinstance(doc, NginxConfig) or not judged(doc):
        return
    owners = report_owners(ctx.project)
    root = doc.root()
    seen: set[Span] = set()
    for parents, d in doc.walk():
        if d.span in seen or not reports_here(doc, d.span, owners):
            continue
        value = _hsts_value(d.name, d.args)
        if not value:
            continue  # not HSTS, or an empty value (nginx then sends no header)
        seen.add(d.span)  # a snippet included by many servers appears once per include
        match = _MAX_AGE.search(value)
        if match is None:
            if "$" in value:
                continue  # built from a variable: unknown here
            message = f"Strict-Transport-Security has no max-age (\"{value}\"): browsers ignore it"
        else:
            age = int(match.group(1))
            if age >= MIN_MAX_AGE:
                continue
            message = (f"Strict-Transport-Security max-age={age} "
                       f"({_duration(age)}) is below six months (15768000)")
            if age == 0:
                message = "Strict-Transport-Security max-age=0 tells browsers to drop HSTS for this site"
        yield ctx.report(d.span, message + "; use max-age=63072000 (two years)",
                         object=object_label(local_scope(root, parents, d.span)), key="hsts")


def _hsts_value(name: str, args: tuple[str, ...]) -> str | None:
    """The HSTS value this directive sets, if it sets one."""
    if name == "add_header" and len(args) >= 2 and args[0].lower() == HSTS:
        return args[1].strip()
    if name == "more_set_headers":
        for arg in args:
            header, sep, value = arg.partition(":")
            if sep and header.strip().lower() == HSTS:
                return value.strip()
    return None


def _duration(seconds: int) -> str:
    days = seconds / 86400
    if days >= 1:
        return f"{days:g} day{'' if days == 1 else 's'}" if days < 60 else f"about {round(days / 30)} months"
    return f"{seconds} second{'' if seconds == 1 else 's'}"
