"""Models: GNNs and the baselines they are compared with.

Every trainable model is a :class:`GraphModel` called through ``nn.Module.__call__`` with
PyG's signature ``(x, edge_index, edge_weight=None, **inputs)`` (see
:mod:`graphgen.models.base`); :func:`run_model` draws those arguments from a ``Data``. Label
propagation (graph only) needs no training and takes labels and a training mask. Pick a node
model by name with :func:`build_model`.
"""

from graphgen.models.appnp import APPNP
from graphgen.models.base import GraphBaseline, GraphModel, run_model
from graphgen.models.gat import GAT
from graphgen.models.gcn import GCN
from graphgen.models.gcnii import GCNII
from graphgen.models.gin import GIN
from graphgen.models.label_propagation import LabelPropagation
from graphgen.models.logreg import LogisticRegression
from graphgen.models.mlp import MLP
from graphgen.models.propagation import DegreeScorer, HeatDiffusion, RandomWalkWithRestart
from graphgen.models.registry import FEATURE_ONLY, GRAPH_ONLY, MODELS, build_model
from graphgen.models.sage import GraphSAGE
from graphgen.models.sgc import SGC

__all__ = ["APPNP", "FEATURE_ONLY", "GAT", "GCN", "GCNII", "GIN", "GRAPH_ONLY", "SGC",
           "DegreeScorer", "GraphBaseline", "GraphModel", "GraphSAGE", "HeatDiffusion",
           "LabelPropagation", "LogisticRegression", "MLP", "MODELS", "RandomWalkWithRestart",
           "build_model", "run_model"]
