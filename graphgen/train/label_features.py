"""Propagated training labels as a feature block, computed inside each split only.

Network propagation of the known genes is the field's strongest graph-only signal; handing
it to a feature model (logistic regression, an MLP, a GNN) lets the model weigh it against
expression and topology. Done naively it leaks: a training gene seeded with its own label
scores high because of that label, which no test gene can. So the block is computed
out-of-fold within the training genes of the split:

* the training genes are cut into ``folds`` parts; each part's feature comes from a
  propagation seeded by the *other* parts' labels;
* every other gene (validation, test, unlabelled) gets the propagation seeded by all
  training genes.

Validation and test labels are never read (a test changes them and checks that the block
stays the same).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.propagation import NetworkPropagation

__all__ = ["LabelFeatures", "add_label_features", "label_sources", "propagated_labels"]


@dataclass(frozen=True)
class LabelFeatures:
    """How to build the propagated-label block.

    Attributes:
        method, restart, time, normalization, direction: the propagation
            (:class:`~graphgen.models.propagation.NetworkPropagation`; ``direction``:
            ``"forward"``, ``"reverse"`` or ``"undirected"`` on a directed graph).
        folds: out-of-fold parts of the training genes (>= 2).
        seed: seed of the cut into parts.
    """

    method: str = "heat"
    restart: float = 0.3
    time: float = 3.0
    normalization: str = "symmetric"
    folds: int = 5
    seed: int = 0
    direction: str = "forward"

    def __post_init__(self) -> None:
        if not isinstance(self.folds, int) or self.folds < 2:
            raise ConfigError(f"LabelFeatures: folds must be an integer >= 2, got {self.folds!r}")
        self.propagation()  # the propagation settings are checked at the door

    def propagation(self) -> NetworkPropagation:
        return NetworkPropagation(method=self.method, restart=self.restart, time=self.time,
                                  normalization=self.normalization, direction=self.direction)


def propagated_labels(data: Data, task, spec: LabelFeatures | None = None, *,
                      standardize: bool = True) -> np.ndarray:
    """The ``[N, K]`` block: one column per positive class (binary: 1, multi-class: C,
    multi-label: L), ``log1p`` of the propagated seed mass times ``N``, standardised over
    the genes (``standardize=False``: the raw propagated mass).

    Raises:
        DataFormatError: a graph without edges, a class without training genes.
    """
    spec = spec or LabelFeatures()
    propagation = spec.propagation()
    targets = np.asarray(task.target_matrix(), dtype=np.float64)
    if task.kind == "binary":
        targets = targets[:, [1]]
    n = data.num_nodes
    train = task.train_index.cpu().numpy()
    parts = _parts(train, spec)
    block = np.zeros((n, targets.shape[1]))

    def seeded(genes: np.ndarray) -> np.ndarray:
        seeds = np.zeros_like(targets)
        seeds[genes] = targets[genes]
        totals = seeds.sum(axis=0)
        if (totals == 0).any():
            raise DataFormatError("label features: a class or label has no positive training "
                                  "gene in one of the out-of-fold parts; use fewer folds")
        return propagation.propagate(data, seeds / totals)

    everyone = seeded(train)
    outside = np.ones(n, dtype=bool)
    outside[train] = False
    block[outside] = everyone[outside]
    for part in parts:
        others = np.setdiff1d(train, part, assume_unique=True)
        block[part] = seeded(others)[part]
    if not standardize:
        return block
    block = np.log1p(np.maximum(block, 0.0) * n)
    sd = block.std(axis=0)
    return (block - block.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def _parts(train: np.ndarray, spec: LabelFeatures) -> list[np.ndarray]:
    """The out-of-fold parts of the training genes (seeded by ``spec.seed``)."""
    rng = np.random.default_rng(spec.seed)
    return np.array_split(rng.permutation(train), spec.folds)


def label_sources(data: Data, task, gene: int, column: int,
                  spec: LabelFeatures | None = None) -> pd.Series:
    """Which training genes a gene's propagated-label feature comes from, and how much.

    The raw feature of gene ``g`` is ``sum_s P[g, s] y_s / Y``: the propagation matrix ``P``
    times the training labels ``y_s`` of the seeds that fed it (for a training gene, those
    of the other out-of-fold parts; for any other gene, every training gene), over their
    total ``Y``. Each seed's term is its exact share of the feature's mass.

    Args:
        data: the graph the block was built on.
        task: the task whose training genes seeded it.
        gene: node position of the gene.
        column: the block's column (0 for a binary task; the class or label position
            otherwise).
        spec: the block's settings (default :class:`LabelFeatures`).

    Returns:
        Share per seed gene id (positive shares only, summing to 1, largest first).
    """
    spec = spec or LabelFeatures()
    targets = np.asarray(task.target_matrix(), dtype=np.float64)
    if task.kind == "binary":
        targets = targets[:, [1]]
    train = task.train_index.cpu().numpy()
    seeds = train
    for part in _parts(train, spec):
        if gene in part:
            seeds = np.setdiff1d(train, part, assume_unique=True)
    seeds = seeds[targets[seeds, column] > 0]
    unit = np.zeros((data.num_nodes, len(seeds)))
    unit[seeds, np.arange(len(seeds))] = targets[seeds, column]
    mass = spec.propagation().propagate(data, unit)[gene]
    mass = np.maximum(mass, 0.0)
    genes = pd.Index([str(g) for g in data.node_ids])[seeds]
    shares = pd.Series(mass / mass.sum() if mass.sum() > 0 else mass, index=genes,
                       name="share")
    return shares[shares > 0].sort_values(ascending=False, kind="mergesort")


def add_label_features(data: Data, task, spec: LabelFeatures | None = None) -> Data:
    """A copy of ``data`` whose ``x`` ends with the propagated-label block of ``task``'s
    training genes (feature names ``labels:<class>``)."""
    block = propagated_labels(data, task, spec)
    out = data.clone()
    out.x = torch.cat([data.x, torch.as_tensor(block, dtype=data.x.dtype)], dim=1)
    names = list(getattr(data, "feature_names", None) or
                 [f"x{i}" for i in range(data.num_features)])
    classes = list(task.classes)[1:] if task.kind == "binary" else list(task.classes)
    out.feature_names = names + [f"labels:{c}" for c in classes]
    ranges = dict(getattr(data, "feature_blocks", None) or {})
    ranges["labels"] = (data.num_features, out.x.shape[1])
    out.feature_blocks = ranges
    return out
