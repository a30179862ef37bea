"""The one fit path: fit one model on one split and score it.

:func:`fit_model` is what ``GeneClassifier``, ``SubtypeClassifier``, ``GraphClassifier``,
:func:`compare_models`, :func:`cross_validate` (and through them ``graphgen run`` and
``graphgen demo``) call to fit a model. It works through one seam,
:class:`~graphgen.models.base.Predictor` (``fit(data, task, trainer)``, ``scores(data)``):

- a trainable ``nn.Module`` (any model of the one contract, :mod:`graphgen.models.base`)
  becomes a :class:`TrainedModel`, whose ``fit`` runs the one
  :class:`~graphgen.train.trainer.Trainer` (seed ensembles, refit on train + val);
- a graph-only baseline (network or label propagation, degree) and Correct and Smooth are
  predictors themselves; Correct and Smooth trains its base through the :class:`Engine`
  it is given.

Either way the result is a :class:`FittedModel` whose :meth:`~FittedModel.scores` are
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
from graphgen.models.base import Predictor
from graphgen.train.seeding import seed_everything
from graphgen.train.trainer import FitResult, Trainer, TrainerConfig

__all__ = ["Engine", "FittedModel", "TrainedModel", "fit_model", "with_training_part"]


@dataclass
class Engine:
    """The training engine a :class:`~graphgen.models.base.Predictor`'s ``fit`` receives.

    Attributes:
        config: the trainer settings.
        description: label of the progress bar and log lines.
        checkpoint, resume: see :meth:`Trainer.fit` (of the first, epoch-choosing fit).
    """

    config: TrainerConfig
    description: str = "train"
    checkpoint: str | os.PathLike | None = None
    resume: bool = False

    def train(self, model: nn.Module, data, task, *, build: Callable[[], nn.Module] | None,
              part: str | None = None) -> FittedModel:
        """Train ``model`` (a part of a predictor, e.g. Correct and Smooth's base, named by
        ``part`` in the progress label) on ``task`` through the one fit path."""
        return fit_model(model, data, task, trainer=self.config,
                         description=f"{self.description} {part}" if part else
                         self.description, checkpoint=self.checkpoint, resume=self.resume,
                         build=build)


class TrainedModel:
    """A trainable ``nn.Module`` as a :class:`~graphgen.models.base.Predictor`: ``fit`` runs
    the one :class:`Trainer` (with ``config.ensemble = k``, ``k`` members seeded
    ``seed ... seed + k - 1``; with ``config.refit``, each member retrained on the training and
    validation items for the chosen number of epochs), ``scores`` averages the members'
    probabilities.

    Args:
        model: the first member, freshly built (seed the RNG before building it).
        build: builds a fresh model like ``model`` (needed by ``refit`` and ``ensemble``).
        member_task: ``k -> task`` of member ``k >= 1`` when the members should not share
            the first one's split: an estimator that draws the validation part itself gives
            each member its own hold-out, drawn with the member's seed (``GraphClassifier``,
            a bagging-like average). ``None`` (default): every member trains on the task
            given to :meth:`fit`.

    Attributes (after ``fit``):
        members: the trained models; fit_result: the first member's epoch-choosing fit;
        refit_task: with ``refit``, the task whose training part the (first) member was
        retrained on; task: the task (the first member's).
    """

    graph_only = False

    def __init__(self, model: nn.Module, build: Callable[[], nn.Module] | None = None,
                 member_task: Callable[[int], Any] | None = None) -> None:
        self.model, self.build, self.member_task = model, build, member_task
        self.members: list[nn.Module] = [model]
        self.fit_result: FitResult | None = None
        self.refit_task: Any = None
        self.task: Any = None

    @classmethod
    def of(cls, members: list[nn.Module], task: Any) -> TrainedModel:
        """Models trained already (e.g. read from a file) as a predictor for ``task``."""
        trained = cls(members[0])
        trained.members, trained.task = list(members), task
        return trained

    def fit(self, data, task, trainer: Engine) -> TrainedModel:
        """Train on ``task``'s training part of ``data`` (the test part is never used).

        Raises:
            ConfigError: ``refit`` or ``ensemble`` without ``build``.
        """
        config = trainer.config
        if (config.refit or config.ensemble > 1) and self.build is None:
            raise ConfigError("fit_model: refit and ensemble need build=, a function that "
                              "builds a fresh model")
        model, members, first_fit, refit_task = self.model, [], None, None
        for k in range(config.ensemble):
            member_config = replace(config, seed=config.seed + k)
            member_task = task
            if k:
                if self.member_task is not None:
                    member_task = self.member_task(k)
                seed_everything(member_config.seed)
                model = self.build()
            result = Trainer(member_config).fit(
                model, data, member_task, description=trainer.description,
                checkpoint=trainer.checkpoint if k == 0 else None, resume=trainer.resume)
            first_fit = first_fit or result
            if config.refit:
                epochs = max(result.best_epoch, 1)
                member_refit = with_training_part(member_task, member_task.val_index)
                if refit_task is None:
                    refit_task = member_refit
                seed_everything(member_config.seed)
                model = self.build()
                Trainer(replace(member_config, max_epochs=epochs, patience=epochs)).fit(
                    model, data, member_refit, description=f"{trainer.description} refit",
                    restore_best=False)
            members.append(model)
        self.members, self.fit_result, self.refit_task, self.task = (members, first_fit,
                                                                     refit_task, task)
        return self

    def scores(self, data) -> np.ndarray:
        """Probabilities of every item of ``data``, averaged over the members."""
        return np.mean([self.task.scores(Trainer.predict(m, data, self.task))
                        for m in self.members], axis=0)


@dataclass
class FittedModel:
    """A model fitted on one split.

    Attributes:
        model: the trained ``nn.Module`` (best epoch's weights; the refitted model with
            ``refit``; the first member of an ensemble), or the graph-only baseline, or
            Correct and Smooth.
        task: the task it was fitted for (targets, split, loss, metrics).
        fit: what the trainer did on the training part, choosing the epoch (``None`` for a
            baseline that is not trained; the base's for Correct and Smooth).
        seconds: wall time of the fit (of the propagation, for a baseline).
        members: every trained model of a seed ensemble (``[model]`` without one); their
            probabilities are averaged.
        refit_task: with ``refit``, the task whose training part holds the training and
            validation genes the final model was trained on.
        base: for Correct and Smooth, the fitted base model whose probabilities it
            post-processes.
        predictor: the :class:`~graphgen.models.base.Predictor` that scores (made from
            ``model`` and ``members`` when not given: models read from a file).
    """

    model: Any
    task: Any
    fit: FitResult | None
    seconds: float
    members: list[Any] = field(default_factory=list)
    refit_task: Any = None
    base: FittedModel | None = None
    predictor: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.predictor is None:
            self.predictor = _as_predictor(self.model, self.members or [self.model], self.task)

    @property
    def graph_only(self) -> bool:
        """Whether the model is a graph-only baseline (no training; it predicts on the graph
        it propagated over only)."""
        return bool(self.predictor.graph_only)

    def scores(self, data) -> np.ndarray:
        """Probabilities of every item of ``data`` (genes, samples, pairs) in the task's
        shape: ``[N]`` (binary), ``[N, C]`` or ``[N, L]`` (averaged over an ensemble).

        A graph-only baseline propagates the task's training labels over ``data``'s graph.
        """
        return self.predictor.scores(data)


def _as_predictor(model: Any, members: list[Any], task: Any) -> Any:
    """The one adapter: a predictor as it is, a trained module as a :class:`TrainedModel`."""
    return model if isinstance(model, Predictor) else TrainedModel.of(members, task)


def fit_model(
    model: nn.Module | Predictor,
    data,
    task,
    *,
    trainer: TrainerConfig | None = None,
    description: str = "train",
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
    build: Callable[[], nn.Module] | None = None,
    member_task: Callable[[int], Any] | None = None,
) -> FittedModel:
    """Fit ``model`` on ``task``'s training part of ``data`` (the one fit path).

    With ``trainer.refit``, the epoch count chosen on the validation part is then used to
    train a fresh model (from ``build``) on the training and validation genes together. With
    ``trainer.ensemble = k``, ``k`` models (the first is ``model``, the others from
    ``build`` with seeds ``seed + 1 ... seed + k - 1``) are fitted the same way and their
    probabilities averaged. The test part is never used.

    Args:
        model: a freshly built model (seed the RNG before building it), or a
            :class:`~graphgen.models.base.Predictor` (a graph-only baseline, Correct and
            Smooth).
        data: the graph (or samples over a graph) the task indexes.
        task: a node, multi-label, sample-graph, graph-set or pair task.
        trainer: trainer settings (default :class:`TrainerConfig`).
        description: label of the progress bar and log lines.
        checkpoint, resume: see :meth:`Trainer.fit` (of the first, epoch-choosing fit).
        build: builds a fresh model like ``model`` (needed by ``refit`` and ``ensemble``).
        member_task: ``k -> task`` of ensemble member ``k >= 1``, for members with their own
            validation part (:class:`TrainedModel`); ``None``: all share ``task``.

    Returns:
        The :class:`FittedModel`.

    Raises:
        ConfigError: ``refit`` or ``ensemble`` without ``build``.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.models import build_model
        >>> from graphgen.train import make_task
        >>> from graphgen.evaluation import stratified_split
        >>> org = make_organism(n_genes=200, n_samples=5, seed=0)
        >>> data = stack_blocks(org.ppi, {"attributes": org.features})
        >>> task = make_task(data, org.labels, stratified_split(org.labels, seed=0))
        >>> fitted = fit_model(build_model("gcn", data.num_features, task.num_outputs), data,
        ...                    task, trainer=TrainerConfig(max_epochs=3, progress=False))
        >>> fitted.scores(data).shape, fitted.fit.epochs
        ((200,), 3)
    """
    engine = Engine(trainer or TrainerConfig(), description, checkpoint, resume)
    start = time.perf_counter()
    predictor = model if isinstance(model, Predictor) else TrainedModel(model, build, member_task)
    predictor.fit(data, task, engine)
    base = getattr(predictor, "fitted_base", None)
    members = getattr(predictor, "members", [])
    return FittedModel(model=members[0] if members else model, task=task,
                       fit=getattr(predictor, "fit_result", None) or (base and base.fit),
                       seconds=time.perf_counter() - start, members=list(members),
                       refit_task=getattr(predictor, "refit_task", None), base=base,
                       predictor=predictor)


def with_training_part(task, extra: torch.Tensor):
    """``task`` with ``extra`` item positions added to its training part (its validation
    part is kept only to monitor; nothing is chosen on it in a refit)."""
    train = torch.unique(torch.cat([task.train_index, extra]))
    return replace(task, train_index=train)
