"""Node feature blocks (expression, GO terms, topology, sequence embeddings) and their stacking
into ``data.x``.

Each block function returns a genes x features ``DataFrame`` indexed by gene id;
:func:`stack_blocks` aligns named blocks to ``data.node_ids`` and records which columns came
from which block.
"""

from graphgen.features.blocks import stack_blocks
from graphgen.features.expression_block import expression
from graphgen.features.sequence_block import sequence
from graphgen.features.topology_block import TOPOLOGY_FEATURES, topology
from graphgen.io.go_terms import go

__all__ = ["TOPOLOGY_FEATURES", "expression", "go", "sequence", "stack_blocks", "topology"]
