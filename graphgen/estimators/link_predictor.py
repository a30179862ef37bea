"""``LinkPredictor``: which interactions are missing from a map, scikit-learn style.

``fit(data)`` reads the known interactions; ``top_links(k)`` ranks *every* pair that is not
an edge (blocks of sparse rows, no ``n x n`` matrix) and returns the best ``k``, the list an
experimentalist tests next; ``predict_proba(pairs)`` scores given pairs.

For scikit-learn's model selection, ``X`` is what a splitter cuts, pairs of gene ids, and
``y`` says which are interactions: ``LinkPredictor(graph=data).fit(pairs, y)`` fits the map
made of ``graph``'s genes and the pairs labelled 1 (:func:`labelled_pairs` gives every known
pair of a map and sampled non-edges), so ``cross_val_score`` hides each fold's interactions
from the map it scores them on.

``LinkPredictor()`` (``model="auto"``) chooses the model on the user's own map: each
candidate of :data:`LINK_CANDIDATES` (Kovács et al.'s L3; resource allocation, Adamic-Adar,
common neighbours; L3 with other degree exponents; the classifier over heuristic features and
a graph autoencoder, which rank unordered pairs and are left out on a directed map) ranks
all candidate pairs of ``inner_folds`` random maps that hide ``inner_test`` of the known
pairs (:func:`~graphgen.links.splits.edge_split`: both directions of a pair hidden together),
and the one whose top ``selection_k`` holds the most hidden pairs (precision@k among all
candidates, the measure of README's HI-II-14 table) wins; ties go to the earlier candidate,
so Kovács' L3 unless another is better. Candidates run in that order, cheap before costly,
within ``budget`` seconds. Nothing outside the fitted map is read.

The L3 variants weigh a path a-u-v-b by ``(k_u k_v) ** -l3_exponent`` (0.5: Kovács' L3) and
divide the sum by ``(k_a k_b) ** endpoint_exponent`` (0: none), on the grid ``l3_exponent`` in
{0.25, 0.5, 0.75} x ``endpoint_exponent`` in {0, 0.125, 0.25}. Why: on HI-II-14 the hubs among
the intermediate and end genes are over-rewarded by the published weights; the exponents
chosen on inner hidings raise precision@500 over L3 (README, "Link prediction").
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import torch
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression
from torch_geometric.data import Data

from graphgen.estimators.base import GraphgenEstimator, Probabilities
from graphgen.estimators.persistence import (
    params_payload,
    read_payload,
    selection_from_payload,
    selection_payload,
    write_payload,
)
from graphgen.estimators.selection import (
    Candidate,
    Selection,
    check_budget,
    resolve_candidates,
    select,
)
from graphgen.evaluation.metrics import average_precision, roc_auc
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.convert import is_undirected
from graphgen.graph.nodes import node_positions
from graphgen.links.autoencoder import GraphAutoencoder
from graphgen.links.autoencoder import check_settings as check_autoencoder
from graphgen.links.feature_classifier import HeuristicClassifier
from graphgen.links.feature_classifier import check_settings as check_classifier
from graphgen.links.heuristics import (
    SPARSE_HEURISTICS,
    candidate_blocks,
    check_exponents,
    pair_paths,
    pair_scores,
)
from graphgen.links.ranker import MapTask
from graphgen.links.ranking import (
    best_of_blocks,
    check_k,
    gene_focus,
    pair_positions,
    pairs_table,
)
from graphgen.links.splits import edge_split
from graphgen.links.subgraph_ranker import SubgraphRanker
from graphgen.links.subgraph_ranker import check_settings as check_subgraph
from graphgen.scalars import check_count
from graphgen.train.device import resolve_device
from graphgen.train.fitting import FittedModel, fit_model
from graphgen.train.trainer import TrainerConfig

__all__ = ["L3_EXPONENTS", "LINK_BUDGET", "LINK_CANDIDATES", "LinkPredictor", "links_graph"]

_FORMAT = "graphgen.LinkPredictor/1"
#: The L3 exponents ``model="auto"`` tries besides Kovács' (0.5, 0).
L3_EXPONENTS = [(alpha, beta) for alpha in (0.5, 0.25, 0.75) for beta in (0.0, 0.125, 0.25)
                if (alpha, beta) != (0.5, 0.0)]
#: The named candidates of ``model="auto"`` (name -> parameters), in the order they are tried:
#: Kovács' L3, the cheap two-step heuristics, the L3 variants, the learned models (under a
#: budget, the costly ones are the ones left out).
LINK_CANDIDATES: dict[str, dict] = {
    "l3": {"model": "l3"},
    **{name: {"model": name} for name in ("resource_allocation", "adamic_adar",
                                          "common_neighbours")},
    **{f"l3 ({alpha:g}, {beta:g})": {"model": "l3", "l3_exponent": alpha,
                                     "endpoint_exponent": beta}
       for alpha, beta in L3_EXPONENTS},
    **{name: {"model": name} for name in ("heuristic_classifier", "gae")},
}
#: The learned models (:mod:`graphgen.links.feature_classifier`,
#: :mod:`graphgen.links.autoencoder`, :mod:`graphgen.links.subgraph_ranker`).
LEARNED_MODELS = ("heuristic_classifier", "gae", "vgae", "seal")
#: Seconds ``model="auto"`` may spend choosing (the first candidate always finishes).
LINK_BUDGET = 600.0


class LinkPredictor(ClassifierMixin, GraphgenEstimator):
    """Rank the pairs of genes that are not (yet) interactions of a map.

    On an undirected map (a PPI) pairs are unordered. On a directed one (a GRN) they are
    ordered by default: ``top_links`` ranks ``TF -> target`` pairs that are not stored edges,
    and the heuristics read the stored directions (:mod:`graphgen.links.heuristics`);
    ``ordered=False`` reads both directions of an edge as one interaction instead. The
    learned models rank unordered pairs.

    Two ways to fit: ``fit(data)`` reads the known interactions of the map ``data``; with the
    genes' graph given to the estimator, ``LinkPredictor(graph=data).fit(pairs, y)`` reads
    the pairs labelled 1 as the interactions (scikit-learn's ``X`` and ``y``, see
    docs/estimators.md).

    Args:
        model: ``"auto"`` (default: chosen on hidden pairs of the fitted map, see the module
            docstring); a heuristic, ``"l3"``, ``"resource_allocation"``, ``"adamic_adar"``,
            ``"common_neighbours"`` (:mod:`graphgen.links.heuristics`); or a learned model,
            ``"heuristic_classifier"`` (logistic regression over a pair's heuristic scores
            and degrees, trained on hidings of the map:
            :mod:`graphgen.links.feature_classifier`), ``"gae"`` or ``"vgae"`` (graph
            autoencoders: :mod:`graphgen.links.autoencoder`) or ``"seal"`` (a SEAL-like
            subgraph model that re-orders L3's top 1,000 pairs:
            :mod:`graphgen.links.subgraph_ranker`).
        l3_exponent: a fixed model's path weight exponent (``l3`` only; default 0.5,
            Kovács et al.); ``model="auto"`` chooses it.
        endpoint_exponent: a fixed model's end-degree exponent (default 0, the published
            scores); ``model="auto"`` chooses it.
        ordered: rank ordered pairs along the stored directions (default ``None``: when the
            graph is directed); ``True`` on an undirected graph is an error.
        device: where a learned model trains (``"auto"``, the default: a GPU when CUDA is
            available; ``"cpu"``, ``"cuda"``, ``"cuda:N"``); the heuristics run on the CPU.
        model_settings: a learned model's settings (default: none, the module defaults):
            ``encoder`` (``"gcn"``, ``"sage"``, ``"gat"``), ``decoder`` (``"dot"``,
            ``"mlp"``), ``hidden``, ``embedding``, ``epochs``, ``lr`` for ``gae``/``vgae``;
            ``classifier`` (``"logreg"``, ``"boosting"``), ``hidings``, ``share``,
            ``negatives`` for ``heuristic_classifier``; any of
            :data:`~graphgen.links.subgraph_ranker.SUBGRAPH_DEFAULTS` for ``seal``.
        candidates: ``model="auto"``'s candidates (names of :data:`LINK_CANDIDATES`,
            :class:`~graphgen.estimators.selection.Candidate` objects or name -> parameters
            ``model``, optionally ``l3_exponent``, ``endpoint_exponent``; default all of
            :data:`LINK_CANDIDATES`, Kovács' L3 first).
        budget: seconds ``model="auto"`` may spend choosing (default :data:`LINK_BUDGET`;
            ``None``: no limit).
        inner_folds: random hidings of the map ``model="auto"`` scores on (default 3).
        inner_test: share of the known pairs each hiding holds out (default 0.1).
        selection_k: the top of the list that counts (default 500; at most the hidden
            pairs of a hiding).
        seed: seeds the hidings and their negatives.
        graph: the genes of ``fit(pairs, y)`` (its ``node_ids``, and ``x`` for the learned
            models); its own edges are not read, the pairs labelled 1 are the map. ``None``
            (default): ``fit`` takes the map itself.

    Attributes:
        model_: the model used; settings_: its ``model`` and settings (a heuristic's
        ``l3_exponent``, ``endpoint_exponent`` and ``ordered``); graph_: the fitted map;
        ranker_: the fitted learned model (``None`` for a heuristic); fitted_: its
        :class:`~graphgen.train.fitting.FittedModel` from the one fit path, ``fit_model``
        (``None`` for a heuristic); fit_result_: ``None`` (no trainer history: the learned
        models train for their fixed epochs); calibration_: ``(a, b)`` of a
        heuristic's :meth:`predict_proba` (``None`` for a learned model); selection_: the
        :class:`~graphgen.estimators.selection.Selection`
        of ``model="auto"`` (``None`` otherwise); classes_: ``[0, 1]`` (not an interaction,
        an interaction), the columns of :meth:`predict_proba`.

    Example:
        >>> import graphgen
        >>> org = graphgen.make_organism(n_genes=200, n_samples=5, seed=0)
        >>> links = LinkPredictor("l3").fit(org.ppi)
        >>> links.top_links(3).columns.tolist()
        ['source', 'target', 'score']
    """

    def __init__(self, model: str = "auto", *, l3_exponent: float = 0.5,
                 endpoint_exponent: float = 0.0, ordered: bool | None = None,
                 model_settings: Mapping | None = None, device: str = "auto",
                 candidates: Sequence[str | Candidate] | Mapping[str, Mapping] | None = None,
                 budget: float | None = LINK_BUDGET, inner_folds: int = 3,
                 inner_test: float = 0.1, selection_k: int = 500, seed: int = 0,
                 graph: Data | None = None) -> None:
        self.model = model
        self.l3_exponent = l3_exponent
        self.endpoint_exponent = endpoint_exponent
        self.ordered = ordered
        self.model_settings = model_settings
        self.device = device
        self.candidates = candidates
        self.budget = budget
        self.inner_folds = inner_folds
        self.inner_test = inner_test
        self.selection_k = selection_k
        self.seed = seed
        self.graph = graph

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "graph_")

    def fit(self, data: Data | Sequence[tuple[str, str]] | pd.DataFrame | np.ndarray,
            y=None) -> LinkPredictor:
        """Read the known interactions of ``data`` (``edge_index``, ``node_ids``); or, with
        ``graph=`` given to the estimator, of the pairs ``data`` labelled 1 by ``y``.

        Args:
            data: the map, a graph with ``node_ids``; or pairs of gene ids of ``graph``
                (``(gene, gene)`` tuples, an ``n x 2`` array, or a table whose first two
                columns are the genes).
            y: with pairs: 1 (an interaction) or 0 (not one) per pair, in the order of the
                pairs (default: all 1). Pairs labelled 0 are not read: every non-edge of the
                map is a candidate.

        Raises:
            ConfigError: an unknown model or candidate, a bad exponent, budget, fold count,
                share or k.
            DataFormatError: not a graph with ``node_ids``, a graph without edges or with too
                few pairs to hide some; pairs without ``graph=``, labels other than 0 and 1,
                a gene paired with itself.
            IdMappingError: a gene of a pair that is not a node of ``graph``.
        """
        if not isinstance(data, Data):
            data = self._map_of_pairs(data, y)
        if not isinstance(data, Data) or getattr(data, "node_ids", None) is None:
            raise DataFormatError("LinkPredictor.fit: data must be a torch_geometric Data graph "
                                  f"with node_ids, got {type(data).__name__}")
        if data.edge_index.shape[1] == 0:
            raise DataFormatError("LinkPredictor.fit: the graph has no edges; link prediction "
                                  "reads the known interactions")
        name = str(self.model).lower()
        if name != "auto" and name not in SPARSE_HEURISTICS + LEARNED_MODELS:
            raise ConfigError(f"LinkPredictor: model must be 'auto' or one of "
                              f"{list(SPARSE_HEURISTICS + LEARNED_MODELS)}, got {self.model!r}")
        check_count(self.inner_folds, "inner_folds", "LinkPredictor", minimum=1)
        if not 0.0 < self.inner_test < 1.0:
            raise ConfigError(f"LinkPredictor: inner_test must be in (0, 1), got "
                              f"{self.inner_test!r}")
        check_count(self.selection_k, "selection_k", "LinkPredictor", minimum=1)
        resolve_device(self.device)  # a bad name fails here, whichever model is fitted
        ordered = self._ordered(data)
        if name == "auto":
            hidings = self._hidings(data, self.inner_folds)
            self.selection_ = self._choose(hidings, ordered)
            settings = _settings(self.selection_.chosen.params, self.selection_.chosen.name,
                                 ordered)
        else:
            self.selection_ = None
            fixed = ({"model": name, **dict(self.model_settings or {})} if name in LEARNED_MODELS
                     else {"model": name, "l3_exponent": self.l3_exponent,
                           "endpoint_exponent": self.endpoint_exponent})
            settings = _settings(fixed, "LinkPredictor", ordered)
            # a heuristic needs one hiding, to calibrate its probabilities
            hidings = [] if name in LEARNED_MODELS else self._hidings(data, 1)
        self.settings_ = settings
        self.model_ = settings["model"]
        self.graph_ = data
        self.fitted_ = _fit_ranker(data, settings, self.seed, self.device)
        self.fit_result_ = None  # the learned rankers keep their papers' fixed epochs
        self.ranker_ = None if self.fitted_ is None else self.fitted_.predictor
        self.calibration_ = None if self.ranker_ is not None else _calibration(hidings[0],
                                                                              settings)
        self.classes_ = np.array([0, 1])
        return self

    def _map_of_pairs(self, pairs, y) -> Data:
        """The map of ``graph``'s genes whose edges are the pairs labelled 1 (both
        directions on an undirected ``graph``)."""
        if self.graph is None:
            raise DataFormatError("LinkPredictor.fit: data must be a torch_geometric Data graph "
                                  "with node_ids (the map), got "
                                  f"{type(pairs).__name__}; or give pairs of gene ids with "
                                  "their graph to the estimator, "
                                  "LinkPredictor(graph=data).fit(pairs, y)")
        if not isinstance(self.graph, Data) or getattr(self.graph, "node_ids", None) is None:
            raise DataFormatError("LinkPredictor: graph must be a torch_geometric Data graph "
                                  f"with node_ids, got {type(self.graph).__name__}")
        if isinstance(pairs, (str, bytes)) or not hasattr(pairs, "__len__"):
            raise DataFormatError("LinkPredictor.fit: give pairs of gene ids, got "
                                  f"{type(pairs).__name__}")
        frame, a, b = pair_positions(self.graph, pairs, what="LinkPredictor.fit")
        known = (np.ones(len(frame)) if y is None
                 else _pair_labels(y, frame, "LinkPredictor.fit"))
        same = (a == b) & (known == 1)
        if same.any():
            raise DataFormatError(f"LinkPredictor.fit: pair "
                                  f"{tuple(frame.iloc[int(np.argmax(same))])} joins a gene "
                                  "to itself; an interaction joins two genes")
        rows, cols = a[known == 1], b[known == 1]
        if is_undirected(self.graph):
            rows, cols = np.r_[rows, cols], np.r_[cols, rows]
        edges = np.unique(np.stack([rows, cols]).astype(np.int64), axis=1)
        mapped = Data(edge_index=torch.from_numpy(edges), num_nodes=self.graph.num_nodes,
                      node_ids=list(self.graph.node_ids))
        if getattr(self.graph, "x", None) is not None:
            mapped.x = self.graph.x
        return mapped

    def _ordered(self, data: Data) -> bool:
        directed = not is_undirected(data)
        if self.ordered is None:
            return directed
        if not isinstance(self.ordered, (bool, np.bool_)):
            raise ConfigError(f"LinkPredictor: ordered must be True, False or None, got "
                              f"{self.ordered!r}")
        if self.ordered and not directed:
            raise ConfigError("LinkPredictor: ordered=True needs a directed graph; this map "
                              "stores every edge both ways, so it has no direction to read")
        return bool(self.ordered)

    def _hidings(self, data: Data, count: int) -> list:
        return [edge_split(data, val_size=0.0, test_size=self.inner_test, negatives=1.0,
                           seed=self.seed + i) for i in range(count)]

    def _choose(self, hidings: list, ordered: bool) -> Selection:
        default = [name for name, params in LINK_CANDIDATES.items()
                   if not ordered or params["model"] not in LEARNED_MODELS]
        candidates = resolve_candidates(self.candidates, LINK_CANDIDATES, default,
                                        what="LinkPredictor(model='auto')")
        settings = {item.name: _settings(item.params, item.name, ordered)
                    for item in candidates}

        def score(candidate: Candidate, hiding) -> float:
            return _precision_at_k(hiding, settings[candidate.name], self.selection_k,
                                   self.seed, self.device)

        return select(candidates, hidings, score, metric=f"precision_at_{self.selection_k}",
                      budget=check_budget(self.budget, "LinkPredictor"),
                      what="LinkPredictor(model='auto')")

    def _check_fitted(self, attribute: str = "graph_") -> None:
        super()._check_fitted(attribute)

    def score_pairs(self, pairs: Sequence[tuple[str, str]] | pd.DataFrame) -> pd.Series:
        """The heuristic's score of each pair (higher: more likely an interaction), a Series
        indexed by ``(source, target)``.

        Raises:
            NotFittedError: before ``fit``.
            IdMappingError: genes that are not nodes (named).
        """
        self._check_fitted()
        if self.ranker_ is not None:
            frame, a_pos, b_pos = pair_positions(self.graph_, pairs, what="LinkPredictor")
            scores = self.ranker_.pair_scores(a_pos, b_pos)
            return pd.Series(scores, name="score", index=pd.MultiIndex.from_frame(frame))
        table = pair_scores(self.graph_, pairs, methods=[self.model_], **_options(
            self.settings_))
        return pd.Series(table[self.model_].to_numpy(), name="score",
                         index=pd.MultiIndex.from_frame(table[["source", "target"]]))

    def predict_proba(self, pairs: Sequence[tuple[str, str]] | pd.DataFrame) -> Probabilities:
        """The probability that each pair is a hidden interaction rather than a random
        non-edge, in a 1:1 mix of the two: the score through a logistic curve fitted on
        the first hiding of ``fit`` (its held-out pairs against as many sampled non-edges;
        a learned model's own probability). It orders pairs as :meth:`score_pairs` does;
        among all candidate pairs, where real interactions are rare, the share that are
        real is far lower.

        Returns:
            :class:`~graphgen.estimators.base.Probabilities` indexed by ``(source, target)``,
            columns ``classes_`` (0: not an interaction, 1: an interaction);
            ``proba[1]`` is the probability of an interaction.
        """
        scores = self.score_pairs(pairs)
        if self.calibration_ is None:
            positive = scores.to_numpy()
        else:
            a, b = self.calibration_
            positive = 1.0 / (1.0 + np.exp(-(a * np.log1p(scores.to_numpy()) + b)))
        return Probabilities(np.c_[1.0 - positive, positive], index=scores.index,
                             columns=self.classes_)

    def predict(self, pairs: Sequence[tuple[str, str]] | pd.DataFrame) -> pd.Series:
        """1 for the pairs more likely an interaction than not in :meth:`predict_proba`'s 1:1
        mix (probability at least 0.5), else 0; a Series indexed by ``(source, target)``."""
        proba = self.predict_proba(pairs)
        return pd.Series(np.where(proba[1].to_numpy() >= 0.5, 1, 0), index=proba.index,
                         name="prediction")

    def score(self, pairs: Sequence[tuple[str, str]] | pd.DataFrame, y, *,
              metric: str = "auto") -> float:
        """How well the scores of ``pairs`` separate the interactions (``y`` 1) from the rest.

        Args:
            pairs: pairs of genes of the fitted map, as for :meth:`fit`.
            y: 1 (an interaction) or 0 per pair, in their order.
            metric: ``"auprc"`` (the area under the precision-recall curve, the default
                ``"auto"``: real interactions are rare among candidate pairs, and AUPRC reads
                the top of the ranking, as :meth:`top_links` is used) or ``"auroc"``.
                scikit-learn's ``cross_val_score`` and ``GridSearchCV`` without ``scoring=``
                use it.

        Raises:
            ConfigError: another metric.
            DataFormatError: ``y`` not one 0/1 label per pair, or of one class only.
        """
        name = "auprc" if metric == "auto" else metric
        if name not in ("auprc", "auroc"):
            raise ConfigError(f"LinkPredictor.score: metric must be 'auto', 'auprc' or "
                              f"'auroc', got {metric!r}")
        scored = self.score_pairs(pairs)
        scores = scored.to_numpy()
        truth = _pair_labels(y, scored.index.to_frame(index=False), "LinkPredictor.score")
        if len(np.unique(truth)) < 2:
            raise DataFormatError("LinkPredictor.score: y holds one class only; a ranking "
                                  "metric needs interactions and non-interactions")
        measure = average_precision if name == "auprc" else roc_auc
        return float(measure(truth, scores))

    def top_links(self, k: int = 100, *, genes: Sequence[str] | None = None) -> pd.DataFrame:
        """The ``k`` best-scored pairs that are not edges of the fitted map, among all
        candidates (:func:`~graphgen.links.heuristics.top_pairs`).

        Args:
            k: how many pairs (fewer when fewer candidates score above zero).
            genes: only pairs with at least one of these genes.

        Returns:
            ``DataFrame`` of ``source``, ``target``, ``score``, best first.
        """
        self._check_fitted()
        return _top(self.graph_, self.settings_, self.ranker_, k, genes)

    def explain(self, source: str, target: str) -> pd.DataFrame:
        """Why the pair ``source``, ``target`` scores as it does.

        A heuristic sums short paths, so its explanation is exact: the paths between the two
        genes, each with its share of the score (:func:`~graphgen.links.heuristics.pair_paths`;
        the shares sum to :meth:`score_pairs`' score). The heuristic classifier gives each
        feature's share of the log-odds (``HeuristicClassifier.explain``), and under it the
        L3 paths. An autoencoder's score has no such reading and is refused.

        Returns:
            ``DataFrame``: ``path``, the middle genes and ``contribution`` (heuristics);
            ``feature``, ``value``, ``weight``, ``contribution`` (the classifier).

        Raises:
            NotFittedError: before ``fit``.
            IdMappingError: a gene that is not a node.
            ConfigError: a graph autoencoder or the subgraph model.
        """
        self._check_fitted()
        if self.ranker_ is None:
            return pair_paths(self.graph_, str(source), str(target), method=self.model_,
                              **_options(self.settings_))
        if self.model_ != "heuristic_classifier":
            raise ConfigError(f"LinkPredictor.explain: a {self.model_} scores a pair from "
                              "learned embeddings, which no path or feature table explains; "
                              "explain a heuristic or the heuristic classifier")
        a, b = node_positions(self.graph_, [str(source), str(target)], what="pair genes")
        return self.ranker_.explain(int(a), int(b))

    def candidate_blocks(self):
        """The score of every candidate pair (a non-edge of the fitted map, ``row < col``
        node positions), a block of rows at a time: yields ``(rows, cols, scores)`` arrays.
        A sparse heuristic yields its nonzero scores; the heuristic classifier the pairs with
        a path of length two or three; an autoencoder every pair; the subgraph model the
        pairs L3 scores, its re-ranked top above the rest. Scores of every candidate
        without a dense ``n x n`` matrix, for metrics over all of them
        (:func:`~graphgen.links.metrics.candidate_metrics` with ``unscored``)."""
        self._check_fitted()
        return _blocks(self.graph_, self.settings_, self.ranker_)

    def to_networkx(self, k: int = 100, *, genes: Sequence[str] | None = None) -> nx.Graph:
        """The :meth:`top_links` as a networkx graph: one edge per predicted pair with its
        ``score`` and ``probability`` (:func:`links_graph`); write it with
        :func:`~graphgen.graph.convert.write_graphml`."""
        return links_graph(self.with_probability(self.top_links(k, genes=genes)),
                           directed=bool(self.settings_.get("ordered", False)))

    def with_probability(self, links: pd.DataFrame) -> pd.DataFrame:
        """``links`` (``source``, ``target`` ...) with a ``probability`` column
        (:meth:`predict_proba`)."""
        proba = self.predict_proba(links[["source", "target"]])[1].to_numpy() if len(links) \
            else np.zeros(0)
        return links.assign(probability=proba)

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> Path:
        """Write the fitted predictor and its map to one file, atomically; :meth:`load` reads
        it with ``torch.load(weights_only=True)`` (tensors, numbers and strings only).

        Raises:
            NotFittedError: before ``fit``.
            OutputError: ``path`` is a folder or cannot be written.
        """
        self._check_fitted()
        payload = {
            "format": _FORMAT,
            "params": params_payload(self, graph=None),  # the map is stored below
            "model": self.model_, "settings": dict(self.settings_),
            "calibration": (None if self.calibration_ is None
                            else [float(v) for v in self.calibration_]),
            "ranker": None if self.ranker_ is None else self.ranker_.state(),
            "edge_index": self.graph_.edge_index.cpu(),
            "node_ids": [str(g) for g in self.graph_.node_ids],
            "selection": selection_payload(self.selection_),
        }
        return write_payload(path, payload, what="LinkPredictor.save")

    @classmethod
    def load(cls, path: str | os.PathLike) -> LinkPredictor:
        """Read a predictor written by :meth:`save`.

        Raises:
            DataFormatError: not a LinkPredictor file, or a damaged one.
        """
        payload = read_payload(path, format=_FORMAT, name="LinkPredictor")
        try:
            clf = cls(**payload["params"])
            node_ids = list(payload["node_ids"])
            clf.graph_ = Data(edge_index=payload["edge_index"], num_nodes=len(node_ids),
                              node_ids=node_ids)
            stored = dict(payload.get("settings", {"model": payload["model"]}))  # 0.2: model
            clf.settings_ = _settings(stored, str(path), bool(stored.pop("ordered", False)))
            clf.model_ = clf.settings_["model"]
            clf.calibration_ = (None if payload["calibration"] is None
                                else tuple(payload["calibration"]))
            clf.ranker_ = (None if payload.get("ranker") is None else
                           _RANKERS[clf.model_].from_state(payload["ranker"], clf.graph_))
            clf.fitted_ = (None if clf.ranker_ is None else
                           FittedModel(model=clf.ranker_, task=MapTask(clf.graph_), fit=None,
                                       seconds=0.0, predictor=clf.ranker_))
            clf.fit_result_ = None
            clf.selection_ = selection_from_payload(payload["selection"])
            clf.classes_ = np.array([0, 1])
        except (KeyError, TypeError, ValueError, ConfigError) as exc:
            raise DataFormatError(f"{path}: damaged LinkPredictor file ({exc})") from None
        return clf


def links_graph(links: pd.DataFrame, *, directed: bool = False) -> nx.Graph:
    """Ranked pairs (``source``, ``target``, ``score``, ``probability``) as a networkx graph
    (a ``DiGraph`` of ``source -> target`` when ``directed``), one edge per pair carrying its
    score and probability."""
    G = nx.DiGraph() if directed else nx.Graph()
    for row in links.itertuples(index=False):
        G.add_edge(row.source, row.target, score=float(row.score),
                   probability=float(row.probability))
    return G


def _pair_labels(y, pairs: pd.DataFrame, what: str) -> np.ndarray:
    """``y`` as one 0/1 label per row of ``pairs`` (float64).

    Raises:
        DataFormatError: another length or shape, or a label other than 0 and 1 (the pair
            named).
    """
    labels = np.asarray(y.to_numpy() if isinstance(y, (pd.Series, pd.DataFrame)) else y)
    if labels.ndim != 1 or len(labels) != len(pairs):
        raise DataFormatError(f"{what}: {len(pairs)} pairs in X but y has shape "
                              f"{labels.shape}; give one 0/1 label per pair")
    try:
        known = np.asarray(labels, dtype=np.float64)
    except (TypeError, ValueError):
        known = np.full(len(labels), np.nan)
    odd = ~np.isin(known, [0.0, 1.0])
    if odd.any():
        at = int(np.argmax(odd))
        raise DataFormatError(f"{what}: y must be 1 (an interaction) or 0 (not one) per pair, "
                              f"got {labels.tolist()[at]!r} for pair {tuple(pairs.iloc[at])}")
    return known


def _settings(params: Mapping, what: str, ordered: bool = False) -> dict:
    """A model's settings, checked: a heuristic's ``model``, ``l3_exponent`` and
    ``endpoint_exponent`` (and whether its pairs are ``ordered``); a learned model's
    ``model`` and its own settings.

    Raises:
        ConfigError: an unknown or dense model, other keys, a bad exponent or setting, a
            learned model asked for ordered pairs.
    """
    model = str(params.get("model")).lower()
    if model in LEARNED_MODELS and ordered:
        raise ConfigError(f"LinkPredictor: {what!r}: the learned models rank unordered pairs; "
                          "on a directed graph pass ordered=False to use them")
    if model in LEARNED_MODELS:
        rest = {k: v for k, v in params.items() if k != "model"}
        if model == "heuristic_classifier":
            return {"model": model, **check_classifier(rest, f"LinkPredictor ({what})")}
        if model == "seal":
            return {"model": model, **check_subgraph(rest, f"LinkPredictor ({what})")}
        if "variational" in rest:
            raise ConfigError(f"LinkPredictor: {what!r}: choose model 'gae' or 'vgae' rather "
                              "than setting variational")
        checked = check_autoencoder({**rest, "variational": model == "vgae"},
                                    f"LinkPredictor ({what})")
        return {"model": model, **{k: v for k, v in checked.items() if k != "variational"}}
    if model not in SPARSE_HEURISTICS:
        raise ConfigError(f"LinkPredictor: {what!r} must set model to one of "
                          f"{list(SPARSE_HEURISTICS + LEARNED_MODELS)}, got "
                          f"{params.get('model')!r}")
    unknown = sorted(set(params) - {"model", "l3_exponent", "endpoint_exponent"})
    if unknown:
        raise ConfigError(f"LinkPredictor: {what!r} has unknown settings {unknown}; a "
                          "heuristic takes model, l3_exponent and endpoint_exponent")
    settings = {"model": model, "l3_exponent": params.get("l3_exponent", 0.5),
                "endpoint_exponent": params.get("endpoint_exponent", 0.0)}
    if model != "l3" and settings["l3_exponent"] != 0.5:
        raise ConfigError(f"LinkPredictor: {what!r}: l3_exponent applies to model 'l3' only, "
                          f"not {model!r}")
    check_exponents(settings["l3_exponent"], settings["endpoint_exponent"],
                    f"LinkPredictor ({what})")
    return {**settings, "ordered": bool(ordered)}


def _options(settings: Mapping) -> dict:
    """A heuristic's settings as keywords of the functions of
    :mod:`graphgen.links.heuristics`."""
    return {"l3_exponent": settings["l3_exponent"],
            "endpoint_exponent": settings["endpoint_exponent"],
            "ordered": settings["ordered"]}


_RANKERS = {"heuristic_classifier": HeuristicClassifier, "gae": GraphAutoencoder,
            "vgae": GraphAutoencoder, "seal": SubgraphRanker}


def _fit_ranker(data: Data, settings: Mapping, seed: int, device: str) -> FittedModel | None:
    """The learned model of ``settings`` fitted on ``data`` through the one fit path
    (``None`` for a heuristic, which is not fitted)."""
    if settings["model"] not in LEARNED_MODELS:
        return None
    options = {k: v for k, v in settings.items() if k != "model"}
    if settings["model"] == "heuristic_classifier":
        ranker = HeuristicClassifier(options, seed=seed)
    elif settings["model"] == "seal":
        ranker = SubgraphRanker(options, seed=seed, device=device)
    else:
        options["variational"] = settings["model"] == "vgae"
        ranker = GraphAutoencoder(options, seed=seed, device=device)
    return fit_model(ranker, data, MapTask(data), description=settings["model"],
                     trainer=TrainerConfig(seed=seed, device=device, progress=False))


def _blocks(data: Data, settings: Mapping, ranker):
    """The scores of every candidate pair of a heuristic or a fitted learned model, block by
    block, as ``(rows, cols, scores)``."""
    if ranker is None:
        return candidate_blocks(data, settings["model"], **_options(settings))
    return ranker.candidate_blocks()


def _top(data: Data, settings: Mapping, ranker, k: int,
         genes: Sequence[str] | None) -> pd.DataFrame:
    """The ``k`` best candidates of a heuristic or a fitted learned model."""
    check_k(k, "top_links")
    rows, cols, scores = best_of_blocks(_blocks(data, settings, ranker), k,
                                        focus=gene_focus(data, genes))
    return pairs_table(data, rows, cols, scores)


def _precision_at_k(hiding, settings: Mapping, k: int, seed: int, device: str) -> float:
    """Share of the ``k`` best-scored candidates of the hidden map that are hidden pairs."""
    ordered = settings.get("ordered", False)
    hidden = hiding.test if ordered else np.sort(hiding.test, axis=1)
    k = min(k, len(hidden))
    graph = hiding.train_graph
    fitted = _fit_ranker(graph, settings, seed, device)
    rows, cols, _ = best_of_blocks(
        _blocks(graph, settings, None if fitted is None else fitted.predictor), k)
    n = graph.num_nodes  # unordered candidates come as row < col, as `hidden` is sorted
    found = np.isin(rows * n + cols, hidden[:, 0].astype(np.int64) * n + hidden[:, 1])
    return float(found.sum() / k)


def _calibration(hiding, settings: Mapping) -> tuple[float, float]:
    """``(a, b)`` of ``sigmoid(a log1p(score) + b)``: hidden pairs against sampled non-edges
    of one hiding."""
    genes = pd.Index([str(g) for g in hiding.train_graph.node_ids])
    pairs = np.concatenate([hiding.test, hiding.test_negatives])
    labels = np.r_[np.ones(len(hiding.test)), np.zeros(len(hiding.test_negatives))]
    method = settings["model"]
    table = pair_scores(hiding.train_graph, list(zip(genes[pairs[:, 0]], genes[pairs[:, 1]])),
                        methods=[method], **_options(settings))
    x = np.log1p(table[method].to_numpy())[:, None]
    if len(np.unique(labels)) < 2 or np.ptp(x) == 0:
        return 0.0, 0.0
    fitted = LogisticRegression().fit(x, labels)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])
