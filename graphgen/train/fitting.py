"""The one fit path: fit one model on one split and score it.

:func:`fit_model` is what ``GeneClassifier``, ``SubtypeClassifier``, :func:`compare_models`,
:func:`cross_validate` (and through them ``graphgen run`` and ``graphgen demo``) call to train
a model: a trainable model (any ``nn.Module`` of the one contract,
:mod:`graphgen.models.base`) goes through the one :class:`~graphgen.train.trainer.Trainer`; a
graph-only baseline (label propagation) needs no training and is given the task's training
labels and mask. Either way the result is a :class:`FittedModel` whose :meth:`scores` are
probabilities in the task's shape.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from torch import nn

from graphgen.models.base import GraphBaseline
from graphgen.train.trainer import FitResult, Trainer, TrainerConfig

__all__ = ["FittedModel", "fit_model"]


@dataclass
class FittedModel:
    """A model fitted on one split.

    Attributes:
        model: the trained ``nn.Module`` (best epoch's weights), or the graph-only baseline.
        task: the task it was fitted for (targets, split, loss, metrics).
        fit: what the trainer did (``None`` for a baseline that is not trained).
        seconds: wall time of the fit (of the propagation, for a baseline).
    """

    model: Any
    task: Any
    fit: FitResult | None
    seconds: float
    _propagated: tuple[Any, np.ndarray] | None = field(default=None, repr=False)

    @property
    def graph_only(self) -> bool:
        """Whether the model is a graph-only baseline (no training; it predicts on the graph
        it propagated over only)."""
        return isinstance(self.model, GraphBaseline)

    def scores(self, data) -> np.ndarray:
        """Probabilities of every item of ``data`` (genes, samples, pairs) in the task's
        shape: ``[N]`` (binary), ``[N, C]`` or ``[N, L]``.

        A graph-only baseline propagates the task's training labels over ``data``'s graph.
        """
        if isinstance(self.model, GraphBaseline):
            if self._propagated is not None and self._propagated[0] is data:
                return self._propagated[1]
            mask = np.zeros(len(self.task.y), dtype=bool)
            mask[self.task.train_index.cpu().numpy()] = True
            proba = self.model.predict(data, self.task.target_matrix(), mask,
                                       multilabel=self.task.kind == "multilabel")
            proba = proba[:, 1] if self.task.kind == "binary" else proba
            self._propagated = (data, proba)
            return proba
        return self.task.scores(Trainer.predict(self.model, data, self.task))


def fit_model(
    model: nn.Module | GraphBaseline,
    data,
    task,
    *,
    trainer: TrainerConfig | None = None,
    description: str = "train",
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
) -> FittedModel:
    """Fit ``model`` on ``task``'s training part of ``data`` (the one fit path).

    Args:
        model: a freshly built model (seed the RNG before building it), or a graph-only
            baseline (:class:`~graphgen.models.base.GraphBaseline`).
        data: the graph (or samples over a graph) the task indexes.
        task: a node, multi-label, sample-graph or pair task.
        trainer: trainer settings (default :class:`TrainerConfig`).
        description: label of the progress bar and log lines.
        checkpoint, resume: see :meth:`Trainer.fit`.

    Returns:
        The :class:`FittedModel`.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.models import build_model
        >>> from graphgen.train import make_task, stratified_split
        >>> org = make_organism(n_genes=200, n_samples=5, seed=0)
        >>> data = stack_blocks(org.ppi, {"attributes": org.features})
        >>> task = make_task(data, org.labels, stratified_split(org.labels, seed=0))
        >>> fitted = fit_model(build_model("gcn", data.num_features, task.num_outputs), data,
        ...                    task, trainer=TrainerConfig(max_epochs=3, progress=False))
        >>> fitted.scores(data).shape, fitted.fit.epochs
        ((200,), 3)
    """
    start = time.perf_counter()
    if isinstance(model, GraphBaseline):
        fitted = FittedModel(model=model, task=task, fit=None, seconds=0.0)
        fitted.scores(data)  # the propagation is the fit (cached for scores(data))
        fitted.seconds = time.perf_counter() - start
        return fitted
    result = Trainer(trainer).fit(model, data, task, description=description,
                                  checkpoint=checkpoint, resume=resume)
    return FittedModel(model=model, task=task, fit=result, seconds=result.seconds)
