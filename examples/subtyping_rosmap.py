"""Tumour/disease subtyping on ROSMAP (MOGONET's cohort and split): AD vs normal control.

Three omics (mRNA, DNA methylation, miRNA; 200 features each, min-max scaled by MOGONET),
MOGONET's published split (245 training / 106 test samples), 5 seeds. Models: the
patient-graph view (MOGONET-like: cosine kNN graph per omics built from training samples only,
a GCN per omics, VCDN fusion), MOGONET's own training recipe reproduced faithfully
(``graphgen.subtyping.mogonet``), the expression-graph view over an mRNA co-expression network
built from training samples, an MLP on the concatenated omics, and scikit-learn's logistic
regression and random forest.

    python examples/subtyping_rosmap.py [--data ../shared/data] [--out runs/subtyping-rosmap]

MOGONET reports accuracy 0.815 +- 0.023, F1 0.821 +- 0.022, AUROC 0.874 +- 0.012.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from graphgen.comparison import compare_subtyping
from graphgen.io.mogonet import read_mogonet

# The patient-graph settings follow MOGONET's published ROSMAP configuration (2 neighbours
# per sample, 100 hidden channels, learning rate 5e-4, VCDN fusion); nothing was tuned on the
# test samples.
MODELS = {
    # MOGONET's own recipe (graphgen.subtyping.mogonet): its adjacency parameter 2, encoders
    # (200, 200, 100), 500 pre-training and 2,500 training epochs at its learning rates,
    # VCDN; fixed budget, nothing chosen on the test samples.
    "mogonet_recipe": {"kind": "mogonet"},
    "patient_graph_vcdn": {"kind": "patient-graph", "fusion": "vcdn", "k": 2,
                           "hidden_channels": 100, "dropout": 0.5, "lr": 5e-4,
                           "max_epochs": 1000, "patience": 100},
    "expression_graph": {"kind": "expression-graph", "network": "coexpression",
                         "coexpression_k": 5, "pooling": "attention", "hidden_channels": 16,
                         "max_epochs": 200, "patience": 40},
    "mlp": {"kind": "features", "head": "mlp",
            "hidden_channels": 64, "dropout": 0.5, "max_epochs": 300,
            "patience": 50},
    "logreg": {"kind": "logreg", "C": 0.1},
    "random_forest": {"kind": "random_forest", "n_estimators": 500},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--data", type=Path, default=here.parent.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=Path("runs/subtyping-rosmap"))
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    cohort = read_mogonet(args.data / "mogonet" / "ROSMAP", names=("mrna", "meth", "mirna"))
    seeds = list(range(args.seeds))
    comparison = compare_subtyping(cohort.omics, cohort.labels, [cohort.split] * len(seeds),
                                   MODELS, seeds=seeds)
    print(f"ROSMAP, MOGONET split ({len(cohort.split.train)} train / {len(cohort.split.test)} "
          f"test), {len(seeds)} seeds")
    print(comparison.format(("accuracy", "f1", "auroc")))
    run = comparison.write(str(args.out), {"cohort": "ROSMAP (MOGONET)", "seeds": seeds,
                                           "models": MODELS},
                           overwrite=True)  # the example's folder holds its last run
    print(f"\nrun folder: {run.path}")


if __name__ == "__main__":
    main()
