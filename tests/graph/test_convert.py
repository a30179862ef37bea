"""networkx round trips keep ids and edge attributes."""

import networkx as nx
import pandas as pd
import torch

from graphgen.graph.build import edges_to_data
from graphgen.graph.convert import from_networkx, is_undirected, to_networkx


def test_undirected_round_trip(small_organism):
    ppi = small_organism.ppi
    back = from_networkx(to_networkx(ppi))
    assert back.node_ids == ppi.node_ids
    order = torch.argsort(ppi.edge_index[0] * ppi.num_nodes + ppi.edge_index[1])
    assert back.edge_index.equal(ppi.edge_index[:, order])
    assert torch.allclose(back.edge_weight, ppi.edge_weight[order])


def test_directed_signed_round_trip():
    edges = pd.DataFrame({"source": ["MYC", "TP53", "MYC"], "target": ["CDK4", "MYC", "TP53"],
                          "sign": [1, -1, 0], "evidence": [2, 1, 5]})
    grn = edges_to_data(edges, directed=True)
    G = to_networkx(grn)
    assert isinstance(G, nx.DiGraph) and G["TP53"]["MYC"] == {"sign": -1, "evidence": 1}
    back = from_networkx(G)
    assert back.node_ids == grn.node_ids
    assert back.edge_index.equal(grn.edge_index) and back.edge_sign.equal(grn.edge_sign)
    assert back.edge_evidence.equal(grn.edge_evidence)
    assert not is_undirected(grn)


def test_from_networkx_keeps_node_order_and_isolates():
    G = nx.Graph()
    G.add_nodes_from(["Z", "A", "Q"])
    G.add_edge("Z", "A", weight=2.0)
    g = from_networkx(G)
    assert g.node_ids == ["Z", "A", "Q"] and g.num_nodes == 3
    assert g.edge_index.tolist() == [[0, 1], [1, 0]] and g.edge_weight.tolist() == [2.0, 2.0]
