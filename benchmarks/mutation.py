"""Mutation testing of one graphgen module with mutmut 3 (the kill rates of docs/mutation.md).

    python benchmarks/mutation.py graphgen/labels.py tests/test_labels.py \\
        tests/test_labels_exact.py [--limit 120] [--only NAME ...]

It makes a scratch copy of the repository (``git worktree`` of HEAD under a temporary
folder, or ``--dir``), lists every other module of the package in mutmut's
``do_not_mutate`` (copied, not mutated) and runs ``mutmut run`` there with two changes to
how mutmut 3.3 runs a mutant, both needed on this package:

- each mutant's tests run in a fresh interpreter (``python -m pytest`` on the whole test
  files given) instead of in a ``fork`` of mutmut's process: polars' thread pool does not
  survive a fork, so a forked child waits forever on its first read (every reader and the
  labels would "time out");
- mutmut's CPU limit (30 s plus its estimate, which counts a test's teardown only) is
  replaced by a wall-clock limit, ``--limit`` seconds or 15 times the estimate if longer.

``--fork`` keeps mutmut's own forked runner (with the wall-clock limit), several times
faster because a mutant does not import torch again; use it only where the tests read no
file through polars or pyarrow (metrics, splits, propagation, the graph build; it runs torch
and BLAS on one thread, whose pools otherwise deadlock a forked child), or with
``GRAPHGEN_CSV_ENGINE=pandas`` set, which keeps the readers on pandas (the engine-specific
functions then need a run without ``--fork``).

It prints ``mutmut results`` (every mutant and its fate) at the end. mutmut is not a
dependency of graphgen (``pip install mutmut``); this is not run in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from time import sleep

ROOT = Path(__file__).resolve().parents[1]


def _configure(copy: Path, targets: list[str], tests: list[str]) -> None:
    others = sorted(str(p.relative_to(copy)) for p in (copy / "graphgen").rglob("*.py")
                    if str(p.relative_to(copy)) not in targets)
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + (
        '\n[tool.mutmut]\npaths_to_mutate = ["graphgen/"]\n'
        "tests_dir = [" + ", ".join(f'"{t}"' for t in tests) + "]\n"
        "do_not_mutate = [" + ", ".join(f'"{o}"' for o in others) + "]\n"))


def _patch_mutmut(limit: float, fork: bool) -> None:
    import resource

    import mutmut.__main__ as mm

    def timeout_checker(mutants):
        def check():
            while True:
                sleep(1)
                now = datetime.now()
                for m, name, _ in mutants:
                    with mm.START_TIMES_BY_PID_LOCK:
                        starts = dict(m.start_time_by_pid)
                    for pid, start in starts.items():
                        allowed = max(limit, (m.estimated_time_of_tests_by_mutant[name] + 1) * 15)
                        if (now - start).total_seconds() > allowed:
                            with contextlib.suppress(ProcessLookupError):
                                os.kill(pid, signal.SIGXCPU)
        return check

    class _NoCpuLimit:
        def __getattr__(self, name):
            return getattr(resource, name)

        def setrlimit(self, which, limits):
            if which != resource.RLIMIT_CPU:
                resource.setrlimit(which, limits)

    def run_tests(self, *, mutant_name, tests):
        args = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                "--rootdir=.", *mm.mutmut.config.tests_dir]
        code = subprocess.run(args, cwd="mutants", stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode
        # a test process a mutant made crash (a signal: a segfault in polars or numpy) has
        # failed its tests; its negative code would reach mutmut as 245 and stop the run
        return 1 if code < 0 else code

    mm.timeout_checker = timeout_checker
    mm.resource = _NoCpuLimit()
    if not fork:
        mm.PytestRunner.run_tests = run_tests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="the module to mutate, e.g. graphgen/labels.py, or "
                                       "several joined by commas")
    parser.add_argument("tests", nargs="+", help="its test files")
    parser.add_argument("--limit", type=float, default=120.0,
                        help="seconds a mutant's tests may run (default 120)")
    parser.add_argument("--children", type=int, default=1, help="mutants run at once")
    parser.add_argument("--only", nargs="*", default=[], help="mutant names to (re)run")
    parser.add_argument("--dir", type=Path, help="the scratch copy (made if missing)")
    parser.add_argument("--fork", action="store_true",
                        help="mutmut's forked runner: faster, only for tests that do not "
                             "read files through polars")
    args = parser.parse_args(argv)
    if args.fork:
        # one thread in every library: torch's and OpenMP's thread pools, started in the
        # parent by the first test run, deadlock a forked child's parallel kernels
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[name] = "1"
    copy = args.dir or Path(tempfile.mkdtemp(prefix="graphgen-mutation-")) / "repo"
    if not copy.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(copy), "HEAD"], cwd=ROOT,
                       check=True)
        _configure(copy, args.target.split(","), args.tests)
    os.chdir(copy)
    sys.path.insert(0, str(copy))
    _patch_mutmut(args.limit, args.fork)
    import mutmut.__main__ as mm

    run = ["run", "--max-children", str(args.children), *args.only]
    try:
        mm.cli(run, standalone_mode=False)
    finally:
        mm.cli(["results", "--all", "true"], standalone_mode=False)
    print(f"scratch copy: {copy} (remove with: git worktree remove --force {copy})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
