"""Typed experiment configuration, read from TOML: every key maps onto a dataclass field.

Unknown keys are errors that name the key, where it was, and the allowed keys, so a typo never
silently falls back to a default. Paths are relative to the TOML file's folder; a path that
does not exist but is the name of a known data set (``graphgen datasets list``) is read from
the cache.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.features.topology_block import TOPOLOGY_FEATURES
from graphgen.models.registry import MODELS
from graphgen.train.label_features import LabelFeatures
from graphgen.train.search import ModelSpec
from graphgen.train.seeding import check_seed
from graphgen.train.trainer import TrainerConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "AssessmentConfig", "ExperimentConfig", "ExpressionFeatures", "FeaturesConfig",
    "GoFeatures", "GoLabels", "GraphConfig", "GraphExperimentConfig", "GraphSetConfig",
    "LabelsConfig", "LinksConfig", "LinksExperimentConfig", "SequenceFeatures", "SequencesConfig",
    "SplitConfig", "TopologyFeatures",
    "load_experiment",
]


@dataclass(frozen=True)
class GraphConfig:
    """``[graph]``: which network, read how.

    Attributes:
        path: file, or a data set name.
        format: ``string``, ``biogrid``, ``edgelist`` (undirected PPI) or ``trrust``,
            ``dorothea``, ``grn-edgelist`` (directed regulatory graph).
        min_score: keep edges with at least this weight (STRING: 0-1 or 0-1000 scale).
        score_column: STRING column to use as weight (e.g. ``experimental``).
        source, target, weight, sign: edge-list columns (``edgelist``/``grn-edgelist``).
        levels: DoRothEA confidence levels.
        largest_component: keep only the largest connected component.
        id_table: gene id table for :meth:`graphgen.ids.IdMapper.human`, used to map node
            ids (with ``id_type``) and the gene ids of GO annotations (Entrez in gene2go) to
            the node id type.
        id_type: map the node ids to this id type (needs ``id_table``).
        node_id_type: the id type of the node ids as read (ignored when ``id_type`` maps
            them); annotation ids are mapped to it.
    """

    path: str
    format: Literal["string", "biogrid", "edgelist", "trrust", "dorothea", "grn-edgelist"] = (
        "string")
    min_score: float | None = None
    score_column: str | None = None
    source: str = "source"
    target: str = "target"
    weight: str | None = None
    sign: str | None = None
    levels: str = "ABC"
    largest_component: bool = False
    id_table: str | None = None
    id_type: str | None = None
    node_id_type: str = "symbol"

    def __post_init__(self) -> None:
        if self.id_type is not None and self.id_table is None:
            raise ConfigError("[graph] id_type needs id_table (the table to map ids with)")

    @property
    def final_id_type(self) -> str:
        """The id type of the graph's nodes after any mapping."""
        return self.id_type or self.node_id_type


@dataclass(frozen=True)
class TopologyFeatures:
    """``[features.topology]``: structural features (see
    :func:`graphgen.features.topology_features`)."""

    features: tuple[str, ...] = ("log_degree", "weighted_degree", "clustering", "pagerank",
                                 "core_number", "neighbour_degree")
    scale: Literal["standard", "none"] = "standard"


@dataclass(frozen=True)
class ExpressionFeatures:
    """``[features.expression]``: one column per sample of an expression matrix."""

    path: str
    orientation: Literal["auto", "genes_x_samples", "samples_x_genes"] = "auto"
    log1p: bool = False
    scale: Literal["features", "genes", "none"] = "features"
    missing: Literal["zero", "mean", "error"] = "zero"
    nan: Literal["error", "mean"] = "error"


@dataclass(frozen=True)
class GoFeatures:
    """``[features.go]``: multi-hot GO terms (label terms and their descendants are removed
    automatically when the labels are GO terms too: the leakage guard)."""

    obo: str
    annotations: str
    namespace: Literal["BP", "MF", "CC"] = "BP"
    propagate: bool = True
    part_of: bool = False
    min_genes: int = 5
    max_genes: int | None = None


@dataclass(frozen=True)
class SequenceFeatures:
    """``[features.sequence]``: k-mer frequencies of each gene's sequence (no training)."""

    path: str
    format: Literal["fasta", "table"] = "fasta"
    alphabet: Literal["dna", "protein"] = "dna"
    k: int = 3
    missing: Literal["zero", "error"] = "zero"


@dataclass(frozen=True)
class FeaturesConfig:
    """``[features]``: the node feature blocks, stacked in this order."""

    topology: TopologyFeatures | None = None
    expression: ExpressionFeatures | None = None
    go: GoFeatures | None = None
    sequence: SequenceFeatures | None = None
    labels: LabelFeatures | None = None


@dataclass(frozen=True)
class SequencesConfig:
    """``[sequences]``: fuse every trained model with a sequence encoder, end to end.

    Attributes:
        path, format, alphabet: the sequences (FASTA, or an ``id<TAB>sequence`` table).
        encoder: ``deepbind``, ``basset``, ``danq`` or ``kmer``; ``options`` its arguments.
        fusion: ``concat``, ``gated`` or ``attention``.
        missing: genes without a sequence: ``error``, ``zero`` or ``drop``.
        max_length: truncate longer sequences.
        graph_channels: output width of each model used as graph encoder.
    """

    path: str
    format: Literal["fasta", "table"] = "fasta"
    alphabet: Literal["dna", "protein"] = "dna"
    encoder: str = "deepbind"
    options: dict[str, Any] = field(default_factory=dict)
    fusion: Literal["concat", "gated", "attention"] = "concat"
    missing: Literal["error", "zero", "drop"] = "error"
    max_length: int | None = None
    graph_channels: int = 64


@dataclass(frozen=True)
class GoLabels:
    """``[labels.go]``: multi-label targets from GO term membership."""

    obo: str
    annotations: str
    namespace: Literal["BP", "MF", "CC"] = "BP"
    top: int = 20
    min_genes: int = 50
    max_genes: int = 500


@dataclass(frozen=True)
class LabelsConfig:
    """``[labels]``: one of a positive/negative gene-list pair, a label table, or GO terms.

    Attributes:
        positives, negatives: gene list files (one id per line, or a column).
        positives_column, negatives_column: column of the list files, if tables.
        drop_both: genes in both lists are dropped (reported); otherwise an error.
        table, gene_column, label_column: a label table (binary or multi-class).
        go: GO-term multi-label targets.
        name: name of the label in reports.
    """

    positives: str | None = None
    negatives: str | None = None
    positives_column: str | None = None
    negatives_column: str | None = None
    drop_both: bool = True
    table: str | None = None
    gene_column: str = "gene"
    label_column: str = "label"
    go: GoLabels | None = None
    name: str = "label"

    def __post_init__(self) -> None:
        sources = [self.positives is not None or self.negatives is not None,
                   self.table is not None, self.go is not None]
        if sum(sources) != 1:
            raise ConfigError("[labels] needs exactly one of: positives + negatives, table, or "
                              "[labels.go]")
        if sources[0] and (self.positives is None or self.negatives is None):
            raise ConfigError("[labels] needs both positives and negatives")


@dataclass(frozen=True)
class SplitConfig:
    """``[split]``: how labelled genes are split.

    Attributes:
        kind: ``stratified`` (one train/val/test split), ``kfold`` (stratified k-fold CV,
            ``repeats`` times), ``folds`` (a published fold table) or
            ``leave_one_group_out`` (each group of ``groups`` tested once).
        val_size: share held out for early stopping (of the non-test genes for CV).
        test_size: share of the test part (``stratified``).
        k, repeats: folds and repetitions (``kfold``).
        folds_path, folds_gene_column, folds_prefix: the fold table, its gene id column, and
            the prefix of its fold columns (one per repeat; ``folds``).
        groups, groups_gene_column, groups_column: a table of one group per gene (gene
            family, batch), its gene id column and its group column. With it, ``stratified``
            and ``kfold`` keep each group on one side of every split (stratified group
            k-fold), the run reports whether the group alone predicts the label
            (``confounding.csv``, a ``group only`` row, ``label_by_group.csv``).
    """

    kind: Literal["stratified", "kfold", "folds", "leave_one_group_out"] = "stratified"
    val_size: float = 0.2
    test_size: float = 0.2
    k: int = 5
    repeats: int = 1
    folds_path: str | None = None
    folds_gene_column: str = "gene"
    folds_prefix: str = "repeat"
    groups: str | None = None
    groups_gene_column: str = "gene"
    groups_column: str = "group"

    def __post_init__(self) -> None:
        if self.kind == "folds" and self.folds_path is None:
            raise ConfigError("[split] kind = 'folds' needs folds_path")
        if self.kind == "leave_one_group_out" and self.groups is None:
            raise ConfigError("[split] kind = 'leave_one_group_out' needs groups (a table of "
                              "one group per gene)")
        if self.kind == "folds" and self.groups is not None:
            raise ConfigError("[split] groups cannot be combined with kind = 'folds' (a "
                              "published fold table fixes the splits); check them with "
                              "graphgen.train.check_groups_apart")


@dataclass(frozen=True)
class ExperimentConfig:
    """A whole experiment: graph, features, labels, split, trainer and models.

    Attributes:
        name: name of the experiment (reports, default run folder).
        description: free text, copied to the run folder.
        seed: seeds splits, initialisation and dropout.
        out: run folder (relative to the TOML file; ``graphgen run --out`` overrides).
        graph, features, labels, split: see the section dataclasses.
        trainer: the :class:`~graphgen.train.TrainerConfig` (a ``[trainer]`` table of its
            fields except ``seed`` and ``progress`` becomes one; its seed is ``seed``).
        models: ``[models.<name>]`` tables: registry name (or a variant name with a
            ``model`` key) -> hyper-parameters. ``model = "auto"`` (or ``[models.auto]``) is
            ``GeneClassifier()``'s self-choosing default, fitted on each split's training and
            validation genes, with optional ``candidates``, ``budget``, ``inner_folds`` and
            ``selection_metric`` keys.
        sequences: ``[sequences]``: fuse the trained models with a sequence encoder.
        base: folder the relative paths are resolved against.
    """

    name: str
    graph: GraphConfig
    labels: LabelsConfig
    models: dict[str, dict[str, Any]]
    features: FeaturesConfig = field(default_factory=FeaturesConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    sequences: SequencesConfig | None = None
    description: str = ""
    seed: int = 0
    out: str | None = None
    base: str = "."

    def __post_init__(self) -> None:
        check_seed(self.seed)
        allowed = sorted([*MODELS, "auto"]) + (["none"] if self.sequences is not None else [])
        unknown = [m for m, spec in self.models.items()
                   if ModelSpec.parse(m, spec).model not in allowed]
        if unknown or not self.models:
            raise ConfigError(f"[models]: unknown model(s) {unknown}; allowed: {allowed}"
                              + ("" if self.sequences is not None else
                                 " ('none', the sequence view alone, needs [sequences])")
                              if unknown else "[models] lists no model")
        object.__setattr__(self, "trainer", _trainer(self.trainer, self.seed))
        if self.features.topology is not None:
            odd = [f for f in self.features.topology.features if f not in TOPOLOGY_FEATURES]
            if odd:
                raise ConfigError(f"[features.topology] features: unknown {odd}; allowed "
                                  f"{list(TOPOLOGY_FEATURES)}")

    def resolve(self, path: str | None) -> str | None:
        """A path of the TOML file made absolute (a data set name stays a name)."""
        return _resolve(self.base, path)

    def input_files(self) -> list[str]:
        """Every input the experiment reads (resolved paths or data set names), to check
        before any work starts, e.g. before ``--nproc`` launches its processes."""
        f, labels, split = self.features, self.labels, self.split
        candidates = [
            self.graph.path, self.graph.id_table,
            f.expression.path if f.expression else None,
            *((f.go.obo, f.go.annotations) if f.go else ()),
            f.sequence.path if f.sequence else None,
            self.sequences.path if self.sequences else None,
            labels.table, labels.positives, labels.negatives,
            *((labels.go.obo, labels.go.annotations) if labels.go else ()),
            split.folds_path, split.groups,
        ]
        return [self.resolve(c) for c in candidates if c is not None]

    def trainer_config(self, *, progress: bool | None,
                       device: str | None = None) -> TrainerConfig:
        """:attr:`trainer` with ``progress``; ``device`` (e.g. from ``graphgen run
        --device``) overrides ``[trainer] device``."""
        return dataclasses.replace(self.trainer, progress=progress,
                                   device=self.trainer.device if device is None else device)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every setting (for ``config.toml`` of the run folder; the trainer as
        its ``[trainer]`` table)."""
        return _trainer_table(dataclasses.asdict(self))


@dataclass(frozen=True)
class GraphSetConfig:
    """``[graphs]``: the graphs to classify.

    Attributes:
        path: folder of a TU dataset's raw files (``DS_A.txt`` ...).
        format: ``"tu"``.
        name: the file prefix (``"PROTEINS"``; default: found in the folder).
        node_attributes: append the node attributes to the one-hot node labels.
        topology: node topology features to append to every graph's ``x``
            (:data:`~graphgen.features.topology_block.TOPOLOGY_FEATURES`, unscaled, e.g.
            ``["log_degree", "clustering"]``; empty by default).
    """

    path: str
    format: Literal["tu"] = "tu"
    name: str | None = None
    node_attributes: bool = False
    topology: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [f for f in self.topology if f not in TOPOLOGY_FEATURES]
        if unknown:
            raise ConfigError(f"[graphs] topology: unknown feature(s) {unknown}; choose from "
                              f"{list(TOPOLOGY_FEATURES)}")


@dataclass(frozen=True)
class AssessmentConfig:
    """``[assessment]``: Errica et al.'s protocol (see
    :func:`~graphgen.estimators.graph_classifier.assess`).

    Attributes:
        folds: stratified outer folds.
        inner_val: share of each outer training part held out for model selection.
        final_runs: retrainings of the selected configuration per fold.
    """

    folds: int = 10
    inner_val: float = 0.1
    final_runs: int = 3

    def __post_init__(self) -> None:
        if self.folds < 2 or self.final_runs < 1 or not 0 < self.inner_val < 1:
            raise ConfigError("[assessment]: folds >= 2, final_runs >= 1 and 0 < inner_val < 1")


@dataclass(frozen=True)
class GraphExperimentConfig:
    """A graph classification experiment (``task = "graphs"``): a set of graphs of different
    shapes, models with a grid of hyper-parameters each, and the assessment protocol.

    Attributes:
        name: name of the experiment.
        graphs: ``[graphs]``.
        models: ``[models.<name>]``: :class:`~graphgen.estimators.GraphClassifier` parameters
            (``conv``, ``readout``, ``hidden_channels``, ``num_layers``, ``dropout``) and
            ``ensemble`` (the trainer's member count for this model); a list is a grid
            searched on the inner hold-outs.
        assessment: ``[assessment]``.
        trainer: the :class:`~graphgen.train.TrainerConfig` (a ``[trainer]`` table of its
            fields except ``seed`` and ``progress`` becomes one over
            :data:`GRAPH_TRAINER`'s settings; its seed is ``seed``).
        task: ``"graphs"``.
        seed, out, description, base: as in :class:`ExperimentConfig`.
    """

    name: str
    graphs: GraphSetConfig
    models: dict[str, dict[str, Any]]
    task: Literal["graphs"] = "graphs"
    assessment: AssessmentConfig = field(default_factory=AssessmentConfig)
    trainer: TrainerConfig = field(default_factory=lambda: GRAPH_TRAINER)
    description: str = ""
    seed: int = 0
    out: str | None = None
    base: str = "."

    def __post_init__(self) -> None:
        if not self.models:
            raise ConfigError("[models] lists no model")
        allowed = ["conv", "readout", "hidden_channels", "num_layers", "dropout", "ensemble"]
        for name, params in self.models.items():
            bad = [k for k in params if k not in allowed]
            if bad:
                raise ConfigError(f"[models.{name}]: unknown key(s) {bad}; allowed keys are "
                                  f"{allowed}")
        object.__setattr__(self, "trainer", _trainer(self.trainer, self.seed,
                                                     defaults=GRAPH_TRAINER))

    def resolve(self, path: str) -> str:
        """A path of the TOML file made absolute."""
        return str(Path(self.base) / path)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every setting (for ``config.toml`` of the run folder; the trainer as
        its ``[trainer]`` table)."""
        return _trainer_table(dataclasses.asdict(self))


@dataclass(frozen=True)
class LinksConfig:
    """``[links]``: the link predictor (:class:`~graphgen.estimators.LinkPredictor`).

    Attributes:
        model: ``"auto"`` (default: chosen on hidden pairs of the map) or a heuristic
            (``l3``, ``resource_allocation``, ``adamic_adar``, ``common_neighbours``).
        l3_exponent, endpoint_exponent: a fixed model's exponents (defaults 0.5 and 0, the
            published scores; ``model = "auto"`` chooses them).
        ordered: rank ``TF -> target`` pairs along the stored directions (default: when the
            graph is directed).
        model_settings: a learned model's settings (``[links.model_settings]``: ``encoder``,
            ``decoder``, ``epochs`` ... for ``gae``/``vgae``; ``classifier`` ... for
            ``heuristic_classifier``; ``rerank``, ``readout`` ... for ``seal``).
        candidates, budget, inner_folds, selection_k: ``model = "auto"``'s settings.
        top: how many of the best non-edge pairs to write (``top_links.csv``, GraphML).
        genes: only pairs with at least one of these genes.
    """

    model: str = "auto"
    l3_exponent: float = 0.5
    endpoint_exponent: float = 0.0
    ordered: bool | None = None
    model_settings: dict[str, Any] | None = None
    candidates: tuple[str, ...] | None = None
    budget: float | None = 600.0
    inner_folds: int = 3
    selection_k: int = 500
    top: int = 1000
    genes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.top < 1:
            raise ConfigError(f"[links] top must be >= 1, got {self.top}")


@dataclass(frozen=True)
class LinksExperimentConfig:
    """A link-prediction experiment (``task = "links"``): which pairs of a map's genes are
    missing interactions.

    Attributes:
        name: name of the experiment.
        graph: ``[graph]`` (as in :class:`ExperimentConfig`).
        links: ``[links]``.
        task: ``"links"``.
        seed, out, description, base: as in :class:`ExperimentConfig`.
    """

    name: str
    graph: GraphConfig
    task: Literal["links"] = "links"
    links: LinksConfig = field(default_factory=LinksConfig)
    description: str = ""
    seed: int = 0
    out: str | None = None
    base: str = "."

    def resolve(self, path: str | None) -> str | None:
        """A path of the TOML file made absolute (a data set name stays a name)."""
        return _resolve(self.base, path)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every setting (for ``config.toml`` of the run folder)."""
        return dataclasses.asdict(self)


def _resolve(base: str, path: str | None) -> str | None:
    if path is None:
        return None
    candidate = Path(base) / path
    return str(candidate) if candidate.exists() or os.sep in path or "/" in path else path


def load_experiment(path: str | os.PathLike
                    ) -> ExperimentConfig | GraphExperimentConfig | LinksExperimentConfig:
    """Read an experiment TOML file into an :class:`ExperimentConfig` (gene tasks), with
    ``task = "graphs"`` a :class:`GraphExperimentConfig`, with ``task = "links"`` a
    :class:`LinksExperimentConfig`.

    Raises:
        ConfigError: not TOML, an unknown key (the message names it, its table and the
            allowed keys), a missing required key, a value of the wrong type.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "exp.toml"
        >>> _ = f.write_text('name = "t"\\n[graph]\\npath = "ppi.tsv"\\nformat = "edgelist"\\n'
        ...                  '[labels]\\ntable = "labels.csv"\\n[models.gcn]\\n[models.mlp]\\n')
        >>> load_experiment(f).models
        {'gcn': {}, 'mlp': {}}
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such experiment file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file ({exc})") from None
    raw["base"] = str(path.resolve().parent)
    if isinstance(raw, dict) and raw.get("task") == "graphs":
        return _build(GraphExperimentConfig, raw, where=str(path))
    if isinstance(raw, dict) and raw.get("task") == "links":
        return _build(LinksExperimentConfig, raw, where=str(path))
    return _build(ExperimentConfig, raw, where=str(path))


def read_run_config(run_dir: str | Path) -> ExperimentConfig:
    """The experiment of a ``graphgen run`` folder (its ``config.toml``).

    Raises:
        DataFormatError: not a run folder of ``graphgen run`` (no ``config.toml``, or one
            written by another command or tool).
    """
    path = Path(run_dir) / "config.toml"
    if not path.is_file():
        raise DataFormatError(f"{run_dir}: not a graphgen run folder (no config.toml); give "
                              "the folder `graphgen run` wrote")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFormatError(f"{path}: not a readable TOML file ({exc})") from None
    command = raw.pop("command", None)
    raw.pop("versions", None)  # the package versions of the run, for the record
    if command != "graphgen run":
        raise DataFormatError(f"{path}: written by {command or 'another tool'!r}, not by "
                              "`graphgen run`; graphgen explain reads run folders of "
                              "`graphgen run` experiments")
    if raw.get("task") == "links":
        raise DataFormatError(f"{run_dir}: a link-prediction run; explain one of its pairs "
                              "with --pair SOURCE TARGET")
    return _build(ExperimentConfig, raw, where=str(path))


#: ``task = "graphs"``'s trainer before ``[trainer]``: 300 epochs, patience 50, lr 0.001, no
#: weight decay, batches of 32 graphs, accuracy as monitor (Errica et al.'s GIN protocol).
GRAPH_TRAINER = TrainerConfig(max_epochs=300, patience=50, lr=0.001, weight_decay=0.0,
                              batch_size=32, monitor="accuracy")


def _trainer(value: Any, seed: int, *, defaults: TrainerConfig | None = None) -> TrainerConfig:
    """The one parse of a trainer setting: a ``[trainer]`` table (``TrainerConfig`` fields
    but ``seed`` and ``progress``, over ``defaults``) or a ``TrainerConfig``, with ``seed``.

    Raises:
        ConfigError: unknown keys, bad values, or a ``TrainerConfig`` with another seed.
    """
    if isinstance(value, TrainerConfig):
        if value.seed not in (0, seed):
            raise ConfigError(f"trainer: seed {value.seed} differs from the experiment's seed "
                              f"{seed}; give the seed once, as the experiment's seed")
        return dataclasses.replace(value, seed=seed)
    if not isinstance(value, dict):
        raise ConfigError(f"[trainer]: expected a table of TrainerConfig settings, got "
                          f"{type(value).__name__}")
    allowed = [f.name for f in dataclasses.fields(TrainerConfig)
               if f.name not in ("seed", "progress")]
    bad = [k for k in value if k not in allowed]
    if bad:
        raise ConfigError(f"[trainer]: unknown key(s) {bad}; allowed keys are {allowed}")
    base = dataclasses.asdict(defaults) if defaults is not None else {}
    try:
        return TrainerConfig(**{**base, **value, "seed": seed})
    except ConfigError as exc:
        raise ConfigError(f"[trainer]: {exc}") from None
    except TypeError as exc:
        raise ConfigError(f"[trainer]: {exc}") from None


def _trainer_table(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with its trainer as a ``[trainer]`` table: the settings a TOML file gives
    (not ``seed``, the experiment's, nor ``progress``)."""
    trainer = record.get("trainer")
    if isinstance(trainer, dict):
        record["trainer"] = {k: v for k, v in trainer.items() if k not in ("seed", "progress")}
    return record


def _build(cls, table: Any, where: str):
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table, got {table!r}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [k for k in table if k not in fields]
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed keys are {list(fields)}")
    required = [n for n, f in fields.items() if f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING]
    missing = [n for n in required if n not in table]
    if missing:
        raise ConfigError(f"{where}: missing required key(s) {missing}")
    values = {name: _convert(hints[name], value, f"{where} [{name}]")
              for name, value in table.items()}
    try:
        return cls(**values)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _convert(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        last: ConfigError | None = None
        for option in options:
            try:
                return _convert(option, value, where)
            except ConfigError as exc:
                last = exc
        raise last or ConfigError(f"{where}: bad value {value!r}")
    if hint is TrainerConfig:  # parsed once, with the experiment's seed, in __post_init__
        return value
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where)
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{where}: must be one of {list(args)}, got {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {value!r}")
        return {k: dict(v) if isinstance(v, dict) else v for k, v in value.items()}
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    return value
