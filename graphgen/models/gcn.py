"""Graph convolutional network (Kipf & Welling, ICLR 2017) for node classification."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphgen.models.dropout import dropout
from graphgen.models.sparse_conv import AdjacencyCache, SparseGCNConv, gcn_adjacency

__all__ = ["GCN"]


class GCN(nn.Module):
    r"""Stack of GCN layers with ReLU and dropout between them.

    Each layer computes :math:`X' = \hat D^{-1/2} \hat A \hat D^{-1/2} X W`, where
    :math:`\hat A = A + I` carries the edge weights (e.g. interaction confidence). The
    normalised adjacency is built once per graph and cached (see
    :mod:`graphgen.models.sparse_conv`); the result equals PyG's ``GCNConv``.

    Args:
        in_channels: input feature size ``F``.
        out_channels: number of output logits ``C``.
        hidden_channels: width of the hidden layers.
        num_layers: number of GCN layers (>= 1).
        dropout: dropout probability on the input of every layer.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, optional ``edge_weight [E]``
        - output: logits ``[N, C]``

    Example:
        >>> import torch
        >>> model = GCN(4, 2, hidden_channels=8)
        >>> model(torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])).shape
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
        self.convs = nn.ModuleList(SparseGCNConv(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.dropout = dropout
        self._adjacency = AdjacencyCache(gcn_adjacency)

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None) -> Tensor:
        adjacency = self._adjacency(edge_index, edge_weight, x.shape[0])
        for i, conv in enumerate(self.convs):
            x = dropout(x, self.dropout, self.training)
            x = conv(x, adjacency)
            if i < len(self.convs) - 1:
                x = torch.relu(x)
        return x
