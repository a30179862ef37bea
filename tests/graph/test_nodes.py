import pytest
import torch
from torch_geometric.data import Data

from graphgen import DataFormatError, IdMappingError
from graphgen.graph.nodes import node_index, node_positions


def test_positions_and_errors():
    g = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=3,
             node_ids=["TP53", "MDM2", "EGFR"])
    assert node_positions(g, ["EGFR", "TP53"]).tolist() == [2, 0]
    with pytest.raises(IdMappingError, match=r"1 of 2 genes are not nodes.*BRCA1"):
        node_positions(g, ["EGFR", "BRCA1"])
    with pytest.raises(DataFormatError, match="no node_ids"):
        node_index(Data(num_nodes=2))
    with pytest.raises(DataFormatError, match="2 node_ids but 3 nodes"):
        node_index(Data(num_nodes=3, node_ids=["a", "b"]))
    with pytest.raises(DataFormatError, match="repeat"):
        node_index(Data(num_nodes=2, node_ids=["a", "a"]))


def test_features_too_large_for_a_model_are_named():
    from graphgen.graph.nodes import check_node_features

    g = Data(x=torch.tensor([[1.0, 2.0], [3.0, 1e30]]), num_nodes=2, node_ids=["A", "B"],
             feature_names=["expression", "counts"])
    with pytest.raises(DataFormatError, match=r"reach 1e\+30 \(gene 'B', column 'counts'\), "
                                              r"beyond 1e\+10"):
        check_node_features(g, what="fit")
    g.x[1, 1] = 5e6  # raw read counts are fine
    check_node_features(g, what="fit")
