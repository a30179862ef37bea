"""Node-level models: GNNs and the feature-only baseline they are compared with.

Every model maps ``(x [N, F], edge_index [2, E], edge_weight [E] | None)`` to logits
``[N, C]``, so the trainer treats them alike. Pick one by name with :func:`build_model`.
"""

from graphgen.models.gat import GAT
from graphgen.models.gcn import GCN
from graphgen.models.mlp import MLP
from graphgen.models.registry import MODELS, build_model

__all__ = ["GCN", "GAT", "MLP", "MODELS", "build_model"]
