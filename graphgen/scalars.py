"""numpy and torch scalars as plain Python values, and the one check of a count setting.

Class labels read from tables are numpy scalars (``np.int64(3)``); messages should show
``3``, and files written with ``weights_only`` loading, GraphML and TOML take Python values
only. :func:`plain` is the one conversion. :func:`check_count` refuses a count setting
(folds, ``k``, epochs) that is not an integer of at least its minimum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphgen.exceptions import ConfigError

__all__ = ["check_count", "plain"]


def check_count(value: Any, name: str, what: str, *, minimum: int) -> int:
    """An integer setting (``inner_folds``, ``selection_k``, ``epochs``) of at least
    ``minimum``.

    Raises:
        ConfigError: not an integer (booleans included) or below ``minimum``, naming
            ``what`` and ``name``.

    Example:
        >>> check_count(np.int64(3), "k", "top_pairs", minimum=1)
        3
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ConfigError(f"{what}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def plain(value: Any) -> Any:
    """``value`` as a Python scalar when it is a numpy or torch scalar, else unchanged.

    Example:
        >>> import numpy as np
        >>> plain(np.int64(3)), plain("a")
        (3, 'a')
    """
    return value.item() if hasattr(value, "item") else value
