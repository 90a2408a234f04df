"""Command line (CONTRACT.md). Exit codes: 0 clean, 1 findings at or above --fail-on, 2 errors."""
from __future__ import annotations

import io
import os
import sys
import time
from typing import Sequence

from pathlib import Path

import click

from infralint import __version__
from infralint.rule import SEVERITIES, SEVERITY_RANK


class UsageFailure(Exception):
    pass


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report there instead of stdout.")
@click.option("--select", multiple=True, help="Rule IDs, names or prefixes to run (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule IDs, names or prefixes to skip (comma-separated).")
@click.option("--config", "config_path", type=click.Path(), help="Config file (default: discovered).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that fails the run [default: low].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the run.")
@click.option("--baseline", type=click.Path(), help="Findings recorded there are reported as baselined.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record today's findings and exit 0.")
@click.option("--show-suppressed", is_flag=True, help="Include ignored/baselined findings in text and SARIF.")
@click.option("--list-rules", is_flag=True, help="Print the rule catalogue.")
@click.option("--explain", metavar="RULE", help="Print a rule's documentation.")
@click.version_option(__version__, "--version", prog_name="infralint")
def cli(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
        config_path: str | None, fail_on: str | None, exit_zero: bool, baseline: str | None,
        write_baseline: str | None, show_suppressed: bool, list_rules: bool, explain: str | None) -> None:
    """Lint Dockerfiles, compose files, nginx configs and Kubernetes manifests under PATHS (default: .)."""
    from infralint import registry as registry_mod

    try:
        reg = registry_mod.load()
    except registry_mod.RegistryError as exc:
        _fail(str(exc))
    if list_rules:
        from infralint.output.catalogue import render_list

        _emit(render_list(reg, fmt), output)
        sys.exit(0)
    if explain:
        from infralint.output.catalogue import render_explain

        found = reg.by_ref(explain)
        if len(found) != 1:
            _fail(f"--explain: unknown rule {explain!r} (see --list-rules)")
        _emit(render_explain(found[0]), output)
        sys.exit(0)

    targets = list(paths) or ["."]
    for p in targets:
        if not os.path.lexists(p):
            _fail(f"path does not exist: {p}")
    settings = _settings(reg, targets, config_path)
    if select:
        settings.select = _split(select)
    if ignore:
        settings.ignore = _split(ignore)
    if fail_on:
        settings.fail_on = fail_on
    for ref in _split(select) + _split(ignore):
        if not reg.is_known(ref):
            _fail(f"unknown rule {ref!r} in --select/--ignore (see --list-rules)")
    prints: set[str] | None = None
    if baseline:
        from infralint import baseline as baseline_mod

        try:
            prints = baseline_mod.load(Path(baseline))
        except baseline_mod.BaselineError as exc:
            _fail(str(exc))

    from infralint.engine import lint_paths
    from infralint.walk import PathNotFound

    progress = _progress() if fmt == "text" and sys.stderr.isatty() and not output else None
    try:
        report = lint_paths(targets, settings, reg, progress=progress)
    except PathNotFound as exc:
        _fail(f"path does not exist: {exc}")
    finally:
        if progress is not None:
            progress.close()
    if report.errors:
        for err in report.errors:
            click.echo(f"infralint: internal error: {err}", err=True)
    if prints is not None and baseline:
        from infralint import baseline as baseline_mod

        baseline_mod.apply(report.findings, prints, Path(baseline))
    if write_baseline:
        from infralint import baseline as baseline_mod

        try:
            count = baseline_mod.write(Path(write_baseline), report.findings)
        except OSError as exc:
            _fail(f"cannot write {write_baseline}: {exc.strerror or exc}")
        click.echo(f"infralint: recorded {count} finding{'s' if count != 1 else ''} in {write_baseline}", err=True)
        sys.exit(2 if report.errors else 0)

    if fmt == "json":
        from infralint.output.jsonout import render as render_json

        _emit(render_json(report), output)
    elif fmt == "sarif":
        from infralint.output.sarif import render as render_sarif

        _emit(render_sarif(report, show_suppressed), output)
    else:
        from infralint.output.text import render as render_text

        texts = {}
        for f in report.findings:
            if f.span.path not in texts:
                texts[f.span.path] = _read_for_display(f.span.path)
        buf = io.StringIO()
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        render_text(report, texts, buf, color=color, show_suppressed=show_suppressed)
        _emit(buf.getvalue(), output)

    if report.errors:
        sys.exit(2)
    threshold = SEVERITY_RANK[settings.fail_on]
    failing = [f for f in report.findings if not f.suppressed and SEVERITY_RANK.get(f.severity, 0) >= threshold]
    sys.exit(1 if failing and not exit_zero else 0)


def _settings(reg, targets: list[str], config_path: str | None):
    """Settings from --config or the nearest config file, with every rule reference checked."""
    from infralint.config import ConfigError, Settings, find_config, load_config

    path: Path | None
    if config_path:
        path = Path(config_path)
        if not path.is_file():
            _fail(f"--config: no such file: {config_path}")
    else:
        path = find_config(Path(targets[0]))
    if path is None:
        return Settings()
    try:
        settings = load_config(path)
    except ConfigError as exc:
        _fail(str(exc))
    refs = [("select", r) for r in settings.select] + [("ignore", r) for r in settings.ignore]
    refs += [("severity", r) for r in settings.severity_overrides]
    refs += [("per-path-ignores", r) for rs in settings.per_path_ignores.values() for r in rs]
    for key, ref in refs:
        if not reg.is_known(ref):
            _fail(f"{path}: key '{key}': unknown rule {ref!r} (see --list-rules)")
    return settings


def _read_for_display(path: str) -> str:
    from infralint.decode import DecodeError, decode

    try:
        return decode(open(path, "rb").read())
    except (OSError, DecodeError):
        return ""


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    tmp = f"{output}.infralint-tmp"
    try:
        # Written whole, then renamed: a CI upload never sees a truncated report.
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, output)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


def _fail(message: str) -> None:
    click.echo(f"infralint: error: {message}", err=True)
    sys.exit(2)


class _progress:
    """A progress bar on stderr, shown only once a scan has taken more than a moment."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < 0.3 or total < 2:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("linting"), BarColumn(), MofNCompleteColumn(),
                                console=Console(file=sys.stderr), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("lint", total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="infralint", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    return 0
