"""Graph objects: PyG ``Data`` with ``node_ids``, and aligning tables to its node order."""

from graphgen.graph.nodes import node_positions

__all__ = ["node_positions"]
