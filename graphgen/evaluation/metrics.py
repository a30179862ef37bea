"""Classification metrics for binary, multi-class and multi-label scores.

AUROC and average precision (AUPRC) are computed column-wise with numpy (ties handled as
scikit-learn does: AUROC by average ranks, average precision over distinct thresholds); they
equal ``sklearn.metrics.roc_auc_score`` / ``average_precision_score`` (the tests check it) and
run in a fraction of the time, which matters because the trainer scores the validation genes
after every epoch. F1 and accuracy are scikit-learn's.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import accuracy_score, f1_score

from graphgen.exceptions import DataFormatError

__all__ = ["METRICS", "MULTILABEL_METRICS", "average_precision", "classification_metrics",
           "degree_percentile", "degree_stratified_auprc", "multilabel_metrics", "roc_auc"]

#: Metric names returned by :func:`classification_metrics`; all are "higher is better".
METRICS = ("auroc", "auprc", "macro_f1", "accuracy")
#: Metric names returned by :func:`multilabel_metrics`; all are "higher is better".
MULTILABEL_METRICS = ("micro_auprc", "macro_auprc", "micro_auroc", "macro_auroc", "micro_f1",
                      "macro_f1")


def roc_auc(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """AUROC of every column (the Mann-Whitney statistic with average ranks for ties).

    Args:
        y_true: 0/1 ``[N]`` or ``[N, L]``.
        scores: same shape.

    Returns:
        AUROC per column (a 0-d array for 1-d input); NaN where a column has one class.

    Example:
        >>> float(roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])))
        0.75
    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    flat = y.ndim == 1
    y, s = (y[:, None], s[:, None]) if flat else (y, s)
    ranks = rankdata(s, axis=0)
    n_pos = y.sum(axis=0).astype(np.float64)
    n_neg = y.shape[0] - n_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((ranks * y).sum(axis=0) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    auc = np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)
    return auc[0] if flat else auc


def average_precision(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Average precision of every column: sum over distinct thresholds of
    ``(R_n - R_{n-1}) * P_n``, as scikit-learn's ``average_precision_score``.

    Example:
        >>> y, s = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
        >>> round(float(average_precision(y, s)), 4)
        0.8333
    """
    y = np.asarray(y_true, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    flat = y.ndim == 1
    y, s = (y[:, None], s[:, None]) if flat else (y, s)
    out = np.full(y.shape[1], np.nan)
    for j in range(y.shape[1]):
        order = np.argsort(-s[:, j], kind="mergesort")
        yj, sj = y[order, j], s[order, j]
        total = yj.sum()
        if total == 0:
            continue
        last = np.flatnonzero(np.diff(sj, append=-np.inf) != 0)  # last index of each threshold
        tps = np.cumsum(yj)[last]
        precision = tps / (last + 1)
        recall = tps / total
        out[j] = np.sum(np.diff(recall, prepend=0.0) * precision)
    return out[0] if flat else out


def classification_metrics(
    y_true: np.ndarray, scores: np.ndarray, *, num_classes: int | None = None,
    which: tuple[str, ...] | None = None,
) -> dict[str, float]:
    """AUROC, AUPRC, macro-F1 and accuracy of predicted scores.

    Binary tasks take ``scores [N]`` (probability of class 1) and threshold them at 0.5;
    multi-class tasks take ``scores [N, C]`` (class probabilities), predict the arg-max, and
    average AUROC (one-vs-rest) and AUPRC (average precision) over the classes present in
    ``y_true``. A ranking metric that is undefined because ``y_true`` holds one class only is
    returned as NaN.

    Args:
        y_true: integer labels ``[N]``.
        scores: ``[N]`` for binary or ``[N, C]`` for multi-class.
        num_classes: number of classes ``C`` (default: inferred from ``scores``).
        which: compute only these metrics (default all; the trainer asks for the monitored
            one each epoch).

    Returns:
        ``{"auroc", "auprc", "macro_f1", "accuracy"}`` (or the ``which`` subset) as floats.

    Raises:
        DataFormatError: shapes of ``y_true`` and ``scores`` do not agree.

    Example:
        >>> classification_metrics(np.array([0, 1, 1]), np.array([0.2, 0.9, 0.4]))["auroc"]
        1.0
    """
    y_true = np.asarray(y_true).astype(np.int64).ravel()
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape[0] != y_true.shape[0]:
        raise DataFormatError(
            f"classification_metrics: {y_true.shape[0]} labels but {scores.shape[0]} score rows"
        )
    if scores.ndim == 2 and scores.shape[1] == 2 and (num_classes in (None, 2)):
        scores = scores[:, 1]
    wanted = set(METRICS if which is None else which)
    out: dict[str, float] = {}
    if scores.ndim == 1:
        predicted = (scores >= 0.5).astype(np.int64)
        labels = [0, 1]
        two_classes = len(np.unique(y_true)) == 2
        if "auroc" in wanted:
            out["auroc"] = float(roc_auc(y_true, scores)) if two_classes else float("nan")
        if "auprc" in wanted:
            out["auprc"] = (float(average_precision(y_true, scores)) if two_classes
                            else float("nan"))
    else:
        n_classes = num_classes or scores.shape[1]
        labels = list(range(n_classes))
        predicted = scores.argmax(axis=1)
        present = np.unique(y_true)
        onehot = y_true[:, None] == np.arange(n_classes)[None, :]
        if "auroc" in wanted:
            out["auroc"] = float("nan") if len(present) < 2 else float(
                np.mean(roc_auc(onehot[:, present], scores[:, present])))
        if "auprc" in wanted:
            out["auprc"] = float("nan") if len(present) < 2 else float(
                np.mean(average_precision(onehot[:, present], scores[:, present])))
    if "macro_f1" in wanted:
        out["macro_f1"] = float(f1_score(y_true, predicted, labels=labels, average="macro",
                                         zero_division=0))
    if "accuracy" in wanted:
        out["accuracy"] = float(accuracy_score(y_true, predicted))
    return {k: out[k] for k in METRICS if k in out}

def multilabel_metrics(y_true: np.ndarray, scores: np.ndarray, *,
                       which: tuple[str, ...] | None = None) -> dict[str, float]:
    """Micro- and macro-averaged AUPRC, AUROC and F1 of multi-label scores.

    Micro averages pool every (gene, label) decision; macro averages are the mean over the
    labels that have both positive and negative genes in ``y_true`` (a label with one class
    only has no ranking metric and is skipped; NaN if none is left). F1 thresholds the
    scores at 0.5.

    Args:
        y_true: 0/1 matrix ``[N, L]``.
        scores: probabilities ``[N, L]``.
        which: compute only these metrics (default all).

    Returns:
        ``{"micro_auprc", "macro_auprc", "micro_auroc", "macro_auroc", "micro_f1",
        "macro_f1"}``.

    Raises:
        DataFormatError: shapes differ or are not 2-d.

    Example:
        >>> y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
        >>> s = np.array([[0.9, 0.2], [0.3, 0.8], [0.7, 0.6], [0.1, 0.4]])
        >>> multilabel_metrics(y, s)["macro_auroc"]
        1.0
    """
    y_true = np.asarray(y_true).astype(np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    if y_true.ndim != 2 or y_true.shape != scores.shape:
        raise DataFormatError(f"multilabel_metrics: labels {y_true.shape} and scores "
                              f"{scores.shape} must be the same [N, L] shape")
    both = (y_true.min(axis=0) == 0) & (y_true.max(axis=0) == 1)
    nan = float("nan")
    pooled = y_true.ravel()
    has_both = pooled.min(initial=1) == 0 and pooled.max(initial=0) == 1
    wanted = set(MULTILABEL_METRICS if which is None else which)
    out: dict[str, float] = {}
    columns = np.flatnonzero(both)
    if "micro_auprc" in wanted:
        out["micro_auprc"] = float(average_precision(pooled, scores.ravel())) if has_both else nan
    if "macro_auprc" in wanted:
        out["macro_auprc"] = (float(np.mean(average_precision(y_true[:, columns],
                                                              scores[:, columns])))
                              if both.any() else nan)
    if "micro_auroc" in wanted:
        out["micro_auroc"] = float(roc_auc(pooled, scores.ravel())) if has_both else nan
    if "macro_auroc" in wanted:
        out["macro_auroc"] = (float(np.mean(roc_auc(y_true[:, columns], scores[:, columns])))
                              if both.any() else nan)
    predicted = scores >= 0.5
    truth = y_true.astype(bool)
    tp = (predicted & truth).sum(axis=0).astype(np.float64)
    fp = (predicted & ~truth).sum(axis=0).astype(np.float64)
    fn = (~predicted & truth).sum(axis=0).astype(np.float64)
    if "micro_f1" in wanted:  # scikit-learn's definitions, zero_division=0
        denominator = 2 * tp.sum() + fp.sum() + fn.sum()
        out["micro_f1"] = float(2 * tp.sum() / denominator) if denominator else 0.0
    if "macro_f1" in wanted:
        denominator = 2 * tp + fp + fn
        per_label = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
        out["macro_f1"] = float(per_label.mean()) if len(per_label) else 0.0
    return out


def degree_percentile(scores: np.ndarray, degree: np.ndarray, *, bins: int = 10) -> np.ndarray:
    """Each score's percentile among the genes of similar degree.

    The genes are cut into ``bins`` equal-count bins by degree (as
    :func:`degree_stratified_auprc` does); within its bin a gene gets the share of genes whose
    score is at most its own (average ranks for ties). A hub then ranks high only if it
    scores high among hubs, a peripheral gene if it scores high among peripheral genes.

    Returns:
        Percentiles in (0, 1], in the order of ``scores``.

    Example:
        >>> degree_percentile(np.array([0.9, 0.1, 0.3, 0.2]), np.array([50, 40, 2, 1]),
        ...                   bins=2).tolist()
        [1.0, 0.5, 1.0, 0.5]
    """
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(np.asarray(degree, dtype=np.float64), kind="stable")
    out = np.empty(len(scores))
    for part in np.array_split(order, max(1, min(bins, len(order)))):
        if len(part):
            out[part] = rankdata(scores[part]) / len(part)
    return out


def degree_stratified_auprc(y_true: np.ndarray, scores: np.ndarray, degree: np.ndarray, *,
                            bins: int = 3) -> dict[str, float]:
    """AUPRC within degree bins of the scored genes, and their mean.

    EMOGI's worry is that hubs look like disease genes: a model that ranks by degree reaches
    a good AUPRC over all genes but not among genes of similar degree. The genes are cut into
    ``bins`` equal-count bins by degree; AUPRC is computed in each (NaN for a bin with a
    single class) and averaged.

    Returns:
        ``{"auprc_degree_bin_k": ..., "degree_stratified_auprc": mean}``.

    Example:
        >>> y = np.array([1, 0, 1, 0, 1, 0])
        >>> degree = np.array([1, 1, 5, 5, 9, 9])
        >>> s = degree.astype(float)  # ranks by degree alone
        >>> degree_stratified_auprc(y, s, degree)["degree_stratified_auprc"]
        0.5
    """
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(np.asarray(degree, dtype=np.float64), kind="stable")
    out = {}
    for k, part in enumerate(np.array_split(order, bins)):
        y = y_true[part]
        value = (float(average_precision(y, scores[part])) if 0 < y.sum() < len(y)
                 else float("nan"))
        out[f"auprc_degree_bin_{k + 1}"] = value
    values = [v for v in out.values() if not np.isnan(v)]
    out["degree_stratified_auprc"] = float(np.mean(values)) if values else float("nan")
    return out
