"""`--list-rules` and `--explain`: the catalogue, from each rule's own metadata and docstring."""
from __future__ import annotations

import json

from infralint.registry import Registry
from infralint.rule import Rule

FORMAT_NAMES = {"dockerfile": "Dockerfile", "compose": "compose", "kubernetes": "Kubernetes",
                "nginx": "nginx", "env": ".env", "dockerignore": ".dockerignore"}


def rule_dict(r: Rule) -> dict:
    return {"id": r.id, "name": r.name, "severity": r.severity, "formats": sorted(r.formats),
            "enabled": r.enabled, "summary": r.summary}


def render_list(reg: Registry, fmt: str) -> str:
    rules = reg.sorted()
    if fmt == "json":
        return json.dumps({"rules": [rule_dict(r) for r in rules]}, indent=2) + "\n"
    width = max(len(r.name) for r in rules) if rules else 10
    lines = []
    for r in rules:
        state = "" if r.enabled else "  (off by default)"
        fmts = ", ".join(FORMAT_NAMES.get(f, f) for f in sorted(r.formats))
        lines.append(f"{r.id}  {r.name:<{width}}  {r.severity:<8}  {r.summary} [{fmts}]{state}")
    return "\n".join(lines) + "\n"


def render_explain(r: Rule) -> str:
    fmts = ", ".join(FORMAT_NAMES.get(f, f) for f in sorted(r.formats))
    state = "on by default" if r.enabled else "off by default (enable with --select)"
    head = f"# {r.name} ({r.id})\n\nSeverity: {r.severity}. Formats: {fmts}. {state}.\n\n"
    body = r.doc.split("\n", 1)
    title = body[0].strip()
    rest = body[1].strip() if len(body) > 1 else ""
    return head + title + "\n\n" + rest + "\n"
