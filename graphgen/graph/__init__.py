"""Graphs as PyG ``Data`` with ``node_ids``: building, loading, converting, sub-graphs."""

from graphgen.graph.build import edges_to_data
from graphgen.graph.convert import from_networkx, is_undirected, to_networkx
from graphgen.graph.load import load_grn, load_ppi
from graphgen.graph.nodes import node_index, node_positions
from graphgen.graph.sampling import NeighborSampler
from graphgen.graph.subgraph import largest_component, subgraph

__all__ = [
    "edges_to_data",
    "from_networkx",
    "is_undirected",
    "largest_component",
    "load_grn",
    "load_ppi",
    "NeighborSampler",
    "node_index",
    "node_positions",
    "subgraph",
    "to_networkx",
]
