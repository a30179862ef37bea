"""The one progress bar: tqdm on stderr, shown on a terminal only unless asked.

Every long loop of graphgen (training epochs, explanations of every gene, downloads) draws
its bar through :func:`progress_bar`, so one rule holds everywhere: ``show=None`` shows the
bar when stderr is a terminal (scripts, logs and CI stay clean), ``True``/``False`` force it.
A pseudo-terminal that reports no size (``script``, ``docker exec -t``, some CI runners:
0 x 0) makes tqdm count -1 rows and hide every bar; such a terminal gets 80 x 24.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from tqdm.auto import tqdm

__all__ = ["progress_bar"]

#: Columns and rows assumed on a terminal that reports none.
FALLBACK_COLUMNS, FALLBACK_ROWS = 80, 24


def progress_bar(iterable: Iterable | None = None, *, show: bool | None = None,
                 **options) -> tqdm:
    """A tqdm bar on stderr.

    Args:
        iterable: what to iterate over (or ``None`` with ``total=`` and ``update``).
        show: ``None``: on a terminal only; ``True``/``False``: always, never.
        **options: passed to tqdm (``desc``, ``total``, ``leave``, ``unit`` ...).

    Example:
        >>> sum(progress_bar(range(3), show=False))
        3
    """
    disable = None if show is None else not show
    size = _size()
    if disable is not True and size is not None and 0 in size:
        options.update(ncols=size[0] or FALLBACK_COLUMNS, nrows=size[1] or FALLBACK_ROWS,
                       dynamic_ncols=False)  # tqdm would read the zero size again
    return tqdm(iterable, disable=disable, **options)


def _size() -> tuple[int, int] | None:
    """Columns and rows of the terminal behind stderr (``None``: not a terminal)."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return size.columns, size.lines
