"""Explanations of trained models, and GO enrichment of gene lists.

- genes (:mod:`~graphgen.explain.genes`): feature, block, node and edge attributions of a
  ``GeneClassifier``'s score of a gene, through PyG's explainers and Captum; the explanatory
  sub-graph as networkx/GraphML.
- all genes (:mod:`~graphgen.explain.all_genes`): every gene of a graph in batches of
  receptive fields (Captum).
- subtypes (:mod:`~graphgen.explain.subtypes`): genes ranked per sample and per class for a
  ``SubtypeClassifier``.
- sequences (:mod:`~graphgen.explain.sequences`): per-position attributions; first-layer
  filters as MEME motifs.
- enrichment (:mod:`~graphgen.explain.enrichment`): goatools' GO enrichment as a table.
- checks (:mod:`~graphgen.explain.checks`): precision@k against the truth, model
  randomisation, deletion curves.
"""

from graphgen.explain.all_genes import explain_genes
from graphgen.explain.checks import deletion_curve, precision_at_k, randomized_classifier
from graphgen.explain.enrichment import enrich
from graphgen.explain.genes import (
    GeneExplanation,
    block_importance,
    explain_gene,
    explain_pair,
)
from graphgen.explain.sequences import explain_sequence, filter_motifs, write_meme
from graphgen.explain.subtypes import explain_samples, rank_genes

__all__ = [
    "GeneExplanation",
    "block_importance",
    "deletion_curve",
    "enrich",
    "explain_gene",
    "explain_genes",
    "explain_pair",
    "explain_samples",
    "explain_sequence",
    "filter_motifs",
    "precision_at_k",
    "randomized_classifier",
    "rank_genes",
    "write_meme",
]
