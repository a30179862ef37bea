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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
from torch import nn

from graphgen.exceptions import ConfigError
from graphgen.models.base import GraphBaseline
from graphgen.models.correct_and_smooth import CorrectAndSmooth
from graphgen.train.seeding import seed_everything
from graphgen.train.trainer import FitResult, Trainer, TrainerConfig

__all__ = ["FittedModel", "fit_model", "with_training_part"]


@dataclass
class FittedModel:
    """A model fitted on one split.

    Attributes:
        model: the trained ``nn.Module`` (best epoch's weights; the refitted model with
            ``refit``; the first member of an ensemble), or the graph-only baseline.
        task: the task it was fitted for (targets, split, loss, metrics).
        fit: what the trainer did on the training part, choosing the epoch (``None`` for a
            baseline that is not trained).
        seconds: wall time of the fit (of the propagation, for a baseline).
        members: every trained model of a seed ensemble (``[model]`` without one); their
            probabilities are averaged.
        refit_task: with ``refit``, the task whose training part holds the training and
            validation genes the final model was trained on.
        base: for Correct and Smooth, the fitted base model whose probabilities it
            post-processes.
    """

    model: Any
    task: Any
    fit: FitResult | None
    seconds: float
    members: list[Any] = field(default_factory=list)
    refit_task: Any = None
    base: FittedModel | None = None
    _propagated: tuple[Any, np.ndarray] | None = field(default=None, repr=False)

    @property
    def graph_only(self) -> bool:
        """Whether the model is a graph-only baseline (no training; it predicts on the graph
        it propagated over only)."""
        return isinstance(self.model, GraphBaseline)

    def _train_mask(self) -> np.ndarray:
        """The training genes as a boolean mask: all a graph baseline or C&S may read."""
        mask = np.zeros(len(self.task.y), dtype=bool)
        mask[self.task.train_index.cpu().numpy()] = True
        return mask

    def scores(self, data) -> np.ndarray:
        """Probabilities of every item of ``data`` (genes, samples, pairs) in the task's
        shape: ``[N]`` (binary), ``[N, C]`` or ``[N, L]`` (averaged over an ensemble).

        A graph-only baseline propagates the task's training labels over ``data``'s graph.
        """
        if isinstance(self.model, GraphBaseline):
            if self._propagated is not None and self._propagated[0] is data:
                return self._propagated[1]
            proba = self.model.predict(data, self.task.target_matrix(), self._train_mask(),
                                       multilabel=self.task.kind == "multilabel")
            proba = proba[:, 1] if self.task.kind == "binary" else proba
            self._propagated = (data, proba)
            return proba
        if isinstance(self.model, CorrectAndSmooth):
            proba = self.base.scores(data)
            if self.task.kind == "binary":
                proba = np.stack([1.0 - proba, proba], axis=1)
            out = self.model.apply(data, proba, self.task.target_matrix(), self._train_mask())
            return out[:, 1] if self.task.kind == "binary" else out
        members = self.members or [self.model]
        return np.mean([self.task.scores(Trainer.predict(m, data, self.task))
                        for m in members], axis=0)


def fit_model(
    model: nn.Module | GraphBaseline,
    data,
    task,
    *,
    trainer: TrainerConfig | None = None,
    description: str = "train",
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
    build: Callable[[], nn.Module] | None = None,
) -> FittedModel:
    """Fit ``model`` on ``task``'s training part of ``data`` (the one fit path).

    With ``trainer.refit``, the epoch count chosen on the validation part is then used to
    train a fresh model (from ``build``) on the training and validation genes together. With
    ``trainer.ensemble = k``, ``k`` models (the first is ``model``, the others from
    ``build`` with seeds ``seed + 1 ... seed + k - 1``) are fitted the same way and their
    probabilities averaged. The test part is never used.

    Args:
        model: a freshly built model (seed the RNG before building it), or a graph-only
            baseline (:class:`~graphgen.models.base.GraphBaseline`).
        data: the graph (or samples over a graph) the task indexes.
        task: a node, multi-label, sample-graph or pair task.
        trainer: trainer settings (default :class:`TrainerConfig`).
        description: label of the progress bar and log lines.
        checkpoint, resume: see :meth:`Trainer.fit` (of the first, epoch-choosing fit).
        build: builds a fresh model like ``model`` (needed by ``refit`` and ``ensemble``).

    Returns:
        The :class:`FittedModel`.

    Raises:
        ConfigError: ``refit`` or ``ensemble`` without ``build``.

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
    config = trainer or TrainerConfig()
    start = time.perf_counter()
    if isinstance(model, GraphBaseline):
        fitted = FittedModel(model=model, task=task, fit=None, seconds=0.0)
        fitted.scores(data)  # the propagation is the fit (cached for scores(data))
        fitted.seconds = time.perf_counter() - start
        return fitted
    if isinstance(model, CorrectAndSmooth):
        if task.kind == "multilabel":
            raise ConfigError("correct_and_smooth: single-label tasks only (binary or "
                              "multi-class)")
        base = fit_model(model.build_base(), data, task, trainer=config,
                         description=f"{description} base", checkpoint=checkpoint,
                         resume=resume, build=model.build_base)
        return FittedModel(model=model, task=task, fit=base.fit,
                           seconds=time.perf_counter() - start, base=base)
    if (config.refit or config.ensemble > 1) and build is None:
        raise ConfigError("fit_model: refit and ensemble need build=, a function that builds "
                          "a fresh model")
    members, first_fit, refit_task = [], None, None
    for k in range(config.ensemble):
        member_config = replace(config, seed=config.seed + k)
        if k:
            seed_everything(member_config.seed)
            model = build()
        result = Trainer(member_config).fit(model, data, task, description=description,
                                            checkpoint=checkpoint if k == 0 else None,
                                            resume=resume)
        first_fit = first_fit or result
        if config.refit:
            epochs = max(result.best_epoch, 1)
            refit_task = with_training_part(task, task.val_index)
            seed_everything(member_config.seed)
            model = build()
            Trainer(replace(member_config, max_epochs=epochs, patience=epochs)).fit(
                model, data, refit_task, description=f"{description} refit",
                restore_best=False)
        members.append(model)
    return FittedModel(model=members[0], task=task, fit=first_fit,
                       seconds=time.perf_counter() - start, members=members,
                       refit_task=refit_task)


def with_training_part(task, extra: torch.Tensor):
    """``task`` with ``extra`` item positions added to its training part (its validation
    part is kept only to monitor; nothing is chosen on it in a refit)."""
    train = torch.unique(torch.cat([task.train_index, extra]))
    return replace(task, train_index=train)
