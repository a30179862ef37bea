"""Layer-wise inference: a model's output on every node without the full graph in one step.

A model trained on sampled sub-graphs (:class:`~graphgen.graph.sampling.NeighborSampler`) is
evaluated exactly, on all neighbours, one layer at a time: layer ``l`` is computed for every
node, chunk by chunk of target nodes, from layer ``l - 1``'s output of the chunk's in-
neighbours (GraphSAGE's inference). Memory then holds two ``[N, hidden]`` activations and the
in-edges of one chunk, where a full-graph forward builds the whole normalised adjacency (and
its transpose) and a sampled forward over ``L`` hops would reach most of the graph for every
batch.

The result equals the full-graph forward (``tests/models/test_layerwise.py``): a chunk holds
every in-edge of its targets, so mean aggregation (GraphSAGE) is exact, and GCN's symmetric
normalisation uses the graph's degrees, not the chunk's. Models outside
:class:`~graphgen.models.conv_stack.ConvStack` (GAT, APPNP, GIN, ...) are run on the whole
graph without gradients instead.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphgen.graph.sampling import CSRGraph
from graphgen.models.base import run_model
from graphgen.models.conv_stack import ConvStack
from graphgen.models.sparse_conv import _operator, gcn_adjacency

__all__ = ["layerwise_logits"]


@torch.no_grad()
def layerwise_logits(model: nn.Module, data, *, csr: CSRGraph | None = None,
                     chunk_size: int = 8192, distributed: bool = False) -> Tensor:
    """Logits of ``model`` on every node of ``data``, on the CPU.

    Args:
        model: a trained node model; a :class:`~graphgen.models.conv_stack.ConvStack`
            (GCN, GraphSAGE) runs layer by layer in chunks, any other model on the whole
            graph.
        data: the graph (``x``, ``edge_index``, optional ``edge_weight``).
        csr: the graph's in-neighbour CSR, when already built (a sampler holds one).
        chunk_size: target nodes per step.
        distributed: in a ``torch.distributed`` run, every rank computes its share of the
            nodes of each layer and the layer is gathered on every rank.

    Returns:
        ``[N, out]`` logits, equal to ``model(x, edge_index, edge_weight)`` in evaluation mode.
    """
    was_training = model.training
    model.eval()
    try:
        if not isinstance(model, ConvStack) or _has_self_loops(data.edge_index):
            return run_model(model, data).cpu()
        num_nodes = data.x.shape[0]
        csr = csr or CSRGraph.from_edge_index(data.edge_index, num_nodes)
        device = next(model.parameters()).device
        weight = getattr(data, "edge_weight", None)
        weight = weight.cpu() if weight is not None else None
        gcn = model._operator.build is gcn_adjacency
        degree = _gcn_degree(csr, weight) if gcn else None
        h = data.x.cpu()
        rank, world = _rank_and_world() if distributed else (0, 1)
        bounds = [num_nodes * r // world for r in range(world + 1)]
        for i, conv in enumerate(model.convs):
            out = []
            for first in range(bounds[rank], bounds[rank + 1], chunk_size):
                targets = torch.arange(first, min(first + chunk_size, bounds[rank + 1]))
                positions, owner = csr.in_edges(targets)
                sources = csr.col.index_select(0, positions).long()
                n_local = len(targets) + len(sources)
                x_local = torch.cat([h.index_select(0, targets), h.index_select(0, sources)])
                src_local = torch.arange(len(targets), n_local)
                if gcn:
                    w = (torch.ones(len(positions)) if weight is None else
                         weight.index_select(0, csr.edge_id.index_select(0, positions).long()))
                    operator = _gcn_chunk(src_local, owner, w.float(), degree, targets, sources,
                                          n_local, device)
                else:
                    edge_index = torch.stack([src_local, owner]).to(device)
                    operator = model._operator.build(edge_index, None, n_local)
                y = conv(x_local.to(device), operator)[: len(targets)]
                if i < len(model.convs) - 1:
                    y = torch.relu(y)
                out.append(y.cpu())
            h = torch.cat(out) if out else h.new_zeros((0, _conv_out(conv)))
            if world > 1:
                h = _gather_rows(h, bounds)
        return h
    finally:
        model.train(was_training)


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


def _has_self_loops(edge_index: Tensor) -> bool:
    return bool((edge_index[0] == edge_index[1]).any())


def _gcn_degree(csr: CSRGraph, weight: Tensor | None) -> Tensor:
    """GCN's degree with the added self-loop: ``1 + sum of in-edge weights`` of every node."""
    if weight is None:
        return csr.in_degree.float() + 1
    targets = torch.repeat_interleave(torch.arange(csr.num_nodes), csr.in_degree)
    w = weight.index_select(0, csr.edge_id.long()).float()
    return torch.ones(csr.num_nodes).index_add_(0, targets, w)


def _gcn_chunk(src_local: Tensor, owner: Tensor, weight: Tensor, degree: Tensor,
               targets: Tensor, sources: Tensor, n_local: int, device):
    """The rows of the chunk's targets of ``D^-1/2 (A + I) D^-1/2`` with the graph's degrees."""
    inv = degree.rsqrt()
    values = inv.index_select(0, sources) * weight * inv.index_select(0, targets).index_select(
        0, owner)
    loops = torch.arange(len(targets))
    rows = torch.cat([owner, loops])
    cols = torch.cat([src_local, loops])
    values = torch.cat([values, 1.0 / degree.index_select(0, targets)])
    return _operator(rows.to(device), cols.to(device), values.to(device), n_local)
