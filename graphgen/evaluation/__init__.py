"""Evaluation: how models are measured, apart from how they are trained.

Splits of labelled genes and samples (stratified, k-fold, published folds, group-aware, GNN-PPI's
pair splits), the metrics (AUROC, AUPRC, F1, multi-label) and confounders made visible. Nothing
here trains: the training engine (:mod:`graphgen.train`) reads these, and the comparisons that
fit models on shared splits (:mod:`graphgen.comparison`) sit above it.
"""

from graphgen.evaluation.confounding import (
    ConfoundingWarning,
    confounding_table,
    contingency,
    covariate_proba,
)
from graphgen.evaluation.metrics import classification_metrics, multilabel_metrics
from graphgen.evaluation.pair_splits import bfs_pair_split, random_pair_split
from graphgen.evaluation.splits import (
    Split,
    check_groups,
    check_groups_apart,
    kfold_splits,
    leave_one_group_out,
    splits_from_folds,
    stratification_key,
    stratified_split,
    train_val_split,
)

__all__ = ["ConfoundingWarning", "Split", "bfs_pair_split", "check_groups", "check_groups_apart",
           "classification_metrics", "confounding_table", "contingency", "covariate_proba",
           "kfold_splits", "leave_one_group_out", "multilabel_metrics", "random_pair_split",
           "splits_from_folds", "stratification_key", "stratified_split", "train_val_split"]
