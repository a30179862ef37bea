"""Are graphgen's explanations faithful? Checks against the simulated organism's planted truth.

The simulated organism (``graphgen.make_organism``, 1,000 genes) plants what a correct
explanation must find: label signal in the first quarter of the gene attribute columns,
disease genes inside disease modules, a class motif at a known position of each gene's
sequence and subtype-specific module activity. For each, precision@k of the explanation's
top-ranked items is printed beside a random ranking's; then the model-randomisation check
(rank correlation of attributions of the trained model and of the same model with
re-initialised weights) and deletion curves (the score as the top-ranked features or
interactions are removed, beside random ones).

    python examples/explain_faithfulness.py        # about 3 minutes on 2 cores
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pandas as pd

from graphgen import (
    GeneClassifier,
    LabelFeatures,
    SubtypeClassifier,
    TrainerConfig,
    make_organism,
)
from graphgen.estimators.subtype_classifier import SUBTYPE_TRAINER
from graphgen.explain import (
    deletion_curve,
    explain_gene,
    explain_genes,
    explain_samples,
    explain_sequence,
    precision_at_k,
    randomized_classifier,
)
from graphgen.features.blocks import stack_blocks

TRAINER = TrainerConfig(max_epochs=150, patience=30, progress=False, seed=0)


def main() -> None:
    logging.disable(logging.WARNING)
    org = make_organism(n_genes=1000, n_samples=200, seed=0, feature_signal=1.0)
    f = org.features
    informative = list(f.columns[: len(f.columns) // 4])
    data = stack_blocks(org.ppi, {"attributes": f})
    gcn = GeneClassifier("gcn", label_features=LabelFeatures(), trainer=TRAINER).fit(
        data, org.labels)
    positives = org.labels[org.labels == 1].index
    rows = []

    attributions = explain_genes(gcn, positives, progress=False)
    truth = {f"attributes:{c}" for c in informative}
    k = len(informative)
    rows.append(("informative attribute columns (gene task, GCN)", f"precision@{k}",
                 precision_at_k(attributions.mean(), truth, k), k / f.shape[1]))

    disease = org.modules.isin(org.truth["disease_modules"])
    genes = [g for g in positives if disease[g]][:30]
    hits, field = [], []
    for gene in genes:
        nodes = explain_gene(gcn, gene, steps=32).nodes.drop(gene, errors="ignore")
        hits.append(precision_at_k(nodes, set(disease[disease].index), 5))
        field.append(disease[nodes.index].mean())
    rows.append(("disease-module genes among a disease gene's important genes",
                 "precision@5", float(np.mean(hits)), float(np.mean(field))))

    fused = GeneClassifier("mlp", sequences=org.sequences,
                           sequence_options={"filters": 16, "kernel_size": 10},
                           trainer=replace(TRAINER, max_epochs=80)).fit(data, org.labels)
    start = org.truth["motif_position"]
    with_motif = [g for g in start.index if start[g] >= 0][:40]
    precision, chance = [], []
    for gene in with_motif:
        track = explain_sequence(fused, gene, steps=32).set_index("position")["attribution"]
        window = set(range(start[gene], start[gene] + 10))
        precision.append(precision_at_k(track.abs(), window, 10))
        chance.append(10 / len(track))
    rows.append(("planted motif positions (sequence view)", "precision@10",
                 float(np.mean(precision)), float(np.mean(chance))))

    labels = org.samples["subtype"]
    subtypes = SubtypeClassifier("features", head="mlp",
                                 trainer=replace(SUBTYPE_TRAINER, progress=False))
    subtypes.fit({"rna": org.expression}, labels)
    sample_attr = explain_samples(subtypes, {"rna": org.expression}, labels=labels,
                                  progress=False)
    activity = org.truth["module_activity"]
    hits, base = [], []
    for subtype in sorted(labels.unique()):
        shift = (activity[labels == subtype].mean() - activity.mean()).abs()
        module = {f"rna:{g}" for g in org.modules[org.modules == shift.idxmax()].index}
        hits.append(precision_at_k(sample_attr[labels == subtype].abs().mean(), module, 30))
        base.append(len(module) / len(org.modules))
    rows.append(("genes of the subtype's most shifted module (subtypes, MLP)", "precision@30",
                 float(np.mean(hits)), float(np.mean(base))))

    print("| planted truth | measure | explanation | random ranking |")
    print("|---|---|---|---|")
    for what, measure, got, random in rows:
        print(f"| {what} | {measure} | {got:.2f} | {random:.2f} |")

    sample = list(data.node_ids[:200])
    trained = explain_genes(gcn, sample, method="saliency", progress=False).to_numpy().ravel()
    shuffled = explain_genes(randomized_classifier(gcn, seed=1), sample, method="saliency",
                             progress=False).to_numpy().ravel()
    rho = pd.Series(trained).corr(pd.Series(shuffled), method="spearman")
    print(f"\nmodel randomisation: Spearman correlation of saliency maps, trained vs "
          f"re-initialised GCN: {rho:.2f} (an explanation blind to the weights gives 1)")

    curves = {"features": {"top": [], "random": []}, "edges": {"top": [], "random": []}}
    steps = {"features": (0, 1, 2, 4), "edges": (0, 2, 5, 10)}
    for gene in genes[:15]:
        explanation = explain_gene(gcn, gene, steps=32)
        for kind in curves:
            curves[kind]["top"].append(deletion_curve(gcn, explanation, kind=kind,
                                                      steps=steps[kind])["score"])
            curves[kind]["random"].append(np.mean([deletion_curve(
                gcn, explanation, kind=kind, steps=steps[kind], random=True,
                seed=s)["score"] for s in range(5)], axis=0))
    print("\ndeletion curves (mean score of 15 disease genes as items are removed):")
    for kind, curve in curves.items():
        top, rand = np.mean(curve["top"], axis=0), np.mean(curve["random"], axis=0)
        removed = "/".join(map(str, steps[kind]))
        print(f"  {kind} removed {removed}: top-ranked "
              + " / ".join(f"{v:.3f}" for v in top) + "; random "
              + " / ".join(f"{v:.3f}" for v in rand))


if __name__ == "__main__":
    main()
