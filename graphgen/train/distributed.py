"""Training on several processes and machines with ``torch.distributed`` (DDP).

Every process (a *rank*) runs the same program: it loads the same graph, builds the same
model with the same seed, and trains it wrapped in ``DistributedDataParallel``, so the
gradients of every step are averaged over the ranks and the weights stay equal. What differs
is the data: each epoch's training items (genes, samples, pairs) are shuffled with a seed
shared by all ranks and dealt out, rank ``r`` taking items ``r, r + W, r + 2W, ...``, so every
rank steps on its own share (and, with ``fanout``, samples its own sub-graphs). Validation
logits are computed on every rank (layer-wise inference splits the nodes over the ranks and
gathers them), the metrics and the stop decision come from rank 0, and only rank 0 writes
checkpoints and run folders. When a rank dies the group stops; ``--resume`` carries the run
on from the checkpoints.

Start it with ``graphgen run exp.toml --nproc N`` (one machine) or with ``torchrun``
(several machines; ``docs/scale.md``): both set ``RANK``, ``WORLD_SIZE`` and the rendezvous
variables that :func:`init_from_env` reads. The backend is ``gloo`` on CPUs and ``nccl`` on
GPUs (each rank then takes GPU ``LOCAL_RANK``).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import torch

from graphgen.exceptions import ConfigError

__all__ = ["init_from_env", "is_main", "launch", "rank_and_world"]

log = logging.getLogger(__name__)


def rank_and_world() -> tuple[int, int]:
    """``(rank, world size)`` of this process: ``(0, 1)`` outside a distributed run."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def is_main() -> bool:
    """Whether this process writes files and logs (rank 0, or not distributed)."""
    return rank_and_world()[0] == 0


def init_from_env(device: str = "auto") -> tuple[int, int]:
    """Join the process group described by the environment (``torchrun`` sets it), once.

    Args:
        device: the trainer's device setting: ``nccl`` is used when it names (or ``auto``
            finds) a GPU, ``gloo`` otherwise.

    Returns:
        ``(rank, world size)``; ``(0, 1)`` when ``WORLD_SIZE`` is unset or 1.

    Raises:
        ConfigError: the variables are incomplete or the group cannot be joined.
    """
    world = int(os.environ.get("WORLD_SIZE", "1") or 1)
    dist = torch.distributed
    if world <= 1 or (dist.is_available() and dist.is_initialized()):
        return rank_and_world()
    if not dist.is_available():
        raise ConfigError("this torch build has no torch.distributed; run with one process")
    missing = [v for v in ("RANK", "MASTER_ADDR", "MASTER_PORT") if v not in os.environ]
    if missing:
        raise ConfigError(f"WORLD_SIZE={world} but {missing} are not set; start the run with "
                          "`graphgen run --nproc N` or torchrun (docs/scale.md)")
    gpu = torch.cuda.is_available() and (device == "auto" or device.startswith("cuda"))
    if gpu:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    try:
        dist.init_process_group(backend="nccl" if gpu else "gloo")
    except (RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot join the process group at {os.environ['MASTER_ADDR']}:"
                          f"{os.environ['MASTER_PORT']} ({exc})") from None
    rank, world = rank_and_world()
    log.info("rank %d of %d joined (%s)", rank, world, dist.get_backend())
    return rank, world


def launch(nproc: int, argv: Sequence[str]) -> int:
    """Run ``graphgen ARGV`` on ``nproc`` local processes with torchrun (standalone
    rendezvous on this machine) and return the exit status.

    When a rank fails, torchrun stops the whole group; rerunning the command with
    ``--resume`` continues from rank 0's checkpoints and ends as an uninterrupted run would.

    Raises:
        ConfigError: ``nproc`` < 1.
    """
    if not isinstance(nproc, int) or nproc < 1:
        raise ConfigError(f"--nproc must be an integer >= 1, got {nproc!r}")
    from torch.distributed import run as torchrun

    threads = max(1, (os.cpu_count() or 1) // nproc)
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))  # no oversubscription
    args = ["--standalone", f"--nproc-per-node={nproc}", "-m", "graphgen", *argv]
    try:
        torchrun.main(args)
    except SystemExit as exc:  # pragma: no cover - torchrun's own exit
        return int(exc.code or 0)
    except Exception as exc:  # torchrun raises ChildFailedError with each rank's error
        print(f"graphgen: a rank failed: {exc}", file=sys.stderr)
        return 1
    return 0
