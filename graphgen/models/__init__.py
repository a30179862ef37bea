"""Node-level models: GNNs and the feature-only baseline they are compared with.

Every trained model maps ``(x [N, F], edge_index [2, E], edge_weight [E] | None)`` to logits
``[N, C]``, so the trainer treats them alike; label propagation (graph only) needs no
training and gives scores directly. Pick one by name with :func:`build_model`.
"""

from graphgen.models.gat import GAT
from graphgen.models.gcn import GCN
from graphgen.models.label_propagation import LabelPropagation
from graphgen.models.logreg import LogisticRegression
from graphgen.models.mlp import MLP
from graphgen.models.registry import FEATURE_ONLY, GRAPH_ONLY, MODELS, build_model
from graphgen.models.sage import GraphSAGE

__all__ = ["FEATURE_ONLY", "GAT", "GCN", "GRAPH_ONLY", "GraphSAGE", "LabelPropagation",
           "LogisticRegression", "MLP", "MODELS", "build_model"]
