"""Find the files to lint under the given paths, confined to each scanned root."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from infralint import detect
from infralint.gitignore import IgnoreFile

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "vendor", "bower_components", ".venv", "venv",
    "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform",
    ".idea", ".vscode", "site-packages", ".eggs",
})


@dataclass(frozen=True, slots=True)
class Candidate:
    real: Path
    display: str
    root: Path
    explicit: bool  # named on the command line: always linted


@dataclass
class WalkResult:
    files: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


class PathNotFound(Exception):
    pass


def walk(paths: list[str]) -> WalkResult:
    result = WalkResult()
    seen: set[Path] = set()
    cwd = Path.cwd().resolve()
    for given in paths:
        p = Path(given)
        if not os.path.lexists(p):
            raise PathNotFound(given)
        real = p.resolve()
        if p.is_dir():
            _walk_dir(p, real, given, result, seen)
        elif p.is_file():
            root = cwd if inside(real, cwd) else real.parent
            if real not in seen:
                seen.add(real)
                result.files.append(Candidate(real, _display(p, real, given, cwd), root, True))
        else:
            result.skipped.append((given.replace(os.sep, "/"), "not a regular file"))
    return result


def inside(path: Path, root: Path) -> bool:
    """`path` is `root` or below it (both already resolved)."""
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _display(p: Path, real: Path, given: str, cwd: Path) -> str:
    absolute = Path(os.path.abspath(p))
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return given.replace(os.sep, "/")


def _walk_dir(top: Path, root: Path, given: str, result: WalkResult, seen: set[Path]) -> None:
    cwd = Path.cwd().resolve()
    base_display = _display(top, root, given, cwd)
    visited_dirs: set[Path] = {root}
    # Stack of (real dir, display dir, rel path from root, ignore files in force)
    stack: list[tuple[Path, str, str, list[tuple[str, IgnoreFile]]]] = [(root, base_display, "", [])]
    while stack:
        dpath, ddisp, drel, ignores = stack.pop()
        try:
            entries = sorted(os.scandir(dpath), key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append((ddisp or ".", f"folder not readable: {exc.strerror}"))
            continue
        # The listing says whether there is a .gitignore: no stat per folder to find out.
        if any(e.name == ".gitignore" for e in entries):
            ign_text = _read_small(dpath / ".gitignore")
            if ign_text is not None:
                ignores = ignores + [(drel, IgnoreFile(ign_text))]
        subdirs = []
        for entry in entries:
            rel = f"{drel}/{entry.name}" if drel else entry.name
            disp = f"{ddisp}/{entry.name}" if ddisp and ddisp != "." else entry.name
            try:
                is_link = entry.is_symlink()
                st = os.stat(entry.path) if is_link else entry.stat(follow_symlinks=False)
            except OSError:
                result.skipped.append((disp, "broken symbolic link" if entry.is_symlink() else "not readable"))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if is_dir and entry.name in SKIP_DIRS:
                continue
            if _ignored(ignores, rel, is_dir):
                continue
            target = Path(entry.path)
            if is_link:
                target = target.resolve()
                if not inside(target, root):
                    result.skipped.append((disp, "symbolic link points outside the scanned folder"))
                    continue
            if is_dir:
                real_dir = target.resolve() if is_link else Path(entry.path)
                key = real_dir.resolve() if is_link else real_dir
                if key in visited_dirs:
                    result.skipped.append((disp, "symbolic link loop"))
                    continue
                visited_dirs.add(key)
                subdirs.append((real_dir, disp, rel, ignores))
                continue
            if not stat.S_ISREG(st.st_mode):
                if detect.by_name(entry.name, dpath.name):
                    result.skipped.append((disp, "not a regular file (FIFO, socket or device)"))
                continue
            if detect.by_name(entry.name, dpath.name) is None:
                continue
            # Folders are walked by their real paths (links resolved above), so a plain entry's
            # path is already real: resolving it again cost a realpath() per file.
            real = target if is_link else Path(entry.path)
            if real in seen:
                continue
            seen.add(real)
            result.files.append(Candidate(real, disp, root, False))
        stack.extend(reversed(subdirs))


def _ignored(ignores: list[tuple[str, IgnoreFile]], rel: str, is_dir: bool) -> bool:
    verdict = False
    for base, ign in ignores:
        if base:
            if not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1:]
        else:
            sub = rel
        m = ign.match(sub, is_dir)
        if m is not None:
            verdict = m
    return verdict


def _read_small(path: Path, limit: int = 1 << 20) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return None
