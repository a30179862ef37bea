"""Seeding every random number generator a training run touches."""

from __future__ import annotations

import random

import numpy as np
import torch

from graphgen.exceptions import ConfigError

__all__ = ["check_seed", "seed_everything"]


def check_seed(seed, *, what: str = "") -> None:
    """Refuse a seed that is not an integer in ``[0, 2**32)`` (NumPy's and scikit-learn's
    range), naming ``what`` holds it.

    Raises:
        ConfigError: a negative, too large, fractional or boolean seed.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ConfigError(f"{what}seed must be an integer in [0, 2**32), got {seed!r}")


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global RNG and torch (CPU and CUDA).

    Call it before building a model: weights are drawn when the model is constructed.

    Example:
        >>> seed_everything(0); a = torch.rand(1)
        >>> seed_everything(0); bool(torch.equal(a, torch.rand(1)))
        True
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
