"""Label propagation (Zhou et al., NeurIPS 2004): the graph-only baseline, no features."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError
from graphgen.models.base import GraphBaseline
from graphgen.models.propagation import check_direction, walk_matrix

__all__ = ["LabelPropagation"]


class LabelPropagation(GraphBaseline):
    r"""Spread the training labels over the graph; no features, no training.

    With :math:`Y^{(0)}` the one-hot training labels (zero rows elsewhere) and the random-walk
    matrix :math:`P = D^{-1} A` (weighted by ``edge_weight`` if present), it iterates
    :math:`Y^{(k+1)} = \alpha P Y^{(k)} + (1 - \alpha) Y^{(0)}` for ``num_layers`` steps
    (Zhou et al. 2004, with the row-normalised propagation of Zhu & Ghahramani 2002, so every
    value stays a weighted average in [0, 1] and hubs do not saturate). For single-label tasks
    the scores are the propagated class masses normalised per node; for multi-label tasks each
    label spreads its positive and its negative training genes separately and the score is
    ``pos / (pos + neg)``. Nodes that no training label reaches get the training class
    frequencies.

    Its gap to the GNNs shows what node features add; its gap to the feature-only baselines
    shows what the graph alone carries.

    Args:
        num_layers: propagation steps.
        alpha: weight of the propagated labels against the initial ones, in (0, 1).
        use_edge_weight: propagate along weighted edges (``edge_weight``) if present.
        direction: ``"forward"`` (default), ``"reverse"`` or ``"undirected"``: which way a
            directed edge carries labels (:func:`~graphgen.models.propagation.walk_matrix`).

    It takes labels and a training mask, not a task object (:meth:`predict`).

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]), num_nodes=3)
        >>> targets = np.array([[0, 1], [0, 0], [1, 0]], dtype=np.float32)  # one-hot classes
        >>> scores = LabelPropagation().predict(g, targets, np.array([True, False, True]))
        >>> scores[:, 1].round(2).tolist()
        [0.59, 0.5, 0.41]
    """

    def __init__(self, *, num_layers: int = 50, alpha: float = 0.9,
                 use_edge_weight: bool = True, direction: str = "forward") -> None:
        self.num_layers = num_layers
        self.alpha = alpha
        self.use_edge_weight = use_edge_weight
        self.direction = check_direction(direction)

    def predict(self, data: Data, targets: np.ndarray, train_mask: np.ndarray, *,
                multilabel: bool = False) -> np.ndarray:
        """Propagate the training labels over ``data``'s graph.

        Args:
            data: graph with ``edge_index`` (and ``edge_weight``).
            targets: ``[N, C]`` one-hot classes (single-label) or 0/1 labels
                (``multilabel``); only the rows of training nodes are read.
            train_mask: ``[N]`` bool, the nodes whose labels seed the propagation.
            multilabel: each label spreads its positives and negatives separately.

        Returns:
            ``[N, C]`` scores: class probabilities (rows sum to 1), or per-label
            probabilities for multi-label tasks.

        Raises:
            DataFormatError: shapes that do not match the graph, no training node.
        """
        target = np.asarray(targets, dtype=np.float64)
        train = np.asarray(train_mask, dtype=bool)
        n = target.shape[0]
        if target.ndim != 2 or train.shape != (n,) or n != data.num_nodes:
            raise DataFormatError(f"LabelPropagation: targets [{n}, C] and train_mask [{n}] "
                                  f"must cover the {data.num_nodes} nodes")
        if not train.any():
            raise DataFormatError("LabelPropagation: no training node to propagate from")
        seeds = np.where(train[:, None], target, 0.0)
        weight = getattr(data, "edge_weight", None) if self.use_edge_weight else None
        walk = walk_matrix(data.edge_index, weight, n, "row", direction=self.direction)
        if multilabel:
            positive = self._propagate(walk, seeds)
            negative = self._propagate(walk, np.where(train[:, None], 1.0 - target, 0.0))
            total = positive + negative
            prior = np.broadcast_to(target[train].mean(axis=0), total.shape)
            return np.where(total > 0, positive / np.maximum(total, 1e-300), prior)
        mass = self._propagate(walk, seeds)
        total = mass.sum(axis=1, keepdims=True)
        prior = np.broadcast_to(target[train].mean(axis=0), mass.shape)
        return np.where(total > 0, mass / np.maximum(total, 1e-300), prior)

    def _propagate(self, walk: sp.csr_matrix, seeds: np.ndarray) -> np.ndarray:
        values = seeds.copy()
        for _ in range(self.num_layers):
            values = self.alpha * (walk @ values) + (1.0 - self.alpha) * seeds
        return values

    def __repr__(self) -> str:
        return (f"LabelPropagation(num_layers={self.num_layers}, alpha={self.alpha}, "
                f"use_edge_weight={self.use_edge_weight})")
