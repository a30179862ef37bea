"""Confounders: how much of a random-CV score does the processing batch explain?

bladderbatch (Leek's standard example): 57 bladder arrays whose processing batch is
confounded with the outcome. Task: cancer (40) against non-cancer tissue (8 normal mucosa and
9 biopsies, 17). The script

1. reports the confounding before any model trains (graphgen flags it on its own),
2. scores class-balanced logistic regression and the features view's MLP
   (``SubtypeClassifier()``'s default before ``view="auto"``) beside the batch-only
   baseline under random stratified 5-fold CV (5 seeds) and leave-one-batch-out,
3. asks for ComBat inside the folds on the whole design (refused, with the reason), and
4. on the part ComBat can correct (batches 2 and 5, which hold both classes), compares
   random CV and leave-one-batch-out with and without ComBat fitted in the folds.

Every figure is an out-of-fold score (test predictions pooled over the folds, so that a
batch holding one class still counts); nothing is chosen on test samples.

Run: ``python examples/confounders_bladderbatch.py [--data ../shared/data/bladderbatch]
[--out runs/bladderbatch]``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import pandas as pd

from graphgen.comparison import compare_subtyping
from graphgen.evaluation.confounding import ConfoundingWarning, confounding_table, contingency
from graphgen.evaluation.splits import kfold_splits, leave_one_group_out
from graphgen.exceptions import ConfoundedDesignError
from graphgen.split import Split

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "bladderbatch"
SEEDS = (0, 1, 2, 3, 4)
LOGREG = {"kind": "logreg", "class_weight": "balanced"}
METRICS = ["auroc", "accuracy", "macro_f1"]


def load(folder: Path) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Expression (samples x probes), label (cancer / non-cancer) and batch per array."""
    x = pd.read_csv(folder / "bladder_expression.csv.gz", index_col=0)
    samples = pd.read_csv(folder / "bladder_samples.csv", index_col=0).loc[x.index]
    label = samples["cancer"].map(lambda c: "cancer" if c == "Cancer" else "non-cancer")
    batch = samples["batch"].astype(int).astype(str).rename("batch")
    return x, label.rename("label"), batch


def pooled(x, y, splits, models, **options) -> pd.DataFrame:
    with warnings.catch_warnings():  # reported once, above
        warnings.simplefilter("ignore", ConfoundingWarning)
        return compare_subtyping({"expression": x}, y, splits, models, **options).pooled()


def random_cv(x, y, batch, models, *, k, **options) -> pd.DataFrame:
    """Pooled out-of-fold metrics per seed, then mean and sd over the seeds."""
    runs = [pooled(x, y, kfold_splits(y, k=k, seed=seed), models, batch=batch,
                   seeds=[seed] * k, **options)[METRICS] for seed in SEEDS]
    table = pd.concat(runs, keys=SEEDS, names=["seed", "model"])
    return table.groupby(level="model", sort=False).agg(["mean", "std"])


def single(table: pd.DataFrame) -> pd.DataFrame:
    """One run as a mean/sd table (sd empty)."""
    return pd.concat({m: table[m] for m in METRICS}, axis=1).pipe(
        lambda t: pd.concat({m: pd.DataFrame({"mean": t[m], "std": float("nan")})
                             for m in METRICS}, axis=1))


def cell(row: pd.Series, metric: str) -> str:
    mean, sd = row[(metric, "mean")], row[(metric, "std")]
    return f"{mean:.3f}" if pd.isna(sd) else f"{mean:.3f} ± {sd:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=None,
                        help="write the leave-one-batch-out comparison as a run folder")
    args = parser.parse_args()
    started = time.perf_counter()
    x, y, batch = load(args.data)
    print(f"bladderbatch: {x.shape[0]} arrays x {x.shape[1]} probes; "
          f"{(y == 'cancer').sum()} cancer, {(y != 'cancer').sum()} non-cancer\n")
    print("label by batch:")
    print(contingency(y, batch).to_string(), "\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConfoundingWarning)
        table = confounding_table(batch.to_frame(), y)
    print("confounding check (before any model):")
    print(table.round(3).to_string())
    for warning in caught:
        print(f"ConfoundingWarning: {warning.message}")
    print()

    models = {"logistic regression (class-balanced)": LOGREG,
              "MLP (features view)": {"kind": "features", "head": "mlp"}}
    rows = {}
    for name, result in random_cv(x, y, batch, models, k=5).iterrows():
        rows[("all 57 arrays", "random stratified 5-fold", "none", name)] = result
    lobo = leave_one_group_out(y, batch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfoundingWarning)
        comparison = compare_subtyping({"expression": x}, y, lobo, models, groups=batch)
    if args.out is not None:
        comparison.write(str(args.out), {"example": "confounders_bladderbatch",
                                         "evaluation": "leave-one-batch-out"}, overwrite=True)
    for name, result in single(comparison.pooled()[METRICS]).iterrows():
        rows[("all 57 arrays", "leave-one-batch-out", "none",
              name.replace("group only", "batch only"))] = result
    try:
        pooled(x, y, kfold_splits(y, k=5), {"lr": LOGREG}, batch=batch,
               batch_correction="combat")
        refusal = "not refused (unexpected)"
    except ConfoundedDesignError as error:
        refusal = str(error)
    print(f"ComBat inside the folds, all 57 arrays: {refusal}\n")

    part = batch.isin(["2", "5"])
    xp, yp, bp = x[part], y[part], batch[part]
    two = {"logistic regression (class-balanced)": LOGREG}
    for correction in (None, "combat"):
        label = "ComBat in the folds" if correction else "none"
        for name, result in random_cv(xp, yp, bp, two, k=4,
                                      batch_correction=correction).iterrows():
            rows[("batches 2 + 5", "random stratified 4-fold", label, name)] = result
        splits = [Split(train=bp.index[bp == a], val=pd.Index([]), test=bp.index[bp == b],
                        name=f"group {b}") for a, b in (("2", "5"), ("5", "2"))]
        result = pooled(xp, yp, splits, two, groups=bp, batch=bp, batch_correction=correction)
        for name, values in single(result[METRICS]).iterrows():
            rows[("batches 2 + 5", "leave-one-batch-out", label,
                  name.replace("group only", "batch only"))] = values

    print("| arrays | evaluation | batch correction | model | AUROC | accuracy | macro-F1 |")
    print("|---|---|---|---|---|---|---|")
    for (arrays, evaluation, correction, model), result in rows.items():
        print(f"| {arrays} | {evaluation} | {correction} | {model} | "
              + " | ".join(cell(result, m) for m in METRICS) + " |")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
