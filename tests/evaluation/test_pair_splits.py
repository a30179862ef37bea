"""Pair splits: disjoint parts of the requested sizes; BFS test and validation sets gather
around proteins that training does not see, as GNN-PPI's test sets do."""

import numpy as np
import pytest

from graphgen import ConfigError
from graphgen.evaluation.pair_splits import bfs_pair_split, random_pair_split


def _pairs(seed=0, n=300, m=1200):
    rng = np.random.default_rng(seed)
    pairs = set()
    while len(pairs) < m:
        a, b = sorted(rng.choice(n, 2, replace=False))
        pairs.add((int(a), int(b)))
    return np.array(sorted(pairs))


def _unseen_share(pairs, split, part):
    seen = np.zeros(pairs.max() + 1, dtype=bool)
    seen[pairs[split.train.to_numpy()].ravel()] = True
    chosen = pairs[getattr(split, part).to_numpy()]
    return float(np.mean(~seen[chosen[:, 0]] | ~seen[chosen[:, 1]]))


@pytest.mark.parametrize("make", [
    lambda p: random_pair_split(len(p), seed=1),
    lambda p: bfs_pair_split(p, seed=1),
    lambda p: bfs_pair_split(p, seed=1, val="random"),
])
def test_parts_are_disjoint_and_sized(make):
    pairs = _pairs()
    split = make(pairs)
    parts = [set(split.train), set(split.val), set(split.test)]
    assert sum(map(len, parts)) == len(pairs) == len(set.union(*parts))
    assert len(split.test) == 240 and len(split.val) == 96


def test_bfs_validation_mirrors_the_test_set():
    pairs = _pairs()
    bfs, random_val = bfs_pair_split(pairs, seed=2), bfs_pair_split(pairs, seed=2, val="random")
    assert list(bfs.test) == list(random_val.test)  # the test set does not depend on val
    # BFS parts hold many pairs with a protein training never sees; random parts hardly any
    assert _unseen_share(pairs, bfs, "test") > 0.3
    assert _unseen_share(pairs, bfs, "val") > 0.3
    assert _unseen_share(pairs, random_val, "val") < 0.1
    assert _unseen_share(pairs, random_pair_split(len(pairs), seed=2), "test") < 0.1


def test_bad_settings():
    with pytest.raises(ConfigError, match="val must be 'bfs' or 'random'"):
        bfs_pair_split(_pairs(), val="dfs")
    with pytest.raises(ConfigError, match="test_size in"):
        random_pair_split(10, test_size=1.5)


def test_pairs_are_grown_breadth_first():
    """From the root, every pair one hop out is taken before any two hops out (a depth-first
    walk would run down one branch first)."""
    import numpy as np

    from graphgen.evaluation.pair_splits import _grow_bfs

    level1 = [(0, 1), (0, 2), (0, 3)]
    level2 = [(1, 11), (2, 12), (3, 13)]
    level3 = [(11, 21), (12, 22), (13, 23)]
    pairs = np.array(level1 + level2 + level3)

    class FromTheRoot:
        @staticmethod
        def permutation(n):
            return np.arange(n)

    chosen = _grow_bfs(pairs, np.ones(len(pairs), dtype=bool), 6, FromTheRoot())
    assert {tuple(p) for p in pairs[chosen]} == set(level1 + level2)
