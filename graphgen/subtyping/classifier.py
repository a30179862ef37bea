"""``SubtypeClassifier``: classify samples (tumour subtypes) from one or more omics."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

import numpy as np
import pandas as pd
import torch
from sklearn.base import ClassifierMixin
from torch_geometric.data import Data

from graphgen.estimators.base import GraphgenEstimator
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.coexpression import coexpression_graph
from graphgen.models.mlp import MLP
from graphgen.models.multiomics_gcn import MultiOmicsGCN
from graphgen.models.sample_graph import SampleGraphNet
from graphgen.scalars import plain
from graphgen.subtyping.combat import ComBat
from graphgen.subtyping.omics import OmicsScaler, align_omics, as_omics
from graphgen.subtyping.views import (
    ProfilePropagation,
    expression_graph_view,
    feature_view,
    patient_graph_view,
)
from graphgen.train.confounding import confounding_table
from graphgen.train.fitting import fit_model
from graphgen.train.metrics import classification_metrics
from graphgen.train.seeding import seed_everything
from graphgen.train.splits import check_groups, train_val_split
from graphgen.train.tasks import NodeClassificationTask, SampleGraphTask
from graphgen.train.trainer import Trainer, TrainerConfig

__all__ = ["SUBTYPE_TRAINER", "SubtypeClassifier"]

#: The trainer settings of ``SubtypeClassifier(trainer=None)``.
SUBTYPE_TRAINER = TrainerConfig(max_epochs=200, patience=30, lr=0.005, weight_decay=5e-4,
                                monitor="loss", batch_size=64)

log = logging.getLogger(__name__)
View = Literal["expression-graph", "patient-graph", "propagation", "features"]
_VIEWS = ("expression-graph", "patient-graph", "propagation", "features")


class SubtypeClassifier(ClassifierMixin, GraphgenEstimator):
    """Classify samples from omics tables, through a graph view, with the one trainer.

    Views:

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
      training samples, then the features view's MLP.
    * ``"features"``: an MLP on the concatenated omics, no graph (the baseline).

    Every omics is standardised with the training samples' mean and sd. ``fit`` holds out
    ``val_size`` of the samples (stratified; by whole groups when ``groups`` are given) to
    choose the epoch.

    Groups and batches: ``fit(..., groups=)`` (patient, site or batch of each sample) keeps
    every group on one side of the validation hold-out; ``fit(..., batch=)`` is the processing
    batch that ``batch_correction="combat"`` corrects with
    :class:`~graphgen.subtyping.combat.ComBat` fitted on the training samples only (it then
    needs ``batch`` in ``predict_proba`` too). Either is checked for confounding before
    training (:func:`~graphgen.train.confounding.confounding_table` warns when it alone
    predicts the label).

    Args:
        view: ``"expression-graph"``, ``"patient-graph"``, ``"propagation"`` or
            ``"features"`` (default: the
            best of the views and settings tried on validation samples of TCGA BRCA PAM50 and
            ROSMAP, mean macro-F1 0.703 against 0.669 for the expression graph over a
            co-expression network with a flatten readout, 0.638 for the patient graph and
            0.526 for the expression graph with a mean readout;
            ``benchmarks/subtype_default.py``). The graph views need a ``network`` (or
            ``"coexpression"``) or several omics.
        network: gene graph (``Data`` with ``node_ids``), or ``"coexpression"``
            (expression-graph view only).
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
        hidden_channels, num_layers, dropout: model size.
        trainer: every training setting in one :class:`~graphgen.train.TrainerConfig`
            (``seed`` also seeds the validation hold-out; ``batch_size`` applies to the
            expression-graph view, the other views train full-batch); ``None`` takes
            :data:`SUBTYPE_TRAINER` (200 epochs, patience 30, lr 0.005, the validation loss
            as monitor: the validation sets of small cohorts are too small for a stable
            AUROC, batches of 64 samples).
        val_size: share of training samples for early stopping.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"``; ``None`` (default) keeps
            the trainer's.
        batch_correction: ``None`` (default: no correction; the confounding check and a
            group-aware evaluation show whether one is needed) or ``"combat"`` (ComBat per
            omics, fitted on the training samples with ``batch``; refused when a training
            batch holds a single class).

    Attributes (after ``fit``):
        classes_, model_, scaler_, fit_result_, samples_dropped_ (sample -> reason),
        genes_ (expression-graph genes), train_samples_, confounding_ (confounding table
        of the groups and batch, or ``None``), combat_ (omics -> fitted ComBat, or ``None``).

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
        view: View = "features",
        *,
        network: Data | str | None = None,
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
    ) -> None:
        self.view = view
        self.network = network
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

    def _trainer_config(self) -> TrainerConfig:
        config = SUBTYPE_TRAINER if self.trainer is None else self.trainer
        if not isinstance(config, TrainerConfig):
            raise ConfigError(f"SubtypeClassifier: trainer must be a graphgen.TrainerConfig, "
                              f"got {type(config).__name__}")
        if self.view != "expression-graph" and config.batch_size is not None:
            config = replace(config, batch_size=None)  # patient graphs train full-batch
        return config if self.device is None else replace(config, device=self.device)

    def fit(self, omics: Mapping[str, pd.DataFrame], labels: pd.Series,
            groups: pd.Series | None = None, batch: pd.Series | None = None
            ) -> SubtypeClassifier:
        """Train on the labelled samples shared by every omics table.

        Args:
            omics: name -> samples x features table (sample ids as index), or one table
                (then named ``"omics"``). For the expression-graph view, the columns of at
                least one table are gene ids.
            labels: class per sample id.
            groups: group per sample id (patient, site, batch): the validation hold-out
                keeps groups apart (:func:`~graphgen.train.splits.check_groups`).
            batch: processing batch per sample id, corrected by ``batch_correction``.

        Raises:
            ConfigError: unknown view or option, a missing network, ComBat without groups.
            DataFormatError: samples or genes that do not match (the message names them), a
                single class, NaN values, bad groups.
            ConfoundedDesignError: ComBat asked for where a training batch holds one class.
        """
        if self.view not in _VIEWS:
            raise ConfigError(f"SubtypeClassifier: view must be one of {list(_VIEWS)}, got "
                              f"{self.view!r}")
        if self.view == "expression-graph" and self.network is None:
            raise ConfigError("SubtypeClassifier: the expression-graph view needs a network "
                              "(a gene graph, or 'coexpression')")
        if self.view == "propagation" and not isinstance(self.network, Data):
            raise ConfigError("SubtypeClassifier: the propagation view needs a gene network "
                              "(a Data graph with node_ids)")
        if not isinstance(labels, pd.Series):
            raise DataFormatError("SubtypeClassifier.fit: labels must be a pandas Series "
                                  "indexed by sample id")
        if self.batch_correction not in (None, "combat"):
            raise ConfigError(f"SubtypeClassifier: batch_correction must be None or 'combat', "
                              f"got {self.batch_correction!r}")
        if self.batch_correction is not None and batch is None:
            raise ConfigError("SubtypeClassifier: batch_correction='combat' needs batch= (the "
                              "processing batch of each sample) in fit and in predict_proba")
        config = self._trainer_config()
        aligned = align_omics(omics, labels)
        y = aligned.labels
        checked = {name: check_groups(value, y.index, what=f"SubtypeClassifier.fit: {name}")
                   for name, value in (("groups", groups), ("batch", batch))
                   if value is not None}
        self.confounding_ = confounding_table(pd.DataFrame(checked), y, seed=config.seed) \
            if checked else None
        batch = checked.get("batch")
        split = train_val_split(y, val_size=self.val_size, seed=config.seed,
                                groups=checked.get("groups"))
        train = y.index.isin(split.train)
        values = aligned.omics
        self.combat_ = None
        if self.batch_correction == "combat":
            self.combat_ = {n: ComBat().fit(t[train], batch[train], y[train])
                            for n, t in values.items()}
            values = {n: self.combat_[n].transform(t, batch) for n, t in values.items()}
        self.scaler_ = OmicsScaler().fit({n: t[train] for n, t in values.items()})
        scaled = self.scaler_.transform(values)
        self.classes_ = sorted(y.unique().tolist())
        self.train_samples_ = list(split.train)
        self.samples_dropped_ = aligned.dropped
        self.omics_names_ = list(aligned.omics)
        seed_everything(config.seed)
        if self.view == "expression-graph":
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
            if self.view == "patient-graph":
                data = patient_graph_view(scaled, train, k=self.k)
                channels = {n: t.shape[1] for n, t in scaled.items()}

                def build():
                    return MultiOmicsGCN(channels, len(self.classes_),
                                         hidden_channels=self.hidden_channels,
                                         num_layers=self.num_layers, fusion=self.fusion,
                                         dropout=self.dropout)
            else:
                if self.view == "propagation":
                    scaled = self._propagate(scaled, train)
                data = feature_view(scaled)

                def build():
                    return MLP(data.num_features, len(self.classes_),
                               hidden_channels=self.hidden_channels,
                               num_layers=self.num_layers, dropout=self.dropout)
            task = NodeClassificationTask.from_labels(data, y, split)
            self.train_omics_ = {n: t[train] for n, t in scaled.items()}
        fitted = fit_model(build(), data, task, trainer=config, description=self.view,
                           build=build)
        self.fit_result_ = fitted.fit
        self.fitted_ = fitted
        self.model_ = fitted.model
        self.task_ = task
        return self

    def predict_proba(self, omics: Mapping[str, pd.DataFrame],
                      batch: pd.Series | None = None) -> pd.DataFrame:
        """Class probabilities of new (or the same) samples.

        Args:
            omics: the same omics as in ``fit`` (same feature columns), samples as rows.
            batch: batch per sample, needed with ``batch_correction="combat"`` (a batch
                unseen in ``fit`` is estimated from its own samples); ignored otherwise.

        Returns:
            ``DataFrame`` samples x ``classes_``.

        Raises:
            NotFittedError: before ``fit``.
            DataFormatError: missing omics, features or samples.
        """
        self._check_fitted()
        samples, data, rows = self.sample_view(omics, batch=batch)
        task = self.task_ if self.view == "expression-graph" else None
        members = self.fitted_.members or [self.model_]
        proba = np.mean([torch.softmax(Trainer.predict(m, data, task)[rows], dim=-1).numpy()
                         for m in members], axis=0)
        return pd.DataFrame(proba, index=samples, columns=self.classes_)

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
        if self.view == "expression-graph":
            return samples, expression_graph_view(scaled, self.network_, genes=self.genes_), \
                slice(None)
        if self.view == "propagation":
            return samples, feature_view(self._propagate(scaled)), slice(None)
        if self.view == "features":
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
        labels = labels.loc[proba.index]
        unseen = sorted(plain(c) for c in set(labels.unique()) - set(self.classes_))
        if unseen:
            raise DataFormatError(f"score: classes {unseen} were not seen in fit "
                                  f"(classes_: {self.classes_})")
        y = labels.map({c: i for i, c in enumerate(self.classes_)}).to_numpy()
        values = classification_metrics(y, proba.to_numpy(), num_classes=len(self.classes_))
        if metric not in values:
            raise ConfigError(f"score: metric must be one of {sorted(values)}, got {metric!r}")
        return values[metric]
