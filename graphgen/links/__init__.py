"""Link prediction: which interactions and regulations are missing.

So far: the classic heuristics on sparse matrices (:mod:`graphgen.links.heuristics`),
scored for given pairs of gene ids.
"""

from graphgen.links.heuristics import HEURISTICS, pair_scores

__all__ = ["HEURISTICS", "pair_scores"]
