"""Command line (CONTRACT.md). Exit codes: 0 clean, 1 findings at or above --fail-on, 2 errors."""
from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterable, NoReturn, Sequence

from infralint import __version__
from infralint.rule import SEVERITIES, SEVERITY_RANK

# argparse, not click: the command line is a handful of flags, and click's import (with the
# inspect, uuid and platform modules it pulls in) was over a tenth of a single-file run.


class UsageFailure(Exception):
    pass


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, allow_abbrev=False,
        description="Lint Dockerfiles, compose files, nginx configs and Kubernetes manifests under PATHS (default: .).")
    p.add_argument("paths", nargs="*", metavar="PATHS", help="Files and folders to lint (default: .).")
    p.add_argument("-f", "--format", dest="fmt", choices=["text", "json", "sarif"], default="text",
                   help="Output format [default: text].")
    p.add_argument("-o", "--output", metavar="FILE", help="Write the report there instead of stdout.")
    p.add_argument("--select", action="append", default=[], metavar="LIST",
                   help="Rule IDs, names or prefixes to run (comma-separated).")
    p.add_argument("--ignore", action="append", default=[], metavar="LIST",
                   help="Rule IDs, names or prefixes to skip (comma-separated).")
    p.add_argument("--config", dest="config_path", metavar="FILE", help="Config file (default: discovered).")
    p.add_argument("--fail-on", choices=SEVERITIES, default=None,
                   help="Lowest severity that fails the run [default: low].")
    p.add_argument("--exit-zero", action="store_true", help="Exit 0 even when findings fail the run.")
    p.add_argument("--baseline", metavar="FILE", help="Findings recorded there are reported as baselined.")
    p.add_argument("--write-baseline", metavar="FILE", help="Record today's findings and exit 0.")
    p.add_argument("--show-suppressed", action="store_true", help="Include ignored/baselined findings in text and SARIF.")
    p.add_argument("--list-rules", action="store_true", help="Print the rule catalogue.")
    p.add_argument("--explain", metavar="RULE", help="Print a rule's documentation.")
    p.add_argument("-j", "--jobs", type=_jobs, default=0, metavar="N",
                   help="Processes to lint with. 0 (default): one per CPU for large trees (thousands of "
                        "files) on machines with 4 or more CPUs, else one. 1: never start another process. "
                        "The findings are the same either way.")
    p.add_argument("--version", action="version", version=f"{prog}, version {__version__}")
    return p


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is below 0")
    return value


class _Command:
    """The `infralint` command. Its `main(args, prog_name)` has the shape of the click command it
    once was, so click's test runner (and scripts written against it) keep working."""

    name = "infralint"

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, **_: Any) -> NoReturn:
        ns = _parser(prog_name or "infralint").parse_intermixed_args(list(sys.argv[1:] if args is None else args))
        for flag, value in (("--output", ns.output), ("--write-baseline", ns.write_baseline)):
            if value is not None and os.path.isdir(value):
                _fail(f"{flag}: {value} is a folder, not a file")
        run(**vars(ns))
        sys.exit(0)


cli = _Command()


def run(paths: Sequence[str], fmt: str, output: str | None, select: Sequence[str], ignore: Sequence[str],
        config_path: str | None, fail_on: str | None, exit_zero: bool, baseline: str | None,
        write_baseline: str | None, show_suppressed: bool, list_rules: bool, explain: str | None,
        jobs: int) -> None:
    """One run of the command, parsed arguments in hand; ends with sys.exit."""
    from infralint import registry as registry_mod

    try:
        reg = registry_mod.load()
    except registry_mod.RegistryError as exc:
        _fail(str(exc))
    _resume_collector()
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
    # Config discovery starts at each scanned path (CONTRACT.md): paths whose nearest config
    # differs are linted as separate groups, each with its own settings; the flags apply to all.
    groups: dict[str | None, list[str]] = {}
    for t in targets:
        found = _config_path(t, config_path)
        groups.setdefault(str(found) if found else None, []).append(t)
    group_settings = []
    for cfg, group_targets in groups.items():
        settings = _settings(reg, Path(cfg) if cfg else None)
        if select:
            settings.select = _split(select)
        if ignore:
            settings.ignore = _split(ignore)
        if fail_on:
            settings.fail_on = fail_on
        group_settings.append((settings, group_targets))
    # The strictest threshold of the groups decides the exit code.
    settings = max((s for s, _ in group_settings), key=lambda s: -SEVERITY_RANK[s.fail_on])
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
        report = None
        for group, group_targets in group_settings:
            part = lint_paths(group_targets, group, reg, progress=progress, jobs=jobs or None)
            report = part if report is None else _merge(report, part)
    except PathNotFound as exc:
        _fail(f"path does not exist: {exc}")
    finally:
        if progress is not None:
            progress.close()
    if report.errors:
        for err in report.errors:
            _echo_err(f"infralint: internal error: {err}")
    if prints is not None and baseline:
        from infralint import baseline as baseline_mod

        baseline_mod.apply(report.findings, prints, Path(baseline))
    if write_baseline:
        from infralint import baseline as baseline_mod

        try:
            count = baseline_mod.write(Path(write_baseline), report.findings)
        except OSError as exc:
            _fail(f"cannot write {write_baseline}: {exc.strerror or exc}")
        _echo_err(f"infralint: recorded {count} finding{'s' if count != 1 else ''} in {write_baseline}")
        sys.exit(2 if report.errors else 0)

    # Output reads findings only (text re-reads the files it quotes): the model goes first, so
    # a large scan's report is written in the memory the model used.
    report.documents = []
    if fmt == "json":
        from infralint.output.jsonout import chunks as json_chunks

        _emit(json_chunks(report), output)
    elif fmt == "sarif":
        from infralint.output.sarif import chunks as sarif_chunks

        _emit(sarif_chunks(report, show_suppressed), output)
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


def _config_path(target: str, explicit: str | None) -> Path | None:
    from infralint.config import find_config

    if explicit:
        if not Path(explicit).is_file():
            _fail(f"--config: no such file: {explicit}")
        return Path(explicit)
    return find_config(Path(target))


def _settings(reg, path: Path | None):
    """Settings from a config file (or the defaults), with every rule reference checked."""
    from infralint.config import ConfigError, Settings, load_config

    if path is None:
        return Settings()
    try:
        settings = load_config(path)
    except ConfigError as exc:
        _fail(str(exc))
    refs = [("select", r) for r in settings.select] + [("ignore", r) for r in settings.ignore]
    refs += [("severity", r) for r in settings.severity_overrides]
    refs += [("per-path-ignores", r) for rs in settings.per_path_ignores.values() for r in rs]
    refs += [("extend-select", r) for r in settings.extend_select]
    for key, ref in refs:
        if not reg.is_known(ref):
            _fail(f"{path}: key '{key}': unknown rule {ref!r} (see --list-rules)")
    return settings


def _merge(a, b):
    """Two groups' reports as one, in the engine's deterministic order."""
    from infralint.rule import Finding

    a.findings = sorted(a.findings + b.findings, key=Finding.sort_key)
    a.scanned += b.scanned
    a.skipped += b.skipped
    a.errors += b.errors
    a.documents += b.documents
    a.rules = sorted({r.id: r for r in a.rules + b.rules}.values(), key=lambda r: r.id)
    return a


def _read_for_display(path: str) -> str:
    from infralint.decode import DecodeError, decode

    try:
        return decode(open(path, "rb").read())
    except (OSError, DecodeError):
        return ""


def _emit(text: str | Iterable[str], output: str | None) -> None:
    pieces = [text] if isinstance(text, str) else text
    if output is None:
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    tmp = f"{output}.infralint-tmp"
    try:
        # Written whole, then renamed: a CI upload never sees a truncated report.
        with open(tmp, "w", encoding="utf-8") as fh:
            for piece in pieces:
                fh.write(piece)
        os.replace(tmp, output)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


def _fail(message: str) -> NoReturn:
    _echo_err(f"infralint: error: {message}")
    sys.exit(2)


def _echo_err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


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


# Set by main() while the collector is off for start-up (see there).
_COLLECTOR_PAUSED = False


def _resume_collector() -> None:
    """Start-up is over (the rule packs are loaded): collect again. What exists now lives until
    exit, so it is frozen out of every later collection's work."""
    global _COLLECTOR_PAUSED
    if _COLLECTOR_PAUSED:
        import gc

        _COLLECTOR_PAUSED = False
        gc.freeze()
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    global _COLLECTOR_PAUSED
    import gc

    # Loading the rule packs builds tens of thousands of long-lived objects and no garbage;
    # collections during it are pure cost, a few ms of a 100 ms single-file run.
    if gc.isenabled():
        gc.disable()
        _COLLECTOR_PAUSED = True
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="infralint")
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except KeyboardInterrupt:
        _echo_err("Aborted!")
        return 1
    except BrokenPipeError:
        # `infralint . | head`: the reader left. Say nothing more, and let the interpreter's
        # final flush go nowhere instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        _resume_collector()
    return 0
