"""graphgen: graph learning on biological networks.

The public API is re-exported here; everything else is importable from its module but not
promised to stay.

Example:
    >>> import graphgen
    >>> org = graphgen.make_organism(n_genes=200, n_samples=10, seed=0)
    >>> org.ppi.num_nodes
    200
"""

from graphgen.datasets.synthetic import Organism, make_organism
from graphgen.exceptions import (
    ConfigError,
    DataFormatError,
    GraphgenError,
    IdMappingError,
    MissingDependencyError,
    NotFittedError,
    OutputError,
)
from graphgen.features.blocks import stack_blocks
from graphgen.models.registry import build_model
from graphgen.train.comparison import compare_models
from graphgen.train.splits import stratified_split
from graphgen.train.trainer import Trainer, TrainerConfig

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DataFormatError",
    "GraphgenError",
    "IdMappingError",
    "MissingDependencyError",
    "NotFittedError",
    "Organism",
    "OutputError",
    "Trainer",
    "TrainerConfig",
    "build_model",
    "compare_models",
    "make_organism",
    "stack_blocks",
    "stratified_split",
]
