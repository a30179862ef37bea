"""``GeneClassifier``: a GNN (or a baseline) over a gene graph, scikit-learn style."""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin, clone
from torch_geometric.data import Data

from graphgen.estimators.base import GraphgenEstimator, Probabilities, item_ids, item_labels
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
from graphgen.evaluation.metrics import (
    classification_metrics,
    degree_percentile,
    multilabel_metrics,
)
from graphgen.evaluation.splits import Split, kfold_splits, train_val_split
from graphgen.exceptions import (
    ConfigError,
    DataFormatError,
    OutputError,
)
from graphgen.graph.convert import is_undirected
from graphgen.graph.nodes import (
    check_node_features,
    float_features,
    node_degree,
    node_index,
    node_positions,
)
from graphgen.labels import align_labels
from graphgen.models.fusion import build_fusion
from graphgen.models.registry import GRAPH_ONLY, MODELS, build_model
from graphgen.scalars import check_count, plain
from graphgen.sequences.attach import attach_sequences
from graphgen.sequences.tokens import SequenceBatch
from graphgen.train.fitting import FittedModel, fit_model
from graphgen.train.label_features import LabelFeatures, add_label_features
from graphgen.train.search import ModelSpec, tune
from graphgen.train.seeding import seed_everything
from graphgen.train.tasks import make_task
from graphgen.train.trainer import TrainerConfig

__all__ = ["GENE_BUDGET", "GENE_CANDIDATES", "GeneClassifier"]

log = logging.getLogger(__name__)
_FORMAT = "graphgen.GeneClassifier/2"
#: The named candidates of ``model="auto"`` (name -> parameters), cheapest first. On a
#: directed graph the ``(undirected)`` variants walk the graph made undirected.
GENE_CANDIDATES: dict[str, dict] = {
    "rwr": {"model": "rwr"},
    "heat": {"model": "heat"},
    "logreg": {"model": "logreg", "label_features": None},
    "logreg+labels": {"model": "logreg", "label_features": LabelFeatures()},
    "gcn+labels": {"model": "gcn", "label_features": LabelFeatures()},
    "rwr (undirected)": {"model": "rwr", "hparams": {"direction": "undirected"}},
    "heat (undirected)": {"model": "heat", "hparams": {"direction": "undirected"}},
    "logreg+labels (undirected)": {"model": "logreg",
                                   "label_features": LabelFeatures(direction="undirected")},
}
_DIRECTED_ONLY = ("rwr (undirected)", "heat (undirected)", "logreg+labels (undirected)")
#: Seconds ``model="auto"`` may spend choosing (the first candidate always finishes).
GENE_BUDGET = 600.0
_SETTINGS = ("model", "hparams", "label_features")


class GeneClassifier(ClassifierMixin, GraphgenEstimator):
    """Classify genes of a graph: binary, multi-class or multi-label.

    A scikit-learn estimator (``clone``, ``get_params``/``set_params``, ``is_classifier`` and
    ``check_is_fitted`` work): hyper-parameters are stored by the constructor and nothing
    else happens there. ``fit`` holds out ``val_size`` of the labelled genes (stratified) to
    choose the epoch, trains through the one fit path
    (:func:`~graphgen.train.fitting.fit_model`), and keeps the graph, so ``predict_proba``
    scores every gene of it (transductive), or the genes of another graph with the same
    feature columns.

    ``GeneClassifier()`` (``model="auto"``) chooses on the user's own labelled genes: the
    candidates of :data:`GENE_CANDIDATES` (random walk with restart and heat diffusion on the
    graph, logistic regression on the node features with and without the propagated training
    labels, GCN with them; on a directed graph also the walks and the label block on the
    graph made undirected) are scored on ``inner_folds`` stratified inner folds of the
    labelled genes by ``selection_metric``, and the best is refitted on all of them
    (:mod:`graphgen.estimators.selection`; ``selection_`` holds the table, ``settings_`` the
    chosen model, hyper-parameters and label block). ``budget`` bounds the seconds spent
    choosing.

    scikit-learn's model selection (``cross_val_score``, ``GridSearchCV``, ``Pipeline``) splits
    genes: give the graph to the estimator and gene ids as ``X``,
    ``GeneClassifier(graph=data).fit(gene_ids, y)`` with ``y`` their classes in the same
    order (or a Series indexed by them); every other node stays in the graph, unlabelled.
    ``fit(data, labels)`` with the graph first is the same fit. ``predict_proba`` returns a
    :class:`~graphgen.estimators.base.Probabilities` frame indexed by gene id, which
    scikit-learn's scorers read as an array.

    Args:
        model: ``"auto"`` (default) or a registry name: ``"gcn"``, ``"gat"``, ``"sage"``,
            ``"appnp"``, ``"sgc"``, ``"gin"``, ``"gcnii"``, ``"mlp"``, ``"logreg"``, or a
            graph-only ``"rwr"``, ``"heat"``, ``"label_propagation"``, ``"degree"``.
        graph: the graph the genes of ``fit(gene_ids, y)``, ``predict_proba(gene_ids)`` and
            ``score(gene_ids, y)`` are nodes of (scikit-learn's form, above); ``None``
            (default): ``fit`` takes the graph first.
        hparams: hyper-parameters of the model (e.g. ``{"hidden_channels": 32}``); a
            ``"search"`` entry searches some of them with Optuna on the validation genes
            first (see :mod:`graphgen.train.search`).
        trainer: every training setting in one :class:`~graphgen.train.TrainerConfig`
            (epochs, patience, learning rate, weight decay, monitor, ``seed``, which also
            seeds the validation hold-out, and ``progress``: ``None`` shows a bar on a
            terminal only); ``None`` takes ``TrainerConfig()``.
        val_size: share of the labelled genes used for early stopping.
        sequences: a sequence per gene id, used by every ``fit`` (``fit(..., sequences=...)``
            overrides it): the model then fuses the graph view with a sequence view.
        sequence_encoder, sequence_options: with sequences, the sequence encoder
            (``deepbind``, ``basset``, ``danq``, ``kmer``) and its options; the model
            becomes a :class:`~graphgen.models.fusion.FusionModel` of the graph model
            (``model``; ``"none"`` for the sequence view alone) and the encoder, trained end
            to end.
        fusion: ``concat``, ``gated`` or ``attention``.
        alphabet: ``dna`` or ``protein``.
        missing_sequence: genes without a sequence: ``error``, ``zero`` (zero embedding) or
            ``drop`` (removed from the graph).
        max_length: with sequences, truncate longer ones (as ``[sequences] max_length`` of a
            TOML experiment).
        graph_channels: output width of the graph encoder in a fusion model.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"``; ``None`` (default) keeps
            the trainer's (``TrainerConfig.device``, ``"auto"`` unless set).
        label_features: a :class:`~graphgen.LabelFeatures`: append the network propagation
            of the training labels (heat diffusion by default; out-of-fold within the
            training genes, never the validation genes') to the features of a trained model;
            with it the classifier predicts on the fitted graph only. ``None`` (default): the
            node features alone. One rule everywhere (``GeneClassifier``, ``compare_models``,
            ``cross_validate``, TOML ``[features.labels]``): the block is added only when
            asked for. It helps every trained model on the real tasks
            (``docs/gene_classification.md``), so the ``model="auto"`` default offers the
            models with it as their own candidates (``logreg+labels``, ``gcn+labels``), which
            set it themselves.
        candidates: ``model="auto"``'s candidates: names of :data:`GENE_CANDIDATES`,
            :class:`~graphgen.estimators.selection.Candidate` objects, or name ->
            parameters; ``None`` (default) takes the first five, plus the three
            ``(undirected)`` ones on a directed graph, less the graph-only ones with
            sequences.
        budget: seconds ``model="auto"`` may spend choosing (default :data:`GENE_BUDGET`,
            600; ``None``: no limit); the first candidate always finishes.
        inner_folds: inner folds of ``model="auto"`` (default 3).
        selection_metric: ``"auto"`` (default: what :meth:`score` reports: AUROC for binary,
            accuracy for multi-class, macro AUPRC for multi-label tasks) or a metric name of
            the task.

    Attributes:
        classes_: class values (single-label) or label names (multi-label).
        kind_: ``"binary"``, ``"multiclass"`` or ``"multilabel"``.
        model_: the trained ``torch.nn.Module`` (or the propagation baseline).
        fit_result_: epochs, best epoch, validation metrics, history (``None`` for label
            propagation, which is not trained).
        fitted_: the :class:`~graphgen.train.fitting.FittedModel` (model, task, fit).
        hparams_: the hyper-parameters the model was built with (after a search).
        search_: the :class:`~graphgen.train.search.SearchResult`, or ``None``.
        threshold_: decision threshold of :meth:`predict`, chosen to maximise F1 on the
            validation genes (a float for binary tasks, a Series per label for multi-label
            tasks, ``None`` for multi-class tasks).
        labels_not_in_graph_: labelled gene ids that are not nodes (reported, not used).
        feature_names_in_: names of the feature columns of ``data.x``.
        settings_: the ``model``, ``hparams`` and ``label_features`` that were fitted (the
            chosen candidate's with ``model="auto"``).
        selection_: the :class:`~graphgen.estimators.selection.Selection` of
            ``model="auto"``, else ``None``.

    Example:
        >>> import graphgen
        >>> org = graphgen.make_organism(n_genes=300, n_samples=5, seed=0)
        >>> data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
        >>> from graphgen import TrainerConfig
        >>> trainer = TrainerConfig(max_epochs=20, progress=False)
        >>> clf = GeneClassifier("gcn", trainer=trainer).fit(data, org.labels)
        >>> proba = clf.predict_proba(["G000", "G001"])
        >>> list(proba.columns), proba.shape
        ([0, 1], (2, 2))
    """

    def __init__(
        self,
        model: str = "auto",
        *,
        graph: Data | None = None,
        hparams: dict[str, Any] | None = None,
        trainer: TrainerConfig | None = None,
        val_size: float = 0.2,
        sequences: pd.Series | None = None,
        sequence_encoder: str = "deepbind",
        sequence_options: dict[str, Any] | None = None,
        fusion: str = "concat",
        alphabet: str = "dna",
        missing_sequence: str = "error",
        max_length: int | None = None,
        graph_channels: int = 64,
        device: str | None = None,
        label_features: LabelFeatures | None = None,
        candidates: Sequence[str | Candidate] | Mapping[str, Mapping] | None = None,
        budget: float | None = GENE_BUDGET,
        inner_folds: int = 3,
        selection_metric: str = "auto",
    ) -> None:
        self.model = model
        self.graph = graph
        self.hparams = hparams
        self.trainer = trainer
        self.val_size = val_size
        self.sequences = sequences
        self.sequence_encoder = sequence_encoder
        self.sequence_options = sequence_options
        self.fusion = fusion
        self.alphabet = alphabet
        self.missing_sequence = missing_sequence
        self.max_length = max_length
        self.graph_channels = graph_channels
        self.device = device
        self.label_features = label_features
        self.candidates = candidates
        self.budget = budget
        self.inner_folds = inner_folds
        self.selection_metric = selection_metric

    def _trainer_config(self) -> TrainerConfig:
        config = TrainerConfig() if self.trainer is None else self.trainer
        if not isinstance(config, TrainerConfig):
            raise ConfigError(f"{type(self).__name__}: trainer must be a "
                              f"graphgen.TrainerConfig, got {type(config).__name__}")
        return config if self.device is None else replace(config, device=self.device)

    def fit(self, data: Data | Sequence[str], labels: Any, *,
            sequences: pd.Series | None = None) -> GeneClassifier:
        """Train on the labelled genes of ``data``.

        Args:
            data: graph with node features ``x`` and ``node_ids``; or, with ``graph=`` given
                to the estimator, the gene ids to train on (scikit-learn's ``X``).
            labels: class per gene id (Series; NaN = unlabelled) or a genes x labels 0/1
                table (multi-label). Labelled genes that are not nodes are reported
                (warning, ``labels_not_in_graph_``) and not used. With gene ids as ``data``:
                their classes in the same order (an array, list, or pandas object indexed
                by the ids or by positions, :func:`~graphgen.estimators.base.item_labels`).
            sequences: a sequence per gene id (DNA or protein, see ``alphabet``): fuse the
                graph model with a sequence encoder, end to end.

        Returns:
            ``self``.

        Raises:
            ConfigError: unknown model or hyper-parameter, bad trainer setting.
            DataFormatError: no features, a single class, labels not matching the graph.
        """
        if not isinstance(data, Data):
            data, labels = self._graph_and_labels(data, labels)
        if sequences is None:
            sequences = self.sequences
        if sequences is not None and not isinstance(sequences, pd.Series):
            raise DataFormatError("GeneClassifier: sequences must be a pandas Series of "
                                  "sequences indexed by gene id (e.g. from "
                                  "graphgen.io.read_fasta), got "
                                  f"{type(sequences).__name__}")
        if str(self.model).lower() == "auto":
            return self._fit_auto(data, labels, sequences)
        self.selection_ = None
        self.settings_ = {"model": str(self.model).lower(), "hparams": self.hparams,
                          "label_features": self.label_features}
        name = str(self.model).lower()
        if name not in MODELS and not (name == "none" and sequences is not None):
            raise ConfigError(f"GeneClassifier: unknown model {self.model!r}; choose one of "
                              f"{sorted(MODELS)}" + (" (or 'none' with sequences)"
                                                     if sequences is not None else ""))
        if sequences is not None and name in GRAPH_ONLY:
            raise ConfigError("GeneClassifier: label propagation cannot use sequences")
        if not isinstance(data, Data):
            raise DataFormatError("GeneClassifier.fit: data must be a torch_geometric Data "
                                  f"graph with node_ids and x, got {type(data).__name__}")
        if getattr(data, "x", None) is None:
            raise DataFormatError("GeneClassifier.fit: the graph has no node features x; build "
                                  "them with graphgen.stack_blocks (graph-only: use "
                                  "model='label_propagation' with any x, e.g. a constant)")
        check_node_features(data, what="GeneClassifier.fit")
        data = float_features(data)
        if not isinstance(labels, (pd.Series, pd.DataFrame)):
            raise DataFormatError("GeneClassifier.fit: labels must be a pandas Series (or a "
                                  "genes x labels DataFrame) indexed by gene id, got "
                                  f"{type(labels).__name__}")
        config = self._trainer_config()
        if sequences is not None:
            data = attach_sequences(data, sequences, alphabet=self.alphabet,
                                    missing=self.missing_sequence, max_length=self.max_length)
        aligned = align_labels(labels, data.node_ids)
        split = train_val_split(aligned.labels, val_size=self.val_size, seed=config.seed)
        task = make_task(data, aligned.labels, split)
        if self.label_features is not None and name not in GRAPH_ONLY:
            data = add_label_features(data, task, self.label_features)
        spec = ModelSpec.parse(name, self.hparams)  # the one read of a "search" entry
        hparams, search = dict(spec.hparams), spec.search
        self.search_ = None
        if search is not None:  # nested: trials fit on the training genes, scored on val
            config, hparams, self.search_ = tune(
                lambda params: self._build(data, task.num_outputs, params), hparams, data,
                task, search, config)
        self.hparams_ = hparams
        seed_everything(config.seed)
        fitted = fit_model(self._build(data, task.num_outputs, hparams), data, task,
                           trainer=config, description=name,
                           build=lambda: self._build(data, task.num_outputs, hparams))
        self.fitted_ = fitted
        self.fit_result_ = fitted.fit
        model = fitted.model
        self.model_ = model
        self.task_ = task
        self.data_ = data
        self.kind_ = task.kind
        self.classes_ = np.asarray(list(task.classes))
        self.labels_not_in_graph_ = aligned.not_in_graph
        self.feature_names_in_ = list(getattr(data, "feature_names", None) or
                                      [f"x{i}" for i in range(data.num_features)])
        self.threshold_ = self._validation_thresholds()
        return self

    def _graph_and_labels(self, genes: Any, y: Any) -> tuple[Data, pd.Series | pd.DataFrame]:
        """scikit-learn's form: the estimator's graph and ``y`` indexed by the gene ids."""
        if self.graph is None:
            raise DataFormatError("GeneClassifier.fit: data must be a torch_geometric Data "
                                  "graph with node_ids and x, got "
                                  f"{type(genes).__name__}; to fit on gene ids (scikit-learn's "
                                  "X) give the graph to the estimator: "
                                  "GeneClassifier(graph=data).fit(gene_ids, y)")
        if not isinstance(self.graph, Data):
            raise ConfigError("GeneClassifier: graph must be a torch_geometric Data graph, got "
                              f"{type(self.graph).__name__}")
        ids = item_ids(genes, what="GeneClassifier.fit")
        return self.graph, item_labels(ids, y, what="GeneClassifier.fit")

    def _fit_auto(self, data: Data, labels: pd.Series | pd.DataFrame,
                  sequences: pd.Series | None) -> GeneClassifier:
        """Choose a candidate on inner folds of the labelled genes, then refit it on all."""
        budget = check_budget(self.budget, "GeneClassifier")
        check_count(self.inner_folds, "inner_folds", "GeneClassifier", minimum=2)
        if not isinstance(data, Data) or getattr(data, "node_ids", None) is None:
            raise DataFormatError("GeneClassifier.fit: data must be a torch_geometric Data "
                                  f"graph with node_ids and x, got {type(data).__name__}")
        if not isinstance(labels, (pd.Series, pd.DataFrame)):
            raise DataFormatError("GeneClassifier.fit: labels must be a pandas Series (or a "
                                  "genes x labels DataFrame) indexed by gene id, got "
                                  f"{type(labels).__name__}")
        directed = not is_undirected(data)
        default = [n for n, params in GENE_CANDIDATES.items()
                   if (directed or n not in _DIRECTED_ONLY)
                   and (sequences is None or params["model"] not in GRAPH_ONLY)]
        candidates = resolve_candidates(self.candidates, GENE_CANDIDATES, default,
                                        what="GeneClassifier(model='auto')", choice="model")
        aligned = align_labels(labels, data.node_ids)
        known = aligned.labels
        config = self._trainer_config()
        folds = kfold_splits(known, k=self.inner_folds, seed=config.seed)
        quiet = replace(config, progress=False)

        def score(candidate: Candidate, fold) -> float:
            train = fold.train.append(fold.val)
            clf = self._candidate(candidate, trainer=quiet)
            with warnings.catch_warnings():  # the refit below reports the data once
                warnings.simplefilter("ignore", UserWarning)
                clf.fit(data, known.loc[train], sequences=sequences)
            return clf.score(known.loc[fold.test], metric=self.selection_metric)

        selection = select(candidates, folds, score, metric=self.selection_metric,
                           budget=budget, what="GeneClassifier(model='auto')")
        best = self._candidate(selection.chosen, trainer=self.trainer)
        best.fit(data, labels, sequences=sequences)
        self._adopt(best, selection)
        return self

    def _candidate(self, candidate: Candidate, *, trainer: TrainerConfig | None
                   ) -> GeneClassifier:
        """A fixed-model copy of this classifier with the candidate's parameters."""
        # the graph is handed to fit, not copied into every candidate
        clf = clone(type(self)(**{**self.get_params(deep=False), "graph": None}))
        params = dict(candidate.params)
        return clf.set_params(**{"model": "logreg", "candidates": None, "trainer": trainer,
                                 "label_features": None, "hparams": None, **params})

    def _validation_thresholds(self) -> float | pd.Series | None:
        """Decision thresholds that maximise F1 on the validation genes (not the test genes:
        ``fit`` never sees those). ``None`` for multi-class tasks (the most probable class)."""
        if self.kind_ == "multiclass":
            return None
        scores, _ = self._scores(None)
        val = self.task_.val_index.numpy()
        labelled = np.concatenate([self.task_.train_index.numpy(), val])
        y = self.task_.y.numpy()
        if self.kind_ == "binary":
            return _threshold(y[val] == 1, scores[val, 1], y[labelled] == 1, scores[:, 1],
                              str(self.classes_[1]))
        return pd.Series([_threshold(y[val, j] == 1, scores[val, j], y[labelled, j] == 1,
                                     scores[:, j], str(c))
                          for j, c in enumerate(self.classes_)], index=self.classes_,
                         name="threshold")

    def _build(self, data: Data, outputs: int, hparams: dict[str, Any] | None = None):
        name = self.settings_["model"]
        hparams = dict(self.settings_["hparams"] or {}) if hparams is None else hparams
        if getattr(data, "sequences", None) is None:
            return build_model(name, data.num_features, outputs, **hparams)
        return build_fusion(name, data.num_features, outputs, encoder=self.sequence_encoder,
                            alphabet=self.alphabet, graph_channels=self.graph_channels,
                            mode=self.fusion, graph_options=hparams,
                            encoder_options=self.sequence_options)

    def _scores(self, data: Data | None) -> tuple[np.ndarray, Data]:
        self._check_fitted()
        graph = self.data_ if data is None else data
        if self.settings_["label_features"] is not None and data is not None \
                and data is not self.data_:
            raise DataFormatError("a classifier with label_features predicts on the graph it "
                                  "was fitted on only (the block holds its training labels)")
        if data is not None:
            check_node_features(data, what="GeneClassifier.predict")
            data = graph = float_features(_by_feature_name(data, self.feature_names_in_,
                                                           "GeneClassifier.predict"))
        if data is not None and data.num_features != self.data_.num_features:
            raise DataFormatError(f"predict: the graph has {data.num_features} feature columns, "
                                  f"the model was fitted on {self.data_.num_features}")
        if self.fitted_.graph_only and data is not None and data is not self.data_:
            raise DataFormatError("label propagation predicts on the graph it was fitted "
                                  "on only")
        scores = self.fitted_.scores(graph)
        if scores.ndim == 1:
            scores = np.stack([1.0 - scores, scores], axis=1)
        return scores, graph

    def predict_proba(self, genes: list[str] | pd.Index | None = None, *,
                      data: Data | None = None) -> Probabilities:
        """Class (or label) probabilities, one row per gene id.

        Args:
            genes: gene ids to return (default: every node); a list, array, ``Index`` or a
                one-column table (scikit-learn's ``X``).
            data: another graph with the same feature columns (inductive use); default the
                fitted graph.

        Returns:
            :class:`~graphgen.estimators.base.Probabilities` (a ``DataFrame``) indexed by gene
            id; columns are ``classes_`` (for binary tasks both classes, as scikit-learn) or
            the label names.

        Raises:
            NotFittedError: before ``fit``.
            IdMappingError: genes that are not nodes (named).
        """
        scores, graph = self._scores(data)
        index = node_index(graph)
        if genes is not None:
            rows = node_positions(graph, item_ids(genes, what="predict"),
                                  what="genes to predict")
            scores, index = scores[rows], index[rows]
        return Probabilities(scores, index=index, columns=self.classes_)

    def predict(self, genes: list[str] | pd.Index | None = None, *,
                data: Data | None = None) -> pd.Series | pd.DataFrame:
        """Predicted class per gene (Series), or 0/1 per label (DataFrame).

        Binary tasks call a gene positive when its probability reaches ``threshold_``, the
        threshold that maximises F1 on the validation genes of ``fit`` (the class-weighted
        loss makes 0.5 call far too many genes positive at low prevalence); multi-label
        tasks use one such threshold per label; multi-class tasks take the most probable
        class.
        """
        return self._called(self.predict_proba(genes, data=data))

    def _called(self, proba: pd.DataFrame) -> pd.Series | pd.DataFrame:
        """:meth:`predict` from probabilities already computed (inference runs once)."""
        if self.kind_ == "multilabel":
            return (proba >= self.threshold_.reindex(proba.columns).to_numpy()).astype(
                np.int64)
        if self.kind_ == "binary":
            positive = proba[self.classes_[1]] >= self.threshold_
            return pd.Series(np.where(positive, self.classes_[1], self.classes_[0]),
                             index=proba.index, name="prediction")
        return proba.idxmax(axis=1).rename("prediction")

    def score(self, labels: Any, y: Any = None, *, metric: str = "auto") -> float:
        """A metric of the predictions against ``labels`` (genes that are nodes).

        Args:
            labels: true labels indexed by gene id (e.g. held-out genes); or, with ``y``,
                the gene ids (scikit-learn's ``score(X, y)``).
            y: the classes of the gene ids ``labels``, in the same order.
            metric: a metric name of the task; ``"auto"``: AUROC (binary), accuracy
                (multi-class), macro AUPRC (multi-label). scikit-learn's ``cross_val_score``
                and ``GridSearchCV`` without ``scoring=`` use it.

        Raises:
            ConfigError: unknown metric.
        """
        self._check_fitted()
        if y is not None:
            labels = item_labels(item_ids(labels, what="score"), y, what="score")
        aligned = align_labels(labels, self.data_.node_ids, for_training=False)
        proba = self.predict_proba(aligned.labels.index)
        if self.kind_ == "multilabel":
            values = multilabel_metrics(aligned.labels[self.classes_].to_numpy(), proba.to_numpy())
            default = "macro_auprc"
        else:
            positions = {c: i for i, c in enumerate(self.classes_)}
            unseen = sorted(plain(c) for c in set(aligned.labels.unique()) - set(positions))
            if unseen:
                raise DataFormatError(f"score: labels {unseen} were not seen in fit")
            y = aligned.labels.map(positions).to_numpy()
            scores = proba.to_numpy()
            values = classification_metrics(y, scores, num_classes=len(self.classes_))
            default = "auroc" if self.kind_ == "binary" else "accuracy"
        name = default if metric == "auto" else metric
        if name not in values:
            raise ConfigError(f"score: metric must be one of {sorted(values)}, got {metric!r}")
        return values[name]

    def top_unlabelled(self, k: int = 20, *, label: Any = None,
                       by: Literal["score", "degree_percentile"] = "score",
                       bins: int = 10) -> pd.DataFrame:
        """The best-scored genes that had no label in ``fit``: the candidates to test next.

        Every row carries the gene's degree (distinct interaction partners) beside its score,
        because hubs tend to top any network-based ranking; ``by="degree_percentile"``
        ranks by the score's percentile among genes of similar degree
        (:func:`~graphgen.evaluation.metrics.degree_percentile`) instead.

        Args:
            k: how many genes (``None``: all unlabelled genes).
            label: the class (or label) whose probability ranks the genes; default the
                positive class of a binary task (required otherwise).
            by: ``"score"`` (default) or ``"degree_percentile"``.
            bins: equal-count degree bins for the percentile.

        Returns:
            ``DataFrame`` indexed by gene id, best first: ``score``, ``degree``,
            ``degree_percentile``, ``prediction`` (the predicted class, or 0/1 for the
            label of a multi-label task).

        Raises:
            NotFittedError: before ``fit``.
            ConfigError: an unknown ``label`` or ``by``, ``k < 1``, ``label`` missing for a
                multi-class or multi-label task.

        Example:
            >>> import graphgen
            >>> org = graphgen.make_organism(n_genes=200, n_samples=5, seed=0)
            >>> data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
            >>> labels = org.labels.iloc[:120]  # the other 80 genes are unlabelled
            >>> clf = GeneClassifier("logreg", trainer=graphgen.TrainerConfig(
            ...     max_epochs=5, progress=False)).fit(data, labels)
            >>> top = clf.top_unlabelled(5)
            >>> top.columns.tolist(), bool(top.index.isin(labels.index).any())
            (['score', 'degree', 'degree_percentile', 'prediction'], False)
        """
        self._check_fitted()
        if by not in ("score", "degree_percentile"):
            raise ConfigError(f"top_unlabelled: by must be 'score' or 'degree_percentile', got "
                              f"{by!r}")
        if k is not None and (not isinstance(k, (int, np.integer)) or k < 1):
            raise ConfigError(f"top_unlabelled: k must be an integer >= 1 (or None), got {k!r}")
        if label is None:
            if self.kind_ != "binary":
                raise ConfigError(f"top_unlabelled: give label= (one of {self.classes_}) for a "
                                  f"{self.kind_} task")
            label = self.classes_[1]
        if label not in self.classes_:
            raise ConfigError(f"top_unlabelled: label {label!r} is not one of {self.classes_}")
        proba = self.predict_proba()
        predicted = self._called(proba)
        degree = node_degree(self.data_).to_numpy()
        table = pd.DataFrame({"score": proba[label].to_numpy(), "degree": degree,
                              "degree_percentile": degree_percentile(
                                  proba[label].to_numpy(), degree, bins=bins),
                              "prediction": (predicted[label] if self.kind_ == "multilabel"
                                             else predicted).to_numpy()},
                             index=proba.index)
        labelled = np.zeros(len(table), dtype=bool)
        labelled[self.task_.train_index.cpu().numpy()] = True
        labelled[self.task_.val_index.cpu().numpy()] = True
        table = table[~labelled]
        keys = ["degree_percentile", "score"] if by == "degree_percentile" else ["score"]
        table = table.sort_values(keys, ascending=False, kind="mergesort")
        return table if k is None else table.head(int(k))

    def plot_curves(self, labels: pd.Series, path: str | os.PathLike | None = None, *,
                    title: str = ""):
        """ROC and precision-recall curves of the predictions on labelled genes.

        Args:
            labels: true 0/1 (the fitted classes) per gene id, e.g. held-out genes; genes
                that are not nodes are left out (as in :meth:`score`).
            path: PNG file to write; ``None`` returns the matplotlib ``Figure`` (a notebook
                shows it).
            title: figure title.

        Raises:
            NotFittedError: before ``fit``.
            ConfigError: a task that is not binary.
            DataFormatError: labels of classes not seen in ``fit``.
        """
        from graphgen.plot.curves import plot_roc_pr

        self._check_fitted()
        if self.kind_ != "binary":
            raise ConfigError(f"plot_curves: ROC and precision-recall curves need a binary "
                              f"task, this one is {self.kind_}")
        aligned = align_labels(labels, self.data_.node_ids, for_training=False).labels
        unseen = sorted(plain(c) for c in set(aligned.unique()) - set(self.classes_))
        if unseen:
            raise DataFormatError(f"plot_curves: labels {unseen} were not seen in fit")
        proba = self.predict_proba(aligned.index)[self.classes_[1]]
        positive = (aligned == self.classes_[1]).to_numpy().astype(int)
        return plot_roc_pr(positive, {self.settings_["model"]: proba.to_numpy()}, path,
                           title=title)

    def annotate_networkx(self, graph: nx.Graph | None = None, *,
                          prefix: str = "score_") -> nx.Graph:
        """A networkx graph whose nodes carry the predictions and the training labels.

        Node attributes: ``prefix + str(class)`` (the probability of each class or label),
        ``prediction`` (the predicted class; ``prediction_<label>`` 0/1 for multi-label
        tasks), ``degree`` (distinct partners in the fitted graph) and ``training_label``
        (the label the gene had in ``fit``; absent for unlabelled genes).

        Args:
            graph: graph whose nodes are gene ids (default: the fitted graph, converted); it
                is copied, not changed. Nodes that are not genes of the model get no
                attribute.
            prefix: attribute name prefix of the probabilities.

        Example:
            >>> import graphgen
            >>> org = graphgen.make_organism(n_genes=200, n_samples=5, seed=0)
            >>> data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
            >>> from graphgen import TrainerConfig
            >>> trainer = TrainerConfig(max_epochs=5, progress=False)
            >>> clf = GeneClassifier("mlp", trainer=trainer).fit(data, org.labels)
            >>> G = clf.annotate_networkx()
            >>> sorted(G.nodes["G000"])
            ['degree', 'prediction', 'score_0', 'score_1', 'training_label']
        """
        from graphgen.graph.convert import to_networkx

        self._check_fitted()
        proba = self.predict_proba()
        predicted = self._called(proba)
        G = to_networkx(self.data_) if graph is None else graph.copy()
        columns = {f"{prefix}{c}": proba[c].astype(float) for c in proba.columns}
        if isinstance(predicted, pd.DataFrame):
            columns.update({f"prediction_{c}": predicted[c].astype(int)
                            for c in predicted.columns})
        else:
            columns["prediction"] = predicted.map(plain)
        columns["degree"] = node_degree(self.data_)
        columns["training_label"] = self._training_labels()
        for name, values in columns.items():
            lookup = values.to_dict()
            attrs = {node: plain(lookup[str(node)]) for node in G.nodes
                     if str(node) in lookup}
            nx.set_node_attributes(G, attrs, name)
        return G

    def _training_labels(self) -> pd.Series:
        """The label of every gene labelled in ``fit`` (``|``-joined labels if multi-label)."""
        index = node_index(self.data_)
        positions = np.concatenate([self.task_.train_index.cpu().numpy(),
                                    self.task_.val_index.cpu().numpy()])
        y = self.task_.y.cpu().numpy()[positions]
        if self.kind_ == "multilabel":
            values = ["|".join(str(c) for c, v in zip(self.classes_, row) if v > 0)
                      for row in y]
        else:
            values = [plain(self.classes_[int(v)]) for v in y]
        return pd.Series(values, index=index[positions], dtype=object)

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: str | os.PathLike, *, include_graph: bool = True) -> Path:
        """Write the fitted classifier to one file, atomically.

        The file holds the weights, the settings, the classes, the decision thresholds, the
        labels and split of ``fit`` (one small vector) and, with ``include_graph``, the graph
        (``x``, stored sparse when mostly zeros as GO blocks are, edges, sequences), so
        :meth:`load` needs nothing else. ``include_graph=False`` writes a light file
        (weights and settings only: kilobytes instead of the feature matrix); loading it
        then needs the same graph, ``GeneClassifier.load(path, data=graph)``. Tensors,
        numbers and strings only, so :meth:`load` reads it with
        ``torch.load(weights_only=True)``: loading a file cannot run code.

        Raises:
            NotFittedError: before ``fit``.
            OutputError: ``path`` is a folder or cannot be written.
        """
        self._check_fitted()
        data = self.data_
        if Path(path).is_dir():  # before the graph is gathered
            raise OutputError(f"GeneClassifier.save: {path} is a folder; give a file name "
                              "such as clf.pt")
        graph = None
        if include_graph:
            x = data.x
            sparse = x.numel() > 0 and float((x != 0).float().mean()) < 0.25
            graph = {"x": x.to_sparse() if sparse else x, "edge_index": data.edge_index,
                     "edge_weight": getattr(data, "edge_weight", None),
                     "sequence_codes": getattr(getattr(data, "sequences", None), "codes",
                                               None),
                     "sequence_lengths": getattr(getattr(data, "sequences", None), "lengths",
                                                 None),
                     "has_sequence": getattr(data, "has_sequence", None)}
        threshold = self.threshold_
        payload = {
            "format": _FORMAT,
            "params": params_payload(self, sequences=None, graph=None),
            "settings": {"model": self.settings_["model"],
                         "hparams": dict(self.settings_["hparams"] or {}),
                         "label_features": (None if self.settings_["label_features"] is None
                                            else asdict(self.settings_["label_features"]))},
            "selection": selection_payload(self.selection_),
            "kind": self.kind_,
            "classes": [plain(c) for c in self.classes_],
            "threshold": (threshold.tolist() if isinstance(threshold, pd.Series)
                          else threshold),
            "state_dict": (self.model_.state_dict() if hasattr(self.model_, "state_dict")
                           else {}),
            "node_ids": list(data.node_ids),
            "feature_names": list(self.feature_names_in_),
            "num_features": int(data.num_features),
            "edges_sha256": _edges_sha256(data),
            "fitted_hparams": dict(self.hparams_),
            "graph": graph,
            "task": {"y": self.task_.y, "train_index": self.task_.train_index,
                     "val_index": self.task_.val_index},
            "labels_not_in_graph": [str(g) for g in self.labels_not_in_graph_],
        }
        return write_payload(path, payload, what="GeneClassifier.save")

    @classmethod
    def load(cls, path: str | os.PathLike, *, data: Data | None = None) -> GeneClassifier:
        """Read a classifier written by :meth:`save` (safe ``weights_only`` loading).

        Args:
            path: the file.
            data: the graph the classifier was fitted on: required for a light file
                (``save(include_graph=False)``); its gene ids and feature columns must be
                those of the fit.

        Raises:
            DataFormatError: not a graphgen classifier file, a damaged one (tensors whose
                shapes do not fit the model), or ``data`` that is not the fitted graph.
        """
        return read_estimator(path, format=_FORMAT, name="GeneClassifier",
                              build=lambda payload: cls._from_payload(payload, data, path))

    @classmethod
    def _from_payload(cls, payload: dict, data: Data | None, path) -> GeneClassifier:
        params = dict(payload["params"])
        if params.get("trainer") is not None:
            params["trainer"] = TrainerConfig(**params["trainer"])
        if params.get("label_features") is not None:
            params["label_features"] = LabelFeatures(**params["label_features"])
        clf = cls(**params)
        settings = payload.get("settings") or {"model": str(params.get("model")).lower(),
                                               "hparams": params.get("hparams"),
                                               "label_features": payload["params"].get(
                                                   "label_features")}
        clf.settings_ = {"model": settings["model"], "hparams": settings["hparams"] or None,
                         "label_features": (None if settings["label_features"] is None
                                            else LabelFeatures(**settings["label_features"]))}
        clf.selection_ = selection_from_payload(payload.get("selection"))
        node_ids, names = payload["node_ids"], payload["feature_names"]
        g = payload["graph"]
        if g is None and data is None:
            raise DataFormatError(f"{path}: a light GeneClassifier file (saved without the "
                                  "graph); pass the graph it was fitted on: "
                                  "GeneClassifier.load(path, data=graph)")
        if data is None:
            x = g["x"].to_dense() if g["x"].is_sparse else g["x"]
            data = Data(x=x, edge_index=g["edge_index"], num_nodes=len(node_ids),
                        node_ids=node_ids, feature_names=names)
            if g["edge_weight"] is not None:
                data.edge_weight = g["edge_weight"]
            if g.get("sequence_codes") is not None:
                data.sequences = SequenceBatch(g["sequence_codes"], g["sequence_lengths"],
                                               payload["params"]["alphabet"])
                data.has_sequence = g["has_sequence"]
        else:
            check_node_features(data, what="GeneClassifier.load")
            if [str(i) for i in data.node_ids] != node_ids:
                raise DataFormatError(f"{path}: the graph given has other genes (or another "
                                      "node order) than the graph the classifier was fitted on")
            data = _by_feature_name(data, names, str(path))
            if data.num_features != payload["num_features"]:
                raise DataFormatError(f"{path}: the graph given has {data.num_features} "
                                      f"feature columns, the classifier {payload['num_features']}")
            stored = payload.get("edges_sha256")
            if stored is not None and stored != _edges_sha256(data):
                raise DataFormatError(f"{path}: the graph given has other interactions (edges "
                                      "or edge weights) than the graph the classifier was "
                                      "fitted on; a light file needs that same graph")
        if data.x.shape != (len(node_ids), payload["num_features"]):
            raise DataFormatError(f"{path}: stored features have shape {tuple(data.x.shape)}, "
                                  f"expected ({len(node_ids)}, {payload['num_features']})")
        classes = payload["classes"]
        task_data = payload["task"]
        labels = _labels_from_task(payload["kind"], classes, task_data, node_ids)
        split = Split(train=pd.Index([node_ids[i] for i in task_data["train_index"]]),
                      val=pd.Index([node_ids[i] for i in task_data["val_index"]]),
                      test=pd.Index([], dtype=object))
        task = make_task(data, labels, split)
        fitted_hparams = payload.get("fitted_hparams")
        model = clf._build(data, task.num_outputs, fitted_hparams)
        if payload["state_dict"]:
            model.load_state_dict(payload["state_dict"])
        if getattr(model, "graph_only", False):
            model.fit(data, task)  # its fit is the propagation of the stored training labels
        clf.model_, clf.task_, clf.data_ = model, task, data
        clf.fitted_ = FittedModel(model=model, task=task, fit=None, seconds=0.0)
        clf.hparams_ = dict(fitted_hparams or clf.settings_["hparams"] or {})
        clf.search_ = None
        clf.kind_, clf.classes_ = payload["kind"], np.asarray(classes)
        threshold = payload.get("threshold")
        clf.threshold_ = (pd.Series(threshold, index=classes, name="threshold")
                          if isinstance(threshold, list) else threshold)
        clf.fit_result_ = None
        clf.labels_not_in_graph_ = pd.Index(payload["labels_not_in_graph"])
        clf.feature_names_in_ = names
        return clf


def _edges_sha256(data: Data) -> str:
    """A fingerprint of the graph's interactions: edges and their weights."""
    digest = hashlib.sha256(data.edge_index.cpu().contiguous().numpy().astype(np.int64)
                            .tobytes())
    weight = getattr(data, "edge_weight", None)
    digest.update(b"none" if weight is None else
                  weight.cpu().contiguous().numpy().astype(np.float32).tobytes())
    return digest.hexdigest()


def _by_feature_name(data: Data, names: list[str], what: str) -> Data:
    """``data`` with its feature columns in the fitted order, matched by name.

    "The same features" means the same feature names: a graph whose columns are the fitted
    ones in another order is reordered; one with other names is refused. A graph without
    ``feature_names`` is taken in column order (its width is still checked).

    Raises:
        DataFormatError: feature names missing from or foreign to the fitted ones (named).
    """
    given = getattr(data, "feature_names", None)
    if given is None:
        return data
    given = [str(n) for n in given]
    if given == list(names):
        return data
    position = {n: i for i, n in enumerate(given)}
    missing = [n for n in names if n not in position]
    extra = [n for n in given if n not in set(names)]
    if missing or extra or len(position) != len(given):
        raise DataFormatError(f"{what}: the graph's feature columns are not the fitted ones "
                              f"(missing {missing[:5]}, not fitted {extra[:5]}); build its "
                              "features as for fit")
    out = copy.copy(data)
    out.x = data.x[:, [position[n] for n in names]]
    out.feature_names = list(names)
    return out


#: Validation positives below which the F1-optimal cut is noise (see :func:`_threshold`).
MIN_VALIDATION_POSITIVES = 3


def _threshold(val_positive: np.ndarray, val_scores: np.ndarray, labelled_positive: np.ndarray,
               all_scores: np.ndarray, name: str) -> float:
    """The F1-optimal threshold on the validation genes; with fewer than
    :data:`MIN_VALIDATION_POSITIVES` positives among them (the cut would follow one or two
    genes: 3 positives in 2,000 genes once called 1,715 positive), the threshold that calls
    positive the share of all genes that the labelled genes' prevalence predicts."""
    if int(val_positive.sum()) >= MIN_VALIDATION_POSITIVES:
        return best_f1_threshold(val_positive, val_scores)
    prevalence = float(labelled_positive.mean()) if len(labelled_positive) else 0.0
    called = max(1, int(round(prevalence * len(all_scores))))
    cut = float(np.sort(all_scores)[::-1][min(called, len(all_scores)) - 1])
    log.warning("GeneClassifier: %d validation positive(s) of %r are too few to choose a "
                "threshold by F1; calling positive the %d genes the prevalence (%.4f) predicts",
                int(val_positive.sum()), name, called, prevalence)
    return cut


def best_f1_threshold(positive: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold that maximises F1 of ``scores >= threshold`` against ``positive``.

    Ties are broken towards the higher threshold; the threshold is the midpoint between the
    lowest score called positive and the next lower score. 0.5 when there is no positive.

    Example:
        >>> best_f1_threshold(np.array([1, 1, 0, 0, 0]), np.array([0.9, 0.6, 0.55, 0.2, 0.1]))
        0.575
    """
    positive = np.asarray(positive, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if not positive.any() or len(scores) == 0:
        return 0.5
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], positive[order]
    last = np.r_[s[1:] != s[:-1], True]  # cut only between distinct scores
    tp = np.cumsum(y)[last]
    called = np.arange(1, len(s) + 1)[last]
    f1 = 2 * tp / (called + positive.sum())
    best = int(np.argmax(f1))
    cut = s[last][best]
    below = s[s < cut]
    return float((cut + below.max()) / 2) if len(below) else float(cut)


def _labels_from_task(kind: str, classes: list, task: dict, node_ids: list[str]):
    y = task["y"].numpy()
    if kind == "multilabel":
        known = np.zeros(len(node_ids), dtype=bool)
        known[task["train_index"].numpy()] = True
        known[task["val_index"].numpy()] = True
        frame = pd.DataFrame(y, index=node_ids, columns=classes)
        return frame[known]
    known = y >= 0
    values = np.asarray(classes, dtype=object)[y[known]]
    series = pd.Series(values, index=np.asarray(node_ids, dtype=object)[known])
    numeric = pd.to_numeric(series, errors="coerce")
    return numeric if numeric.notna().all() else series
