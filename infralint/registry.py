"""Rule discovery through the `infralint.rules` entry-point group (built-ins use the same door)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from infralint.rule import Rule

GROUP = "infralint.rules"
_ID = re.compile(r"^[A-Z]{2,5}[0-9]{3,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class RegistryError(Exception):
    pass


@dataclass
class Registry:
    rules: dict[str, Rule]

    def by_ref(self, ref: str) -> list[Rule]:
        """Rules matching an ID, a name, or an ID prefix (`IL5`)."""
        ref = ref.strip()
        if not ref:
            return []
        up = ref.upper()
        if up in self.rules:
            return [self.rules[up]]
        named = [r for r in self.rules.values() if r.name == ref.lower()]
        if named:
            return named
        return [r for r in self.rules.values() if r.id.startswith(up)]

    def is_known(self, ref: str) -> bool:
        return bool(self.by_ref(ref))

    def sorted(self) -> list[Rule]:
        return [self.rules[k] for k in sorted(self.rules)]

    def active(self, select: list[str], ignore: list[str]) -> list[Rule]:
        if select:
            chosen = {r.id: r for ref in select for r in self.by_ref(ref)}
        else:
            chosen = {r.id: r for r in self.rules.values() if r.enabled}
        for ref in ignore:
            for r in self.by_ref(ref):
                chosen.pop(r.id, None)
        return [chosen[k] for k in sorted(chosen)]


_CACHE: Registry | None = None


def load() -> Registry:
    global _CACHE
    if _CACHE is None:
        _CACHE = _build(_packs())
    return _CACHE


def _packs() -> list[tuple[str, object]]:
    from importlib.metadata import entry_points

    packs: list[tuple[str, object]] = []
    eps = sorted(entry_points(group=GROUP), key=lambda e: e.name)
    for ep in eps:
        try:
            packs.append((f"{ep.name} ({ep.value})", ep.load()))
        except Exception as exc:  # a broken plugin must be loud, not silently missing
            raise RegistryError(f"rule pack {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
    if not any(ep.value.startswith("infralint_rules") for ep in eps):
        # Running from a source tree that was not installed: the built-ins are still there.
        import infralint_rules

        packs.append(("builtin (infralint_rules:RULES)", infralint_rules.RULES))
    return packs


def _build(packs: list[tuple[str, object]]) -> Registry:
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for source, pack in packs:
        for r in pack:  # type: ignore[attr-defined]
            if not isinstance(r, Rule):
                raise RegistryError(f"{source}: {r!r} is not a Rule")
            if not _ID.match(r.id) or not _NAME.match(r.name):
                raise RegistryError(f"{source}: malformed rule id or name {r.id!r} {r.name!r}")
            if r.id in rules or r.name in names:
                raise RegistryError(f"{source}: rule {r.id} {r.name} is registered twice")
            rules[r.id] = r
            names[r.name] = r.id
    return Registry(rules)
