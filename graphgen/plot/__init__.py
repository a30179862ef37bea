"""Figures of results (matplotlib, drawn off-screen)."""

from graphgen.plot.curves import plot_roc_pr

__all__ = ["plot_roc_pr"]
