"""infralint: one policy linter for Dockerfiles, compose files, nginx configs and Kubernetes manifests."""
from __future__ import annotations

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/infralint/infralint"
DOCS_URL = f"{HOMEPAGE}/blob/main/docs/rules/"
