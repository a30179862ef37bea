"""Logistic regression on node features: the simplest honest baseline."""

from __future__ import annotations

from torch import Tensor, nn

from graphgen.models.base import GraphModel

__all__ = ["LogisticRegression"]


class LogisticRegression(GraphModel):
    r"""One linear layer, :math:`\mathrm{logits} = x W + b`, ignoring the graph.

    Trained by the same trainer as the GNNs (softmax or sigmoid cross-entropy with the task's
    class weights, Adam, ``weight_decay`` as L2 penalty, early stopping), so it sees exactly
    the same features, split and stopping rule.

    Args:
        in_channels: input feature size ``F``.
        out_channels: number of output logits ``C``.

    Shapes:
        - input: ``x [N, F]`` (``edge_index``/``edge_weight`` ignored)
        - output: logits ``[N, C]``

    Example:
        >>> import torch
        >>> LogisticRegression(4, 2)(torch.randn(3, 4)).shape
        torch.Size([3, 2])
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_channels, out_channels)

    def forward(
        self, x: Tensor, edge_index: Tensor | None = None, edge_weight: Tensor | None = None
    ) -> Tensor:
        return self.linear(x)
