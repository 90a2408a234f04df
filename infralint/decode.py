"""Bytes -> text, as the contract says: UTF-8 (BOM stripped), UTF-16/32 with a BOM; nothing guessed."""
from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class DecodeError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line  # where the undecodable bytes are


def decode(data: bytes) -> str:
    """Decode file bytes or raise DecodeError with a one-line reason."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"not valid {encoding} after its byte-order mark (byte {exc.start})") from None
    if b"\x00" in data[:8192]:
        raise DecodeError("binary content (NUL bytes), not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DecodeError(f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", line) from None


def line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def split_lines(text: str) -> list[str]:
    """Lines as Docker, YAML and nginx count them: split on LF only, a trailing CR dropped."""
    return [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
