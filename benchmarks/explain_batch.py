"""Attributions for every gene of the STRING >= 0.9 graph: batched receptive fields against
the per-gene loop of PyG's explainer.

A GCN ``GeneClassifier`` is fitted on the cancer-gene task of
``examples/cancer_genes_string.toml`` (12k genes, topology and expression features). Then
Integrated Gradients (20 steps, zero baseline) attributes each gene's cancer-gene logit to
the features of the genes that reach it:

- batched: :func:`graphgen.explain.explain_genes` over all genes;
- per gene: :func:`graphgen.explain.explain_gene` (PyG ``Explainer`` +
  ``CaptumExplainer``, whole graph) on a sample of genes, its time scaled to all genes.

Both are measured in this one run and their attributions compared on the sample.

    python benchmarks/explain_batch.py          # about 15 minutes on 2 cores
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from graphgen import GeneClassifier
from graphgen.experiment import load_experiment
from graphgen.experiment.runner import prepare_experiment
from graphgen.explain import explain_gene, explain_genes

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLE = 20
STEPS = 20


def main() -> None:
    logging.disable(logging.WARNING)
    config = load_experiment(EXAMPLES / "cancer_genes_string.toml")
    prepared = prepare_experiment(config)
    data = prepared.data
    clf = GeneClassifier("gcn", hparams={"hidden_channels": 32},
                         trainer=config.trainer_config(progress=False))
    clf.fit(data, prepared.aligned.labels)
    genes = list(data.node_ids)
    rng = np.random.default_rng(0)
    sample = [genes[i] for i in rng.choice(len(genes), SAMPLE, replace=False)]

    started = time.perf_counter()
    loop = pd.DataFrame([explain_gene(clf, g, steps=STEPS, edges=False).features for g in sample],
                        index=sample)
    per_gene = (time.perf_counter() - started) / SAMPLE

    started = time.perf_counter()
    batch = explain_genes(clf, method="integrated_gradients", steps=STEPS, progress=False)
    batched = time.perf_counter() - started

    error = np.abs(batch.loc[sample].to_numpy() - loop.to_numpy()).max()
    scale = np.abs(loop.to_numpy()).max()
    loop_all = per_gene * len(genes)
    print(f"graph: {data.num_nodes} genes, {data.edge_index.shape[1]} directed edges, "
          f"{data.num_features} features; GCN, Integrated Gradients ({STEPS} steps)")
    print(f"per-gene PyG explainer: {per_gene:.2f} s per gene -> {loop_all / 60:.1f} min for "
          f"all genes (measured on {SAMPLE})")
    print(f"batched receptive fields: {batched / 60:.1f} min for all genes")
    print(f"speed-up: {loop_all / batched:.1f}x; largest difference on the sample "
          f"{error:.1e} (largest attribution {scale:.2f})")


if __name__ == "__main__":
    main()
