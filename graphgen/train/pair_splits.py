"""Splits of protein pairs for interaction-type prediction, as defined by GNN-PPI.

* **random**: a random share of the pairs is the test set; most test proteins also occur in
  training pairs.
* **BFS** (breadth-first search): starting from a random protein, whole neighbourhoods of the
  interaction graph are moved to the test set until it holds the requested share of pairs, so
  test pairs gather around proteins the model rarely or never saw in training (Lv et al.,
  IJCAI 2021).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError
from graphgen.train.splits import Split

__all__ = ["bfs_pair_split", "random_pair_split"]


def _carve(pairs: np.ndarray, test: np.ndarray, val_size: float, seed: int, name: str) -> Split:
    rng = np.random.default_rng(seed)
    rest = np.setdiff1d(np.arange(len(pairs)), test)
    rest = rng.permutation(rest)
    n_val = int(round(val_size * len(rest)))
    return Split(train=pd.Index(np.sort(rest[n_val:])), val=pd.Index(np.sort(rest[:n_val])),
                 test=pd.Index(np.sort(test)), name=name)


def random_pair_split(n_pairs: int, *, test_size: float = 0.2, val_size: float = 0.1,
                      seed: int = 0) -> Split:
    """Pair positions split at random into train / validation / test.

    Example:
        >>> s = random_pair_split(100, seed=0)
        >>> len(s.train), len(s.val), len(s.test)
        (72, 8, 20)
    """
    if not 0 < test_size < 1 or not 0 <= val_size < 1:
        raise ConfigError("random_pair_split: test_size in (0, 1), val_size in [0, 1)")
    rng = np.random.default_rng(seed)
    test = rng.permutation(n_pairs)[: int(round(test_size * n_pairs))]
    return _carve(np.arange(n_pairs), test, val_size, seed, f"random seed {seed}")


def bfs_pair_split(pairs: np.ndarray, *, test_size: float = 0.2, val_size: float = 0.1,
                   seed: int = 0) -> Split:
    """GNN-PPI's breadth-first split: grow the test set around a random root protein.

    Proteins are visited breadth-first from a random root (restarting from a new random
    protein if a component is exhausted); every not-yet-assigned pair of a visited protein
    goes to the test set, until it holds ``test_size`` of the pairs.

    Args:
        pairs: ``[P, 2]`` integer protein indices of the pairs.
        test_size: share of pairs in the test set.
        val_size: share of the remaining pairs held out for early stopping.
        seed: seed of the root choice and the validation hold-out.

    Example:
        >>> chain = np.array([[i, i + 1] for i in range(9)])
        >>> s = bfs_pair_split(chain, test_size=0.3, seed=1)
        >>> len(s.test)
        3
    """
    if not 0 < test_size < 1 or not 0 <= val_size < 1:
        raise ConfigError("bfs_pair_split: test_size in (0, 1), val_size in [0, 1)")
    pairs = np.asarray(pairs)
    n_proteins = int(pairs.max()) + 1
    incident: list[list[int]] = [[] for _ in range(n_proteins)]
    for position, (a, b) in enumerate(pairs.tolist()):
        incident[a].append(position)
        incident[b].append(position)
    target = int(round(test_size * len(pairs)))
    rng = np.random.default_rng(seed)
    in_test = np.zeros(len(pairs), dtype=bool)
    visited = np.zeros(n_proteins, dtype=bool)
    order = rng.permutation(n_proteins)
    cursor, count = 0, 0
    while count < target:
        while visited[order[cursor]]:
            cursor += 1
        queue = deque([order[cursor]])
        visited[order[cursor]] = True
        while queue and count < target:
            protein = queue.popleft()
            for position in incident[protein]:
                if count >= target:
                    break
                if not in_test[position]:
                    in_test[position] = True
                    count += 1
                other = pairs[position, 1] if pairs[position, 0] == protein else pairs[position, 0]
                if not visited[other]:
                    visited[other] = True
                    queue.append(other)
    return _carve(pairs, np.flatnonzero(in_test), val_size, seed, f"bfs seed {seed}")
