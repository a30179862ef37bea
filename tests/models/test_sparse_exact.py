"""The sparse operators against dense references: duplicate edges summed, isolated nodes,
the products both ways, batches of samples equal to one sample at a time, the per-graph
caches (written from the mutation run of docs/mutation.md)."""

import copy

import pytest
import torch
from torch_geometric.nn import GATConv
from torch_geometric.nn.conv.gcn_conv import gcn_norm

from graphgen.models import sparse_conv
from graphgen.models.sparse_conv import (
    AdjacencyCache,
    PygCacheGuard,
    SparseGATConv,
    SparseGCNConv,
    attention_structure,
    fold_batch,
    gcn_adjacency,
    mean_adjacency,
    mean_adjacency_of,
    unfold_batch,
)


def _dense(rows, cols, values, n):
    return torch.zeros(n, n, dtype=values.dtype).index_put_((rows, cols), values,
                                                            accumulate=True)


def _edges(seed=0, n=9, e=30):
    g = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, n - 2, (2, e), generator=g)  # the last 2 nodes isolated
    edge_index = torch.cat([edge_index, edge_index[:, :5]], 1)  # 5 duplicate edges
    return edge_index, torch.rand(edge_index.shape[1], generator=g) + 0.1, n


@pytest.mark.parametrize("case", ["duplicates", "distinct", "one", "none", "all_same"])
def test_csr_sums_duplicates_like_a_dense_accumulation(case):
    edge_index, weight, n = _edges()
    if case == "distinct":
        keep = torch.unique(edge_index, dim=1, return_inverse=True)[1]
        first = {int(group): i for i, group in reversed(list(enumerate(keep)))}
        chosen = torch.tensor(sorted(first.values()))
        edge_index, weight = edge_index[:, chosen], weight[chosen]
        assert len(set(map(tuple, edge_index.T.tolist()))) == edge_index.shape[1]
    elif case == "one":
        edge_index, weight = edge_index[:, :1], weight[:1]
    elif case == "none":
        edge_index, weight = edge_index[:, :0], weight[:0]
    elif case == "all_same":
        edge_index, weight = edge_index[:, :1].repeat(1, 4), weight[:4]
    rows, cols = edge_index
    for values in (weight, weight.double()):
        matrix = sparse_conv._csr(rows, cols, values, n)
        assert matrix.layout == torch.sparse_csr and matrix.shape == (n, n)
        assert matrix.crow_indices().dtype == torch.int64
        assert torch.equal(matrix.to_dense(), _dense(rows, cols, values, n))
        assert matrix.values().dtype == values.dtype


def test_gcn_and_mean_operators_equal_dense_references_both_ways():
    edge_index, weight, n = _edges(1)
    edge_index = torch.cat([edge_index, torch.tensor([[3], [3]])], 1)  # a self-loop given
    weight = torch.cat([weight, torch.tensor([0.5])])
    index, norm = gcn_norm(edge_index, weight, n, add_self_loops=True)
    gcn = _dense(index[1], index[0], norm.float(), n)
    operator = gcn_adjacency(edge_index, weight, n)
    assert torch.allclose(operator.to_dense(), gcn)
    assert torch.allclose(operator.transpose.to_dense(), gcn.T)
    ones = torch.ones(edge_index.shape[1])
    degree = torch.zeros(n).index_add_(0, edge_index[1], ones).clamp_min(1)
    mean = _dense(edge_index[1], edge_index[0], ones / degree[edge_index[1]], n)
    for built in (mean_adjacency(edge_index, n), mean_adjacency_of(edge_index, weight, n),
                  mean_adjacency_of(edge_index, None, n)):
        assert torch.allclose(built.to_dense(), mean)
        assert torch.allclose(built.transpose.to_dense(), mean.T)
    # the product and its gradient (through the stored transpose)
    x = torch.randn(n, 3, requires_grad=True)
    out = operator @ x
    assert torch.allclose(out, gcn @ x.detach(), atol=1e-6)
    g = torch.randn(n, 3)
    (out * g).sum().backward()
    assert torch.allclose(x.grad, gcn.T @ g, atol=1e-6)
    has_in_edges = torch.zeros(n).index_add_(0, edge_index[1], ones) > 0
    assert torch.allclose(mean_adjacency(edge_index, n).to_dense().sum(1),
                          has_in_edges.float())  # rows average; isolated rows are empty


def test_batches_of_samples_equal_one_sample_at_a_time():
    edge_index, weight, n = _edges(2)
    x = torch.randn(4, n, 5)
    h = torch.randn(4, n, 3)
    folded = fold_batch(h)
    assert folded.shape == (n, 12) and torch.equal(folded[:, 3:6], h[1])
    assert torch.equal(unfold_batch(folded, 4), h)
    torch.manual_seed(0)
    gcn = SparseGCNConv(5, 3)
    with torch.no_grad():
        gcn.bias.copy_(torch.randn(3))
    adjacency = gcn_adjacency(edge_index, weight, n)
    batched = gcn(x, adjacency)
    assert batched.shape == (4, n, 3)
    for b in range(4):
        assert torch.allclose(batched[b], gcn(x[b], adjacency), atol=1e-6)
    structure = attention_structure(edge_index, None, n)
    for heads, concat in ((1, True), (3, True), (2, False)):
        gat = SparseGATConv(5, 3, heads=heads, concat=concat)
        with torch.no_grad():
            gat.bias.copy_(torch.randn(gat.bias.shape))
        batched = gat(x, structure)
        assert batched.shape == (4, n, 3 * heads if concat else 3)
        for b in range(4):
            assert torch.allclose(batched[b], gat(x[b], structure), atol=1e-5)


def test_gat_with_given_self_loops_duplicates_and_isolated_nodes_equals_pyg():
    edge_index, _, n = _edges(3)
    edge_index = torch.cat([edge_index, torch.tensor([[2, 5], [2, 5]])], 1)
    structure = attention_structure(edge_index, None, n)
    assert structure.ptr.tolist()[-1] == structure.src.shape[0] == structure.ptr_t[-1]
    assert torch.equal(structure.src[structure.perm],
                       structure.src[structure.perm].sort().values)
    assert torch.equal(structure.dst_t, structure.dst[structure.perm])
    torch.manual_seed(1)
    x = torch.randn(n, 6)
    for heads, concat, slope in ((2, True, 0.2), (2, False, 0.1)):
        ours = SparseGATConv(6, 4, heads=heads, concat=concat, negative_slope=slope)
        ref = GATConv(6, 4, heads=heads, concat=concat, negative_slope=slope)
        with torch.no_grad():
            ref.lin.weight.copy_(ours.lin.weight)
            ref.att_src.copy_(ours.att_src)
            ref.att_dst.copy_(ours.att_dst)
            ours.bias.copy_(torch.randn(ours.bias.shape))
            ref.bias.copy_(ours.bias)
        assert torch.allclose(ours(x, structure), ref(x, edge_index), atol=1e-5)
    scores = torch.randn(structure.src.shape[0], 2)
    alpha = sparse_conv.segment_softmax(scores, structure)
    sums = torch.zeros(n, 2).index_add_(0, structure.dst, alpha)
    assert torch.allclose(sums, torch.ones(n, 2), atol=1e-6)


def test_adjacency_cache_rebuilds_on_any_change_and_is_not_copied():
    edge_index, weight, n = _edges(4)
    built = []
    cache = AdjacencyCache(lambda e, w, k: built.append(k) or gcn_adjacency(e, w, k))
    first = cache(edge_index, weight, n)
    assert cache(edge_index, weight, n) is first and len(built) == 1
    cache(edge_index, weight, n + 1)  # another node count
    cache(edge_index, None, n + 1)  # weights dropped
    weight.mul_(2)  # an in-place change of the weights
    cache(edge_index, weight, n + 1)
    assert built == [n, n + 1, n + 1, n + 1]
    twin = copy.deepcopy(cache)
    assert twin._key is None and twin._value is None and twin.build is cache.build


class _Layer:
    def __init__(self):
        self._cached_edge_index = "old"
        self._cached_adj_t = "old"
        self._cached_x = "old"


def test_pyg_cache_guard_clears_cached_layers_when_the_graph_or_features_change():
    edge_index, weight, n = _edges(5)
    guard, layers = PygCacheGuard(), [_Layer(), _Layer()]

    def cached():
        return [(layer._cached_edge_index, layer._cached_adj_t, layer._cached_x)
                for layer in layers]

    def refill():
        for layer in layers:
            layer._cached_edge_index = layer._cached_adj_t = layer._cached_x = "kept"

    guard(layers, edge_index, weight, n)
    assert cached() == [(None, None, None)] * 2  # the first graph: cleared
    refill()
    guard(layers, edge_index, weight, n)
    assert cached() == [("kept", "kept", "kept")] * 2  # the same graph: kept
    guard(layers, edge_index.clone(), weight, n)
    assert cached() == [(None, None, None)] * 2  # another graph: cleared
    x = torch.randn(n, 2)
    refill()
    guard(layers, edge_index, weight, n, x)
    refill()
    guard(layers, edge_index, weight, n, x)
    assert cached() == [("kept", "kept", "kept")] * 2  # the same features too
    x.add_(1)  # changed in place
    guard(layers, edge_index, weight, n, x)
    assert cached() == [(None, None, None)] * 2
    refill()
    trained = torch.randn(n, 2, requires_grad=True)
    guard(layers, edge_index, weight, n, trained)
    refill()
    guard(layers, edge_index, weight, n, trained)
    assert cached() == [(None, None, None)] * 2  # a differentiable x is never cached
    assert copy.deepcopy(guard)._key is None
    plain = object()
    guard([plain], edge_index, weight, n + 3)  # layers without caches are left alone


def test_layer_defaults_and_parameter_layouts_follow_pyg():
    import math

    gat = SparseGATConv(5, 3)
    assert (gat.heads, gat.concat, gat.dropout, gat.negative_slope) == (1, True, 0.0, 0.2)
    assert gat.att_src.shape == gat.att_dst.shape == (1, 1, 3)  # GATConv's layout
    assert SparseGATConv(5, 3, heads=4).att_src.shape == (1, 4, 3)
    torch.manual_seed(0)
    from graphgen.models.sparse_conv import SparseSAGEConv

    sage = SparseSAGEConv(400, 50)
    bound = 1.0 / math.sqrt(400)
    for lin in (sage.lin_l, sage.lin_r):  # uniform in [-1/sqrt(in), 1/sqrt(in)], as SAGEConv
        w = lin.weight.detach()
        assert float(w.min()) >= -bound and float(w.max()) <= bound
        assert float(w.min()) < -0.95 * bound and float(w.max()) > 0.95 * bound


def test_attention_dropout_acts_in_training_only():
    edge_index, _, n = _edges(6)
    structure = attention_structure(edge_index, None, n)
    torch.manual_seed(0)
    gat = SparseGATConv(4, 3, heads=2, dropout=0.5)
    x = torch.randn(n, 4)
    gat.eval()
    calm = gat(x, structure)
    assert torch.equal(calm, gat(x, structure))
    gat.train()
    assert not torch.allclose(gat(x, structure), calm)


def test_the_softmax_is_stable_for_large_scores():
    edge_index, _, n = _edges(7)
    structure = attention_structure(edge_index, None, n)
    scores = torch.full((structure.src.shape[0], 1), 60.0)
    alpha = sparse_conv.segment_softmax(scores, structure)
    assert torch.isfinite(alpha).all()
    counts = torch.bincount(structure.dst, minlength=n).float()
    assert torch.allclose(alpha[:, 0], 1 / counts[structure.dst])


def test_csr_row_pointer_has_one_entry_per_row_and_one_more():
    edge_index, weight, n = _edges(8)
    matrix = sparse_conv._csr(edge_index[0], edge_index[1], weight, n)
    assert matrix.crow_indices().shape == (n + 1,)
    assert int(matrix.crow_indices()[-1]) == matrix.values().shape[0]


def test_caches_see_weights_node_counts_and_graphs_beside_features():
    edge_index, weight, n = _edges(9)
    cache = AdjacencyCache(gcn_adjacency)
    operator = cache(edge_index, weight, n)
    assert torch.allclose(operator.to_dense(), gcn_adjacency(edge_index, weight, n).to_dense())
    guard, layer = PygCacheGuard(), _Layer()
    x = torch.randn(n, 2)
    guard([layer], edge_index, weight, n, x)
    for change in ({"edge_weight": weight.clone()}, {"num_nodes": n + 1},
                   {"edge_index": edge_index.clone()}):
        layer._cached_adj_t = "kept"
        guard([layer], change.get("edge_index", edge_index), change.get("edge_weight", weight),
              change.get("num_nodes", n), x)
        assert layer._cached_adj_t is None, change
        guard([layer], edge_index, weight, n, x)  # back to the first graph
