"""Inline ignores: `# infralint: ignore=IL201,root-user -- reason` and `ignore-file=`.

An ignore on its own line covers the next line that is not blank or a comment and, when that
line opens a block (a YAML key holding a mapping or list, an nginx directive with `{`, a
multi-line Dockerfile instruction), everything inside the block. An ignore at the end of a line
covers that line (not in Dockerfiles, where it would be part of the instruction). Kubernetes
objects also honour the annotation `infralint.io/ignore: "IL201: reason"` on the object or its
pod template.
"""
from __future__ import annotations

import re
from typing import Callable

from infralint.decode import split_lines
from infralint.model.common import Document, IgnorePragma
from infralint.model.span import Span
from infralint.rule import Finding

_PRAGMA = re.compile(
    r"#\s*infralint:\s*(?P<kind>ignore-file|ignore)\s*=\s*(?P<refs>[A-Za-z0-9_\-]+(?:\s*,\s*[A-Za-z0-9_\-]+)*)"
    r"(?:\s*(?:--|:)\s*(?P<reason>.*))?$"
)
ANNOTATION = "infralint.io/ignore"


Resolver = Callable[[str], "list[str]"]


def covers(ign: IgnorePragma, f: Finding) -> bool:
    return f.rule_id in ign.ids and (ign.whole_file or ign.first <= f.span.line <= ign.last)


def collect(doc: Document, resolve: Resolver) -> list[IgnorePragma]:
    lines = split_lines(doc.text)
    out: list[IgnorePragma] = []
    for idx, line in enumerate(lines):
        if "infralint:" not in line:
            continue
        m = _PRAGMA.search(line)
        if not m:
            continue
        refs = tuple(r.strip() for r in m.group("refs").split(","))
        ids = frozenset(i for ref in refs for i in resolve(ref))
        reason = (m.group("reason") or "").strip()
        n = idx + 1
        span = Span(doc.path, n, m.start() + 1, n, m.end() + 1)
        if m.group("kind") == "ignore-file":
            out.append(IgnorePragma(refs, ids, span, 1, len(lines), reason, whole_file=True))
            continue
        own_line = line[: m.start()].strip() == ""
        if not own_line:
            if doc.format != "dockerfile":
                out.append(IgnorePragma(refs, ids, span, n, n, reason))
            continue
        target = _next_code_line(lines, idx + 1, doc.format)
        if target is None:
            continue
        out.append(IgnorePragma(refs, ids, span, target, _block_end(doc, lines, target), reason))
    out.extend(_annotations(doc, resolve))
    return out


def apply(findings: list[Finding], docs: list[Document], resolve: Resolver) -> None:
    """Record each document's pragmas on it, suppress what they cover, and mark them used."""
    by_path: dict[str, list[IgnorePragma]] = {}
    for doc in docs:
        doc.ignores = collect(doc, resolve)
        if doc.ignores:
            by_path[doc.path] = doc.ignores
    for f in findings:
        for ign in by_path.get(f.span.path, ()):
            if covers(ign, f):
                ign.used.add(f.rule_id)
                if not f.suppressed:
                    f.suppressed = True
                    f.suppression = {"kind": "inline", "reason": ign.reason}


def _next_code_line(lines: list[str], start: int, fmt: str) -> int | None:
    for i in range(start, len(lines)):
        s = lines[i].strip()
        if s and not s.startswith("#"):
            return i + 1
    return None


def _block_end(doc: Document, lines: list[str], line: int) -> int:
    if doc.format == "dockerfile":
        for ins in getattr(doc, "instructions", ()):
            if ins.span.line == line:
                return max(line, ins.span.end_line)
        return line
    if doc.format == "nginx":
        return _brace_end(lines, line)
    if doc.format in ("compose", "kubernetes"):
        return _indent_end(lines, line)
    return line


def _indent_end(lines: list[str], line: int) -> int:
    """A YAML key's block: the following lines indented deeper (or a `- ` list at the same indent)."""
    head = lines[line - 1]
    indent = len(head) - len(head.lstrip(" "))
    body = head.split(" #", 1)[0].rstrip()
    item = head.lstrip().startswith("- ")
    if item:
        indent += 2  # the item's own keys sit after the dash
    end = line
    for i in range(line, len(lines)):
        s = lines[i]
        stripped = s.strip()
        if not stripped or stripped.startswith("#"):
            continue
        ind = len(s) - len(s.lstrip(" "))
        if ind > indent or (ind >= indent and item and not stripped.startswith("- ")) or (
            ind == indent and not item and body.endswith(":") and stripped.startswith("- ")
        ):
            end = i + 1
            continue
        break
    return end


def _brace_end(lines: list[str], line: int) -> int:
    depth = 0
    opened = False
    for i in range(line - 1, len(lines)):
        text = re.sub(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')", "", lines[i]).split("#", 1)[0]
        for ch in text:
            if ch == "{":
                depth += 1
                opened = True
            elif ch == "}":
                depth -= 1
                if opened and depth <= 0:
                    return i + 1
        if not opened and ";" in text:
            return line
    return line if not opened else len(lines)


def _annotations(doc: Document, resolve: Resolver) -> list[IgnorePragma]:
    from infralint.model.k8s import KubeFile

    if not isinstance(doc, KubeFile):
        return []
    out: list[IgnorePragma] = []
    pod_annotations = {id(w.obj): w.pod_annotations for w in doc.workloads}
    for obj in doc.objects:
        values = [v for k, v in obj.annotations if k == ANNOTATION]
        values += [v for k, v in pod_annotations.get(id(obj), ()) if k == ANNOTATION]
        for v in values:
            # `IL201: reason; IL301: other reason` -- but a `;` inside a reason is just prose.
            for part in re.split(r"\n|;(?=\s*[A-Za-z][A-Za-z0-9-]*\s*[:,])", v.value):
                refs_text, _, reason = part.partition(":")
                refs = tuple(r.strip() for r in refs_text.split(",") if r.strip())
                ids = frozenset(i for ref in refs for i in resolve(ref))
                if refs:
                    out.append(IgnorePragma(refs, ids, v.span, obj.span.line, obj.end_line, reason.strip()))
    return out
