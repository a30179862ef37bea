r"""A classifier over heuristic features of a pair: the learned ranker of link heuristics.

Each pair is described by the logarithms (``log1p``) of its common neighbours, Adamic-Adar,
resource allocation and L3 scores and of its two degrees (smaller, larger). The labels come
from the map itself: ``hidings`` random hidings of ``share`` of its pairs
(:func:`~graphgen.links.splits.edge_split`); on each, the features are computed on the
remaining pairs, the hidden pairs are the positives and up to ``negatives`` other candidates
(drawn, seeded) the negatives. A standardised logistic regression (or scikit-learn's
histogram gradient boosting) is fitted on all hidings and then reads the features of the
whole map.

:meth:`HeuristicClassifier.candidate_blocks` scores the candidates that have a path of
length two or three (every heuristic's nonzero pattern), block by block; a pair without one
has every path feature at zero and ranks below them in :meth:`top` lists (its score from
:meth:`pair_scores` is still the model's).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.nodes import neighbour_matrix
from graphgen.links.ranker import LinkRanker
from graphgen.links.splits import edge_split
from graphgen.scalars import check_count

__all__ = ["FEATURES", "HeuristicClassifier"]

#: The features of a pair, in column order.
FEATURES = ("common_neighbours", "adamic_adar", "resource_allocation", "l3",
            "degree_min", "degree_max")
_CLASSIFIERS = ("logreg", "boosting")


def _middles(adjacency: sp.csr_matrix) -> tuple[list[sp.csr_matrix], np.ndarray]:
    """``M`` of each path feature, whose pair score is ``A[a] M A[b]^T``, and the degrees."""
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    with np.errstate(divide="ignore"):
        adamic = np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
    root = sp.diags(np.divide(1.0, np.sqrt(degree), out=np.zeros_like(degree),
                              where=degree > 0))
    middles = [sp.identity(len(degree), format="csr"), sp.diags(adamic), sp.diags(inverse),
               root @ adjacency @ root]
    return [sp.csr_matrix(m) for m in middles], degree


def _features(paths: np.ndarray, degree_a: np.ndarray, degree_b: np.ndarray) -> np.ndarray:
    """The feature rows; rounded to 10 decimals, so that a pair's sums taken in another
    order (a block or a single pair) give the same row, and the same tree branch."""
    return np.round(np.log1p(np.column_stack([paths, np.minimum(degree_a, degree_b),
                                              np.maximum(degree_a, degree_b)])), 10)


def _support_blocks(adjacency: sp.csr_matrix, block: int
                    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Features of every candidate (non-edge ``r < c``) with a path of length 2 or 3."""
    middles, degree = _middles(adjacency)
    factors = [(m @ adjacency).tocsc() for m in middles]
    n = adjacency.shape[0]
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        left = adjacency[rows]
        blocks = [(left @ f).tocsr() for f in factors]
        pattern = (blocks[0] + blocks[3]).tocsr()  # common neighbours' pattern, L3's pattern
        pattern.data = np.ones_like(pattern.data)
        pattern.sort_indices()
        columns = []
        for part in blocks:
            aligned = (part + pattern).tocsr()  # the pattern's entries, part + 1
            aligned.sort_indices()
            if not np.array_equal(aligned.indices, pattern.indices):
                raise AssertionError("heuristic patterns do not nest")  # pragma: no cover
            columns.append(aligned.data - 1.0)
        coo = pattern.tocoo()
        r, c = rows[coo.row], coo.col.astype(np.int64)
        keep = c > r
        if keep.any():
            keep[keep] = np.asarray(adjacency[r[keep], c[keep]]).ravel() == 0
        r, c = r[keep], c[keep]
        paths = np.column_stack(columns)[keep]
        yield r, c, _features(paths, degree[r], degree[c])


def check_settings(settings: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The classifier settings of ``settings`` over the defaults, checked.

    Raises:
        ConfigError: an unknown setting or classifier, counts or shares out of range.
    """
    defaults = {"classifier": "logreg", "hidings": 3, "share": 0.1, "negatives": 100_000}
    unknown = sorted(set(settings) - set(defaults))
    if unknown:
        raise ConfigError(f"{what}: unknown classifier settings {unknown}; known: "
                          f"{sorted(defaults)}")
    out = {**defaults, **settings}
    if out["classifier"] not in _CLASSIFIERS:
        raise ConfigError(f"{what}: classifier must be one of {list(_CLASSIFIERS)}, got "
                          f"{out['classifier']!r}")
    for name in ("hidings", "negatives"):
        check_count(out[name], name, what, minimum=1)
    if not isinstance(out["share"], (int, float)) or not 0 < out["share"] < 1:
        raise ConfigError(f"{what}: share must be in (0, 1), got {out['share']!r}")
    return out


class HeuristicClassifier(LinkRanker):
    """Logistic regression (or gradient boosting) over the heuristic features of a pair,
    trained on hidings of the map itself (see the module docstring).

    Args:
        settings: ``classifier`` (``"logreg"``, default, or ``"boosting"``), ``hidings``
            (3), ``share`` (0.1), ``negatives`` (100,000 per hiding).
        seed: seeds the hidings and the drawn negatives.

    Example:
        >>> import graphgen
        >>> org = graphgen.make_organism(n_genes=150, n_samples=5, seed=0)
        >>> ranker = HeuristicClassifier().fit(org.ppi)
        >>> ranker.pair_scores(np.array([0, 1]), np.array([2, 3])).shape
        (2,)
    """

    def __init__(self, settings: Mapping[str, Any] | None = None, *, seed: int = 0) -> None:
        self.settings = check_settings(settings or {}, "HeuristicClassifier")
        self.seed = seed

    def _fit(self, data: Data) -> HeuristicClassifier:
        """Learn which features mark hidden pairs of ``data``, then read ``data``'s own.

        Raises:
            DataFormatError: no hiding holds a hidden pair with a path of length 2 or 3.
        """
        rng = np.random.default_rng(self.seed)
        limit = self.settings["negatives"]
        positives, negatives = [], []
        for i in range(self.settings["hidings"]):
            hiding = edge_split(data, val_size=0.0, test_size=self.settings["share"],
                                negatives=0.0, seed=self.seed + i)
            n = data.num_nodes
            hidden = np.sort(hiding.test, axis=1)
            keys = np.sort(hidden[:, 0].astype(np.int64) * n + hidden[:, 1])
            kept, rate = [], 1.0  # each negative kept with probability `rate`, halved as needed
            for r, c, x in _support_blocks(neighbour_matrix(hiding.train_graph), 1024):
                y = np.isin(r * n + c, keys)
                positives.append(x[y])
                kept.append(x[~y][rng.random(int((~y).sum())) < rate])
                while sum(len(k) for k in kept) > 2 * limit:
                    rate /= 2
                    kept = [k[rng.random(len(k)) < 0.5] for k in kept]
            kept = np.concatenate(kept)
            if len(kept) > limit:
                kept = kept[rng.choice(len(kept), limit, replace=False)]
            negatives.append(kept)
        pos, neg = np.concatenate(positives), np.concatenate(negatives)
        if len(pos) == 0 or len(neg) == 0:
            raise DataFormatError("HeuristicClassifier: no hidden pair has a path of length "
                                  "two or three in the map; nothing to learn from")
        x = np.r_[pos, neg]
        y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
        self.mean_, self.scale_ = x.mean(axis=0), x.std(axis=0) + 1e-12
        z = (x - self.mean_) / self.scale_
        if self.settings["classifier"] == "logreg":
            model = LogisticRegression(max_iter=2000, class_weight="balanced").fit(z, y)
            self.coef_, self.intercept_ = model.coef_[0], float(model.intercept_[0])
            self.booster_ = None
        else:
            self.booster_ = HistGradientBoostingClassifier(
                random_state=self.seed, class_weight="balanced").fit(z, y)
        self.adjacency = neighbour_matrix(data)
        return self

    def _score(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean_) / self.scale_
        if self.booster_ is not None:
            return self.booster_.predict_proba(z)[:, 1]
        return 1.0 / (1.0 + np.exp(-(z @ self.coef_ + self.intercept_)))

    def pair_scores(self, a_pos: np.ndarray, b_pos: np.ndarray) -> np.ndarray:
        """The classifier's probability (balanced classes) for pairs of node positions."""
        middles, degree = _middles(self.adjacency)
        left, right = self.adjacency[a_pos], self.adjacency[b_pos]
        paths = np.column_stack([np.asarray((left @ m).multiply(right).sum(axis=1)).ravel()
                                 for m in middles])
        return self._score(_features(paths, degree[a_pos], degree[b_pos]))

    def explain(self, a: int, b: int) -> pd.DataFrame:
        """Each feature's share of the pair's log-odds (logistic regression: weight times
        standardised value; they and ``intercept`` sum to the log-odds).

        Returns:
            ``DataFrame`` of ``feature``, ``value`` (the raw score or degree), ``weight``,
            ``contribution``, largest absolute contribution first, ``intercept`` last.

        Raises:
            ConfigError: a boosting classifier (its trees have no additive reading here).
        """
        if self.booster_ is not None:
            raise ConfigError("HeuristicClassifier: a boosting classifier has no additive "
                              "explanation; use classifier='logreg'")
        middles, degree = _middles(self.adjacency)
        left, right = self.adjacency[[a]], self.adjacency[[b]]
        raw = np.r_[[float((left @ m).multiply(right).sum()) for m in middles],
                    min(degree[a], degree[b]), max(degree[a], degree[b])]
        z = (np.log1p(raw) - self.mean_) / self.scale_
        frame = pd.DataFrame({"feature": FEATURES, "value": raw, "weight": self.coef_,
                              "contribution": self.coef_ * z})
        frame = frame.reindex(frame["contribution"].abs().sort_values(ascending=False).index)
        intercept = pd.DataFrame({"feature": ["intercept"], "value": [np.nan],
                                  "weight": [np.nan], "contribution": [self.intercept_]})
        return pd.concat([frame, intercept], ignore_index=True)

    def candidate_blocks(self, *, block: int = 1024
                         ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The probability of every candidate with a path of length two or three."""
        for r, c, x in _support_blocks(self.adjacency, block):
            yield r, c, self._score(x)

    def state(self) -> dict[str, Any]:
        """Plain values for a file (logistic regression only: gradient boosting is not saved
        as plain values).

        Raises:
            ConfigError: a boosting classifier.
        """
        if self.booster_ is not None:
            raise ConfigError("HeuristicClassifier: a boosting classifier cannot be saved "
                              "safely; use classifier='logreg'")
        return {"settings": dict(self.settings), "seed": int(self.seed),
                "mean": self.mean_.tolist(), "scale": self.scale_.tolist(),
                "coef": self.coef_.tolist(), "intercept": self.intercept_}

    @classmethod
    def from_state(cls, state: Mapping[str, Any], data: Data) -> HeuristicClassifier:
        """The classifier :meth:`state` wrote, over its map ``data``."""
        out = cls(dict(state["settings"]), seed=int(state["seed"]))
        out.mean_, out.scale_ = np.asarray(state["mean"]), np.asarray(state["scale"])
        out.coef_, out.intercept_ = np.asarray(state["coef"]), float(state["intercept"])
        out.booster_ = None
        out.adjacency = neighbour_matrix(data)
        return out
