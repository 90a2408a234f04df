"""Variable interpolation as Compose and Dockerfiles do it, for static analysis.

Nothing is read from the real environment: a variable is known only through `known` (ARG/ENV
defaults) or through a default written inline (`${X:-d}`, `${X-d}`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Defaults are bounded in length so an unclosed `${X:-` cannot make matching quadratic.
# ${NAME}, ${NAME:-d}, ${NAME-d}, ${NAME:?e}, ${NAME?e}, ${NAME:+a}, ${NAME+a}, $NAME, $$ (literal $)
VAR_PATTERN = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|-|:\?|\?|:\+|\+)(?P<arg>[^}]{0,256}))?\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)
_CMD_SUBST = re.compile(r"\$\((?P<name>[^)]*)\)")


@dataclass(frozen=True, slots=True)
class Interpolated:
    text: str  # the result, unknown variables replaced by ""
    variables: tuple[str, ...]  # names referenced
    unresolved: tuple[str, ...]  # names with no known value and no default
    fully_literal: bool  # no interpolation at all


def interpolate(text: str, known: dict[str, str] | None = None, *, kube_refs: bool = False,
                shell_vars: bool = True) -> Interpolated:
    """Substitute variables. `kube_refs` treats Kubernetes `$(NAME)` as a reference; `shell_vars`
    False leaves `$X`/`${X}` as literal text (Kubernetes expands only `$(NAME)`)."""
    known = known or {}
    names: list[str] = []
    unresolved: list[str] = []

    def sub(m: re.Match[str]) -> str:
        whole = m.group(0)
        if whole == "$$":
            return "$"
        name = m.group("name") or m.group("bare")
        names.append(name)
        op, arg = m.group("op"), m.group("arg")
        value = known.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                inner = interpolate(arg or "", known)
                return inner.text
            return value
        if op in (":+", "+"):
            return interpolate(arg or "", known).text if value else ""
        if value is None:
            unresolved.append(name)
            return ""
        return value

    out = VAR_PATTERN.sub(sub, text) if shell_vars else text
    if kube_refs:
        def ksub(m: re.Match[str]) -> str:
            names.append(m.group("name"))
            unresolved.append(m.group("name"))
            return ""

        out = _CMD_SUBST.sub(ksub, out)
    return Interpolated(out, tuple(names), tuple(unresolved), not names)


def has_interpolation(text: str) -> bool:
    return bool(VAR_PATTERN.search(text) or _CMD_SUBST.search(text))
