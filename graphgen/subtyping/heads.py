"""The scikit-learn heads of the features and propagation views: class-balanced logistic
regression over equally weighted omics, and a random forest.

The logistic regression is fitted exactly (scikit-learn's L-BFGS) and then handed over as
graphgen's one-layer :class:`~graphgen.models.logreg.LogisticRegression` module, so it
predicts and is explained (gradients, Captum) like the trained views.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression

from graphgen.exceptions import ConfigError
from graphgen.models.logreg import LogisticRegression

__all__ = ["HEADS", "block_weights", "fit_forest", "fit_logistic"]

#: Heads of the features and propagation views.
HEADS = ("logreg", "random_forest", "mlp")


def block_weights(omics: Mapping[str, pd.DataFrame]) -> np.ndarray:
    """One weight per concatenated column: ``1 / sqrt(p_k)`` for the ``p_k`` columns of omics
    ``k``, so every standardised omics carries the same total variance (as multi-block
    methods weigh blocks) and a 400-column methylation table does not drown 100 miRNAs."""
    return np.concatenate([np.full(t.shape[1], 1.0 / np.sqrt(max(t.shape[1], 1)))
                           for t in omics.values()])


def fit_logistic(x: np.ndarray, y: np.ndarray, num_classes: int, *, C: float,  # noqa: N803
                 weights: np.ndarray, class_weight: str | None = "balanced"
                 ) -> LogisticRegression:
    """Class-balanced, L2-penalised logistic regression on ``x * weights``, returned as a
    module that reads the unweighted ``x`` (the weights folded into its coefficients).

    Args:
        x: ``[N, F]`` standardised features; y: class positions ``[N]`` (0..C-1).
        C: inverse L2 strength (scikit-learn's); weights: per-column weights ``[F]``.

    Raises:
        ConfigError: ``C`` not a positive number.
    """
    if isinstance(C, bool) or not isinstance(C, (int, float)) or not C > 0:
        raise ConfigError(f"SubtypeClassifier: C must be a positive number, got {C!r}")
    model = SklearnLogisticRegression(C=float(C), class_weight=class_weight, max_iter=5000)
    model.fit(x * weights, y)
    coef = model.coef_ * weights[None, :]
    intercept = model.intercept_
    if coef.shape[0] == 1:  # binary: softmax over [0, z] is sigmoid(z)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    module = LogisticRegression(x.shape[1], num_classes)
    present = model.classes_.astype(int)
    with torch.no_grad():
        module.linear.weight.zero_()
        module.linear.bias.fill_(-1e4)  # a class absent from training is never predicted
        module.linear.weight[present] = torch.as_tensor(coef, dtype=torch.float32)
        module.linear.bias[present] = torch.as_tensor(intercept, dtype=torch.float32)
    return module.eval()


def fit_forest(x: np.ndarray, y: np.ndarray, *, seed: int) -> RandomForestClassifier:
    """A 500-tree random forest (scikit-learn's defaults otherwise)."""
    return RandomForestClassifier(n_estimators=500, random_state=seed, n_jobs=1).fit(x, y)
