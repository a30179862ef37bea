"""Figures of explanations: attribution bars, a sub-graph coloured by importance, a
per-position track of a sequence. Each writes one PNG atomically and returns its path."""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
import pandas as pd

from graphgen.plot.figures import finish, new_figure

__all__ = ["plot_attributions", "plot_sequence_track", "plot_subgraph"]


def plot_attributions(values: pd.Series, path: str | os.PathLike | None = None, *,
                      top: int = 20, title: str = ""):
    """Horizontal bars of the ``top`` largest absolute attributions (positive: towards the
    explained class, red; negative: blue).

    Returns:
        ``path`` when given (PNG written), else the matplotlib ``Figure``.

    Example:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.png"
        >>> plot_attributions(pd.Series({"a": 1.0, "b": -0.5}), out).exists()
        True
    """
    chosen = values.reindex(values.abs().sort_values(ascending=False).index[:top])[::-1]
    fig = new_figure(figsize=(7, 0.3 * len(chosen) + 1.2))
    ax = fig.subplots()
    ax.barh([str(i) for i in chosen.index], chosen.to_numpy(),
            color=np.where(chosen.to_numpy() >= 0, "#c0392b", "#2e86c1"))
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set(xlabel="attribution", title=title)
    ax.tick_params(axis="y", labelsize=8)
    return finish(fig, path)


def plot_subgraph(graph: nx.Graph, path: str | os.PathLike | None = None, *,
                  title: str = ""):
    """Draw an explanatory sub-graph: node colour = ``importance``, edge width =
    ``importance``, the ``explained`` node outlined in black (``path`` or a ``Figure``, as
    :func:`plot_attributions`)."""
    fig = new_figure(figsize=(7, 6))
    ax = fig.subplots()
    layout = nx.spring_layout(graph, seed=0)
    nodes = list(graph.nodes)
    colour = [graph.nodes[n].get("importance", 0.0) for n in nodes]
    weights = np.array([d.get("importance", 1.0) for *_, d in graph.edges(data=True)])
    widths = 0.5 + 4.0 * weights / weights.max() if len(weights) and weights.max() > 0 else 1.0
    nx.draw_networkx_edges(graph, layout, ax=ax, width=widths, edge_color="#7f8c8d")
    drawn = nx.draw_networkx_nodes(
        graph, layout, nodelist=nodes, node_color=colour, cmap="Reds", ax=ax, node_size=320,
        edgecolors=["black" if graph.nodes[n].get("explained") else "none" for n in nodes],
        linewidths=2.0)
    nx.draw_networkx_labels(graph, layout, ax=ax, font_size=7)
    fig.colorbar(drawn, ax=ax, label="node importance", shrink=0.7)
    ax.set_title(title)
    ax.axis("off")
    return finish(fig, path)


def plot_sequence_track(positions: pd.DataFrame, path: str | os.PathLike | None = None, *,
                        title: str = ""):
    """Attribution per position of a sequence (``position``, ``attribution`` columns;
    ``path`` or a ``Figure``, as :func:`plot_attributions`)."""
    fig = new_figure(figsize=(10, 2.6))
    ax = fig.subplots()
    values = positions["attribution"].to_numpy()
    ax.bar(positions["position"].to_numpy(), values, width=1.0,
           color=np.where(values >= 0, "#c0392b", "#2e86c1"))
    ax.set(xlabel="position", ylabel="attribution", title=title)
    return finish(fig, path)
