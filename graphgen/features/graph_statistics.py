"""Whole-graph statistics: one fixed-length row per graph of a graph set.

The feature-based route to graph classification (as in de Lara and Pineau's simple baseline,
2018, and the graph-statistics classifiers they compare to): sizes, the degree distribution and
the node features summed and averaged, read by an ordinary classifier (a random forest in
``GraphClassifier(conv="statistics")``). No message passing; the degree histogram carries
what the structure-agnostic baseline cannot see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch_geometric.data import Data

__all__ = ["MAX_DEGREE_BIN", "graph_statistics", "statistic_names"]

#: Degrees at or above this share the last bin of the degree histogram.
MAX_DEGREE_BIN = 10


def statistic_names(num_features: int) -> list[str]:
    """The column names of :func:`graph_statistics` for graphs with ``num_features``."""
    return (["nodes", "edges", "edges_per_node", "degree_mean", "degree_max", "degree_sd"]
            + [f"feature_{j}_sum" for j in range(num_features)]
            + [f"feature_{j}_mean" for j in range(num_features)]
            + [f"degree_{d}_share" if d < MAX_DEGREE_BIN else f"degree_{d}+_share"
               for d in range(MAX_DEGREE_BIN + 1)])


def graph_statistics(graphs: Sequence[Data]) -> np.ndarray:
    """``[len(graphs), 6 + 2F + 11]`` statistics of graphs with ``x [n, F]`` and
    ``edge_index`` (each undirected edge stored in both directions, as PyG does).

    Columns (:func:`statistic_names`): node count, edge count (stored edges / 2), edges per
    node, mean, max and sd of the out-degree, each feature's sum and mean over the nodes, the
    share of nodes of degree 0, 1, ..., 9 and 10 or more.

    Example:
        >>> g = Data(x=torch.ones(3, 1), edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]))
        >>> graph_statistics([g])[0, :4].tolist()
        [3.0, 2.0, 0.6666666666666666, 1.3333333333333333]
    """
    rows = []
    for g in graphs:
        n = int(g.x.shape[0])
        x = g.x.detach().to(torch.float64).numpy()
        sources = g.edge_index[0].numpy() if g.edge_index.numel() else np.zeros(0, np.int64)
        degree = np.bincount(sources, minlength=n).astype(np.float64)
        edges = sources.size / 2.0
        histogram = np.bincount(np.minimum(degree, MAX_DEGREE_BIN).astype(np.int64),
                                minlength=MAX_DEGREE_BIN + 1) / max(n, 1)
        rows.append(np.concatenate([
            [n, edges, edges / max(n, 1), degree.mean() if n else 0.0,
             degree.max() if n else 0.0, degree.std() if n else 0.0],
            x.sum(axis=0), x.mean(axis=0) if n else np.zeros(x.shape[1]), histogram]))
    return np.vstack(rows)
