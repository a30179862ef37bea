"""Faithfulness checks of explanations: are they about the model and the data, or noise?

- :func:`precision_at_k`: share of the ``k`` top-ranked items that are true (planted module
  genes, motif positions), to set beside a random ranking's expected share.
- :func:`randomized_classifier`: the same classifier with re-initialised weights; an
  explanation method whose attributions do not change under it explains nothing of what the
  model learned (Adebayo et al., "Sanity checks for saliency maps", 2018).
- :func:`deletion_curve`: the gene's score as its top-ranked edges or features are removed,
  beside the same number removed at random.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import torch

from graphgen.estimators.explainable import ExplainableGenes
from graphgen.exceptions import ConfigError
from graphgen.explain.genes import GeneExplanation, _fitted, _target
from graphgen.graph.nodes import node_index, node_positions

__all__ = ["deletion_curve", "precision_at_k", "randomized_classifier"]


def precision_at_k(scores: pd.Series, truth, k: int) -> float:
    """Share of the ``k`` items with the largest ``scores`` that are in ``truth``.

    Example:
        >>> precision_at_k(pd.Series({"a": 3, "b": 2, "c": 1}), {"a", "c"}, 2)
        0.5
    """
    if k < 1:
        raise ConfigError(f"precision_at_k: k must be >= 1, got {k!r}")
    top = scores.sort_values(ascending=False, kind="mergesort").index[:k]
    return float(np.mean([item in set(truth) for item in top]))


def randomized_classifier(classifier: ExplainableGenes, *, seed: int = 0):
    """A copy of a fitted classifier whose trained modules are re-initialised (every layer
    with a ``reset_parameters`` method); the original is not changed."""
    fitted = _fitted(classifier)
    clone = copy.copy(classifier)
    clone.fitted_ = copy.deepcopy(fitted)
    torch.manual_seed(seed)
    for member in clone.fitted_.members or [clone.fitted_.model]:
        for module in member.modules():
            if module is not member and hasattr(module, "reset_parameters"):
                module.reset_parameters()
    clone.model_ = clone.fitted_.model
    return clone


def deletion_curve(classifier: ExplainableGenes, explanation: GeneExplanation, *,
                   kind: str = "edges", steps=(0, 1, 2, 5, 10, 20), random: bool = False,
                   seed: int = 0) -> pd.DataFrame:
    """The explained gene's score as the top-ranked edges (or feature columns) are removed.

    Args:
        classifier: the fitted classifier the explanation is of.
        explanation: from :func:`~graphgen.explain.genes.explain_gene`.
        kind: ``"edges"`` (remove interactions, both directions) or ``"features"`` (set
            feature columns to 0 for every gene).
        steps: how many items to remove at each point.
        random: remove the same items in random order instead (the reference curve: the
            interactions that reach the gene, or the feature columns).
        seed: seeds the random order.

    Returns:
        ``removed`` and ``score`` (probability of the explained class) per step.
    """
    if kind not in ("edges", "features"):
        raise ConfigError(f"deletion_curve: kind must be 'edges' or 'features', got {kind!r}")
    _fitted(classifier)
    data = classifier.data_
    position = int(node_positions(data, [explanation.gene], what="explained gene")[0])
    column, _ = _target(classifier, explanation.target)
    rng = np.random.default_rng(seed)
    if kind == "edges":
        if explanation.edges is None:
            raise ConfigError("deletion_curve: the explanation has no edges (a model "
                              "without a graph)")
        genes = node_index(data)
        src, dst = data.edge_index.cpu().numpy()
        pairs = pd.MultiIndex.from_arrays([np.minimum(src, dst), np.maximum(src, dst)])
        ranked = list(zip(genes.get_indexer(explanation.edges["source"]),
                          genes.get_indexer(explanation.edges["target"])))
        if random:  # the same interactions (those that reach the gene), in random order
            ranked = [ranked[i] for i in rng.permutation(len(ranked))]
    else:
        ranked = list(explanation.features.abs().sort_values(
            ascending=False, kind="mergesort").index)
        if random:
            ranked = [ranked[i] for i in rng.permutation(len(ranked))]
    rows = []
    for k in steps:
        removed = ranked[:k]
        graph = data.clone()
        if kind == "edges" and removed:
            drop = pairs.isin(removed)
            keep = torch.as_tensor(~np.asarray(drop))
            graph.edge_index = data.edge_index[:, keep]
            if getattr(data, "edge_weight", None) is not None:
                graph.edge_weight = data.edge_weight[keep]
        elif kind == "features" and removed:
            names = list(explanation.features.index)
            x = data.x.clone()
            x[:, [names.index(name) for name in removed]] = 0.0
            graph.x = x
        scores = classifier.fitted_.scores(graph)
        if scores.ndim == 1:  # binary: the positive class's probability
            score = scores[position] if column == 1 else 1.0 - scores[position]
        else:
            score = scores[position, column]
        rows.append({"removed": int(min(k, len(ranked))), "score": float(score)})
    return pd.DataFrame(rows)
