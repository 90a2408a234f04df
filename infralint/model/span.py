"""Source positions. Every node of the model carries one, so every finding can point at a line."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based, inclusive-start range in one file (`path` is the display path)."""

    path: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0

    def __post_init__(self) -> None:
        # Normalise so that consumers (SARIF) never see a line < 1 or an end before the start.
        if self.line < 1:
            object.__setattr__(self, "line", 1)
        if self.column < 1:
            object.__setattr__(self, "column", 1)
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)
        if self.end_line == self.line and self.end_column < self.column:
            object.__setattr__(self, "end_column", self.column)


@dataclass(frozen=True, slots=True)
class Spanned(Generic[T]):
    """A value and where it was written."""

    value: T
    span: Span
