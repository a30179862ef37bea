"""The training engine: tasks, the one trainer, the one fit path, seeding, devices,
``torch.distributed`` and nested search.

How models are measured (splits, metrics, confounders) is :mod:`graphgen.evaluation`; the
comparisons of several models on shared splits and their run folders are
:mod:`graphgen.comparison`.
"""

from graphgen.train.fitting import FittedModel, fit_model
from graphgen.train.label_features import LabelFeatures
from graphgen.train.search import ModelSpec
from graphgen.train.seeding import seed_everything
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
    "FitResult",
    "FittedModel",
    "LabelFeatures",
    "ModelSpec",
    "MultiLabelTask",
    "NodeClassificationTask",
    "PairMultiLabelTask",
    "SampleGraphTask",
    "Task",
    "Trainer",
    "TrainerConfig",
    "fit_model",
    "make_task",
    "seed_everything",
]
