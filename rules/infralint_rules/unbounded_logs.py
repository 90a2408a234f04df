from __future__ import annotations

from typing import Iterator

from infralint.model.common import Document
from infralint.model.compose import ComposeFile
from infralint.model.span import Span, Spanned
from infralint.rule import Context, Finding, rule

# Drivers that write to the host's disk, as RULES.md names them. `local` rotates by default
# (20 MB x 5), but its size is then the daemon's choice, not the file's: the rule asks for
# `max-size` to be written down for both.
UNBOUNDED_DRIVERS = frozenset({"json-file", "local"})
# `max-size: -1` is json-file's explicit "unlimited".
_UNLIMITED = "-1"


@rule(id="IL303", name="unbounded-logs", severity="info", formats=("compose",), enabled=False)
def unbounded_logs(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Container logs grow without limit

    ## What it does
    Reports a compose service whose `logging.driver` is `json-file` or `local` with no
    `max-size` option (or `max-size: "-1"`), at the `driver:` line. Only a driver written in
    the file is judged: with no `logging:` the daemon's default applies, which `daemon.json`
    may already bound. Off by default.

    ## Why is this bad?
    `json-file` keeps every line a container prints in one file under
    `/var/lib/docker/containers/`, forever. A chatty or crash-looping service fills the
    host's disk, and then the database beside it, Docker itself and the host all fail
    together. `max-size` (with `max-file`) turns the file into a bounded, rotated set.

    ## Example
    ```yaml
    services:
      api:
        image: ghcr.io/acme/api:2.4.1
        logging:
          driver: json-file
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: ghcr.io/acme/api:2.4.1
        logging:
          driver: json-file
          options:
            max-size: 10m
            max-file: "3"
    ```
    """
    if not isinstance(doc, ComposeFile):
        return
    # A `logging: *default-logging` anchor shared by several services is one line to fix.
    by_span: dict[Span, tuple[str, list[str]]] = {}
    for service in doc.services:
        c = service.container
        driver = c.logging_driver
        if driver is None or driver.value.strip() not in UNBOUNDED_DRIVERS:
            continue
        size = _option(c.logging_options, "max-size")
        if size is None:
            by_span.setdefault(driver.span, (f"logging driver {driver.value.strip()} has no max-size option",
                                             []))[1].append(service.name)
        elif size.value.strip() == _UNLIMITED:
            by_span.setdefault(size.span, ("max-size -1 turns log rotation off", []))[1].append(service.name)
    for span, (why, names) in by_span.items():
        who = ", ".join(f"service {n}" for n in names)
        yield ctx.report(span, f"{who}: {why}, so the logs can fill the host's disk",
                         object=who, key=why)


def _option(options: tuple[tuple[str, Spanned[str]], ...], name: str) -> Spanned[str] | None:
    for key, value in options:
        if key == name:
            return value
    return None
