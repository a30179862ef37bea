"""Metrics of a ranking of candidate pairs.

:func:`candidate_metrics` reads a ranking as an experimentalist uses it: among *all*
candidate pairs (every non-edge of the known map), how many of the top ``k`` are real
(precision@k), the precision while the first 10 % of the held-out pairs are found (Kovács et
al.'s reading of the top of the list), AUPRC and AUROC. :func:`hits_at_k` and
:func:`mean_reciprocal_rank` are the sampled-negative protocols of benchmarks such as OGB,
labelled as such: a handful of sampled negatives flatters every model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graphgen.exceptions import DataFormatError
from graphgen.train.metrics import average_precision, roc_auc

__all__ = ["candidate_metrics", "hits_at_k", "mean_reciprocal_rank"]


def candidate_metrics(scores: np.ndarray, positive: np.ndarray, *,
                      ks: Sequence[int] = (100, 500, 1000),
                      recall: float = 0.1) -> dict[str, float]:
    """Precision@k, precision at ``recall``, AUPRC and AUROC of scores over candidates.

    Ties are broken against the positives (a pair ranks below the negatives it ties with),
    so a constant score earns nothing.

    Args:
        scores: score of every candidate pair ``[C]``.
        positive: 1 for the held-out real pairs among them ``[C]``.
        ks: cut-offs of precision@k.
        recall: the recall up to which ``precision_at_recall`` is measured.

    Returns:
        ``precision_at_<k>`` per ``k``, ``precision_at_recall`` (the precision of the top of
        the list that holds the first ``recall`` share of the positives), ``auprc``,
        ``auroc``.

    Raises:
        DataFormatError: arrays of other lengths, no positive or no negative.

    Example:
        >>> s = np.array([0.9, 0.8, 0.7, 0.1, 0.0])
        >>> candidate_metrics(s, np.array([1, 0, 1, 0, 0]), ks=(2,))["precision_at_2"]
        0.5
    """
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive).astype(bool)
    if scores.shape != positive.shape or scores.ndim != 1:
        raise DataFormatError(f"candidate_metrics: scores {scores.shape} and labels "
                              f"{positive.shape} must be one value per candidate")
    n_pos = int(positive.sum())
    if n_pos == 0 or n_pos == len(positive):
        raise DataFormatError("candidate_metrics: needs held-out pairs and other candidates")
    order = np.lexsort((positive, -scores))  # by score, ties: negatives first
    hits = np.cumsum(positive[order])
    out = {f"precision_at_{k}": float(hits[min(k, len(hits)) - 1] / min(k, len(hits)))
           for k in ks}
    needed = max(1, int(np.ceil(recall * n_pos)))
    cut = int(np.searchsorted(hits, needed)) + 1
    out["precision_at_recall"] = float(needed / cut)
    out["auprc"] = float(average_precision(positive, scores))
    out["auroc"] = float(roc_auc(positive, scores))
    return out


def hits_at_k(positive_scores: np.ndarray, negative_scores: np.ndarray, k: int) -> float:
    """Sampled protocol (OGB's Hits@K): the share of positives scored above the ``k``-th
    best negative.

    Example:
        >>> hits_at_k(np.array([0.9, 0.5]), np.array([0.8, 0.6, 0.1]), 1)
        0.5
    """
    negative = np.sort(np.asarray(negative_scores, dtype=np.float64))[::-1]
    if len(negative) < k:
        return 1.0
    return float(np.mean(np.asarray(positive_scores, dtype=np.float64) > negative[k - 1]))


def mean_reciprocal_rank(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """Sampled protocol: each positive ``[P]`` ranked among its own negatives ``[P, M]``
    (ties count against it); the mean of 1 / rank.

    Example:
        >>> mean_reciprocal_rank(np.array([0.9, 0.2]), np.array([[0.5, 0.1], [0.3, 0.4]]))
        0.6666666666666666
    """
    positive = np.asarray(positive_scores, dtype=np.float64)[:, None]
    negative = np.asarray(negative_scores, dtype=np.float64)
    if negative.ndim != 2 or negative.shape[0] != positive.shape[0]:
        raise DataFormatError("mean_reciprocal_rank: negatives must be [positives, M]")
    rank = 1 + (negative >= positive).sum(axis=1)
    return float(np.mean(1.0 / rank))
