"""Graph convolutional network (Kipf & Welling, ICLR 2017) for node classification."""

from __future__ import annotations

from graphgen.models.conv_stack import ConvStack
from graphgen.models.sparse_conv import SparseGCNConv, gcn_adjacency

__all__ = ["GCN"]


class GCN(ConvStack):
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
        super().__init__(in_channels, out_channels, hidden_channels=hidden_channels,
                         num_layers=num_layers, dropout=dropout, layer=SparseGCNConv,
                         operator=gcn_adjacency)
