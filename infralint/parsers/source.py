"""What a parser is given: one file's text and a confined view of the scanned tree."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass
class Source:
    path: str  # display path of this file ("/"-separated), used in every Span
    real: Path  # resolved absolute path
    text: str  # decoded text: BOM stripped, newlines as in the file
    root: Path  # resolved scanned root; nothing outside it is ever read
    display: Callable[[Path], str] = field(default=lambda p: p.as_posix())
    # Reads another file inside the root (decoded), or None when it is outside the root,
    # missing, unreadable or undecodable. Parsers never open files themselves.
    read: Callable[[Path], "str | None"] = field(default=lambda p: None)
    cache: dict = field(default_factory=dict)

    def inside_root(self, p: Path) -> bool:
        try:
            p.resolve().relative_to(self.root)
            return True
        except (ValueError, OSError):
            return False
