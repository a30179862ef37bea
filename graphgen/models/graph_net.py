"""Classification of whole graphs of different shapes (proteins, molecules) on PyG batches.

A :class:`GraphNet` takes a PyG ``Batch`` (many graphs as one disjoint graph, ``batch`` giving
each node's graph) and returns one row of logits per graph: node features pass through
``num_layers`` graph layers (GIN, GCN or GraphSAGE, PyG's own), every layer's node states are
read out per graph (sum, mean or attention) and concatenated (jumping knowledge, as in GIN's
paper), and a two-layer MLP gives the logits. ``conv="none"`` is the structure-agnostic
baseline of Errica et al. (ICLR 2020): the readout of the input features alone, then the MLP.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import GCNConv, GINConv, SAGEConv, global_add_pool, global_mean_pool
from torch_geometric.nn.aggr import AttentionalAggregation

from graphgen.exceptions import ConfigError
from graphgen.models.base import GraphModel

__all__ = ["CONVS", "READOUTS", "GraphNet"]

CONVS = ("gin", "gcn", "sage", "none")
READOUTS = ("sum", "mean", "attention")


class GraphNet(GraphModel):
    """Graph classifier over a PyG ``Batch``.

    Args:
        in_channels: node feature size.
        out_channels: number of classes.
        conv: ``"gin"``, ``"gcn"``, ``"sage"`` or ``"none"`` (structure-agnostic baseline).
        readout: ``"sum"``, ``"mean"`` or ``"attention"`` (a learned gate per node).
        hidden_channels: width of the layers and the head.
        num_layers: graph layers (ignored for ``"none"``).
        dropout: dropout before the head's layers.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, ``batch [N]`` (graph of each node)
        - output: ``[B, C]`` logits, one row per graph

    Example:
        >>> from torch_geometric.data import Batch, Data
        >>> g = Data(x=torch.ones(3, 2), edge_index=torch.tensor([[0, 1], [1, 2]]))
        >>> b = Batch.from_data_list([g, g])
        >>> GraphNet(2, 2, hidden_channels=8)(b.x, b.edge_index, batch=b.batch).shape
        torch.Size([2, 2])
    """

    inputs = ("batch",)

    def __init__(self, in_channels: int, out_channels: int, *, conv: str = "gin",
                 readout: str = "sum", hidden_channels: int = 64, num_layers: int = 3,
                 dropout: float = 0.5) -> None:
        super().__init__()
        if conv not in CONVS:
            raise ConfigError(f"conv must be one of {list(CONVS)}, got {conv!r}")
        if readout not in READOUTS:
            raise ConfigError(f"readout must be one of {list(READOUTS)}, got {readout!r}")
        if not isinstance(num_layers, int) or num_layers < 1:
            raise ConfigError(f"num_layers must be an integer >= 1, got {num_layers!r}")
        if not 0 <= dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1), got {dropout!r}")
        self.conv, self.readout, self.dropout = conv, readout, dropout
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        widths = [in_channels]
        if conv != "none":
            for i in range(num_layers):
                a = in_channels if i == 0 else hidden_channels
                self.convs.append(_layer(conv, a, hidden_channels))
                self.norms.append(nn.BatchNorm1d(hidden_channels))
                widths.append(hidden_channels)
        self.pools = nn.ModuleList(
            AttentionalAggregation(nn.Linear(w, 1)) if readout == "attention" else nn.Identity()
            for w in widths)
        self.head = nn.Sequential(nn.Linear(sum(widths), hidden_channels), nn.ReLU(),
                                  nn.Dropout(dropout), nn.Linear(hidden_channels, out_channels))

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None, *,
                batch: Tensor | None = None) -> Tensor:
        if batch is None:
            batch = torch.zeros(x.shape[0], dtype=torch.long, device=x.device)
        size = int(batch.max()) + 1 if batch.numel() else 0
        states = [x]
        h = x
        for conv, norm in zip(self.convs, self.norms):
            h = torch.relu(norm(conv(h, edge_index)))
            states.append(h)
        pooled = [self._pool(pool, s, batch, size) for pool, s in zip(self.pools, states)]
        return self.head(torch.cat(pooled, dim=1))

    def _pool(self, pool: nn.Module, h: Tensor, batch: Tensor, size: int) -> Tensor:
        if self.readout == "sum":
            return global_add_pool(h, batch, size)
        if self.readout == "mean":
            return global_mean_pool(h, batch, size)
        return pool(h, batch, dim_size=size)


def _layer(conv: str, a: int, b: int) -> nn.Module:
    if conv == "gin":
        return GINConv(nn.Sequential(nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU(),
                                     nn.Linear(b, b)), train_eps=True)
    if conv == "gcn":
        return GCNConv(a, b)
    return SAGEConv(a, b)
