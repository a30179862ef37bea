"""Train several models on one graph, features and split; collect comparable results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from torch_geometric.data import Data

from graphgen.graph.nodes import node_index
from graphgen.models.registry import build_model
from graphgen.train.seeding import seed_everything
from graphgen.train.splits import Split
from graphgen.train.tasks import NodeClassificationTask
from graphgen.train.trainer import Trainer, TrainerConfig

__all__ = ["ModelResult", "compare_models", "results_table"]


@dataclass(frozen=True)
class ModelResult:
    """One model's outcome on a split.

    Attributes:
        name: registry name of the model.
        test: test metrics; ``val``: validation metrics at the kept epoch.
        epochs, best_epoch, seconds: from the trainer.
        scores: predicted score per gene id (all nodes): a Series for binary tasks, a
            DataFrame with one column per class otherwise.
        hparams: the hyper-parameters the model was built with.
    """

    name: str
    test: dict[str, float]
    val: dict[str, float]
    epochs: int
    best_epoch: int
    seconds: float
    scores: pd.Series | pd.DataFrame = field(repr=False)
    hparams: dict[str, Any] = field(default_factory=dict)


def compare_models(
    data: Data,
    labels: pd.Series,
    split: Split,
    models: Mapping[str, Mapping[str, Any]],
    *,
    trainer: TrainerConfig | None = None,
) -> list[ModelResult]:
    """Train each model with the same trainer settings, features and split.

    Every model is built right after ``seed_everything(trainer.seed)``, so results do not
    depend on the order of ``models``.

    Args:
        data: graph with node features ``x`` and ``node_ids``.
        labels: class per gene id (genes absent or NaN are unlabelled).
        split: train/val/test gene ids.
        models: registry name -> hyper-parameters (``{}`` for the defaults).
        trainer: trainer settings (default :class:`TrainerConfig`).

    Returns:
        One :class:`ModelResult` per model, in the order given.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.train import stratified_split
        >>> org = make_organism(n_genes=200, n_samples=5)
        >>> data = stack_blocks(org.ppi, {"attributes": org.features})
        >>> res = compare_models(data, org.labels, stratified_split(org.labels), {"mlp": {}},
        ...                      trainer=TrainerConfig(max_epochs=3, progress=False))
        >>> sorted(res[0].test)
        ['accuracy', 'auprc', 'auroc', 'macro_f1']
    """
    config = trainer or TrainerConfig()
    task = NodeClassificationTask.from_labels(data, labels, split)
    index = node_index(data)
    runner = Trainer(config)
    results = []
    for name, hparams in models.items():
        seed_everything(config.seed)
        model = build_model(name, data.num_features, task.num_classes, **dict(hparams))
        fit = runner.fit(model, data, task, description=name)
        logits = runner.predict(model, data)
        scores = task.scores(logits)
        if scores.ndim == 1:
            frame = pd.Series(scores, index=index, name=name)
        else:
            frame = pd.DataFrame(scores, index=index, columns=list(task.classes))
        results.append(ModelResult(
            name=name,
            test=task.evaluate(logits, task.test_index),
            val={k: v for k, v in fit.best_val.items()},
            epochs=fit.epochs,
            best_epoch=fit.best_epoch,
            seconds=fit.seconds,
            scores=frame,
            hparams=dict(hparams),
        ))
    return results


def results_table(results: list[ModelResult]) -> pd.DataFrame:
    """Test metrics, epochs and seconds of each model, one row per model."""
    rows = [
        {"model": r.name, **{k: r.test[k] for k in ("auroc", "auprc", "macro_f1", "accuracy")},
         "epochs": r.epochs, "seconds": r.seconds}
        for r in results
    ]
    return pd.DataFrame(rows).set_index("model")


