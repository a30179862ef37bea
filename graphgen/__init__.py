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
from graphgen.estimators.gene_classifier import GeneClassifier
from graphgen.estimators.subtype_classifier import SubtypeClassifier
from graphgen.graph.coexpression import coexpression_graph
from graphgen.exceptions import (
    ChecksumError,
    ConfigError,
    DataNotAvailableError,
    DataFormatError,
    GraphgenError,
    IdMappingError,
    MissingDependencyError,
    NotFittedError,
    OutputError,
)
from graphgen.features.blocks import stack_blocks
from graphgen.graph.convert import from_networkx, to_networkx
from graphgen.graph.load import load_grn, load_ppi
from graphgen.graph.subgraph import largest_component, subgraph
from graphgen.ids.mapper import IdMapper
from graphgen.io.biogrid import BiogridFormat
from graphgen.io.dorothea import DorotheaFormat
from graphgen.io.edgelist import EdgeListFormat
from graphgen.io.string import StringFormat
from graphgen.models.registry import build_model
from graphgen.train.comparison import compare_models, cross_validate
from graphgen.train.splits import kfold_splits, stratified_split
from graphgen.settings import settings
from graphgen.train.trainer import Trainer, TrainerConfig

__version__ = "0.1.0"

__all__ = [
    "BiogridFormat",
    "ChecksumError",
    "ConfigError",
    "DataFormatError",
    "DataNotAvailableError",
    "DorotheaFormat",
    "EdgeListFormat",
    "GeneClassifier",
    "GraphgenError",
    "IdMapper",
    "IdMappingError",
    "MissingDependencyError",
    "NotFittedError",
    "Organism",
    "OutputError",
    "StringFormat",
    "SubtypeClassifier",
    "Trainer",
    "TrainerConfig",
    "build_model",
    "coexpression_graph",
    "compare_models",
    "cross_validate",
    "from_networkx",
    "kfold_splits",
    "largest_component",
    "load_grn",
    "load_ppi",
    "make_organism",
    "settings",
    "stack_blocks",
    "stratified_split",
    "subgraph",
    "to_networkx",
]
