"""Topology features against networkx on the simulated PPI."""

import networkx as nx
import numpy as np
import pytest

from graphgen.exceptions import ConfigError
from graphgen.features import topology_features
from graphgen.graph.convert import to_networkx


def test_matches_networkx(small_organism):
    ppi = small_organism.ppi
    block = topology_features(ppi, features=["degree", "clustering", "pagerank", "core_number",
                                    "weighted_degree"], scale="none")
    G = to_networkx(ppi)
    ids = ppi.node_ids
    assert block["degree"].tolist() == [G.degree(i) for i in ids]
    clustering = nx.clustering(G)
    assert np.allclose(block["clustering"], [clustering[i] for i in ids], atol=1e-6)
    pagerank = nx.pagerank(G, weight=None, tol=1e-12)
    assert np.allclose(block["pagerank"] / len(ids), [pagerank[i] for i in ids], atol=1e-6)
    core = nx.core_number(G)
    assert block["core_number"].tolist() == [core[i] for i in ids]
    strength = dict(G.degree(weight="weight"))
    assert np.allclose(block["weighted_degree"], [strength[i] for i in ids], atol=1e-4)


def test_directed_degrees(small_organism):
    grn = small_organism.grn
    block = topology_features(grn, features=["in_degree", "out_degree"], scale="none")
    assert block["out_degree"].sum() == block["in_degree"].sum() == grn.edge_index.shape[1]
    with pytest.raises(ConfigError, match="unknown feature"):
        topology_features(grn, features=["betweenness"])


def test_standard_scaling(small_organism):
    block = topology_features(small_organism.ppi)
    assert np.allclose(block.mean(), 0, atol=1e-5) and np.allclose(block.std(ddof=0), 1, atol=1e-4)


def test_append_topology_keeps_each_graph_raw_and_its_features_first():
    import torch
    from torch_geometric.data import Data

    from graphgen.features.topology_block import append_topology

    triangle = torch.tensor([[0, 1, 2, 1, 2, 0], [1, 2, 0, 0, 1, 2]])
    path = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    graphs = [Data(x=torch.full((3, 1), 7.0), edge_index=triangle, y=torch.tensor([1])),
              Data(x=torch.full((3, 1), 7.0), edge_index=path, y=torch.tensor([0]))]
    out = append_topology(graphs, ["degree", "clustering"])
    assert out[0].x.tolist() == [[7.0, 2.0, 1.0]] * 3
    assert out[1].x.tolist() == [[7.0, 1.0, 0.0], [7.0, 2.0, 0.0], [7.0, 1.0, 0.0]]
    assert graphs[0].x.shape == (3, 1) and out[0].y.tolist() == [1]  # inputs untouched
