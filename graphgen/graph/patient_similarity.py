"""Patient-similarity graphs (samples as nodes), built without test leakage.

As in MOGONET, each omics gives a cosine-similarity graph over samples whose threshold keeps
about ``k`` neighbours per sample. Here the graph is built so that no held-out sample can
influence training: the threshold comes from training samples only, training samples are
linked among themselves, and every other sample receives edges *from* its most similar
training samples but sends none. A GCN node of a training sample therefore aggregates training
samples only, whatever the held-out samples look like.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from graphgen.exceptions import ConfigError, DataFormatError

__all__ = ["patient_graph"]


def patient_graph(features: np.ndarray, train: np.ndarray, *, k: int = 10
                  ) -> tuple[Tensor, Tensor]:
    """Edges of a cosine kNN graph over samples that only training samples send along.

    Args:
        features: ``[S, F]`` features of every sample (already scaled with training
            statistics).
        train: boolean mask ``[S]`` or integer positions of the training samples.
        k: average number of training neighbours kept per sample.

    Returns:
        ``edge_index [2, E]`` (source -> target; every source is a training sample) and
        ``edge_weight [E]`` (cosine similarity, > 0). Self-loops are not included (GCN adds
        them).

    Raises:
        ConfigError: ``k`` < 1 or not smaller than the number of training samples.
        DataFormatError: NaN features.

    Example:
        >>> x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [1.0, 0.05]])
        >>> ei, w = patient_graph(x, np.array([True, True, True, False]), k=1)
        >>> sorted(map(tuple, ei.T.tolist()))
        [(0, 1), (0, 3), (1, 0), (1, 2), (1, 3), (2, 1)]
    """
    features = np.asarray(features, dtype=np.float64)
    if np.isnan(features).any():
        raise DataFormatError("patient_graph: features hold NaN values")
    mask = np.zeros(len(features), dtype=bool)
    mask[np.asarray(train)] = True
    n_train = int(mask.sum())
    if not isinstance(k, int) or k < 1 or k >= n_train:
        raise ConfigError(f"patient_graph: k must be in [1, training samples - 1], got {k!r}")
    norm = np.linalg.norm(features, axis=1, keepdims=True)
    unit = features / np.where(norm > 0, norm, 1.0)
    train_ids = np.flatnonzero(mask)
    similarity = unit @ unit[train_ids].T  # [S, n_train]: every sample vs training samples
    similarity[train_ids, np.arange(n_train)] = -np.inf  # no self-edges
    # Threshold from training samples only: the value that keeps k neighbours per sample.
    train_sim = similarity[train_ids]
    finite = train_sim[np.isfinite(train_sim)]
    threshold = np.sort(finite)[::-1][min(k * n_train, len(finite)) - 1]
    threshold = max(float(threshold), 1e-12)
    targets, sources = np.nonzero(similarity >= threshold)
    # every held-out sample gets at least its single most similar training sample
    held_out = np.flatnonzero(~mask)
    best = np.argmax(similarity[held_out], axis=1)
    lonely = np.setdiff1d(held_out, targets)
    extra_t = lonely
    extra_s = best[np.searchsorted(held_out, lonely)]
    targets = np.concatenate([targets, extra_t])
    sources = np.concatenate([sources, extra_s])
    weights = similarity[targets, sources]
    keep = weights > 0
    src = train_ids[sources[keep]]
    dst = targets[keep]
    pairs = np.unique(src.astype(np.int64) * len(features) + dst)
    src, dst = pairs // len(features), pairs % len(features)
    weight = np.einsum("ij,ij->i", unit[src], unit[dst])
    return torch.from_numpy(np.stack([src, dst])), torch.from_numpy(weight.astype(np.float32))
