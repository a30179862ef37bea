"""APPNP (Gasteiger et al., ICLR 2019): predict with an MLP, then propagate the predictions.

Built on PyG's ``torch_geometric.nn.APPNP`` propagation.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import APPNP as PygAPPNP

from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.sparse_conv import PygCacheGuard

__all__ = ["APPNP"]


class APPNP(GraphModel):
    r"""An MLP :math:`H = f(X)` followed by personalised-PageRank propagation
    :math:`Z^{(k+1)} = (1 - \alpha) \hat A Z^{(k)} + \alpha H` for ``K`` steps: the network
    propagation of the field with learned, feature-based seeds.

    Args:
        in_channels, out_channels: feature size ``F`` and logits ``C``.
        hidden_channels: width of the MLP.
        num_layers: MLP layers (>= 1).
        K: propagation steps.
        alpha: teleport (restart) probability.
        dropout: dropout on the MLP's inputs.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, optional ``edge_weight [E]``
        - output: logits ``[N, C]``

    Example:
        >>> model = APPNP(4, 2, hidden_channels=8, K=3)
        >>> model(torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])).shape
        torch.Size([3, 2])
    """

    def __init__(self, in_channels: int, out_channels: int, *, hidden_channels: int = 64,
                 num_layers: int = 2, K: int = 10, alpha: float = 0.1,  # noqa: N803 - paper's K
                 dropout: float = 0.5) -> None:
        super().__init__()
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.propagate = PygAPPNP(K=K, alpha=alpha, cached=True)
        self.dropout = dropout
        self._guard = PygCacheGuard()

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None
                ) -> Tensor:
        for i, linear in enumerate(self.linears):
            x = linear(dropout(x, self.dropout, self.training))
            if i < len(self.linears) - 1:
                x = torch.relu(x)
        self._guard([self.propagate], edge_index, edge_weight, x.shape[0])
        return self.propagate(x, edge_index, edge_weight)
