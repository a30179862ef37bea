"""Training and evaluation: splits, metrics, tasks, the one trainer, model comparison,
cross-validation, run folders."""

from graphgen.train.comparison import (
    CVResult,
    ModelResult,
    compare_models,
    compare_on_task,
    cross_validate,
    format_summary,
    results_table,
    summary_table,
)
from graphgen.train.confounding import (
    ConfoundingWarning,
    confounding_table,
    contingency,
    covariate_proba,
)
from graphgen.train.fitting import FittedModel, fit_model
from graphgen.train.label_features import LabelFeatures
from graphgen.train.metrics import classification_metrics, multilabel_metrics
from graphgen.train.run_folder import RunFolder
from graphgen.train.search import ModelSpec
from graphgen.train.seeding import seed_everything
from graphgen.train.splits import (
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
from graphgen.train.tasks import (
    MultiLabelTask,
    NodeClassificationTask,
    PairMultiLabelTask,
    SampleGraphTask,
    Task,
    make_task,
)
from graphgen.train.trainer import FitResult, Trainer, TrainerConfig

__all__ = [
    "CVResult",
    "ConfoundingWarning",
    "FitResult",
    "FittedModel",
    "LabelFeatures",
    "ModelResult",
    "ModelSpec",
    "MultiLabelTask",
    "NodeClassificationTask",
    "PairMultiLabelTask",
    "RunFolder",
    "SampleGraphTask",
    "Split",
    "Task",
    "Trainer",
    "TrainerConfig",
    "check_groups",
    "check_groups_apart",
    "classification_metrics",
    "compare_models",
    "compare_on_task",
    "confounding_table",
    "contingency",
    "covariate_proba",
    "cross_validate",
    "fit_model",
    "format_summary",
    "kfold_splits",
    "leave_one_group_out",
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
