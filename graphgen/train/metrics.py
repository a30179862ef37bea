"""Classification metrics (scikit-learn) for binary and multi-class scores."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    roc_auc_score,
)

from graphgen.exceptions import DataFormatError

__all__ = ["METRICS", "MULTILABEL_METRICS", "classification_metrics", "multilabel_metrics"]

#: Metric names returned by :func:`classification_metrics`; all are "higher is better".
METRICS = ("auroc", "auprc", "macro_f1", "accuracy")
#: Metric names returned by :func:`multilabel_metrics`; all are "higher is better".
MULTILABEL_METRICS = ("micro_auprc", "macro_auprc", "micro_auroc", "macro_auroc", "micro_f1",
                      "macro_f1")


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
            out["auroc"] = float(roc_auc_score(y_true, scores)) if two_classes else float("nan")
        if "auprc" in wanted:
            out["auprc"] = (float(average_precision_score(y_true, scores)) if two_classes
                            else float("nan"))
    else:
        n_classes = num_classes or scores.shape[1]
        labels = list(range(n_classes))
        predicted = scores.argmax(axis=1)
        present = np.unique(y_true)
        onehot = y_true[:, None] == np.arange(n_classes)[None, :]
        if "auroc" in wanted:
            out["auroc"] = float("nan") if len(present) < 2 else float(
                np.mean([roc_auc_score(onehot[:, c], scores[:, c]) for c in present]))
        if "auprc" in wanted:
            out["auprc"] = float("nan") if len(present) < 2 else float(
                np.mean([average_precision_score(onehot[:, c], scores[:, c]) for c in present]))
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
    if "micro_auprc" in wanted:
        out["micro_auprc"] = (float(average_precision_score(pooled, scores.ravel()))
                              if has_both else nan)
    if "macro_auprc" in wanted:
        out["macro_auprc"] = float(np.mean([average_precision_score(y_true[:, j], scores[:, j])
                                            for j in np.flatnonzero(both)])) if both.any() else nan
    if "micro_auroc" in wanted:
        out["micro_auroc"] = float(roc_auc_score(pooled, scores.ravel())) if has_both else nan
    if "macro_auroc" in wanted:
        out["macro_auroc"] = float(np.mean([roc_auc_score(y_true[:, j], scores[:, j])
                                            for j in np.flatnonzero(both)])) if both.any() else nan
    predicted = (scores >= 0.5).astype(np.int64)
    if "micro_f1" in wanted:
        out["micro_f1"] = float(f1_score(y_true, predicted, average="micro", zero_division=0))
    if "macro_f1" in wanted:
        out["macro_f1"] = float(f1_score(y_true, predicted, average="macro", zero_division=0))
    return out
