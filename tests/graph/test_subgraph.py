"""Sub-graphs by gene and the largest component."""

import pytest
import torch

from graphgen.exceptions import IdMappingError
from graphgen.graph.subgraph import largest_component, subgraph


def test_subgraph_slices_node_and_edge_attributes(small_organism):
    ppi = small_organism.ppi.clone()
    ppi.x = torch.arange(ppi.num_nodes, dtype=torch.float32)[:, None]
    genes = ppi.node_ids[10:60]
    sub = subgraph(ppi, reversed(genes))
    assert sub.node_ids == genes
    assert sub.x[:, 0].tolist() == list(range(10, 60))
    assert sub.edge_weight.shape[0] == sub.edge_index.shape[1]
    assert ppi.num_nodes == small_organism.ppi.num_nodes  # input untouched
    with pytest.raises(IdMappingError, match="NOT_A_GENE"):
        subgraph(ppi, ["NOT_A_GENE"])
    assert subgraph(ppi, ["NOT_A_GENE", genes[0]], missing="ignore").num_nodes == 1


def test_largest_component_of_simulated_ppi(small_organism):
    lcc = largest_component(small_organism.ppi)
    assert 0.8 * small_organism.ppi.num_nodes <= lcc.num_nodes <= small_organism.ppi.num_nodes
    again = largest_component(lcc)
    assert again.num_nodes == lcc.num_nodes
