"""Devices: where a model trains (``"cpu"``, ``"cuda"``, ``"cuda:N"``, ``"auto"``).

The trainer moves the model, the graph and the task's tensors to the device once per fit;
every operator and cache (sparse adjacencies, attention patterns, one-hot tables) is then
built from tensors already there, so nothing is copied per epoch. Metrics are computed on the
CPU from the logits, moved once per evaluation.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError

__all__ = ["DEVICES", "check_device_name", "resolve_device", "to_device"]

#: The device names graphgen accepts (``"cuda:N"`` picks GPU ``N``).
DEVICES = ("auto", "cpu", "cuda", "cuda:N")


def check_device_name(spec: Any, *, what: str = "device") -> str:
    """``spec`` if it is a device name of :data:`DEVICES` (the one parser of device names:
    ``TrainerConfig``, the estimators, TOML and the command line all come through here).

    Raises:
        ConfigError: another value, named by ``what``.

    Example:
        >>> check_device_name("cuda:1")
        'cuda:1'
    """
    if isinstance(spec, str):
        head, colon, index = spec.partition(":")
        if (not colon and spec in ("auto", "cpu", "cuda")) or (
                head == "cuda" and index.isdigit() and index == str(int(index))):
            return spec
    raise ConfigError(f"{what} must be one of {list(DEVICES)}, got {spec!r}")


def resolve_device(spec: str | torch.device | None) -> torch.device:
    """The ``torch.device`` of a device name.

    ``"auto"`` (or ``None``) is the first GPU when CUDA is available, else the CPU.

    Raises:
        ConfigError: an unknown name, or a GPU that is not there.

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
    """
    if spec is None or spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = spec if isinstance(spec, torch.device) else torch.device(check_device_name(spec))
    if device.type not in ("cpu", "cuda"):
        raise ConfigError(f"device must be one of {list(DEVICES)}, got {spec!r}")
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(f"device {spec!r}: CUDA is not available on this machine (torch "
                              f"{torch.__version__}); use device='cpu' or 'auto'")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ConfigError(f"device {spec!r}: this machine has {torch.cuda.device_count()} "
                              "GPU(s)")
    return device


def to_device(obj: Any, device: torch.device) -> Any:
    """``obj`` with its tensors on ``device``: a tensor, a PyG ``Data`` (sequences included),
    or a dataclass holding tensors (tasks, ``SampleGraphs``, ``SequenceBatch``). Objects
    already there are returned as they are (no copy on the CPU)."""
    if isinstance(obj, torch.Tensor):
        return obj if obj.device == device else obj.to(device)
    if isinstance(obj, Data):
        if _all_on(obj.to_dict().values(), device):
            return obj
        moved = obj.to(device)
        for key, value in obj.to_dict().items():
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                moved[key] = to_device(value, device)
        return moved
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}
        if _all_on(fields.values(), device):
            return obj
        return dataclasses.replace(obj, **{name: to_device(value, device)
                                           for name, value in fields.items()
                                           if isinstance(value, torch.Tensor)
                                           or dataclasses.is_dataclass(value)})
    return obj


def _all_on(values, device: torch.device) -> bool:
    for value in values:
        if isinstance(value, torch.Tensor) and value.device != device:
            return False
        if (dataclasses.is_dataclass(value) and not isinstance(value, type)
                and not _all_on((getattr(value, f.name) for f in dataclasses.fields(value)),
                                device)):
            return False
        if isinstance(value, dict) and not _all_on(value.values(), device):
            return False
    return True
