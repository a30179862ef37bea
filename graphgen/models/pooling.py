"""Readouts from gene-level representations to one vector per sample: mean, max, attention."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError

__all__ = ["POOLINGS", "GenePooling"]

POOLINGS = ("mean", "max", "attention", "flatten")


class GenePooling(nn.Module):
    r"""Pool ``[B, G, H]`` gene representations into ``[B, H]``.

    * ``mean``: average over genes; ``max``: element-wise maximum;
    * ``attention``: :math:`\sum_g \mathrm{softmax}_g(w^\top h_g)\, h_g`, a learned gene
      weighting (its weights show which genes drove a prediction);
    * ``flatten``: the gene representations side by side, ``[B, G * H]``. The graph layers
      share their weights across genes, so the three readouts above forget which gene is
      which; flattening keeps gene identity for the head (``G * H`` inputs; set
      ``num_genes``).

    Example:
        >>> GenePooling("max", 3)(torch.tensor([[[1., 5., 0.], [2., 1., 0.]]])).tolist()
        [[2.0, 5.0, 0.0]]
    """

    def __init__(self, kind: str, channels: int, num_genes: int | None = None) -> None:
        super().__init__()
        if kind not in POOLINGS:
            raise ConfigError(f"pooling must be one of {list(POOLINGS)}, got {kind!r}")
        if kind == "flatten" and not num_genes:
            raise ConfigError("flatten pooling needs num_genes")
        self.kind = kind
        self.gate = nn.Linear(channels, 1) if kind == "attention" else None
        self.out_channels = channels * num_genes if kind == "flatten" else channels

    def weights(self, h: Tensor) -> Tensor:
        """Attention weights ``[B, G]`` (attention pooling only)."""
        if self.gate is None:
            raise ConfigError("gene weights exist for attention pooling only")
        return torch.softmax(self.gate(h).squeeze(-1), dim=1)

    def forward(self, h: Tensor) -> Tensor:
        if self.kind == "mean":
            return h.mean(dim=1)
        if self.kind == "max":
            return h.amax(dim=1)
        if self.kind == "flatten":
            return h.reshape(h.shape[0], -1)
        return (self.weights(h).unsqueeze(-1) * h).sum(dim=1)
