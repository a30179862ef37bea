"""Compare subtyping views and baselines on the same splits: mean +- sd of the metrics."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from graphgen.comparison.genes import format_summary, summary_table
from graphgen.comparison.run_folder import RunFolder
from graphgen.estimators.subtype_classifier import SUBTYPE_TRAINER, SubtypeClassifier
from graphgen.evaluation.confounding import (
    ConfoundingWarning,
    confounding_table,
    contingency,
    covariate_proba,
    covariate_table,
)
from graphgen.evaluation.metrics import roc_auc
from graphgen.evaluation.splits import Split, check_groups, check_groups_apart
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.subtyping.combat import ComBat
from graphgen.subtyping.mogonet import MogonetConfig, mogonet_proba
from graphgen.subtyping.omics import OmicsScaler, align_omics
from graphgen.train.trainer import TrainerConfig

__all__ = ["SUBTYPE_METRICS", "SubtypeComparison", "compare_subtyping", "subtype_metrics"]

log = logging.getLogger(__name__)

#: Metrics of :func:`subtype_metrics` (``f1``: F1 of the positive class, binary tasks only).
SUBTYPE_METRICS = ("accuracy", "f1", "macro_f1", "weighted_f1", "auroc")
_SKLEARN = ("logreg", "random_forest")
_VIEWS = ("auto", "expression-graph", "patient-graph", "propagation", "features")


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
        confounding: how well each covariate alone predicts the label
            (:func:`~graphgen.evaluation.confounding.confounding_table`), or ``None``.
        contingency: label by group counts when groups were given, or ``None``.
    """

    per_split: pd.DataFrame
    predictions: pd.DataFrame = field(repr=False)
    dropped: dict[str, str] = field(default_factory=dict)
    confounding: pd.DataFrame | None = None
    contingency: pd.DataFrame | None = None

    def summary(self) -> pd.DataFrame:
        """Mean and sd of every metric per model (rows in the order the models were given)."""
        return summary_table(self.per_split, [*SUBTYPE_METRICS, "seconds"])

    def pooled(self) -> pd.DataFrame:
        """The metrics of every model over its test predictions pooled across splits.

        For cross-validation in which each sample is tested once (k-fold, leave one group
        out), this is the out-of-fold score; it is the one that exists when a test part holds
        a single class (a batch of normal samples), where per-split AUROC does not.
        """
        rows = {}
        for model, frame in self.predictions.groupby("model", sort=False):
            proba = frame.filter(like="p_").rename(columns=lambda c: c[2:])
            proba.columns = [_restore(c, frame["label"]) for c in proba.columns]
            rows[model] = subtype_metrics(frame["label"].reset_index(drop=True),
                                          proba.reset_index(drop=True))
        return pd.DataFrame.from_dict(rows, orient="index")

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
        if self.confounding is not None:
            run.write_table("confounding.csv", self.confounding)
        if self.contingency is not None:
            run.write_table("label_by_group.csv", self.contingency)
        return run


def _restore(column: str, labels: pd.Series):
    """A probability column's class as the labels spell it (``p_1`` -> 1 for integer labels)."""
    for value in labels.unique():
        if str(value) == column:
            return value
    return column


def compare_subtyping(
    omics: Mapping[str, pd.DataFrame],
    labels: pd.Series,
    splits: Sequence[Split],
    models: Mapping[str, Mapping[str, Any]],
    *,
    seeds: Sequence[int] | None = None,
    progress: bool = False,
    groups: pd.Series | None = None,
    batch: pd.Series | None = None,
    covariates: pd.DataFrame | pd.Series | None = None,
    batch_correction: str | None = None,
) -> SubtypeComparison:
    """Fit every model on every split's training samples and score its test samples.

    With ``groups`` (batch, patient, site per sample), every split is checked to keep each
    group on one side (make them with ``kfold_splits(..., groups=)`` or
    :func:`~graphgen.evaluation.splits.leave_one_group_out`) and the graph views hold out whole
    groups for early stopping. ``groups`` and ``batch`` count as covariates: each covariate
    gets a row ``"<covariate> only"`` (:func:`~graphgen.evaluation.confounding.covariate_proba`,
    fitted on the training samples) beside the models, and the confounding table is computed
    (and warns) before any model trains.

    Args:
        omics: name -> samples x features tables.
        labels: class per sample.
        splits: train/val/test sample ids; a model trains on train + val (graph views hold out
            their own validation samples for early stopping) and is scored on test.
        models: name -> spec. A spec's ``kind`` is a view of
            :class:`~graphgen.subtyping.SubtypeClassifier` (``auto``, ``expression-graph``,
            ``patient-graph``, ``propagation``, ``features``; the other keys are its
            parameters; ``auto`` records the candidate it chose in each split as ``chose``), and
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
        groups: group per sample id that splits must keep apart
            (:func:`~graphgen.evaluation.splits.check_groups`); a covariate ``"group"``.
        batch: processing batch per sample id, the batch ``batch_correction`` corrects (it
            may straddle splits: random cross-validation); a covariate ``"batch"``.
        covariates: samples x covariates (or one as a Series) to report and to give a
            covariate-only row each (a column equal to ``groups`` or ``batch`` is kept once).
        batch_correction: ``"combat"``: ComBat per omics, fitted on each split's training
            samples with ``batch`` and applied to its test samples (a batch unseen in
            training is estimated from its own samples), before every model.

    Raises:
        ConfigError: an unknown kind or parameter, ComBat without a batch.
        DataFormatError: bad groups or covariates, a split with a group on two sides.
        ConfoundedDesignError: ComBat where a training batch holds a single class.
    """
    aligned = align_omics(omics, labels)
    y = aligned.labels
    seeds = list(range(len(splits))) if seeds is None else list(seeds)
    if batch_correction not in (None, "combat"):
        raise ConfigError(f"compare_subtyping: batch_correction must be None or 'combat', got "
                          f"{batch_correction!r}")
    group = None if groups is None else check_groups(groups, y.index,
                                                     what="compare_subtyping: groups")
    batch = None if batch is None else check_groups(batch, y.index,
                                                    what="compare_subtyping: batch")
    if batch_correction is not None and batch is None:
        raise ConfigError("compare_subtyping: batch_correction='combat' needs batch= (the "
                          "processing batch of each sample)")
    covariate_columns = covariate_table(covariates, {"group": group, "batch": batch}, y.index,
                                        what="compare_subtyping")
    confounding = None if covariate_columns is None else confounding_table(covariate_columns, y)
    for split in splits if group is not None else ():
        check_groups_apart(split, group)
    rows, predictions = [], []
    for split, seed in zip(splits, seeds):
        train = split.train.append(split.val)
        test = split.test
        train_omics = {n: t.loc[train] for n, t in aligned.omics.items()}
        test_omics = {n: t.loc[test] for n, t in aligned.omics.items()}
        if batch_correction == "combat":
            fitted = {n: ComBat().fit(t, batch.loc[train], y.loc[train])
                      for n, t in train_omics.items()}
            train_omics = {n: fitted[n].transform(t, batch.loc[train])
                           for n, t in train_omics.items()}
            test_omics = {n: fitted[n].transform(t, batch.loc[test]) for n, t in test_omics.items()}
        for name, spec in models.items():
            params = dict(spec)
            kind = params.pop("kind", name)
            chose = None
            start = time.perf_counter()
            if kind in _VIEWS:
                clf = SubtypeClassifier(kind, **_with_trainer(params, seed, progress))
                with warnings.catch_warnings():  # the confounding was reported above, once
                    warnings.simplefilter("ignore", ConfoundingWarning)
                    clf.fit(train_omics, y.loc[train],
                            None if group is None else group.loc[train])
                proba = clf.predict_proba(test_omics)
                chose = clf.selection_.chosen.name if clf.selection_ is not None else None
            elif kind == "mogonet":
                proba = mogonet_proba(train_omics, y.loc[train], test_omics,
                                      config=MogonetConfig(**params), seed=seed)
            elif kind in _SKLEARN:
                proba = _sklearn_baseline(kind, params, train_omics, y.loc[train], test_omics,
                                          seed)
            else:
                raise ConfigError(f"compare_subtyping: model {name!r} has unknown kind {kind!r}; "
                                  f"use one of {[*_VIEWS, *_SKLEARN, 'mogonet']}")
            _record(rows, predictions, name, split, seed, y, proba,
                    time.perf_counter() - start)
            if chose is not None:
                rows[-1]["chose"] = chose
        for column in () if covariate_columns is None else covariate_columns.columns:
            start = time.perf_counter()
            values = covariate_columns[column]
            proba = covariate_proba(values.loc[train], y.loc[train], values.loc[test])
            _record(rows, predictions, f"{column} only", split, seed, y, proba,
                    time.perf_counter() - start)
    return SubtypeComparison(
        per_split=pd.DataFrame(rows), predictions=pd.concat(predictions, ignore_index=True),
        dropped=aligned.dropped, confounding=confounding,
        contingency=_contingency(y, group, batch))


def _record(rows: list, predictions: list, name: str, split: Split, seed: int, y: pd.Series,
            proba: pd.DataFrame, seconds: float) -> None:
    truth = y.loc[proba.index]
    rows.append({"model": name, "split": split.name, "seed": seed,
                 **subtype_metrics(truth, proba), "seconds": seconds})
    frame = proba.add_prefix("p_").reset_index(names="sample")
    frame.insert(1, "model", name)
    frame.insert(2, "split", split.name)
    frame.insert(3, "label", truth.to_numpy())
    predictions.append(frame)
    log.info("%s %s: accuracy %.3f", name, split.name, rows[-1]["accuracy"])


def _contingency(y: pd.Series, group: pd.Series | None, batch: pd.Series | None
                 ) -> pd.DataFrame | None:
    """Label by group (or by batch) counts for the run folder."""
    by = group if group is not None else batch
    return None if by is None else contingency(y, by.rename("group" if group is not None
                                                           else "batch"))


def _with_trainer(params: dict, seed: int, progress: bool | None) -> dict:
    """A view's spec with its trainer keys (``max_epochs``, ``lr`` ...) gathered into one
    ``trainer=TrainerConfig(...)`` over :data:`SUBTYPE_TRAINER`, seeded for this split."""
    fields = {f.name for f in dataclasses.fields(TrainerConfig)}
    trainer = {k: params.pop(k) for k in list(params) if k in fields}
    if "seed" in trainer:
        raise ConfigError("compare_subtyping: a model spec cannot set seed (each split's seed "
                          "comes from seeds=)")
    return {**params, "trainer": dataclasses.replace(SUBTYPE_TRAINER,
                                                     **{"progress": progress, **trainer},
                                                     seed=seed)}


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
