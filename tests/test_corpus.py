"""The real-world corpus: no traceback, exit 0 or 1, and every file linted or skipped with a reason."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")


def test_corpus_lints_without_traceback() -> None:
    proc = subprocess.run([sys.executable, "-m", "infralint", ".", "-f", "json"], cwd=CORPUS,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["files"]["scanned"] > 300
    for skipped in doc["files"]["skipped"]:
        assert skipped["reason"]
    for f in doc["findings"]:
        assert f["line"] >= 1 and not f["path"].startswith("/")
