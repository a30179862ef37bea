"""numpy and torch scalars as plain Python values.

Class labels read from tables are numpy scalars (``np.int64(3)``); messages should show
``3``, and files written with ``weights_only`` loading, GraphML and TOML take Python values
only. :func:`plain` is the one conversion.
"""

from __future__ import annotations

from typing import Any

__all__ = ["plain"]


def plain(value: Any) -> Any:
    """``value`` as a Python scalar when it is a numpy or torch scalar, else unchanged.

    Example:
        >>> import numpy as np
        >>> plain(np.int64(3)), plain("a")
        (3, 'a')
    """
    return value.item() if hasattr(value, "item") else value
