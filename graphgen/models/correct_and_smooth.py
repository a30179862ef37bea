"""Correct and Smooth (Huang et al., ICLR 2021) over any base model's probabilities.

The base model (any registry model: logistic regression, an MLP, a GNN) is trained through
the one fit path; its probabilities are then *corrected* by propagating its errors on the
training genes and *smoothed* by propagating the corrected predictions, with the training
labels clamped. Both steps are PyG's ``torch_geometric.nn.models.CorrectAndSmooth``; only
training labels are used (the fit path passes the task's training mask).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import torch
from torch_geometric.data import Data
from torch_geometric.nn.conv.gcn_conv import gcn_norm
from torch_geometric.nn.models import CorrectAndSmooth as PygCorrectAndSmooth

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.base import training_mask

__all__ = ["CorrectAndSmooth"]


class CorrectAndSmooth:
    """A base model plus Correct and Smooth post-processing (registry name
    ``"correct_and_smooth"``), a :class:`~graphgen.models.base.Predictor`: :meth:`fit` trains
    the base through the training engine it is given, :meth:`scores` corrects and smooths
    the base's probabilities with the training labels.

    Args:
        in_channels, out_channels: as the base model's.
        base: registry name of the base model (not a graph-only baseline; the registry,
            :func:`~graphgen.models.registry.build_model`, checks it).
        base_hparams: the base model's hyper-parameters.
        build_base: builds a fresh base model (the registry gives it; ``None``: a model
            cannot be fitted).
        correction_layers, correction_alpha: error propagation (PyG's defaults of the paper's
            ogbn-products setting: 50 layers, alpha 1.0 corrects fully; we take 0.8).
        smoothing_layers, smoothing_alpha: prediction smoothing.
        autoscale: scale the correction by the training error (the paper's "autoscale").

    Example:
        >>> from graphgen.models.registry import build_model
        >>> cs = build_model("correct_and_smooth", 4, 2, base="logreg")
        >>> cs.build_base().__class__.__name__
        'LogisticRegression'
    """

    graph_only: ClassVar[bool] = False

    def __init__(self, in_channels: int, out_channels: int, *, base: str = "logreg",
                 base_hparams: dict[str, Any] | None = None, correction_layers: int = 50,
                 correction_alpha: float = 0.8, smoothing_layers: int = 50,
                 smoothing_alpha: float = 0.8, autoscale: bool = True,
                 build_base: Callable[[], Any] | None = None) -> None:
        for name, value in (("correction_alpha", correction_alpha),
                            ("smoothing_alpha", smoothing_alpha)):
            if not 0.0 < float(value) <= 1.0:
                raise ConfigError(f"correct_and_smooth: {name} must be in (0, 1], got {value!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.base, self.base_hparams = base, dict(base_hparams or {})
        self._build_base = build_base
        self.post = PygCorrectAndSmooth(correction_layers, correction_alpha, smoothing_layers,
                                        smoothing_alpha, autoscale=autoscale)
        self.fitted_base: Any = None

    def build_base(self):
        """A freshly initialised base model (seed the RNG first)."""
        if self._build_base is None:
            raise ConfigError("correct_and_smooth: no base builder; build it with "
                              "graphgen.models.build_model('correct_and_smooth', ...)")
        return self._build_base()

    def fit(self, data: Data, task: Any, trainer: Any) -> CorrectAndSmooth:
        """Train the base model on ``task`` through the training engine ``trainer``
        (:class:`~graphgen.train.fitting.Engine`); the post-processing has nothing to train.

        Raises:
            ConfigError: a multi-label task (Correct and Smooth is single-label).
        """
        if task.kind == "multilabel":
            raise ConfigError("correct_and_smooth: single-label tasks only (binary or "
                              "multi-class)")
        self._task = task
        self.fitted_base = trainer.train(self.build_base(), data, task, build=self.build_base,
                                         part="base")
        return self

    def scores(self, data: Data) -> np.ndarray:
        """The base's probabilities corrected and smoothed over ``data``'s graph with the
        task's training labels, in the task's shape."""
        task = self._task
        proba = self.fitted_base.scores(data)
        if task.kind == "binary":
            proba = np.stack([1.0 - proba, proba], axis=1)
        out = self.apply(data, proba, task.target_matrix(), training_mask(task))
        return out[:, 1] if task.kind == "binary" else out

    def apply(self, data: Data, proba: np.ndarray, targets: np.ndarray,
              train_mask: np.ndarray) -> np.ndarray:
        """Correct then smooth ``proba`` ``[N, C]`` (rows sum to 1) with the training labels
        ``targets[train_mask]`` (one-hot); returns ``[N, C]`` probabilities.

        Raises:
            DataFormatError: shapes that do not match the graph, no training gene.
        """
        n = data.num_nodes
        proba = np.asarray(proba, dtype=np.float32)
        train = np.asarray(train_mask, dtype=bool)
        if proba.shape[0] != n or train.shape != (n,) or not train.any():
            raise DataFormatError("correct_and_smooth: probabilities and the training mask "
                                  f"must cover the {n} nodes, with some training gene")
        y_soft = torch.from_numpy(proba)
        labels = torch.from_numpy(np.asarray(targets, dtype=np.float32).argmax(axis=1))
        mask = torch.from_numpy(train)
        weight = getattr(data, "edge_weight", None)
        # PyG's propagation takes a normalised adjacency: D^-1/2 A D^-1/2 with the weights
        edge_index, weight = gcn_norm(data.edge_index.cpu(),
                                      None if weight is None else weight.cpu().float(), n,
                                      add_self_loops=False)
        corrected = self.post.correct(y_soft, labels[mask], mask, edge_index, weight)
        smoothed = self.post.smooth(corrected, labels[mask], mask, edge_index, weight)
        smoothed = smoothed.clamp_min(0.0)
        total = smoothed.sum(dim=1, keepdim=True)
        return (smoothed / total.clamp_min(1e-12)).numpy()

    def __repr__(self) -> str:
        return f"CorrectAndSmooth(base={self.base!r}, base_hparams={self.base_hparams})"
