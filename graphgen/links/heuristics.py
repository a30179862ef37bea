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

**Ordered pairs** (``ordered=True``, a regulatory graph: does TF ``a`` regulate gene ``b``?)
read the stored directions, with :math:`A_{ab} = 1` for an edge ``a -> b``, out-degrees
:math:`k^+` and in-degrees :math:`k^-`. ``common_neighbours`` counts the genes ``w`` of
``a -> w -> b`` (:math:`(A^2)_{ab}`; Adamic-Adar and resource allocation weigh them by
their partner counts); ``l3`` sums the paths ``a -> u <- v -> b`` (``a`` shares target ``u``
with regulator ``v``, which regulates ``b``), :math:`(A D_-^{-\alpha} A^\top D_+^{-\alpha}
A)_{ab}`; the end degrees are :math:`k^+_a` and :math:`k^-_b` (Jaccard: out-neighbours of
``a`` against in-neighbours of ``b``; preferential attachment :math:`k^+_a k^-_b`). On an
undirected graph every formula reduces to the one above.

Every score is a row-wise product of sparse rows (no dense ``n x n`` matrix): for ``P``
pairs the cost is that of ``P`` sparse row products. Edge weights are ignored (the
literature's heuristics count interactions); unordered, both directions of a stored edge
count as one interaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.nodes import neighbour_matrix, node_positions
from graphgen.links.ranking import (
    best_of_blocks,
    check_k,
    gene_focus,
    pair_positions,
    pairs_table,
)

__all__ = ["HEURISTICS", "SPARSE_HEURISTICS", "candidate_blocks", "check_exponents",
           "pair_paths", "pair_scores", "top_pairs"]

#: The heuristics :func:`pair_scores` computes.
HEURISTICS = ("common_neighbours", "jaccard", "adamic_adar", "resource_allocation",
              "preferential_attachment", "l3")


class _Paths(NamedTuple):
    """The matrices of the scores: ``out`` (rows: a gene's targets, or partners),
    ``into`` (rows: a gene's regulators, or partners), out- and in-degrees and partner
    counts (the weight of a middle gene)."""

    out: sp.csr_matrix
    into: sp.csr_matrix
    out_degree: np.ndarray
    in_degree: np.ndarray
    partners: np.ndarray

    def middle(self, method: str, l3_exponent: float) -> sp.csr_matrix:
        """``M`` with score ``out[a] M into[b]^T`` (``l3``) or the diagonal weights of the
        middle gene (the common-neighbour family)."""
        if method == "l3":
            return (sp.diags(_power(self.in_degree, l3_exponent)) @ self.into
                    @ sp.diags(_power(self.out_degree, l3_exponent))).tocsr()
        degree = self.partners
        with np.errstate(divide="ignore"):
            weight = {"common_neighbours": np.ones(len(degree)),
                      "jaccard": np.ones(len(degree)),
                      "adamic_adar": np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)),
                                              0.0),
                      "resource_allocation": np.divide(1.0, degree, out=np.zeros_like(degree),
                                                       where=degree > 0)}[method]
        return sp.diags(weight).tocsr()


def _paths(data: Data, ordered: bool) -> _Paths:
    """The :class:`_Paths` of a graph that has edges.

    Raises:
        DataFormatError: a graph without edges.
    """
    if data.edge_index.shape[1] == 0:
        raise DataFormatError("link heuristics need a graph with edges; this one has none")
    partners = neighbour_matrix(data)
    partner_count = np.asarray(partners.sum(axis=1)).ravel()
    if not ordered:
        return _Paths(partners, partners, partner_count, partner_count, partner_count)
    out = neighbour_matrix(data, ordered=True)
    return _Paths(out, out.T.tocsr(), np.asarray(out.sum(axis=1)).ravel(),
                  np.asarray(out.sum(axis=0)).ravel(), partner_count)


def pair_scores(data: Data, pairs: Sequence[tuple[str, str]] | pd.DataFrame, *,
                methods: Sequence[str] = HEURISTICS, l3_exponent: float = 0.5,
                endpoint_exponent: float = 0.0, ordered: bool = False) -> pd.DataFrame:
    """Heuristic scores of gene pairs.

    Args:
        data: the known interactions (``edge_index``, ``node_ids``).
        pairs: ``(gene, gene)`` tuples, or a DataFrame whose first two columns are them.
        methods: any of :data:`HEURISTICS`.
        l3_exponent: ``l3``'s weight of a path a-u-v-b is ``(k_u k_v) ** -l3_exponent``
            (default 0.5, Kovács et al.).
        endpoint_exponent: every score is divided by ``(k_a k_b) ** endpoint_exponent``
            (default 0: the published scores).
        ordered: score ``source -> target`` along the stored directions (see the module
            docstring; default: unordered pairs).

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
    frame, a_pos, b_pos = pair_positions(data, pairs, what="pair_scores")
    paths = _paths(data, ordered)
    ends = (_power(paths.out_degree, endpoint_exponent)[a_pos]
            * _power(paths.in_degree, endpoint_exponent)[b_pos])
    out = frame.copy()
    for method in methods:
        out[method] = _score(method, paths, a_pos, b_pos, l3_exponent) * ends
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


def _score(method: str, paths: _Paths, a_pos: np.ndarray, b_pos: np.ndarray,
           l3_exponent: float) -> np.ndarray:
    rows_a, rows_b = paths.out[a_pos], paths.into[b_pos]
    if method == "preferential_attachment":
        return paths.out_degree[a_pos] * paths.in_degree[b_pos]
    if method == "l3":
        middle = paths.middle("l3", l3_exponent)  # D^-1/2 A D^-1/2 for Kovács' L3
        return np.asarray((rows_a @ middle).multiply(rows_b).sum(axis=1)).ravel()
    weight = paths.middle(method, l3_exponent).diagonal()
    common = np.asarray(rows_a.multiply(rows_b) @ weight).ravel()
    if method != "jaccard":
        return common
    union = paths.out_degree[a_pos] + paths.in_degree[b_pos] - common
    return np.divide(common, union, out=np.zeros_like(common), where=union > 0)


#: Heuristics whose scores are sparse (zero for pairs without a short path).
SPARSE_HEURISTICS = ("common_neighbours", "adamic_adar", "resource_allocation", "l3")


def candidate_blocks(data: Data, method: str, *, block: int = 1024, l3_exponent: float = 0.5,
                     endpoint_exponent: float = 0.0, ordered: bool = False):
    """The nonzero scores of every candidate pair (a non-edge ``r < c``; ordered: every
    ``r -> c``, ``r != c``, that is not a stored edge), ``block`` rows of the score matrix at
    a time: yields ``(rows, cols, scores)`` arrays. The options are :func:`pair_scores`'.

    Raises:
        ConfigError: a method that is not in :data:`SPARSE_HEURISTICS`, a bad exponent.
    """
    if method not in SPARSE_HEURISTICS:
        raise ConfigError(f"candidate scores: method must be one of {list(SPARSE_HEURISTICS)}, "
                          f"got {method!r}")
    check_exponents(l3_exponent, endpoint_exponent, "candidate scores")
    paths = _paths(data, ordered)
    n = paths.out.shape[0]
    ends_out = _power(paths.out_degree, endpoint_exponent)
    ends_in = _power(paths.in_degree, endpoint_exponent)
    right = (paths.middle(method, l3_exponent) @ paths.into.T).tocsc()  # into.T: out
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        scores = (paths.out[rows] @ right).tocoo()
        r, c = rows[scores.row], scores.col.astype(np.int64)
        v = scores.data * ends_out[r] * ends_in[c]
        keep = ((c != r) if ordered else (c > r)) & (v > 0)  # unordered: each pair once
        r, c, v = r[keep], c[keep], v[keep]
        if len(r):  # known edges are no candidates
            edge = np.asarray(paths.out[r, c]).ravel() > 0
            r, c, v = r[~edge], c[~edge], v[~edge]
        yield r, c, v


def top_pairs(data: Data, k: int, *, method: str = "l3", genes: Sequence[str] | None = None,
              block: int = 1024, at_most: bool = False, l3_exponent: float = 0.5,
              endpoint_exponent: float = 0.0, ordered: bool = False) -> pd.DataFrame:
    """The ``k`` best-scored pairs that are not edges of ``data``, among all candidates.

    Every non-edge pair is a candidate (an experimentalist tests the top of this list). The
    score matrix is built ``block`` rows at a time as a sparse product (no dense ``n x n``),
    and only the block's nonzero scores compete for the top ``k`` (``np.partition``), so
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
        l3_exponent, endpoint_exponent, ordered: as in :func:`pair_scores` (defaults: the
            published scores of unordered pairs).

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
                         endpoint_exponent=endpoint_exponent, ordered=ordered), k, focus=focus)
    if len(scores) < k and not at_most:
        raise ConfigError(f"top_pairs: only {len(scores)} non-edge pairs have a nonzero "
                          f"{method} score, fewer than k={k}")
    return pairs_table(data, rows, cols, scores)


def pair_paths(data: Data, source: str, target: str, *, method: str = "l3",
               l3_exponent: float = 0.5, endpoint_exponent: float = 0.0,
               ordered: bool = False) -> pd.DataFrame:
    """Why a heuristic scores a pair: the paths it sums, each with its share of the score.

    A heuristic of :data:`SPARSE_HEURISTICS` is a sum over short paths between the two
    genes, so its explanation is exact: the ``contribution`` column sums to
    :func:`pair_scores`' score (end-degree normalisation included).

    Args:
        data: the known interactions.
        source, target: the pair (``source -> target`` when ``ordered``).
        method, l3_exponent, endpoint_exponent, ordered: as in :func:`pair_scores`.

    Returns:
        ``DataFrame`` with one row per path, largest contribution first: ``path``
        (``"A - U - V - B"``; ``"->"``/``"<-"`` along stored directions when ordered), the
        middle genes (``via`` for two steps; ``first``, ``second`` for ``l3``) and
        ``contribution``. Empty when no path joins the pair.

    Raises:
        ConfigError: a method outside :data:`SPARSE_HEURISTICS`, a bad exponent.
        IdMappingError: a gene that is not a node.

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
        ...          num_nodes=4, node_ids=["A", "B", "C", "D"])
        >>> pair_paths(g, "A", "D")[["path", "contribution"]].round(3).to_numpy().tolist()
        [['A - B - C - D', 0.5]]
    """
    if method not in SPARSE_HEURISTICS:
        raise ConfigError(f"pair_paths: method must be one of {list(SPARSE_HEURISTICS)}, got "
                          f"{method!r}")
    check_exponents(l3_exponent, endpoint_exponent, "pair_paths")
    a, b = node_positions(data, [source, target], what="pair genes")
    paths = _paths(data, ordered)
    genes = pd.Index([str(g) for g in data.node_ids])
    ends = (_power(paths.out_degree, endpoint_exponent)[a]
            * _power(paths.in_degree, endpoint_exponent)[b])
    first = paths.out[a].indices  # a -> u (or a - u)
    step, back = (" -> ", " <- ") if ordered else (" - ", " - ")
    if method != "l3":
        into_b = paths.into[b].indices  # w -> b
        via = np.intersect1d(first, into_b)
        weight = paths.middle(method, l3_exponent).diagonal()[via] * ends
        frame = pd.DataFrame({"path": [f"{source}{step}{genes[w]}{step}{target}" for w in via],
                              "via": genes[via], "contribution": weight})
    else:
        into_b = np.zeros(len(genes), dtype=bool)
        into_b[paths.into[b].indices] = True  # v -> b
        second = paths.into[first].tocoo()  # v -> u for every first step u
        keep = into_b[second.col]
        u_pos, v_pos = first[second.row[keep]], second.col[keep].astype(np.int64)
        weight = (_power(paths.in_degree, l3_exponent)[u_pos]
                  * _power(paths.out_degree, l3_exponent)[v_pos] * ends)
        frame = pd.DataFrame({
            "path": [f"{source}{step}{genes[u]}{back}{genes[v]}{step}{target}"
                     for u, v in zip(u_pos, v_pos)],
            "first": genes[u_pos], "second": genes[v_pos], "contribution": weight})
    return frame.sort_values("contribution", ascending=False, kind="mergesort").reset_index(
        drop=True)
