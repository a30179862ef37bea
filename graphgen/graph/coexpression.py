"""Co-expression graphs over genes, for users without a network.

Built from the *training* samples only (pass only those): a graph built on every sample would
let test samples shape the structure the model learns on.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError

__all__ = ["coexpression_graph"]


def coexpression_graph(
    matrix: pd.DataFrame,
    *,
    method: Literal["knn", "threshold"] = "knn",
    k: int = 10,
    threshold: float = 0.7,
    absolute: bool = True,
) -> Data:
    """An undirected gene graph from the correlation of expression profiles.

    Pearson correlation between genes (columns) over the samples (rows). ``knn`` links every
    gene to the ``k`` genes it correlates with most (the union over both directions);
    ``threshold`` links genes whose correlation is at least ``threshold``. Edge weights are
    the (absolute, with ``absolute``) correlations.

    Args:
        matrix: samples x genes values of the training samples.
        method: ``"knn"`` or ``"threshold"``.
        k: neighbours per gene (``knn``).
        threshold: minimal correlation (``threshold``), in (0, 1].
        absolute: rank and threshold ``|correlation|`` (anti-correlated genes are linked too).

    Returns:
        ``Data`` with ``node_ids`` (the genes, in column order), ``edge_index`` (both
        directions) and ``edge_weight``.

    Raises:
        ConfigError: bad ``k``, ``threshold`` or method.
        DataFormatError: fewer than 3 samples, NaN values.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> base = rng.normal(size=(30, 1))
        >>> m = pd.DataFrame(np.hstack([base, base + 0.1 * rng.normal(size=(30, 1)),
        ...                             rng.normal(size=(30, 1))]), columns=["A", "B", "C"])
        >>> g = coexpression_graph(m, method="threshold", threshold=0.9)
        >>> g.node_ids, g.edge_index.tolist()
        (['A', 'B', 'C'], [[0, 1], [1, 0]])
    """
    if method not in ("knn", "threshold"):
        raise ConfigError(f"coexpression_graph: method must be 'knn' or 'threshold', got "
                          f"{method!r}")
    if method == "knn" and (not isinstance(k, int) or k < 1 or k >= matrix.shape[1]):
        raise ConfigError(f"coexpression_graph: k must be in [1, genes - 1], got {k!r}")
    if method == "threshold" and not 0 < threshold <= 1:
        raise ConfigError(f"coexpression_graph: threshold must be in (0, 1], got {threshold!r}")
    values = matrix.to_numpy(dtype=np.float64)
    if values.shape[0] < 3:
        raise DataFormatError(f"coexpression_graph: need at least 3 samples, got {values.shape[0]}")
    if np.isnan(values).any():
        raise DataFormatError("coexpression_graph: the matrix has NaN values; impute them first")
    centred = values - values.mean(axis=0)
    norm = np.linalg.norm(centred, axis=0)
    norm[norm == 0] = np.inf  # constant genes correlate with nothing
    unit = centred / norm
    corr = unit.T @ unit
    np.fill_diagonal(corr, 0.0)
    strength = np.abs(corr) if absolute else corr
    n = corr.shape[0]
    if method == "knn":
        top = np.argpartition(-strength, kth=k - 1, axis=1)[:, :k]
        rows = np.repeat(np.arange(n), k)
        cols = top.ravel()
        keep = strength[rows, cols] > 0
        rows, cols = rows[keep], cols[keep]
    else:
        rows, cols = np.nonzero(strength >= threshold)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    pairs = np.unique(lo.astype(np.int64) * n + hi)
    lo, hi = pairs // n, pairs % n
    weight = strength[lo, hi]
    src, dst = np.concatenate([lo, hi]), np.concatenate([hi, lo])
    order = np.lexsort((dst, src))
    return Data(edge_index=torch.from_numpy(np.stack([src[order], dst[order]])),
                edge_weight=torch.from_numpy(np.concatenate([weight, weight])[order].astype(
                    np.float32)),
                num_nodes=n, node_ids=[str(c) for c in matrix.columns])
