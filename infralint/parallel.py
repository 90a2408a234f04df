"""Large scans spread over worker processes, with results identical to a single-process run.

Parsing, two thirds of a scan, runs in workers: each reads and parses contiguous slices of the
scan's own order and sends the documents back, merged in that order (so documents, skipped files
and errors come out exactly as one process would give them). The parent builds the one Project
every cross-file rule needs and runs the rule pass, inline ignores, IL004 and the final ordering
itself (see `engine._run_rules` for why rules are not spread too).

Workers are forked: they inherit the registry, the settings and the file list without pickling
them, and start in a few milliseconds. Where fork is not the platform's safe default
(Windows, macOS) scans stay in one process. Small scans do too (below `MIN_FILES` files the
pool costs more than it saves), and by default so do machines with fewer than `AUTO_MIN_CPUS`
CPUs (see there).
"""
from __future__ import annotations

import copyreg
import io
import os
import pickle
import sys
from dataclasses import fields, is_dataclass
from operator import attrgetter
from typing import Any, Callable, Iterator, Sequence

# Below this many files one process is faster: each worker imports the parsers again, and every
# document is pickled back to the parent (about a sixth of what parsing it cost). On the
# 500-file corpus two workers took 0.85 s where one process took 0.55 s.
# INFRALINT_PARALLEL_MIN_FILES changes it (the tests force the parallel path on small trees).
MIN_FILES = 2000
# Fewer usable CPUs than this and the default stays in one process. Workers add about a third
# to the CPU work (pickling documents and findings, each worker importing the parsers), so they
# pay only once the serial part is small: after the project indexes went in, two workers on
# the 2-vCPU reference VM took the 10,000-file scan from 8.7 s to 7.3 s (benchmarks/bench.py).
AUTO_MIN_CPUS = 2
# Slices per worker: small enough to balance uneven files (a 3,000-line manifest next to a
# two-line .env), large enough that each slice's transfer is one cheap message.
_SLICES_PER_WORKER = 8

# What the forked workers read: set by the parent just before forking, inherited, never sent.
_JOB: dict[str, Any] = {}


def workers_for(jobs: int | None, files: int) -> int:
    """How many processes to use: `jobs`, or with 0/None one per usable CPU when there are at
    least `AUTO_MIN_CPUS` of them; 1 when the scan is small or the platform cannot fork safely."""
    if jobs == 1 or not _can_fork():
        return 1
    if jobs and jobs > 0:
        wanted = jobs
    else:
        cpus = _cpus()
        wanted = cpus if cpus >= AUTO_MIN_CPUS else 1
    if wanted <= 1 or files < _min_files():
        return 1
    return min(wanted, files)


def _min_files() -> int:
    raw = os.environ.get("INFRALINT_PARALLEL_MIN_FILES", "")
    try:
        return max(0, int(raw)) if raw else MIN_FILES
    except ValueError:
        return MIN_FILES


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _can_fork() -> bool:
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def slices(count: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous [start, end) ranges covering range(count) in order."""
    if count <= 0:
        return []
    size = max(1, -(-count // (workers * _SLICES_PER_WORKER)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def run(workers: int, job: dict[str, Any], fn: Callable[[tuple[int, int]], bytes],
        ranges: Sequence[tuple[int, int]]) -> Iterator[Any]:
    """Run `fn` over `ranges` in forked workers that inherit `job`; yield each result, unpickled,
    in the order of `ranges`."""
    import gc
    import multiprocessing

    _JOB.clear()
    _JOB.update(job)
    # Objects that exist before the fork are never collected in the workers: without this,
    # each worker's first full collection would touch (and so copy) every page of the parent.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for blob in pool.imap(fn, ranges):
                yield _loads_uncollected(blob)
    finally:
        gc.unfreeze()
        _JOB.clear()


# -- pickling the model fast -----------------------------------------------------------------
# The model is made of slotted dataclasses, whose default pickling goes through dataclasses'
# Python-level __getstate__/__setstate__ (which call fields() for every object): that made
# unpickling a document nearly as slow as parsing it. These reducers send the field values as a
# tuple and set them back in one loop.

_NAMES: dict[type, tuple[str, ...]] = {}
_SETTERS: dict[type, Callable[[object, tuple], None]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _set_fields(obj: object, values: tuple) -> None:
    setter = _SETTERS.get(type(obj))
    if setter is None:
        setter = _SETTERS[type(obj)] = _make_setter(type(obj))
    setter(obj, values)


def _make_setter(cls: type) -> Callable[[object, tuple], None]:
    """Straight-line `object.__setattr__` calls (frozen dataclasses refuse plain setattr): a
    loop over the field names costs several times more per object."""
    body = "".join(f"    s(obj, {name!r}, v[{i}])\n" for i, name in enumerate(_names(cls))) or "    pass\n"
    scope: dict[str, Any] = {}
    exec(f"def setter(obj, v, s=object.__setattr__):\n{body}", scope)  # noqa: S102 - names from fields()
    return scope["setter"]


def _slotted_reducer(cls: type) -> Callable[[object], tuple]:
    names = _names(cls)
    if len(names) == 1:
        only = names[0]
        get: Callable[[object], tuple] = lambda obj: (getattr(obj, only),)  # noqa: E731
    elif names:
        get = attrgetter(*names)
    else:
        get = lambda obj: ()  # noqa: E731
    # __newobj__ + a state setter (not a constructor call): the object is memoised before its
    # fields are pickled, so shared and cyclic references survive as they would by default.
    return lambda obj: (copyreg.__newobj__, (cls,), get(obj), None, None, _set_fields)


class _Reducers(dict):
    """Pickler dispatch table: fast reducers for slotted dataclasses, the default for the rest."""

    def __missing__(self, cls: type) -> Callable[[object], Any]:
        if isinstance(cls, type) and issubclass(cls, type):
            raise KeyError(cls)  # classes themselves are pickled by reference
        if is_dataclass(cls) and "__slots__" in cls.__dict__ and "__reduce__" not in cls.__dict__ \
                and "__reduce_ex__" not in cls.__dict__:
            reducer = _slotted_reducer(cls)
        else:
            default = copyreg.dispatch_table.get(cls)
            if default is None:
                raise KeyError(cls)
            reducer = default
        self[cls] = reducer
        return reducer


_REDUCERS = _Reducers()


def dumps(obj: object) -> bytes:
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(obj)
    return buf.getvalue()


def loads(blob: bytes) -> Any:
    return pickle.loads(blob)


def _loads_uncollected(blob: bytes) -> Any:
    """Unpickle with the collector off: rebuilding a slice allocates tens of thousands of
    containers, each batch of which would trigger a collection that finds nothing to free
    (that doubled the time)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(blob)
    finally:
        if enabled:
            gc.enable()
