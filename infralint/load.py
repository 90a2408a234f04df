"""One file to one Document: read (within limits), decode, recognise the format, parse. Never
raises for bad input: what cannot be read is an IL001 problem or a skipped entry."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

from infralint import detect
from infralint.decode import DecodeError, decode
from infralint.model.common import Document, Problem
from infralint.model.span import Span
from infralint.parsers.source import Source
from infralint.walk import Candidate

MAX_FILE_BYTES = 5 * 1024 * 1024
# Parsed models cost far more memory than the text: a file of hundreds of thousands of lines
# (200k ConfigMap keys, 25k Pods in one stream) would take several hundred MB. Real
# infrastructure files stay far below this.
MAX_FILE_LINES = 100_000
_MARKS_YAML_FORMAT = re.compile(r"^(services|apiVersion|kind)\s*:", re.MULTILINE)




def load_document(cand: Candidate, skipped: list[tuple[str, str]], cache: dict) -> Document | None:
    """Read, decode, recognise and parse one file. Never raises for bad input."""
    name = cand.real.name if not cand.explicit else Path(cand.display).name
    kind = detect.by_name(name, cand.real.parent.name)
    try:
        size = cand.real.stat().st_size
        if size > MAX_FILE_BYTES:
            return _unreadable(cand, kind, f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit; not read", skipped)
        data = cand.real.read_bytes()
    except OSError as exc:
        return _unreadable(cand, kind, f"file cannot be read: {exc.strerror or exc}", skipped)
    newlines = data.count(b"\n")
    if newlines > MAX_FILE_LINES:
        return _unreadable(cand, kind, f"file has {newlines} lines, over the {MAX_FILE_LINES}-line limit; not read", skipped)
    try:
        text = decode(data)
    except DecodeError as exc:
        return _unreadable(cand, kind, f"file cannot be decoded: {exc}", skipped, exc.line)
    if kind in (None, "nginx?") or (kind == "yaml" and cand.explicit and not text.strip()):
        sniffed = detect.sniff(text) if text.strip() else None
        if kind == "nginx?" and sniffed != "nginx":
            if cand.explicit and sniffed:
                kind = sniffed
            elif cand.explicit:
                skipped.append((cand.display, "not a recognised infrastructure file"))
                return None
            else:
                return None
        elif kind is None:
            if sniffed is None:
                skipped.append((cand.display, "not a recognised infrastructure file"))
                return None
            kind = sniffed
        else:
            kind = "nginx" if kind == "nginx?" else kind
    if kind == "nginx?":
        kind = "nginx"
    src = Source(path=cand.display, real=cand.real, text=text, root=cand.root,
                 display=_displayer(cand), read=_reader(cand.root), cache=cache)
    return _parse(kind, src, cand, skipped)


def _parse(kind: str, src: Source, cand: Candidate, skipped: list[tuple[str, str]]) -> Document | None:
    if kind == "dockerfile":
        from infralint.parsers.dockerfile import parse_dockerfile

        return parse_dockerfile(src)
    if kind == "nginx":
        from infralint.parsers.nginx import parse_nginx

        return parse_nginx(src)
    if kind == "env":
        from infralint.parsers.envfile import parse_envfile

        return parse_envfile(src)
    if kind == "dockerignore":
        from infralint.parsers.envfile import parse_dockerignore

        return parse_dockerignore(src)
    return _parse_yaml(kind, src, cand, skipped)


def _parse_yaml(kind: str, src: Source, cand: Candidate, skipped: list[tuple[str, str]]) -> Document | None:
    from infralint.parsers.compose import looks_like_compose, parse_compose
    from infralint.parsers.k8s import looks_like_kube, parse_kube
    from infralint.parsers.yamlload import load_stream

    rel_parts = _rel_parts(cand)
    if detect.helm_template(rel_parts, lambda p: (cand.root / p).is_file()):
        skipped.append((cand.display, "helm template"))
        return None
    if _kustomize_patch(cand):
        skipped.append((cand.display, "kustomize patch (partial object)"))
        return None
    stream = load_stream(src.text, src.path)
    broken = any(p.kind == "parse-error" for p in stream.problems)
    if broken and "{{" in src.text and kind != "compose":
        skipped.append((cand.display, "template ({{ }} placeholders), not plain YAML"))
        return None
    if kind == "compose" or looks_like_compose(stream):
        return parse_compose(src, stream)
    if looks_like_kube(stream):
        return parse_kube(src, stream)
    if broken and (cand.explicit or _MARKS_YAML_FORMAT.search(src.text)):
        fmt = "kubernetes" if re.search(r"^(apiVersion|kind)\s*:", src.text, re.MULTILINE) else "compose"
        return Document(path=src.path, format=fmt, text=src.text, problems=list(stream.problems))
    if cand.explicit:
        skipped.append((cand.display, "YAML that is neither compose nor Kubernetes"))
    return None


def _unreadable(cand: Candidate, kind: str | None, message: str, skipped: list[tuple[str, str]],
                line: int = 1) -> Document | None:
    if kind is None or kind == "nginx?" and not cand.explicit:
        skipped.append((cand.display, message))
        return None
    fmt = {"yaml": "compose", "nginx?": "nginx", None: "dockerfile"}.get(kind, kind)
    if kind == "yaml":
        fmt = "kubernetes"
    doc = Document(path=cand.display, format=fmt)
    doc.problems.append(Problem("parse-error", message, Span(cand.display, line)))
    return doc


def _rel_parts(cand: Candidate) -> tuple[str, ...]:
    try:
        return cand.real.relative_to(cand.root).parts
    except ValueError:
        return (cand.real.name,)


def _kustomize_patch(cand: Candidate) -> bool:
    """Files a sibling kustomization names as patches are partial objects, not manifests."""
    for kname in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        kpath = cand.real.parent / kname
        if not kpath.is_file():
            continue
        try:
            ktext = kpath.read_text("utf-8", errors="replace")
        except OSError:
            return False
        block = re.search(r"^(patches|patchesStrategicMerge|patchesJson6902)\s*:(.*?)(?=^\S|\Z)", ktext, re.MULTILINE | re.DOTALL)
        if block and re.search(rf"(^|[\s/:'\"]){re.escape(cand.real.name)}(['\"]?\s*$)", block.group(2), re.MULTILINE):
            return True
    return False


def _displayer(cand: Candidate) -> Callable[[Path], str]:
    """Display paths for other files of the same root, consistent with how the walk names them."""
    rel = "/".join(_rel_parts(cand))
    prefix: str | None = None
    if cand.display == rel:
        prefix = ""
    elif cand.display.endswith("/" + rel):
        prefix = cand.display[: -len(rel) - 1]

    def display(p: Path) -> str:
        real = p.resolve()
        if prefix is not None:
            try:
                sub = real.relative_to(cand.root).as_posix()
                return f"{prefix}/{sub}" if prefix else sub
            except ValueError:
                pass
        try:
            return real.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return real.as_posix()

    return display


def _reader(root: Path) -> Callable[[Path], "str | None"]:
    def read(p: Path) -> str | None:
        try:
            real = p.resolve()
            real.relative_to(root)
            if not real.is_file() or real.stat().st_size > MAX_FILE_BYTES:
                return None
            return decode(real.read_bytes())
        except (ValueError, OSError, DecodeError):
            return None

    return read


def linked_loader(cache: dict) -> Callable[[Path, Path], "Document | None"]:
    """Parse a file reached through a cross-file link (never reported on its own)."""

    def load(real: Path, root: Path) -> Document | None:
        display = os.path.relpath(real, Path.cwd().resolve()).replace(os.sep, "/")
        return load_document(Candidate(real, display, root, False), [], cache)

    return load
