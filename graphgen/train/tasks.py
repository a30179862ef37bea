"""Tasks: what the trainer optimises and measures. The loop itself lives in ``trainer.py``.

A task holds the targets aligned to the node order, the node positions of the split parts,
the loss (class-weighted), the scores (probabilities) and the metrics. Every model, trained
or not (label propagation), is evaluated through the same task object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd
import torch
from torch import Tensor
from torch_geometric.data import Data

from graphgen.evaluation.metrics import (
    METRICS,
    MULTILABEL_METRICS,
    classification_metrics,
    multilabel_metrics,
)
from graphgen.evaluation.splits import Split
from graphgen.exceptions import DataFormatError
from graphgen.graph.nodes import node_index, node_positions
from graphgen.models.base import run_model

__all__ = ["GraphSet", "GraphSetTask", "MultiLabelTask", "NodeClassificationTask",
           "PairMultiLabelTask", "SampleGraphTask", "Task", "make_task", "node_logits"]


@runtime_checkable
class Task(Protocol):
    """What the trainer, the fit path and the comparisons need of a task.

    A task holds the targets ``y`` aligned to the items (genes, samples or pairs), the
    positions of the split parts, and says how a model is run (``forward``), what is
    optimised (``loss``), how logits become probabilities (``scores``) and what is measured
    (``metrics``/``evaluate``). :class:`NodeClassificationTask`, :class:`MultiLabelTask`,
    :class:`SampleGraphTask` and :class:`PairMultiLabelTask` implement it.
    """

    y: Tensor
    classes: np.ndarray
    train_index: Tensor
    val_index: Tensor
    test_index: Tensor
    metric_names: tuple[str, ...]

    @property
    def kind(self) -> str: ...  # "binary", "multiclass" or "multilabel"

    @property
    def num_outputs(self) -> int: ...

    @property
    def default_monitor(self) -> str: ...

    def forward(self, model, data, index: Tensor | None = None) -> Tensor: ...

    def loss(self, logits: Tensor, index: Tensor) -> Tensor: ...

    def scores(self, logits: Tensor) -> np.ndarray: ...

    def metrics(self, scores: np.ndarray, index: Tensor, *,
                which: tuple[str, ...] | None = None) -> dict[str, float]: ...

    def evaluate(self, logits: Tensor, index: Tensor, *,
                 which: tuple[str, ...] | None = None) -> dict[str, float]: ...

    def target_matrix(self) -> np.ndarray: ...


def node_logits(model, data: Data, index: Tensor | None = None) -> Tensor:
    """Logits of a node model on every node (or the rows at ``index``), through the one
    model contract (:func:`~graphgen.models.base.run_model`)."""
    logits = run_model(model, data)
    return logits if index is None else logits.index_select(0, index)


def _split_positions(data: Data, split: Split, labelled: np.ndarray) -> dict[str, Tensor]:
    parts = {}
    for name, ids in (("train", split.train), ("val", split.val), ("test", split.test)):
        positions = node_positions(data, ids, what=f"{name} genes")
        if name in ("train", "val") and len(positions) == 0:
            raise DataFormatError(f"the {name} part of the split is empty; a model needs "
                                  "genes to train on and to choose its epoch with")
        if not labelled[positions].all():
            raise DataFormatError(f"the {name} part of the split holds unlabelled genes")
        parts[name] = torch.from_numpy(positions)
    return parts


@dataclass(frozen=True, eq=False)
class NodeClassificationTask:
    """Single-label node classification (binary or multi-class) with a fixed split.

    The loss is class-weighted cross-entropy (weights ``n / (C * n_c)`` from the training
    genes, so rare classes count as much as common ones); scores are softmax probabilities
    (for two classes, the probability of class 1).

    Attributes:
        y: label per node ``[N]`` (``-1`` for unlabelled nodes).
        classes: original label values; ``y`` holds their positions.
        train_index, val_index, test_index: node positions of each part.
        class_weight: loss weight per class ``[C]``.
    """

    y: Tensor
    classes: np.ndarray
    train_index: Tensor
    val_index: Tensor
    test_index: Tensor
    class_weight: Tensor

    metric_names = METRICS

    @classmethod
    def from_labels(cls, data: Data, labels: pd.Series, split: Split) -> NodeClassificationTask:
        """Align ``labels`` (indexed by gene id) and ``split`` to the node order of ``data``.

        Raises:
            IdMappingError: a labelled or split gene is not a node of ``data``.
            DataFormatError: fewer than two classes among the training genes, an empty
                training or validation part.
        """
        index = node_index(data)
        labelled = labels.dropna()
        node_positions(data, labelled.index, what="labelled genes")
        classes = np.sort(labelled.unique())
        y = np.full(len(index), -1, dtype=np.int64)
        y[index.get_indexer(labelled.index)] = np.searchsorted(classes, labelled.to_numpy())
        parts = _split_positions(data, split, y >= 0)
        counts = np.bincount(y[parts["train"].numpy()], minlength=len(classes))
        if (counts > 0).sum() < 2:
            raise DataFormatError(
                f"the training genes hold a single class ({classes[counts > 0].tolist()}); "
                "a classifier needs at least two"
            )
        weight = counts.sum() / (len(classes) * np.maximum(counts, 1))
        return cls(
            y=torch.from_numpy(y),
            classes=classes,
            train_index=parts["train"],
            val_index=parts["val"],
            test_index=parts["test"],
            class_weight=torch.tensor(weight, dtype=torch.float32),
        )

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def num_outputs(self) -> int:
        """Number of logits a model must produce."""
        return self.num_classes

    @property
    def kind(self) -> str:
        """``"binary"`` or ``"multiclass"``."""
        return "binary" if self.num_classes == 2 else "multiclass"

    @property
    def default_monitor(self) -> str:
        return "auroc"

    @property
    def labelled_mask(self) -> Tensor:
        return self.y >= 0

    def forward(self, model, data: Data, index: Tensor | None = None) -> Tensor:
        """Logits of ``model`` for the nodes at ``index`` (all nodes if ``None``)."""
        return node_logits(model, data, index)

    def loss(self, logits: Tensor, index: Tensor) -> Tensor:
        """Class-weighted cross-entropy; ``logits`` are the rows of the nodes at ``index``."""
        return torch.nn.functional.cross_entropy(logits, self.y[index], weight=self.class_weight)

    def scores(self, logits: Tensor) -> np.ndarray:
        """Probabilities: ``[N]`` for binary tasks, ``[N, C]`` otherwise."""
        proba = torch.softmax(logits.detach(), dim=-1).cpu().numpy()
        return proba[:, 1] if self.num_classes == 2 else proba

    def metrics(self, scores: np.ndarray, index: Tensor, *,
                which: tuple[str, ...] | None = None) -> dict[str, float]:
        """Metrics of :func:`~graphgen.evaluation.metrics.classification_metrics` on ``index``."""
        idx = index.numpy()
        return classification_metrics(self.y[index].numpy(), scores[idx],
                                      num_classes=self.num_classes, which=which)

    def evaluate(self, logits: Tensor, index: Tensor, *,
                 which: tuple[str, ...] | None = None) -> dict[str, float]:
        """Metrics of ``logits`` (the rows of the nodes at ``index``); ``which``: a subset."""
        return classification_metrics(self.y[index].numpy(), self.scores(logits),
                                      num_classes=self.num_classes, which=which)

    def target_matrix(self) -> np.ndarray:
        """One-hot targets ``[N, C]`` (zero rows for unlabelled nodes), for propagation."""
        onehot = np.zeros((len(self.y), self.num_classes), dtype=np.float32)
        known = self.y.numpy() >= 0
        onehot[known, self.y.numpy()[known]] = 1.0
        return onehot


def _positive_weight(train: np.ndarray, columns, *, what: str) -> np.ndarray:
    """``pos_weight`` per label: negatives / positives among the training rows, capped at 100.

    Raises:
        DataFormatError: a label without a positive training row (``what`` names the row).
    """
    positives = train.sum(axis=0)
    if (positives == 0).any():
        empty = [str(c) for c in np.asarray(columns)[positives == 0][:5]]
        raise DataFormatError(f"label(s) {empty} have no positive {what}")
    return np.minimum((len(train) - positives) / positives, 100.0)


class _MultiLabelScoring:
    """Loss, scores and metrics shared by the multi-label tasks (``y``, ``classes`` and
    ``pos_weight`` come from the dataclass)."""

    metric_names = MULTILABEL_METRICS
    kind = "multilabel"

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def num_outputs(self) -> int:
        return len(self.classes)

    def loss(self, logits: Tensor, index: Tensor) -> Tensor:
        """Binary cross-entropy with ``pos_weight``; ``logits`` are the rows at ``index``."""
        return torch.nn.functional.binary_cross_entropy_with_logits(
            logits, self.y[index], pos_weight=self.pos_weight
        )

    def scores(self, logits: Tensor) -> np.ndarray:
        """Sigmoid probabilities ``[n, L]``."""
        return torch.sigmoid(logits.detach()).cpu().numpy()

    def metrics(self, scores: np.ndarray, index: Tensor, *,
                which: tuple[str, ...] | None = None) -> dict[str, float]:
        return multilabel_metrics(self.y[index].numpy(), scores[index.numpy()], which=which)

    def evaluate(self, logits: Tensor, index: Tensor, *,
                 which: tuple[str, ...] | None = None) -> dict[str, float]:
        return multilabel_metrics(self.y[index].numpy(), self.scores(logits), which=which)

    def target_matrix(self) -> np.ndarray:
        """0/1 targets ``[n, L]``."""
        return self.y.numpy()


@dataclass(frozen=True, eq=False)
class MultiLabelTask(_MultiLabelScoring):
    """Multi-label node classification (each gene may carry several labels) with a split.

    The loss is binary cross-entropy over every (gene, label) with ``pos_weight`` per label
    ``n_negative / n_positive`` among the training genes (capped at 100), so rare labels are
    not ignored; scores are sigmoid probabilities; metrics are micro/macro AUPRC, AUROC and
    F1 (:func:`~graphgen.evaluation.metrics.multilabel_metrics`).

    Attributes:
        y: 0/1 targets ``[N, L]`` (rows of unlabelled nodes are zero and never used).
        labelled: ``[N]`` bool, nodes with a label row.
        classes: label names (e.g. GO term ids).
        train_index, val_index, test_index: node positions of each part.
        pos_weight: ``[L]``.
    """

    y: Tensor
    labelled: Tensor
    classes: np.ndarray
    train_index: Tensor
    val_index: Tensor
    test_index: Tensor
    pos_weight: Tensor

    @classmethod
    def from_labels(cls, data: Data, labels: pd.DataFrame, split: Split) -> MultiLabelTask:
        """Align a genes x labels 0/1 table and ``split`` to the node order of ``data``.

        Rows that are entirely NaN are unlabelled genes.

        Raises:
            IdMappingError: a labelled or split gene is not a node of ``data``.
            DataFormatError: values other than 0/1, a label with no positive training gene,
                an empty training or validation part.
        """
        index = node_index(data)
        table = labels.dropna(how="all")
        values = table.to_numpy(dtype=np.float64)
        if np.isnan(values).any() or not np.isin(values, (0.0, 1.0)).all():
            raise DataFormatError("multi-label targets must be 0/1 in every labelled row")
        node_positions(data, table.index, what="labelled genes")
        y = np.zeros((len(index), table.shape[1]), dtype=np.float32)
        rows = index.get_indexer(table.index)
        y[rows] = values
        labelled = np.zeros(len(index), dtype=bool)
        labelled[rows] = True
        parts = _split_positions(data, split, labelled)
        weight = _positive_weight(y[parts["train"].numpy()], table.columns,
                                  what="gene in the training part; drop them or choose "
                                       "another split")
        return cls(
            y=torch.from_numpy(y), labelled=torch.from_numpy(labelled),
            classes=np.asarray(table.columns), train_index=parts["train"],
            val_index=parts["val"], test_index=parts["test"],
            pos_weight=torch.tensor(weight, dtype=torch.float32),
        )

    @property
    def default_monitor(self) -> str:
        return "macro_auprc"

    @property
    def labelled_mask(self) -> Tensor:
        return self.labelled

    def forward(self, model, data: Data, index: Tensor | None = None) -> Tensor:
        """Logits of ``model`` for the nodes at ``index`` (all nodes if ``None``)."""
        return node_logits(model, data, index)

    def target_matrix(self) -> np.ndarray:
        return self.y.numpy()


class SampleGraphTask(NodeClassificationTask):
    """Classification of samples that are graphs over one shared gene network.

    The targets, loss (class-weighted cross-entropy), scores and metrics are those of
    :class:`NodeClassificationTask` with samples in place of nodes; the forward pass runs the
    model on ``[B, G, F]`` batches of a :class:`~graphgen.models.sample_graph.SampleGraphs`
    (``eval_batch_size`` samples at a time, so evaluation fits in memory).
    """

    eval_batch_size: int = 256

    @classmethod
    def from_labels(cls, data, labels: pd.Series, split: Split) -> SampleGraphTask:
        """Align sample labels and a split of sample ids to ``data.sample_ids``.

        Raises:
            IdMappingError: a labelled or split sample is not in ``data``.
            DataFormatError: a single class among the training samples, an empty part.
        """
        proxy = Data(num_nodes=len(data.sample_ids), node_ids=list(data.sample_ids))
        base = NodeClassificationTask.from_labels(proxy, labels, split)
        return cls(y=base.y, classes=base.classes, train_index=base.train_index,
                   val_index=base.val_index, test_index=base.test_index,
                   class_weight=base.class_weight)

    def forward(self, model, data, index: Tensor | None = None) -> Tensor:
        """Logits ``[len(index), C]`` of ``model(x[batch], data)`` over batches."""
        if index is None:
            index = torch.arange(data.x.shape[0], device=data.x.device)
        if model.training or len(index) <= self.eval_batch_size:
            return run_model(model, data, x=data.x[index])
        return torch.cat([run_model(model, data, x=data.x[part])
                          for part in index.split(self.eval_batch_size)])


@dataclass(eq=False)
class GraphSet:
    """Graphs of different shapes to classify (one ``Data`` each), as the trainer's data.

    ``x`` and ``edge_index`` are the graphs stacked as one disjoint graph (what the trainer
    checks and fingerprints); models see PyG ``Batch`` objects of the graphs a step needs.
    """

    graphs: list
    x: Tensor = None
    edge_index: Tensor = None

    def __post_init__(self) -> None:
        if not self.graphs:
            raise DataFormatError("no graphs to classify")
        if self.x is None:
            from torch_geometric.data import Batch

            whole = Batch.from_data_list(self.graphs)
            self.x, self.edge_index = whole.x, whole.edge_index
        if self.x is None:
            raise DataFormatError("the graphs have no node features x")

    def batch(self, index: Tensor):
        """The graphs at ``index`` as one PyG ``Batch`` (on the CPU)."""
        from torch_geometric.data import Batch

        return Batch.from_data_list([self.graphs[i] for i in index.tolist()])


class GraphSetTask(NodeClassificationTask):
    """Classification of whole graphs (:class:`GraphSet`): targets, loss, scores and metrics
    of :class:`NodeClassificationTask` with graphs in place of nodes; the forward pass runs
    the model on PyG ``Batch`` objects of the indexed graphs (``eval_batch_size`` graphs at a
    time in evaluation, through PyG's ``DataLoader``)."""

    eval_batch_size: int = 256

    @classmethod
    def from_labels(cls, data: GraphSet, labels: pd.Series, split: Split) -> GraphSetTask:
        """Labels and a split indexed by graph position (``0..len(graphs)-1``)."""
        ids = [str(i) for i in range(len(data.graphs))]
        proxy = Data(num_nodes=len(ids), node_ids=ids)
        labels = labels.copy()
        labels.index = labels.index.astype(str)
        split = Split(train=[str(i) for i in split.train], val=[str(i) for i in split.val],
                      test=[str(i) for i in split.test])
        base = NodeClassificationTask.from_labels(proxy, labels, split)
        return cls(y=base.y, classes=base.classes, train_index=base.train_index,
                   val_index=base.val_index, test_index=base.test_index,
                   class_weight=base.class_weight)

    def forward(self, model, data: GraphSet, index: Tensor | None = None) -> Tensor:
        """Logits ``[len(index), C]``, one row per graph."""
        from torch_geometric.loader import DataLoader

        if index is None:
            index = torch.arange(len(data.graphs))
        device = data.x.device
        if model.training or len(index) <= self.eval_batch_size:
            return run_model(model, data.batch(index.cpu()).to(device))
        loader = DataLoader([data.graphs[i] for i in index.tolist()],
                            batch_size=self.eval_batch_size, shuffle=False)
        return torch.cat([run_model(model, batch.to(device)) for batch in loader])


@dataclass(frozen=True, eq=False)
class PairMultiLabelTask(_MultiLabelScoring):
    """Multi-label classification of node *pairs* (e.g. interaction types of protein pairs).

    The model gives logits for the pairs it is given as its ``pairs`` input; loss, scores and
    metrics are those of :class:`MultiLabelTask` over pairs (micro-F1, as GNN-PPI reports, is
    the default monitor).

    Attributes:
        pairs: ``[P, 2]`` node positions.
        y: ``[P, L]`` 0/1 targets.
        classes: label names.
        train_index, val_index, test_index: pair positions of each part.
        pos_weight: ``[L]`` from the training pairs (capped at 100), or ones.
    """

    pairs: Tensor
    y: Tensor
    classes: np.ndarray
    train_index: Tensor
    val_index: Tensor
    test_index: Tensor
    pos_weight: Tensor

    @classmethod
    def from_pairs(cls, pairs: np.ndarray, targets: pd.DataFrame, split: Split, *,
                   balance: bool = True) -> PairMultiLabelTask:
        """Targets ``[P, L]`` (a DataFrame, one row per pair in ``pairs`` order) and a split of
        pair positions.

        ``balance=False`` drops the ``pos_weight`` (all ones): the probabilities then stay
        calibrated, which a metric thresholded at 0.5 (micro-F1) needs.

        Raises:
            DataFormatError: shapes that disagree, values other than 0/1, an empty training
                part, a label without a positive training pair.
        """
        values = np.array(targets.to_numpy(dtype=np.float32))
        if len(values) != len(pairs) or not np.isin(values, (0.0, 1.0)).all():
            raise DataFormatError("pair targets must be 0/1 with one row per pair")
        parts = {name: torch.as_tensor(np.asarray(ids, dtype=np.int64))
                 for name, ids in (("train", split.train), ("val", split.val),
                                   ("test", split.test))}
        if not len(parts["train"]) or not len(parts["val"]):
            raise DataFormatError("the training and validation parts of the pair split must "
                                  "not be empty")
        weight = _positive_weight(values[parts["train"].numpy()], targets.columns,
                                  what="training pair")
        if not balance:
            weight = np.ones_like(weight)
        return cls(pairs=torch.as_tensor(np.asarray(pairs, dtype=np.int64)),
                   y=torch.from_numpy(values), classes=np.asarray(targets.columns),
                   train_index=parts["train"], val_index=parts["val"], test_index=parts["test"],
                   pos_weight=torch.tensor(weight, dtype=torch.float32))

    @property
    def default_monitor(self) -> str:
        return "micro_f1"

    def forward(self, model, data, index: Tensor | None = None) -> Tensor:
        pairs = self.pairs if index is None else self.pairs[index]
        return run_model(model, data, pairs=pairs)


def make_task(data: Data, labels: pd.Series | pd.DataFrame, split: Split):
    """A :class:`NodeClassificationTask` for a Series, a :class:`MultiLabelTask` for a
    genes x labels DataFrame, a :class:`SampleGraphTask` for samples over a gene graph."""
    if hasattr(data, "sample_ids") and getattr(data, "x", None) is not None and data.x.dim() == 3:
        return SampleGraphTask.from_labels(data, labels, split)
    if isinstance(labels, pd.DataFrame):
        return MultiLabelTask.from_labels(data, labels, split)
    return NodeClassificationTask.from_labels(data, labels, split)
