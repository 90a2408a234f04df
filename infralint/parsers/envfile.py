"""`.env` files (KEY=value lines, as Compose reads them) and `.dockerignore` pattern lists."""
from __future__ import annotations

import re

from infralint import detect
from infralint.model.common import EnvVar, Problem
from infralint.model.files import DockerIgnore, EnvFile
from infralint.model.span import Span, Spanned
from infralint.parsers.interpolate import interpolate
from infralint.parsers.source import Source

_LINE = re.compile(r"^(?P<indent>\s*)(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*(?P<eq>=)?(?P<value>.*)$")


def parse_envfile(src: Source) -> EnvFile:
    doc = EnvFile(path=src.path, format="env", text=src.text, template=detect.is_env_template(src.real.name))
    lines = src.text.splitlines()
    i = 0
    while i < len(lines):
        raw = lines[i]
        lineno = i + 1
        i += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _LINE.match(raw)
        if not m:
            doc.problems.append(Problem("parse-error", "line is not KEY=value", Span(src.path, lineno, 1)))
            continue
        if not m.group("eq") and m.group("value").strip():
            doc.problems.append(Problem("parse-error", "line is not KEY=value", Span(src.path, lineno, 1)))
            continue
        name = m.group("name")
        col = len(m.group("indent")) + 1 + (raw.lstrip().startswith("export") and len("export ") or 0)
        value: str | None = None
        if m.group("eq"):
            value = m.group("value").strip()
            quote = value[:1]
            if quote in ('"', "'"):
                # A quoted value may span lines until its closing quote.
                body = value[1:]
                while quote not in body and i < len(lines):
                    body += "\n" + lines[i]
                    i += 1
                value = body.split(quote, 1)[0]
                literal = value if quote == "'" else interpolate(value).text
            else:
                value = re.sub(r"\s+#.*$", "", value)
                literal = interpolate(value).text
        else:
            literal = None
        vcol = raw.find("=") + 2 if m.group("eq") else col
        doc.entries.append(EnvVar(
            name=name, value=value, literal=literal if value is not None else None,
            span=Span(src.path, lineno, col, lineno, len(raw) + 1), source="dotenv",
            name_span=Span(src.path, lineno, col, lineno, col + len(name)),
            value_span=Span(src.path, lineno, vcol, lineno, len(raw) + 1),
        ))
    return doc


def parse_dockerignore(src: Source) -> DockerIgnore:
    doc = DockerIgnore(path=src.path, format="dockerignore", text=src.text)
    for n, raw in enumerate(src.text.splitlines(), start=1):
        s = raw.strip()
        if s and not s.startswith("#"):
            doc.patterns.append(Spanned(s, Span(src.path, n, raw.find(s) + 1, n, raw.find(s) + 1 + len(s))))
    return doc
