"""Pair splits: disjoint parts of the requested sizes; BFS test and validation sets gather
around proteins that training does not see, as GNN-PPI's test sets do."""

import numpy as np
import pytest

from graphgen import ConfigError
from graphgen.train.pair_splits import bfs_pair_split, random_pair_split


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
