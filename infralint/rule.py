"""The rule API: what a rule declares, what it receives, what it yields.

A rule is one decorated function in one file:

    @rule(id="IL201", name="root-user", severity="high", formats=("dockerfile", "compose"))
    def root_user(doc: Document, ctx: Context) -> Iterator[Finding]:
        '''Container runs as root.  ## What it does ... ## Why is this bad? ... '''
        ...
        yield ctx.report(span, "message")

The docstring is the rule's documentation (`--explain`, SARIF help, docs pages).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from infralint.mask import mask_message
from infralint.model.span import Span

if TYPE_CHECKING:
    from infralint.config import Settings
    from infralint.model.common import Document
    from infralint.project import Project

SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}  # critical=5 .. info=1
FORMATS = ("dockerfile", "compose", "kubernetes", "nginx", "env", "dockerignore")


@dataclass(slots=True)
class Finding:
    rule_id: str
    rule_name: str
    severity: str
    message: str
    span: Span
    format: str
    object: str = ""
    # Text that identifies the offending thing independently of its line (for fingerprints).
    key: str = ""
    suppressed: bool = False
    suppression: dict | None = None
    fingerprint: str = ""
    # The secret this finding is about, so outputs can mask it wherever the source line is shown.
    # Never serialised.
    secret: str | None = None

    @property
    def path(self) -> str:
        return self.span.path

    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.column, self.rule_id, self.message)


CheckFn = Callable[["Document", "Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    formats: frozenset[str]
    check: CheckFn
    doc: str
    enabled: bool = True  # False: shipped "off", runs only when selected
    # Runs after inline ignores were applied (it judges the ignores themselves).
    after_suppression: bool = False

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.name

    def section(self, title: str) -> str:
        """The text under a `## title` heading of the docstring."""
        return _doc_sections(self.doc).get(title.lower(), "")


def rule(*, id: str, name: str, severity: str, formats: Iterable[str], enabled: bool = True,
         after_suppression: bool = False) -> Callable[[CheckFn], Rule]:
    if severity not in SEVERITIES:
        raise ValueError(f"{id}: unknown severity {severity!r}")
    fmts = frozenset(formats)
    unknown = fmts - set(FORMATS)
    if unknown:
        raise ValueError(f"{id}: unknown formats {sorted(unknown)}")

    def wrap(fn: CheckFn) -> Rule:
        doc = _dedent_doc(fn.__doc__ or "")
        if "## Why is this bad?" not in doc:
            raise ValueError(f"{id}: docstring needs a '## Why is this bad?' section")
        return Rule(id=id, name=name, severity=severity, formats=fmts, check=fn, doc=doc, enabled=enabled,
                    after_suppression=after_suppression)

    return wrap


@dataclass
class Context:
    """What a rule gets besides the document: where to report, the project graph and the settings."""

    rule: Rule
    doc: "Document"
    project: "Project"
    settings: "Settings"
    findings: list[Finding] = field(default_factory=list)
    active: frozenset[str] = frozenset()  # IDs of every rule running in this scan

    def rules_for(self, ref: str) -> list[str]:
        """Rule IDs an ID, name or prefix refers to (empty when it names no known rule)."""
        from infralint.registry import load

        return [r.id for r in load().by_ref(ref)]

    def explicitly_selected(self) -> bool:
        """True when the user named this rule (or its prefix) in `select`: parts of a rule that
        ship "off" run only then."""
        rid, name = self.rule.id, self.rule.name
        return any(ref.upper() == rid or ref.lower() == name or (ref and rid.startswith(ref.upper()) and ref.upper() != "IL")
                   for ref in self.settings.select)

    def report(
        self,
        span: Span,
        message: str,
        *,
        severity: str | None = None,
        object: str = "",
        key: str = "",
        secret: str | None = None,
    ) -> Finding:
        # Every finding is made here, so no rule can leak a credential it quotes (a `proxy_pass`
        # URL with a password, an `?api_key=`): CONTRACT.md keeps secrets out of all output.
        message = mask_message(message)
        return Finding(
            rule_id=self.rule.id,
            rule_name=self.rule.name,
            severity=severity or self.rule.severity,
            message=message,
            span=span,
            format=self.doc.format,
            object=object,
            key=key or message,
            secret=secret,
        )


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


def _doc_sections(doc: str) -> dict[str, str]:
    out: dict[str, list[str]] = {"": []}
    current = ""
    for line in doc.splitlines():
        if line.startswith("## "):
            current = line[3:].strip().lower()
            out[current] = []
        else:
            out[current].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def iter_rules(rules: Iterable[Rule]) -> Iterator[Rule]:
    yield from sorted(rules, key=lambda r: r.id)
