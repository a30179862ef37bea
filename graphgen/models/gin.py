"""GIN (Xu et al., ICLR 2019) for node classification, on PyG's ``GINConv``."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import GINConv

from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout

__all__ = ["GIN"]


class GIN(GraphModel):
    r"""Layers :math:`x'_i = \mathrm{MLP}((1 + \epsilon) x_i + \sum_{j \in N(i)} x_j)` with a
    learned :math:`\epsilon`, ReLU between layers, and a linear head.

    Args:
        in_channels, out_channels: feature size ``F`` and logits ``C``.
        hidden_channels: width of every layer.
        num_layers: GIN layers (>= 1).
        dropout: dropout on layer inputs.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]`` (edge weights are not used: sum
          aggregation)
        - output: logits ``[N, C]``

    Example:
        >>> model = GIN(4, 2, hidden_channels=8)
        >>> model(torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])).shape
        torch.Size([3, 2])
    """

    def __init__(self, in_channels: int, out_channels: int, *, hidden_channels: int = 64,
                 num_layers: int = 2, dropout: float = 0.5) -> None:
        super().__init__()
        self.convs = nn.ModuleList()
        width = in_channels
        for _ in range(num_layers):
            mlp = nn.Sequential(nn.Linear(width, hidden_channels), nn.ReLU(),
                                nn.Linear(hidden_channels, hidden_channels))
            self.convs.append(GINConv(mlp, train_eps=True))
            width = hidden_channels
        self.head = nn.Linear(hidden_channels, out_channels)
        self.dropout = dropout

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None
                ) -> Tensor:
        for conv in self.convs:
            x = torch.relu(conv(dropout(x, self.dropout, self.training), edge_index))
        return self.head(dropout(x, self.dropout, self.training))
