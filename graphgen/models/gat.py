"""Graph attention network (Velickovic et al., ICLR 2018) for node classification."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.sparse_conv import AdjacencyCache, SparseGATConv, attention_structure

__all__ = ["GAT"]


class GAT(GraphModel):
    r"""Stack of multi-head GAT layers; hidden layers concatenate heads, the last averages.

    Each layer computes :math:`x'_i = \Vert_h \sum_{j \in N(i) \cup \{i\}} \alpha^h_{ij} W^h x_j`
    with attention :math:`\alpha^h_{ij} = \mathrm{softmax}_j(\mathrm{LeakyReLU}(a^{h\top}
    [W^h x_i \Vert W^h x_j]))`. Edge weights are accepted for a uniform interface but not used:
    attention learns its own weighting. The layers equal PyG's ``GATConv`` and run on a cached
    sparse pattern of the graph (see :mod:`graphgen.models.sparse_conv`).

    Args:
        in_channels: input feature size ``F``.
        out_channels: number of output logits ``C``.
        hidden_channels: width per head of the hidden layers.
        num_layers: number of GAT layers (>= 1).
        heads: attention heads per hidden layer.
        dropout: dropout on layer inputs and on attention coefficients.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, optional ``edge_weight [E]`` (ignored)
        - output: logits ``[N, C]``

    Example:
        >>> import torch
        >>> model = GAT(4, 2, hidden_channels=8, heads=2)
        >>> model(torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])).shape
        torch.Size([3, 2])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        *,
        hidden_channels: int = 16,
        num_layers: int = 2,
        heads: int = 4,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.convs = nn.ModuleList()
        width = in_channels
        for _ in range(num_layers - 1):
            self.convs.append(SparseGATConv(width, hidden_channels, heads=heads,
                                            dropout=dropout))
            width = hidden_channels * heads
        self.convs.append(SparseGATConv(width, out_channels, heads=1, concat=False,
                                        dropout=dropout))
        self.dropout = dropout
        self._structure = AdjacencyCache(attention_structure)

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None) -> Tensor:
        structure = self._structure(edge_index, None, x.shape[0])
        for i, conv in enumerate(self.convs):
            x = dropout(x, self.dropout, self.training)
            x = conv(x, structure)
            if i < len(self.convs) - 1:
                x = torch.nn.functional.elu(x)
        return x
