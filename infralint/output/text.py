"""Text output for people: findings grouped by file, the offending line shown (secrets masked),
and a summary table by severity."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import IO

from infralint.decode import split_lines
from infralint.engine import Report
from infralint.mask import mask_line
from infralint.rule import SEVERITIES, Finding

STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def render(report: Report, texts: dict[str, str], out: IO[str], *, color: bool, show_suppressed: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, force_terminal=color, no_color=not color, highlight=False,
                      width=None if color else 200, soft_wrap=not color)
    shown = [f for f in report.findings if show_suppressed or not f.suppressed]
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in shown:
        by_file[f.span.path].append(f)
    for path in sorted(by_file):
        findings = by_file[path]
        # Secrets of every finding in the file, shown or not (a suppressed IL601 still knows its
        # value). Long ones are masked wherever they appear; short ones (a `postgres` default)
        # only on their own line, where masking them everywhere would garble unrelated text.
        everything = [f for f in report.findings if f.span.path == path and f.secret]
        wide = [f.secret for f in everything if len(f.secret or "") >= 8]
        per_line: dict[int, list[str]] = defaultdict(list)
        for f in everything:
            per_line[f.span.line].append(f.secret or "")
        lines = split_lines(texts.get(path, ""))
        console.print(Text(path, style="bold underline"))
        for f in findings:
            head = Text("  ")
            head.append(f"{f.span.line}:{f.span.column}", style="bold")
            head.append("  ")
            head.append(f"{f.severity:<8}", style=STYLE.get(f.severity, ""))
            head.append(f" {f.rule_id} ", style="bold")
            head.append(f"{f.rule_name}  ", style="dim")
            head.append(f.message)
            if f.suppressed and f.suppression:
                head.append(f"  [suppressed: {f.suppression.get('kind')}]", style="dim")
            console.print(head)
            if 0 < f.span.line <= len(lines):
                src = mask_line(lines[f.span.line - 1].rstrip(), wide + per_line[f.span.line])
                if len(src) > 160:
                    src = src[:157] + "..."
                console.print(Text(f"      {src.strip()}", style="dim"))
        console.print()
    active = [f for f in report.findings if not f.suppressed]
    counts = Counter(f.severity for f in active)
    table = Table(title=None, show_edge=False, box=None, pad_edge=False)
    table.add_column("severity")
    table.add_column("findings", justify="right")
    for sev in SEVERITIES:
        if counts[sev]:
            table.add_row(Text(sev, style=STYLE[sev]), str(counts[sev]))
    suppressed = len(report.findings) - len(active)
    summary = f"{len(active)} finding{'s' if len(active) != 1 else ''} in {report.scanned} file{'s' if report.scanned != 1 else ''}"
    if suppressed:
        summary += f" ({suppressed} suppressed)"
    if report.skipped:
        summary += f"; {len(report.skipped)} skipped"
    if active:
        console.print(table)
    console.print(Text(summary, style="bold"))
