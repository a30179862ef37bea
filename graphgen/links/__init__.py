"""Link prediction: which interactions and regulations are missing.

The classic heuristics and Kovács' L3 on sparse matrices (:mod:`graphgen.links.heuristics`),
learned rankers (:mod:`graphgen.links.feature_classifier`, :mod:`graphgen.links.autoencoder`),
the best pairs over every candidate (:mod:`graphgen.links.ranking`), metrics over all
candidates (:mod:`graphgen.links.metrics`) and leak-free edge splits with negatives that are
no known edge (:mod:`graphgen.links.splits`). :class:`graphgen.LinkPredictor` is the
estimator over them.
"""

from graphgen.links.heuristics import HEURISTICS, pair_scores, top_pairs
from graphgen.links.metrics import candidate_metrics, hits_at_k, mean_reciprocal_rank
from graphgen.links.splits import EdgeSplit, edge_split, labelled_pairs, new_pairs

__all__ = ["HEURISTICS", "EdgeSplit", "candidate_metrics", "edge_split", "hits_at_k",
           "labelled_pairs",
           "mean_reciprocal_rank", "new_pairs", "pair_scores", "top_pairs"]
