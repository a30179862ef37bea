"""Run an experiment: graph -> features -> labels -> splits -> models -> run folder."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from torch_geometric.data import Data

from graphgen.comparison.genes import CVResult, cross_validate
from graphgen.comparison.genes import format_summary as format_metrics
from graphgen.comparison.run_folder import RunFolder
from graphgen.evaluation.confounding import contingency
from graphgen.evaluation.splits import (
    Split,
    check_groups,
    kfold_splits,
    leave_one_group_out,
    splits_from_folds,
    stratified_split,
)
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.experiment.config import ExperimentConfig, LabelsConfig
from graphgen.features.blocks import stack_blocks
from graphgen.features.expression_block import expression_features
from graphgen.features.sequence_block import sequence_features
from graphgen.features.topology_block import topology_features
from graphgen.graph.load import load_grn, load_ppi
from graphgen.graph.nodes import node_degree
from graphgen.ids.mapper import IdMapper
from graphgen.io.biogrid import BiogridFormat
from graphgen.io.delimited import read_delimited, table_columns
from graphgen.io.dorothea import DorotheaFormat
from graphgen.io.edgelist import EdgeListFormat
from graphgen.io.expression import read_expression
from graphgen.io.fasta import read_fasta, read_sequence_table
from graphgen.io.go import read_go_annotations, read_obo
from graphgen.io.go_terms import go_features
from graphgen.io.string import StringFormat
from graphgen.labels import (
    align_labels,
    binary_labels,
    go_term_labels,
    read_gene_list,
    read_label_table,
)
from graphgen.models.fusion import build_fusion
from graphgen.models.registry import GRAPH_ONLY
from graphgen.plot.curves import plot_roc_pr
from graphgen.sequences.attach import attach_sequences
from graphgen.train.distributed import rank_and_world
from graphgen.train.search import ModelSpec

__all__ = ["ExperimentResult", "format_summary", "prepare_experiment", "run_experiment",
           "task_splits"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExperimentResult:
    """What :func:`run_experiment` produced.

    Attributes:
        config: the experiment settings.
        cv: per-split results and out-of-fold scores of every model.
        run: the run folder (``None`` on the ranks other than 0 of a distributed run, which
            write nothing).
        labels: the labels used (genes that are nodes).
        labels_not_in_graph: labelled genes that are not nodes (reported, not used).
        graph: the graph with its stacked features.
    """

    config: ExperimentConfig
    cv: CVResult
    run: RunFolder | None
    labels: pd.Series | pd.DataFrame
    labels_not_in_graph: pd.Index
    graph: Data


def run_experiment(
    config: ExperimentConfig, *, out: str | Path | None = None, progress: bool | None = None,
    resume: bool = False, overwrite: bool = False, device: str | None = None,
) -> ExperimentResult:
    """Run every model of ``config`` on every split and write the run folder.

    The run folder gets ``config.toml`` (all settings, seed, versions), ``metrics.json``
    (mean and sd of every test metric per model, per-split metrics, label and graph
    counts), ``predictions.csv`` (per gene: label(s) and the out-of-fold score of each
    model), ``labels_not_in_graph.txt`` and, for binary tasks, ``curves.png``. Training states
    go to ``checkpoints/``; ``resume=True`` continues an interrupted run from them (and
    refuses checkpoints written for other settings, features or labels). A folder that
    already holds a run is an error unless ``resume`` or ``overwrite``. ``device`` overrides
    ``[trainer] device`` (``"cpu"``, ``"cuda"``, ``"cuda:N"``, ``"auto"``).

    Inside a ``torch.distributed`` run (``graphgen run --nproc N`` or ``torchrun``;
    :mod:`graphgen.train.distributed`) every rank trains its share of each epoch and rank 0
    alone writes the folder and the checkpoints.

    Raises:
        ConfigError, DataFormatError, IdMappingError, DataNotAvailableError: bad settings or
            inputs, with messages naming the key, file or gene.
        OutputError: the run folder cannot be written, or holds a run already.
    """
    started = time.perf_counter()
    target = out or (config.resolve(config.out) if config.out else f"runs/{config.name}")
    rank, _ = rank_and_world()
    # In a distributed run every rank trains; rank 0 alone writes the run folder.
    run = RunFolder(target, exist_ok=resume or overwrite) if rank == 0 else None
    checkpoints = Path(target) / "checkpoints"
    prepared = prepare_experiment(config)
    data, aligned, factory = prepared.data, prepared.aligned, prepared.factory
    graph, label_terms = prepared.graph, prepared.label_terms
    groups = _groups(config, aligned.labels)
    splits = task_splits(config, aligned.labels, groups)
    auto = AutoGenes(config, prepared)
    cv = cross_validate(data, aligned.labels, splits, config.models,
                        trainer=config.trainer_config(progress=progress, device=device),
                        checkpoint_dir=checkpoints, resume=resume,
                        model_factory=factory, label_features=config.features.labels,
                        groups=groups, auto_fit=auto)
    if run is not None:
        _write(run, config, cv, aligned, data, graph, label_terms, time.perf_counter() - started)
        if auto.selections:
            run.write_table("selection.csv", pd.concat(auto.selections).set_index("model"))
        if groups is not None:
            _write_groups(run, cv, aligned.labels, groups)
    return ExperimentResult(config=config, cv=cv, run=run, labels=aligned.labels,
                            labels_not_in_graph=aligned.not_in_graph, graph=data)


class AutoGenes:
    """Fits ``[models.<name>] model = "auto"`` on a split: ``GeneClassifier()``'s automatic
    default with the experiment's trainer, validation share and sequences, and the spec's
    ``candidates``, ``budget``, ``inner_folds`` and ``selection_metric``. Every split's
    selection table is kept (``selections``) for the run folder's ``selection.csv``."""

    KEYS = ("model", "candidates", "budget", "inner_folds", "selection_metric")

    def __init__(self, config: ExperimentConfig, prepared: PreparedExperiment) -> None:
        self.config, self.prepared = config, prepared
        self.selections: list[pd.DataFrame] = []

    def __call__(self, name: str, spec, data, labels, trainer, split: str) -> np.ndarray:
        from graphgen.estimators.gene_classifier import GeneClassifier

        unknown = sorted(set(spec) - set(self.KEYS))
        if unknown:
            raise ConfigError(f"[models.{name}]: model 'auto' takes {list(self.KEYS[1:])}, not "
                              f"{unknown}")
        s = self.config.sequences
        options = dict(sequences=self.prepared.sequences, sequence_encoder=s.encoder,
                       sequence_options=dict(s.options), fusion=s.fusion, alphabet=s.alphabet,
                       missing_sequence=s.missing, max_length=s.max_length,
                       graph_channels=s.graph_channels) if s is not None else {}
        settings = {k: v for k, v in spec.items() if k != "model"}
        clf = GeneClassifier("auto", trainer=trainer, val_size=self.config.split.val_size,
                             **settings, **options)
        clf.fit(self.prepared.data, labels)
        table = clf.selection_.table.copy()
        table.insert(0, "split", split)
        table.insert(0, "model", name)
        self.selections.append(table)
        log.info("%s, %s: auto chose %s", name, split, clf.selection_.chosen.name)
        scores = clf.predict_proba().to_numpy()
        return scores[:, 1] if clf.kind_ == "binary" else scores


@dataclass
class PreparedExperiment:
    """What an experiment trains on, before any split.

    Attributes:
        graph: the graph as loaded (before features).
        data: the graph with the feature blocks (and sequences, with ``[sequences]``).
        aligned: the labels aligned to the nodes (:func:`~graphgen.labels.align_labels`).
        label_terms: the GO terms used as labels (GO label tasks), else empty.
        factory: builds the fused model of a registry name (``[sequences]``), else ``None``.
        sequences: the sequences per gene (``[sequences]``), else ``None``.
        go: ``(obo, annotations)`` paths named by ``[labels.go]`` or ``[features.go]``, else
            ``None``.
        mapper: the id mapper of ``[graph] id_table``, else ``None``.
        id_type: the id type of the graph's nodes.
    """

    graph: Data
    data: Data
    aligned: Any
    label_terms: list[str]
    factory: Callable | None = None
    sequences: pd.Series | None = None
    go: tuple[str, str] | None = None
    mapper: IdMapper | None = None
    id_type: str = "symbol"


def prepare_experiment(config: ExperimentConfig) -> PreparedExperiment:
    """Load the graph, labels and features an experiment names (``graphgen run`` and
    ``graphgen explain`` share it)."""
    mapper = IdMapper.human(config.resolve(config.graph.id_table)) if config.graph.id_table \
        else None
    graph = load_experiment_graph(config, mapper)
    go_files = _GoFiles(config)
    raw_labels, label_terms = _labels(config.labels, config, graph, mapper, go_files)
    aligned = align_labels(raw_labels, graph.node_ids)
    data = _features(config, graph, mapper, label_terms, go_files)
    factory = sequences = None
    if config.sequences is not None:
        spec = config.sequences
        sequences = _read_sequences(config.resolve(spec.path), spec.format, spec.alphabet)
        data, factory = _fusion(config, data, sequences)
        aligned = align_labels(raw_labels, data.node_ids)
    go_spec = config.labels.go or config.features.go
    go = (config.resolve(go_spec.obo), config.resolve(go_spec.annotations)) if go_spec else None
    return PreparedExperiment(graph=graph, data=data, aligned=aligned, label_terms=label_terms,
                              factory=factory, sequences=sequences, go=go, mapper=mapper,
                              id_type=config.graph.final_id_type)


def load_experiment_graph(config, mapper: IdMapper | None) -> Data:
    """The network of an experiment's ``[graph]`` table (gene and link experiments).

    Raises:
        ConfigError, DataFormatError, IdMappingError: bad settings or files.
    """
    g = config.graph
    path = config.resolve(g.path)
    mapping = {"id_type": g.id_type, "mapper": mapper if g.id_type else None}
    if g.format in ("trrust", "dorothea", "grn-edgelist"):
        spec = {"trrust": "trrust", "dorothea": DorotheaFormat(levels=g.levels),
                "grn-edgelist": EdgeListFormat(g.source, g.target, weight=g.weight,
                                               sign=g.sign)}[g.format]
        graph = load_grn(path, spec, **mapping)
        if g.min_score is not None or g.largest_component:
            raise ConfigError("[graph] min_score and largest_component apply to PPI formats")
        return graph
    spec = {"string": StringFormat(score_column=g.score_column), "biogrid": BiogridFormat(),
            "edgelist": EdgeListFormat(g.source, g.target, weight=g.weight)}[g.format]
    return load_ppi(path, spec, min_score=g.min_score, largest_component=g.largest_component,
                    **mapping)


class _GoFiles:
    """The ontology and annotation files of one run, each read once (GO labels and GO
    features usually name the same two files)."""

    def __init__(self, config: ExperimentConfig) -> None:
        self._config = config
        self._read: dict[tuple[str, str], Any] = {}

    def ontology(self, path: str):
        return self._once("obo", path, read_obo)

    def annotations(self, path: str) -> pd.DataFrame:
        return self._once("annotations", path, read_go_annotations)

    def _once(self, kind: str, path: str, reader: Callable[[str], Any]):
        key = (kind, str(self._config.resolve(path)))
        if key not in self._read:
            self._read[key] = reader(key[1])
        return self._read[key]


def _labels(labels: LabelsConfig, config: ExperimentConfig, graph: Data,
            mapper: IdMapper | None, go_files: _GoFiles
            ) -> tuple[pd.Series | pd.DataFrame, list[str]]:
    if labels.go is not None:
        spec = labels.go
        table = go_term_labels(
            graph.node_ids, go_files.ontology(spec.obo), go_files.annotations(spec.annotations),
            namespace=spec.namespace, top=spec.top, min_genes=spec.min_genes,
            max_genes=spec.max_genes, id_type=config.graph.final_id_type if mapper else None,
            mapper=mapper)
        return table, list(table.columns)
    if labels.table is not None:
        series = read_label_table(config.resolve(labels.table), gene_column=labels.gene_column,
                                  label_column=labels.label_column)
        return series.rename(labels.name), []
    positives = read_gene_list(config.resolve(labels.positives), column=labels.positives_column)
    negatives = read_gene_list(config.resolve(labels.negatives), column=labels.negatives_column)
    return binary_labels(positives, negatives, drop_both=labels.drop_both, name=labels.name), []


def _features(config: ExperimentConfig, graph: Data, mapper: IdMapper | None,
              label_terms: list[str], go_files: _GoFiles) -> Data:
    f = config.features
    blocks: dict[str, pd.DataFrame] = {}
    if f.topology is not None:
        blocks["topology"] = topology_features(graph, features=f.topology.features,
                                      scale=f.topology.scale)
    if f.expression is not None:
        e = f.expression
        matrix = read_expression(config.resolve(e.path), orientation=e.orientation,
                                 genes=graph.node_ids, nan="keep" if e.nan == "mean" else "error")
        blocks["expression"] = expression_features(graph, matrix, log1p=e.log1p, scale=e.scale,
                                          missing=e.missing, nan=e.nan)
    if f.go is not None:
        spec = f.go
        blocks["go"] = go_features(graph.node_ids, go_files.ontology(spec.obo),
                          go_files.annotations(spec.annotations), namespace=spec.namespace,
                          propagate=spec.propagate, part_of=spec.part_of,
                          min_genes=spec.min_genes, max_genes=spec.max_genes,
                          exclude_terms=label_terms,
                          id_type=config.graph.final_id_type if mapper else None,
                          mapper=mapper)
    if f.sequence is not None:
        spec = f.sequence
        blocks["sequence"] = sequence_features(graph.node_ids, _read_sequences(
            config.resolve(spec.path), spec.format, spec.alphabet), "kmer",
            alphabet=spec.alphabet, k=spec.k, missing=spec.missing)
    if not blocks:
        if all(ModelSpec.parse(m, spec).model in GRAPH_ONLY
               for m, spec in config.models.items()):
            blocks["constant"] = pd.DataFrame({"one": np.ones(graph.num_nodes)},
                                              index=graph.node_ids)
        else:
            raise ConfigError("[features] names no block (topology, expression, go); only "
                              "graph-only models (label_propagation, rwr, heat, degree) run "
                              "without features")
    return stack_blocks(graph, blocks)


def _read_sequences(path: str, format: str, alphabet: str) -> pd.Series:
    if format == "fasta":
        return read_fasta(path, alphabet=alphabet, invalid="replace")
    return read_sequence_table(path, alphabet=alphabet, invalid="replace")


def _fusion(config: ExperimentConfig, data: Data, sequences: pd.Series):
    """Attach the sequences and a factory that wraps every trained model in a FusionModel."""
    spec = config.sequences
    data = attach_sequences(data, sequences, alphabet=spec.alphabet, missing=spec.missing,
                            max_length=spec.max_length)

    def factory(name, hparams, in_channels, out_channels):
        return build_fusion(name, in_channels, out_channels, encoder=spec.encoder,
                            alphabet=spec.alphabet, graph_channels=spec.graph_channels,
                            mode=spec.fusion, graph_options=hparams,
                            encoder_options=spec.options)

    return data, factory


def _groups(config: ExperimentConfig, labels: pd.Series | pd.DataFrame) -> pd.Series | None:
    """``[split] groups``: one group per labelled gene, from its table."""
    s = config.split
    if s.groups is None:
        return None
    path = config.resolve(s.groups)
    table = read_delimited(path, what="group table",
                           required=[s.groups_gene_column, s.groups_column])
    genes = table[s.groups_gene_column].astype(str)
    repeated = genes[genes.duplicated()].unique()
    if len(repeated):
        raise DataFormatError(f"group table {path}: genes {repeated[:5].tolist()} appear more "
                              "than once; give each gene one group")
    groups = pd.Series(table[s.groups_column].astype(str).to_numpy(), index=genes)
    return check_groups(groups, labels.index, what=f"group table {path}")


def _write_groups(run: RunFolder, cv: CVResult, labels, groups: pd.Series) -> None:
    """``confounding.csv`` and ``label_by_group.csv`` beside the metrics."""
    if cv.confounding is not None:
        run.write_table("confounding.csv", cv.confounding)
    if isinstance(labels, pd.Series):
        run.write_table("label_by_group.csv", contingency(labels, groups.loc[labels.index]))


def task_splits(config: ExperimentConfig, labels: pd.Series | pd.DataFrame,
                groups: pd.Series | None = None) -> list[Split]:
    """The splits an experiment's ``[split]`` table describes, over the aligned labels."""
    s = config.split
    if s.kind == "leave_one_group_out":
        return leave_one_group_out(labels, groups, val_size=s.val_size, seed=config.seed)
    if s.kind == "stratified":
        if isinstance(labels, pd.DataFrame) or groups is not None:
            return kfold_splits(labels, k=round(1 / s.test_size), val_size=s.val_size,
                                seed=config.seed, groups=groups)[:1]
        return [stratified_split(labels, val_size=s.val_size, test_size=s.test_size,
                                 seed=config.seed)]
    if s.kind == "kfold":
        return kfold_splits(labels, k=s.k, repeats=s.repeats, val_size=s.val_size,
                            seed=config.seed, groups=groups)
    path = config.resolve(s.folds_path)
    _, columns = table_columns(path, what="fold table")
    fold_columns = [c for c in columns if c.startswith(s.folds_prefix)]
    if not fold_columns:
        raise ConfigError(f"[split] folds_prefix {s.folds_prefix!r} matches no column of "
                          f"{path}; its columns are {columns}")
    table = read_delimited(path, what="fold table", required=[s.folds_gene_column, *fold_columns],
                           numeric=fold_columns)
    folds = table.set_index(table[s.folds_gene_column].astype(str))[fold_columns]
    folds = folds[~folds.index.duplicated(keep="first")]
    in_labels = folds.index.isin(labels.index)
    if (~in_labels).any():
        log.warning("fold table: %d genes have no label in the graph (not in the graph, or "
                    "not labelled) and are left out, e.g. %s", int((~in_labels).sum()),
                    folds.index[~in_labels][:5].tolist())
    return splits_from_folds(folds[in_labels], labels, val_size=s.val_size, seed=config.seed)


def _write(run: RunFolder, config: ExperimentConfig, cv: CVResult, aligned, data: Data,
           graph: Data, label_terms: list[str], seconds: float) -> None:
    labels = aligned.labels
    run.write_config({"command": "graphgen run", **config.to_dict()})
    summary = cv.summary()
    run.write_metrics({
        "experiment": config.name,
        "description": config.description,
        "task": _kind(labels),
        "graph": {k: v for k, v in graph.load_report.items() if k != "source"},
        "features": {name: list(span) for name, span in data.feature_blocks.items()},
        "labels": {"labelled_genes_in_graph": int(len(labels)),
                   "labelled_genes_not_in_graph": int(len(aligned.not_in_graph)),
                   **({"positives": int((labels == 1).sum())} if _kind(labels) == "binary"
                      else {}),
                   **({"terms": label_terms} if label_terms else {})},
        "splits": len({r.split for r in cv.results}),
        "summary": {model: row.to_dict() for model, row in summary.iterrows()},
        "per_split": cv.per_split().to_dict(orient="records"),
        "seconds_total": round(seconds, 1),
    })
    with open(run.file("labels_not_in_graph.txt"), "w", encoding="utf-8") as handle:
        handle.writelines(f"{g}\n" for g in aligned.not_in_graph)
    if isinstance(labels, pd.DataFrame):
        columns = {f"label_{c}": labels[c] for c in labels.columns}
        for name, frame in cv.out_of_fold.items():
            columns.update({f"score_{name}_{c}": frame[str(c)] for c in labels.columns})
    else:
        columns = {"label": labels}
        for name, scores in cv.out_of_fold.items():
            if isinstance(scores, pd.DataFrame):
                columns.update({f"score_{name}_{c}": scores[c] for c in scores.columns})
            else:
                columns[f"score_{name}"] = scores
    predictions = pd.DataFrame(columns)
    predictions["degree"] = node_degree(data).reindex(predictions.index)  # hubs: see beside
    predictions.index.name = "gene_id"
    run.write_predictions(predictions)
    if _kind(labels) == "binary":
        scored = predictions.dropna()
        plot_roc_pr(scored["label"].to_numpy(),
                    {name: scored[f"score_{name}"].to_numpy() for name in cv.out_of_fold},
                    run.file("curves.png"), title=f"{config.name}: out-of-fold scores")


def _kind(labels) -> str:
    if isinstance(labels, pd.DataFrame):
        return "multilabel"
    return "binary" if labels.nunique() == 2 else "multiclass"


def format_summary(cv: CVResult) -> str:
    """The comparison table: mean +- sd of the main metrics per model, epochs, seconds."""
    summary = cv.summary()
    multilabel = "macro_auprc_mean" in summary.columns
    metrics = (["micro_auprc", "macro_auprc", "micro_auroc", "macro_auroc"] if multilabel
               else ["auroc", "auprc", "macro_f1", "accuracy"])
    if "degree_stratified_auprc_mean" in summary.columns:
        metrics.insert(2, "degree_stratified_auprc")
    table = format_metrics(summary, metrics, extra={"epochs": "{:.0f}", "seconds": "{:.1f}"})
    return table + f"\n({int(summary['splits'].iloc[0])} split(s); seconds per split)"
