"""The best pairs of a ranking over every candidate, without an ``n x n`` matrix.

A link predictor (a heuristic, a learned model) yields its scores block by block as
``(rows, cols, scores)`` arrays of candidate pairs (non-edges, ``row < col``);
:func:`best_of_blocks` keeps the ``k`` best by partial selection (``np.partition``), so
memory stays near one block's pairs, and :func:`pairs_table` names them by gene id;
:func:`pair_positions` reads the user's pairs of gene ids back to node positions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError
from graphgen.graph.nodes import node_positions
from graphgen.scalars import check_count

__all__ = ["best_of_blocks", "check_k", "gene_focus", "pair_positions", "pairs_table"]


def check_k(k, what: str) -> None:
    """Refuse a ``k`` that is not an integer >= 1.

    Raises:
        ConfigError: naming ``what``.
    """
    check_count(k, "k", what, minimum=1)


def gene_focus(data: Data, genes: Sequence[str] | None) -> np.ndarray | None:
    """A node mask of ``genes`` (``None`` for all genes).

    Raises:
        IdMappingError: genes that are not nodes (named).
    """
    if genes is None:
        return None
    focus = np.zeros(data.num_nodes, dtype=bool)
    focus[node_positions(data, genes, what="genes")] = True
    return focus


def best_of_blocks(blocks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], k: int, *,
                   focus: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` best-scored pairs of ``blocks`` (fewer when the blocks hold fewer), best
    first; ties by position (``row``, then ``col``), both in the order and in which tied
    pairs are kept at the cut.

    Args:
        blocks: ``(rows, cols, scores)`` arrays of candidate pairs.
        k: how many pairs.
        focus: keep only pairs with at least one node in this mask.

    Returns:
        ``(rows, cols, scores)`` of the best pairs.
    """
    best_rows, best_cols, best_scores = (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0),)
    for r, c, v in blocks:
        if focus is not None:
            keep = focus[r] | focus[c]
            r, c, v = r[keep], c[keep], v[keep]
        r, c, v = (np.r_[best_rows, r], np.r_[best_cols, c], np.r_[best_scores, v])
        if len(v) > k:  # the k best; among scores tied at the cut, the first by position
            kth = -np.partition(-v, k - 1)[k - 1]
            above, tied = np.flatnonzero(v > kth), np.flatnonzero(v == kth)
            tied = tied[np.lexsort((c[tied], r[tied]))[:k - len(above)]]
            chosen = np.r_[above, tied]
            r, c, v = r[chosen], c[chosen], v[chosen]
        best_rows, best_cols, best_scores = r, c, v
    order = np.lexsort((best_cols, best_rows, -best_scores))
    return best_rows[order], best_cols[order], best_scores[order]


def pairs_table(data: Data, rows: np.ndarray, cols: np.ndarray,
                scores: np.ndarray) -> pd.DataFrame:
    """Pairs of node positions as a ``source``, ``target``, ``score`` table of gene ids."""
    genes = pd.Index([str(g) for g in data.node_ids])
    return pd.DataFrame({"source": genes[rows], "target": genes[cols],
                         "score": np.asarray(scores, dtype=np.float64)}).reset_index(drop=True)


def pair_positions(data: Data, pairs: Sequence[tuple[str, str]] | pd.DataFrame, *,
                   what: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The user's pairs as a ``source``, ``target`` table of gene ids and their node
    positions.

    Args:
        data: the graph the genes belong to.
        pairs: ``(gene, gene)`` tuples, or a DataFrame whose first two columns are them.
        what: the caller, for messages.

    Raises:
        DataFormatError: pairs that are not two genes each.
        IdMappingError: genes that are not nodes (named).
    """
    frame = pairs.iloc[:, :2] if isinstance(pairs, pd.DataFrame) else pd.DataFrame(
        list(pairs))
    if frame.shape[1] != 2:
        raise DataFormatError(f"{what}: each pair must hold two gene ids, got "
                              f"{frame.shape[1]} columns")
    frame = frame.astype(str).set_axis(["source", "target"], axis=1).reset_index(drop=True)
    return (frame, node_positions(data, frame["source"], what="pair genes"),
            node_positions(data, frame["target"], what="pair genes"))
