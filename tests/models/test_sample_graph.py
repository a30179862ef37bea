"""Shared-topology batching computes what PyG computes on per-sample graphs."""

import torch
from torch_geometric.data import Batch, Data
from torch_geometric.nn import GATConv, GCNConv, global_max_pool, global_mean_pool

from graphgen.models.sample_graph import SampleGraphNet, SampleGraphs


def _graph(small_organism, samples=5, features=2):
    torch.manual_seed(0)
    ppi = small_organism.ppi
    x = torch.randn(samples, ppi.num_nodes, features)
    return SampleGraphs(x, ppi.edge_index, ppi.edge_weight, list(ppi.node_ids),
                        [f"s{i}" for i in range(samples)], [f"f{j}" for j in range(features)])


def test_gcn_equals_per_sample_pyg(small_organism):
    graph = _graph(small_organism)
    model = SampleGraphNet(2, 3, conv="gcn", hidden_channels=6, num_layers=2, pooling="mean",
                           dropout=0.0).eval()
    convs = [GCNConv(2, 6), GCNConv(6, 6)]
    with torch.no_grad():
        for ours, ref in zip(model.layers, convs):
            ref.lin.weight.copy_(ours.lin.weight)
            ref.bias.copy_(torch.randn(6))
            ours.bias.copy_(ref.bias)
    batch = Batch.from_data_list([Data(x=graph.x[s], edge_index=graph.edge_index,
                                       edge_weight=graph.edge_weight) for s in range(5)])
    h = batch.x
    for conv in convs:
        h = torch.relu(conv(h, batch.edge_index, batch.edge_weight))
    expected = model.head(global_mean_pool(h, batch.batch))
    with torch.no_grad():
        assert torch.allclose(model(graph.x, graph.edge_index, graph.edge_weight), expected,
                              atol=1e-5)


def test_gat_equals_per_sample_pyg(small_organism):
    graph = _graph(small_organism, samples=3)
    model = SampleGraphNet(2, 3, conv="gat", hidden_channels=4, num_layers=1, heads=2,
                           pooling="max", dropout=0.0).eval()
    conv = GATConv(2, 4, heads=2)
    layer = model.layers[0]
    with torch.no_grad():
        conv.lin.weight.copy_(layer.lin.weight)
        conv.att_src.copy_(layer.att_src)
        conv.att_dst.copy_(layer.att_dst)
        conv.bias.copy_(torch.randn(8))
        layer.bias.copy_(conv.bias)
    batch = Batch.from_data_list([Data(x=graph.x[s], edge_index=graph.edge_index)
                                  for s in range(3)])
    expected = model.head(global_max_pool(torch.relu(conv(batch.x, batch.edge_index)),
                                          batch.batch))
    with torch.no_grad():
        assert torch.allclose(model(graph.x, graph.edge_index, graph.edge_weight), expected,
                              atol=1e-5)


def test_attention_pooling_weights_sum_to_one(small_organism):
    graph = _graph(small_organism, samples=2)
    model = SampleGraphNet(2, 3, pooling="attention", hidden_channels=4).eval()
    weights = model.gene_weights(graph)
    assert weights.shape == (2, graph.num_genes)
    assert abs(weights.sum(axis=1) - 1.0).max() < 1e-5
