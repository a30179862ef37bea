"""ComBat implementations on bladderbatch: agreement, time, and fitting on training samples.

Measures, on the 57 x 22,283 bladderbatch table with its 5 batches (no covariates):

* graphgen's :class:`~graphgen.subtyping.combat.ComBat` (fit/transform),
* neuroCombat 0.2.12 (``neuroCombat``; ``neuroCombatFromTraining`` applies estimates to new
  samples of *seen* batches only),
* inmoose's ``pycombat_norm`` (whole table at once; no fit/apply split), when installed,

the largest absolute difference between each pair of outputs and the seconds of each (median
of 3 runs in this one process). A second check fits on the arrays of batches 1-4 only and
applies to batch 5, which only graphgen's step can do.

Run: ``python benchmarks/combat_implementations.py [--data ../shared/data/bladderbatch]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from graphgen.subtyping.combat import ComBat

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "bladderbatch"


def timed(function, repeats: int = 3):
    seconds, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # neuroCombat prints progress
            out = function()
        seconds.append(time.perf_counter() - start)
    return np.asarray(out, dtype=np.float64), statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    x = pd.read_csv(args.data / "bladder_expression.csv.gz", index_col=0)
    batch = pd.read_csv(args.data / "bladder_samples.csv", index_col=0)["batch"].loc[x.index]
    outputs, seconds = {}, {}
    outputs["graphgen ComBat"], seconds["graphgen ComBat"] = timed(
        lambda: ComBat().fit_transform(x, batch).to_numpy())
    try:
        import neuroCombat
        covars = pd.DataFrame({"batch": batch.to_numpy()})
        outputs["neuroCombat"], seconds["neuroCombat"] = timed(
            lambda: neuroCombat.neuroCombat(x.T.to_numpy(), covars, "batch")["data"].T)
    except ImportError:
        print("neuroCombat not installed (pip install neuroCombat): skipped")
    try:
        from inmoose.pycombat import pycombat_norm
        outputs["inmoose pycombat_norm"], seconds["inmoose pycombat_norm"] = timed(
            lambda: pycombat_norm(x.T, batch.to_numpy()).T.to_numpy())
    except ImportError:
        print("inmoose not installed (pip install inmoose): skipped")
    names = list(outputs)
    print(f"bladderbatch {x.shape[0]} x {x.shape[1]}, batches "
          f"{batch.value_counts().sort_index().to_dict()}\n")
    print("| implementation | seconds | graphgen is | max abs difference to graphgen |")
    print("|---|---|---|---|")
    for name in names:
        diff = np.abs(outputs[name] - outputs["graphgen ComBat"]).max()
        ratio = seconds[name] / seconds["graphgen ComBat"]
        print(f"| {name} | {seconds[name]:.2f} | "
              f"{'-' if name == 'graphgen ComBat' else f'{ratio:.1f}x faster'} | {diff:.1e} |")
    if len(names) > 2:
        a, b = names[1], names[2]
        print(f"\n{a} vs {b}: max abs difference "
              f"{np.abs(outputs[a] - outputs[b]).max():.2e}")
    seen = batch != 5
    combat = ComBat().fit(x[seen], batch[seen])
    new = combat.transform(x[~seen], batch[~seen])
    gap = float((x[~seen].mean() - x[seen].mean()).abs().mean())
    left = float((new.mean() - combat.transform(x[seen], batch[seen]).mean()).abs().mean())
    print(f"\nfit on batches 1-4, applied to batch 5 (unseen): mean |batch 5 - rest| per probe "
          f"{gap:.3f} before, {left:.3f} after")


if __name__ == "__main__":
    main()
