#!/usr/bin/env python3
"""How fast infralint is, measured the way a user meets it: whole processes, wall clock.

Builds the workloads of the speed issue in a temporary folder (never touching the corpus):

  single   one Dockerfile, `infralint PATH/Dockerfile -f json`, process start to exit
  corpus   the corpus copied once, `infralint . -f json --exit-zero`
  corpusN  the corpus copied N times side by side (default 20, ~10,000 files), with the default
           `--jobs`, with `--jobs 1` (one process) and with `--jobs 2` (two workers)

and reports, for each, the median wall time over several runs and the peak memory of a
separate run: the largest single process (max RSS) and the whole process tree (sum of PSS,
sampled from /proc every 10 ms, so shared copy-on-write pages of workers are counted once).

When hadolint, checkov or compose-lint are on PATH they are timed on the same files in the same
run and the ratios printed. Nothing is installed.

Python writes its bytecode caches into the temporary folder (PYTHONPYCACHEPREFIX), so runs are
timed with warm caches, as an installed package is, even where PYTHONDONTWRITEBYTECODE is set;
`--cold` times compiling too. This is not a test and does not run in CI.

    python benchmarks/bench.py [--corpus PATH] [--copies 20] [--runs 7] [--big-runs 3]
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
# The Dockerfile the single-file case lints when the corpus has it (no compose file beside it,
# so the run is a Dockerfile-only run); else the first Dockerfile in path order.
PREFERRED_DOCKERFILE = "GoogleCloudPlatform+microservices-demo/src/emailservice/Dockerfile"


@dataclass
class Result:
    name: str
    command: list[str]
    cwd: Path
    files: int
    times: list[float] = field(default_factory=list)
    max_rss_mb: float | None = None
    tree_pss_mb: float | None = None
    exit_codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def main() -> int:
    args = _args()
    corpus = Path(args.corpus).resolve()
    if not corpus.is_dir():
        print(f"bench: no corpus at {corpus} (use --corpus PATH)", file=sys.stderr)
        return 2
    infralint = _infralint_command()
    with tempfile.TemporaryDirectory(prefix="infralint-bench-") as tmp:
        work = Path(tmp)
        env = _environment(work, args.cold)
        one, many = _build(corpus, work, args.copies)
        dockerfile = _pick_dockerfile(one)
        results = [
            _measure("single Dockerfile", [*infralint, str(dockerfile.relative_to(one)), "-f", "json"],
                     one, 1, args.runs, env),
            _measure("corpus", [*infralint, ".", "-f", "json", "--exit-zero"], one, _count(one), args.runs, env),
            _measure(f"corpus x{args.copies}", [*infralint, ".", "-f", "json", "--exit-zero"], many,
                     _count(many), args.big_runs, env),
            *(_measure(f"corpus x{args.copies} --jobs {j}", [*infralint, ".", "-f", "json", "--exit-zero", "--jobs", j],
                       many, _count(many), args.big_runs, env) for j in ("1", "2")),
        ]
        others = _incumbents(one, dockerfile, args.runs, env, infralint, results)
        _print_report(args, corpus, results, others)
        if args.json:
            Path(args.json).write_text(json.dumps(_as_json(args, corpus, results, others), indent=2) + "\n",
                                       encoding="utf-8")
    return 0


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="tree to copy (default: %(default)s)")
    p.add_argument("--copies", type=int, default=20, help="copies in the large workload (default: 20)")
    p.add_argument("--runs", type=int, default=7, help="timed runs of the small workloads (default: 7)")
    p.add_argument("--big-runs", type=int, default=3, help="timed runs of the large workload (default: 3)")
    p.add_argument("--cold", action="store_true", help="no bytecode caches: time compiling too")
    p.add_argument("--json", metavar="FILE", help="also write the figures there")
    return p.parse_args()


def _infralint_command() -> list[str]:
    """The console script beside this interpreter (as a user runs it), else `python -m`."""
    script = Path(sys.executable).with_name("infralint")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "infralint"]


def _environment(work: Path, cold: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("INFRALINT_PARALLEL_MIN_FILES", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX")
    env["NO_COLOR"] = "1"
    return env


def _build(corpus: Path, work: Path, copies: int) -> tuple[Path, Path]:
    one = work / "corpus"
    shutil.copytree(corpus, one, symlinks=True)
    many = work / f"corpus-x{copies}"
    many.mkdir()
    for i in range(copies):
        shutil.copytree(corpus, many / f"copy{i + 1:02d}", symlinks=True)
    return one, many


def _count(tree: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(tree))


def _pick_dockerfile(tree: Path) -> Path:
    preferred = tree / PREFERRED_DOCKERFILE
    if preferred.is_file():
        return preferred
    found = sorted(p for p in tree.rglob("Dockerfile") if p.is_file())
    if not found:
        raise SystemExit("bench: the corpus has no Dockerfile")
    return found[0]


def _measure(name: str, command: list[str], cwd: Path, files: int, runs: int, env: dict[str, str]) -> Result:
    result = Result(name, command, cwd, files)
    print(f"bench: {name}: {' '.join(command)} ({runs} runs)", file=sys.stderr, flush=True)
    _run(command, cwd, env)  # warm-up: bytecode caches, the page cache
    for _ in range(runs):
        elapsed, code = _run(command, cwd, env)
        result.times.append(elapsed)
        result.exit_codes.add(code)
    result.max_rss_mb, result.tree_pss_mb = _memory(command, cwd, env)
    return result


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.returncode


def _memory(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float | None, float | None]:
    """(max RSS of the largest process, peak PSS summed over the process tree), in MB."""
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_pss_kb(proc.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4 gives this run's own rusage: ru_maxrss is the largest of the process and the
    # workers it waited for (not a sum).
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    return usage.ru_maxrss / 1024, (peak[0] / 1024 if peak[0] else None)


def _tree_pss_kb(root: int) -> int:
    total = 0
    for pid in _descendants(root):
        total += _pss_kb(pid)
    return total


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return out


def _pss_kb(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


# -- the incumbents ----------------------------------------------------------------------------

def _incumbents(tree: Path, dockerfile: Path, runs: int, env: dict[str, str], infralint: list[str],
                results: list[Result]) -> list[tuple[str, Result | None, str, Result | None]]:
    """(what, their result or None, why not, infralint's result on the same files) for each other
    linter that is installed."""
    rel = str(dockerfile.relative_to(tree))
    compose = sorted(str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file()
                     and p.name.lower() in ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"))
    single, corpus = results[0], results[1]
    candidates = [
        ("hadolint", "single Dockerfile", ["hadolint", "--no-fail", rel], lambda: single),
        ("checkov", "single Dockerfile", ["checkov", "--quiet", "--compact", "-o", "json", "-f", rel], lambda: single),
        ("checkov", "corpus", ["checkov", "--quiet", "--compact", "-o", "json", "-d", "."], lambda: corpus),
        ("compose-lint", f"{len(compose)} compose files", ["compose-lint", *compose],
         lambda: _measure("infralint on the compose files", [*infralint, *compose, "-f", "json", "--exit-zero"],
                          tree, len(compose), runs, env)),
    ]
    out: list[tuple[str, Result | None, str, Result | None]] = []
    for tool, what, command, ours in candidates:
        if shutil.which(tool) is None:
            out.append((f"{tool} ({what})", None, "not installed", None))
            continue
        theirs = _measure(f"{tool} {what}", command, tree, 0, runs, env)
        out.append((f"{tool} {_version(tool, env)} ({what})", theirs, "", ours()))
    return out


def _version(tool: str, env: dict[str, str]) -> str:
    try:
        proc = subprocess.run([tool, "--version"], env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "?"
    words = (proc.stdout or proc.stderr).split()
    return next((w for w in words if w[:1].isdigit()), "?")


# -- report --------------------------------------------------------------------------------------

def _machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 0
    return {"cpus": str(cpus), "cpu": cpu, "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "date": _dt.datetime.now().astimezone().isoformat(timespec="minutes")}


def _print_report(args: argparse.Namespace, corpus: Path, results: list[Result],
                  others: list[tuple[str, Result | None, str, Result | None]]) -> None:
    m = _machine()
    print(f"# infralint benchmark, {m['date']}")
    print(f"machine: {m['cpus']} CPUs, {m['cpu']}, {m['system']}, Python {m['python']}")
    print(f"command: python benchmarks/bench.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"corpus:  {corpus}")
    print()
    print("| workload | files | median | min | max | runs | peak RSS (largest process) | peak PSS (all processes) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r.name} | {r.files} | {_secs(r.median)} | {_secs(min(r.times))} | {_secs(max(r.times))} | "
              f"{len(r.times)} | {_mb(r.max_rss_mb)} | {_mb(r.tree_pss_mb)} |")
    small = next(r for r in results if r.name == "corpus")
    print()
    for r in results[2:]:
        per = r.median / max(r.files, 1) * 1000
        print(f"{r.name}: {per:.2f} ms per file, against {small.median / max(small.files, 1) * 1000:.2f} ms "
              f"per file for one copy ({r.median / small.median:.1f}x the time for {r.files / small.files:.1f}x the files)")
    print()
    for label, theirs, why, mine in others:
        if theirs is None or mine is None:
            print(f"{label}: {why}")
            continue
        ratio = theirs.median / mine.median
        verdict = f"infralint is {ratio:.1f}x faster" if ratio >= 1 else f"{label.split()[0]} is {1 / ratio:.1f}x faster"
        print(f"{label}: median {_secs(theirs.median)} against infralint's {_secs(mine.median)} on the same "
              f"files: {verdict}")


def _as_json(args: argparse.Namespace, corpus: Path, results: list[Result],
             others: list[tuple[str, Result | None, str, Result | None]]) -> dict:
    def one(r: Result) -> dict:
        return {"name": r.name, "command": r.command, "files": r.files, "times": r.times,
                "median": r.median, "max_rss_mb": r.max_rss_mb, "tree_pss_mb": r.tree_pss_mb,
                "exit_codes": sorted(r.exit_codes)}

    return {"machine": _machine(), "argv": sys.argv[1:], "corpus": str(corpus),
            "results": [one(r) for r in results],
            "others": [{"name": n, "result": one(r) if r else None, "infralint": one(m) if m else None,
                        "skipped": why} for n, r, why, m in others]}


def _secs(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _mb(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
