"""The scan as a whole: every parsed document, and the questions rules ask across files.

Links are found on disk even when only one file was passed (pre-commit), but only inside the
scanned root, and a link that cannot be resolved statically (a `${VAR}` path, a git URL) is
reported as unknown rather than guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from infralint.model.common import BuildRef, Container, Document
from infralint.model.compose import ComposeFile, Service
from infralint.walk import inside as _inside

T = TypeVar("T")
_COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_OVERRIDE_NAMES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml",
                   "docker-compose.override.yml")
_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


@dataclass(frozen=True)
class BuildLink:
    """Where a compose service's `build:` leads."""

    build: BuildRef
    context: Path | None  # None: cannot be known statically (variable, URL) or outside the root
    dockerfile: Path | None  # None as well for `dockerfile_inline:` (no file; `document` has it)
    static: bool  # False: a variable or a remote context; nothing can be said
    inside_root: bool
    context_exists: bool
    dockerfile_exists: bool
    document: Document | None  # the parsed Dockerfile, when it exists or is written inline


@dataclass
class Project:
    documents: list[Document] = field(default_factory=list)
    real_paths: dict[str, Path] = field(default_factory=dict)  # display path -> real path
    roots: dict[str, Path] = field(default_factory=dict)  # display path -> scanned root
    # Parses a file found through a link (real path, root) -> Document or None.
    loader: Callable[[Path, Path], "Document | None"] | None = None

    def __post_init__(self) -> None:
        self._by_real: dict[Path, Document] = {}
        self._loaded: dict[Path, Document | None] = {}
        # Rules ask the same questions for every file (IL603 for each Dockerfile walks every
        # compose build): answer each once per scan.
        self._links: dict[tuple[int, int], BuildLink | None] = {}
        self._near: dict[Path, list[ComposeFile]] = {}
        # Indexes over the scan, built on first use: rules ask per file, the answers are per scan.
        self._formats: dict[str, tuple[Document, ...]] | None = None
        self._workloads: tuple | None = None
        self._scan_compose: dict[Path, ComposeFile] | None = None
        self._binds: dict[int, list[tuple[Service, list[Path]]]] = {}
        self._builds: dict[int, list[tuple[Path | None, Path | None]]] = {}
        self._memo: dict[str, Any] = {}
        for doc in self.documents:
            real = self.real_paths.get(doc.path)
            if real is not None:
                self._by_real[real] = doc

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """`build()`, computed once per scan under `key`: for indexes a rule needs on every file
        (which nginx file reports what, the IngressClasses, workloads by label), so that a rule
        run per file does not cost the number of files squared."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def of_format(self, fmt: str) -> tuple[Document, ...]:
        if self._formats is None:
            grouped: dict[str, list[Document]] = {}
            for d in self.documents:
                grouped.setdefault(d.format, []).append(d)
            self._formats = {k: tuple(v) for k, v in grouped.items()}
        return self._formats.get(fmt, ())

    def by_real(self, path: Path) -> Document | None:
        return self._by_real.get(path)

    def real(self, doc: Document) -> Path | None:
        return self.real_paths.get(doc.path)

    def root(self, doc: Document) -> Path | None:
        return self.roots.get(doc.path)

    def workloads(self) -> tuple:
        """Every Kubernetes workload in the scan (for Service selectors)."""
        from infralint.model.k8s import KubeFile

        if self._workloads is None:
            self._workloads = tuple(w for d in self.documents if isinstance(d, KubeFile) for w in d.workloads)
        return self._workloads

    def document_at(self, path: Path, root: Path) -> Document | None:
        """The parsed file at `path`: from the scan, or read on demand when inside the root."""
        try:
            real = path.resolve()
            real.relative_to(root)
        except (ValueError, OSError):
            return None
        if real in self._by_real:
            return self._by_real[real]
        if real not in self._loaded:
            self._loaded[real] = self.loader(real, root) if self.loader and real.is_file() else None
        return self._loaded[real]

    # -- compose -> Dockerfile -------------------------------------------------------------
    def build_link(self, compose: Document, container: Container) -> BuildLink | None:
        key = (id(compose), id(container))
        if key not in self._links:
            self._links[key] = self._build_link(compose, container)
        return self._links[key]

    def _build_link(self, compose: Document, container: Container) -> BuildLink | None:
        build = container.build
        real, root = self.real(compose), self.root(compose)
        if build is None or real is None or root is None:
            return None
        # `dockerfile_inline:` is the Dockerfile, whatever the context holds (and wherever it is).
        inline = _inline_dockerfile(container, real, root) if build.inline is not None else None
        dockerfile_text = "" if inline is not None else build.dockerfile or ""
        if "$" in build.context + dockerfile_text or _REMOTE.match(build.context):
            return BuildLink(build, None, None, False, True, False, False, inline)
        context = (real.parent / build.context).resolve()
        if not _inside(context, root):
            return BuildLink(build, None, None, True, False, False, False, inline)
        if inline is not None:
            return BuildLink(build, context, None, True, True, context.is_dir(), False, inline)
        dockerfile = (context / (build.dockerfile or "Dockerfile")).resolve()
        if not _inside(dockerfile, root):
            return BuildLink(build, None, None, True, False, False, False, None)
        doc = self.document_at(dockerfile, root) if dockerfile.is_file() else None
        return BuildLink(build, context, dockerfile, True, True, context.is_dir(), dockerfile.is_file(), doc)

    def built_dockerfile(self, compose: Document, container: Container) -> Document | None:
        link = self.build_link(compose, container)
        return link.document if link else None

    # -- Dockerfile -> .dockerignore --------------------------------------------------------
    def dockerignore_for(self, dockerfile: Document) -> tuple[Path, Document | None] | None:
        """The `.dockerignore` that applies to a Dockerfile's build context: `<name>.dockerignore`
        beside the Dockerfile, else `.dockerignore` in the context (compose's, or the file's folder)."""
        real, root = self.real(dockerfile), self.root(dockerfile)
        if real is None or root is None:
            return None
        # Compose files found on disk too, not only scanned ones: pre-commit may pass just the
        # Dockerfile, and the context compose gives it still decides which .dockerignore applies.
        context = self.memo("build-contexts", lambda: self._build_contexts(self._scanned_compose().values())).get(
            real, real.parent)
        context = self._build_contexts(self._compose_on_disk_near(dockerfile)).get(real, context)
        for candidate in (real.parent / f"{real.name}.dockerignore", context / ".dockerignore"):
            if candidate.is_file() and _inside(candidate.resolve(), root):
                return candidate, self.document_at(candidate, root)
        return context / ".dockerignore", None

    # -- nginx <- compose mounts ------------------------------------------------------------
    def services_mounting(self, doc: Document) -> list[tuple[ComposeFile, Service]]:
        """Compose services that bind-mount this file, or a folder holding it."""
        real = self.real(doc)
        if real is None:
            return []
        # The file itself, or any folder above it (`./nginx/conf.d:/etc/nginx/conf.d`,
        # `./nginx:/etc/nginx`), however deep: every such mount puts the file inside the container.
        mounts = self.memo("bind-mounts", lambda: self._mount_index(self._scanned_compose().values()))
        found: dict[tuple[int, int], tuple[ComposeFile, Service]] = {}
        for folder in (real, *real.parents):
            for key, pair in mounts.get(folder, ()):
                found.setdefault(key, pair)
        out = [found[key] for key in sorted(found)]
        for compose in self._compose_on_disk_near(doc):  # a few at most: no index needed
            for svc, sources in self._bind_sources(compose):
                if any(src == real or _inside(real, src) for src in sources):
                    out.append((compose, svc))
        return out

    def _mount_index(self, composes: Iterable[ComposeFile]
                     ) -> dict[Path, list[tuple[tuple[int, int], tuple[ComposeFile, Service]]]]:
        """Bind-mount source -> the services mounting it, keyed by (compose order, service order)."""
        out: dict[Path, list[tuple[tuple[int, int], tuple[ComposeFile, Service]]]] = {}
        for i, compose in enumerate(composes):
            for j, (svc, sources) in enumerate(self._bind_sources(compose)):
                for src in sources:
                    out.setdefault(src, []).append(((i, j), (compose, svc)))
        return out

    def _build_contexts(self, composes: Iterable[ComposeFile]) -> dict[Path, Path]:
        """Dockerfile -> the build context compose gives it (a later compose file wins)."""
        out: dict[Path, Path] = {}
        for compose in composes:
            for df, ctx in self._compose_builds(compose):
                if df is not None and ctx is not None:
                    out[df] = ctx
        return out

    def _bind_sources(self, compose: ComposeFile) -> list[tuple[Service, list[Path]]]:
        """Each service's bind-mount sources, resolved once per scan."""
        key = id(compose)
        if key not in self._binds:
            creal = self.real(compose)
            out: list[tuple[Service, list[Path]]] = []
            if creal is not None:
                for svc in compose.services:
                    out.append((svc, [(creal.parent / Path(m.source).expanduser()).resolve()
                                      for m in svc.container.mounts
                                      if m.type == "bind" and m.source and "$" not in m.source]))
            self._binds[key] = out
        return self._binds[key]

    def _compose_builds(self, compose: ComposeFile) -> list[tuple[Path | None, Path | None]]:
        """(Dockerfile, context) of each service's build link, once per scan."""
        key = id(compose)
        if key not in self._builds:
            out: list[tuple[Path | None, Path | None]] = []
            for svc in compose.services:
                link = self.build_link(compose, svc.container)
                if link:
                    out.append((link.dockerfile, link.context))
            self._builds[key] = out
        return self._builds[key]

    def compose_files_near(self, doc: Document) -> list[ComposeFile]:
        """Compose files of the scan, plus those found on disk in this file's folder and its
        parents up to the root (so a single-file run still sees its project)."""
        return [*self._scanned_compose().values(), *self._compose_on_disk_near(doc)]

    def compose_files_beside(self, doc: Document) -> list[ComposeFile]:
        """The compose files in this file's folder, scanned or found on disk, in the scan's
        order: Compose merges them into one project (`compose.yaml` with
        `compose.override.yaml`, `docker-compose.prod.yml`…)."""
        real = self.real(doc)
        if real is None:
            return [doc] if isinstance(doc, ComposeFile) else []
        by_folder = self.memo("compose-by-folder", self._compose_by_folder)
        out = list(by_folder.get(real.parent, ()))
        for other in self._compose_on_disk_near(doc):
            oreal = self.real(other)
            if oreal is not None and oreal.parent == real.parent and other not in out:
                out.append(other)
        return out

    def _compose_by_folder(self) -> dict[Path, list[ComposeFile]]:
        out: dict[Path, list[ComposeFile]] = {}
        for real, compose in self._scanned_compose().items():
            out.setdefault(real.parent, []).append(compose)
        return out

    def _scanned_compose(self) -> dict[Path, ComposeFile]:
        if self._scan_compose is None:
            self._scan_compose = {}
            for d in self.documents:
                if isinstance(d, ComposeFile) and self.real(d) is not None:
                    self._scan_compose[self.real(d)] = d  # type: ignore[index]
        return self._scan_compose

    def _compose_on_disk_near(self, doc: Document) -> list[ComposeFile]:
        """Compose files in this file's folder and its parents up to the root that the scan did
        not include, parsed on demand (memoised per folder)."""
        real, root = self.real(doc), self.root(doc)
        if real is None or root is None:
            return []
        if real.parent not in self._near:
            self._near[real.parent] = self._find_compose_on_disk(real.parent, root)
        return self._near[real.parent]

    def _find_compose_on_disk(self, folder: Path, root: Path) -> list[ComposeFile]:
        scanned = self._scanned_compose()
        found: dict[Path, ComposeFile] = {}
        # The file's own folder also gives the override Compose merges in by default.
        names = _COMPOSE_NAMES + _OVERRIDE_NAMES
        while _inside(folder, root):
            for name in names:
                p = folder / name
                if not p.is_file():
                    continue
                resolved = p.resolve()
                if resolved in scanned or resolved in found:
                    continue
                other = self.document_at(p, root)
                if isinstance(other, ComposeFile):
                    found[resolved] = other
                    self.real_paths.setdefault(other.path, resolved)
                    self.roots.setdefault(other.path, root)
            if folder == root:
                break
            folder, names = folder.parent, _COMPOSE_NAMES
        return list(found.values())


def _inline_dockerfile(container: Container, real: Path, root: Path) -> Document:
    """`build.dockerfile_inline`, parsed like a Dockerfile of its own. Findings about it stay on
    the compose service, so its "path" only has to read well in their messages."""
    from infralint.parsers.dockerfile import parse_dockerfile
    from infralint.parsers.source import Source

    assert container.build is not None and container.build.inline is not None
    return parse_dockerfile(Source(path="its dockerfile_inline", real=real, text=container.build.inline, root=root))
