"""Figures of results (matplotlib, without pyplot): each writes a PNG when given a path and
returns the figure otherwise, for a notebook."""

from graphgen.plot.curves import plot_roc_pr
from graphgen.plot.explanations import plot_attributions, plot_sequence_track, plot_subgraph

__all__ = ["plot_attributions", "plot_roc_pr", "plot_sequence_track", "plot_subgraph"]
