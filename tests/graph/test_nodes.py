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
