"""``SubtypeClassifier``: classify samples (tumour subtypes) from one or more omics."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import torch
from sklearn.base import ClassifierMixin, clone
from torch_geometric.data import Data

from graphgen.estimators.base import GraphgenEstimator, Probabilities, item_labels
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
from graphgen.evaluation.confounding import ConfoundingWarning, confounding_table
from graphgen.evaluation.metrics import classification_metrics
from graphgen.evaluation.splits import Split, check_groups, kfold_splits, train_val_split
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.coexpression import coexpression_graph
from graphgen.models.mlp import MLP
from graphgen.models.multiomics_gcn import MultiOmicsGCN
from graphgen.models.sample_graph import SampleGraphNet
from graphgen.scalars import check_count, plain
from graphgen.subtyping.combat import ComBat
from graphgen.subtyping.heads import HEADS, block_weights, fit_forest, fit_logistic
from graphgen.subtyping.omics import AlignedOmics, OmicsScaler, align_omics, as_omics
from graphgen.subtyping.views import (
    ProfilePropagation,
    expression_graph_view,
    feature_view,
    patient_graph_view,
)
from graphgen.train.fitting import FittedModel, fit_model
from graphgen.train.seeding import seed_everything
from graphgen.train.tasks import NodeClassificationTask, SampleGraphTask
from graphgen.train.trainer import Trainer, TrainerConfig

__all__ = ["SUBTYPE_BUDGET", "SUBTYPE_CANDIDATES", "SUBTYPE_TRAINER", "SubtypeClassifier"]

#: The trainer settings of ``SubtypeClassifier(trainer=None)``.
SUBTYPE_TRAINER = TrainerConfig(max_epochs=200, patience=30, lr=0.005, weight_decay=5e-4,
                                monitor="loss", batch_size=64)

log = logging.getLogger(__name__)
View = Literal["auto", "expression-graph", "patient-graph", "propagation", "features"]
_VIEWS = ("auto", "expression-graph", "patient-graph", "propagation", "features")

#: The named candidates of ``view="auto"`` (name -> parameters), cheapest first.
SUBTYPE_CANDIDATES: dict[str, dict] = {
    "logreg": {"view": "features", "head": "logreg"},
    "random_forest": {"view": "features", "head": "random_forest"},
    "mlp": {"view": "features", "head": "mlp"},
    "propagation": {"view": "propagation", "head": "logreg"},
    "patient-graph": {"view": "patient-graph"},
    "expression-graph": {"view": "expression-graph"},
}
#: Seconds ``view="auto"`` may spend choosing (the first candidate always finishes).
SUBTYPE_BUDGET = 600.0
_METRICS = ("macro_f1", "accuracy", "auroc", "auprc")
_FORMAT = "graphgen.SubtypeClassifier/1"
#: The start of the warning a fixed view gives for a batch size it cannot use (``view="auto"``
#: offers every view one trainer, so its candidates do not give it).
_BATCH_SIZE_UNUSED = "SubtypeClassifier: trainer batch_size"
#: The parameters a fitted view depends on (``settings_``; the chosen candidate's with
#: ``view="auto"``).
_SETTINGS = ("view", "head", "C", "conv", "pooling", "heads", "fusion", "k", "coexpression_k",
             "restart", "latent", "hidden_channels", "num_layers", "dropout", "val_size",
             "batch_correction")


class SubtypeClassifier(ClassifierMixin, GraphgenEstimator):
    """Classify samples from omics tables: the best of strong baselines and graph views,
    chosen on the user's own training samples.

    ``SubtypeClassifier()`` (``view="auto"``) scores a small, fixed list of candidates
    (:data:`SUBTYPE_CANDIDATES`, cheapest first: class-balanced logistic regression and a
    random forest on the standardised omics, the MLP, then the graph views the inputs allow)
    on ``inner_folds`` stratified inner folds of the training samples (grouped when
    ``groups`` are given), by ``selection_metric``, and refits the best on all of them
    (:mod:`graphgen.estimators.selection`; ``selection_`` holds the table). No sample
    outside ``fit``'s data is read. ``budget`` bounds the seconds spent choosing.

    Views (``view=`` fixes one):

    * ``"expression-graph"``: each sample is a graph over a gene ``network`` (a PPI, a GRN,
      or ``"coexpression"``: a kNN co-expression graph built from the *training* samples);
      node features are the sample's values for each omics whose columns are gene ids. GCN or
      GAT layers over the shared topology, a gene pooling and a head
      (:class:`~graphgen.models.sample_graph.SampleGraphNet`).
    * ``"patient-graph"`` (MOGONET-like): samples are nodes; one cosine kNN graph per omics in
      which only training samples send edges (no test leakage); a GCN per omics and a
      cross-omics fusion (:class:`~graphgen.models.multiomics_gcn.MultiOmicsGCN`).
    * ``"propagation"``: each patient's profile smoothed over the whole gene ``network``,
      unmeasured genes as latent nodes (:class:`~graphgen.subtyping.views.ProfilePropagation`,
      network propagation as in network-based stratification), standardised again with the
      training samples, then the ``head``.
    * ``"features"``: the concatenated omics, no graph, then the ``head``: class-balanced
      logistic regression over equally weighted omics (``"logreg"``,
      :mod:`graphgen.subtyping.heads`), a random forest or an MLP.

    Every omics is standardised with the training samples' mean and sd. The trained views
    (graph views, the MLP head) hold out ``val_size`` of the samples (stratified; by whole
    groups when ``groups`` are given) to choose the epoch; the scikit-learn heads fit on all
    training samples.

    Groups and batches: ``fit(..., groups=)`` (patient, site or batch of each sample) keeps
    every group on one side of the validation hold-out and of the inner folds;
    ``fit(..., batch=)`` is the processing
    batch that ``batch_correction="combat"`` corrects with
    :class:`~graphgen.subtyping.combat.ComBat` fitted on the training samples only (it then
    needs ``batch`` in ``predict_proba`` too). Either is checked for confounding before
    training (:func:`~graphgen.evaluation.confounding.confounding_table` warns when it alone
    predicts the label).

    Args:
        view: ``"auto"`` (default: choose on inner folds, see above),
            ``"expression-graph"``, ``"patient-graph"``, ``"propagation"`` or
            ``"features"``. The graph views need a ``network`` (or ``"coexpression"``).
        network: gene graph (``Data`` with ``node_ids``), or ``"coexpression"``
            (expression-graph view only). With ``view="auto"`` a ``Data`` network adds the
            propagation and expression-graph candidates, ``"coexpression"`` the
            expression-graph one.
        head: the features and propagation views' classifier: ``"logreg"`` (default: the
            best head on validation samples of BRCA PAM50 and ROSMAP,
            ``benchmarks/auto_defaults.py``), ``"random_forest"`` (500 trees) or ``"mlp"``.
        C: inverse L2 strength of the logistic-regression head (default 10 over equally
            weighted omics: the best of 1, 10 and 100 on inner folds of BRCA's training
            patients, ``docs/subtyping.md``).
        conv, pooling, heads: expression-graph layers (``gcn``/``gat``), readout and GAT
            heads. ``pooling``: ``flatten`` (default: keeps gene identity for the head; the
            best readout on validation samples of BRCA PAM50 and ROSMAP, mean macro-F1 0.669
            against 0.526 with ``mean``, ``benchmarks/subtype_default.py``), or ``mean``,
            ``max``, ``attention`` (the shared graph layers then forget which gene is which).
        fusion: patient-graph fusion (``vcdn``/``concat``/``attention``).
        k: neighbours per sample in the patient graphs.
        coexpression_k: neighbours per gene in a co-expression network.
        restart: restart probability of the propagation view's walk (1: no smoothing).
        latent: unmeasured network genes the propagation view keeps per omics (those the
            measured genes reach most).
        hidden_channels, num_layers, dropout: model size of the trained views.
        trainer: every training setting in one :class:`~graphgen.train.TrainerConfig`
            (``seed`` also seeds the validation hold-out and the inner folds;
            ``batch_size`` applies to the expression-graph view, the other views train
            full-batch and warn when given another batch size than
            :data:`SUBTYPE_TRAINER`'s); ``None`` takes :data:`SUBTYPE_TRAINER`
            (200 epochs, patience 30, lr 0.005, the validation loss as monitor: the
            validation sets of small cohorts are too small for a stable AUROC, batches of
            64 samples).
        val_size: share of training samples for early stopping.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"``; ``None`` (default) keeps
            the trainer's.
        batch_correction: ``None`` (default: no correction; the confounding check and a
            group-aware evaluation show whether one is needed) or ``"combat"`` (ComBat per
            omics, fitted on the training samples with ``batch``; refused when a training
            batch holds a single class).
        candidates: ``view="auto"``'s candidates: names of :data:`SUBTYPE_CANDIDATES`,
            :class:`~graphgen.estimators.selection.Candidate` objects, or name ->
            parameters; ``None`` (default) takes every named candidate the inputs allow.
        budget: seconds ``view="auto"`` may spend choosing (default
            :data:`SUBTYPE_BUDGET`, 600; ``None``: no limit); the first candidate always
            finishes.
        inner_folds: inner folds of ``view="auto"`` (default 3).
        selection_metric: ``"macro_f1"`` (default), ``"accuracy"``, ``"auroc"`` or
            ``"auprc"``.

    Attributes:
        classes_, model_, scaler_, fit_result_ (``None`` for the scikit-learn heads),
        samples_dropped_ (sample -> reason), view_ and head_ (what was fitted),
        genes_ (expression-graph genes), train_samples_, confounding_ (confounding table
        of the groups and batch, or ``None``), combat_ (omics -> fitted ComBat, or ``None``),
        selection_ (:class:`~graphgen.estimators.selection.Selection` of ``view="auto"``,
        else ``None``), n_features_in_ (features over all omics), settings_ (the
        parameters of the fitted view: the chosen candidate's with ``view="auto"``).

    scikit-learn's model selection (``cross_val_score``, ``GridSearchCV``, ``Pipeline``)
    splits samples: ``X`` is one samples x genes table (or one with two column levels,
    omics and feature, for several omics; or the array a ``Pipeline`` step hands on) and
    ``y`` the classes of its rows; ``predict_proba`` returns a
    :class:`~graphgen.estimators.base.Probabilities` frame indexed by sample id.

    Example:
        >>> import graphgen
        >>> org = graphgen.make_organism(n_genes=200, n_samples=60, seed=0)
        >>> from graphgen import TrainerConfig
        >>> clf = SubtypeClassifier("expression-graph", network=org.ppi,
        ...                         trainer=TrainerConfig(max_epochs=5, progress=False))
        >>> clf = clf.fit({"rna": org.expression}, org.samples["subtype"])
        >>> clf.predict_proba({"rna": org.expression.iloc[:3]}).shape
        (3, 4)
    """

    def __init__(
        self,
        view: View = "auto",
        *,
        network: Data | str | None = None,
        head: str = "logreg",
        C: float = 10.0,  # noqa: N803 - scikit-learn's name
        conv: str = "gcn",
        pooling: str = "flatten",
        heads: int = 2,
        fusion: str = "vcdn",
        k: int = 10,
        coexpression_k: int = 10,
        restart: float = 0.5,
        latent: int = 0,
        hidden_channels: int = 32,
        num_layers: int = 2,
        dropout: float = 0.3,
        trainer: TrainerConfig | None = None,
        val_size: float = 0.2,
        device: str | None = None,
        batch_correction: Literal["combat"] | None = None,
        candidates: Sequence[str | Candidate] | Mapping[str, Mapping] | None = None,
        budget: float | None = SUBTYPE_BUDGET,
        inner_folds: int = 3,
        selection_metric: str = "macro_f1",
    ) -> None:
        self.view = view
        self.network = network
        self.head = head
        self.C = C
        self.conv = conv
        self.pooling = pooling
        self.heads = heads
        self.fusion = fusion
        self.k = k
        self.coexpression_k = coexpression_k
        self.restart = restart
        self.latent = latent
        self.hidden_channels = hidden_channels
        self.num_layers = num_layers
        self.dropout = dropout
        self.trainer = trainer
        self.val_size = val_size
        self.device = device
        self.batch_correction = batch_correction
        self.candidates = candidates
        self.budget = budget
        self.inner_folds = inner_folds
        self.selection_metric = selection_metric

    def _trainer_config(self, view: str) -> TrainerConfig:
        config = SUBTYPE_TRAINER if self.trainer is None else self.trainer
        if not isinstance(config, TrainerConfig):
            raise ConfigError(f"SubtypeClassifier: trainer must be a graphgen.TrainerConfig, "
                              f"got {type(config).__name__}")
        if view != "expression-graph" and config.batch_size is not None:
            config = replace(config, batch_size=None)  # patient graphs train full-batch
        return config if self.device is None else replace(config, device=self.device)

    def fit(self, omics: Mapping[str, pd.DataFrame], labels: pd.Series,
            groups: pd.Series | None = None, batch: pd.Series | None = None
            ) -> SubtypeClassifier:
        """Train on the labelled samples shared by every omics table.

        Args:
            omics: name -> samples x features table (sample ids as index), or one table
                (then named ``"omics"``), or one table with two column levels (omics,
                feature), or a 2-D array (see :func:`~graphgen.subtyping.omics.as_omics`).
                For the expression-graph view, the columns of at least one table are gene
                ids.
            labels: class per sample id (a Series; samples without one are left out); with
                one table, also an array or list in the order of its rows (scikit-learn's
                ``y``).
            groups: group per sample id (patient, site, batch): the validation hold-out and
                the inner folds keep groups apart
                (:func:`~graphgen.evaluation.splits.check_groups`).
            batch: processing batch per sample id, corrected by ``batch_correction``.

        Raises:
            ConfigError: unknown view, head, candidate or option, a missing network, ComBat
                without groups, a budget that is not a positive number.
            DataFormatError: samples or genes that do not match (the message names them), a
                single class, NaN values, bad groups, too few samples of a class for the
                inner folds.
            ConfoundedDesignError: ComBat asked for where a training batch holds one class.
        """
        self._check_options()
        if (self.trainer is not None and getattr(self.trainer, "batch_size", None)
                not in (None, SUBTYPE_TRAINER.batch_size)
                and self.view in ("features", "patient-graph", "propagation")):
            warnings.warn(f"SubtypeClassifier: trainer batch_size={self.trainer.batch_size} "
                          f"applies to the expression-graph view only; the {self.view} view "
                          "trains on all its samples at once", UserWarning, stacklevel=2)
        labels = _sample_labels(omics, labels)
        if self.batch_correction is not None and batch is None:
            raise ConfigError("SubtypeClassifier: batch_correction='combat' needs batch= (the "
                              "processing batch of each sample) in fit and in predict_proba")
        aligned = align_omics(omics, labels)
        y = aligned.labels
        checked = {name: check_groups(value, y.index, what=f"SubtypeClassifier.fit: {name}")
                   for name, value in (("groups", groups), ("batch", batch))
                   if value is not None}
        self._fit_inputs = (aligned, y, checked)  # what save() stores to rebuild the views
        seed = self._trainer_config("features").seed
        confounding = confounding_table(pd.DataFrame(checked), y, seed=seed) \
            if checked else None
        if self.view == "auto":
            self._fit_auto(aligned.omics, y, checked)
        else:
            self._fit_view(aligned, y, checked)
            self.selection_ = None
        self.confounding_ = confounding
        return self

    def _check_options(self) -> None:
        if self.view not in _VIEWS:
            raise ConfigError(f"SubtypeClassifier: view must be one of {list(_VIEWS)}, got "
                              f"{self.view!r}")
        if self.head not in HEADS:
            raise ConfigError(f"SubtypeClassifier: head must be one of {list(HEADS)}, got "
                              f"{self.head!r}")
        if self.view == "expression-graph" and self.network is None:
            raise ConfigError("SubtypeClassifier: the expression-graph view needs a network "
                              "(a gene graph, or 'coexpression')")
        if self.view == "propagation" and not isinstance(self.network, Data):
            raise ConfigError("SubtypeClassifier: the propagation view needs a gene network "
                              "(a Data graph with node_ids)")
        if self.batch_correction not in (None, "combat"):
            raise ConfigError(f"SubtypeClassifier: batch_correction must be None or 'combat', "
                              f"got {self.batch_correction!r}")
        if self.selection_metric not in _METRICS:
            raise ConfigError(f"SubtypeClassifier: selection_metric must be one of "
                              f"{list(_METRICS)}, got {self.selection_metric!r}")
        if self.view == "auto":
            check_budget(self.budget, "SubtypeClassifier")
            check_count(self.inner_folds, "inner_folds", "SubtypeClassifier", minimum=2)

    def _candidate_list(self) -> list[Candidate]:
        """``view="auto"``'s candidates: those given, or every named one the inputs allow."""
        default = [name for name, params in SUBTYPE_CANDIDATES.items()
                   if params["view"] in ("features", "patient-graph")
                   or (params["view"] == "propagation" and isinstance(self.network, Data))
                   or (params["view"] == "expression-graph" and self.network is not None)]
        return resolve_candidates(self.candidates, SUBTYPE_CANDIDATES, default,
                                  what="SubtypeClassifier(view='auto')", choice="view")

    def _fit_auto(self, omics: dict[str, pd.DataFrame], y: pd.Series, checked: dict) -> None:
        """Choose a candidate on inner folds of these samples, then refit it on all."""
        candidates = self._candidate_list()
        config = self._trainer_config("features")
        groups, batch = checked.get("groups"), checked.get("batch")
        folds = kfold_splits(y, k=self.inner_folds, seed=config.seed, groups=groups)
        classes = sorted(y.unique().tolist())
        position = {c: i for i, c in enumerate(classes)}
        quiet = replace(config, progress=False)

        def part(values: pd.Series | None, ids: pd.Index) -> pd.Series | None:
            return None if values is None else values.loc[ids]

        def score(candidate: Candidate, fold) -> float:
            train, val = fold.train.append(fold.val), fold.test
            clf = self._candidate(candidate, trainer=quiet)
            with warnings.catch_warnings():  # the confounding is reported once, by fit
                warnings.simplefilter("ignore", ConfoundingWarning)
                warnings.filterwarnings("ignore", message=_BATCH_SIZE_UNUSED)
                clf.fit({n: t.loc[train] for n, t in omics.items()}, y.loc[train],
                        part(groups, train), part(batch, train))
            proba = clf.predict_proba({n: t.loc[val] for n, t in omics.items()},
                                      part(batch, val))
            proba = proba.reindex(columns=classes, fill_value=0.0).to_numpy()
            truth = y.loc[val].map(position).to_numpy()
            values = classification_metrics(truth, proba[:, 1] if len(classes) == 2 else proba,
                                            num_classes=len(classes),
                                            which=(self.selection_metric,))
            return values[self.selection_metric]

        selection = select(candidates, folds, score, metric=self.selection_metric,
                           budget=check_budget(self.budget, "SubtypeClassifier"),
                           what="SubtypeClassifier(view='auto')")
        best = self._candidate(selection.chosen, trainer=self.trainer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConfoundingWarning)
            warnings.filterwarnings("ignore", message=_BATCH_SIZE_UNUSED)
            best.fit(omics, y, groups, batch)
        self._adopt(best, selection)

    def _candidate(self, candidate: Candidate, *, trainer: TrainerConfig | None
                   ) -> SubtypeClassifier:
        """A fixed-view copy of this classifier with the candidate's parameters."""
        clf = clone(self)
        return clf.set_params(**{"view": "features", "candidates": None, "trainer": trainer,
                                 **candidate.params})

    def _fit_view(self, aligned, y: pd.Series, checked: dict,
                  weights: list[dict] | None = None) -> None:
        """Fit the one view (and head) set on the classifier; with ``weights`` (from a saved
        file) every step but the network's training is redone and the networks take the
        weights."""
        view, head = self.view, self.head
        self.settings_ = {name: getattr(self, name) for name in _SETTINGS}
        config = self._trainer_config(view)
        batch = checked.get("batch")
        sklearn_head = view in ("features", "propagation") and head != "mlp"
        if sklearn_head:  # no early stopping: every training sample trains
            split = Split(train=y.index, val=pd.Index([], dtype=object),
                          test=pd.Index([], dtype=object))
        else:
            split = train_val_split(y, val_size=self.val_size, seed=config.seed,
                                    groups=checked.get("groups"))
        train = y.index.isin(split.train)
        values = aligned.omics
        self.view_, self.head_ = view, head if view in ("features", "propagation") else None
        self.combat_ = None
        if self.batch_correction == "combat":
            self.combat_ = {n: ComBat().fit(t[train], batch[train], y[train])
                            for n, t in values.items()}
            values = {n: self.combat_[n].transform(t, batch) for n, t in values.items()}
        self.scaler_ = OmicsScaler().fit({n: t[train] for n, t in values.items()})
        scaled = self.scaler_.transform(values)
        self.classes_ = np.asarray(sorted(y.unique().tolist()))
        self.train_samples_ = list(split.train)
        self.samples_dropped_ = aligned.dropped
        self.omics_names_ = list(aligned.omics)
        self.n_features_in_ = int(sum(t.shape[1] for t in aligned.omics.values()))
        seed_everything(config.seed)
        if view == "expression-graph":
            network = self.network
            if isinstance(network, str):
                if network != "coexpression":
                    raise ConfigError(f"SubtypeClassifier: network must be a Data graph or "
                                      f"'coexpression', got {network!r}")
                first = next(iter(scaled.values()))
                network = coexpression_graph(first[train], k=self.coexpression_k)
            self.network_ = network
            data = expression_graph_view(scaled, network)
            self.genes_ = data.gene_ids
            task = SampleGraphTask.from_labels(data, y, split)

            def build():
                return SampleGraphNet(data.num_features, task.num_outputs, conv=self.conv,
                                      hidden_channels=self.hidden_channels,
                                      num_layers=self.num_layers, heads=self.heads,
                                      pooling=self.pooling, dropout=self.dropout,
                                      num_genes=data.num_genes)
        else:
            if view == "patient-graph":
                data = patient_graph_view(scaled, train, k=self.k)
                channels = {n: t.shape[1] for n, t in scaled.items()}

                def build():
                    return MultiOmicsGCN(channels, len(self.classes_),
                                         hidden_channels=self.hidden_channels,
                                         num_layers=self.num_layers, fusion=self.fusion,
                                         dropout=self.dropout)
            else:
                if view == "propagation":
                    scaled = self._propagate(scaled, train)
                data = feature_view(scaled)
                if sklearn_head:
                    self._fit_sklearn_head(scaled, y, seed=config.seed)
                    return

                def build():
                    return MLP(data.num_features, len(self.classes_),
                               hidden_channels=self.hidden_channels,
                               num_layers=self.num_layers, dropout=self.dropout)
            task = NodeClassificationTask.from_labels(data, y, split)
            self.train_omics_ = {n: t[train] for n, t in scaled.items()}
        if weights is None:
            fitted = fit_model(build(), data, task, trainer=config, description=view,
                               build=build)
        else:
            members = [build() for _ in weights]
            for member, state in zip(members, weights):
                member.load_state_dict(state)
            fitted = FittedModel(model=members[0], task=task, fit=None, seconds=0.0,
                                 members=members)
        self.fit_result_ = fitted.fit
        self.fitted_ = fitted
        self.model_ = fitted.model
        self.task_ = task

    def _fit_sklearn_head(self, scaled: dict[str, pd.DataFrame], y: pd.Series, *,
                          seed: int) -> None:
        """The logistic-regression or random-forest head on every training sample."""
        x = np.concatenate([t.to_numpy(dtype=np.float64) for t in scaled.values()], axis=1)
        codes = y.map({c: i for i, c in enumerate(self.classes_)}).to_numpy()
        if self.head == "logreg":
            self.model_ = fit_logistic(x, codes, len(self.classes_), C=self.C,
                                       weights=block_weights(scaled))
        else:
            self.model_ = fit_forest(x, codes, seed=seed)
        self.fit_result_ = None
        self.fitted_ = None
        self.task_ = None

    def predict_proba(self, omics: Mapping[str, pd.DataFrame],
                      batch: pd.Series | None = None) -> Probabilities:
        """Class probabilities of new (or the same) samples.

        Args:
            omics: the same omics as in ``fit`` (same feature columns), samples as rows.
            batch: batch per sample, needed with ``batch_correction="combat"`` (a batch
                unseen in ``fit`` is estimated from its own samples); ignored otherwise.

        Returns:
            :class:`~graphgen.estimators.base.Probabilities` (a ``DataFrame``) samples x
            ``classes_``, indexed by sample id.

        Raises:
            NotFittedError: before ``fit``.
            DataFormatError: missing omics, features or samples.
        """
        self._check_fitted()
        samples, data, rows = self.sample_view(omics, batch=batch)
        if not isinstance(self.model_, torch.nn.Module):  # the random-forest head
            proba = self.model_.predict_proba(data.x.numpy().astype(np.float64))
            return Probabilities(proba, index=samples, columns=self.classes_)
        task = self.task_ if self.view_ == "expression-graph" else None
        members = (self.fitted_.members if self.fitted_ is not None else None) or [self.model_]
        proba = np.mean([torch.softmax(Trainer.predict(m, data, task)[rows], dim=-1).numpy()
                         for m in members], axis=0)
        return Probabilities(proba, index=samples, columns=self.classes_)

    def sample_view(self, omics: Mapping[str, pd.DataFrame], *, what: str = "predict",
                    batch: pd.Series | None = None) -> tuple[pd.Index, Data, slice]:
        """New samples as the fitted model reads them: their ids, the view's ``Data`` (omics
        scaled with the training statistics) and the rows of the model's output that are
        theirs. The patient-graph view joins them to the training samples (only training
        samples send edges), so their rows come after the training rows.

        Raises:
            DataFormatError: missing omics, features or samples (``what`` names the caller).
        """
        omics = as_omics(omics, what=what)
        missing = [n for n in self.omics_names_ if n not in omics]
        if missing:
            raise DataFormatError(f"{what}: omics {missing} are missing (fitted on "
                                  f"{self.omics_names_})")
        aligned = align_omics({n: omics[n] for n in self.omics_names_}, missing="error")
        values = aligned.omics
        if getattr(self, "combat_", None) is not None:
            if batch is None:
                raise DataFormatError(f"{what}: the classifier corrects batches (ComBat); give "
                                      "batch= with the batch of each sample")
            batch = check_groups(batch, aligned.samples, what=f"{what}: batch", min_groups=1)
            values = {n: self.combat_[n].transform(t, batch) for n, t in values.items()}
        scaled = self.scaler_.transform(values)
        samples = aligned.samples
        if self.view_ == "expression-graph":
            return samples, expression_graph_view(scaled, self.network_, genes=self.genes_), \
                slice(None)
        if self.view_ == "propagation":
            return samples, feature_view(self._propagate(scaled)), slice(None)
        if self.view_ == "features":
            return samples, feature_view(scaled), slice(None)
        joint = {n: pd.concat([self.train_omics_[n],
                               scaled[n].set_axis([f"__new__{i}" for i in range(len(samples))])])
                 for n in self.omics_names_}
        train = np.zeros(len(next(iter(joint.values()))), dtype=bool)
        train[: len(self.train_samples_)] = True
        return samples, patient_graph_view(joint, train, k=self.k), \
            slice(len(self.train_samples_), None)

    def _propagate(self, scaled: dict[str, pd.DataFrame], train: np.ndarray | None = None
                   ) -> dict[str, pd.DataFrame]:
        """The propagation view's omics: smoothed, then standardised with the training
        samples' statistics (fitted when ``train`` is given, in ``fit``)."""
        if train is not None:
            self.propagation_ = ProfilePropagation(self.network, restart=self.restart,
                                                   latent=self.latent).fit(scaled)
            smoothed = self.propagation_.transform(scaled)
            self.smoothed_scaler_ = OmicsScaler().fit({n: t[train] for n, t in smoothed.items()})
            return self.smoothed_scaler_.transform(smoothed)
        return self.smoothed_scaler_.transform(self.propagation_.transform(scaled))

    def predict(self, omics: Mapping[str, pd.DataFrame],
                batch: pd.Series | None = None) -> pd.Series:
        """The most probable class of each sample (``batch`` as in :meth:`predict_proba`)."""
        return self.predict_proba(omics, batch).idxmax(axis=1).rename("prediction")

    def score(self, omics: Mapping[str, pd.DataFrame], labels: pd.Series,
              batch: pd.Series | None = None, *, metric: str = "accuracy") -> float:
        """A metric (``accuracy``, ``macro_f1``, ``auroc``, ``auprc``) on labelled samples.

        Raises:
            DataFormatError: labels of classes not seen in ``fit``.
        """
        proba = self.predict_proba(omics, batch)
        labels = _sample_labels(omics, labels, what="SubtypeClassifier.score").loc[proba.index]
        unseen = sorted(plain(c) for c in set(labels.unique()) - set(self.classes_))
        if unseen:
            raise DataFormatError(f"score: classes {unseen} were not seen in fit "
                                  f"(classes_: {self.classes_})")
        y = labels.map({c: i for i, c in enumerate(self.classes_)}).to_numpy()
        values = classification_metrics(y, proba.to_numpy(), num_classes=len(self.classes_))
        if metric not in values:
            raise ConfigError(f"score: metric must be one of {sorted(values)}, got {metric!r}")
        return values[metric]

    def save(self, path: str | os.PathLike) -> Path:
        """Write the fitted classifier to one file, atomically
        (:mod:`graphgen.estimators.persistence`: plain values and tensors, read back with
        ``torch.load(weights_only=True)``: loading a file cannot run code).

        The file holds the samples and labels ``fit`` used (the aligned omics tables, the
        groups and batch), the settings of the fitted view, the network (its edges) and the
        weights of every trained network. :meth:`load` redoes the steps that are not trained
        (ComBat, scaling, propagation, co-expression and patient graphs, the
        logistic-regression and forest heads, all deterministic) and gives the networks their
        weights, so it predicts what this classifier predicts.

        Raises:
            NotFittedError: before ``fit``.
            OutputError: ``path`` is a folder or cannot be written.
        """
        self._check_fitted()
        aligned, y, checked = self._fit_inputs
        fitted = self.fitted_
        weights = [] if fitted is None else [m.state_dict() for m in
                                             (fitted.members or [fitted.model])]
        payload = {
            "format": _FORMAT,
            "params": params_payload(self, network=_network_payload(self.network)),
            "settings": dict(self.settings_),
            "selection": selection_payload(self.selection_),
            "omics": {name: {"values": torch.from_numpy(table.to_numpy(dtype=np.float32)),
                             "samples": [plain(i) for i in table.index],
                             "features": [plain(c) for c in table.columns]}
                      for name, table in aligned.omics.items()},
            "dropped": {str(k): str(v) for k, v in aligned.dropped.items()},
            "labels": {"samples": [plain(i) for i in y.index], "values": [plain(v) for v in y]},
            "checked": {name: {"samples": [plain(i) for i in v.index],
                               "values": [plain(x) for x in v]} for name, v in checked.items()},
            "confounding": _table_payload(self.confounding_),
            "weights": weights,
        }
        return write_payload(path, payload, what="SubtypeClassifier.save")

    @classmethod
    def load(cls, path: str | os.PathLike) -> SubtypeClassifier:
        """Read a classifier written by :meth:`save` (safe ``weights_only`` loading).

        Raises:
            DataFormatError: not a SubtypeClassifier file, or a damaged one.
        """
        return read_estimator(path, format=_FORMAT, name="SubtypeClassifier",
                              build=cls._from_payload)

    @classmethod
    def _from_payload(cls, payload: dict) -> SubtypeClassifier:
        params = dict(payload["params"])
        params["network"] = _network_from_payload(params["network"])
        if params.get("trainer") is not None:
            params["trainer"] = TrainerConfig(**params["trainer"])
        omics = {name: pd.DataFrame(stored["values"].numpy(),
                                    index=pd.Index(stored["samples"], name="sample_id"),
                                    columns=pd.Index(stored["features"], name="gene_id"))
                 for name, stored in payload["omics"].items()}
        y = pd.Series(payload["labels"]["values"], index=pd.Index(payload["labels"]["samples"],
                                                                   name="sample_id"))
        checked = {name: pd.Series(v["values"], index=pd.Index(v["samples"]))
                   for name, v in payload["checked"].items()}
        aligned = AlignedOmics(omics=omics, labels=y, dropped=dict(payload["dropped"]))
        fitter = cls(**{**params, **payload["settings"], "candidates": None})
        fitter._fit_view(aligned, y, checked, weights=payload["weights"])
        clf = cls(**params)
        for name, value in vars(fitter).items():
            if name.endswith("_") and not name.startswith("_"):
                setattr(clf, name, value)
        clf.selection_ = selection_from_payload(payload.get("selection"))
        stored = payload["confounding"]
        clf.confounding_ = None if stored is None else pd.DataFrame(
            stored["columns"], index=pd.Index(stored["index"], name=stored["name"]))
        clf._fit_inputs = (aligned, y, checked)
        return clf


def _sample_labels(omics: Any, labels: Any, *, what: str = "SubtypeClassifier.fit"
                   ) -> pd.Series:
    """Labels by sample id: a Series indexed by sample ids as it is; an array, a list or a
    Series with a positional (integer) index over one table follows the table's rows."""
    positional = isinstance(labels, pd.Series) and \
        pd.api.types.is_integer_dtype(labels.index.dtype)
    if isinstance(labels, pd.Series) and not positional:
        return labels
    if isinstance(omics, Mapping) or not isinstance(omics, (pd.DataFrame, np.ndarray)):
        if isinstance(labels, pd.Series):
            return labels
        raise DataFormatError(f"{what}: labels must be a pandas Series indexed by sample id "
                              "(an array or list of labels follows the rows of one table, "
                              "not a dict of them)")
    rows = next(iter(as_omics(omics, what=what).values())).index
    if positional and pd.api.types.is_integer_dtype(rows.dtype):
        return labels  # integer sample ids: read by id
    return item_labels([str(r) for r in rows], labels, what=what).set_axis(rows)


def _network_payload(network: Data | str | None) -> dict | str | None:
    """The network parameter as plain values: a graph's edges, ids and weights."""
    if not isinstance(network, Data):
        return network
    weight = getattr(network, "edge_weight", None)
    return {"edge_index": network.edge_index, "edge_weight": weight,
            "node_ids": [str(i) for i in network.node_ids], "num_nodes": int(network.num_nodes)}


def _network_from_payload(stored: dict | str | None) -> Data | str | None:
    if not isinstance(stored, dict):
        return stored
    return Data(edge_index=stored["edge_index"], edge_weight=stored["edge_weight"],
                num_nodes=stored["num_nodes"], node_ids=stored["node_ids"])


def _table_payload(table: pd.DataFrame | None) -> dict | None:
    if table is None:
        return None
    return {"index": [plain(i) for i in table.index], "name": table.index.name,
            "columns": {str(c): [plain(v) for v in table[c]] for c in table.columns}}
