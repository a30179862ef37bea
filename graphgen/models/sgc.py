"""SGC (Wu et al., ICML 2019): ``K`` propagation steps of the features, then logistic
regression. Built on PyG's ``torch_geometric.nn.SGConv``."""

from __future__ import annotations

from torch import Tensor
from torch_geometric.nn import SGConv

from graphgen.models.base import GraphModel
from graphgen.models.sparse_conv import PygCacheGuard

__all__ = ["SGC"]


class SGC(GraphModel):
    r""":math:`Z = \hat A^K X W`: logistic regression on features smoothed over the graph.

    The smoothed features are computed once per graph (``cached``), so training costs what
    logistic regression costs.

    Args:
        in_channels, out_channels: feature size ``F`` and logits ``C``.
        K: propagation steps.

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, optional ``edge_weight [E]``
        - output: logits ``[N, C]``

    Example:
        >>> import torch
        >>> model = SGC(4, 2, K=2)
        >>> model(torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])).shape
        torch.Size([3, 2])
    """

    def __init__(self, in_channels: int, out_channels: int, *, K: int = 2  # noqa: N803
                 ) -> None:
        super().__init__()
        self.conv = SGConv(in_channels, out_channels, K=K, cached=True)
        self._guard = PygCacheGuard()

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None
                ) -> Tensor:
        self._guard([self.conv], edge_index, edge_weight, x.shape[0], x)
        return self.conv(x, edge_index, edge_weight)
