"""The cached sparse layers compute exactly what PyG's GCNConv, SAGEConv and GATConv do,
outputs and gradients."""

import pytest
import torch
from torch_geometric.nn import GATConv, GCNConv, SAGEConv

from graphgen.models.sparse_conv import (
    AdjacencyCache,
    SparseGATConv,
    SparseGCNConv,
    SparseSAGEConv,
    attention_structure,
    gcn_adjacency,
    mean_adjacency,
)


@pytest.fixture(scope="module")
def graph(small_organism):
    torch.manual_seed(0)
    ppi = small_organism.ppi
    return torch.randn(ppi.num_nodes, 7), ppi.edge_index, ppi.edge_weight


def _grads(module, out):
    module.zero_grad()
    (out ** 2).sum().backward()
    return {n: p.grad.clone() for n, p in module.named_parameters()}


def test_gcn_equals_pyg(graph):
    x, ei, w = graph
    ours, ref = SparseGCNConv(7, 5), GCNConv(7, 5)
    with torch.no_grad():
        ref.lin.weight.copy_(ours.lin.weight)
        ref.bias.copy_(torch.randn(5))
        ours.bias.copy_(ref.bias)
    a, b = ours(x, gcn_adjacency(ei, w, x.shape[0])), ref(x, ei, w)
    assert torch.allclose(a, b, atol=1e-5)
    ga, gb = _grads(ours, a), _grads(ref, b)
    assert torch.allclose(ga["lin.weight"], gb["lin.weight"], rtol=1e-4, atol=1e-4)


def test_sage_equals_pyg(graph):
    x, ei, _ = graph
    ours, ref = SparseSAGEConv(7, 5), SAGEConv(7, 5)
    with torch.no_grad():
        ref.lin_l.weight.copy_(ours.lin_l.weight)
        ref.lin_l.bias.copy_(ours.lin_l.bias)
        ref.lin_r.weight.copy_(ours.lin_r.weight)
    assert torch.allclose(ours(x, mean_adjacency(ei, x.shape[0])), ref(x, ei), atol=1e-5)


@pytest.mark.parametrize("heads, concat", [(3, True), (1, False), (2, False)])
def test_gat_equals_pyg_outputs_and_gradients(graph, heads, concat):
    x, ei, _ = graph
    x = x.clone().requires_grad_(True)
    ours, ref = SparseGATConv(7, 4, heads=heads, concat=concat), GATConv(7, 4, heads=heads,
                                                                           concat=concat)
    with torch.no_grad():
        ref.lin.weight.copy_(ours.lin.weight)
        ref.att_src.copy_(ours.att_src)
        ref.att_dst.copy_(ours.att_dst)
        ref.bias.copy_(ours.bias)
    a = ours(x, attention_structure(ei, None, x.shape[0]))
    b = ref(x, ei)
    assert torch.allclose(a, b, atol=1e-5)
    ga, gb = _grads(ours, a), _grads(ref, b)
    for name in ("lin.weight", "att_src", "att_dst"):
        assert torch.allclose(ga[name], gb[name], rtol=1e-4, atol=1e-5), name


def test_cache_rebuilds_for_another_graph(graph):
    x, ei, w = graph
    calls = []
    cache = AdjacencyCache(lambda e, ww, n: calls.append(1) or gcn_adjacency(e, ww, n))
    cache(ei, w, x.shape[0])
    cache(ei, w, x.shape[0])
    assert len(calls) == 1
    cache(ei.clone(), w, x.shape[0])  # equal values, another tensor: rebuilt
    assert len(calls) == 2
