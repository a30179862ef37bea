"""The layer stack every node GNN shares: dropout, a graph layer, ReLU between layers."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from graphgen.graph.sampling import CSRGraph
from graphgen.models.base import GraphModel, run_model
from graphgen.models.dropout import dropout
from graphgen.models.layerwise import has_self_loops, layer_by_layer
from graphgen.models.sparse_conv import AdjacencyCache, gcn_adjacency, mean_adjacency_of

__all__ = ["ConvStack"]


class ConvStack(GraphModel):
    """``num_layers`` graph layers ``in -> hidden -> ... -> out`` on a cached graph operator.

    Subclasses pass the layer class and the function that turns ``(edge_index, edge_weight,
    num_nodes)`` into the operator the layers take (built once per graph).
    """

    def __init__(self, in_channels: int, out_channels: int, *, hidden_channels: int,
                 num_layers: int, dropout: float,
                 layer: Callable[[int, int], nn.Module],
                 operator: Callable[[Tensor, Tensor | None, int], object]) -> None:
        super().__init__()
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = nn.ModuleList(layer(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.dropout = dropout
        self._operator = AdjacencyCache(operator)

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None) -> Tensor:
        operator = self._operator(edge_index, edge_weight, x.shape[0])
        for i, conv in enumerate(self.convs):
            x = conv(dropout(x, self.dropout, self.training), operator)
            if i < len(self.convs) - 1:
                x = torch.relu(x)
        return x

    @torch.no_grad()
    def inference(self, data, *, csr: CSRGraph | None = None, chunk_size: int = 4096,
                  distributed: bool = False) -> Tensor:
        """Logits ``[N, out]`` of every node of ``data`` in evaluation mode, on the CPU,
        computed layer by layer in chunks of target nodes
        (:func:`~graphgen.models.layerwise.layer_by_layer`, exact for GCN and GraphSAGE's
        operators) as PyG's ``BasicGNN.inference``; other operators, or GCN on a graph with
        its own self-loops, run one forward over the whole graph.

        Args:
            data: the graph (``x``, ``edge_index``, optional ``edge_weight``).
            csr: the graph's in-neighbour CSR, when already built (a sampler holds one).
            chunk_size: target nodes per step.
            distributed: in a ``torch.distributed`` run, every rank computes its share of
                the nodes of each layer and the layer is gathered on every rank.
        """
        was_training = self.training
        self.eval()
        try:
            build = self._operator.build
            gcn = build is gcn_adjacency
            if build not in (gcn_adjacency, mean_adjacency_of) or (
                    gcn and has_self_loops(data.edge_index)):
                return run_model(self, data).cpu()
            return layer_by_layer(self.convs, data, gcn=gcn,
                                  device=next(self.parameters()).device, csr=csr,
                                  chunk_size=chunk_size, distributed=distributed)
        finally:
            self.train(was_training)
