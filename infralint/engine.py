"""Scan: find files, parse each once, build the project, run the selected rules, order the findings."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from infralint import detect
from infralint.config import Settings
from infralint.decode import DecodeError, decode, split_lines
from infralint.mask import mask_line
from infralint.model.common import Document, Problem
from infralint.model.span import Span
from infralint.parsers.source import Source
from infralint.project import Project
from infralint.registry import Registry
from infralint.rule import Context, Finding, Rule
from infralint.walk import Candidate, walk

MAX_FILE_BYTES = 5 * 1024 * 1024
# Parsed models cost far more memory than the text: a file of hundreds of thousands of lines
# (200k ConfigMap keys, 25k Pods in one stream) would take several hundred MB. Real
# infrastructure files stay far below this.
MAX_FILE_LINES = 100_000
_MARKS_YAML_FORMAT = re.compile(r"^(services|apiVersion|kind)\s*:", re.MULTILINE)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    scanned: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # infralint's own failures (exit 2)
    documents: list[Document] = field(default_factory=list)


def lint_paths(paths: list[str], settings: Settings, registry: Registry,
               progress: Callable[[int, int], None] | None = None, jobs: int | None = None) -> Report:
    """Lint `paths`. `jobs`: processes to use (None/0: one per CPU for large scans; 1: this one).
    The report is the same whatever `jobs` is."""
    import gc

    # A scan builds a large model that lives until the end: with the default thresholds the
    # collector re-examines it over and over (a sixth of a 10,000-file run) for little garbage.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 10_000), max(thresholds[1], 10), max(thresholds[2], 10))
    try:
        return _lint(paths, settings, registry, progress, jobs)
    finally:
        gc.set_threshold(*thresholds)


def _lint(paths: list[str], settings: Settings, registry: Registry,
          progress: Callable[[int, int], None] | None, jobs: int | None) -> Report:
    found = walk(paths)
    report = Report(skipped=list(found.skipped), rules=_active(registry, settings))
    workers = _workers(jobs, len(found.files))
    docs: list[Document] = []
    real_paths: dict[str, Path] = {}
    roots: dict[str, Path] = {}
    cache: dict = {}
    for cand, doc, skipped in _load_all(found.files, cache, progress, workers):
        report.skipped.extend(skipped)
        if doc is not None:
            docs.append(doc)
            real_paths[doc.path] = cand.real
            roots[doc.path] = cand.root
    _link_nginx_includes(docs, real_paths)
    report.skipped.extend(_unread_includes(docs))
    project = Project(docs, real_paths, roots, loader=_linked_loader(cache))
    report.scanned = len(docs)
    report.documents = docs
    _run_rules(report, docs, project, settings, [r for r in report.rules if not r.after_suppression])
    resolve = lambda ref: [r.id for r in registry.by_ref(ref)]  # noqa: E731
    if settings.inline_ignores:
        from infralint.suppress import apply

        apply(report.findings, docs, resolve)
    _run_rules(report, docs, project, settings, [r for r in report.rules if r.after_suppression])
    _apply_per_path_ignores(report.findings, settings, real_paths, resolve)
    finish(report.findings, docs, settings, resolve)
    return report


def _workers(jobs: int | None, files: int) -> int:
    if jobs == 1 or files < 2:
        return 1  # without importing the pool machinery: a pre-commit run is one or two files
    from infralint import parallel

    return parallel.workers_for(jobs, files)


_Loaded = tuple[Candidate, "Document | None", list[tuple[str, str]]]


def _load_all(cands: list[Candidate], cache: dict, progress: Callable[[int, int], None] | None,
              workers: int) -> Iterator[_Loaded]:
    """Each candidate with its document (or None) and what it added to the skipped list, in order."""
    total = len(cands)
    if workers > 1:
        from infralint import parallel

        ranges = parallel.slices(total, workers)
        results = parallel.run(workers, {"candidates": cands}, _load_slice, ranges)
        for i, loaded in enumerate(results):  # to the end: that is what closes the pool
            start, end = ranges[i]
            for cand, (doc, skipped) in zip(cands[start:end], loaded):
                yield cand, doc, skipped
            if progress is not None:
                progress(end, total)
        return
    for i, cand in enumerate(cands):
        skipped: list[tuple[str, str]] = []
        doc = load_document(cand, skipped, cache)
        yield cand, doc, skipped
        if progress is not None:
            progress(i + 1, total)


def _load_slice(bounds: tuple[int, int]) -> bytes:
    """In a worker: parse candidates[start:end] (inherited through fork) and send the documents."""
    from infralint import parallel

    job = parallel._JOB
    cache = job.setdefault("cache", {})  # this worker's, kept across its slices like the parent's
    out = []
    for cand in job["candidates"][bounds[0]:bounds[1]]:
        skipped: list[tuple[str, str]] = []
        out.append((load_document(cand, skipped, cache), skipped))
    return parallel.dumps(out)


def _active(registry: Registry, settings: Settings) -> list[Rule]:
    select = list(settings.select)
    if settings.extend_select:
        # ruff's `extend-select`: the selection (default: every rule that is on) plus these.
        select = (select or [r.id for r in registry.active([], [])]) + list(settings.extend_select)
    return registry.active(select, settings.ignore)


def _run_rules(report: Report, docs: list[Document], project: Project, settings: Settings, rules: list[Rule]) -> None:
    """The rule pass, in this process even when workers parsed: forked rule workers would each
    dirty (and so copy) most of the model's pages just by reading it (reference counts), which
    took a 10,000-file scan from 171 MB to 222 MB in all for 10 % less time."""
    active = frozenset(r.id for r in report.rules)
    report.findings.extend(_check(docs, project, settings, rules, active, report.errors))


def _check(docs: list[Document], project: Project, settings: Settings, rules: list[Rule],
           active: frozenset[str], errors: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    for doc in docs:
        for r in rules:
            if doc.format not in r.formats:
                continue
            ctx = Context(rule=r, doc=doc, project=project, settings=settings, active=active)
            try:
                findings.extend(r.check(doc, ctx))
            except Exception as exc:  # a rule bug must not hide the other findings
                errors.append(f"rule {r.id} failed on {doc.path}: {type(exc).__name__}: {exc}")
    return findings


def _apply_per_path_ignores(findings: list[Finding], settings: Settings, real_paths: dict[str, Path], resolve) -> None:
    """`per-path-ignores` globs are relative to the config file's folder (or the current one)."""
    if not settings.per_path_ignores:
        return
    from infralint.gitignore import IgnoreFile

    base = Path(settings.source).resolve().parent if settings.source else Path.cwd().resolve()
    rules = {glob: {i for ref in refs for i in resolve(ref)} for glob, refs in settings.per_path_ignores.items()}
    matchers = {glob: IgnoreFile(glob) for glob in rules}
    for f in findings:
        if f.suppressed:
            continue
        real = real_paths.get(f.span.path)
        candidates = [f.span.path]
        if real is not None:
            try:
                candidates.insert(0, real.relative_to(base).as_posix())
            except ValueError:
                pass
        for glob, ids in rules.items():
            # gitignore-style globs, as users know them: `**/x` also matches a top-level `x`.
            if f.rule_id in ids and any(matchers[glob].match(c, False) for c in candidates):
                f.suppressed = True
                f.suppression = {"kind": "config", "reason": f"per-path-ignores: {glob}"}
                break


def finish(findings: list[Finding], docs: list[Document], settings: Settings, resolve=None) -> None:
    """Severity overrides, fingerprints, and a deterministic order."""
    texts = {d.path: d.text for d in docs}
    overrides: dict[str, str] = {}
    for ref, sev in settings.severity_overrides.items():
        for rid in (resolve(ref) if resolve else [ref]):
            overrides[rid] = sev
    for f in findings:
        override = overrides.get(f.rule_id)
        if override:
            f.severity = override
    findings.sort(key=Finding.sort_key)
    counts: dict[str, int] = {}
    path, lines = None, []  # findings are sorted by path: each file is split once, one at a time
    for f in findings:
        if f.span.path != path:
            path = f.span.path
            lines = split_lines(texts.get(path, ""))
        base = _fingerprint(f, lines)
        n = counts.get(base, 0)
        counts[base] = n + 1
        f.fingerprint = base if n == 0 else _sha256(f"{base}:{n}".encode()).hexdigest()[:32]


def fingerprint(f: Finding, text: str) -> str:
    """Stable across unrelated edits: rule, path, object and the offending text, not the line number."""
    return _fingerprint(f, split_lines(text))


def _fingerprint(f: Finding, lines: list[str]) -> str:
    line = lines[f.span.line - 1].strip() if 0 < f.span.line <= len(lines) else ""
    # Hashed as the text output shows it, secrets masked: a hash of the plain line would let
    # anyone holding a report or a baseline confirm a guessed secret offline.
    line = mask_line(line, [f.secret] if f.secret else [])
    raw = "\x1f".join((f.rule_id, f.span.path, f.object, f.key, " ".join(line.split())))
    return _sha256(raw.encode("utf-8")).hexdigest()[:32]


def _sha256(data: bytes) -> Any:  # a hash object
    """SHA-256 without `import hashlib`: loading OpenSSL for it is 2-3 ms of a single-file run.
    CPython's own implementation gives the same digest; hashlib is the fallback elsewhere."""
    global _SHA256
    if _SHA256 is None:
        try:
            from _sha2 import sha256 as impl  # CPython >= 3.12
        except ImportError:
            try:
                from _sha256 import sha256 as impl  # CPython <= 3.11
            except ImportError:
                from hashlib import sha256 as impl
        _SHA256 = impl
    return _SHA256(data)


_SHA256 = None


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


def _linked_loader(cache: dict) -> Callable[[Path, Path], "Document | None"]:
    """Parse a file reached through a cross-file link (never reported on its own)."""

    def load(real: Path, root: Path) -> Document | None:
        display = os.path.relpath(real, Path.cwd().resolve()).replace(os.sep, "/")
        return load_document(Candidate(real, display, root, False), [], cache)

    return load


def _unread_includes(docs: list[Document]) -> list[tuple[str, str]]:
    """Includes outside the root are not read; say so (their directives are unknown, not missing)."""
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        for pattern, span in getattr(doc, "unread_includes", ()) or ():
            key = (pattern, span.path)
            if key not in seen:
                seen.add(key)
                out.append((pattern, f"nginx include in {span.path}:{span.line} is outside the scanned folder or missing; not read"))
    return out


def _link_nginx_includes(docs: list[Document], real_paths: dict[str, Path]) -> None:
    """A file a main config includes is judged inside that config, not on its own."""
    from infralint.model.nginx import NginxConfig

    by_real = {real_paths[d.path]: d for d in docs if isinstance(d, NginxConfig)}
    for doc in docs:
        if isinstance(doc, NginxConfig) and doc.context == "main":
            for inc in getattr(doc, "included_real", ()) or ():
                other = by_real.get(Path(inc))
                if other is not None and other is not doc and other.included_by is None:
                    other.included_by = doc.path
