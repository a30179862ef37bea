"""graphgen: graph learning on biological networks.

The public API is re-exported here; everything else is importable from its module but not
promised to stay.

Example:
    >>> import graphgen
    >>> org = graphgen.make_organism(n_genes=200, n_samples=10, seed=0)
    >>> org.ppi.num_nodes
    200
"""

import importlib
from typing import TYPE_CHECKING, Any

# ``settings`` is both a submodule and the settings object: bind the object eagerly, or
# importing the submodule anywhere would shadow it. It imports nothing heavy.
from graphgen.settings import settings

#: public name -> module that defines it; imported on first use (PEP 562), so
#: ``import graphgen`` does not load torch, PyG or scikit-learn until a name needs them.
_LAZY = {
    "BiogridFormat": "graphgen.io.biogrid",
    "ChecksumError": "graphgen.exceptions",
    "ComBat": "graphgen.subtyping.combat",
    "ConfigError": "graphgen.exceptions",
    "ConfoundedDesignError": "graphgen.exceptions",
    "DataFormatError": "graphgen.exceptions",
    "DataNotAvailableError": "graphgen.exceptions",
    "DorotheaFormat": "graphgen.io.dorothea",
    "EdgeListFormat": "graphgen.io.edgelist",
    "GeneClassifier": "graphgen.estimators.gene_classifier",
    "GraphClassifier": "graphgen.estimators.graph_classifier",
    "LinkPredictor": "graphgen.estimators.link_predictor",
    "GraphgenError": "graphgen.exceptions",
    "IdMapper": "graphgen.ids.mapper",
    "IdMappingError": "graphgen.exceptions",
    "MissingDependencyError": "graphgen.exceptions",
    "NotFittedError": "graphgen.exceptions",
    "Organism": "graphgen.datasets.synthetic",
    "OutputError": "graphgen.exceptions",
    "StringFormat": "graphgen.io.string",
    "SubtypeClassifier": "graphgen.estimators.subtype_classifier",
    "Trainer": "graphgen.train.trainer",
    "TrainerConfig": "graphgen.train.trainer",
    "LabelFeatures": "graphgen.train.label_features",
    "TrainingError": "graphgen.exceptions",
    "build_model": "graphgen.models.registry",
    "coexpression_graph": "graphgen.graph.coexpression",
    "enrich": "graphgen.explain.enrichment",
    "compare_models": "graphgen.comparison.genes",
    "confounding_table": "graphgen.evaluation.confounding",
    "cross_validate": "graphgen.comparison.genes",
    "from_networkx": "graphgen.graph.convert",
    "kfold_splits": "graphgen.evaluation.splits",
    "largest_component": "graphgen.graph.subgraph",
    "leave_one_group_out": "graphgen.evaluation.splits",
    "load_grn": "graphgen.graph.load",
    "load_ppi": "graphgen.graph.load",
    "make_organism": "graphgen.datasets.synthetic",
    "stack_blocks": "graphgen.features.blocks",
    "stratified_split": "graphgen.evaluation.splits",
    "subgraph": "graphgen.graph.subgraph",
    "to_networkx": "graphgen.graph.convert",
}

__version__ = "0.1.0"

__all__ = [
    "BiogridFormat",
    "ChecksumError",
    "ComBat",
    "ConfigError",
    "ConfoundedDesignError",
    "DataFormatError",
    "DataNotAvailableError",
    "DorotheaFormat",
    "EdgeListFormat",
    "GeneClassifier",
    "GraphClassifier",
    "LinkPredictor",
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
    "LabelFeatures",
    "TrainingError",
    "build_model",
    "coexpression_graph",
    "compare_models",
    "confounding_table",
    "enrich",
    "explain",
    "cross_validate",
    "from_networkx",
    "kfold_splits",
    "largest_component",
    "leave_one_group_out",
    "load_grn",
    "load_ppi",
    "make_organism",
    "settings",
    "stack_blocks",
    "stratified_split",
    "subgraph",
    "to_networkx",
]


def __getattr__(name: str) -> Any:
    if name == "explain":  # the subpackage, imported on first use
        value = importlib.import_module("graphgen.explain")
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # static analysers and IDEs see the real names
    from graphgen import explain  # noqa: F401
    from graphgen.comparison.genes import (
        compare_models,  # noqa: F401
        cross_validate,  # noqa: F401
    )
    from graphgen.datasets.synthetic import (
        Organism,  # noqa: F401
        make_organism,  # noqa: F401
    )
    from graphgen.estimators.gene_classifier import GeneClassifier  # noqa: F401
    from graphgen.estimators.graph_classifier import GraphClassifier  # noqa: F401
    from graphgen.estimators.link_predictor import LinkPredictor  # noqa: F401
    from graphgen.estimators.subtype_classifier import SubtypeClassifier  # noqa: F401
    from graphgen.evaluation.confounding import confounding_table  # noqa: F401
    from graphgen.evaluation.splits import (
        kfold_splits,  # noqa: F401
        leave_one_group_out,  # noqa: F401
        stratified_split,  # noqa: F401
    )
    from graphgen.exceptions import (
        ChecksumError,  # noqa: F401
        ConfigError,  # noqa: F401
        ConfoundedDesignError,  # noqa: F401
        DataFormatError,  # noqa: F401
        DataNotAvailableError,  # noqa: F401
        GraphgenError,  # noqa: F401
        IdMappingError,  # noqa: F401
        MissingDependencyError,  # noqa: F401
        NotFittedError,  # noqa: F401
        OutputError,  # noqa: F401
        TrainingError,  # noqa: F401
    )
    from graphgen.explain.enrichment import enrich  # noqa: F401
    from graphgen.features.blocks import stack_blocks  # noqa: F401
    from graphgen.graph.coexpression import coexpression_graph  # noqa: F401
    from graphgen.graph.convert import (
        from_networkx,  # noqa: F401
        to_networkx,  # noqa: F401
    )
    from graphgen.graph.load import (
        load_grn,  # noqa: F401
        load_ppi,  # noqa: F401
    )
    from graphgen.graph.subgraph import (
        largest_component,  # noqa: F401
        subgraph,  # noqa: F401
    )
    from graphgen.ids.mapper import IdMapper  # noqa: F401
    from graphgen.io.biogrid import BiogridFormat  # noqa: F401
    from graphgen.io.dorothea import DorotheaFormat  # noqa: F401
    from graphgen.io.edgelist import EdgeListFormat  # noqa: F401
    from graphgen.io.string import StringFormat  # noqa: F401
    from graphgen.models.registry import build_model  # noqa: F401
    from graphgen.subtyping.combat import ComBat  # noqa: F401
    from graphgen.train.label_features import LabelFeatures  # noqa: F401
    from graphgen.train.trainer import (
        Trainer,  # noqa: F401
        TrainerConfig,  # noqa: F401
    )
