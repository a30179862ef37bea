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

from graphgen.evaluation.splits import Split
from graphgen.exceptions import ConfigError

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
                   seed: int = 0, val: str = "bfs") -> Split:
    """GNN-PPI's breadth-first split: grow the test set around a random root protein.

    Proteins are visited breadth-first from a random root (restarting from a new random
    protein if a component is exhausted); every not-yet-assigned pair of a visited protein
    goes to the test set, until it holds ``test_size`` of the pairs.

    The validation pairs (which choose the epoch) should look like the test pairs: with
    ``val="bfs"`` (default) they are grown the same way, from another random root, over the
    pairs left after the test set, so they too involve proteins that training rarely or never
    sees. ``val="random"`` draws them at random from the remaining pairs: those proteins are
    mostly seen in training, and an epoch chosen on them favours memorising proteins, which
    is what a BFS test set punishes.

    Args:
        pairs: ``[P, 2]`` integer protein indices of the pairs.
        test_size: share of pairs in the test set.
        val_size: share of the remaining pairs held out for early stopping.
        seed: seed of the root choices and the validation hold-out.
        val: ``"bfs"`` or ``"random"`` (see above).

    Example:
        >>> chain = np.array([[i, i + 1] for i in range(9)])
        >>> s = bfs_pair_split(chain, test_size=0.3, val_size=0.2, seed=1)
        >>> len(s.test), len(s.val)
        (3, 1)
    """
    if not 0 < test_size < 1 or not 0 <= val_size < 1:
        raise ConfigError("bfs_pair_split: test_size in (0, 1), val_size in [0, 1)")
    if val not in ("bfs", "random"):
        raise ConfigError(f"bfs_pair_split: val must be 'bfs' or 'random', got {val!r}")
    pairs = np.asarray(pairs)
    everything = np.ones(len(pairs), dtype=bool)
    in_test = _grow_bfs(pairs, everything, int(round(test_size * len(pairs))),
                        np.random.default_rng(seed))
    test = np.flatnonzero(in_test)
    name = f"bfs seed {seed}"
    if val == "random":
        return _carve(pairs, test, val_size, seed, name)
    rest = ~in_test
    in_val = _grow_bfs(pairs, rest, int(round(val_size * rest.sum())),
                       np.random.default_rng([seed, 1]))
    return Split(train=pd.Index(np.flatnonzero(rest & ~in_val)),
                 val=pd.Index(np.flatnonzero(in_val)), test=pd.Index(test), name=name)


def _grow_bfs(pairs: np.ndarray, allowed: np.ndarray, target: int,
              rng: np.random.Generator) -> np.ndarray:
    """Mask of ``target`` pairs among ``allowed``, taken breadth-first from random roots."""
    n_proteins = int(pairs.max()) + 1
    incident: list[list[int]] = [[] for _ in range(n_proteins)]
    for position in np.flatnonzero(allowed).tolist():
        a, b = pairs[position]
        incident[a].append(position)
        incident[b].append(position)
    chosen = np.zeros(len(pairs), dtype=bool)
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
                if not chosen[position]:
                    chosen[position] = True
                    count += 1
                other = pairs[position, 1] if pairs[position, 0] == protein else pairs[position, 0]
                if not visited[other]:
                    visited[other] = True
                    queue.append(other)
    return chosen
