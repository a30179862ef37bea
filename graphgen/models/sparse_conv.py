"""GCN and GraphSAGE layers on a precomputed sparse (CSR) adjacency.

PyG's message passing gathers and scatters every edge on every call; on a CPU without
torch-sparse (pyg-lib/torch-sparse are not installable everywhere) that costs tens of
milliseconds per layer on a 12k-gene, 200k-edge PPI. The normalised adjacency of a fixed graph
does not change during training, so it is built once and every layer is a sparse-dense
matrix product (about 25x faster here). Graph attention cannot precompute its weights, but
its aggregation is one sparse product per head with attention values on a fixed pattern; a
small autograd function computes the gradients with sparse products and a sampled dense
product (SDDMM) instead of gathering ``[E, heads, channels]`` tensors (3.5x faster forward
and backward). The maths equals PyG's ``GCNConv``, ``SAGEConv`` (mean aggregation) and
``GATConv``; the tests check outputs and gradients to 1e-5.

:class:`AdjacencyCache` keeps the adjacency of the last graph seen, keyed by the identity and
version of its ``edge_index`` tensor (the cache holds a reference, so a new graph can never
be mistaken for the cached one).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch_geometric.nn.conv.gcn_conv import gcn_norm
from torch_geometric.utils import add_self_loops, remove_self_loops

from graphgen.models.dropout import dropout

__all__ = ["AdjacencyCache", "AttentionStructure", "SparseGATConv", "SparseGCNConv",
           "SparseOperator", "SparseSAGEConv", "attention_aggregate", "attention_structure",
           "fold_batch", "gcn_adjacency", "mean_adjacency", "mean_adjacency_of",
           "segment_softmax", "unfold_batch"]


def _csr(rows: Tensor, cols: Tensor, values: Tensor, n: int) -> Tensor:
    """The ``n x n`` CSR matrix of the entries (duplicates summed, as ``coalesce``), through
    one radix sort of ``row * n + col`` instead of ``coalesce``'s comparison sort."""
    key, order = torch.sort(rows.long() * n + cols.long(), stable=True)
    values = values.index_select(0, order)
    if len(key) > 1:
        first = torch.ones(len(key), dtype=torch.bool, device=key.device)
        torch.ne(key[1:], key[:-1], out=first[1:])
        if not bool(first.all()):
            group = torch.cumsum(first, 0) - 1
            values = torch.zeros(int(group[-1]) + 1, dtype=values.dtype,
                                 device=values.device).index_add_(0, group, values)
            key = key[first]
    crow = torch.zeros(n + 1, dtype=torch.int64, device=key.device)
    torch.cumsum(torch.bincount(key // n, minlength=n), 0, out=crow[1:])
    return _csr_from_parts(crow, key % n, values, n)


def _csr_from_parts(ptr: Tensor, cols: Tensor, values: Tensor, n: int) -> Tensor:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
        warnings.filterwarnings("ignore", message="Sparse invariant checks")
        return torch.sparse_csr_tensor(ptr, cols, values, (n, n))


@dataclass(frozen=True)
class SparseOperator:
    """A fixed sparse matrix with its transpose, both CSR, for fast products both ways.

    ``operator @ x`` multiplies; the gradient with respect to ``x`` uses the stored
    transpose instead of transposing the CSR matrix on every backward pass.
    """

    matrix: Tensor
    transpose: Tensor

    def __matmul__(self, x: Tensor) -> Tensor:
        return _SparseProduct.apply(x, self)

    def to_dense(self) -> Tensor:
        return self.matrix.to_dense()


class _SparseProduct(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor, operator: SparseOperator) -> Tensor:
        ctx.operator = operator
        return operator.matrix @ x

    @staticmethod
    def backward(ctx, grad: Tensor):
        return ctx.operator.transpose @ grad.contiguous(), None


def _operator(rows: Tensor, cols: Tensor, values: Tensor, n: int) -> SparseOperator:
    return SparseOperator(matrix=_csr(rows, cols, values, n), transpose=_csr(cols, rows, values, n))


def gcn_adjacency(edge_index: Tensor, edge_weight: Tensor | None, num_nodes: int
                  ) -> SparseOperator:
    r""":math:`\hat D^{-1/2} (A + I) \hat D^{-1/2}` (row = target node) and its transpose.

    Self-loops are added where missing (weight 1), exactly as PyG's ``gcn_norm``.
    """
    index, weight = gcn_norm(edge_index, edge_weight, num_nodes, add_self_loops=True)
    return _operator(index[1], index[0], weight.float(), num_nodes)


def mean_adjacency_of(edge_index: Tensor, _edge_weight: Tensor | None, num_nodes: int
                      ) -> SparseOperator:
    """:func:`mean_adjacency` with the signature :class:`AdjacencyCache` calls (weights are
    not used by mean aggregation)."""
    return mean_adjacency(edge_index, num_nodes)


def mean_adjacency(edge_index: Tensor, num_nodes: int) -> SparseOperator:
    """Row-normalised adjacency: row ``i`` averages the sources of edges into ``i``."""
    src, dst = edge_index
    ones = torch.ones(src.shape[0], device=edge_index.device)
    degree = torch.zeros(num_nodes, device=edge_index.device).index_add_(0, dst, ones)
    return _operator(dst, src, ones / degree.clamp_min(1)[dst], num_nodes)


class AdjacencyCache:
    """The adjacency of the last graph seen, rebuilt when the graph changes."""

    def __init__(self, build: Callable[[Tensor, Tensor | None, int], object]) -> None:
        self.build = build
        self._key: tuple | None = None
        self._value: object = None

    def __call__(self, edge_index: Tensor, edge_weight: Tensor | None, num_nodes: int):
        key = _graph_key(edge_index, edge_weight, num_nodes)
        if self._key is None or not _same(self._key, key):
            self._value = self.build(edge_index, edge_weight, num_nodes)
            self._key = key
        return self._value

    def __getstate__(self) -> dict:  # deep copies / pickles do not carry the cached graph
        return {"build": self.build, "_key": None, "_value": None}


class PygCacheGuard:
    """Clears the per-graph caches of PyG layers built with ``cached=True`` (APPNP, GCNII,
    SGC) when the graph changes, so a model fitted on one graph predicts right on another
    (PyG's own cache would silently reuse the first graph). With ``x`` (SGC caches the
    smoothed features) the features count too, and a differentiable ``x`` is never cached."""

    _ATTRIBUTES = ("_cached_edge_index", "_cached_adj_t", "_cached_x")

    def __init__(self) -> None:
        self._key: tuple | None = None

    def __call__(self, layers, edge_index: Tensor, edge_weight: Tensor | None, num_nodes: int,
                 x: Tensor | None = None) -> None:
        key = _graph_key(edge_index, edge_weight, num_nodes)
        if x is not None:
            key += (x, x._version)
        if (self._key is None or not _same(self._key, key)
                or (x is not None and x.requires_grad)):
            for layer in layers:
                for name in self._ATTRIBUTES:
                    if hasattr(layer, name):
                        setattr(layer, name, None)
            self._key = key

    def __getstate__(self) -> dict:
        return {"_key": None}


def _graph_key(edge_index: Tensor, edge_weight: Tensor | None, num_nodes: int) -> tuple:
    """What identifies a graph for the caches: the tensors themselves and their versions (an
    in-place change counts as a new graph)."""
    return (edge_index, edge_index._version, edge_weight,
            None if edge_weight is None else edge_weight._version, num_nodes)


def _same(a: tuple, b: tuple) -> bool:
    return all(x is y if isinstance(x, Tensor) or x is None or y is None else x == y
               for x, y in zip(a, b))


class SparseGCNConv(nn.Module):
    r"""GCN layer (Kipf & Welling 2017): :math:`X' = \hat D^{-1/2} \hat A \hat D^{-1/2} X W + b`.

    Shapes:
        - input: ``x [N, F_in]`` or a batch of samples over one graph ``x [B, N, F_in]``,
          normalised adjacency ``[N, N]`` (CSR)
        - output: ``[N, F_out]`` or ``[B, N, F_out]``
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.xavier_uniform_(self.lin.weight)  # glorot, as GCNConv

    def forward(self, x: Tensor, adjacency: Tensor) -> Tensor:
        h = self.lin(x)
        if h.dim() == 3:  # one sparse product for the whole batch
            return unfold_batch(adjacency @ fold_batch(h), h.shape[0]) + self.bias
        return adjacency @ h + self.bias


def fold_batch(h: Tensor) -> Tensor:
    """``[B, N, H]`` -> ``[N, B * H]``: a batch of samples over one graph, nodes first, so one
    sparse product serves every sample (shared-topology batching)."""
    b, n, c = h.shape
    return h.permute(1, 0, 2).reshape(n, b * c)


def unfold_batch(h: Tensor, batch: int) -> Tensor:
    """``[N, B * H]`` -> ``[B, N, H]`` (inverse of :func:`fold_batch`)."""
    return h.reshape(h.shape[0], batch, -1).permute(1, 0, 2)


class SparseSAGEConv(nn.Module):
    r"""GraphSAGE layer, mean aggregation: :math:`x'_i = W_1 \mathrm{mean}_{j \to i} x_j + W_2 x_i`.

    Shapes:
        - input: ``x [N, F_in]``, row-normalised adjacency ``[N, N]`` (CSR)
        - output: ``[N, F_out]``
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.lin_l = nn.Linear(in_channels, out_channels, bias=True)
        self.lin_r = nn.Linear(in_channels, out_channels, bias=False)
        bound = 1.0 / math.sqrt(in_channels)
        for lin in (self.lin_l, self.lin_r):
            nn.init.uniform_(lin.weight, -bound, bound)

    def forward(self, x: Tensor, adjacency: Tensor) -> Tensor:
        return self.lin_l(adjacency @ x) + self.lin_r(x)


@dataclass(frozen=True)
class AttentionStructure:
    """The fixed sparsity pattern of graph attention: edges (self-loops added) sorted by
    target (CSR rows), and the permutation to the transposed pattern."""

    src: Tensor       # [E] source of each edge, edges sorted by target
    dst: Tensor       # [E]
    ptr: Tensor       # [N + 1] CSR row pointer over targets
    perm: Tensor      # [E] edge order of the transposed pattern (sorted by source)
    ptr_t: Tensor     # [N + 1] CSR row pointer over sources
    dst_t: Tensor     # [E] target of each edge in transposed order
    num_nodes: int


def attention_structure(edge_index: Tensor, _edge_weight: Tensor | None,
                        num_nodes: int) -> AttentionStructure:
    """Self-loops replaced (as ``GATConv``) and the CSR patterns of A and A^T."""
    index, _ = remove_self_loops(edge_index)
    index, _ = add_self_loops(index, num_nodes=num_nodes)
    src, dst = index
    order = torch.argsort(dst * num_nodes + src)
    src, dst = src[order], dst[order]
    ptr = torch.zeros(num_nodes + 1, dtype=torch.long, device=edge_index.device)
    ptr[1:] = torch.cumsum(torch.bincount(dst, minlength=num_nodes), 0)
    perm = torch.argsort(src * num_nodes + dst)
    ptr_t = torch.zeros(num_nodes + 1, dtype=torch.long, device=edge_index.device)
    ptr_t[1:] = torch.cumsum(torch.bincount(src, minlength=num_nodes), 0)
    return AttentionStructure(src=src, dst=dst, ptr=ptr, perm=perm, ptr_t=ptr_t,
                              dst_t=dst[perm], num_nodes=num_nodes)


def attention_aggregate(alpha: Tensor, h: Tensor, structure: AttentionStructure) -> Tensor:
    """``out[i, k] = sum_j alpha[e(j->i), k] h[j, k]`` for ``alpha [E, K]``, ``h [N, K, C]``."""
    return _AttentionAggregate.apply(alpha, h, structure)


class _AttentionAggregate(torch.autograd.Function):
    """``out[i, k] = sum_j alpha[e(j->i), k] h[j, k]`` with sparse products both ways."""

    @staticmethod
    def forward(ctx, alpha: Tensor, h: Tensor, structure: AttentionStructure) -> Tensor:
        n, heads, _ = h.shape
        out = torch.empty_like(h)
        for k in range(heads):
            matrix = _csr_from_parts(structure.ptr, structure.src, alpha[:, k].contiguous(), n)
            out[:, k] = matrix @ h[:, k]
        ctx.structure = structure
        ctx.save_for_backward(alpha, h)
        return out

    @staticmethod
    def backward(ctx, grad: Tensor):
        alpha, h = ctx.saved_tensors
        s = ctx.structure
        n, heads, _ = h.shape
        grad_alpha = torch.empty_like(alpha) if ctx.needs_input_grad[0] else None
        grad_h = torch.empty_like(h) if ctx.needs_input_grad[1] else None
        pattern = _csr_from_parts(s.ptr, s.src, torch.zeros(len(s.src), dtype=h.dtype,
                                                            device=h.device), n)
        for k in range(heads):
            g = grad[:, k].contiguous()
            if grad_h is not None:
                transposed = _csr_from_parts(s.ptr_t, s.dst_t, alpha[s.perm, k].contiguous(), n)
                grad_h[:, k] = transposed @ g
            if grad_alpha is not None:
                sampled = torch.sparse.sampled_addmm(pattern, g, h[:, k].t().contiguous(),
                                                     beta=0.0)
                grad_alpha[:, k] = sampled.values()
        return grad_alpha, grad_h, None


def segment_softmax(scores: Tensor, structure: AttentionStructure) -> Tensor:
    """Softmax of edge scores ``[E, H]`` over the incoming edges of each target."""
    peak = torch.segment_reduce(scores.detach(), "max", offsets=structure.ptr, axis=0)
    # index_select, not advanced indexing: its backward (index_add) is deterministic on the
    # CPU, whereas indexing's (index_put with accumulate) may add in any order.
    weights = (scores - peak.index_select(0, structure.dst)).exp()
    total = torch.segment_reduce(weights, "sum", offsets=structure.ptr, axis=0)
    return weights / total.index_select(0, structure.dst)


class SparseGATConv(nn.Module):
    r"""Graph attention layer (Velickovic et al. 2018), as PyG's ``GATConv``.

    :math:`x'_i = \Vert_h \sum_{j \in N(i) \cup \{i\}} \alpha^h_{ij} W^h x_j + b` with
    :math:`\alpha^h_{ij} = \mathrm{softmax}_j(\mathrm{LeakyReLU}_{0.2}(a_s^h \cdot W^h x_j +
    a_t^h \cdot W^h x_i))`; heads are concatenated or (``concat=False``) averaged; dropout
    acts on the attention coefficients during training.

    Shapes:
        - input: ``x [N, F_in]`` or a batch of samples over one graph ``x [B, N, F_in]``, an
          :class:`AttentionStructure` of the graph
        - output: ``[N, heads * F_out]`` (concat) or ``[N, F_out]``; ``[B, N, ...]`` for a
          batch (the batch is folded into the heads: the pattern is shared, only the values
          differ)
    """

    def __init__(self, in_channels: int, out_channels: int, *, heads: int = 1,
                 concat: bool = True, dropout: float = 0.0, negative_slope: float = 0.2) -> None:
        super().__init__()
        self.heads, self.out_channels, self.concat = heads, out_channels, concat
        self.dropout, self.negative_slope = dropout, negative_slope
        self.lin = nn.Linear(in_channels, heads * out_channels, bias=False)
        self.att_src = nn.Parameter(torch.empty(1, heads, out_channels))
        self.att_dst = nn.Parameter(torch.empty(1, heads, out_channels))
        self.bias = nn.Parameter(torch.zeros(heads * out_channels if concat else out_channels))
        nn.init.xavier_uniform_(self.lin.weight)
        for att in (self.att_src, self.att_dst):
            nn.init.xavier_uniform_(att)

    def forward(self, x: Tensor, structure: AttentionStructure) -> Tensor:
        batch = x.shape[0] if x.dim() == 3 else 1
        n = x.shape[-2]
        h = self.lin(x).view(batch, n, self.heads, self.out_channels)
        h = h.permute(1, 0, 2, 3).reshape(n, batch * self.heads, self.out_channels)
        att_src = self.att_src.repeat(1, batch, 1)
        att_dst = self.att_dst.repeat(1, batch, 1)
        scores = nn.functional.leaky_relu(
            (h * att_src).sum(dim=-1).index_select(0, structure.src)
            + (h * att_dst).sum(dim=-1).index_select(0, structure.dst), self.negative_slope)
        alpha = segment_softmax(scores, structure)
        alpha = dropout(alpha, self.dropout, self.training)
        out = attention_aggregate(alpha, h, structure)  # [N, B * heads, C]
        out = out.reshape(n, batch, self.heads, self.out_channels)
        out = out.reshape(n, batch, -1) if self.concat else out.mean(dim=2)
        out = out + self.bias
        return out.permute(1, 0, 2) if x.dim() == 3 else out[:, 0]
