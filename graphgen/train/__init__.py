"""Training and evaluation: splits, metrics, the one trainer, model comparison, run folders."""

from graphgen.train.comparison import ModelResult, compare_models
from graphgen.train.metrics import classification_metrics
from graphgen.train.run_folder import RunFolder
from graphgen.train.seeding import seed_everything
from graphgen.train.splits import Split, stratified_split
from graphgen.train.tasks import NodeClassificationTask
from graphgen.train.trainer import FitResult, Trainer, TrainerConfig

__all__ = [
    "FitResult",
    "ModelResult",
    "NodeClassificationTask",
    "RunFolder",
    "Split",
    "Trainer",
    "TrainerConfig",
    "classification_metrics",
    "compare_models",
    "seed_everything",
    "stratified_split",
]
