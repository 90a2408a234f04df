"""Secret masking: at most the first two characters of a secret are ever shown (`hu****`).

Text output prints source lines. A line may hold a secret even when no secret rule ran (it was
deselected, ignored, or the file did not parse), so lines are masked by looking at them, not
only by the findings that were reported.
"""
from __future__ import annotations

import re

from infralint.secrets import find_secret

# `NAME: value`, `NAME=value`, `- NAME=value`, `"NAME": "value"`; and the legacy Dockerfile
# `ENV NAME value`. A bare space separates nothing else: `fastcgi_pass php:9000` is no password.
_VALUE = r"""(?P<q>["']?)(?P<value>[^\s"'#,{}\[\]]{3,}(?:[^"'#\n{}\[\]]*?[^\s"'#,}\]])?)(?P=q)"""
_ASSIGNMENT = re.compile(r"""(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*[:=]\s*""" + _VALUE)
_LEGACY_ENV = re.compile(r"""^\s*(?:ENV|ARG)\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+""" + _VALUE, re.IGNORECASE)


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


def mask_line(line: str, known: list[str] = ()) -> str:  # type: ignore[assignment]
    """`line` with the given secrets and anything that looks like a secret masked."""
    found = list(known)
    for m in [*_ASSIGNMENT.finditer(line), *_LEGACY_ENV.finditer(line)]:
        match = find_secret(m.group("name"), m.group("value"))
        if match is not None:
            found.append(match.secret)
    whole = find_secret("", line)
    if whole is not None:
        found.append(whole.secret)
    return mask_in(line, found)
