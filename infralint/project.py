"""The scan as a whole: every parsed document, and the questions rules ask across files."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from infralint.model.common import Document


@dataclass
class Project:
    documents: list[Document] = field(default_factory=list)
    real_paths: dict[str, Path] = field(default_factory=dict)  # display path -> real path
    roots: dict[str, Path] = field(default_factory=dict)  # display path -> scanned root

    def __post_init__(self) -> None:
        self._by_real: dict[Path, Document] = {}
        for doc in self.documents:
            real = self.real_paths.get(doc.path)
            if real is not None:
                self._by_real[real] = doc

    def of_format(self, fmt: str) -> list[Document]:
        return [d for d in self.documents if d.format == fmt]

    def by_real(self, path: Path) -> Document | None:
        return self._by_real.get(path)

    def real(self, doc: Document) -> Path | None:
        return self.real_paths.get(doc.path)

    def root(self, doc: Document) -> Path | None:
        return self.roots.get(doc.path)

    def workloads(self) -> list:
        """Every Kubernetes workload in the scan (for Service selectors)."""
        from infralint.model.k8s import KubeFile

        return [w for d in self.documents if isinstance(d, KubeFile) for w in d.workloads]
