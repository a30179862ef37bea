"""Pick a node model by name, with its hyper-parameters checked at the door."""

from __future__ import annotations

import inspect
from typing import Any

from torch import nn

from graphgen.exceptions import ConfigError
from graphgen.models.appnp import APPNP
from graphgen.models.correct_and_smooth import CorrectAndSmooth
from graphgen.models.gat import GAT
from graphgen.models.gcn import GCN
from graphgen.models.gcnii import GCNII
from graphgen.models.gin import GIN
from graphgen.models.label_propagation import LabelPropagation
from graphgen.models.logreg import LogisticRegression
from graphgen.models.mlp import MLP
from graphgen.models.propagation import DegreeScorer, HeatDiffusion, RandomWalkWithRestart
from graphgen.models.sage import GraphSAGE
from graphgen.models.sgc import SGC

__all__ = ["FEATURE_ONLY", "GRAPH_ONLY", "MODELS", "POST_PROCESSING", "build_model"]

#: Model classes by the name used in the CLI, TOML experiments and result tables.
MODELS: dict[str, type] = {
    "gcn": GCN, "gat": GAT, "sage": GraphSAGE, "appnp": APPNP, "sgc": SGC, "gin": GIN,
    "gcnii": GCNII, "mlp": MLP, "logreg": LogisticRegression,
    "correct_and_smooth": CorrectAndSmooth,
    "label_propagation": LabelPropagation, "rwr": RandomWalkWithRestart, "heat": HeatDiffusion,
    "degree": DegreeScorer,
}
#: Baselines that ignore the graph (node features only).
FEATURE_ONLY = frozenset({"mlp", "logreg"})
#: Baselines that ignore the node features (graph only); they are not trained.
GRAPH_ONLY = frozenset({"label_propagation", "rwr", "heat", "degree"})
#: Post-processing around a trained base model (not an ``nn.Module`` itself).
POST_PROCESSING = frozenset({"correct_and_smooth"})


def build_model(name: str, in_channels: int, out_channels: int, **hparams: Any
                ) -> nn.Module | LabelPropagation:
    """Build the model registered as ``name``.

    Args:
        name: one of :data:`MODELS` (case-insensitive).
        in_channels: input feature size.
        out_channels: number of output logits.
        **hparams: keyword arguments of the model class (e.g. ``hidden_channels``).

    Returns:
        A freshly initialised ``torch.nn.Module`` (seed the RNG first for reproducibility),
        or, for the graph-only baselines (:data:`GRAPH_ONLY`), an object with
        a :class:`~graphgen.models.base.GraphBaseline` (``predict(data, targets,
        train_mask)``) that needs no training.

    Raises:
        ConfigError: unknown model name, unknown hyper-parameter or invalid value.

    Example:
        >>> build_model("gcn", 16, 2, hidden_channels=32).__class__.__name__
        'GCN'
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in MODELS:
        raise ConfigError(f"unknown model {name!r}; choose one of {sorted(MODELS)}")
    cls = MODELS[key]
    allowed = [
        p for p in inspect.signature(cls.__init__).parameters
        if p not in ("self", "in_channels", "out_channels", "build_base")
    ]
    unknown = sorted(set(hparams) - set(allowed))
    if unknown:
        raise ConfigError(
            f"model {key!r} does not take {', '.join(map(repr, unknown))}; "
            f"its hyper-parameters are {allowed}"
        )
    for option in ("hidden_channels", "num_layers", "heads", "K"):
        if option in hparams and (not isinstance(hparams[option], int) or hparams[option] < 1):
            raise ConfigError(
                f"model {key!r}: {option} must be a positive integer, got {hparams[option]!r}"
            )
    if "dropout" in hparams and not 0.0 <= float(hparams["dropout"]) < 1.0:
        raise ConfigError(f"model {key!r}: dropout must be in [0, 1), got {hparams['dropout']!r}")
    if "alpha" in hparams and not 0.0 < float(hparams["alpha"]) < 1.0:  # LP, APPNP, GCNII
        raise ConfigError(f"model {key!r}: alpha must be in (0, 1), got {hparams['alpha']!r}")
    if key in GRAPH_ONLY:
        return cls(**hparams)
    if key in POST_PROCESSING:  # the base is built here: the post-processing names it only
        base, base_hparams = hparams.get("base", "logreg"), dict(hparams.get("base_hparams")
                                                                 or {})
        if base not in MODELS or base in GRAPH_ONLY or base in POST_PROCESSING:
            raise ConfigError(f"correct_and_smooth: base must be a trained registry model, got "
                              f"{base!r}")
        return cls(in_channels, out_channels, **hparams,
                   build_base=lambda: build_model(base, in_channels, out_channels,
                                                  **base_hparams))
    return cls(in_channels, out_channels, **hparams)
