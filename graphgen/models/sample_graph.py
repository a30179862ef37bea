"""Graph classification over one shared gene network: each sample is the same graph with its
own node values (tumour subtyping from expression over a PPI).

**Shared-topology batching.** A batch is a tensor ``[B, G, F]`` (samples, genes, features)
and one sparse adjacency ``[G, G]``; a GCN layer multiplies the adjacency with the batch laid
out as ``[G, B * H]`` in a single sparse product. Nothing is copied per sample: a PyG batch of
``B`` per-sample ``Data`` objects would hold ``B`` copies of ``edge_index`` and gather/scatter
``B * E`` messages per layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.pooling import GenePooling
from graphgen.models.sparse_conv import (
    AdjacencyCache,
    SparseGATConv,
    SparseGCNConv,
    attention_structure,
    gcn_adjacency,
)

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

    def subset(self, index: Tensor) -> SampleGraphs:
        """The same graph with the samples at ``index`` (``edge_index`` is shared, so the
        models' cached operators are reused)."""
        return SampleGraphs(self.x[index], self.edge_index, self.edge_weight, self.gene_ids,
                            [self.sample_ids[i] for i in index.tolist()], self.feature_names)


class SampleGraphNet(GraphModel):
    """GCN or GAT layers over the shared gene graph, a gene pooling, and a classifier head.

    The layers are graphgen's one GCN and one GAT layer
    (:class:`~graphgen.models.sparse_conv.SparseGCNConv`,
    :class:`~graphgen.models.sparse_conv.SparseGATConv`) on a batch ``[B, G, F]``: one sparse
    product per layer serves every sample of the batch.

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
        - input: ``x [B, G, F]``, the gene graph ``edge_index [2, E]`` and optional
          ``edge_weight [E]`` (the operator is built once per graph and cached)
        - output: logits ``[B, C]``

    Example:
        >>> g = SampleGraphs(torch.randn(4, 3, 2), torch.tensor([[0, 1], [1, 0]]), None,
        ...                  ["A", "B", "C"], list("wxyz"), ["rna", "meth"])
        >>> SampleGraphNet(2, 5, hidden_channels=8)(g.x, g.edge_index).shape
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
        self._operator = AdjacencyCache(gcn_adjacency if conv == "gcn"
                                        else attention_structure)

    def gene_representations(self, x: Tensor, edge_index: Tensor,
                             edge_weight: Tensor | None = None) -> Tensor:
        """``[B, G, H]`` after the graph layers."""
        operator = self._operator(edge_index, edge_weight if self.conv == "gcn" else None,
                                  x.shape[1])
        h = x
        for layer in self.layers:
            h = torch.relu(layer(dropout(h, self.dropout, self.training), operator))
        return h

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None
                ) -> Tensor:
        pooled = self.pool(self.gene_representations(x, edge_index, edge_weight))
        return self.head(dropout(pooled, self.dropout, self.training))

    def gene_weights(self, graph: SampleGraphs) -> pd.DataFrame:
        """Attention-pooling weight of every gene for every sample (which genes mattered)."""
        with torch.no_grad():
            weights = self.pool.weights(self.gene_representations(
                graph.x, graph.edge_index, graph.edge_weight))
        return pd.DataFrame(weights.numpy(), index=graph.sample_ids, columns=graph.gene_ids)
