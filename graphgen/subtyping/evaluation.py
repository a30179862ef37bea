"""Compare subtyping views and baselines on the same splits: mean +- sd of the metrics."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.subtyping.classifier import SUBTYPE_TRAINER, SubtypeClassifier
from graphgen.subtyping.mogonet import MogonetConfig, mogonet_proba
from graphgen.subtyping.omics import OmicsScaler, align_omics
from graphgen.train.comparison import format_summary, summary_table
from graphgen.train.metrics import roc_auc
from graphgen.train.run_folder import RunFolder
from graphgen.train.splits import Split
from graphgen.train.trainer import TrainerConfig

__all__ = ["SUBTYPE_METRICS", "SubtypeComparison", "compare_subtyping", "subtype_metrics"]

log = logging.getLogger(__name__)

#: Metrics of :func:`subtype_metrics` (``f1``: F1 of the positive class, binary tasks only).
SUBTYPE_METRICS = ("accuracy", "f1", "macro_f1", "weighted_f1", "auroc")
_SKLEARN = ("logreg", "random_forest")
_VIEWS = ("expression-graph", "patient-graph", "propagation", "features")


def subtype_metrics(y_true: pd.Series, proba: pd.DataFrame) -> dict[str, float]:
    """Accuracy, F1 (binary: of the larger class label), macro and weighted F1, AUROC.

    Args:
        y_true: true class per sample.
        proba: samples x classes probabilities (same sample order).

    Example:
        >>> p = pd.DataFrame({0: [0.8, 0.3, 0.4], 1: [0.2, 0.7, 0.6]})
        >>> subtype_metrics(pd.Series([0, 1, 0]), p)["accuracy"]
        0.6666666666666666
    """
    classes = list(proba.columns)
    position = {c: i for i, c in enumerate(classes)}
    unknown = set(y_true.unique()) - set(position)
    if unknown:
        raise DataFormatError(f"subtype_metrics: classes {sorted(map(str, unknown))} have no "
                              "probability column")
    y = y_true.map(position).to_numpy(dtype=np.int64)
    scores = proba.to_numpy(dtype=np.float64)
    predicted = scores.argmax(axis=1)
    codes = list(range(len(classes)))
    out = {
        "accuracy": float(accuracy_score(y, predicted)),
        "f1": math.nan,
        "macro_f1": float(f1_score(y, predicted, labels=codes, average="macro",
                                   zero_division=0)),
        "weighted_f1": float(f1_score(y, predicted, labels=codes, average="weighted",
                                      zero_division=0)),
    }
    onehot = (y[:, None] == np.arange(len(classes))[None, :]).astype(int)
    present = onehot.sum(axis=0) > 0
    if len(classes) == 2:
        out["f1"] = float(f1_score(y, predicted, pos_label=1, zero_division=0))
        out["auroc"] = float(roc_auc(onehot[:, 1], scores[:, 1]))
    else:
        out["auroc"] = float(np.nanmean(roc_auc(onehot[:, present], scores[:, present])))
    return out


@dataclass(frozen=True)
class SubtypeComparison:
    """Per-split test metrics of every model and their out-of-sample probabilities.

    Attributes:
        per_split: one row per (model, split): the :data:`SUBTYPE_METRICS` and seconds.
        predictions: one row per (model, split, sample): true class and probabilities.
        dropped: samples left out by the omics alignment (sample -> reason).
    """

    per_split: pd.DataFrame
    predictions: pd.DataFrame = field(repr=False)
    dropped: dict[str, str] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Mean and sd of every metric per model (rows in the order the models were given)."""
        return summary_table(self.per_split, [*SUBTYPE_METRICS, "seconds"])

    def format(self, metrics: Sequence[str] = ("accuracy", "macro_f1", "weighted_f1",
                                                 "auroc")) -> str:
        """The summary as aligned text, ``mean ± sd`` (:func:`format_summary`)."""
        return format_summary(self.summary(), list(metrics), extra={"seconds": "{:.1f}"})

    def write(self, folder: str, config: Mapping[str, Any], *,
              overwrite: bool = False) -> RunFolder:
        """A run folder: ``config.toml``, ``metrics.json`` (summary and per split),
        ``predictions.csv``.

        Raises:
            OutputError: ``folder`` cannot be written, or holds a run and not ``overwrite``.
        """
        run = RunFolder(folder, exist_ok=overwrite)
        run.write_config(dict(config))
        run.write_metrics({"summary": {m: r.to_dict() for m, r in self.summary().iterrows()},
                           "per_split": self.per_split.to_dict(orient="records"),
                           "samples_dropped": self.dropped})
        run.write_predictions(self.predictions.set_index("sample"))
        return run


def compare_subtyping(
    omics: Mapping[str, pd.DataFrame],
    labels: pd.Series,
    splits: Sequence[Split],
    models: Mapping[str, Mapping[str, Any]],
    *,
    seeds: Sequence[int] | None = None,
    progress: bool = False,
) -> SubtypeComparison:
    """Fit every model on every split's training samples and score its test samples.

    Args:
        omics: name -> samples x features tables.
        labels: class per sample.
        splits: train/val/test sample ids; a model trains on train + val (graph views hold out
            their own validation samples for early stopping) and is scored on test.
        models: name -> spec. A spec's ``kind`` is a view of
            :class:`~graphgen.subtyping.SubtypeClassifier` (``expression-graph``,
            ``patient-graph``, ``propagation``, ``features``; the other keys are its parameters, and
            :class:`~graphgen.train.TrainerConfig` fields such as ``max_epochs`` or ``lr``,
            which go into its ``trainer`` over :data:`SUBTYPE_TRAINER`) or a
            scikit-learn baseline on the concatenated, training-standardised omics:
            ``logreg`` (``C``; ``class_weight="balanced"`` weighs classes by their inverse
            frequency) or ``random_forest`` (``n_estimators``), or ``mogonet``:
            MOGONET's own recipe on the omics as given
            (:func:`~graphgen.subtyping.mogonet.mogonet_proba`; parameters of
            :class:`~graphgen.subtyping.mogonet.MogonetConfig`).
        seeds: one seed per split (default ``0, 1, ...``): initialisation, validation hold-out
            and forests change with it.
        progress: progress bars while training.

    Raises:
        ConfigError: an unknown kind or parameter.
    """
    aligned = align_omics(omics, labels)
    y = aligned.labels
    seeds = list(range(len(splits))) if seeds is None else list(seeds)
    rows, predictions = [], []
    for split, seed in zip(splits, seeds):
        train = split.train.append(split.val)
        test = split.test
        for name, spec in models.items():
            params = dict(spec)
            kind = params.pop("kind", name)
            start = time.perf_counter()
            train_omics = {n: t.loc[train] for n, t in aligned.omics.items()}
            test_omics = {n: t.loc[test] for n, t in aligned.omics.items()}
            if kind in _VIEWS:
                clf = SubtypeClassifier(kind, **_with_trainer(params, seed, progress))
                proba = clf.fit(train_omics, y.loc[train]).predict_proba(test_omics)
            elif kind == "mogonet":
                proba = mogonet_proba(train_omics, y.loc[train], test_omics,
                                      config=MogonetConfig(**params), seed=seed)
            elif kind in _SKLEARN:
                proba = _sklearn_baseline(kind, params, train_omics, y.loc[train], test_omics,
                                          seed)
            else:
                raise ConfigError(f"compare_subtyping: model {name!r} has unknown kind {kind!r}; "
                                  f"use one of {[*_VIEWS, *_SKLEARN, 'mogonet']}")
            seconds = time.perf_counter() - start
            truth = y.loc[proba.index]
            rows.append({"model": name, "split": split.name, "seed": seed,
                         **subtype_metrics(truth, proba), "seconds": seconds})
            frame = proba.add_prefix("p_").reset_index(names="sample")
            frame.insert(1, "model", name)
            frame.insert(2, "split", split.name)
            frame.insert(3, "label", truth.to_numpy())
            predictions.append(frame)
            log.info("%s %s: accuracy %.3f", name, split.name, rows[-1]["accuracy"])
    return SubtypeComparison(per_split=pd.DataFrame(rows),
                             predictions=pd.concat(predictions, ignore_index=True),
                             dropped=aligned.dropped)


def _with_trainer(params: dict, seed: int, progress: bool | None) -> dict:
    """A view's spec with its trainer keys (``max_epochs``, ``lr`` ...) gathered into one
    ``trainer=TrainerConfig(...)`` over :data:`SUBTYPE_TRAINER`, seeded for this split."""
    fields = {f.name for f in dataclasses.fields(TrainerConfig)}
    trainer = {k: params.pop(k) for k in list(params) if k in fields}
    return {**params, "trainer": dataclasses.replace(SUBTYPE_TRAINER, **trainer, seed=seed,
                                                     progress=progress)}


def _sklearn_baseline(kind: str, params: dict, train: dict[str, pd.DataFrame],
                      labels: pd.Series, test: dict[str, pd.DataFrame], seed: int
                      ) -> pd.DataFrame:
    scaler = OmicsScaler().fit(train)
    x_train = pd.concat(list(scaler.transform(train).values()), axis=1).to_numpy()
    x_test = pd.concat(list(scaler.transform(test).values()), axis=1).to_numpy()
    if kind == "logreg":
        unknown = set(params) - {"C", "class_weight"}
        model = LogisticRegression(C=params.get("C", 1.0), max_iter=5000,
                                   class_weight=params.get("class_weight"))
    else:
        unknown = set(params) - {"n_estimators"}
        model = RandomForestClassifier(n_estimators=params.get("n_estimators", 500),
                                       random_state=seed, n_jobs=1)
    if unknown:
        raise ConfigError(f"{kind}: unknown parameter(s) {sorted(unknown)}")
    model.fit(x_train, labels.to_numpy())
    index = next(iter(test.values())).index
    return pd.DataFrame(model.predict_proba(x_test), index=index, columns=list(model.classes_))
