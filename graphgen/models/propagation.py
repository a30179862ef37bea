r"""Network propagation, the field's graph-only baseline for disease-gene prediction.

Known genes (the seeds) are spread over the network and every gene is scored by the mass
that reaches it (Köhler et al. 2008; Vanunu et al. 2010; HotNet2, Leiserson et al. 2015;
the "network propagation" rows of EMOGI's evaluation):

* **random walk with restart** (``RandomWalkWithRestart``): the stationary
  :math:`p = (1 - r) W p + r p_0`, i.e. :math:`p = r (I - (1 - r) W)^{-1} p_0`, with the
  column-stochastic :math:`W = A D^{-1}` (Köhler's walk: mass is conserved) or the symmetric
  :math:`W = D^{-1/2} A D^{-1/2}` (Zhou et al.; PyG's ``LabelPropagation``, scikit-learn's
  ``LabelSpreading``; on a directed graph :math:`D_{in}^{-1/2} A D_{out}^{-1/2}`, so a gene
  without out-edges still receives mass); solved by power iteration to ``tol``;
* **heat diffusion** (``HeatDiffusion``): :math:`p = \exp(-t L) p_0` with the normalised
  Laplacian :math:`L = I - D^{-1/2} A D^{-1/2}` (HotNet2's kernel), by
  ``scipy.sparse.linalg.expm_multiply``;
* **node degree** (``DegreeScorer``): no propagation at all, the score is the (weighted)
  degree. EMOGI's worry is that hubs look like cancer genes; this row shows how far degree
  alone goes.

Defaults (restart 0.3 on the symmetric walk, heat time 3, positive seeds) are the settings
with the best mean *validation* AUPRC over the four real gene tasks of the README
(``python benchmarks/propagation_defaults.py``); on the directed TRRUST graph the
column-stochastic walk does better, so name it there.

Seeds: ``"positive"`` (the training positives of each class or label, each seed vector summing
to 1), ``"signed"`` (positives minus negatives, each side summing to 1, so known negatives push
scores down), or ``"classes"`` (every class seeds its own walk and a gene's probability is its
share of the propagated mass, as in label propagation). Propagated masses are scores, not
probabilities: for ``positive`` and ``signed`` seeds they are calibrated so that the share of
non-training genes above 0.5 equals the training prevalence (a monotone map, so rankings,
AUROC and AUPRC are those of the raw scores).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import expm_multiply
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.base import GraphBaseline
from graphgen.models.sparse_conv import AdjacencyCache

__all__ = ["DegreeScorer", "HeatDiffusion", "NetworkPropagation", "RandomWalkWithRestart",
           "propagation_matrix", "walk_matrix", "DIRECTIONS", "check_direction"]

Seeds = Literal["positive", "signed", "classes"]


#: Which way a walk follows a directed edge (see :func:`walk_matrix`).
DIRECTIONS = ("forward", "reverse", "undirected")


def check_direction(direction: str) -> str:
    """``direction`` checked at the door.

    Raises:
        ConfigError: not one of :data:`DIRECTIONS`.
    """
    if direction not in DIRECTIONS:
        raise ConfigError(f"propagation: direction must be one of {list(DIRECTIONS)}, got "
                          f"{direction!r}")
    return direction


def propagation_matrix(data: Data, *, normalization: str = "column",
                       use_edge_weight: bool = True, direction: str = "forward"
                       ) -> sp.csr_matrix:
    """The walk matrix :math:`W` of ``data``'s graph (``W[i, j]``: from ``j`` to ``i``).

    Args:
        normalization: ``"column"`` (:math:`A D^{-1}`, columns sum to 1) or ``"symmetric"``
            (:math:`D^{-1/2} A D^{-1/2}`).
        use_edge_weight: weight edges by ``edge_weight`` (e.g. STRING confidence).
        direction: see :func:`walk_matrix`.

    Raises:
        ConfigError: an unknown normalisation or direction.
    """
    if normalization not in ("column", "symmetric"):
        raise ConfigError(f"propagation: normalization must be 'column' or 'symmetric', got "
                          f"{normalization!r}")
    weight = getattr(data, "edge_weight", None) if use_edge_weight else None
    return walk_matrix(data.edge_index, weight, data.num_nodes, normalization,
                       direction=check_direction(direction))


def walk_matrix(edge_index, edge_weight, n: int, normalization: str, *,
                direction: str = "forward") -> sp.csr_matrix:
    r"""The one builder of graphgen's propagation matrices (``W[i, j]``: from ``j`` to
    ``i``): ``"column"`` :math:`A D^{-1}`, ``"symmetric"`` :math:`D^{-1/2} A D^{-1/2}` or
    ``"row"`` :math:`D^{-1} A` (label propagation's walk), from an ``edge_index`` and
    optional weights. ``D`` is the diagonal of column sums (out-degrees) for ``"column"``,
    of row sums (in-degrees) for ``"row"``; ``"symmetric"`` is
    :math:`D_{in}^{-1/2} A D_{out}^{-1/2}`, which is :math:`D^{-1/2} A D^{-1/2}` on an
    undirected graph and lets a gene without out-edges (a target in a GRN) receive mass.

    ``direction`` says which way the walk follows a stored edge ``s -> t`` (``A[t, s]``):
    ``"forward"`` from ``s`` to ``t`` (a TF's mass reaches its targets), ``"reverse"`` from
    ``t`` to ``s`` (:math:`A^T`), ``"undirected"`` both ways (:math:`\max(A, A^T)`: the
    textbook walk on the symmetrised graph, a pair stored both ways counted once). A graph
    that stores both directions of every edge (a PPI) gets the same walk in all three.

    Raises:
        ConfigError: an unknown normalisation or direction.
        DataFormatError: negative or non-finite weights, or every weight 0.
    """
    if normalization not in ("column", "symmetric", "row"):
        raise ConfigError(f"propagation: normalization must be 'column', 'symmetric' or "
                          f"'row', got {normalization!r}")
    src, dst = edge_index.cpu().numpy()
    w = (edge_weight.cpu().numpy().astype(np.float64) if edge_weight is not None
         else np.ones(len(src)))
    check_direction(direction)
    if direction == "reverse":
        src, dst = dst, src
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataFormatError(f"propagation: {int(bad.sum())} edge weights are negative or not "
                              f"finite (e.g. {float(w[first])!r} on edge {int(src[first])} -> "
                              f"{int(dst[first])}); a walk needs weights >= 0 (signs of a "
                              "regulatory graph belong in edge_sign), or use_edge_weight=False")
    if len(w) and not w.any():
        raise DataFormatError("propagation: every edge weight is 0, so nothing propagates and "
                              "every gene would get the same score; give positive weights or "
                              "use_edge_weight=False")
    adjacency = sp.csr_matrix((w, (dst, src)), shape=(n, n))
    adjacency.sum_duplicates()
    if direction == "undirected":  # a pair stored both ways counts once, not twice
        adjacency = adjacency.maximum(adjacency.T).tocsr()
    if normalization == "row":
        degree = np.asarray(adjacency.sum(axis=1)).ravel()
        return (sp.diags(np.divide(1.0, degree, out=np.zeros(n), where=degree > 0))
                @ adjacency).tocsr()
    degree = np.asarray(adjacency.sum(axis=0)).ravel()  # out-degree of each source column
    if normalization == "column":
        inverse = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0)
        return (adjacency @ sp.diags(inverse)).tocsr()
    into = np.asarray(adjacency.sum(axis=1)).ravel()  # in-degree of each target row
    root_out = np.divide(1.0, np.sqrt(degree), out=np.zeros(n), where=degree > 0)
    root_in = np.divide(1.0, np.sqrt(into), out=np.zeros(n), where=into > 0)
    return (sp.diags(root_in) @ adjacency @ sp.diags(root_out)).tocsr()


class NetworkPropagation(GraphBaseline):
    """Propagate training labels over the graph (see the module docstring).

    Args:
        method: ``"rwr"`` (random walk with restart) or ``"heat"`` (heat diffusion).
        restart: restart probability of the walk, in (0, 1] (``rwr``).
        time: diffusion time, > 0 (``heat``).
        normalization: ``"column"`` or ``"symmetric"`` walk matrix (``rwr``; heat diffusion
            uses the symmetric normalised Laplacian).
        seeds: ``"positive"``, ``"signed"`` or ``"classes"``.
        use_edge_weight: weight edges by ``edge_weight``.
        tol, max_iterations: stopping rule of the power iteration (``rwr``).
        direction: ``"forward"`` (default: along the stored edges, as before this option),
            ``"reverse"`` or ``"undirected"`` (:func:`walk_matrix`); it matters on directed
            graphs only (a GRN), where ``"undirected"`` lets a target's signal reach its TF.

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
        ...          num_nodes=4)
        >>> targets = np.array([[0, 1], [0, 1], [1, 0], [1, 0]], dtype=float)
        >>> mask = np.array([True, False, False, True])
        >>> scores = RandomWalkWithRestart().predict(g, targets, mask)
        >>> bool(scores[1, 1] > scores[2, 1])  # gene 1 sits next to the positive seed
        True
    """

    def __init__(self, *, method: Literal["rwr", "heat"] = "rwr", restart: float = 0.3,
                 time: float = 3.0, normalization: Literal["column", "symmetric"] = "symmetric",
                 seeds: Seeds = "positive", use_edge_weight: bool = True, tol: float = 1e-10,
                 max_iterations: int = 1000, direction: str = "forward") -> None:
        if method not in ("rwr", "heat"):
            raise ConfigError(f"propagation: method must be 'rwr' or 'heat', got {method!r}")
        if not 0.0 < float(restart) <= 1.0:
            raise ConfigError(f"propagation: restart must be in (0, 1], got {restart!r}")
        if not float(time) > 0.0:
            raise ConfigError(f"propagation: time must be > 0, got {time!r}")
        if seeds not in ("positive", "signed", "classes"):
            raise ConfigError(f"propagation: seeds must be 'positive', 'signed' or 'classes', "
                              f"got {seeds!r}")
        if normalization not in ("column", "symmetric"):
            raise ConfigError(f"propagation: normalization must be 'column' or 'symmetric', "
                              f"got {normalization!r}")
        self.method, self.restart, self.time = method, float(restart), float(time)
        self.normalization, self.seeds = normalization, seeds
        self.use_edge_weight, self.tol, self.max_iterations = use_edge_weight, tol, max_iterations
        self.direction = check_direction(direction)
        walk = "symmetric" if method == "heat" else normalization
        self._walk = AdjacencyCache(lambda index, weight, n: walk_matrix(
            index, weight, n, walk, direction=self.direction))

    # -- the propagation itself ------------------------------------------------------------

    def propagate(self, data: Data, seeds: np.ndarray) -> np.ndarray:
        """Propagate every column of ``seeds`` ``[N, K]`` over the graph; ``[N, K]`` masses.

        Raises:
            DataFormatError: a graph without edges, seeds of the wrong length.
        """
        seeds = np.asarray(seeds, dtype=np.float64)
        if seeds.ndim == 1:
            seeds = seeds[:, None]
        if seeds.shape[0] != data.num_nodes:
            raise DataFormatError(f"propagation: seeds have {seeds.shape[0]} rows for "
                                  f"{data.num_nodes} nodes")
        if data.edge_index.shape[1] == 0:
            raise DataFormatError("network propagation needs a graph with edges; this one has "
                                  f"{data.num_nodes} nodes and none")
        weight = getattr(data, "edge_weight", None) if self.use_edge_weight else None
        walk = self._walk(data.edge_index, weight, data.num_nodes)  # built once per graph
        if self.method == "heat":
            laplacian = sp.identity(data.num_nodes, format="csr") - walk
            return np.asarray(expm_multiply(-self.time * laplacian, seeds))
        r = self.restart
        p = seeds.copy()
        for _ in range(self.max_iterations):
            nxt = (1.0 - r) * (walk @ p) + r * seeds
            if np.abs(nxt - p).max() < self.tol:
                return nxt
            p = nxt
        return p

    # -- the baseline contract -------------------------------------------------------------

    def predict(self, data: Data, targets: np.ndarray, train_mask: np.ndarray, *,
                multilabel: bool = False) -> np.ndarray:
        """``[N, C]`` scores from the training labels (see the module docstring).

        Raises:
            DataFormatError: shapes that do not cover the graph, no training gene, a class
                (or label) without a training positive, a graph without edges.
        """
        target = np.asarray(targets, dtype=np.float64)
        train = np.asarray(train_mask, dtype=bool)
        n = data.num_nodes
        if target.ndim != 2 or target.shape[0] != n or train.shape != (n,):
            raise DataFormatError(f"propagation: targets [{n}, C] and train_mask [{n}] must "
                                  f"cover the {n} nodes")
        if not train.any():
            raise DataFormatError("propagation: no training gene to propagate from")
        if not multilabel and target.shape[1] > 2 and self.seeds != "classes":
            raise DataFormatError("propagation: multi-class tasks need seeds='classes'")
        known = np.where(train[:, None], target, 0.0)
        positives = known.sum(axis=0)
        if self.seeds == "classes" and not multilabel:
            mass = self.propagate(data, known / np.maximum(positives, 1e-300))
            total = mass.sum(axis=1, keepdims=True)
            prior = np.broadcast_to(known[train].mean(axis=0), mass.shape)
            return np.where(total > 0, mass / np.maximum(total, 1e-300), prior)
        columns = list(range(target.shape[1])) if multilabel else [target.shape[1] - 1]
        pos = known[:, columns]
        empty = np.flatnonzero(pos.sum(axis=0) == 0)
        if len(empty):
            raise DataFormatError(f"propagation: label {columns[empty[0]]} has no positive "
                                  "training gene")
        seeds = pos / pos.sum(axis=0)
        if self.seeds == "signed":
            neg = train[:, None] & (target[:, columns] == 0)
            seeds = seeds - neg / np.maximum(neg.sum(axis=0), 1)
        scores = self.propagate(data, seeds)  # every column in one propagation
        out = np.zeros((n, target.shape[1]))
        for k, j in enumerate(columns):
            out[:, j] = calibrate(scores[:, k], train,
                                  prevalence=pos[:, k].sum() / train.sum())
        if not multilabel:
            out[:, 0] = 1.0 - out[:, 1]
        return out

    def __repr__(self) -> str:
        detail = (f"restart={self.restart}, normalization={self.normalization!r}"
                  if self.method == "rwr" else f"time={self.time}")
        way = "" if self.direction == "forward" else f", direction={self.direction!r}"
        return f"{type(self).__name__}({detail}, seeds={self.seeds!r}{way})"


class RandomWalkWithRestart(NetworkPropagation):
    """:class:`NetworkPropagation` with ``method="rwr"`` (registry name ``"rwr"``)."""

    def __init__(self, *, restart: float = 0.3,
                 normalization: Literal["column", "symmetric"] = "symmetric",
                 seeds: Seeds = "positive", use_edge_weight: bool = True, tol: float = 1e-10,
                 max_iterations: int = 1000, direction: str = "forward") -> None:
        super().__init__(method="rwr", restart=restart, normalization=normalization,
                         seeds=seeds, use_edge_weight=use_edge_weight, tol=tol,
                         max_iterations=max_iterations, direction=direction)


class HeatDiffusion(NetworkPropagation):
    """:class:`NetworkPropagation` with ``method="heat"`` (registry name ``"heat"``)."""

    def __init__(self, *, time: float = 3.0, seeds: Seeds = "positive",
                 use_edge_weight: bool = True, direction: str = "forward") -> None:
        super().__init__(method="heat", time=time, seeds=seeds,
                         use_edge_weight=use_edge_weight, direction=direction)


class DegreeScorer(GraphBaseline):
    """Node degree alone as the score of the positive class (or of every label).

    Args:
        weighted: sum the edge weights instead of counting edges.

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 0, 1, 2], [1, 2, 0, 0]]), num_nodes=3)
        >>> DegreeScorer().degree(g).tolist()
        [2.0, 1.0, 1.0]
    """

    def __init__(self, *, weighted: bool = False) -> None:
        self.weighted = weighted

    def degree(self, data: Data) -> np.ndarray:
        """Degree of every node (edges into it; both directions of an undirected graph)."""
        dst = data.edge_index[1].cpu().numpy()
        weight = getattr(data, "edge_weight", None)
        w = (weight.cpu().numpy().astype(np.float64) if self.weighted and weight is not None
             else np.ones(len(dst)))
        return np.bincount(dst, weights=w, minlength=data.num_nodes).astype(np.float64)

    def predict(self, data: Data, targets: np.ndarray, train_mask: np.ndarray, *,
                multilabel: bool = False) -> np.ndarray:
        target = np.asarray(targets, dtype=np.float64)
        train = np.asarray(train_mask, dtype=bool)
        if target.ndim != 2 or target.shape[0] != data.num_nodes or not train.any():
            raise DataFormatError("degree: targets must cover the nodes and some gene must "
                                  "be a training gene")
        degree = self.degree(data)
        out = np.zeros_like(target)
        columns = range(target.shape[1]) if multilabel else [target.shape[1] - 1]
        for j in columns:
            prevalence = target[train, j].mean()
            out[:, j] = calibrate(degree, train, prevalence=prevalence)
        if not multilabel:
            if target.shape[1] != 2:
                raise DataFormatError("degree: a score for binary or multi-label tasks only")
            out[:, 0] = 1.0 - out[:, 1]
        return out

    def __repr__(self) -> str:
        return f"DegreeScorer(weighted={self.weighted})"


def calibrate(score: np.ndarray, train: np.ndarray, *, prevalence: float) -> np.ndarray:
    """A monotone map of ``score`` to (0, 1) that puts the share ``prevalence`` of the
    non-training genes above 0.5 (ties at the cut stay below).

    Rankings, AUROC and AUPRC are unchanged; thresholded metrics then call as many genes
    positive as the training labels would lead one to expect.

    Example:
        >>> s = calibrate(np.arange(10.0), np.zeros(10, dtype=bool), prevalence=0.2)
        >>> int((s > 0.5).sum())
        2
    """
    score = np.asarray(score, dtype=np.float64)
    rest = score[~train] if (~train).any() else score
    prevalence = float(np.clip(prevalence, 0.0, 1.0))
    cut = np.quantile(rest, 1.0 - prevalence) if 0 < prevalence < 1 else np.median(rest)
    spread = np.std(rest) or 1.0
    return 1.0 / (1.0 + np.exp(-np.clip((score - cut) / spread * 4.0, -50, 50)))
