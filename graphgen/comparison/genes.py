"""Train several models on one graph, features and split(s); collect comparable results.

Every model, GNN or baseline, sees the same features, split and trainer settings; label
propagation (graph only) is evaluated through the same task object, so a result table shows
side by side what the features alone, the graph alone and both together achieve.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from torch_geometric.data import Data

from graphgen.evaluation.confounding import (
    confounding_table,
    covariate_proba,
    covariate_table,
    covariate_values,
)
from graphgen.evaluation.metrics import degree_stratified_auprc
from graphgen.evaluation.splits import Split, check_groups, check_groups_apart
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.nodes import float_features, node_index
from graphgen.labels import align_labels
from graphgen.models.propagation import DegreeScorer
from graphgen.models.registry import GRAPH_ONLY, build_model
from graphgen.train.fitting import fit_model
from graphgen.train.label_features import LabelFeatures, add_label_features
from graphgen.train.search import ModelSpec, tune
from graphgen.train.seeding import seed_everything
from graphgen.train.tasks import NodeClassificationTask, make_task
from graphgen.train.trainer import TrainerConfig

__all__ = ["CVResult", "ModelResult", "compare_models", "compare_on_task", "cross_validate",
           "format_summary", "results_table", "summary_table"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelResult:
    """One model's outcome on a split.

    Attributes:
        name: registry name of the model.
        test: test metrics; ``val``: validation metrics at the kept epoch.
        epochs, best_epoch, seconds: from the trainer (0 for untrained baselines).
        scores: predicted score per gene id (all nodes): a Series for binary tasks, a
            DataFrame with one column per class or label otherwise.
        hparams: the hyper-parameters the model was built with.
        split: name of the split.
    """

    name: str
    test: dict[str, float]
    val: dict[str, float]
    epochs: int
    best_epoch: int
    seconds: float
    scores: pd.Series | pd.DataFrame = field(repr=False)
    hparams: dict[str, Any] = field(default_factory=dict)
    split: str = "split"


#: Builds a model from (registry name, hyper-parameters, input width, output width).
ModelFactory = Callable[[str, Mapping[str, Any], int, int], Any]
#: Fits a model that chooses itself (``{"model": "auto", ...}``) on the labels of a split's
#: training and validation genes and returns its scores over every item, shaped as a trained
#: model's (``[N]`` binary, ``[N, C]`` otherwise): (name, spec, data, labels, trainer, split
#: name) -> scores. The experiment runner passes one that fits ``GeneClassifier(model="auto")``.
AutoFit = Callable[[str, Mapping[str, Any], Data, "pd.Series | pd.DataFrame", TrainerConfig,
                    str], np.ndarray]


def _items(data) -> pd.Index:
    """Ids of the items a node or sample-graph task scores: genes, or samples."""
    sample_ids = getattr(data, "sample_ids", None)
    if sample_ids is not None and not isinstance(data, Data):
        return pd.Index([str(s) for s in sample_ids], name="sample_id")
    return node_index(data)


def _fit_one(name: str, hparams: Mapping[str, Any], data, task, config: TrainerConfig,
             split_name: str, checkpoint_dir: Path | None, resume: bool,
             factory: ModelFactory | None, items: pd.Index,
             with_labels=None) -> ModelResult:
    spec = ModelSpec.parse(name, hparams)  # a named variant: {"model": "rwr", ...}
    kind, search, hparams = spec.model, spec.search, dict(spec.hparams)
    if with_labels is not None and kind.lower() not in GRAPH_ONLY:
        data = with_labels  # the features plus this split's propagated training labels

    def make(params: dict[str, Any]):
        if factory is None or kind.lower() in GRAPH_ONLY:
            return build_model(kind, data.num_features, task.num_outputs, **params)
        return factory(kind, params, data.num_features, task.num_outputs)

    if search is not None:  # nested: trials fit on train, are scored on val, never on test
        config, hparams, _ = tune(make, hparams, data, task, search, config)

    def build():
        return make(hparams)

    seed_everything(config.seed)
    model = build()
    checkpoint = None
    if checkpoint_dir is not None:
        checkpoint = checkpoint_dir / f"{name}-{split_name.replace(' ', '').replace(',', '-')}.pt"
    fitted = fit_model(model, data, task, trainer=config, description=f"{name} {split_name}",
                       checkpoint=checkpoint, resume=resume, build=build)
    scores = fitted.scores(data)
    if fitted.fit is not None:
        fit = fitted.fit
        val, epochs, best = dict(fit.best_val), fit.epochs, fit.best_epoch
    else:
        val, epochs, best = task.metrics(scores, task.val_index), 0, 0
    frame = _score_frame(scores, items, name, task)
    test = task.metrics(scores, task.test_index)
    if (scores.ndim == 1 and isinstance(data, Data) and len(task.test_index)
            and getattr(data, "edge_index", None) is not None and len(scores) == data.num_nodes):
        # hubs look like disease genes: AUPRC among test genes of similar degree
        degree = DegreeScorer().degree(data)
        test_index = task.test_index.cpu().numpy()
        test.update(degree_stratified_auprc(task.y[task.test_index].cpu().numpy(),
                                            scores[test_index], degree[test_index]))
    return ModelResult(name=name, test=test, val=val,
                       epochs=epochs, best_epoch=best, seconds=fitted.seconds, scores=frame,
                       hparams=dict(hparams), split=split_name)


def compare_on_task(
    data,
    task,
    models: Mapping[str, ModelSpec | Mapping[str, Any]],
    *,
    trainer: TrainerConfig | None = None,
    model_factory: ModelFactory | None = None,
    items: pd.Index | None = None,
    split_name: str = "split",
    checkpoint_dir: str | Path | None = None,
    resume: bool = False,
    label_features: LabelFeatures | None = None,
    groups: pd.Series | None = None,
    covariates: pd.DataFrame | None = None,
) -> list[ModelResult]:
    """The one comparison engine: every model fitted on the same task through
    :func:`~graphgen.train.fitting.fit_model`, scored on its test part.

    :func:`compare_models` builds a node (or sample-graph) task from labels and calls this;
    pair tasks (interaction types of protein pairs) call it directly with a factory that
    builds the pair models.

    Args:
        data: the graph (or samples over a graph) the task indexes.
        task: any :class:`~graphgen.train.tasks.Task`.
        models: name -> hyper-parameters, built by ``model_factory(name, hparams, in, out)``
            or, without one, by the registry. A ``"model"`` key names the registry model
            when the name is a variant's (``{"rwr_r03": {"model": "rwr", "restart": 0.3}}``).
        items: ids of the scored items (index of the result's ``scores``; default the
            node or sample ids of ``data`` when the task scores those, else positions, e.g.
            of the pairs).
        split_name: label of the split in the results.
        label_features: append the propagated training labels of this split to the
            features of every trained model (out-of-fold within the training genes; see
            :mod:`graphgen.train.label_features`). Graph-only baselines are unaffected.
        groups: group per item id (gene family, batch): the task's train, validation and
            test parts must keep every group on one side (checked, or DataFormatError).
        covariates: items x covariates: each adds a result ``"<covariate> only"``, what the
            covariate alone predicts (:func:`~graphgen.evaluation.confounding.covariate_proba`,
            fitted on the training part; single-label tasks).

    Returns:
        One :class:`ModelResult` per model, in the order given, then one per covariate.
    """
    config = trainer or TrainerConfig()
    if items is None:  # genes or samples when the task scores them, else positions (pairs)
        try:
            items = _items(data)
        except DataFormatError:
            items = None
        if items is None or len(items) != len(task.y):
            items = pd.RangeIndex(len(task.y))
    folder = Path(checkpoint_dir) if checkpoint_dir is not None else None
    if groups is not None:
        check_groups_apart(_task_split(task, items, split_name),
                           check_groups(groups, _labelled(task, items), what="groups"))
    if covariates is not None and not isinstance(task, NodeClassificationTask):
        raise ConfigError("covariates: covariate-only rows need a single-label task (one "
                          "class per gene or sample)")
    trained = [n for n, h in models.items() if ModelSpec.parse(n, h).model not in GRAPH_ONLY]
    with_labels = (add_label_features(data, task, label_features)  # once per split
                   if label_features is not None and trained else None)
    results = [_fit_one(name, hparams, data, task, config, split_name, folder, resume,
                        model_factory, items, with_labels) for name, hparams in models.items()]
    for column in () if covariates is None else covariates.columns:
        results.append(_covariate_result(covariates[column], task, items, split_name))
    return results


def _task_split(task, items: pd.Index, name: str) -> Split:
    """The task's parts as item ids."""
    return Split(*(items[getattr(task, part).cpu().numpy()]
                   for part in ("train_index", "val_index", "test_index")), name=name)


def _labelled(task, items: pd.Index) -> pd.Index:
    split = _task_split(task, items, "")
    return split.train.append(split.val).append(split.test)


def _covariate_result(column: pd.Series, task, items: pd.Index, split_name: str
                      ) -> ModelResult:
    """What one covariate alone predicts: fitted on the training part, scored like a model."""
    start = time.perf_counter()
    labelled = _labelled(task, items)
    values = covariate_values(column, labelled, str(column.name))
    train = task.train_index.cpu().numpy()
    y = task.y.cpu().numpy()
    proba = covariate_proba(values.loc[items[train]], pd.Series(y[train], index=items[train]),
                            values)
    proba = proba.reindex(columns=range(len(task.classes)), fill_value=0.0)
    full = np.full((len(items), len(task.classes)), np.nan)
    full[items.get_indexer(labelled)] = proba.to_numpy()
    scores = full[:, 1] if len(task.classes) == 2 else full
    name = f"{column.name} only"
    frame = _score_frame(scores, items, name, task)
    return ModelResult(name=name, test=task.metrics(scores, task.test_index),
                       val=task.metrics(scores, task.val_index), epochs=0, best_epoch=0,
                       seconds=time.perf_counter() - start, scores=frame, split=split_name)


def compare_models(
    data: Data,
    labels: pd.Series | pd.DataFrame,
    split: Split,
    models: Mapping[str, ModelSpec | Mapping[str, Any]],
    *,
    trainer: TrainerConfig | None = None,
    checkpoint_dir: str | Path | None = None,
    resume: bool = False,
    model_factory: ModelFactory | None = None,
    label_features: LabelFeatures | None = None,
    groups: pd.Series | None = None,
    covariates: pd.DataFrame | None = None,
    auto_fit: AutoFit | None = None,
) -> list[ModelResult]:
    """Train each model with the same trainer settings, features and split.

    Every model is built right after ``seed_everything(trainer.seed)``, so results do not
    depend on the order of ``models``.

    Args:
        data: graph with node features ``x`` and ``node_ids``.
        labels: class per gene id (Series; genes absent or NaN are unlabelled) or a genes x
            labels 0/1 table (multi-label). Labelled genes that are not nodes are reported
            (logged) and not used, as in :meth:`GeneClassifier.fit`.
        split: train/val/test gene ids (genes that are not labelled nodes are left out).
        models: name -> a :class:`~graphgen.train.search.ModelSpec`, or a table of
            hyper-parameters (``{}`` for the defaults; ``model`` names the registry model of
            a named variant, ``search`` a search), read by ``ModelSpec.parse``.
        trainer: trainer settings (default :class:`TrainerConfig`).
        checkpoint_dir: write each model's training state there (atomically).
        resume: continue interrupted models from their checkpoints.
        model_factory: builds the trained models instead of the registry (e.g. fusion models
            around the registry's GNNs); graph-only baselines always come from the registry.
        label_features: append this split's propagated training labels to the features of
            the trained models (see :func:`compare_on_task`).
        groups, covariates: groups the split must keep apart, covariates that each get a
            covariate-only result (see :func:`compare_on_task`).
        auto_fit: fits the models whose spec is ``{"model": "auto", ...}`` (see
            :data:`AutoFit`); such a model without it is an error.

    Returns:
        One :class:`ModelResult` per model, in the order given, then one per covariate.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.evaluation import stratified_split
        >>> org = make_organism(n_genes=200, n_samples=5)
        >>> data = stack_blocks(org.ppi, {"attributes": org.features})
        >>> res = compare_models(data, org.labels, stratified_split(org.labels), {"mlp": {}},
        ...                      trainer=TrainerConfig(max_epochs=3, progress=False))
        >>> sorted(m for m in res[0].test if "degree" not in m)
        ['accuracy', 'auprc', 'auroc', 'macro_f1']
        >>> round(res[0].test["degree_stratified_auprc"], 2) <= 1.0  # AUPRC within degree bins
        True
    """
    items = _items(data)
    data = float_features(data) if isinstance(data, Data) else data
    labels = align_labels(labels, items).labels
    split = _within(split, labels.index)
    task = make_task(data, labels, split)
    auto = [name for name, spec in models.items() if ModelSpec.parse(name, spec).model == "auto"]
    if auto and auto_fit is None:
        raise ConfigError(f"models {auto}: model 'auto' chooses itself on the training genes "
                          "and needs an estimator (graphgen run, or graphgen.GeneClassifier())")
    fixed = {name: spec for name, spec in models.items() if name not in auto}
    results = compare_on_task(data, task, fixed, trainer=trainer,
                              model_factory=model_factory, items=items,
                              split_name=split.name, checkpoint_dir=checkpoint_dir,
                              resume=resume, label_features=label_features, groups=groups,
                              covariates=covariates) if fixed or covariates is not None else []
    chosen = {}
    for name in auto:
        start = time.perf_counter()
        scores = auto_fit(name, models[name], data, labels.loc[split.train.append(split.val)],
                          trainer or TrainerConfig(), split.name)
        chosen[name] = _result(name, scores, task, items, split.name,
                               time.perf_counter() - start)
    by_name = {r.name: r for r in results}
    ordered = [chosen[name] if name in chosen else by_name[name] for name in models]
    return ordered + [r for r in results if r.name not in models]


def _score_frame(scores: np.ndarray, items: pd.Index, name: str, task
                 ) -> pd.Series | pd.DataFrame:
    """A model's scores by item: a Series (binary) or one column per class or label."""
    if scores.ndim == 1:
        return pd.Series(scores, index=items, name=name)
    return pd.DataFrame(scores, index=items, columns=[str(c) for c in task.classes])


def _result(name: str, scores: np.ndarray, task, items: pd.Index, split_name: str,
            seconds: float) -> ModelResult:
    """A self-choosing model's scores as a result; it fitted on the training and validation
    genes together, so its validation metrics are not reported (empty)."""
    frame = _score_frame(scores, items, name, task)
    return ModelResult(name=name, test=task.metrics(scores, task.test_index), val={},
                       epochs=0, best_epoch=0, seconds=seconds, scores=frame,
                       split=split_name)


def _within(split: Split, genes: pd.Index) -> Split:
    """``split`` without the genes that are not labelled nodes (logged, not used)."""
    parts = {name: getattr(split, name) for name in ("train", "val", "test")}
    outside = {name: ids[~ids.isin(genes)] for name, ids in parts.items()}
    dropped = sum(len(ids) for ids in outside.values())
    if not dropped:
        return split
    log.warning("split %s: %d gene(s) are not labelled nodes of the graph and are not used, "
                "e.g. %s", split.name, dropped,
                [g for ids in outside.values() for g in ids[:3]][:5])
    return Split(**{name: ids[ids.isin(genes)] for name, ids in parts.items()},
                 name=split.name)


@dataclass(frozen=True)
class CVResult:
    """Results of several models over several splits (cross-validation).

    Attributes:
        results: one :class:`ModelResult` per (split, model), splits in order.
        out_of_fold: per model, each gene's test score averaged over the splits where it was
            a test gene (a Series, or a DataFrame for multi-class/multi-label tasks).
        confounding: how well each covariate (and the groups) alone predicts the label
            (:func:`~graphgen.evaluation.confounding.confounding_table`), or ``None``.
    """

    results: list[ModelResult]
    out_of_fold: dict[str, pd.Series | pd.DataFrame] = field(repr=False)
    confounding: pd.DataFrame | None = None

    def per_split(self) -> pd.DataFrame:
        """Test metrics, one row per (model, split)."""
        rows = [{"model": r.name, "split": r.split, **r.test, "epochs": r.epochs,
                 "seconds": r.seconds} for r in self.results]
        return pd.DataFrame(rows)

    def summary(self) -> pd.DataFrame:
        """Mean and standard deviation of every test metric per model (rows in model order)."""
        return summary_table(self.per_split())


def cross_validate(
    data: Data,
    labels: pd.Series | pd.DataFrame,
    splits: Sequence[Split],
    models: Mapping[str, ModelSpec | Mapping[str, Any]],
    *,
    trainer: TrainerConfig | None = None,
    checkpoint_dir: str | Path | None = None,
    resume: bool = False,
    model_factory: ModelFactory | None = None,
    label_features: LabelFeatures | None = None,
    groups: pd.Series | None = None,
    covariates: pd.DataFrame | None = None,
    auto_fit: AutoFit | None = None,
) -> CVResult:
    """:func:`compare_models` over every split; metrics as mean +- sd across splits.

    With ``groups`` (gene family, batch per id) every split must keep each group on one side
    (make them with ``kfold_splits(..., groups=)`` or
    :func:`~graphgen.evaluation.splits.leave_one_group_out`); the groups become the covariate
    ``"group"``. Each covariate gets a covariate-only row beside the models, and the
    confounding table (:attr:`CVResult.confounding`) is computed, and warns, before training.
    ``auto_fit`` fits the self-choosing models (:func:`compare_models`).

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.evaluation import kfold_splits
        >>> org = make_organism(n_genes=200, n_samples=5)
        >>> data = stack_blocks(org.ppi, {"attributes": org.features})
        >>> cv = cross_validate(data, org.labels, kfold_splits(org.labels, k=3),
        ...                     {"logreg": {}, "label_propagation": {}},
        ...                     trainer=TrainerConfig(max_epochs=3, progress=False))
        >>> bool(cv.summary().loc["label_propagation", "auroc_mean"] > 0.5)
        True
    """
    labels = align_labels(labels, _items(data)).labels
    checked = None
    if groups is not None:  # every split first: fail before anything trains
        checked = check_groups(groups, labels.index, what="groups")
        for split in splits:
            check_groups_apart(split, checked)
    table = covariate_table(covariates, {"group": checked}, labels.index,
                            what="cross_validate")
    multilabel = isinstance(labels, pd.DataFrame)
    confounding = None if table is None or multilabel else confounding_table(table, labels)
    rows = table if not multilabel or covariates is not None else None  # rows: single-label
    results: list[ModelResult] = []
    sums: dict[str, Any] = {}
    counts: dict[str, np.ndarray] = {}
    for i, split in enumerate(splits):
        log.info("split %d of %d: %s", i + 1, len(splits), split.name)
        for result in compare_models(data, labels, split, models, trainer=trainer,
                                     checkpoint_dir=checkpoint_dir, resume=resume,
                                     model_factory=model_factory,
                                     label_features=label_features, groups=groups,
                                     covariates=rows, auto_fit=auto_fit):
            results.append(result)
            test = result.scores.index.isin(split.test)
            values = np.where(test[:, None] if result.scores.ndim == 2 else test,
                              result.scores.to_numpy(), 0.0)
            sums[result.name] = sums.get(result.name, 0.0) + values
            counts[result.name] = counts.get(result.name, 0) + test
    out_of_fold = {}
    for result in results[: len(models) + (0 if rows is None else rows.shape[1])]:
        name = result.name
        with np.errstate(invalid="ignore", divide="ignore"):
            denominator = counts[name][:, None] if result.scores.ndim == 2 else counts[name]
            mean = sums[name] / denominator
        if result.scores.ndim == 2:
            frame = pd.DataFrame(mean, index=result.scores.index, columns=result.scores.columns)
        else:
            frame = pd.Series(mean, index=result.scores.index, name=name)
        out_of_fold[name] = frame[counts[name] > 0]
    return CVResult(results=results, out_of_fold=out_of_fold, confounding=confounding)


def results_table(results: list[ModelResult]) -> pd.DataFrame:
    """Test metrics, epochs and seconds of each model, one row per model."""
    rows = [{"model": r.name, **r.test, "epochs": r.epochs, "seconds": r.seconds}
            for r in results]
    return pd.DataFrame(rows).set_index("model")


def summary_table(per_split: pd.DataFrame,
                  metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """``<metric>_mean`` / ``<metric>_sd`` per model from a per-split table (one row per
    model and split); ``metrics``: the columns to summarise (default every numeric column
    but ``split`` and ``seed``)."""
    if metrics is None:
        metrics = [c for c in per_split.columns if c not in ("model", "split", "seed")
                   and pd.api.types.is_numeric_dtype(per_split[c])]
    metrics = list(metrics)
    grouped = per_split.groupby("model", sort=False)[metrics]
    mean, sd = grouped.mean(), grouped.std(ddof=1)
    out = pd.DataFrame(index=mean.index)
    for metric in metrics:
        out[f"{metric}_mean"] = mean[metric]
        out[f"{metric}_sd"] = sd[metric] if len(per_split) > len(mean) else math.nan
    out["splits"] = grouped.size()
    return out


def format_summary(summary: pd.DataFrame, metrics: Sequence[str], *,
                   extra: Mapping[str, str] | None = None,
                   labels: Mapping[str, str] | None = None) -> str:
    """The one results formatter: a :func:`summary_table` as aligned text.

    Args:
        summary: ``<metric>_mean`` / ``<metric>_sd`` columns per model.
        metrics: shown as ``mean ± sd`` (the mean alone for a single split).
        extra: more columns shown as their mean, name -> format (e.g.
            ``{"epochs": "{:.0f}", "seconds": "{:.1f}"}``); a missing value shows as ``-``.
        labels: display names of the models.

    Example:
        >>> per_split = pd.DataFrame({"model": ["gcn", "gcn"], "split": ["a", "b"],
        ...                           "auroc": [0.8, 0.9]})
        >>> print(format_summary(summary_table(per_split), ["auroc"]))
        model  auroc
        gcn    0.850 ± 0.071
    """
    extra = dict(extra or {})
    rows = []
    for model, row in summary.iterrows():
        cells = [(labels or {}).get(model, str(model))]
        for m in metrics:
            sd = row[f"{m}_sd"]
            cells.append(f"{row[f'{m}_mean']:.3f}" + ("" if pd.isna(sd) else f" ± {sd:.3f}"))
        cells += ["-" if pd.isna(row[f"{name}_mean"]) else fmt.format(row[f"{name}_mean"])
                  for name, fmt in extra.items()]
        rows.append(cells)
    header = ["model", *metrics, *extra]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in [header, *rows])
