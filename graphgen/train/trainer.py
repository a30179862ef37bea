"""The one training loop of graphgen: seeded, early stopping, atomic checkpoints, resume."""

from __future__ import annotations

import copy
import hashlib
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch_geometric.data import Data

from graphgen.evaluation.metrics import METRICS, MULTILABEL_METRICS
from graphgen.exceptions import ConfigError, DataFormatError, TrainingError
from graphgen.graph.nodes import check_node_features
from graphgen.graph.sampling import NeighborSampler, check_fanout
from graphgen.io.atomic import atomic_write
from graphgen.models.base import GraphModel, run_model
from graphgen.models.layerwise import layerwise_logits, receptive_hops
from graphgen.progress import progress_bar
from graphgen.train.device import check_device_name, resolve_device, to_device
from graphgen.train.distributed import rank_and_world
from graphgen.train.seeding import check_seed, seed_everything
from graphgen.train.tasks import MultiLabelTask, NodeClassificationTask, node_logits

__all__ = ["FitResult", "Trainer", "TrainerConfig"]

log = logging.getLogger(__name__)

_MONITORS = ("auto", "loss", *METRICS, *[m for m in MULTILABEL_METRICS if m not in METRICS])


@dataclass(frozen=True)
class TrainerConfig:
    """Settings of :class:`Trainer`.

    Attributes:
        max_epochs: upper bound on training epochs.
        patience: stop after this many epochs without a better validation ``monitor``.
        lr: Adam learning rate.
        weight_decay: Adam L2 penalty.
        monitor: validation metric that selects the best epoch: ``"loss"`` (lower is better),
            a metric of the task (higher is better: ``auroc``, ``auprc``, ``macro_f1``,
            ``accuracy`` for single-label tasks; ``micro_auprc``, ``macro_auprc``,
            ``micro_auroc``, ``macro_auroc``, ``micro_f1``, ``macro_f1`` for multi-label
            ones), or ``"auto"``: ``auroc`` for single-label, ``macro_auprc`` for multi-label.
        seed: seeds dropout and any other randomness of the loop.
        progress: show a progress bar on stderr: ``True``, ``False``, or ``None`` (default)
            on a terminal only, as tqdm does, so scripts and logs stay clean.
        checkpoint_every: with a checkpoint path given to :meth:`Trainer.fit`, write the
            state (atomically) every this many epochs and at the end.
        batch_size: training items (genes, samples) per optimiser step, in a new random
            order every epoch; ``None`` (default) takes all training items in one step. Sample
            graph tasks also evaluate in batches of this size.
        device: where to train: ``"auto"`` (default: the first GPU if CUDA is available,
            else the CPU), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``. The model, the graph and
            the targets move there once; metrics are computed on the CPU.
        refit: after the epoch count is chosen on the validation part, train a fresh model
            on the training *and* validation labels for that many epochs (the fit path,
            :func:`~graphgen.train.fitting.fit_model`, does it; the test part is never
            used). Off by default.
        ensemble: train this many models with seeds ``seed, seed + 1, ...`` and average
            their probabilities (the fit path does it).
        fanout: neighbour-sampled mini-batches for node tasks: at most ``fanout[l]``
            in-neighbours per node at hop ``l`` (e.g. ``(10, 10)`` for two layers; ``-1``
            takes all), drawn anew for every batch of ``batch_size`` training genes by
            :class:`~graphgen.graph.sampling.NeighborSampler`; the model runs on the sampled
            sub-graph only. Validation runs layer-wise over all nodes
            (:func:`~graphgen.models.layerwise.layerwise_logits`), exactly. ``None``
            (default): every step sees the whole graph.
        lr_plateau: multiply the learning rate by ``lr_factor`` after this many epochs
            without a lower training loss (PyTorch's ``ReduceLROnPlateau`` on the epoch's
            training loss, as GNN-PPI trains); ``None`` (default): a constant rate.
        lr_factor: the factor of ``lr_plateau``, in (0, 1).
    """

    max_epochs: int = 300
    patience: int = 40
    lr: float = 0.01
    weight_decay: float = 5e-4
    monitor: str = "auto"
    seed: int = 0
    progress: bool | None = None
    checkpoint_every: int = 10
    batch_size: int | None = None
    device: str = "auto"
    refit: bool = False
    ensemble: int = 1
    fanout: tuple[int, ...] | None = None
    lr_plateau: int | None = None
    lr_factor: float = 0.5

    def __post_init__(self) -> None:
        if self.lr_plateau is not None and (not isinstance(self.lr_plateau, int)
                                            or isinstance(self.lr_plateau, bool)
                                            or self.lr_plateau < 1):
            raise ConfigError(f"TrainerConfig: lr_plateau must be None or an integer >= 1, got "
                              f"{self.lr_plateau!r}")
        if not 0.0 < self.lr_factor < 1.0:
            raise ConfigError(f"TrainerConfig: lr_factor must be in (0, 1), got "
                              f"{self.lr_factor!r}")
        if self.fanout is not None:
            object.__setattr__(self, "fanout", check_fanout(self.fanout,
                                                            what="TrainerConfig: fanout"))
        check_device_name(self.device, what="TrainerConfig: device")
        check_seed(self.seed, what="TrainerConfig: ")
        if self.batch_size is not None and (not isinstance(self.batch_size, int)
                                            or isinstance(self.batch_size, bool)
                                            or self.batch_size < 1):
            raise ConfigError(f"TrainerConfig: batch_size must be None (full batch) or an "
                              f"integer >= 1, got {self.batch_size!r}")
        if self.monitor not in _MONITORS:
            raise ConfigError(
                f"TrainerConfig: monitor must be one of {list(_MONITORS)}, got {self.monitor!r}"
            )
        for name in ("max_epochs", "patience", "checkpoint_every", "ensemble"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
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
        epochs: epochs run before stopping (including epochs run before a resume).
        seconds: wall time of the loop (this call only).
        best_val: validation metrics (and ``loss``) at ``best_epoch``.
        history: per epoch ``{"epoch", "train_loss", "val_loss", "val_<monitor>"}`` (and
            every validation metric on epochs that set a new best).
        resumed_from: epoch of the checkpoint the run resumed from (0: a fresh start).
    """

    best_epoch: int
    epochs: int
    seconds: float
    best_val: dict[str, float]
    history: list[dict[str, float]] = field(repr=False)
    resumed_from: int = 0


class Trainer:
    """The one trainer of every graphgen task (node, multi-label, sample-graph, pair).

    The model is trained with Adam on ``task.loss`` over the training items, all in one step
    per epoch or, with ``config.batch_size``, in shuffled mini-batches; after each epoch
    the validation metrics are computed, and the weights of the best epoch (by
    ``config.monitor``) are restored at the end. Training stops early after
    ``config.patience`` epochs without improvement.

    With a ``checkpoint`` path, the whole state (weights, optimiser, best weights so far,
    history and the torch random state) is written atomically every
    ``config.checkpoint_every`` epochs; ``resume=True`` continues from it, and the run ends
    exactly as an uninterrupted one would.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.models import build_model
        >>> from graphgen.train import NodeClassificationTask
        >>> from graphgen.evaluation import stratified_split
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

    def monitor_for(self, task) -> str:
        """The validation metric that picks the best epoch for ``task``.

        Raises:
            ConfigError: the configured metric does not exist for this task.
        """
        monitor = self.config.monitor
        if monitor == "auto":
            return task.default_monitor
        if monitor != "loss" and monitor not in task.metric_names:
            raise ConfigError(f"monitor {monitor!r} is not a metric of a {task.kind} task; "
                              f"choose one of {['loss', *task.metric_names]}")
        return monitor

    def fit(
        self,
        model: nn.Module,
        data: Data,
        task,
        *,
        description: str = "train",
        checkpoint: str | os.PathLike | None = None,
        resume: bool = False,
        on_epoch_end: Callable[[int, dict[str, float]], None] | None = None,
        restore_best: bool = True,
    ) -> FitResult:
        """Train ``model`` in place on ``data`` for ``task``; return what happened.

        Args:
            model: maps ``(x, edge_index, edge_weight)`` to ``[N, task.num_outputs]`` logits.
            data: graph with node features ``x``.
            task: a :class:`~graphgen.train.tasks.NodeClassificationTask` or
                :class:`~graphgen.train.tasks.MultiLabelTask`.
            description: label of the progress bar and log lines.
            checkpoint: file to write the training state to (atomically).
            resume: continue from ``checkpoint`` if it exists (a fresh start otherwise).
            on_epoch_end: called with ``(epoch, record)`` after every epoch (e.g. to log).
            restore_best: end with the weights of the best validation epoch (default), or
                keep the last epoch's (a refit on all training labels runs a fixed count).

        Raises:
            DataFormatError: ``data`` has no node features ``x``, or NaN/inf in them.
            TrainingError: the loss became NaN or infinite (training diverged).
            ConfigError: the checkpoint belongs to another model, task or configuration, or
                the monitor is not a metric of the task.
        """
        if isinstance(data, Data):
            check_node_features(data, what=description)
        elif getattr(data, "x", None) is None:
            raise DataFormatError(
                "graph has no node features x; stack feature blocks first "
                "(graphgen.features.stack_blocks)"
            )
        cfg = self.config
        monitor = self.monitor_for(task)
        device = resolve_device(cfg.device)
        rank, world = rank_and_world()
        seed_everything(cfg.seed)
        model.to(device)
        on_device, task_on_device = to_device(data, device), to_device(task, device)
        sampler = self._sampler(model, data, task) if cfg.fanout is not None else None
        stepped = model
        if world > 1:
            from torch.nn.parallel import DistributedDataParallel

            stepped = DistributedDataParallel(
                model, device_ids=[device.index] if device.type == "cuda" else None)
        optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        scheduler = (torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimiser, mode="min", factor=cfg.lr_factor, patience=cfg.lr_plateau)
            if cfg.lr_plateau is not None else None)
        sign = -1.0 if monitor == "loss" else 1.0
        state = {"epoch": 0, "best_value": -float("inf"), "best_state": None, "best_epoch": 0,
                 "best_val": {}, "history": []}
        fingerprint = _fingerprint(model, data, task, cfg, world)
        path = Path(checkpoint) if checkpoint is not None else None
        if resume and path is not None and path.exists():
            state = _load_checkpoint(path, fingerprint, model, optimiser, scheduler)
        resumed_from = state["epoch"]
        start = time.perf_counter()
        bar = progress_bar(range(state["epoch"] + 1, cfg.max_epochs + 1), desc=description,
                           show=cfg.progress if rank == 0 else False, leave=False,
                           dynamic_ncols=True, mininterval=0.5, initial=state["epoch"],
                           total=cfg.max_epochs)
        stopped = state["epoch"] - state["best_epoch"] >= cfg.patience and state["epoch"] > 0
        for epoch in ([] if stopped else bar):
            model.train()
            losses, weights = [], []
            if sampler is not None:  # a fixed draw per (seed, epoch, rank): exact resume
                sampler.generator.manual_seed(_mix(cfg.seed, epoch, rank))
            for batch in self._batches(task_on_device.train_index, epoch, rank, world):
                optimiser.zero_grad()
                if sampler is None:
                    logits = task_on_device.forward(stepped, on_device, batch)
                else:
                    sub = to_device(sampler.sample(batch.cpu()), device)
                    logits = run_model(stepped, sub)[: len(batch)]
                loss = task_on_device.loss(logits, batch)
                loss.backward()
                optimiser.step()
                losses.append(loss.item())
                weights.append(len(batch))

            model.eval()
            with torch.no_grad():
                val_index = task_on_device.val_index
                if sampler is None:
                    logits = task_on_device.forward(model, on_device, val_index)
                else:
                    logits = layerwise_logits(
                        model, data, csr=sampler.csr, chunk_size=_chunk(cfg.batch_size),
                        distributed=world > 1).to(device).index_select(0, val_index)
                val_loss = float(task_on_device.loss(logits, val_index))
                logits = logits.cpu()  # metrics on the CPU, one move per evaluation
                # Each epoch scores the monitored metric only; all metrics at a new best.
                val = {} if monitor == "loss" else task.evaluate(logits, task.val_index,
                                                                 which=(monitor,))
                val["loss"] = val_loss
                value = _from_rank0(sign * val[monitor], world)
                if value > state["best_value"]:
                    val = {**task.evaluate(logits, task.val_index), "loss": val["loss"]}
            train_loss = float(sum(loss * w for loss, w in zip(losses, weights)) / sum(weights))
            if not math.isfinite(train_loss) or not math.isfinite(val["loss"]):
                bar.close()
                raise TrainingError(
                    f"{description}: training diverged at epoch {epoch} (training loss "
                    f"{train_loss}, validation loss {val['loss']}); lower lr (now {cfg.lr}) "
                    "or standardise the features")
            record = {"epoch": epoch, "train_loss": train_loss,
                      **{f"val_{k}": v for k, v in val.items()}}
            if scheduler is not None:  # the rate this epoch trained with, then the step
                record["lr"] = optimiser.param_groups[0]["lr"]
                scheduler.step(_from_rank0(train_loss, world))
            state["history"].append(record)
            state["epoch"] = epoch
            if value > state["best_value"]:
                state.update(best_value=value, best_epoch=epoch, best_val=val,
                             best_state=copy.deepcopy(model.state_dict()))
            bar.set_postfix({"train_loss": f"{train_loss:.3f}",
                             f"val_{monitor}": f"{val[monitor]:.3f}"}, refresh=False)
            done = epoch - state["best_epoch"] >= cfg.patience or epoch == cfg.max_epochs
            if (path is not None and rank == 0
                    and (epoch % cfg.checkpoint_every == 0 or done)):
                _save_checkpoint(path, fingerprint, state, model, optimiser, scheduler)
            if on_epoch_end is not None:
                on_epoch_end(epoch, record)
            if done:
                break
        bar.close()
        if restore_best and state["best_state"] is not None:
            model.load_state_dict(state["best_state"])
        seconds = time.perf_counter() - start
        log.info("%s: best epoch %d of %d, val %s=%.4f", description, state["best_epoch"],
                 state["epoch"], monitor, state["best_val"].get(monitor, float("nan")))
        return FitResult(best_epoch=state["best_epoch"], epochs=state["epoch"], seconds=seconds,
                         best_val=state["best_val"], history=state["history"],
                         resumed_from=resumed_from)

    def _sampler(self, model: nn.Module, data: Data, task) -> NeighborSampler:
        """The neighbour sampler of a ``fanout`` run (node tasks, models without extra
        inputs)."""
        if type(task) not in (NodeClassificationTask, MultiLabelTask):  # not their subclasses
            raise ConfigError(f"fanout (neighbour sampling) applies to node tasks, not to a "
                              f"{type(task).__name__}; leave fanout unset")
        if isinstance(model, GraphModel) and model.inputs:
            raise ConfigError(f"fanout: {type(model).__name__} reads {list(model.inputs)} "
                              "besides the graph; train it without neighbour sampling")
        hops, sampled = receptive_hops(model), len(self.config.fanout)
        if hops > sampled:
            raise ConfigError(f"fanout {list(self.config.fanout)} samples {sampled} hop(s) but "
                              f"{type(model).__name__} reads {hops}: training would see "
                              f"{sampled} hop(s) and inference all {hops}; give one fanout per "
                              f"hop (e.g. {[10] * hops})")
        return NeighborSampler(data, self.config.fanout, seed=self.config.seed)

    def _batches(self, index: torch.Tensor, epoch: int = 1, rank: int = 0,
                 world: int = 1) -> list[torch.Tensor]:
        """This rank's training batches of one epoch. One process: all items in one batch,
        or shuffled batches of ``batch_size``. Several: the items shuffled with a seed of
        the epoch shared by every rank and dealt out (rank ``r`` takes ``r, r + W, ...``;
        the ``len % W`` left over sit out that epoch), so every rank takes as many steps."""
        size = self.config.batch_size
        if world > 1:
            shared = torch.Generator().manual_seed(_mix(self.config.seed, epoch, -1))
            order = index[torch.randperm(len(index), generator=shared).to(index.device)]
            share = len(index) // world
            if share == 0:
                raise ConfigError(f"{len(index)} training items cannot be shared by {world} "
                                  "processes; use fewer processes")
            mine = order[rank::world][:share]
            return list(mine.split(size or share))
        if size is None or size >= len(index):
            return [index]
        order = index[torch.randperm(len(index)).to(index.device)]
        return list(order.split(size))

    @staticmethod
    def predict(model: nn.Module, data: Data, task=None) -> torch.Tensor:
        """Logits of ``model`` on every node (or sample, or pair) of ``data`` in evaluation
        mode, on the CPU. ``data`` is moved to the model's device for the forward pass.

        Args:
            task: the task whose ``forward`` runs the model (needed for sample-graph and pair
                tasks; node models are run on the whole graph without it).
        """
        model.eval()
        parameter = next(model.parameters(), None)
        device = parameter.device if parameter is not None else torch.device("cpu")
        data = to_device(data, device)
        with torch.no_grad():
            if task is not None:
                return to_device(task, device).forward(model, data, None).cpu()
            return node_logits(model, data).cpu()


def _mix(seed: int, epoch: int, rank: int) -> int:
    """One generator seed per (seed, epoch, rank)."""
    return (seed * 1_000_003 + epoch * 7_919 + (rank + 1) * 104_729) % (2**63)


def _chunk(batch_size: int | None) -> int:
    """Target nodes per step of layer-wise inference."""
    return max(batch_size or 0, 4096)


def _from_rank0(value: float, world: int) -> float:
    """Rank 0's value on every rank, so all ranks stop at the same epoch."""
    if world == 1:
        return value
    tensor = torch.tensor([value], dtype=torch.float64)
    torch.distributed.broadcast(tensor, src=0)
    return float(tensor.item())


def _fingerprint(model: nn.Module, data: Data, task, cfg: TrainerConfig, world: int = 1) -> str:
    """What a checkpoint must match to be resumed.

    The model's class, parameter shapes and settings (every plain attribute of every
    sub-module, so a changed dropout or number of heads counts), the feature values, the
    graph, the targets, the split and the trainer settings: change any of them and resuming
    is refused instead of silently reusing weights trained on something else.
    """
    digest = hashlib.sha256()
    digest.update(type(model).__name__.encode())
    for name, tensor in model.state_dict().items():
        digest.update(f"{name}:{tuple(tensor.shape)}".encode())
    for name, module in model.named_modules():
        plain = {k: v for k, v in sorted(vars(module).items())
                 if not k.startswith("_") and k != "training"
                 and isinstance(v, (bool, int, float, str, tuple, type(None)))}
        digest.update(f"{name}:{type(module).__name__}:{plain!r}".encode())
    for key in ("x", "edge_index", "edge_weight"):
        tensor = getattr(data, key, None)
        if isinstance(tensor, torch.Tensor):
            digest.update(f"{key}:{tuple(tensor.shape)}:{tensor.dtype}".encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().data)  # no copy
    digest.update(task.y.detach().cpu().contiguous().numpy().tobytes())
    for part, index in (("train", task.train_index), ("val", task.val_index)):
        # each part with its length: train + val alone would hash a gene moved across the
        # boundary (the first validation gene appended to training) as the same split
        digest.update(f"{part}:{len(index)}:".encode())
        digest.update(index.cpu().numpy().tobytes())
    settings = {k: v for k, v in asdict(cfg).items()
                if k not in ("progress", "max_epochs", "device", "refit", "ensemble")}
    digest.update(repr(sorted(settings.items())).encode())
    if world > 1:
        digest.update(f"world:{world}".encode())
    return digest.hexdigest()


def _save_checkpoint(path: Path, fingerprint: str, state: dict, model: nn.Module,
                     optimiser: torch.optim.Optimizer, scheduler=None) -> None:
    payload = {
        "fingerprint": fingerprint, "epoch": state["epoch"],
        "best_value": state["best_value"], "best_epoch": state["best_epoch"],
        "best_val": state["best_val"], "history": state["history"],
        "best_state": state["best_state"], "model": model.state_dict(),
        "optimiser": optimiser.state_dict(), "rng": torch.get_rng_state(),
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "wb") as handle:
        torch.save(payload, handle)


def _load_checkpoint(path: Path, fingerprint: str, model: nn.Module,
                     optimiser: torch.optim.Optimizer, scheduler=None) -> dict:
    try:
        payload = torch.load(path, weights_only=True)
    except Exception as exc:  # a corrupt or foreign file
        raise ConfigError(f"{path}: not a readable graphgen checkpoint ({exc})") from None
    if payload.get("fingerprint") != fingerprint:
        raise ConfigError(f"{path}: the checkpoint was written for another model, "
                          "hyper-parameter, feature values, labels, split or trainer setting; "
                          "delete it (or run without resume) or use another checkpoint path")
    model.load_state_dict(payload["model"])
    optimiser.load_state_dict(payload["optimiser"])
    if scheduler is not None and payload.get("scheduler") is not None:
        scheduler.load_state_dict(payload["scheduler"])
    torch.set_rng_state(payload["rng"])
    log.info("resumed from %s at epoch %d", path, payload["epoch"])
    return {k: payload[k] for k in ("epoch", "best_value", "best_epoch", "best_val", "history",
                                    "best_state")}
