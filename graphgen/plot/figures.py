"""Figures made without pyplot, written as PNG or handed back.

Every plot of graphgen draws on a ``matplotlib.figure.Figure`` made here: no backend is
chosen or switched (a notebook keeps its inline backend, a server needs no display), and no
figure stays registered in pyplot's global state. Given a path, a plot writes a PNG
atomically and returns the path; without one it returns the figure.
"""

from __future__ import annotations

import os
from pathlib import Path

from graphgen.io.atomic import atomic_write

__all__ = ["finish", "new_figure"]


def new_figure(**options):
    """A matplotlib ``Figure`` made without pyplot: no backend is chosen or switched (a
    notebook keeps its own), nothing global is left open, and it displays in Jupyter."""
    from matplotlib.figure import Figure

    return Figure(**options)


def finish(fig, path: str | os.PathLike | None):
    """``path`` given: the figure written there as PNG (atomically) and the path returned;
    ``None``: the figure itself, to show in a notebook or save in another format."""
    fig.tight_layout()
    if path is None:
        return fig
    path = Path(path)
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=120)
    return path
