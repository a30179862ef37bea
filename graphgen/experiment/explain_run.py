"""``graphgen explain RUN_DIR``: explain a model of a ``graphgen run`` experiment.

The run folder's ``config.toml`` names the graph, features, labels and models. The chosen
model is fitted once on every labelled gene (a validation part chooses its epoch, as
``GeneClassifier`` does) and kept in ``RUN_DIR/explain/<model>.classifier``; later calls
reuse it. ``--gene`` writes the gene's explanation, ``--class`` the class's top predicted
genes and what drove them, each into ``RUN_DIR/explain/`` as tables and PNG figures, with GO
enrichment when the experiment names GO files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from graphgen.estimators.gene_classifier import GeneClassifier
from graphgen.exceptions import ConfigError, DataFormatError, GraphgenError
from graphgen.experiment.config import ExperimentConfig, read_run_config
from graphgen.experiment.runner import PreparedExperiment, prepare_experiment
from graphgen.explain.all_genes import explain_genes
from graphgen.explain.enrichment import enrich
from graphgen.explain.genes import block_importance, explain_gene
from graphgen.explain.sequences import explain_sequence
from graphgen.io.tables import write_csv
from graphgen.models.registry import GRAPH_ONLY, POST_PROCESSING
from graphgen.plot.explanations import plot_attributions, plot_sequence_track, plot_subgraph
from graphgen.train.search import ModelSpec

__all__ = ["ExplainedRun", "explain_run"]

log = logging.getLogger(__name__)


@dataclass
class ExplainedRun:
    """What ``graphgen explain`` wrote: the folder, the model and the files."""

    folder: Path
    model: str
    files: list[Path] = field(default_factory=list)


def _choose_model(config: ExperimentConfig, model: str | None) -> tuple[str, dict]:
    trained = {name: spec for name, spec in config.models.items()
               if ModelSpec.parse(name, spec).model not in GRAPH_ONLY | POST_PROCESSING}
    if model is None:
        if not trained:
            raise ConfigError("the run has no trained model to explain (graph-only models "
                              "score a gene by propagated training labels)")
        model = next(iter(trained))
        log.warning("explaining %r, the run's first trained model (choose with --model)",
                    model)
    if model not in config.models:
        raise ConfigError(f"--model {model!r} is not a model of the run; its models are "
                          f"{list(config.models)}")
    if model not in trained:
        raise ConfigError(f"model {model!r} is not trained (graph-only or post-processing); "
                          f"explain one of {list(trained)}")
    return model, dict(config.models[model])


def _classifier(config: ExperimentConfig, prepared: PreparedExperiment, name: str,
                spec: dict, folder: Path, progress: bool | None) -> GeneClassifier:
    # the stored classifier is named by a fingerprint of what it was fitted on (settings,
    # labels, graph, features): after `graphgen run --overwrite` with other labels or data,
    # a classifier of the old run no longer matches and is refitted, never reused
    fingerprint = _fingerprint(config, prepared, name, spec)
    stored = folder / f"{_safe(name)}-{fingerprint}.classifier"
    for stale in folder.glob(f"{_safe(name)}*.classifier"):
        if stale != stored:
            stale.unlink(missing_ok=True)
    # a classifier with the propagated-label block keeps its graph (the block holds its
    # training labels); one without is stored light and takes the run's graph
    with_graph = config.features.labels is not None
    if stored.is_file():
        try:
            return GeneClassifier.load(stored, data=None if with_graph else prepared.data)
        except GraphgenError as exc:
            log.warning("refitting %s: the stored classifier does not load (%s)", name, exc)
    parsed = ModelSpec.parse(name, spec)
    registry_name = parsed.model
    spec = {**parsed.hparams,
            **({"search": dataclasses.asdict(parsed.search)} if parsed.search else {})}
    s = config.sequences
    options = dict(sequences=prepared.sequences, sequence_encoder=s.encoder,
                   sequence_options=dict(s.options), fusion=s.fusion, alphabet=s.alphabet,
                   missing_sequence=s.missing, max_length=s.max_length,
                   graph_channels=s.graph_channels) if s is not None else {}
    clf = GeneClassifier(registry_name, hparams=spec or None,
                         trainer=config.trainer_config(progress=progress),
                         val_size=config.split.val_size, label_features=config.features.labels,
                         **options)
    clf.fit(prepared.data, prepared.aligned.labels)
    try:
        clf.save(stored, include_graph=with_graph)
    except GraphgenError as exc:  # the explanation does not depend on the stored copy
        log.warning("could not keep the fitted classifier (%s)", exc)
    return clf


def _fingerprint(config: ExperimentConfig, prepared: PreparedExperiment, name: str,
                 spec: dict) -> str:
    """16 hex digits of sha256 over the run's settings, its labels, graph and features."""
    digest = hashlib.sha256(repr((config.to_dict(), name, sorted(spec.items()))).encode())
    labels = prepared.aligned.labels
    digest.update(pd.util.hash_pandas_object(labels if isinstance(labels, pd.DataFrame)
                                             else labels.to_frame(), index=True)
                  .to_numpy().tobytes())
    data = prepared.data
    for tensor in (data.edge_index, getattr(data, "edge_weight", None), data.x):
        if tensor is not None:
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    digest.update(repr(list(data.node_ids)).encode())
    return digest.hexdigest()[:16]


def explain_run(run_dir: str | Path, *, gene: str | None = None, label: str | None = None,
                model: str | None = None, method: str = "integrated_gradients",
                top_edges: int = 25, top_genes: int = 50, progress: bool | None = None
                ) -> ExplainedRun:
    """Explain one gene (``gene``) or one class (``label``) of a run's model.

    Args:
        run_dir: a folder written by ``graphgen run``.
        gene: write the gene's explanation: ``features.csv``, ``blocks.csv``,
            ``nodes.csv``, ``edges.csv``, ``subgraph.graphml`` and ``subgraph.png``,
            ``features.png``, with sequences ``sequence.csv``/``sequence.png``, and with GO
            files ``enrichment.csv`` of the sub-graph's genes.
        label: a class (or GO label) of the run: its ``top_genes`` most probable genes
            (``top_genes.csv``), their mean attributions (``features.csv``,
            ``blocks.csv``, ``features.png``) and, with GO files, ``enrichment.csv``.
        model: a model name of the run (default: its first trained model).
        method: attribution method (see :func:`~graphgen.explain.genes.explain_gene`).
        top_edges: interactions kept in the sub-graph.
        top_genes: genes kept for a class.

    Raises:
        DataFormatError: not a run folder of ``graphgen run``.
        ConfigError: neither or both of ``gene``/``label``; an unknown model or class;
            ``top_genes`` or ``top_edges`` below 1.
        IdMappingError: the gene is not in the graph.
    """
    if (gene is None) == (label is None):
        raise ConfigError("graphgen explain: give --gene GENE or --class CLASS (one of them)")
    for option, value in (("top-genes", top_genes), ("top-edges", top_edges)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"graphgen explain: --{option} must be an integer >= 1, got "
                              f"{value!r}")
    config = read_run_config(run_dir)
    name, spec = _choose_model(config, model)
    prepared = prepare_experiment(config)
    folder = Path(run_dir) / "explain"
    folder.mkdir(exist_ok=True)
    clf = _classifier(config, prepared, name, spec, folder, progress)
    result = ExplainedRun(folder=folder, model=name)
    if gene is not None:
        _explain_gene(clf, gene, prepared, folder / f"gene_{_safe(gene)}_{_safe(name)}",
                      method, top_edges, result)
    else:
        _explain_class(clf, label, prepared, folder / f"class_{_safe(label)}_{_safe(name)}",
                       method, top_genes, result, progress)
    return result


def _explain_gene(clf, gene, prepared, out: Path, method, top_edges, result) -> None:
    explanation = explain_gene(clf, gene, method=method)
    out.mkdir(exist_ok=True)
    files = result.files
    files.append(_csv(explanation.features.rename("attribution").to_frame(), out / "features.csv"))
    files.append(_csv(explanation.blocks.rename("share").to_frame(), out / "blocks.csv"))
    files.append(_csv(explanation.nodes.to_frame(), out / "nodes.csv"))
    title = f"{gene}: {explanation.target} (p = {explanation.score:.3f}, {method})"
    files.append(plot_attributions(explanation.features, out / "features.png", title=title))
    if explanation.edges is not None:
        files.append(_csv(explanation.edges, out / "edges.csv", index=False))
        explanation.write_graphml(out / "subgraph.graphml", top_edges=top_edges)
        files.append(out / "subgraph.graphml")
        sub = explanation.subgraph(top_edges)
        files.append(plot_subgraph(sub, out / "subgraph.png", title=title))
        if prepared.go is not None and sub.number_of_nodes() > 1:
            files += _enrichment(list(sub.nodes), prepared, out)
    if prepared.sequences is not None:
        try:
            positions = explain_sequence(clf, gene)
        except DataFormatError as exc:  # a gene without a sequence: no track
            log.warning("%s", exc)
            return
        files.append(_csv(positions, out / "sequence.csv", index=False))
        files.append(plot_sequence_track(positions, out / "sequence.png", title=title))


def _explain_class(clf, label, prepared, out: Path, method, top_genes, result, progress
                   ) -> None:
    classes = [str(c) for c in clf.classes_]
    if str(label) not in classes:
        raise ConfigError(f"--class {label!r} is not a class of the run; classes: {classes}")
    proba = clf.predict_proba()
    proba.columns = classes
    ranked = proba[str(label)].sort_values(ascending=False, kind="mergesort").head(top_genes)
    labels = prepared.aligned.labels
    if isinstance(labels, pd.DataFrame):  # multi-label: the label's 0/1 column
        labels = labels.set_axis([str(c) for c in labels.columns], axis=1)[str(label)]
    else:  # 1 when the gene's known class is the explained one, 0 for another class
        labels = (labels.astype(str) == str(label)).astype(int).where(labels.notna())
    table = pd.DataFrame({"probability": ranked, "label": labels.reindex(ranked.index)})
    out.mkdir(exist_ok=True)
    files = result.files
    files.append(_csv(table, out / "top_genes.csv"))
    attributions = explain_genes(clf, ranked.index, method=method if method in (
        "integrated_gradients", "saliency", "input_x_gradient") else "integrated_gradients",
        target=label, progress=progress)
    mean = attributions.mean(axis=0).rename("attribution")
    files.append(_csv(mean.to_frame(), out / "features.csv"))
    blocks = block_importance(attributions, clf.data_).mean(axis=0).rename("share")
    files.append(_csv(blocks.to_frame(), out / "blocks.csv"))
    files.append(plot_attributions(mean, out / "features.png",
                                   title=f"class {label}: top {len(ranked)} genes ({method})"))
    if prepared.go is not None:
        files += _enrichment(list(ranked.index), prepared, out)


def _enrichment(genes: list[str], prepared: PreparedExperiment, out: Path) -> list[Path]:
    obo, annotations = prepared.go
    mapping = ({"id_type": prepared.id_type, "mapper": prepared.mapper}
               if prepared.mapper is not None else {})
    try:
        table = enrich(genes, prepared.data.node_ids, obo=obo, annotations=annotations,
                       only_significant=False, **mapping)  # every tested term in the folder
    except GraphgenError as exc:
        log.warning("no GO enrichment: %s", exc)
        return []
    return [_csv(table, out / "enrichment.csv", index=False)]


def _csv(frame: pd.DataFrame, path: Path, *, index: bool = True) -> Path:
    return write_csv(path, frame, index=index)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name))
