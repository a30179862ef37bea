"""Tumour vs normal in TCGA-BLCA (19 tumours and their 19 matched normals), leave-pair-out.

A small worked example of the expression-graph view: every sample is the STRING PPI
(combined score >= 0.9) with its log-expression on the genes. Each of the 19 folds holds out
one patient's tumour *and* its normal, so a patient is never on both sides.

    python examples/subtyping_blca.py [--data ../shared/data] [--out runs/subtyping-blca]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import graphgen
from graphgen.comparison import compare_subtyping
from graphgen.evaluation.splits import Split
from graphgen.io.expression import read_expression

MODELS = {
    "expression_graph_gcn": {"kind": "expression-graph", "conv": "gcn", "pooling": "flatten",
                             "num_layers": 1, "hidden_channels": 2, "max_epochs": 100,
                             "patience": 20, "batch_size": 8},
    "mlp": {"kind": "features", "head": "mlp",
            "hidden_channels": 32, "max_epochs": 100, "patience": 20},
    "logreg": {"kind": "logreg", "C": 0.1},
    "random_forest": {"kind": "random_forest", "n_estimators": 300},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--data", type=Path, default=here.parent.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=Path("runs/subtyping-blca"))
    args = parser.parse_args()
    matrix = read_expression(args.data / "tcga_blca" / "tcga_blca_expression.csv.gz")
    matrix = np.log1p(matrix)
    kind = pd.Series(matrix.index.str[-3:], index=matrix.index)
    labels = kind.map({"01A": "tumour", "11A": "normal"})
    patient = pd.Series(matrix.index.str[:-4], index=matrix.index)
    ppi = graphgen.load_ppi(args.data / "string" / "string_human_score900_symbols.csv.gz")
    network = graphgen.subgraph(ppi, [g for g in ppi.node_ids if g in set(matrix.columns)])
    splits = [Split(train=patient.index[patient != p], val=pd.Index([], dtype=object),
                    test=patient.index[patient == p], name=f"leave out {p}")
              for p in sorted(patient.unique())]
    models = {name: ({**spec, "network": network} if spec["kind"] == "expression-graph"
                     else spec) for name, spec in MODELS.items()}
    comparison = compare_subtyping({"rna": matrix}, labels, splits, models,
                                   seeds=[0] * len(splits))
    print(f"TCGA-BLCA tumour vs normal: {len(splits)} leave-pair-out folds, expression graph "
          f"over {network.num_nodes} genes")
    pooled = comparison.predictions.groupby("model", sort=False).apply(
        lambda f: ((f["p_tumour"] >= 0.5) == (f["label"] == "tumour")).mean())
    print(comparison.format(("accuracy", "auroc")))
    print("\npooled accuracy over the 38 held-out samples:\n" + pooled.round(3).to_string())
    run = comparison.write(str(args.out), {"cohort": "TCGA-BLCA 19 + 19", "models": MODELS},
                           overwrite=True)  # the example's folder holds its last run
    print(f"\nrun folder: {run.path}")


if __name__ == "__main__":
    main()
