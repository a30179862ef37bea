"""MOGONET's own recipe (Wang et al., Nat Commun 2021), written for graphgen: the faithful
reproduction that the patient-graph view is compared with.

What the published code does, and this module does alike:

* **Patient graphs per omics** from cosine distances. The threshold is the distance below
  which ``adj_parameter * n`` entries of the training samples' distance matrix fall (its
  diagonal included), so a sample keeps about ``adj_parameter - 1`` neighbours; edges carry
  the cosine similarity, are made symmetric (larger weight), get self-loops and rows are
  normalised to sum 1. Test samples are linked only to training samples (both directions,
  same threshold); the test graph holds no training-training edges.
* **Per-omics encoders**: three graph convolutions (``hidden = (200, 200, 100)`` for ROSMAP)
  with leaky ReLU (0.25) and dropout 0.5 after the first two, a linear classifier each.
* **VCDN fusion**: the sigmoid of every omics' logits, their outer product (``C ** M``
  entries), a two-layer MLP with ``C ** M`` hidden units.
* **Training**: a fixed budget, no early stopping: ``pretrain_epochs`` (500) of the encoders
  and classifiers alone at ``lr_pretrain`` (1e-3), then ``epochs`` (2,500) in which every step
  updates each omics' encoder and classifier (``lr`` 5e-4) and then the VCDN (``lr_fusion``
  1e-3), with fresh optimisers after pre-training. The loss is the cross-entropy weighted per
  sample by its class's share of the training samples (MOGONET's ``cal_sample_weight``).
* The test samples are scored after the last epoch (nothing is chosen on them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.train.seeding import seed_everything

__all__ = ["MogonetConfig", "mogonet_proba"]


@dataclass(frozen=True)
class MogonetConfig:
    """MOGONET's ROSMAP settings (its ``main_mogonet.py`` and ``train_test.py``); BRCA uses
    ``adj_parameter=10`` and ``hidden=(400, 400, 200)``."""

    adj_parameter: int = 2
    hidden: tuple[int, ...] = (200, 200, 100)
    dropout: float = 0.5
    lr_pretrain: float = 1e-3
    lr: float = 5e-4
    lr_fusion: float = 1e-3
    pretrain_epochs: int = 500
    epochs: int = 2500

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if self.adj_parameter < 1 or len(self.hidden) != 3 or min(self.hidden) < 1:
            raise ConfigError("MogonetConfig: adj_parameter >= 1 and three hidden sizes >= 1")
        if min(self.pretrain_epochs, self.epochs) < 0:
            raise ConfigError("MogonetConfig: epochs must be >= 0")


def _by_name(train: pd.DataFrame, test: pd.DataFrame, name: str) -> pd.DataFrame:
    """The test table with the training columns, in the training order."""
    missing = train.columns.difference(test.columns)
    if len(missing):
        raise DataFormatError(f"MOGONET: test omics {name!r} lacks {len(missing)} training "
                              f"features, e.g. {missing[:5].tolist()}")
    return test[train.columns]


def mogonet_proba(train: Mapping[str, pd.DataFrame], labels: pd.Series,
                  test: Mapping[str, pd.DataFrame], *, config: MogonetConfig | None = None,
                  seed: int = 0) -> pd.DataFrame:
    """Train MOGONET's recipe on ``train`` (omics name -> samples x features) and return the
    class probabilities of the ``test`` samples (rows: test samples, columns: classes).

    The test tables are read by feature name: their columns are put in the training order
    (a table whose columns are reordered gives the same probabilities).

    Raises:
        DataFormatError: omics with other names or sample ids than ``labels``, fewer than two
            omics or two classes, a test table that lacks training features, NaN values or
            labels (named).
    """
    config = config or MogonetConfig()
    names = list(train)
    if len(names) < 2 or sorted(test) != sorted(names):
        raise DataFormatError("MOGONET needs two omics or more, the same in train and test "
                              f"(train {names}, test {list(test)})")
    train_ids = train[names[0]].index
    if not all(train[n].index.equals(train_ids) for n in names) or not labels.index.equals(
            train_ids):
        raise DataFormatError("the training omics and labels must list the same samples in "
                              "the same order")
    if labels.isna().any():
        raise DataFormatError(f"MOGONET: {int(labels.isna().sum())} training labels are NaN, "
                              f"e.g. sample {labels.index[labels.isna()][0]!r}; drop them "
                              "(a NaN is not a class)")
    test = {name: _by_name(train[name], test[name], name) for name in names}
    for part, tables in (("training", train), ("test", test)):
        for name in names:
            holes = tables[name].isna().to_numpy()
            if holes.any():
                row, col = (int(i[0]) for i in np.nonzero(holes))
                raise DataFormatError(f"MOGONET: {part} omics {name!r} has NaN values, e.g. "
                                      f"sample {tables[name].index[row]!r}, feature "
                                      f"{tables[name].columns[col]!r}; impute or drop them")
    test_ids = test[names[0]].index
    classes = np.unique(labels.to_numpy())
    if len(classes) < 2:
        raise DataFormatError("MOGONET needs two classes or more among the training samples")
    y = torch.from_numpy(np.searchsorted(classes, labels.to_numpy())).long()
    n_train, n_classes = len(train_ids), len(classes)
    share = torch.bincount(y, minlength=n_classes).float() / n_train
    weight = share[y]  # MOGONET weights a sample by its class's share
    seed_everything(seed)
    x_train, x_all, adj_train, adj_test = [], [], [], []
    for name in names:
        a = torch.tensor(train[name].to_numpy(), dtype=torch.float32)
        b = torch.tensor(test[name].loc[test_ids].to_numpy(), dtype=torch.float32)
        threshold = _threshold(a, config.adj_parameter)
        x_train.append(a)
        x_all.append(torch.cat([a, b]))
        adj_train.append(_train_graph(a, threshold))
        adj_test.append(_test_graph(a, b, threshold))
    encoders = nn.ModuleList(_Encoder(x.shape[1], config.hidden, config.dropout)
                             for x in x_train)
    heads = nn.ModuleList(_linear(config.hidden[-1], n_classes) for _ in names)
    fusion = _Vcdn(len(names), n_classes)
    criterion = nn.CrossEntropyLoss(reduction="none")

    def optimisers(lr: float) -> list[torch.optim.Optimizer]:
        return [torch.optim.Adam([*e.parameters(), *h.parameters()], lr=lr)
                for e, h in zip(encoders, heads)]

    def step(optimisers_: list, fuse: torch.optim.Optimizer | None) -> None:
        for module in (*encoders, *heads, fusion):
            module.train()
        for i, optimiser in enumerate(optimisers_):
            optimiser.zero_grad()
            logits = heads[i](encoders[i](x_train[i], adj_train[i]))
            torch.mean(criterion(logits, y) * weight).backward()
            optimiser.step()
        if fuse is not None:
            fuse.zero_grad()
            logits = fusion([heads[i](encoders[i](x_train[i], adj_train[i]))
                             for i in range(len(names))])
            torch.mean(criterion(logits, y) * weight).backward()
            fuse.step()

    pretrain = optimisers(config.lr_pretrain)
    for _ in range(config.pretrain_epochs):
        step(pretrain, None)
    main = optimisers(config.lr)
    fuse = torch.optim.Adam(fusion.parameters(), lr=config.lr_fusion)
    for _ in range(config.epochs + 1):  # MOGONET runs range(num_epoch + 1)
        step(main, fuse)
    for module in (*encoders, *heads, fusion):
        module.eval()
    with torch.no_grad():
        logits = fusion([heads[i](encoders[i](x_all[i], adj_test[i]))
                         for i in range(len(names))])[n_train:]
        proba = torch.softmax(logits, dim=1).numpy()
    return pd.DataFrame(proba, index=test_ids, columns=list(classes))


def _cosine_distance(a: Tensor, b: Tensor) -> Tensor:
    norms = a.norm(dim=1, keepdim=True) * b.norm(dim=1, keepdim=True).T
    return 1 - (a @ b.T) / norms.clamp_min(1e-8)


def _threshold(x: Tensor, edges_per_node: int) -> float:
    distances = torch.sort(_cosine_distance(x, x).reshape(-1)).values
    return float(distances[min(edges_per_node * x.shape[0], len(distances) - 1)])


def _normalised(adj: Tensor) -> Tensor:
    adj = torch.maximum(adj, adj.T) + torch.eye(adj.shape[0])
    return adj / adj.sum(dim=1, keepdim=True).clamp_min(1e-12)


def _train_graph(x: Tensor, threshold: float) -> Tensor:
    distance = _cosine_distance(x, x)
    adj = (1 - distance) * (distance <= threshold).float()
    adj.fill_diagonal_(0)
    return _normalised(adj)


def _test_graph(train: Tensor, test: Tensor, threshold: float) -> Tensor:
    n, m = len(train), len(test)
    adj = torch.zeros(n + m, n + m)
    to_test = _cosine_distance(train, test)
    adj[:n, n:] = (1 - to_test) * (to_test <= threshold).float()
    to_train = _cosine_distance(test, train)
    adj[n:, :n] = (1 - to_train) * (to_train <= threshold).float()
    return _normalised(adj)


def _linear(a: int, b: int) -> nn.Linear:
    layer = nn.Linear(a, b)
    nn.init.xavier_normal_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


class _GraphConv(nn.Module):
    def __init__(self, a: int, b: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(a, b))
        self.bias = nn.Parameter(torch.zeros(b))
        nn.init.xavier_normal_(self.weight)

    def forward(self, x: Tensor, adj: Tensor) -> Tensor:
        return adj @ (x @ self.weight) + self.bias


class _Encoder(nn.Module):
    def __init__(self, in_channels: int, hidden: tuple[int, ...], dropout: float) -> None:
        super().__init__()
        sizes = [in_channels, *hidden]
        self.convs = nn.ModuleList(_GraphConv(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.dropout = dropout

    def forward(self, x: Tensor, adj: Tensor) -> Tensor:
        for i, conv in enumerate(self.convs):
            x = nn.functional.leaky_relu(conv(x, adj), 0.25)
            if i < len(self.convs) - 1:
                x = nn.functional.dropout(x, self.dropout, self.training)
        return x


class _Vcdn(nn.Module):
    """View correlation discovery: the outer product of the omics' class probabilities."""

    def __init__(self, n_views: int, n_classes: int) -> None:
        super().__init__()
        width = n_classes ** n_views
        self.mlp = nn.Sequential(_linear(width, width), nn.LeakyReLU(0.25),
                                 _linear(width, n_classes))

    def forward(self, logits: list[Tensor]) -> Tensor:
        probs = [torch.sigmoid(z) for z in logits]
        joint = probs[0]
        for p in probs[1:]:
            joint = (joint.unsqueeze(-1) * p.unsqueeze(1)).reshape(joint.shape[0], -1)
        return self.mlp(joint)
