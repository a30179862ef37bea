"""Training and evaluation: splits, metrics, tasks, the one trainer, model comparison,
cross-validation, run folders."""

from graphgen.train.comparison import (
    CVResult,
    ModelResult,
    compare_models,
    cross_validate,
    results_table,
    summary_table,
)
from graphgen.train.metrics import classification_metrics, multilabel_metrics
from graphgen.train.run_folder import RunFolder
from graphgen.train.seeding import seed_everything
from graphgen.train.splits import (
    Split,
    kfold_splits,
    splits_from_folds,
    stratification_key,
    stratified_split,
    train_val_split,
)
from graphgen.train.tasks import MultiLabelTask, NodeClassificationTask, make_task
from graphgen.train.trainer import FitResult, Trainer, TrainerConfig

__all__ = [
    "CVResult",
    "FitResult",
    "ModelResult",
    "MultiLabelTask",
    "NodeClassificationTask",
    "RunFolder",
    "Split",
    "Trainer",
    "TrainerConfig",
    "classification_metrics",
    "compare_models",
    "cross_validate",
    "kfold_splits",
    "make_task",
    "multilabel_metrics",
    "results_table",
    "seed_everything",
    "splits_from_folds",
    "stratification_key",
    "stratified_split",
    "summary_table",
    "train_val_split",
]
