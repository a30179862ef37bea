"""Leak-free edge splits: the message-passing graph never holds an evaluated pair.

Evaluations of link prediction leak in well-known ways (PyG users' reports: validation and
test edges left in the message-passing graph of an undirected split, negatives drawn from
test edges, sampled negatives that are future positives). :func:`edge_split` rules them out:

* an undirected graph (every edge stored both ways, a PPI) is split by *pairs*: both
  directions of a pair go to the same part, and the training graph holds the training
  pairs only, in both directions;
* a directed graph (a GRN) is split by ordered pairs (``TF -> target``); ``b -> a`` may be
  a negative of ``a -> b`` only if it is not an edge itself;
* negatives are drawn (seeded) from pairs that are no known edge of the whole graph, any
  part, and validation and test negatives are disjoint; ``hard=True`` draws them among
  pairs two steps apart (they share a neighbour), the candidates a heuristic finds hardest.

:func:`new_pairs` gives the temporal or external protocol: fit on one map, score the pairs a
newer or another map adds among the same genes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.convert import is_undirected
from graphgen.graph.nodes import neighbour_matrix, node_index

__all__ = ["EdgeSplit", "edge_split", "labelled_pairs", "new_pairs"]


@dataclass(frozen=True)
class EdgeSplit:
    """An edge split of one graph (pairs as node positions, ``[P, 2]`` int64 arrays).

    Attributes:
        train_graph: the message-passing graph: the nodes and features of the graph, the
            training pairs only (both directions when undirected, with their weights).
        train, val, test: positive pairs of each part (one direction when undirected).
        val_negatives, test_negatives: sampled non-edges of the validation and test parts.
        directed: whether pairs are ordered.
    """

    train_graph: Data
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    val_negatives: np.ndarray
    test_negatives: np.ndarray
    directed: bool

    def as_table(self, part: str) -> pd.DataFrame:
        """Positives and negatives of ``"val"`` or ``"test"`` as gene ids with a 0/1
        ``label``."""
        if part not in ("val", "test"):
            raise ConfigError(f"as_table: part must be 'val' or 'test', got {part!r}")
        genes = node_index(self.train_graph)
        pairs = np.concatenate([getattr(self, part), getattr(self, f"{part}_negatives")])
        labels = np.r_[np.ones(len(getattr(self, part)), dtype=np.int64),
                       np.zeros(len(getattr(self, f"{part}_negatives")), dtype=np.int64)]
        return pd.DataFrame({"source": genes[pairs[:, 0]], "target": genes[pairs[:, 1]],
                             "label": labels})


def edge_split(data: Data, *, val_size: float = 0.1, test_size: float = 0.1,
               negatives: float = 1.0, hard: bool = False, directed: bool | None = None,
               seed: int = 0) -> EdgeSplit:
    """Split the interactions of ``data`` into training, validation and test pairs.

    Args:
        data: the known interactions (``edge_index``, ``node_ids``; features kept).
        val_size, test_size: shares of the pairs (each part gets at least one;
            ``val_size=0``: no validation part, as in Kovács et al.'s half/half protocol).
        negatives: sampled non-edges per positive of the validation and test parts.
        hard: draw negatives among pairs two steps apart (a shared neighbour).
        directed: ``None`` (default) reads it from the graph (undirected when every edge
            is stored both ways); ``False`` on a graph that is not is an error.
        seed: seed of the shuffle and the negatives.

    Raises:
        ConfigError: ``test_size`` outside (0, 1), ``val_size`` outside [0, 1), sizes
            summing to 1 or more, ``negatives`` < 0.
        DataFormatError: fewer than three pairs, a directed graph given to an undirected
            split, too few non-edges (or pairs two steps apart) for the negatives asked.

    Example:
        >>> ring = torch.tensor([[i for i in range(10)] + [(i + 1) % 10 for i in range(10)],
        ...                      [(i + 1) % 10 for i in range(10)] + [i for i in range(10)]])
        >>> g = Data(edge_index=ring, num_nodes=10, node_ids=[f"G{i}" for i in range(10)])
        >>> s = edge_split(g, val_size=0.2, test_size=0.2, seed=0)
        >>> len(s.train), len(s.val), len(s.test), s.train_graph.edge_index.shape[1]
        (6, 2, 2, 12)
    """
    if not 0.0 < test_size < 1.0:
        raise ConfigError(f"edge_split: test_size must be in (0, 1), got {test_size!r}")
    if not 0.0 <= val_size < 1.0:
        raise ConfigError(f"edge_split: val_size must be in [0, 1), got {val_size!r}")
    if val_size + test_size >= 1.0:
        raise ConfigError("edge_split: val_size + test_size must be < 1")
    if not negatives >= 0:
        raise ConfigError(f"edge_split: negatives must be >= 0, got {negatives!r}")
    directed, keep, keys, first = _pair_keys(data, directed, "edge_split",
                                             "split it with directed=True")
    n = data.num_nodes
    pairs = np.stack([keys // n, keys % n], axis=1)
    if len(pairs) < 3:
        raise DataFormatError(f"edge_split: {len(pairs)} pair(s) are too few to split into "
                              "training, validation and test parts")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(pairs))
    n_test = max(1, int(round(test_size * len(pairs))))
    n_val = max(1, int(round(val_size * len(pairs)))) if val_size > 0 else 0
    if n_test + n_val >= len(pairs):
        raise DataFormatError(f"edge_split: {len(pairs)} pairs are too few for val_size="
                              f"{val_size} and test_size={test_size} (training keeps none)")
    test, val, train = (pairs[order[:n_test]], pairs[order[n_test:n_test + n_val]],
                        pairs[order[n_test + n_val:]])
    known = set(keys.tolist())
    if not directed:
        known |= set((pairs[:, 1] * n + pairs[:, 0]).tolist())
    drawn = _negatives(n, known, int(round(negatives * (len(val) + len(test)))), directed,
                       hard, data, rng)
    n_val_negatives = int(round(negatives * len(val)))
    weight = getattr(data, "edge_weight", None)
    train_weight = None
    if weight is not None:  # each training pair keeps its stored weight, in its own order
        pair_weight = weight.cpu().numpy()[keep][first]  # aligned with the sorted keys
        train_weight = pair_weight[np.searchsorted(keys, train[:, 0] * n + train[:, 1])]
    return EdgeSplit(train_graph=_graph(data, train, train_weight, directed), train=train,
                     val=val, test=test, val_negatives=drawn[:n_val_negatives],
                     test_negatives=drawn[n_val_negatives:], directed=bool(directed))


def labelled_pairs(data: Data, *, negatives: float = 1.0, hard: bool = False,
                   directed: bool | None = None, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Every known pair of ``data`` (label 1) and sampled non-edges (label 0), shuffled: the
    ``X`` and ``y`` of ``LinkPredictor(graph=data)`` under scikit-learn's model selection.

    Args:
        data: the map (``edge_index``, ``node_ids``).
        negatives: sampled non-edges per known pair (drawn as :func:`edge_split`'s).
        hard: draw the non-edges among pairs two steps apart.
        directed: as in :func:`edge_split` (default: read from the graph).
        seed: seed of the non-edges and the shuffle.

    Returns:
        ``(pairs, y)``: a ``source``, ``target`` table of gene ids, one row per pair
        (unordered pairs once, ``source`` the earlier node, on an undirected map), and the
        0/1 array of labels, in one seeded random order, so that folds cut without shuffling
        are not blocks of one gene's pairs.

    Raises:
        ConfigError: ``negatives`` < 0.
        DataFormatError: a map without pairs, too few non-edges, a directed map with
            ``directed=False``.

    Example:
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]), num_nodes=4,
        ...          node_ids=["A", "B", "C", "D"])
        >>> pairs, y = labelled_pairs(g, seed=0)
        >>> sorted(map(tuple, pairs[y == 1].to_numpy().tolist())), int((y == 0).sum())
        ([('A', 'B'), ('B', 'C')], 2)
    """
    if not negatives >= 0:
        raise ConfigError(f"labelled_pairs: negatives must be >= 0, got {negatives!r}")
    directed, _, keys, _ = _pair_keys(data, directed, "labelled_pairs", "pass directed=True")
    n = data.num_nodes
    if len(keys) == 0:
        raise DataFormatError("labelled_pairs: the graph has no pair of two genes")
    known = set(keys.tolist())
    if not directed:
        known |= set(((keys % n) * n + keys // n).tolist())
    rng = np.random.default_rng(seed)
    drawn = _negatives(n, known, int(round(negatives * len(keys))), bool(directed), hard,
                       data, rng)
    pairs = np.concatenate([np.stack([keys // n, keys % n], axis=1), drawn])
    y = np.r_[np.ones(len(keys), dtype=np.int64), np.zeros(len(drawn), dtype=np.int64)]
    order = rng.permutation(len(pairs))
    genes = np.asarray([str(g) for g in data.node_ids], dtype=object)
    table = pd.DataFrame({"source": genes[pairs[order, 0]], "target": genes[pairs[order, 1]]})
    return table, y[order]


def _pair_keys(data: Data, directed: bool | None, what: str, hint: str
               ) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray]:
    """Whether pairs are ordered, the edges that join two genes (a mask of ``edge_index``),
    the sorted distinct pair keys ``a * n + b`` (``a < b`` unordered) and each key's first
    edge.

    Raises:
        DataFormatError: a directed graph with ``directed=False``.
    """
    symmetric = is_undirected(data)
    if directed is None:
        directed = not symmetric
    elif not directed and not symmetric:
        raise DataFormatError(f"{what}: the graph is directed (some edges are stored one way "
                              f"only, as in a GRN); {hint}")
    n = data.num_nodes
    src, dst = data.edge_index.cpu().numpy().astype(np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    if not directed:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    keys, first = np.unique(src * n + dst, return_index=True)
    return bool(directed), keep, keys, first


def _graph(data: Data, train: np.ndarray, weight: np.ndarray | None, directed: bool) -> Data:
    """``data`` with the training pairs as its only edges."""
    edges = train.T if directed else np.concatenate([train.T, train.T[::-1]], axis=1)
    out = data.clone()
    out.edge_index = torch.as_tensor(np.ascontiguousarray(edges), dtype=torch.long)
    if weight is not None:
        both = weight if directed else np.r_[weight, weight]
        out.edge_weight = torch.as_tensor(both, dtype=data.edge_weight.dtype)
    elif hasattr(out, "edge_weight"):
        out.edge_weight = None
    return out


def _negatives(n: int, known: set, count: int, directed: bool, hard: bool, data: Data,
               rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct non-edges (ordered pairs if directed), seeded."""
    if count == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if hard:
        a = neighbour_matrix(data)
        two = (a @ a).tocoo()
        keys = two.row.astype(np.int64) * n + two.col
        keys = keys[(two.row != two.col) & (directed | (two.row < two.col))]
        pool = np.array(sorted(set(keys.tolist()) - known), dtype=np.int64)
        if len(pool) < count:
            raise DataFormatError(f"edge_split: {len(pool)} non-edges two steps apart, fewer "
                                  f"than the {count} hard negatives asked; lower negatives")
        chosen = rng.choice(pool, size=count, replace=False)
        return np.stack([chosen // n, chosen % n], axis=1)
    capacity = n * (n - 1) // (1 if directed else 2) - len(known) // (1 if directed else 2)
    if capacity < count:
        raise DataFormatError(f"edge_split: {capacity} non-edges, fewer than the {count} "
                              "negatives asked; lower negatives")
    chosen: list[int] = []
    taken = set(known)
    while len(chosen) < count:
        a = rng.integers(0, n, size=2 * (count - len(chosen)) + 8)
        b = rng.integers(0, n, size=len(a))
        if not directed:
            a, b = np.minimum(a, b), np.maximum(a, b)
        for key in (a * n + b)[a != b].tolist():
            if key not in taken:
                taken.add(key)
                chosen.append(key)
                if len(chosen) == count:
                    break
    keys = np.array(chosen, dtype=np.int64)
    return np.stack([keys // n, keys % n], axis=1)


def new_pairs(known: Data, other: Data) -> pd.DataFrame:
    """The temporal or external protocol's test pairs: interactions of ``other`` (a newer or
    another map) that ``known`` lacks, between genes that are nodes of ``known``.

    Returns:
        ``DataFrame`` of ``source``, ``target`` gene ids (undirected pairs once, in sorted
        order of the pair; ordered pairs when ``other`` is directed).

    Raises:
        DataFormatError: no such pair.

    Example:
        >>> a = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=3,
        ...          node_ids=["A", "B", "C"])
        >>> b = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
        ...          num_nodes=4, node_ids=["A", "B", "C", "D"])
        >>> new_pairs(a, b).to_numpy().tolist()
        [['B', 'C']]
    """
    genes = node_index(known)
    position = pd.Series(np.arange(len(genes)), index=genes)
    directed = not is_undirected(other)
    other_genes = node_index(other)
    src, dst = (other_genes[i] for i in other.edge_index.cpu().numpy())
    inside = src.isin(genes) & dst.isin(genes) & (src != dst)
    a, b = position[src[inside]].to_numpy(), position[dst[inside]].to_numpy()
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    n = len(genes)
    keys = np.unique(a.astype(np.int64) * n + b)
    ks, kd = known.edge_index.cpu().numpy().astype(np.int64)
    if not directed:
        ks, kd = np.minimum(ks, kd), np.maximum(ks, kd)
    keys = keys[~np.isin(keys, ks * n + kd)]
    if not len(keys):
        raise DataFormatError("new_pairs: the other map adds no interaction between genes of "
                              "the known one")
    return pd.DataFrame({"source": genes[keys // n], "target": genes[keys % n]})
