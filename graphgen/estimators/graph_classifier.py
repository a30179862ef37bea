"""``GraphClassifier``: a scikit-learn estimator that classifies whole graphs.

Each sample is its own graph (a protein's residue graph, a molecule), of any size and shape:
``fit(graphs, y)`` takes a list of PyG ``Data`` objects and their classes; batching goes
through PyG's ``Batch``/``DataLoader``, training through graphgen's one trainer (early
stopping on a stratified validation part of the training graphs).

:func:`assess` runs the fair protocol of Errica et al. (ICLR 2020): stratified outer folds,
model selection on a hold-out of each outer training part only (the outer test fold is never
seen), then the selected configuration retrained ``final_runs`` times on the outer training
part and its test accuracies averaged.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import ClassifierMixin, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold
from torch_geometric.data import Data

from graphgen.estimators.base import GraphgenEstimator, Probabilities
from graphgen.estimators.persistence import (
    params_payload,
    read_estimator,
    selection_from_payload,
    selection_payload,
    write_payload,
)
from graphgen.estimators.selection import (
    Candidate,
    check_budget,
    resolve_candidates,
    select,
)
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.features.graph_statistics import graph_statistics
from graphgen.graph.nodes import float_features
from graphgen.io.tu import TUDataset
from graphgen.models.graph_net import GraphNet
from graphgen.scalars import check_count, plain
from graphgen.split import Split
from graphgen.train.fitting import FittedModel, fit_model
from graphgen.train.seeding import seed_everything
from graphgen.train.tasks import GraphSet, GraphSetTask
from graphgen.train.trainer import Trainer, TrainerConfig

__all__ = ["GRAPH_BUDGET", "GRAPH_CANDIDATES", "GRAPH_CLASSIFIER_TRAINER", "GraphAssessment",
           "GraphClassifier", "assess"]

#: The named candidates of ``conv="auto"`` (name -> parameters), cheapest first.
GRAPH_CANDIDATES: dict[str, dict] = {
    "statistics": {"conv": "statistics"},
    "baseline": {"conv": "none"},
    "gin": {"conv": "gin"},
}
#: Seconds ``conv="auto"`` may spend choosing (the first candidate always finishes).
GRAPH_BUDGET = 900.0
#: ``GraphClassifier``'s trainer when none is given.
GRAPH_CLASSIFIER_TRAINER = TrainerConfig(max_epochs=300, patience=50, lr=0.01, weight_decay=0.0,
                                         batch_size=32, monitor="accuracy", seed=0)
_CONVS = ("auto", "statistics", "none", "gin", "gcn", "sage")
_FORMAT = "graphgen.GraphClassifier/1"


class GraphClassifier(ClassifierMixin, GraphgenEstimator):
    """Classify graphs of different topologies: graph statistics, the structure-agnostic
    baseline or a GNN, chosen on the user's own training graphs.

    ``GraphClassifier()`` (``conv="auto"``) scores the candidates of
    :data:`GRAPH_CANDIDATES` (graph statistics and a random forest, the structure-agnostic
    baseline, GIN) on ``inner_folds`` stratified inner folds of the training graphs by
    accuracy and refits the best on all of them (:mod:`graphgen.estimators.selection`;
    ``selection_`` holds the table). ``budget`` bounds the seconds spent choosing.

    For scikit-learn's model selection (``cross_val_score``, ``GridSearchCV``), ``X`` is the
    list of graphs (or the :class:`~graphgen.io.tu.TUDataset` :func:`~graphgen.io.read_tu`
    returns) and ``y`` their classes; ``predict_proba`` returns a
    :class:`~graphgen.estimators.base.Probabilities` frame indexed by the graphs' positions
    in the list given, which scikit-learn's scorers read as an array.

    Args:
        conv: ``"auto"`` (default), ``"statistics"`` (sizes, degree distribution and summed
            node features, :func:`~graphgen.features.graph_statistics.graph_statistics`, read
            by a 500-tree random forest: no message passing), ``"none"`` (the
            structure-agnostic baseline: readout of the node features, then an MLP),
            ``"gin"``, ``"gcn"`` or ``"sage"``.
        readout: ``"sum"`` (default), ``"mean"`` or ``"attention"``.
        hidden_channels, num_layers, dropout: see :class:`~graphgen.models.graph_net.GraphNet`.
        val_size: share of the training graphs held out (stratified) to choose the epoch.
        trainer: training settings (default :data:`GRAPH_CLASSIFIER_TRAINER`: 300 epochs,
            patience 50, lr 0.01, weight decay 0, batches of 32 graphs, as Errica et al.'s GIN
            search space allows); its ``seed`` (the one seed) also seeds the validation
            hold-outs, the inner folds and the forest. Its ``ensemble = k`` trains ``k``
            networks with seeds ``seed ... seed + k - 1``, each with its own validation
            hold-out drawn with its seed (every training graph then trains most members; a
            bagging-like average), and averages their probabilities; its ``refit`` retrains
            each on all its training graphs for the epochs chosen.
        candidates: ``conv="auto"``'s candidates: names of :data:`GRAPH_CANDIDATES`,
            :class:`~graphgen.estimators.selection.Candidate` objects or name -> parameters
            (default: all three).
        budget: seconds ``conv="auto"`` may spend choosing (default :data:`GRAPH_BUDGET`,
            900; ``None``: no limit).
        inner_folds: inner folds of ``conv="auto"`` (default 3).

    Attributes:
        classes_: the classes (an array, the columns of ``predict_proba``).
        settings_: what was fitted: ``conv`` (the chosen one with ``conv="auto"``),
            ``readout``, ``hidden_channels``, ``num_layers``, ``dropout``.
        model_: the network (the first member of an ensemble), or the forest.
        fitted_: the :class:`~graphgen.train.fitting.FittedModel` (``members``: every
            network of the ensemble; the forest for ``"statistics"``).
        fit_result_: the first member's training history (``None`` for the forest).
        task_: the graph-set task the networks were trained for (``None`` for the forest).
        statistics_: the training graphs' statistics and classes the forest was fitted on
            (a pair of arrays; ``None`` for a network).
        n_features_in_: the width of the graphs' node features.
        selection_: the :class:`~graphgen.estimators.selection.Selection` of
            ``conv="auto"``, else ``None``.

    Example:
        >>> import torch
        >>> from torch_geometric.data import Data
        >>> def ring(n, label):
        ...     i = torch.arange(n)
        ...     e = torch.stack([i, (i + 1) % n])
        ...     return Data(x=torch.ones(n, 1), edge_index=torch.cat([e, e.flip(0)], 1)), label
        >>> pairs = [ring(n, int(n > 6)) for n in range(3, 11)] * 4
        >>> graphs, y = [g for g, _ in pairs], [c for _, c in pairs]
        >>> trainer = TrainerConfig(max_epochs=60, progress=False, batch_size=8)
        >>> clf = GraphClassifier(trainer=trainer, hidden_channels=16).fit(graphs, y)
        >>> clf.predict_proba(graphs[:2]).shape, clf.classes_.tolist()
        ((2, 2), [0, 1])
    """

    def __init__(self, conv: str = "auto", *, readout: str = "sum", hidden_channels: int = 64,
                 num_layers: int = 3, dropout: float = 0.5, val_size: float = 0.1,
                 trainer: TrainerConfig | None = None,
                 candidates: Sequence[str | Candidate] | Mapping[str, Mapping] | None = None,
                 budget: float | None = GRAPH_BUDGET, inner_folds: int = 3) -> None:
        self.conv = conv
        self.readout = readout
        self.hidden_channels = hidden_channels
        self.num_layers = num_layers
        self.dropout = dropout
        self.val_size = val_size
        self.trainer = trainer
        self.candidates = candidates
        self.budget = budget
        self.inner_folds = inner_folds

    def _trainer_config(self) -> TrainerConfig:
        """The trainer (its seed is the classifier's one seed)."""
        config = GRAPH_CLASSIFIER_TRAINER if self.trainer is None else self.trainer
        if not isinstance(config, TrainerConfig):
            raise ConfigError(f"GraphClassifier: trainer must be a graphgen.TrainerConfig, got "
                              f"{type(config).__name__}")
        return config

    def fit(self, graphs: Sequence, y: Sequence | None = None) -> GraphClassifier:
        """Train on ``graphs`` (PyG ``Data`` with ``x`` and ``edge_index``, or the
        :class:`~graphgen.io.tu.TUDataset` that :func:`~graphgen.io.read_tu` returns) with
        classes ``y`` (default: each graph's ``y``).

        Raises:
            DataFormatError: no graphs, graphs without ``x`` or of different feature sizes,
                labels of another length, a single class.
            ConfigError: a bad hyper-parameter.
        """
        graphs, labels = _check(graphs, y)
        if self.conv not in _CONVS:
            raise ConfigError(f"GraphClassifier: conv must be one of {list(_CONVS)}, got "
                              f"{self.conv!r}")
        if not 0 < self.val_size < 1:
            raise ConfigError(f"val_size must be in (0, 1), got {self.val_size!r}")
        if not isinstance(self.hidden_channels, int) or self.hidden_channels < 1:
            raise ConfigError(f"hidden_channels must be an integer >= 1, got "
                              f"{self.hidden_channels!r}")
        self.classes_ = np.unique(labels)
        if len(self.classes_) < 2:
            raise DataFormatError(f"fit needs two classes or more, got {list(self.classes_)}")
        counts = pd.Series(labels).value_counts()
        if counts.min() < 2:
            raise DataFormatError(f"class {plain(counts.idxmin())!r} has a single graph; each "
                                  "class needs two or more (one to train on, one to validate "
                                  "with)")
        if self.conv == "auto":
            self._fit_auto(graphs, labels, counts)
            return self
        self.selection_ = None
        self.settings_ = {"conv": self.conv, "readout": self.readout,
                          "hidden_channels": self.hidden_channels,
                          "num_layers": self.num_layers, "dropout": self.dropout}
        start = time.perf_counter()
        self.statistics_ = None
        self.n_features_in_ = int(graphs[0].x.shape[1])
        if self.conv == "statistics":
            self.statistics_ = (graph_statistics(graphs), labels)
            forest = _forest(*self.statistics_, self._trainer_config().seed)
            self.model_, self.task_, self.fit_result_ = forest, None, None
            self.fitted_ = FittedModel(model=forest, task=None, fit=None, members=[forest],
                                       seconds=time.perf_counter() - start)
            return self
        series = pd.Series(labels, index=pd.Index([str(i) for i in range(len(graphs))]))
        data = GraphSet(graphs)
        config = self._trainer_config()

        def build() -> GraphNet:
            return GraphNet(graphs[0].x.shape[1], len(self.classes_), conv=self.conv,
                            readout=self.readout, hidden_channels=self.hidden_channels,
                            num_layers=self.num_layers, dropout=self.dropout)

        def member_task(member: int) -> GraphSetTask:  # each member its own hold-out
            train, val = _stratified_holdout(series, self.val_size, config.seed + member)
            return GraphSetTask.from_labels(data, series, Split(train=train, val=val,
                                                                test=pd.Index([])))

        seed_everything(config.seed)
        first = fit_model(build(), data, member_task(0), trainer=config,
                          description=f"graphs-{self.conv}", build=build,
                          member_task=member_task)
        self.fitted_ = replace(first, seconds=time.perf_counter() - start)
        self.model_, self.task_, self.fit_result_ = first.model, first.task, first.fit
        return self

    def _fit_auto(self, graphs: list[Data], labels: np.ndarray, counts: pd.Series) -> None:
        """Choose a candidate on inner folds of these graphs, then refit it on all."""
        budget = check_budget(self.budget, "GraphClassifier")
        check_count(self.inner_folds, "inner_folds", "GraphClassifier", minimum=2)
        if counts.min() < self.inner_folds:
            raise DataFormatError(f"GraphClassifier(conv='auto'): class "
                                  f"{plain(counts.idxmin())!r} has {counts.min()} graph(s), "
                                  f"fewer than inner_folds={self.inner_folds}; lower "
                                  "inner_folds or fix conv")
        candidates = resolve_candidates(self.candidates, GRAPH_CANDIDATES, list(GRAPH_CANDIDATES),
                                        what="GraphClassifier(conv='auto')", choice="conv")
        quiet = replace(self._trainer_config(), progress=False)
        folds = list(StratifiedKFold(self.inner_folds, shuffle=True, random_state=quiet.seed)
                     .split(np.zeros(len(labels)), labels))

        def score(candidate: Candidate, fold) -> float:
            train, val = fold
            clf = self._candidate(candidate, trainer=quiet)
            clf.fit([graphs[i] for i in train], labels[train])
            return float(np.mean(clf.predict([graphs[i] for i in val]) == labels[val]))

        selection = select(candidates, folds, score, metric="accuracy", budget=budget,
                           what="GraphClassifier(conv='auto')")
        best = self._candidate(selection.chosen, trainer=self.trainer).fit(graphs, labels)
        self._adopt(best, selection)

    def _candidate(self, candidate: Candidate, *, trainer: TrainerConfig | None
                   ) -> GraphClassifier:
        """A fixed-conv copy of this classifier with the candidate's parameters."""
        return clone(self).set_params(**{"conv": "gin", "candidates": None, "trainer": trainer,
                                         **candidate.params})

    def predict_proba(self, graphs: Sequence) -> Probabilities:
        """Class probabilities: a :class:`~graphgen.estimators.base.Probabilities` frame,
        one row per graph (indexed by its position in ``graphs``), columns ``classes_``."""
        self._check_fitted()
        graphs, _ = _check(graphs, None, need_labels=False)
        if self.settings_["conv"] == "statistics":
            proba = self.model_.predict_proba(graph_statistics(graphs))
        else:
            data = GraphSet(graphs)
            proba = np.mean([torch.softmax(Trainer.predict(model, data, self.task_),
                                           dim=1).numpy()
                             for model in self.fitted_.members], axis=0)
        return Probabilities(proba, index=pd.RangeIndex(len(graphs), name="graph"),
                             columns=self.classes_)

    def predict(self, graphs: Sequence) -> pd.Series:
        """The most probable class of every graph (indexed as :meth:`predict_proba`)."""
        proba = self.predict_proba(graphs)
        return pd.Series(self.classes_[np.argmax(proba.to_numpy(), axis=1)], index=proba.index,
                         name="prediction")

    def save(self, path: str | os.PathLike) -> Path:
        """Write the fitted classifier to one file, atomically
        (:mod:`graphgen.estimators.persistence`: plain values and tensors, read back with
        ``torch.load(weights_only=True)``).

        A network is stored as the weights of every ensemble member and its task (classes,
        training and validation positions); the statistics forest as the training graphs'
        statistics and classes, from which :meth:`load` refits the same forest (seeded,
        one job: the trees are identical under the same scikit-learn version), because a
        scikit-learn forest cannot be stored as plain values.

        Raises:
            NotFittedError: before ``fit``.
            OutputError: ``path`` is a folder or cannot be written.
        """
        self._check_fitted()
        forest = self.settings_["conv"] == "statistics"
        task = None if forest else {name: getattr(self.task_, name) for name in (
            "y", "train_index", "val_index", "test_index", "class_weight")}
        payload = {
            "format": _FORMAT,
            "params": params_payload(self),
            "settings": dict(self.settings_),
            "selection": selection_payload(self.selection_),
            "classes": [plain(c) for c in self.classes_],
            "statistics": (torch.as_tensor(self.statistics_[0], dtype=torch.float64)
                           if forest else None),
            "labels": [plain(c) for c in self.statistics_[1]] if forest else None,
            "n_features_in": self.n_features_in_,
            "members": [] if forest else [m.state_dict() for m in self.fitted_.members],
            "task": task,
            "task_classes": None if forest else [plain(c) for c in self.task_.classes],
        }
        return write_payload(path, payload, what="GraphClassifier.save")

    @classmethod
    def load(cls, path: str | os.PathLike) -> GraphClassifier:
        """Read a classifier written by :meth:`save` (safe ``weights_only`` loading).

        Raises:
            DataFormatError: not a GraphClassifier file, or a damaged one.
        """
        return read_estimator(path, format=_FORMAT, name="GraphClassifier",
                              build=cls._from_payload)

    @classmethod
    def _from_payload(cls, payload: dict) -> GraphClassifier:
        params = dict(payload["params"])
        if params.get("trainer") is not None:
            params["trainer"] = TrainerConfig(**params["trainer"])
        clf = cls(**params)
        clf.settings_ = dict(payload["settings"])
        clf.selection_ = selection_from_payload(payload.get("selection"))
        clf.classes_ = np.asarray(payload["classes"])
        clf.fit_result_ = None
        clf.statistics_ = None
        clf.n_features_in_ = payload["n_features_in"]
        if clf.settings_["conv"] == "statistics":
            clf.statistics_ = (payload["statistics"].numpy(), np.asarray(payload["labels"]))
            forest = _forest(*clf.statistics_, clf._trainer_config().seed)
            clf.model_, clf.task_ = forest, None
            clf.fitted_ = FittedModel(model=forest, task=None, fit=None, members=[forest],
                                      seconds=0.0)
            return clf
        settings = clf.settings_
        members = []
        for state in payload["members"]:
            model = GraphNet(clf.n_features_in_, len(clf.classes_), conv=settings["conv"],
                             readout=settings["readout"],
                             hidden_channels=settings["hidden_channels"],
                             num_layers=settings["num_layers"], dropout=settings["dropout"])
            model.load_state_dict(state)
            members.append(model)
        task = GraphSetTask(classes=np.asarray(payload["task_classes"]), **payload["task"])
        clf.model_, clf.task_ = members[0], task
        clf.fitted_ = FittedModel(model=members[0], task=task, fit=None, members=members,
                                  seconds=0.0)
        return clf


def _forest(statistics: np.ndarray, labels: np.ndarray, seed: int) -> RandomForestClassifier:
    """The statistics forest: 500 trees, seeded, one job (so a refit gives the same trees)."""
    return RandomForestClassifier(n_estimators=500, random_state=seed, n_jobs=1).fit(
        statistics, labels)


def _check(graphs: Sequence, y: Sequence | None, need_labels: bool = True):
    """The graphs (float64 features as float32) and their labels, checked at the door.

    Raises:
        DataFormatError: no graphs, features of other widths or missing, a graph without
            nodes, an edge that is not a pair of the graph's nodes, a graph ``y`` that is not
            one whole number, labels of another length or shape (each named by position).
    """
    if isinstance(graphs, Data):
        raise DataFormatError("give a list of graphs (PyG Data objects), not one graph")
    if isinstance(graphs, TUDataset):  # read_tu's result: its graphs (y: their classes)
        graphs = graphs.graphs
    graphs = list(graphs)
    if not graphs:
        raise DataFormatError("no graphs given")
    widths = {getattr(g, "x", None).shape[1] if getattr(g, "x", None) is not None
              and getattr(g, "x", None).dim() == 2 else None for g in graphs}
    if None in widths or len(widths) != 1:
        raise DataFormatError(f"every graph needs node features x (nodes x features) of one "
                              f"width; found {sorted(w for w in widths if w is not None)}"
                              + (" and graphs without x" if None in widths else ""))
    checked = []
    for i, g in enumerate(graphs):
        if g.x.shape[0] == 0:
            raise DataFormatError(f"graph {i} has no nodes; a graph classifier reads at least "
                                  "one node per graph (drop it, or give it a node)")
        edges = getattr(g, "edge_index", None)
        if edges is None or edges.dim() != 2 or edges.shape[0] != 2 or (
                edges.numel() and (int(edges.min()) < 0 or int(edges.max()) >= g.x.shape[0])):
            raise DataFormatError(f"graph {i}: edge_index must be 2 x edges of node positions "
                                  f"0..{g.x.shape[0] - 1}, got "
                                  + ("none" if edges is None else f"shape {tuple(edges.shape)}"
                                     + (f", values {int(edges.min())}..{int(edges.max())}"
                                        if edges.numel() else "")))
        checked.append(float_features(g))  # float64 (or integer) features as float32
    graphs = checked
    if y is None:
        if not need_labels:
            return graphs, None
        if any(getattr(g, "y", None) is None for g in graphs):
            raise DataFormatError("pass y, or give every graph a y")
        y = []
        for i, g in enumerate(graphs):
            value = g.y.view(-1)
            if value.numel() != 1 or float(value[0]) != int(value[0]):
                raise DataFormatError(f"graph {i}: y must be one whole number (its class), got "
                                      f"{value.tolist()}")
            y.append(int(value[0]))
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise DataFormatError(f"y must hold one class per graph, got shape {labels.shape}")
    if len(labels) != len(graphs):
        raise DataFormatError(f"{len(graphs)} graphs but {len(labels)} labels")
    return graphs, labels


#: Trainer settings :func:`assess`'s grid (and a TOML model table) may set per configuration.
_GRID_TRAINER_KEYS = ("ensemble",)


def _grid_classifier(config: Mapping[str, Any], trainer: TrainerConfig) -> GraphClassifier:
    """The classifier of one grid configuration: its trainer keys set on ``trainer``."""
    params = {k: v for k, v in config.items() if k not in _GRID_TRAINER_KEYS}
    settings = {k: config[k] for k in _GRID_TRAINER_KEYS if k in config}
    return GraphClassifier(**params, trainer=replace(trainer, **settings))


def _stratified_holdout(labels: pd.Series, size: float, seed: int) -> tuple[pd.Index, pd.Index]:
    from sklearn.model_selection import train_test_split

    n_classes = labels.nunique()
    count = max(n_classes, int(round(size * len(labels))))
    if len(labels) - count < n_classes:
        raise DataFormatError(f"{len(labels)} graphs are too few to hold out a stratified "
                              f"validation part of {count} and still train on every class")
    train, val = train_test_split(labels.index, test_size=count, stratify=labels.to_numpy(),
                                  random_state=seed)
    return pd.Index(train), pd.Index(val)


@dataclass
class GraphAssessment:
    """What :func:`assess` measured.

    Attributes:
        folds: one row per outer fold: the selected configuration, its inner validation
            accuracy and the mean test accuracy of the final runs.
        test_accuracy: mean and sd over the outer folds.
        candidates: every configuration's inner validation accuracy per fold.
    """

    folds: pd.DataFrame
    test_accuracy: tuple[float, float]
    candidates: pd.DataFrame = field(repr=False)


def assess(graphs: Sequence, y: Sequence | None = None, *,
           grid: Mapping[str, Sequence[Any]] | None = None, folds: int = 10,
           inner_val: float = 0.1, final_runs: int = 3, seed: int = 0,
           trainer: TrainerConfig | None = None, progress: bool = False) -> GraphAssessment:
    """Errica et al.'s protocol: ``folds`` stratified outer folds; in each, every
    configuration of ``grid`` (GraphClassifier parameters, and ``ensemble``: the trainer's
    member count for that configuration) is trained on the outer training
    graphs minus a stratified ``inner_val`` hold-out and scored on that hold-out; the best is
    retrained ``final_runs`` times (seeds ``seed..``) on the outer training graphs, each with
    its own early-stopping hold-out, and scored on the outer test fold.

    Raises:
        ConfigError: an empty grid, a parameter GraphClassifier does not take, ``seed`` or
            ``trainer`` in the grid (they are arguments of ``assess``), ``folds`` below 2 or
            above the graphs of the smallest class, ``final_runs`` below 1, ``inner_val``
            outside (0, 1).
    """
    graphs, labels = _check(graphs, y)
    grid = {"conv": ["gin"]} if grid is None else dict(grid)
    allowed = [k for k in GraphClassifier._get_param_names() if k != "trainer"]
    unknown = [k for k in grid if k not in allowed and k not in _GRID_TRAINER_KEYS]
    if unknown or not grid:
        raise ConfigError(f"grid: unknown parameter(s) {unknown}; GraphClassifier takes "
                          f"{allowed}, and the trainer's {list(_GRID_TRAINER_KEYS)} may be "
                          "searched too (seed and trainer are arguments of assess)" if unknown
                          else "grid is empty: give at least one parameter with its values")
    empty = [k for k, values in grid.items() if not list(values)]
    if empty:
        raise ConfigError(f"grid: parameter(s) {empty} have no values")
    smallest = int(pd.Series(labels).value_counts().min())
    if not isinstance(folds, (int, np.integer)) or not 2 <= folds <= smallest:
        raise ConfigError(f"assess: folds must be an integer from 2 to {smallest} (the graphs "
                          f"of the smallest class), got {folds!r}")
    if not isinstance(final_runs, (int, np.integer)) or final_runs < 1:
        raise ConfigError(f"assess: final_runs must be an integer >= 1, got {final_runs!r}")
    if not 0.0 < inner_val < 1.0:
        raise ConfigError(f"assess: inner_val must be in (0, 1), got {inner_val!r}")
    configs = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    base = GRAPH_CLASSIFIER_TRAINER if trainer is None else trainer
    outer = StratifiedKFold(folds, shuffle=True, random_state=seed)
    rows, candidates = [], []
    for fold, (train, test) in enumerate(outer.split(np.zeros(len(labels)), labels)):
        inner_train, inner_val_part = _stratified_holdout(
            pd.Series(labels[train], index=pd.Index(train)), inner_val, seed + fold)
        inner_train, inner_val_part = inner_train.to_numpy(), inner_val_part.to_numpy()
        scores = []
        for i, config in enumerate(configs):
            clf = _grid_classifier(config, replace(base, seed=seed)).fit(
                [graphs[j] for j in inner_train], labels[inner_train])
            accuracy = float(np.mean(clf.predict([graphs[j] for j in inner_val_part])
                                     == labels[inner_val_part]))
            scores.append(accuracy)
            candidates.append({"fold": fold, "config": i, **config, "val_accuracy": accuracy})
            if progress:
                print(f"fold {fold} config {config}: inner val accuracy {accuracy:.3f}",
                      flush=True)
        best = int(np.argmax(scores))
        tests = []
        for run in range(final_runs):
            clf = _grid_classifier(configs[best], replace(base, seed=seed + 100 * (run + 1))
                                   ).fit([graphs[j] for j in train], labels[train])
            tests.append(float(np.mean(clf.predict([graphs[j] for j in test]) == labels[test])))
        rows.append({"fold": fold, **configs[best], "val_accuracy": scores[best],
                     "test_accuracy": float(np.mean(tests)),
                     "test_runs": ", ".join(f"{t:.3f}" for t in tests)})
        if progress:
            print(f"fold {fold}: chose {configs[best]}, test accuracy {np.mean(tests):.3f}",
                  flush=True)
    table = pd.DataFrame(rows)
    accuracy = table["test_accuracy"].to_numpy()
    return GraphAssessment(folds=table, test_accuracy=(float(accuracy.mean()),
                                                       float(accuracy.std(ddof=1))
                                                       if len(accuracy) > 1 else 0.0),
                           candidates=pd.DataFrame(candidates))
