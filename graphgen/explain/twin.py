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

import torch
from torch import Tensor, nn
from torch_geometric.nn import GATConv, GCNConv, MessagePassing, SAGEConv

from graphgen.models.base import GraphModel
from graphgen.models.conv_stack import ConvStack
from graphgen.models.gat import GAT
from graphgen.models.sparse_conv import SparseGATConv, SparseGCNConv, SparseSAGEConv

__all__ = ["message_passing_twin", "receptive_hops", "has_message_passing"]


class _TwinStack(GraphModel):
    """A :class:`ConvStack` or :class:`GAT` on PyG's layers (evaluation only)."""

    def __init__(self, convs: list[nn.Module], activation: str, uses_weight: bool) -> None:
        super().__init__()
        self.convs = nn.ModuleList(convs)
        self.activation = activation
        self.uses_weight = uses_weight

    def forward(self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None) -> Tensor:
        for i, conv in enumerate(self.convs):
            x = (conv(x, edge_index, edge_weight) if self.uses_weight
                 else conv(x, edge_index))
            if i < len(self.convs) - 1:
                x = torch.relu(x) if self.activation == "relu" else nn.functional.elu(x)
        return x


def _twin_layer(conv: nn.Module) -> nn.Module:
    if isinstance(conv, SparseGCNConv):
        out, inp = conv.lin.weight.shape
        twin = GCNConv(inp, out)
    elif isinstance(conv, SparseSAGEConv):
        out, inp = conv.lin_l.weight.shape
        twin = SAGEConv(inp, out)
    elif isinstance(conv, SparseGATConv):
        twin = GATConv(conv.lin.weight.shape[1], conv.out_channels, heads=conv.heads,
                       concat=conv.concat, negative_slope=conv.negative_slope)
    else:  # pragma: no cover - every ConvStack layer is one of the three
        raise TypeError(f"no PyG twin for {type(conv).__name__}")
    twin.load_state_dict(conv.state_dict())
    return twin.to(next(conv.parameters()).device)


def _twin_stack(module: ConvStack | GAT) -> _TwinStack:
    convs = [_twin_layer(c) for c in module.convs]
    activation = "elu" if isinstance(module, GAT) else "relu"
    uses_weight = isinstance(module.convs[0], SparseGCNConv)
    return _TwinStack(convs, activation, uses_weight).eval()


def message_passing_twin(model: nn.Module) -> nn.Module:
    """A copy of ``model`` whose graphgen sparse layers are PyG ``MessagePassing`` layers
    with the same weights (so PyG's explainers can mask edges). ``model`` is not changed.

    Example:
        >>> import torch
        >>> from graphgen.models import GCN
        >>> model = GCN(4, 2, hidden_channels=8).eval()
        >>> x, ei = torch.randn(3, 4), torch.tensor([[0, 1], [1, 0]])
        >>> torch.allclose(model(x, ei), message_passing_twin(model)(x, ei), atol=1e-6)
        True
    """
    if isinstance(model, (ConvStack, GAT)):
        return _twin_stack(model)
    twin = copy.deepcopy(model).eval()
    for name, module in list(twin.named_modules()):
        if name and isinstance(module, (ConvStack, GAT)):
            parent_name, _, attr = name.rpartition(".")
            parent = twin.get_submodule(parent_name) if parent_name else twin
            setattr(parent, attr, _twin_stack(module))
    return twin


def has_message_passing(model: nn.Module) -> bool:
    """Whether ``model`` propagates over edges with PyG ``MessagePassing`` layers."""
    return any(isinstance(m, MessagePassing) for m in model.modules())


def receptive_hops(model: nn.Module) -> int:
    """How many hops of the graph reach a node's output: one per graph layer, ``K`` for the
    propagation layers of APPNP and SGC; 0 for models without a graph (MLP, logistic
    regression)."""
    hops = 0
    for module in model.modules():
        if isinstance(module, (SparseGCNConv, SparseSAGEConv, SparseGATConv)):
            hops += 1
        elif isinstance(module, MessagePassing):
            hops += int(getattr(module, "K", 1))
    return hops
