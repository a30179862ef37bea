"""GraphSAGE (Hamilton et al., NeurIPS 2017) for node classification."""

from __future__ import annotations

from graphgen.models.conv_stack import ConvStack
from graphgen.models.sparse_conv import SparseSAGEConv, mean_adjacency_of

__all__ = ["GraphSAGE"]


class GraphSAGE(ConvStack):
    r"""Stack of GraphSAGE layers (mean aggregation) with ReLU and dropout between them.

    Each layer computes :math:`x'_i = W_1 x_i + W_2 \,\mathrm{mean}_{j \in N(i)} x_j`: a node
    keeps its own features apart from its neighbours', which helps where neighbours differ
    (heterophily) and lets the model run on nodes it has not seen. Edge weights are accepted
    for a uniform interface but not used. The mean-aggregation matrix is built once per graph
    and cached; the result equals PyG's ``SAGEConv``.

    Args:
        in_channels: input feature size ``F``.
        out_channels: number of output logits ``C``.
        hidden_channels: width of the hidden layers.
        num_layers: number of SAGE layers (>= 1).
        dropout: dropout probability on the input of every layer.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, optional ``edge_weight [E]`` (ignored)
        - output: logits ``[N, C]``

    Example:
        >>> import torch
        >>> model = GraphSAGE(4, 2, hidden_channels=8)
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
                         num_layers=num_layers, dropout=dropout, layer=SparseSAGEConv,
                         operator=mean_adjacency_of)
