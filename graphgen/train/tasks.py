"""Tasks: what the trainer optimises and measures. The loop itself lives in ``trainer.py``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import Tensor
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError
from graphgen.graph.nodes import node_index, node_positions
from graphgen.train.metrics import classification_metrics
from graphgen.train.splits import Split

__all__ = ["NodeClassificationTask"]


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

    @classmethod
    def from_labels(cls, data: Data, labels: pd.Series, split: Split) -> NodeClassificationTask:
        """Align ``labels`` (indexed by gene id) and ``split`` to the node order of ``data``.

        Raises:
            IdMappingError: a labelled or split gene is not a node of ``data``.
            DataFormatError: fewer than two classes among the training genes.
        """
        index = node_index(data)
        labelled = labels.dropna()
        node_positions(data, labelled.index, what="labelled genes")
        classes = np.sort(labelled.unique())
        y = np.full(len(index), -1, dtype=np.int64)
        y[index.get_indexer(labelled.index)] = np.searchsorted(classes, labelled.to_numpy())
        parts = {
            name: torch.from_numpy(node_positions(data, ids, what=f"{name} genes"))
            for name, ids in (("train", split.train), ("val", split.val), ("test", split.test))
        }
        for name, positions in parts.items():
            if (y[positions.numpy()] < 0).any():
                raise DataFormatError(f"the {name} part of the split holds unlabelled genes")
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

    def loss(self, logits: Tensor, index: Tensor) -> Tensor:
        """Class-weighted cross-entropy over the nodes at ``index``."""
        return torch.nn.functional.cross_entropy(
            logits[index], self.y[index], weight=self.class_weight
        )

    def scores(self, logits: Tensor) -> np.ndarray:
        """Probabilities: ``[N]`` for binary tasks, ``[N, C]`` otherwise."""
        proba = torch.softmax(logits.detach(), dim=-1).cpu().numpy()
        return proba[:, 1] if self.num_classes == 2 else proba

    def evaluate(self, logits: Tensor, index: Tensor) -> dict[str, float]:
        """Metrics of :func:`~graphgen.train.metrics.classification_metrics` on ``index``."""
        scores = self.scores(logits)[index.numpy()]
        return classification_metrics(
            self.y[index].numpy(), scores, num_classes=self.num_classes
        )
