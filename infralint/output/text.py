"""Text output for people: findings grouped by file, the offending line shown (secrets masked),
and a summary table by severity.

Each piece of output is a (text, style) pair. On a terminal rich renders them in colour; piped or
written to a file the same pieces are joined as plain text, which is what rich prints without
colour too, without paying for rich's import and layout (a third of a corpus run).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import IO

from infralint.decode import split_lines
from infralint.engine import Report
from infralint.mask import mask_line
from infralint.rule import SEVERITIES, Finding

STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
# A scanned file must not drive the reader's terminal: control characters in a quoted line or a
# message are shown as escapes (rich itself passes ESC through).
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F)}

Pieces = list[tuple[str, str]]


def render(report: Report, texts: dict[str, str], out: IO[str], *, color: bool, show_suppressed: bool) -> None:
    secrets = _secrets_by_file(report)
    blocks = [_file_block(path, fs, secrets.get(path, []), texts) for path, fs in _by_file(report, show_suppressed)]
    counts = Counter(f.severity for f in report.findings if not f.suppressed)
    rows = [(sev, str(counts[sev])) for sev in SEVERITIES if counts[sev]]
    summary = _summary(report, sum(counts.values()))
    if color:
        _render_rich(blocks, rows, summary, out)
        return
    for block in blocks:
        out.write("".join(text for text, _ in block) + "\n\n")
    if rows:
        width = max(len("findings"), *(len(n) for _, n in rows))
        out.write(f"{'severity':<8}  {'findings':>{width}}\n")
        for sev, n in rows:
            out.write(f"{sev:<8}  {n:>{width}}\n")
    out.write(summary + "\n")


def _by_file(report: Report, show_suppressed: bool) -> list[tuple[str, list[Finding]]]:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if show_suppressed or not f.suppressed:
            by_file[f.span.path].append(f)
    return sorted(by_file.items())


def _secrets_by_file(report: Report) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.secret:
            out[f.span.path].append(f)
    return out


def _file_block(path: str, findings: list[Finding], secrets: list[Finding], texts: dict[str, str]) -> Pieces:
    # Secrets of every finding in the file, shown or not (a suppressed IL601 still knows its
    # value). Long ones are masked wherever they appear; short ones (a `postgres` default) only
    # on their own line, where masking them everywhere would garble unrelated text.
    wide = [f.secret or "" for f in secrets if len(f.secret or "") >= 8]
    per_line: dict[int, list[str]] = defaultdict(list)
    for f in secrets:
        per_line[f.span.line].append(f.secret or "")
    lines = split_lines(texts.get(path, ""))
    block: Pieces = [(_clean(path), "bold underline")]
    for f in findings:
        block += [("\n  ", ""), (f"{f.span.line}:{f.span.column}", "bold"), ("  ", ""),
                  (f"{f.severity:<8}", STYLE.get(f.severity, "")), (f" {f.rule_id} ", "bold"),
                  (f"{f.rule_name}  ", "dim"), (_clean(f.message), "")]
        if f.suppressed and f.suppression:
            block.append((_clean(f"  [suppressed: {f.suppression.get('kind')}]"), "dim"))
        if 0 < f.span.line <= len(lines):
            src = mask_line(lines[f.span.line - 1].rstrip(), wide + per_line[f.span.line])
            if len(src) > 160:
                src = src[:157] + "..."
            block.append((f"\n      {_clean(src.strip())}", "dim"))
    return block


def _clean(text: str) -> str:
    return text.translate(_CONTROL)


def _summary(report: Report, active: int) -> str:
    summary = f"{active} finding{'s' if active != 1 else ''} in {report.scanned} file{'s' if report.scanned != 1 else ''}"
    suppressed = len(report.findings) - active
    if suppressed:
        summary += f" ({suppressed} suppressed)"
    if report.skipped:
        summary += f"; {len(report.skipped)} skipped"
    return summary


def _render_rich(blocks: list[Pieces], rows: list[tuple[str, str]], summary: str, out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, force_terminal=True, highlight=False)
    for block in blocks:
        console.print(Text.assemble(*block))  # one print per file: a print per line cost more than the scan
        console.print()
    if rows:
        table = Table(title=None, show_edge=False, box=None, pad_edge=False)
        table.add_column("severity")
        table.add_column("findings", justify="right")
        for sev, n in rows:
            table.add_row(Text(sev, style=STYLE[sev]), n)
        console.print(table)
    console.print(Text(summary, style="bold"))
