"""The one calling contract of graphgen's trainable models.

Every trainable model is a :class:`GraphModel`, an ``nn.Module`` called through
``__call__`` (so hooks, ``torch.compile`` and PyG's explainers see every call) with PyG's
signature::

    logits = model(x, edge_index, edge_weight=None, **inputs)

``x`` holds the items' features (genes ``[N, F]``, or samples over one gene graph
``[B, G, F]``), ``edge_index``/``edge_weight`` the graph the model propagates over (``None``
for models without one), and ``inputs`` the extra tensors a model names in its class
attribute :attr:`GraphModel.inputs` (sequences of the genes, pairs to score, per-omics patient
graphs). :func:`run_model` is the one place that draws those arguments from a ``Data``; the
tasks and the trainer call models only through it. Any other ``nn.Module`` with PyG's
``(x, edge_index, edge_weight)`` signature (e.g. ``torch_geometric.nn.models.GCN``) can be
trained too: it reads no extra input.

:class:`Predictor` is the seam the one fit path (:func:`~graphgen.train.fitting.fit_model`)
works through: ``fit(data, task, trainer)`` then ``scores(data)``. A trained model is
wrapped by the training engine (:class:`~graphgen.train.fitting.TrainedModel`); the
graph-only baselines (:class:`GraphBaseline`) and Correct and Smooth implement it
themselves, so the fit path never asks which kind of model it holds.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
from torch import Tensor, nn

__all__ = ["GraphBaseline", "GraphModel", "Predictor", "run_model", "training_mask"]


@runtime_checkable
class Predictor(Protocol):
    """What the fit path fits and scores: trained models (through the training engine),
    network propagation and Correct and Smooth.

    ``fit(data, task, trainer)`` fits on ``task``'s training part of ``data``; ``trainer`` is
    the training engine (:class:`~graphgen.train.fitting.Engine`: its ``config`` and
    ``train(model, data, task, build=...)``, which a predictor over a trained base uses).
    ``scores(data)`` gives probabilities of every item of ``data`` in the task's shape
    (``[N]`` binary, ``[N, C]`` or ``[N, L]``). ``graph_only`` says whether it reads the graph
    and the training labels only (it then scores the graph it was fitted on).
    """

    graph_only: bool

    def fit(self, data: Any, task: Any, trainer: Any) -> Predictor: ...

    def scores(self, data: Any) -> np.ndarray: ...


def training_mask(task: Any) -> np.ndarray:
    """``task``'s training items as a boolean mask: all a graph-only baseline or a
    post-processing step may read."""
    mask = np.zeros(len(task.y), dtype=bool)
    mask[task.train_index.cpu().numpy()] = True
    return mask


class GraphModel(nn.Module):
    """Base class of graphgen's trainable models (see the module docstring for the contract).

    Attributes:
        inputs: names of the extra keyword inputs ``forward`` takes; :func:`run_model` reads
            each from the ``Data`` attribute of the same name unless the caller gives it
            (e.g. the pairs of a pair task).
    """

    inputs: ClassVar[tuple[str, ...]] = ()

    def forward(self, x: Tensor, edge_index: Tensor | None,
                edge_weight: Tensor | None = None, **inputs: Any) -> Tensor:  # pragma: no cover
        raise NotImplementedError


def run_model(model: nn.Module, data: Any, *, x: Tensor | None = None, **given: Any) -> Tensor:
    """Call ``model`` on ``data`` through ``nn.Module.__call__`` with the contract's arguments.

    Args:
        model: a :class:`GraphModel` or a module with PyG's ``(x, edge_index, edge_weight)``
            signature.
        data: a ``Data`` (or any object with ``x``, ``edge_index`` and the model's
            ``inputs`` as attributes).
        x: features to use instead of ``data.x`` (e.g. a batch of samples).
        **given: extra inputs that take precedence over ``data``'s attributes.

    Returns:
        The model's logits.

    Example:
        >>> import torch
        >>> from torch_geometric.data import Data
        >>> from graphgen.models import GCN
        >>> g = Data(x=torch.randn(3, 4), edge_index=torch.tensor([[0, 1], [1, 0]]))
        >>> run_model(GCN(4, 2), g).shape
        torch.Size([3, 2])
    """
    inner = getattr(model, "module", model)  # a DistributedDataParallel wrapper's model
    names = inner.inputs if isinstance(inner, GraphModel) else ()
    extra = {name: given[name] if name in given else getattr(data, name, None)
             for name in names}
    return model(data.x if x is None else x, getattr(data, "edge_index", None),
                 getattr(data, "edge_weight", None), **extra)


class GraphBaseline:
    """Base class of the graph-only baselines (label propagation, network propagation, node
    degree): not trained, no node features; they take labels and a training mask.

    Subclasses implement :meth:`predict`. As a :class:`Predictor`, :meth:`fit` keeps the
    task (its training labels) and propagates over the graph, and :meth:`scores` gives the
    propagated scores in the task's shape (the propagation over a graph is computed once).
    """

    graph_only: ClassVar[bool] = True

    def fit(self, data: Any, task: Any, trainer: Any = None) -> GraphBaseline:
        """Keep ``task``'s training labels and propagate them over ``data`` (no training;
        ``trainer`` is not used)."""
        self._task, self._propagated = task, None
        if data is not None:
            self.scores(data)
        return self

    def scores(self, data: Any) -> np.ndarray:
        """The task's training labels propagated over ``data``'s graph: ``[N]`` for a binary
        task, ``[N, C]`` or ``[N, L]`` otherwise."""
        cached = getattr(self, "_propagated", None)
        if cached is not None and cached[0] is data:
            return cached[1]
        task = self._task
        proba = self.predict(data, task.target_matrix(), training_mask(task),
                             multilabel=task.kind == "multilabel")
        proba = proba[:, 1] if task.kind == "binary" else proba
        self._propagated = (data, proba)
        return proba

    def predict(self, data: Any, targets: Any, train_mask: Any, *,
                multilabel: bool = False) -> Any:  # pragma: no cover - abstract
        """``[N, C]`` scores from the training rows of ``targets`` (one-hot classes, or
        0/1 labels when ``multilabel``) selected by the boolean ``train_mask``."""
        raise NotImplementedError
