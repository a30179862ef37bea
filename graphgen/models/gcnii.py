"""GCNII (Chen et al., ICML 2020): deep GCN with initial residual and identity mapping, on
PyG's ``GCN2Conv``."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import GCN2Conv

from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.sparse_conv import PygCacheGuard

__all__ = ["GCNII"]


class GCNII(GraphModel):
    r"""A linear input layer, ``num_layers`` GCNII layers
    :math:`H' = \sigma(((1 - \alpha) \hat A H + \alpha H_0)((1 - \beta_l) I + \beta_l W))`
    with :math:`\beta_l = \log(\theta / l + 1)`, and a linear head.

    Args:
        in_channels, out_channels: feature size ``F`` and logits ``C``.
        hidden_channels: width of the layers.
        num_layers: GCNII layers.
        alpha: weight of the initial representation :math:`H_0`.
        theta: strength of the identity mapping.
        dropout: dropout on layer inputs.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, optional ``edge_weight [E]``
        - output: logits ``[N, C]``

    Example:
        >>> model = GCNII(4, 2, hidden_channels=8, num_layers=4)
        >>> model(torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])).shape
        torch.Size([3, 2])
    """

    def __init__(self, in_channels: int, out_channels: int, *, hidden_channels: int = 64,
                 num_layers: int = 8, alpha: float = 0.1, theta: float = 0.5,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.inp = nn.Linear(in_channels, hidden_channels)
        self.convs = nn.ModuleList(
            GCN2Conv(hidden_channels, alpha=alpha, theta=theta, layer=i + 1, cached=True)
            for i in range(num_layers))
        self.head = nn.Linear(hidden_channels, out_channels)
        self.dropout = dropout
        self._guard = PygCacheGuard()

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None
                ) -> Tensor:
        self._guard(self.convs, edge_index, edge_weight, x.shape[0])
        x = x0 = torch.relu(self.inp(dropout(x, self.dropout, self.training)))
        for conv in self.convs:
            x = torch.relu(conv(dropout(x, self.dropout, self.training), x0, edge_index,
                                edge_weight))
        return self.head(dropout(x, self.dropout, self.training))
