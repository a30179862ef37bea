"""Node feature blocks (expression, GO terms, topology, sequence embeddings) and their stacking
into ``data.x``.

Each builder is named for what it builds, ``<source>_features``, and returns a genes x
features ``DataFrame`` indexed by gene id; :func:`stack_blocks` aligns named blocks to
``data.node_ids`` and records which columns came from which block.

The builders' names of version 0.2 (``expression``, ``go``, ``sequence``, ``topology``)
still work with a ``FutureWarning`` naming the new one; they go in version 0.4.
"""

import warnings

from graphgen.features.blocks import stack_blocks
from graphgen.features.expression_block import expression_features
from graphgen.features.sequence_block import sequence_features
from graphgen.features.topology_block import TOPOLOGY_FEATURES, topology_features
from graphgen.io.go_terms import go_features

__all__ = ["TOPOLOGY_FEATURES", "expression_features", "go_features", "sequence_features",
           "stack_blocks", "topology_features"]

_RENAMED = {"expression": "expression_features", "go": "go_features",
            "sequence": "sequence_features", "topology": "topology_features"}


def __getattr__(name: str):
    """The 0.2 names of the builders, with a warning (PEP 562)."""
    if name in _RENAMED:
        new = _RENAMED[name]
        warnings.warn(f"graphgen.features.{name} is renamed graphgen.features.{new}; the old "
                      "name goes in version 0.4", FutureWarning, stacklevel=2)
        return globals()[new]
    raise AttributeError(f"module 'graphgen.features' has no attribute {name!r}")
