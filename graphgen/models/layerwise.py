"""Layer-wise inference: a model's output on every node without the full graph in one step.

A model trained on sampled sub-graphs (:class:`~graphgen.graph.sampling.NeighborSampler`) is
evaluated exactly, on all neighbours, one layer at a time: layer ``l`` is computed for every
node, chunk by chunk of target nodes, from layer ``l - 1``'s output of the chunk's in-
neighbours (GraphSAGE's inference). Memory then holds two ``[N, hidden]`` activations and the
in-edges of one chunk, where a full-graph forward builds the whole normalised adjacency (and
its transpose) and a sampled forward over ``L`` hops would reach most of the graph for every
batch.

A model offers it as its ``inference`` method, as PyG's ``BasicGNN.inference``:
:meth:`~graphgen.models.conv_stack.ConvStack.inference` (GCN, GraphSAGE) runs
:func:`layer_by_layer` here. :func:`layerwise_logits` is the trainer's one call: a model's
``inference`` when it has one, else the whole graph without gradients (GAT, APPNP, GIN, ...).

The result equals the full-graph forward (``tests/models/test_layerwise.py``): a chunk holds
every in-edge of its targets, so mean aggregation (GraphSAGE) is exact, and GCN's symmetric
normalisation uses the graph's degrees, not the chunk's.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch_geometric.nn import MessagePassing

from graphgen.graph.sampling import CSRGraph
from graphgen.models.base import run_model
from graphgen.models.sparse_conv import SparseGATConv, SparseGCNConv, SparseSAGEConv

__all__ = ["layer_by_layer", "layerwise_logits", "receptive_hops"]


@torch.no_grad()
def layerwise_logits(model: nn.Module, data, *, csr: CSRGraph | None = None,
                     chunk_size: int = 4096, distributed: bool = False) -> Tensor:
    """Logits of ``model`` on every node of ``data``, on the CPU: its ``inference`` method
    when it has one (layer by layer, in chunks), else one forward over the whole graph.

    Args:
        model: a trained node model.
        data: the graph (``x``, ``edge_index``, optional ``edge_weight``).
        csr: the graph's in-neighbour CSR, when already built (a sampler holds one).
        chunk_size: target nodes per step.
        distributed: in a ``torch.distributed`` run, every rank computes its share of the
            nodes of each layer and the layer is gathered on every rank.

    Returns:
        ``[N, out]`` logits, equal to ``model(x, edge_index, edge_weight)`` in evaluation mode.
    """
    inference = getattr(model, "inference", None)
    if inference is not None:
        return inference(data, csr=csr, chunk_size=chunk_size, distributed=distributed)
    was_training = model.training
    model.eval()
    try:
        return run_model(model, data).cpu()
    finally:
        model.train(was_training)


@torch.no_grad()
def layer_by_layer(convs: Sequence[nn.Module], data, *, gcn: bool, device: torch.device,
                   csr: CSRGraph | None = None, chunk_size: int = 4096,
                   distributed: bool = False) -> Tensor:
    """The layers ``convs`` (ReLU between them) over every node of ``data``, one layer at a
    time in chunks of ``chunk_size`` target nodes, on the CPU.

    Args:
        convs: graph layers that take ``(x, operator)`` (graphgen's sparse layers).
        gcn: GCN's symmetric normalisation with self-loops (else mean aggregation).
        device: where the layers run.
        csr, chunk_size, distributed: as :func:`layerwise_logits`.
    """
    num_nodes = data.x.shape[0]
    weight = getattr(data, "edge_weight", None)
    weight = weight.cpu() if weight is not None and gcn else None
    if csr is None or (weight is not None and csr.edge_id is None):
        csr = CSRGraph.from_edge_index(data.edge_index, num_nodes, edge_ids=weight is not None)
    degree = _gcn_degree(csr, weight) if gcn else csr.in_degree.clamp_min(1).float()
    lookup = torch.full((num_nodes,), -1, dtype=torch.int64)
    seen = torch.zeros(num_nodes, dtype=torch.bool)
    h = data.x.cpu()
    rank, world = _rank_and_world() if distributed else (0, 1)
    bounds = [num_nodes * r // world for r in range(world + 1)]
    for i, conv in enumerate(convs):
        out = []
        for first in range(bounds[rank], bounds[rank + 1], chunk_size):
            last = min(first + chunk_size, bounds[rank + 1])
            operator, rows = _chunk(csr, first, last, degree, weight, gcn, lookup, seen)
            x_local = torch.cat([h[first:last], h.index_select(0, rows)])
            y = conv(x_local.to(device), operator.to(device))[: last - first]
            if i < len(convs) - 1:
                y = torch.relu(y)
            out.append(y.cpu())
        h = torch.cat(out) if out else h.new_zeros((0, _conv_out(conv)))
        if world > 1:
            h = _gather_rows(h, bounds)
    return h


def has_self_loops(edge_index: Tensor) -> bool:
    """Whether any edge joins a node to itself (GCN then keeps the graph's own weights, and
    the layer-by-layer path, which adds its own, does not apply)."""
    return bool((edge_index[0] == edge_index[1]).any())


class _ChunkOperator:
    """The rows of a chunk's targets of a layer's operator, over the local nodes (targets
    first, then their distinct sources); rows of the sources are zero (sliced off)."""

    def __init__(self, matrix: Tensor, loop: Tensor | None, n_local: int) -> None:
        self.matrix, self.loop, self.n_local = matrix, loop, n_local

    def to(self, device) -> _ChunkOperator:
        return _ChunkOperator(self.matrix.to(device), None if self.loop is None
                              else self.loop.to(device), self.n_local)

    def __matmul__(self, h: Tensor) -> Tensor:
        out = self.matrix @ h
        if self.loop is not None:
            out = out + self.loop.unsqueeze(1) * h[: len(self.loop)]
        return torch.cat([out, h.new_zeros((self.n_local - out.shape[0], h.shape[1]))])


def _chunk(csr: CSRGraph, first: int, last: int, degree: Tensor, weight: Tensor | None,
           gcn: bool, lookup: Tensor, seen: Tensor) -> tuple[_ChunkOperator, Tensor]:
    """The operator of targets ``first..last-1`` from all their in-edges, and the distinct
    source nodes (in O(edges): the chunk's edges are one CSR slice, already by target)."""
    lo, hi = int(csr.ptr[first]), int(csr.ptr[last])
    sources = csr.col[lo:hi].long()
    seen.index_fill_(0, sources, True)
    rows = seen.nonzero().squeeze(1)
    seen.index_fill_(0, rows, False)
    lookup.index_copy_(0, rows, torch.arange(len(rows)) + (last - first))
    src_local = lookup.index_select(0, sources)
    targets = torch.arange(first, last)
    per_target = (csr.ptr[first + 1:last + 1] - csr.ptr[first:last])
    owner = torch.repeat_interleave(targets, per_target)
    if gcn:
        w = (torch.ones(hi - lo) if weight is None else
             weight.index_select(0, csr.edge_id[lo:hi].long()).float())
        inv = degree.rsqrt()
        values = inv.index_select(0, sources) * w * inv.index_select(0, owner)
        loop = 1.0 / degree[first:last]
    else:
        values = (1.0 / degree).index_select(0, owner)
        loop = None
    crow = csr.ptr[first:last + 1] - lo
    n_local = (last - first) + len(rows)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
        warnings.filterwarnings("ignore", message="Sparse invariant checks")
        matrix = torch.sparse_csr_tensor(crow, src_local, values.float(),
                                         (last - first, n_local))
    return _ChunkOperator(matrix, loop, n_local), rows


def _conv_out(conv: nn.Module) -> int:
    """Output width of a layer (for a rank with no nodes)."""
    lin = getattr(conv, "lin", None) or conv.lin_l
    return int(lin.out_features)


def _rank_and_world() -> tuple[int, int]:
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def _gather_rows(h: Tensor, bounds: list[int]) -> Tensor:
    """Every rank's rows, in rank order, on every rank (padded to one size for gloo)."""
    sizes = [b - a for a, b in zip(bounds[:-1], bounds[1:])]
    width = max(sizes)
    padded = torch.zeros((width, h.shape[1]), dtype=h.dtype)
    padded[: len(h)] = h
    parts = [torch.empty_like(padded) for _ in sizes]
    torch.distributed.all_gather(parts, padded)
    return torch.cat([p[:n] for p, n in zip(parts, sizes)])


def _gcn_degree(csr: CSRGraph, weight: Tensor | None) -> Tensor:
    """GCN's degree with the added self-loop: ``1 + sum of in-edge weights`` of every node."""
    if weight is None:
        return csr.in_degree.float() + 1
    targets = torch.repeat_interleave(torch.arange(csr.num_nodes), csr.in_degree)
    w = weight.index_select(0, csr.edge_id.long()).float()
    return torch.ones(csr.num_nodes).index_add_(0, targets, w)


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
