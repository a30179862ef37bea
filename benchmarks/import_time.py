"""``import graphgen`` (lazy public API) against importing what it used to load eagerly.

Each route runs in a fresh process, five times; the median wall time is printed with the
ratio. "Eager" imports the public API's heaviest modules, as ``import graphgen`` did before
the names were loaded on first use (PEP 562).

    python benchmarks/import_time.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

ROUTES = {
    "import graphgen": "import graphgen",
    "eager (estimators, comparisons, synthetic organism)":
        "import graphgen.estimators, graphgen.comparison.genes, graphgen.datasets.synthetic",
}


def main() -> None:
    medians = {}
    for name, code in ROUTES.items():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - start)
        medians[name] = statistics.median(times)
        print(f"{name}: {medians[name]:.2f} s (median of 5 fresh processes)")
    lazy, eager = medians.values()
    print(f"lazy import is {eager / lazy:.0f}x faster")


if __name__ == "__main__":
    main()
