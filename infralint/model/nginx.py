"""nginx model: a directive tree with includes inlined (each directive keeps its own file and line),
and the views rules need: servers, locations, and nginx's inheritance of list directives."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from infralint.model.common import Document
from infralint.model.span import Span

# Directives nginx inherits all-or-nothing: a level that defines any of them replaces the outer set.
LIST_DIRECTIVES = ("add_header", "proxy_set_header", "limit_req", "limit_conn")
PROXY_DIRECTIVES = ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "grpc_pass", "scgi_pass")


_INDEX_FROM = 64
# id(directive) -> (directive, children by name). The directive is kept in the entry, so its id
# cannot be reused by another object while the entry exists.
_CHILD_INDEX: dict[int, tuple["Directive", dict[str, list["Directive"]]]] = {}


@dataclass(frozen=True, slots=True)
class Directive:
    name: str
    args: tuple[str, ...]
    span: Span
    block: tuple["Directive", ...] | None = None

    def children(self, name: str) -> list["Directive"]:
        block = self.block or ()
        if len(block) < _INDEX_FROM:
            return [d for d in block if d.name == name]
        # Wide blocks (an `http` with thousands of servers) are asked about for every scope
        # inside them: index them by name once instead of scanning them each time.
        entry = _CHILD_INDEX.get(id(self))
        if entry is None or entry[0] is not self:
            index: dict[str, list[Directive]] = {}
            for d in block:
                index.setdefault(d.name, []).append(d)
            entry = (self, index)
            _CHILD_INDEX[id(self)] = entry
        return list(entry[1].get(name, ()))

    def first(self, name: str) -> "Directive | None":
        for d in self.block or ():
            if d.name == name:
                return d
        return None


@dataclass(frozen=True, slots=True)
class Scope:
    """A block a request can end up in (server, location, nested location, `if`), with its outer
    blocks: `chain[0]` is the outermost (http when present), `chain[-1]` is this block."""

    chain: tuple[Directive, ...]

    @property
    def block(self) -> Directive:
        return self.chain[-1]

    @property
    def server(self) -> Directive | None:
        for d in reversed(self.chain):
            if d.name == "server":
                return d
        return None

    def own(self, name: str) -> list[Directive]:
        return self.block.children(name)

    def effective(self, name: str) -> list[Directive]:
        """The directives of `name` that apply here under nginx's all-or-nothing inheritance."""
        for d in reversed(self.chain):
            found = d.children(name)
            if found:
                return found
        return []

    def inherited_value(self, name: str) -> Directive | None:
        """For single-value directives (server_tokens, ssl_protocols...): the innermost one."""
        for d in reversed(self.chain):
            found = d.children(name)
            if found:
                return found[-1]
        return None

    def defining_level(self, name: str) -> Directive | None:
        for d in reversed(self.chain):
            if d.children(name):
                return d
        return None

    @property
    def proxies(self) -> bool:
        return any(self.own(n) for n in PROXY_DIRECTIVES)


@dataclass(slots=True)
class NginxConfig(Document):
    """A parsed nginx file. For a main config (or a fragment judged on its own), `directives` is the
    top level with includes inlined. A file included by a main config in the scan has `included_by`
    set and is judged inside that config instead."""

    directives: tuple[Directive, ...] = ()
    # The context the top level is read in: "main" for nginx.conf, "http" for conf.d fragments,
    # "server" for snippets of server-level directives.
    context: str = "main"
    included_by: str | None = None
    # Paths (as written) of includes that were not read: outside the scanned root, or missing.
    unread_includes: list[tuple[str, Span]] = field(default_factory=list)
    _root: Directive | None = field(default=None, repr=False, compare=False)
    # Real (resolved, absolute) paths of every file inlined into `directives`, in first-include
    # order, so the engine can tell which scanned files this config includes.
    included_real: list[str] = field(default_factory=list)

    @property
    def has_http(self) -> bool:
        return any(d.name == "http" for d in self.directives)

    @property
    def is_full(self) -> bool:
        """A complete config (it has the `http` block): absence of a directive means its default."""
        return self.has_http

    def root(self) -> Directive:
        """The top level as one block (the same object every time, so lookups on it are cached)."""
        if self._root is None or self._root.block is not self.directives:
            self._root = Directive("#root", (), Span(self.path, 1), self.directives)
        return self._root

    def walk(self) -> Iterator[tuple[tuple[Directive, ...], Directive]]:
        """Every directive with its chain of enclosing blocks (outermost first, root excluded)."""
        stack: list[tuple[tuple[Directive, ...], tuple[Directive, ...]]] = [((), self.directives)]
        while stack:
            parents, items = stack.pop()
            for d in reversed(items):
                yield parents, d
                if d.block is not None:
                    stack.append((parents + (d,), d.block))

    def http_blocks(self) -> list[Directive]:
        return [d for d in self.directives if d.name == "http"]

    def servers(self) -> list[Scope]:
        """Every `server` block (in `http`, or at the top of a fragment), as a scope."""
        root = self.root()
        out: list[Scope] = []
        for d in self.directives:
            if d.name == "server" and d.block is not None:
                out.append(Scope((root, d)))
            elif d.name == "http" and d.block is not None:
                for s in d.block:
                    if s.name == "server" and s.block is not None:
                        out.append(Scope((root, d, s)))
        return out

    def scopes(self, server: Scope) -> list[Scope]:
        """Every location, nested location and `if` block inside a server, outermost first."""
        out: list[Scope] = []

        def visit(chain: tuple[Directive, ...]) -> None:
            for d in chain[-1].block or ():
                if d.name in ("location", "if") and d.block is not None:
                    sub = chain + (d,)
                    out.append(Scope(sub))
                    visit(sub)

        visit(server.chain)
        return out

    def leaf_scopes(self, server: Scope) -> list[Scope]:
        """Where requests are answered: locations without nested locations, or the server itself."""
        locs = [s for s in self.scopes(server) if s.block.name == "location"]
        leaves = [s for s in locs if not any(c.name == "location" for c in s.block.block or ())]
        return leaves or [server]
