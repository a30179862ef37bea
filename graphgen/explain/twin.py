"""PyG twins of graphgen's sparse graph layers, and a model's receptive field.

graphgen's GCN, GraphSAGE and GAT run on a sparse operator built once per graph (fast, but
the edges are not a differentiable input). PyG's explainers read and mask edges inside
``MessagePassing`` layers, so explanations run on a *twin*: the same model with each of those
layers replaced by PyG's ``GCNConv``/``SAGEConv``/``GATConv`` holding the same weights (the
parameter names are the same, and the outputs are equal; a test checks it). Models already
built on PyG layers (APPNP, SGC, GIN, GCNII) are their own twins.
"""

from __future__ import annotations

import copy

from torch import Tensor, nn
from torch_geometric.nn import GATConv, GCNConv, MessagePassing, SAGEConv

from graphgen.models.layerwise import receptive_hops
from graphgen.models.sparse_conv import (
    AdjacencyCache,
    SparseGATConv,
    SparseGCNConv,
    SparseSAGEConv,
)

__all__ = ["message_passing_twin", "receptive_hops", "has_message_passing"]


class _PygLayer(nn.Module):
    """A PyG layer called as graphgen's sparse layers are: ``layer(x, operator)``, where the
    twin's operator is the graph itself, ``(edge_index, edge_weight)``."""

    def __init__(self, conv: MessagePassing, uses_weight: bool) -> None:
        super().__init__()
        self.conv, self.uses_weight = conv, uses_weight

    def forward(self, x: Tensor, graph: tuple[Tensor, Tensor | None]) -> Tensor:
        edge_index, edge_weight = graph
        if self.uses_weight:
            return self.conv(x, edge_index, edge_weight)
        return self.conv(x, edge_index)


def _edges(edge_index: Tensor, edge_weight: Tensor | None, _num_nodes: int):
    """The twin's "operator": the edges themselves (PyG's layers build their own)."""
    return edge_index, edge_weight


def _twin_layer(conv: nn.Module) -> _PygLayer:
    if isinstance(conv, SparseGCNConv):
        out, inp = conv.lin.weight.shape
        twin = GCNConv(inp, out)
    elif isinstance(conv, SparseSAGEConv):
        out, inp = conv.lin_l.weight.shape
        twin = SAGEConv(inp, out)
    else:
        twin = GATConv(conv.lin.weight.shape[1], conv.out_channels, heads=conv.heads,
                       concat=conv.concat, negative_slope=conv.negative_slope)
    twin.load_state_dict(conv.state_dict())
    twin = twin.to(next(conv.parameters()).device)
    return _PygLayer(twin, uses_weight=isinstance(conv, SparseGCNConv))


def message_passing_twin(model: nn.Module) -> nn.Module:
    """A copy of ``model`` whose graphgen sparse layers are PyG ``MessagePassing`` layers
    with the same weights (so PyG's explainers can mask edges). ``model`` is not changed.

    Every ``SparseGCNConv``/``SparseSAGEConv``/``SparseGATConv`` becomes PyG's
    ``GCNConv``/``SAGEConv``/``GATConv`` and every cached sparse operator passes the edges
    through, so any model written on graphgen's layers (GCN, GraphSAGE, GAT, the pair
    classifier, fused models) gets its twin without knowing its class.

    Example:
        >>> import torch
        >>> from graphgen.models import GCN
        >>> model = GCN(4, 2, hidden_channels=8).eval()
        >>> x, ei = torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])
        >>> torch.allclose(model(x, ei), message_passing_twin(model)(x, ei), atol=1e-6)
        True
    """
    twin = copy.deepcopy(model).eval()
    for module in list(twin.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, (SparseGCNConv, SparseSAGEConv, SparseGATConv)):
                setattr(module, name, _twin_layer(child).eval())
        for name, value in list(vars(module).items()):
            if isinstance(value, AdjacencyCache):
                setattr(module, name, AdjacencyCache(_edges))
    return twin


def has_message_passing(model: nn.Module) -> bool:
    """Whether ``model`` propagates over edges with PyG ``MessagePassing`` layers."""
    return any(isinstance(m, MessagePassing) for m in model.modules())


