"""The layer stack every node GNN shares: dropout, a graph layer, ReLU between layers."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.sparse_conv import AdjacencyCache

__all__ = ["ConvStack"]


class ConvStack(GraphModel):
    """``num_layers`` graph layers ``in -> hidden -> ... -> out`` on a cached graph operator.

    Subclasses pass the layer class and the function that turns ``(edge_index, edge_weight,
    num_nodes)`` into the operator the layers take (built once per graph).
    """

    def __init__(self, in_channels: int, out_channels: int, *, hidden_channels: int,
                 num_layers: int, dropout: float,
                 layer: Callable[[int, int], nn.Module],
                 operator: Callable[[Tensor, Tensor | None, int], object]) -> None:
        super().__init__()
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = nn.ModuleList(layer(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.dropout = dropout
        self._operator = AdjacencyCache(operator)

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None) -> Tensor:
        operator = self._operator(edge_index, edge_weight, x.shape[0])
        for i, conv in enumerate(self.convs):
            x = conv(dropout(x, self.dropout, self.training), operator)
            if i < len(self.convs) - 1:
                x = torch.relu(x)
        return x
