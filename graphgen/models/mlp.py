"""Multi-layer perceptron on node features only: the baseline every GNN is compared with."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout

__all__ = ["MLP"]


class MLP(GraphModel):
    """Fully connected network that ignores the graph.

    It takes the same arguments as the GNNs so that the trainer can swap it in; ``edge_index``
    and ``edge_weight`` are accepted and unused. The gap between a GNN and this model on the
    same features and split is what the graph adds.

    Args:
        in_channels: input feature size ``F``.
        out_channels: number of output logits ``C``.
        hidden_channels: width of the hidden layers.
        num_layers: number of linear layers (>= 1).
        dropout: dropout probability on the input of every layer.

    Shapes:
        - input: ``x [N, F]`` (``edge_index``/``edge_weight`` ignored)
        - output: logits ``[N, C]``

    Example:
        >>> import torch
        >>> MLP(4, 2, hidden_channels=8)(torch.randn(3, 4)).shape
        torch.Size([3, 2])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        *,
        hidden_channels: int = 64,
        num_layers: int = 2,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.dropout = dropout

    def forward(
        self, x: Tensor, edge_index: Tensor | None = None, edge_weight: Tensor | None = None
    ) -> Tensor:
        for i, linear in enumerate(self.linears):
            x = dropout(x, self.dropout, self.training)
            x = linear(x)
            if i < len(self.linears) - 1:
                x = torch.relu(x)
        return x
