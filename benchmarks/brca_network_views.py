"""Choose the settings of BRCA's network views on validation samples only.

TCGA BRCA PAM50 (as ``examples/subtyping_brca.py``: stratified 70/30 per seed). For every seed
the training part is split again (stratified 80/20): each candidate is fitted on the inner
80 % and scored (macro-F1) on the inner 20 %. Candidates: the propagation view (patient
profiles smoothed over the whole STRING >= 0.9 graph, 12k genes, unmeasured genes as latent
nodes) with several restarts and latent-gene counts, the expression graph over a
co-expression network learned from the training patients, the features view without a
network, and logistic regression (the strongest baseline) with and without class-balanced
weights. The test macro-F1 of each candidate refitted on the whole training part is printed
beside it, never used.

    python benchmarks/brca_network_views.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))

from subtyping_brca import load  # noqa: E402

import graphgen  # noqa: E402
from graphgen.comparison import compare_subtyping  # noqa: E402
from graphgen.split import Split  # noqa: E402

MLP = {"hidden_channels": 64, "dropout": 0.5}


def candidates(ppi) -> dict:
    out = {f"propagation r={r}, {n} latent genes": {"kind": "propagation", "head": "mlp",
                                                    "network": ppi, "restart": r, "latent": n,
                                                    **MLP}
           for r in (0.3, 0.5, 0.8) for n in (0, 500)}
    out["expression graph (co-expression of training patients), flatten"] = {
        "kind": "expression-graph", "network": "coexpression", "pooling": "flatten",
        "num_layers": 1, "hidden_channels": 8}
    out["features (MLP, no network)"] = {"kind": "features", "head": "mlp", **MLP}
    for c in (0.1, 1.0):
        for weight in (None, "balanced"):
            out[f"logistic regression, C={c}" + (", balanced classes" if weight else "")] = {
                "kind": "logreg", "C": c, "class_weight": weight}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    omics, labels = load(args.data)
    labels = labels.dropna()
    ppi = graphgen.load_ppi(args.data / "string" / "string_human_score900_symbols.csv.gz")
    models = candidates(ppi)
    seeds = list(range(args.seeds))
    inner, outer = [], []
    for seed in seeds:
        train, test = train_test_split(labels.index, test_size=0.3, stratify=labels,
                                       random_state=seed)
        fit, val = train_test_split(train, test_size=0.2, stratify=labels.loc[train],
                                    random_state=seed)
        inner.append(Split(train=pd.Index(fit), val=pd.Index([]), test=pd.Index(val),
                           name=f"seed {seed} inner"))
        outer.append(Split(train=pd.Index(train), val=pd.Index([]), test=pd.Index(test),
                           name=f"seed {seed}"))
    rows = {}
    for part, splits in (("val", inner), ("test", outer)):
        result = compare_subtyping(omics, labels, splits, models, seeds=seeds)
        for model, table in result.per_split.groupby("model", sort=False):
            rows.setdefault(model, {})[part] = (table["macro_f1"].mean(),
                                                table["macro_f1"].std(ddof=1))
    ranked = sorted(rows, key=lambda m: -rows[m]["val"][0])
    print(f"\nBRCA PAM50 macro-F1, {args.seeds} seeds (val: inner hold-out, used for the choice; "
          "test: printed, never used)\n")
    print("| candidate | val | test |")
    print("|---|---|---|")
    for model in ranked:
        (v, vs), (t, ts) = rows[model]["val"], rows[model]["test"]
        print(f"| {model} | {v:.3f} ± {vs:.3f} | {t:.3f} ± {ts:.3f} |")
    for prefix in ("propagation", "logistic regression"):
        best = [m for m in ranked if m.startswith(prefix)][0]
        print(f"chosen {prefix} setting: {best}")


if __name__ == "__main__":
    main()
