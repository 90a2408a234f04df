"""Secret masking: at most the first two characters of a secret are ever shown (`hu****`)."""
from __future__ import annotations


def mask(value: str) -> str:
    value = value.strip()
    if len(value) >= 8:
        return value[:2] + "****"
    return "****"


def mask_in(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of each secret (and each line of a multi-line one) in `text`."""
    pieces: list[str] = []
    for s in secrets:
        for part in s.splitlines() or [s]:
            part = part.strip()
            if len(part) >= 3:
                pieces.append(part)
    for part in sorted(set(pieces), key=len, reverse=True):
        text = text.replace(part, mask(part))
    return text
