"""Rule discovery through the `infralint.rules` entry-point group (built-ins use the same door)."""
from __future__ import annotations

import importlib
import os
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
            # Input problems are never silent (RULES.md, IL0xx): a file that does not parse is
            # reported whatever was selected, unless the user ignores IL001 by name.
            if NEVER_SILENT in self.rules:
                chosen.setdefault(NEVER_SILENT, self.rules[NEVER_SILENT])
        else:
            chosen = {r.id: r for r in self.rules.values() if r.enabled}
        for ref in ignore:
            for r in self.by_ref(ref):
                chosen.pop(r.id, None)
        return [chosen[k] for k in sorted(chosen)]


NEVER_SILENT = "IL001"
_CACHE: Registry | None = None


def load() -> Registry:
    global _CACHE
    if _CACHE is None:
        _CACHE = _build(_packs())
    return _CACHE


def _packs() -> list[tuple[str, object]]:
    packs: list[tuple[str, object]] = []
    eps = sorted(_entry_points(), key=lambda e: e.name)
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


class EntryPoint:
    """An `infralint.rules` entry point: a name and `module[:attr.attr] [extras]`."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def __repr__(self) -> str:
        return f"EntryPoint({self.name!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EntryPoint) and (self.name, self.value) == (other.name, other.value)

    def load(self) -> object:
        """What importlib.metadata's EntryPoint.load does."""
        match = re.match(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$", self.value)
        if match is None:
            raise ValueError(f"malformed entry point {self.value!r}")
        obj: object = importlib.import_module(match.group("module"))
        for attr in filter(None, (match.group("attr") or "").split(".")):
            obj = getattr(obj, attr)
        return obj


def _entry_points() -> list[EntryPoint]:
    """The `infralint.rules` entry points of every installed distribution.

    importlib.metadata costs 15-20 ms of imports (email, zipfile, csv, ...) on each run, a sixth
    of a single-file lint. Its lookup is simple for plain folders on sys.path, so it is done here
    the same way: each folder's `*.dist-info`/`*.egg-info`, the first distribution of a given
    name winning. Anything less common (a zip on sys.path, a finder that supplies distributions
    of its own) goes through importlib.metadata itself.
    """
    folders = _plain_sys_path()
    if folders is None:
        from importlib.metadata import entry_points

        return [EntryPoint(ep.name, ep.value) for ep in entry_points(group=GROUP)]
    out: list[EntryPoint] = []
    seen: set[str] = set()
    for folder in folders:
        try:
            children = os.listdir(folder)
        except OSError:
            continue
        base = os.path.basename(folder).lower()
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                dist = _normalize(low.rpartition(".")[0].partition("-")[0])
            elif low == "egg-info" and base.endswith(".egg"):  # an unpacked egg on sys.path
                dist = _normalize(base.rpartition(".")[0].partition("-")[0])
            else:
                continue
            if dist in seen:
                continue
            seen.add(dist)
            out.extend(_group_entries(os.path.join(folder, child, "entry_points.txt")))
    return out


def _plain_sys_path() -> list[str] | None:
    """sys.path as folders, or None when importlib.metadata would look somewhere else too."""
    import sys
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and getattr(finder, "find_distributions", None) is not None:
            return None
    folders: list[str] = []
    for entry in sys.path:
        folder = entry or "."
        if os.path.isdir(folder):
            folders.append(folder)
        elif os.path.exists(folder):  # a zip file: importlib.metadata reads inside it
            return None
    return folders


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _group_entries(path: str) -> list[EntryPoint]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return []
    if GROUP not in text:
        return []
    out: list[EntryPoint] = []
    section: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section == GROUP:
            name, _, value = line.partition("=")
            out.append(EntryPoint(name.strip(), value.strip()))
    return out


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
