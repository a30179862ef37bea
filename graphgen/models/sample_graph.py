"""Graph classification over one shared gene network: each sample is the same graph with its
own node values (tumour subtyping from expression over a PPI).

**Shared-topology batching.** A batch is a tensor ``[B, G, F]`` (samples, genes, features)
and one sparse adjacency ``[G, G]``; a GCN layer multiplies the adjacency with the batch laid
out as ``[G, B * H]`` in a single sparse product. Nothing is copied per sample: a PyG batch of
``B`` per-sample ``Data`` objects would hold ``B`` copies of ``edge_index`` and gather/scatter
``B * E`` messages per layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.dropout import dropout
from graphgen.models.pooling import GenePooling
from graphgen.models.sparse_conv import (AttentionStructure, SparseGATConv, SparseGCNConv,
                                         SparseOperator, attention_aggregate,
                                         attention_structure, gcn_adjacency, segment_softmax)

__all__ = ["SampleGraphNet", "SampleGraphs"]


@dataclass
class SampleGraphs:
    """Samples over one gene graph: the container a :class:`SampleGraphNet` trains on.

    Attributes:
        x: ``[S, G, F]`` values of every sample at every gene (F omics channels).
        edge_index: ``[2, E]`` gene graph (both directions for an undirected network).
        edge_weight: ``[E]`` or ``None``.
        gene_ids, sample_ids, feature_names: the axes of ``x``.
    """

    x: Tensor
    edge_index: Tensor
    edge_weight: Tensor | None
    gene_ids: list[str]
    sample_ids: list[str]
    feature_names: list[str]
    _operator: SparseOperator | None = field(default=None, repr=False)
    _structure: AttentionStructure | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.x.dim() != 3:
            raise DataFormatError(f"SampleGraphs.x must be [samples, genes, features], got "
                                  f"{tuple(self.x.shape)}")
        s, g, f = self.x.shape
        if (len(self.sample_ids), len(self.gene_ids), len(self.feature_names)) != (s, g, f):
            raise DataFormatError("SampleGraphs: ids do not match the shape of x")
        if self.edge_index.numel() and int(self.edge_index.max()) >= g:
            raise DataFormatError("SampleGraphs: edge_index refers to genes beyond x")

    @property
    def num_features(self) -> int:
        return self.x.shape[2]

    @property
    def num_genes(self) -> int:
        return self.x.shape[1]

    @property
    def operator(self) -> SparseOperator:
        """GCN-normalised adjacency of the gene graph (built once)."""
        if self._operator is None:
            self._operator = gcn_adjacency(self.edge_index, self.edge_weight, self.num_genes)
        return self._operator

    @property
    def structure(self) -> AttentionStructure:
        """Attention pattern of the gene graph (built once)."""
        if self._structure is None:
            self._structure = attention_structure(self.edge_index, None, self.num_genes)
        return self._structure

    def subset(self, index: Tensor) -> SampleGraphs:
        """The same graph with the samples at ``index`` (the adjacency is shared)."""
        return SampleGraphs(self.x[index], self.edge_index, self.edge_weight, self.gene_ids,
                            [self.sample_ids[i] for i in index.tolist()], self.feature_names,
                            self._operator, self._structure)


def _fold(h: Tensor) -> Tensor:
    """``[B, G, H]`` -> ``[G, B * H]`` (genes first, for one sparse product)."""
    b, g, c = h.shape
    return h.permute(1, 0, 2).reshape(g, b * c)


def _unfold(h: Tensor, b: int) -> Tensor:
    g = h.shape[0]
    return h.reshape(g, b, -1).permute(1, 0, 2)


class SampleGraphNet(nn.Module):
    """GCN or GAT layers over the shared gene graph, a gene pooling, and a classifier head.

    Args:
        in_channels: features per gene ``F`` (omics channels).
        out_channels: classes ``C``.
        conv: ``"gcn"`` or ``"gat"``.
        hidden_channels: width of the gene representations (per head for GAT).
        num_layers: graph layers (>= 1).
        heads: attention heads (GAT).
        pooling: ``"mean"``, ``"max"``, ``"attention"`` or ``"flatten"`` (keeps gene
            identity; needs ``num_genes``).
        dropout: dropout on layer inputs and before the head.
        num_genes: genes ``G`` of the graph (for ``flatten`` pooling).

    Shapes:
        - input: ``x [B, G, F]`` and a :class:`SampleGraphs` for the graph
        - output: logits ``[B, C]``

    Example:
        >>> g = SampleGraphs(torch.randn(4, 3, 2), torch.tensor([[0, 1], [1, 0]]), None,
        ...                  ["A", "B", "C"], list("wxyz"), ["rna", "meth"])
        >>> SampleGraphNet(2, 5, hidden_channels=8)(g.x, g).shape
        torch.Size([4, 5])
    """

    def __init__(self, in_channels: int, out_channels: int, *, conv: str = "gcn",
                 hidden_channels: int = 32, num_layers: int = 2, heads: int = 2,
                 pooling: str = "mean", dropout: float = 0.3,
                 num_genes: int | None = None) -> None:
        super().__init__()
        if conv not in ("gcn", "gat"):
            raise ConfigError(f"SampleGraphNet: conv must be 'gcn' or 'gat', got {conv!r}")
        if num_layers < 1:
            raise ConfigError(f"SampleGraphNet: num_layers must be >= 1, got {num_layers}")
        self.conv, self.dropout = conv, dropout
        self.layers = nn.ModuleList()
        width = in_channels
        for _ in range(num_layers):
            if conv == "gcn":
                self.layers.append(SparseGCNConv(width, hidden_channels))
                width = hidden_channels
            else:
                self.layers.append(SparseGATConv(width, hidden_channels, heads=heads))
                width = hidden_channels * heads
        self.pool = GenePooling(pooling, width, num_genes)
        self.head = nn.Linear(self.pool.out_channels, out_channels)

    def gene_representations(self, x: Tensor, graph: SampleGraphs) -> Tensor:
        """``[B, G, H]`` after the graph layers."""
        b = x.shape[0]
        h = x
        for layer in self.layers:
            h = dropout(h, self.dropout, self.training)
            if self.conv == "gcn":
                h = layer.lin(h)  # [B, G, H]
                h = _unfold(graph.operator @ _fold(h), b) + layer.bias
            else:
                h = self._gat_layer(layer, h, graph.structure)
            h = torch.relu(h)
        return h

    @staticmethod
    def _gat_layer(layer: SparseGATConv, h: Tensor, structure: AttentionStructure) -> Tensor:
        # Fold the batch into the heads: the pattern is shared, only the values differ.
        b, g, _ = h.shape
        z = layer.lin(h).view(b, g, layer.heads, layer.out_channels)
        z = z.permute(1, 0, 2, 3).reshape(g, b * layer.heads, layer.out_channels)
        att_src = layer.att_src.repeat(1, b, 1)
        att_dst = layer.att_dst.repeat(1, b, 1)
        scores = torch.nn.functional.leaky_relu(
            (z * att_src).sum(-1).index_select(0, structure.src)
            + (z * att_dst).sum(-1).index_select(0, structure.dst),
            layer.negative_slope)
        alpha = dropout(segment_softmax(scores, structure), layer.dropout, layer.training)
        out = attention_aggregate(alpha, z, structure)  # [G, B*heads, C]
        out = out.reshape(g, b, layer.heads * layer.out_channels).permute(1, 0, 2)
        return out + layer.bias

    def forward(self, x: Tensor, graph: SampleGraphs) -> Tensor:
        pooled = self.pool(self.gene_representations(x, graph))
        return self.head(dropout(pooled, self.dropout, self.training))

    def gene_weights(self, x: Tensor, graph: SampleGraphs) -> pd.DataFrame:
        """Attention-pooling weight of every gene for every sample (which genes mattered)."""
        with torch.no_grad():
            weights = self.pool.weights(self.gene_representations(x, graph))
        return pd.DataFrame(weights.numpy(), columns=graph.gene_ids)
