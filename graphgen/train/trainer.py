"""The one training loop of graphgen: seeded, early stopping on a validation metric."""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from torch_geometric.data import Data
from tqdm.auto import tqdm

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.train.metrics import METRICS
from graphgen.train.seeding import seed_everything
from graphgen.train.tasks import NodeClassificationTask

__all__ = ["FitResult", "Trainer", "TrainerConfig"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainerConfig:
    """Settings of :class:`Trainer`.

    Attributes:
        max_epochs: upper bound on training epochs.
        patience: stop after this many epochs without a better validation ``monitor``.
        lr: Adam learning rate.
        weight_decay: Adam L2 penalty.
        monitor: validation metric that selects the best epoch: ``"loss"`` (lower is better)
            or one of ``auroc``, ``auprc``, ``macro_f1``, ``accuracy`` (higher is better).
        seed: seeds dropout and any other randomness of the loop.
        progress: show a progress bar on stderr.
    """

    max_epochs: int = 300
    patience: int = 40
    lr: float = 0.01
    weight_decay: float = 5e-4
    monitor: str = "auroc"
    seed: int = 0
    progress: bool = True

    def __post_init__(self) -> None:
        if self.monitor not in ("loss", *METRICS):
            raise ConfigError(
                f"TrainerConfig: monitor must be one of {['loss', *METRICS]}, "
                f"got {self.monitor!r}"
            )
        for name in ("max_epochs", "patience"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"TrainerConfig: {name} must be an integer >= 1, got {value!r}")
        if not self.lr > 0:
            raise ConfigError(f"TrainerConfig: lr must be > 0, got {self.lr!r}")
        if self.weight_decay < 0:
            raise ConfigError(
                f"TrainerConfig: weight_decay must be >= 0, got {self.weight_decay!r}"
            )


@dataclass
class FitResult:
    """What a call to :meth:`Trainer.fit` did.

    Attributes:
        best_epoch: 1-based epoch whose weights were kept.
        epochs: epochs run before stopping.
        seconds: wall time of the loop.
        best_val: validation metrics (and ``loss``) at ``best_epoch``.
        history: per epoch ``{"epoch", "train_loss", "val_loss", <val metrics>}``.
    """

    best_epoch: int
    epochs: int
    seconds: float
    best_val: dict[str, float]
    history: list[dict[str, float]] = field(repr=False)


class Trainer:
    """Full-batch trainer for every graphgen task.

    The model is trained with Adam on ``task.loss`` over the training nodes; after each epoch
    the validation metrics are computed, and the weights of the best epoch (by
    ``config.monitor``) are restored at the end. Training stops early after
    ``config.patience`` epochs without improvement.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.models import build_model
        >>> from graphgen.train import NodeClassificationTask, stratified_split
        >>> org = make_organism(n_genes=200, n_samples=5, seed=0)
        >>> data = stack_blocks(org.ppi, {"attributes": org.features})
        >>> task = NodeClassificationTask.from_labels(
        ...     data, org.labels, stratified_split(org.labels, seed=0))
        >>> model = build_model("gcn", data.num_features, task.num_classes)
        >>> result = Trainer(TrainerConfig(max_epochs=5, progress=False)).fit(model, data, task)
        >>> result.epochs
        5
    """

    def __init__(self, config: TrainerConfig | None = None) -> None:
        self.config = config or TrainerConfig()

    def fit(
        self,
        model: nn.Module,
        data: Data,
        task: NodeClassificationTask,
        *,
        description: str = "train",
    ) -> FitResult:
        """Train ``model`` in place on ``data`` for ``task``; return what happened.

        Raises:
            DataFormatError: ``data`` has no node features ``x``.
        """
        if getattr(data, "x", None) is None:
            raise DataFormatError(
                "graph has no node features x; stack feature blocks first "
                "(graphgen.features.stack_blocks)"
            )
        cfg = self.config
        seed_everything(cfg.seed)
        edge_weight = getattr(data, "edge_weight", None)
        optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        sign = -1.0 if cfg.monitor == "loss" else 1.0
        best_value, best_state, best_epoch, best_val = -float("inf"), None, 0, {}
        history: list[dict[str, float]] = []
        start = time.perf_counter()
        bar = tqdm(range(1, cfg.max_epochs + 1), desc=description, disable=not cfg.progress,
                   leave=False, dynamic_ncols=True, mininterval=0.5)
        for epoch in bar:
            model.train()
            optimiser.zero_grad()
            logits = model(data.x, data.edge_index, edge_weight)
            loss = task.loss(logits, task.train_index)
            loss.backward()
            optimiser.step()

            model.eval()
            with torch.no_grad():
                logits = model(data.x, data.edge_index, edge_weight)
                val = task.evaluate(logits, task.val_index)
                val["loss"] = float(task.loss(logits, task.val_index))
            train_loss = loss.item()
            history.append({"epoch": epoch, "train_loss": train_loss,
                            **{f"val_{k}": v for k, v in val.items()}})
            value = sign * val[cfg.monitor]
            if value > best_value:
                best_value, best_epoch, best_val = value, epoch, val
                best_state = copy.deepcopy(model.state_dict())
            bar.set_postfix({"train_loss": f"{train_loss:.3f}",
                             f"val_{cfg.monitor}": f"{val[cfg.monitor]:.3f}"}, refresh=False)
            if epoch - best_epoch >= cfg.patience:
                break
        bar.close()
        if best_state is not None:
            model.load_state_dict(best_state)
        seconds = time.perf_counter() - start
        log.info("%s: best epoch %d of %d, val %s=%.4f", description, best_epoch,
                 len(history), cfg.monitor, best_val.get(cfg.monitor, float("nan")))
        return FitResult(best_epoch=best_epoch, epochs=len(history), seconds=seconds,
                         best_val=best_val, history=history)

    @staticmethod
    def predict(model: nn.Module, data: Data) -> torch.Tensor:
        """Logits of ``model`` on every node of ``data`` in evaluation mode."""
        model.eval()
        with torch.no_grad():
            return model(data.x, data.edge_index, getattr(data, "edge_weight", None))
