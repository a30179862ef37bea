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
from scipy.stats import rankdata

from graphgen.evaluation.metrics import average_precision, roc_auc
from graphgen.exceptions import DataFormatError

__all__ = ["candidate_metrics", "hits_at_k", "mean_reciprocal_rank"]


def candidate_metrics(scores: np.ndarray, positive: np.ndarray, *,
                      ks: Sequence[int] = (100, 500, 1000), recall: float = 0.1,
                      unscored: tuple[int, int] = (0, 0)) -> dict[str, float]:
    """Precision@k, precision at ``recall``, AUPRC and AUROC of scores over candidates.

    Ties are broken against the positives in the precisions (a pair ranks below the
    negatives it ties with), so a constant score earns nothing; AUPRC and AUROC read a tie as
    one threshold, as scikit-learn's ``average_precision_score`` and ``roc_auc_score`` do.

    Args:
        scores: score of every candidate pair ``[C]`` (or of the scored ones, see
            ``unscored``).
        positive: 1 for the held-out real pairs among them ``[C]``.
        ks: cut-offs of precision@k.
        recall: the recall up to which ``precision_at_recall`` is measured.
        unscored: ``(negatives, positives)``: candidates left out of ``scores`` that rank
            below all of them, tied (the pairs a sparse heuristic scores 0, when ``scores``
            holds its nonzero scores). The metrics are those of the whole list, without
            building it.

    Returns:
        ``precision_at_<k>`` per ``k``, ``precision_at_recall`` (the precision of the top of
        the list that holds the first ``recall`` share of the positives), ``auprc``,
        ``auroc``.

    Raises:
        DataFormatError: arrays of other lengths, negative ``unscored`` counts, no positive
            or no negative.

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
    rest_neg, rest_pos = (int(v) for v in unscored)
    if rest_neg < 0 or rest_pos < 0:
        raise DataFormatError(f"candidate_metrics: unscored counts must be >= 0, got "
                              f"{tuple(unscored)}")
    n_pos = int(positive.sum()) + rest_pos
    total = len(positive) + rest_neg + rest_pos
    if n_pos == 0 or n_pos == total:
        raise DataFormatError("candidate_metrics: needs held-out pairs and other candidates")
    order = np.lexsort((positive, -scores))  # by score, ties: negatives first
    ranked = positive[order]
    hits = np.cumsum(ranked)
    found = int(hits[-1]) if len(hits) else 0

    def hits_at(depth: int) -> int:  # after the unscored: their negatives, then positives
        if depth <= len(hits):
            return int(hits[depth - 1])
        return found + min(rest_pos, max(0, depth - len(hits) - rest_neg))

    out = {}
    for k in ks:
        depth = min(k, total)
        out[f"precision_at_{k}"] = float(hits_at(depth) / depth)
    needed = max(1, int(np.ceil(recall * n_pos)))
    cut = (int(np.searchsorted(hits, needed)) + 1 if found >= needed
           else len(hits) + rest_neg + needed - found)
    out["precision_at_recall"] = float(needed / cut)
    if rest_neg + rest_pos == 0:
        out["auprc"] = float(average_precision(positive, scores))
        out["auroc"] = float(roc_auc(positive, scores))
        return out
    sorted_scores = scores[order]
    last = np.flatnonzero(np.diff(sorted_scores, append=-np.inf) != 0)  # ends of thresholds
    tps = hits[last] if len(hits) else np.zeros(0)
    precision = np.r_[tps / (last + 1), n_pos / total]
    recalls = np.r_[tps / n_pos, 1.0]
    out["auprc"] = float(np.sum(np.diff(recalls, prepend=0.0) * precision))
    ranks = rankdata(scores) + rest_neg + rest_pos  # the unscored are the lowest ranks
    rank_sum = ranks[positive].sum() + rest_pos * (rest_neg + rest_pos + 1) / 2
    n_neg = total - n_pos
    out["auroc"] = float((rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
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
