r"""Link-prediction heuristics on sparse matrices.

For an undirected graph with adjacency :math:`A` (binary) and degrees :math:`k`, the score
of a pair :math:`(a, b)`:

* ``common_neighbours``: :math:`|N(a) \cap N(b)| = (A^2)_{ab}`;
* ``jaccard``: :math:`|N(a) \cap N(b)| / |N(a) \cup N(b)|`;
* ``adamic_adar``: :math:`\sum_{w \in N(a) \cap N(b)} 1 / \log k_w`;
* ``resource_allocation``: :math:`\sum_{w \in N(a) \cap N(b)} 1 / k_w`;
* ``preferential_attachment``: :math:`k_a k_b`;
* ``l3`` (Kovács et al., Nat Commun 2019): paths of length three, degree-normalised,
  :math:`\sum_{a-u-v-b} 1/\sqrt{k_u k_v} = (A D^{-1/2} A D^{-1/2} A)_{ab}`. Proteins that
  interact tend to share partners' partners, not partners: on yeast-two-hybrid maps L3 far
  outperforms common neighbours.

Two exponents generalise the scores (:func:`pair_scores`, :func:`top_pairs`):
``l3_exponent`` :math:`\alpha` weighs each path of three by :math:`(k_u k_v)^{-\alpha}`
(:math:`\alpha = 1/2` is Kovács' L3, :math:`\alpha = 0` counts paths), and
``endpoint_exponent`` :math:`\beta` divides any score by :math:`(k_a k_b)^{\beta}`
(:math:`\beta = 0`, the default, leaves it as published; ``common_neighbours`` with
:math:`\beta = 1/2` is Salton's cosine). :class:`~graphgen.estimators.LinkPredictor` chooses
them on hidden pairs of the user's map.

Every score is a row-wise product of sparse rows (no dense ``n x n`` matrix): for ``P``
pairs the cost is that of ``P`` sparse row products. Edge weights are ignored (the
literature's heuristics count interactions), and both directions of a stored edge count as
one interaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.nodes import neighbour_matrix, node_positions
from graphgen.links.ranking import best_of_blocks, check_k, gene_focus, pairs_table

__all__ = ["HEURISTICS", "SPARSE_HEURISTICS", "candidate_blocks", "check_exponents",
           "pair_scores", "top_pairs"]

#: The heuristics :func:`pair_scores` computes.
HEURISTICS = ("common_neighbours", "jaccard", "adamic_adar", "resource_allocation",
              "preferential_attachment", "l3")


def _adjacency(data: Data) -> sp.csr_matrix:
    """The interaction partners (:func:`~graphgen.graph.nodes.neighbour_matrix`) of a graph
    that has some.

    Raises:
        DataFormatError: a graph without edges.
    """
    if data.edge_index.shape[1] == 0:
        raise DataFormatError("link heuristics need a graph with edges; this one has none")
    return neighbour_matrix(data)


def pair_scores(data: Data, pairs: Sequence[tuple[str, str]] | pd.DataFrame, *,
                methods: Sequence[str] = HEURISTICS, l3_exponent: float = 0.5,
                endpoint_exponent: float = 0.0) -> pd.DataFrame:
    """Heuristic scores of gene pairs.

    Args:
        data: the known interactions (``edge_index``, ``node_ids``).
        pairs: ``(gene, gene)`` tuples, or a DataFrame whose first two columns are them.
        methods: any of :data:`HEURISTICS`.
        l3_exponent: ``l3``'s weight of a path a-u-v-b is ``(k_u k_v) ** -l3_exponent``
            (default 0.5, Kovács et al.).
        endpoint_exponent: every score is divided by ``(k_a k_b) ** endpoint_exponent``
            (default 0: the published scores).

    Returns:
        ``DataFrame`` with columns ``source``, ``target`` and one per method, in the order
        of ``pairs``.

    Raises:
        ConfigError: an unknown method, an exponent that is not a finite number >= 0.
        IdMappingError: genes that are not nodes (named).
        DataFormatError: a graph without edges, pairs that are not two genes each.

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
        ...          num_nodes=4, node_ids=["A", "B", "C", "D"])
        >>> pair_scores(g, [("A", "C"), ("A", "D")],
        ...             methods=["common_neighbours", "l3"]).round(3).to_numpy().tolist()
        [['A', 'C', 1.0, 0.0], ['A', 'D', 0.0, 0.5]]
    """
    unknown = [m for m in methods if m not in HEURISTICS]
    if unknown or not methods:
        raise ConfigError(f"pair_scores: methods must be among {list(HEURISTICS)}, got "
                          f"{list(methods)}")
    check_exponents(l3_exponent, endpoint_exponent, "pair_scores")
    frame = pairs.iloc[:, :2] if isinstance(pairs, pd.DataFrame) else pd.DataFrame(
        list(pairs))
    if frame.shape[1] != 2:
        raise DataFormatError(f"pair_scores: each pair must hold two gene ids, got "
                              f"{frame.shape[1]} columns")
    frame = frame.astype(str).set_axis(["source", "target"], axis=1).reset_index(drop=True)
    a_pos = node_positions(data, frame["source"], what="pair genes")
    b_pos = node_positions(data, frame["target"], what="pair genes")
    adjacency = _adjacency(data)
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    rows_a, rows_b = adjacency[a_pos], adjacency[b_pos]
    ends = _power(degree, endpoint_exponent)
    out = frame.copy()
    for method in methods:
        out[method] = _score(method, adjacency, degree, rows_a, rows_b, a_pos, b_pos,
                             l3_exponent) * ends[a_pos] * ends[b_pos]
    return out


def check_exponents(l3_exponent: float, endpoint_exponent: float, what: str) -> None:
    """Refuse an exponent that is not a finite number >= 0, naming it and ``what``.

    Raises:
        ConfigError: the first bad exponent.
    """
    for name, value in (("l3_exponent", l3_exponent), ("endpoint_exponent", endpoint_exponent)):
        if (isinstance(value, bool) or not isinstance(value, (int, float, np.floating))
                or not np.isfinite(value) or value < 0):
            raise ConfigError(f"{what}: {name} must be a finite number >= 0, got {value!r}")


def _power(degree: np.ndarray, exponent: float) -> np.ndarray:
    """``degree ** -exponent``, 0 for a gene without partners."""
    return np.divide(1.0, degree ** exponent, out=np.zeros_like(degree), where=degree > 0)


def _score(method: str, adjacency: sp.csr_matrix, degree: np.ndarray, rows_a, rows_b,
           a_pos: np.ndarray, b_pos: np.ndarray, l3_exponent: float) -> np.ndarray:
    def weighted_common(weight: np.ndarray) -> np.ndarray:
        return np.asarray(rows_a.multiply(rows_b) @ weight).ravel()

    if method == "common_neighbours":
        return weighted_common(np.ones(len(degree)))
    if method == "jaccard":
        common = weighted_common(np.ones(len(degree)))
        union = degree[a_pos] + degree[b_pos] - common
        return np.divide(common, union, out=np.zeros_like(common), where=union > 0)
    if method == "adamic_adar":
        with np.errstate(divide="ignore"):
            weight = np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
        return weighted_common(weight)
    if method == "resource_allocation":
        weight = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
        return weighted_common(weight)
    if method == "preferential_attachment":
        return degree[a_pos] * degree[b_pos]
    weight = sp.diags(_power(degree, l3_exponent))
    middle = weight @ adjacency @ weight  # D^-1/2 A D^-1/2 for Kovács' L3
    return np.asarray((rows_a @ middle).multiply(rows_b).sum(axis=1)).ravel()  # l3


#: Heuristics whose scores are sparse (zero for pairs without a short path).
SPARSE_HEURISTICS = ("common_neighbours", "adamic_adar", "resource_allocation", "l3")


def candidate_blocks(data: Data, method: str, *, block: int = 1024, l3_exponent: float = 0.5,
                     endpoint_exponent: float = 0.0):
    """The nonzero scores of every candidate pair (a non-edge ``r < c``), ``block`` rows of
    the score matrix at a time: yields ``(rows, cols, scores)`` arrays. The exponents are
    :func:`pair_scores`'.

    Raises:
        ConfigError: a method that is not in :data:`SPARSE_HEURISTICS`, a bad exponent.
    """
    if method not in SPARSE_HEURISTICS:
        raise ConfigError(f"candidate scores: method must be one of {list(SPARSE_HEURISTICS)}, "
                          f"got {method!r}")
    check_exponents(l3_exponent, endpoint_exponent, "candidate scores")
    adjacency = _adjacency(data)
    n = adjacency.shape[0]
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    ends = _power(degree, endpoint_exponent)
    if method == "l3":
        weight = sp.diags(_power(degree, l3_exponent))
        right = (weight @ adjacency @ weight @ adjacency).tocsc()
    else:
        with np.errstate(divide="ignore"):
            weight = {"common_neighbours": np.ones(n),
                      "adamic_adar": np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)),
                                              0.0),
                      "resource_allocation": np.divide(1.0, degree, out=np.zeros_like(degree),
                                                       where=degree > 0)}[method]
        right = (sp.diags(weight) @ adjacency).tocsc()
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        scores = (adjacency[rows] @ right).tocoo()
        r, c = rows[scores.row], scores.col.astype(np.int64)
        v = scores.data * ends[r] * ends[c]
        keep = (c > r) & (v > 0)  # each unordered pair once, no self-pair
        r, c, v = r[keep], c[keep], v[keep]
        if len(r):  # known edges are no candidates
            edge = np.asarray(adjacency[r, c]).ravel() > 0
            r, c, v = r[~edge], c[~edge], v[~edge]
        yield r, c, v


def top_pairs(data: Data, k: int, *, method: str = "l3", genes: Sequence[str] | None = None,
              block: int = 1024, at_most: bool = False, l3_exponent: float = 0.5,
              endpoint_exponent: float = 0.0) -> pd.DataFrame:
    """The ``k`` best-scored pairs that are not edges of ``data``, among all candidates.

    Every non-edge pair is a candidate (an experimentalist tests the top of this list). The
    score matrix is built ``block`` rows at a time as a sparse product (no dense ``n x n``),
    and only the block's nonzero scores compete for the top ``k`` (``np.argpartition``), so
    memory stays near the largest block's nonzeros.

    Args:
        data: the known interactions.
        k: how many pairs.
        method: a heuristic of :data:`HEURISTICS` except ``preferential_attachment`` and
            ``jaccard`` (their nonzero pattern is not sparse).
        genes: restrict to pairs with at least one of these genes.
        block: rows per block.
        at_most: return fewer than ``k`` pairs when fewer candidates score above zero
            (default: that is an error).
        l3_exponent, endpoint_exponent: as in :func:`pair_scores` (defaults: the published
            scores).

    Returns:
        ``DataFrame`` of ``source``, ``target``, ``score``, best first (ties: by position).

    Raises:
        ConfigError: an unknown or dense method, ``k`` < 1 or more than the candidates with
            a nonzero score, a bad exponent.
        IdMappingError: ``genes`` that are not nodes.

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
        ...          num_nodes=4, node_ids=["A", "B", "C", "D"])
        >>> top_pairs(g, 2, method="common_neighbours").to_numpy().tolist()
        [['A', 'C', 1.0], ['B', 'D', 1.0]]
    """
    if method not in SPARSE_HEURISTICS:
        raise ConfigError(f"top_pairs: method must be one of {list(SPARSE_HEURISTICS)}, got "
                          f"{method!r}")
    check_k(k, "top_pairs")
    focus = gene_focus(data, genes)
    rows, cols, scores = best_of_blocks(
        candidate_blocks(data, method, block=block, l3_exponent=l3_exponent,
                         endpoint_exponent=endpoint_exponent), k, focus=focus)
    if len(scores) < k and not at_most:
        raise ConfigError(f"top_pairs: only {len(scores)} non-edge pairs have a nonzero "
                          f"{method} score, fewer than k={k}")
    return pairs_table(data, rows, cols, scores)
