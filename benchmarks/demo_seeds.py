"""`graphgen demo` over several seeds: test metrics mean +- sd per model, and wall time.

Each seed draws a new organism, split and initialisation, so the spread covers all three.
Run: python benchmarks/demo_seeds.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

import pandas as pd

from graphgen.cli.demo import _label, run_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    rows, walls = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seeds):
            start = time.perf_counter()
            _, results = run_demo(os.path.join(tmp, str(seed)), seed=seed, progress=False)
            walls.append(time.perf_counter() - start)
            rows += [{"seed": seed, "model": _label(r.name), **r.test, "epochs": r.epochs,
                      "seconds": r.seconds} for r in results]
    frame = pd.DataFrame(rows)
    summary = frame.groupby("model", sort=False).agg(["mean", "std"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}")
    print(f"seeds 0..{args.seeds - 1}; demo wall time per seed {min(walls):.1f}-{max(walls):.1f} s")
    print("| model | AUROC | AUPRC | macro-F1 | accuracy | epochs | seconds |")
    print("|---|---|---|---|---|---|---|")
    for model, row in summary.iterrows():
        cells = [f"{row[(m, 'mean')]:.3f} ± {row[(m, 'std')]:.3f}"
                 for m in ("auroc", "auprc", "macro_f1", "accuracy")]
        cells += [f"{row[('epochs', 'mean')]:.0f}", f"{row[('seconds', 'mean')]:.1f}"]
        print(f"| {model} | " + " | ".join(cells) + " |")
    gaps = frame.pivot(index="seed", columns="model", values="auroc")
    for gnn in ("GCN", "GAT"):
        gap = gaps[gnn] - gaps["MLP"]
        print(f"{gnn} - MLP AUROC per seed: " + ", ".join(f"{g:+.3f}" for g in gap)
              + f" (min {gap.min():+.3f})")


if __name__ == "__main__":
    main()
