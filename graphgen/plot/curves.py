"""ROC and precision-recall curves of several models on the same genes."""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_curve

from graphgen.plot.figures import finish, new_figure

__all__ = ["plot_roc_pr"]


def plot_roc_pr(
    y_true: np.ndarray,
    scores: Mapping[str, np.ndarray],
    path: str | os.PathLike | None = None,
    *,
    title: str = "",
):
    """Draw ROC (left) and precision-recall (right) curves of binary scores.

    Args:
        y_true: 0/1 labels ``[N]``.
        scores: model name -> scores ``[N]`` (higher means class 1).
        path: PNG file to write (atomically); ``None`` returns the figure instead.
        title: figure title.

    Returns:
        ``path`` as a ``Path``, or (no ``path``) the matplotlib ``Figure``, which a notebook
        shows as it is.

    Example:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "c.png"
        >>> plot_roc_pr(np.array([0, 1, 1, 0]), {"m": np.array([.1, .8, .6, .3])}, out).exists()
        True
    """
    y_true = np.asarray(y_true)
    fig = new_figure(figsize=(10, 4.5))
    ax_roc, ax_pr = fig.subplots(1, 2)
    for name, score in scores.items():
        fpr, tpr, _ = roc_curve(y_true, score)
        ax_roc.plot(fpr, tpr, label=f"{name} (AUROC {auc(fpr, tpr):.3f})")
        precision, recall, _ = precision_recall_curve(y_true, score)
        ax_pr.plot(recall, precision,
                   label=f"{name} (AUPRC {average_precision_score(y_true, score):.3f})")
    ax_roc.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax_pr.axhline(y_true.mean(), color="grey", linestyle=":", linewidth=1)
    ax_roc.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    ax_pr.set(xlabel="recall", ylabel="precision", title="precision-recall", ylim=(0, 1.02))
    for ax in (ax_roc, ax_pr):
        ax.legend(loc="lower right" if ax is ax_roc else "upper right", fontsize=8)
    if title:
        fig.suptitle(title)
    return finish(fig, path)
