"""Secret masking: at most the first two characters of a secret are ever shown (`hu****`).

Text output prints source lines. A line may hold a secret even when no secret rule ran (it was
deselected, ignored, or the file did not parse), so lines are masked by looking at them, not
only by the findings that were reported.
"""
from __future__ import annotations

import re

from infralint.secrets import credential_spans, find_secret, value_patterns

# `NAME: value`, `NAME=value`, `- NAME=value`, `"NAME": "value"`; and the legacy Dockerfile
# `ENV NAME value`. A bare space separates nothing else: `fastcgi_pass php:9000` is no password.
# A value may hold spaces (`- SMTP_PASS=two words`) but ends before the next pair (`ENV A=x B=y`,
# `{A: x, B: y}`): masking that along with it would eat the start of its name.
_NEXT_PAIR = r"""(?:\s+[A-Za-z_][A-Za-z0-9_.\-]*=|\s*,\s*["']?[A-Za-z_][A-Za-z0-9_.\-]*["']?\s*[:=])"""
_VALUE = (r"""(?P<q>["']?)(?P<value>[^\s"'#,{}\[\]]{3,}"""
          r"""(?:(?:(?!""" + _NEXT_PAIR + r""")[^"'#\n{}\[\]])*[^\s"'#,}\]])?)(?P=q)""")
# A name starts at a word boundary: retrying from inside a long word made long lines quadratic.
_ASSIGNMENT = re.compile(r"""(?<![A-Za-z0-9_.\-])(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*[:=]\s*""" + _VALUE)
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
    found.extend(secret for _, secret in value_patterns(line))
    return mask_in(line, found)


def mask_message(text: str) -> str:
    """`text` (a finding's message) with credentials masked where they stand: a URL's password
    (`user:Pw****@host`), a secret query parameter (`?api_key=Kk****`), a token (`ghp_…`)."""
    merged: list[list[int]] = []
    for start, end in sorted(credential_spans(text)):
        if merged and start <= merged[-1][1]:  # a token inside a URL's password: one secret
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    pos = 0
    for start, end in merged:
        out += [text[pos:start], mask(text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)
