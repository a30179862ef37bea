"""Explanations of one gene of a fitted :class:`~graphgen.estimators.GeneClassifier`.

- :func:`explain_gene`: one gene through PyG's ``torch_geometric.explain.Explainer``
  (``CaptumExplainer`` with Integrated Gradients or saliency, ``GNNExplainer``, or
  ``AttentionExplainer`` for GAT): feature attributions, a share per feature block, node and
  edge importances, and the explanatory sub-graph as a networkx graph (GraphML for
  Cytoscape).
- :func:`explain_pair`: one pair of a pair model.

Every gene at once, in batches of receptive fields, is :mod:`graphgen.explain.all_genes`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from scipy.sparse.csgraph import breadth_first_order
from torch import Tensor, nn

from graphgen.estimators.explainable import ExplainableGenes, explainable
from graphgen.exceptions import (
    ConfigError,
    MissingDependencyError,
)
from graphgen.explain.twin import has_message_passing, message_passing_twin
from graphgen.graph.convert import write_graphml
from graphgen.graph.nodes import node_index, node_positions
from graphgen.models.base import GraphModel
from graphgen.train.label_features import label_sources

__all__ = ["GeneExplanation", "block_importance", "explain_gene",
           "explain_pair"]

METHODS = ("integrated_gradients", "saliency", "input_x_gradient", "gnnexplainer",
           "attention")
_CAPTUM = {"integrated_gradients": "IntegratedGradients", "saliency": "Saliency",
           "input_x_gradient": "InputXGradient"}


class _Explained(GraphModel):
    """The model a classifier predicts with, as one module of logits: the mean over a seed
    ensemble's members (attributions are linear in the explained function), one label's
    logit for multi-label tasks (``column``)."""

    def __init__(self, members: list[nn.Module], column: int | None = None) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)
        self.column = column
        first = members[0]
        self.inputs = first.inputs if isinstance(first, GraphModel) else ()

    def forward(self, x: Tensor, edge_index: Tensor | None, edge_weight: Tensor | None = None,
                **inputs) -> Tensor:
        outs = []
        for member in self.members:
            args = {k: inputs[k] for k in getattr(member, "inputs", ()) if k in inputs}
            outs.append(member(x, edge_index, edge_weight, **args))
        out = torch.stack(outs).mean(dim=0)
        return out if self.column is None else out[:, self.column:self.column + 1]


@dataclass
class GeneExplanation:
    """Why a classifier scored one gene as it did.

    Attributes:
        gene: the explained gene.
        target: the class (or label) whose logit is explained.
        score: the classifier's probability of ``target`` for the gene.
        method: the attribution method.
        features: attribution per feature column, summed over the nodes that reach the gene.
        blocks: share of the absolute attribution per feature block (sums to 1).
        nodes: importance per gene of the graph (absolute attributions of its features, or
            the GNNExplainer mask), non-zero entries only, largest first.
        edges: ``source``, ``target``, ``importance`` per undirected interaction (both
            directions summed), largest first. For a model without a graph that reads the
            propagated training labels, the shortest paths from the gene to its largest
            ``label_sources`` (an edge weighs the attribution of the seeds it leads to);
            ``None`` for a model without a graph or labels block.
        explained: the explained genes (default: ``gene``; both genes of a pair).
        label_sources: for a classifier with the propagated-label block, the attribution
            of that block split over the training genes that seeded it, by each seed's
            exact share of the propagated mass
            (:func:`~graphgen.train.label_features.label_sources`); ``None`` otherwise.
    """

    gene: str
    target: str
    score: float
    method: str
    features: pd.Series
    blocks: pd.Series
    nodes: pd.Series
    edges: pd.DataFrame | None = field(default=None)
    explained: tuple[str, ...] = ()
    label_sources: pd.Series | None = field(default=None)

    def subgraph(self, top_edges: int = 25) -> nx.Graph:
        """The explanatory sub-graph: the ``top_edges`` most important interactions (or, for
        a model without a graph, the gene alone), nodes carrying ``importance`` and
        ``explained`` (the explained gene), edges carrying ``importance``."""
        if top_edges < 1:
            raise ConfigError(f"subgraph: top_edges must be >= 1, got {top_edges!r}")
        graph = nx.Graph(gene=self.gene, target=self.target, method=self.method)
        focus = set(self.explained or (self.gene,))
        graph.add_nodes_from(sorted(focus))
        if self.edges is not None:
            for row in self.edges.head(top_edges).itertuples(index=False):
                graph.add_edge(row.source, row.target, importance=float(row.importance))
        for node in graph.nodes:
            graph.nodes[node]["importance"] = float(self.nodes.get(node, 0.0))
            graph.nodes[node]["explained"] = node in focus
        return graph

    def plot(self, path: str | os.PathLike | None = None, *,
             what: Literal["subgraph", "features", "blocks"] = "subgraph", top: int = 20):
        """Draw the explanation: the sub-graph (node colour and edge width by importance),
        or bars of the ``top`` feature attributions or of the block shares.

        Args:
            path: PNG file to write; ``None`` returns the matplotlib ``Figure``.
            what: ``"subgraph"`` (default; the features for models without a graph),
                ``"features"`` or ``"blocks"``.
            top: edges of the sub-graph, or bars of the features.

        Raises:
            ConfigError: an unknown ``what``.
        """
        from graphgen.plot.explanations import plot_attributions, plot_subgraph

        title = f"{self.gene}: {self.target} (score {self.score:.3f}, {self.method})"
        if what == "subgraph" and self.edges is not None:
            return plot_subgraph(self.subgraph(top), path, title=title)
        if what in ("subgraph", "features"):
            return plot_attributions(self.features, path, top=top, title=title)
        if what == "blocks":
            return plot_attributions(self.blocks, path, top=top, title=title)
        raise ConfigError(f"plot: what must be 'subgraph', 'features' or 'blocks', got {what!r}")

    def write_graphml(self, path: str | os.PathLike, *, top_edges: int = 25) -> None:
        """Write :meth:`subgraph` as GraphML (opens in Cytoscape), atomically.

        Raises:
            DataFormatError: a gene id with a character XML cannot carry (a control
                character), named; the file would not parse.
        """
        write_graphml(self.subgraph(top_edges), path)


def _fitted(classifier: ExplainableGenes):
    """The fitted model of ``classifier``, read through the
    :class:`~graphgen.estimators.explainable.ExplainableGenes` protocol."""
    fitted = explainable(classifier, ExplainableGenes, what="explain").fitted_
    if fitted.graph_only or fitted.base is not None:
        raise ConfigError(
            f"cannot explain the graph-only model {classifier.settings_['model']!r} by "
            "gradients: its "
            "score of a gene is the propagated mass of the training genes (read their "
            "contributions from graphgen.models.propagation.propagation_matrix)")
    return fitted


def _target(classifier: ExplainableGenes, target, gene_scores: pd.Series | None = None
            ) -> tuple[int, str]:
    classes = [str(c) for c in classifier.classes_]
    if target is None:
        if classifier.kind_ == "binary":
            return 1, classes[1]
        if gene_scores is None:  # pragma: no cover - callers pass the scores
            raise ConfigError("name the class to explain with target=")
        best = int(np.argmax(gene_scores.to_numpy()))
        return best, classes[best]
    if str(target) not in classes:
        raise ConfigError(f"target {target!r} is not a class of the classifier; classes: "
                          f"{classes}")
    return classes.index(str(target)), str(target)


class _Named(nn.Module):
    """Calls ``model`` with extra inputs given by name or by position in ``names`` order
    (PyG's Captum wrapper passes them by position, its other explainers by name)."""

    def __init__(self, model: nn.Module, names: list[str]) -> None:
        super().__init__()
        self.model, self.names = model, names

    def forward(self, x: Tensor, edge_index: Tensor, *args, **kwargs) -> Tensor:
        given = {**dict(zip(self.names, args)), **kwargs}
        weight = given.pop("edge_weight", None)
        return self.model(x, edge_index, weight, **given)


def _targets(classifier: ExplainableGenes, target, positions: np.ndarray) -> np.ndarray:
    """:func:`_target` for many genes at once: the named class, the positive class of a
    binary task, or each gene's most probable class or label."""
    if target is not None or classifier.kind_ == "binary":
        return np.full(len(positions), _target(classifier, target)[0])
    return classifier.predict_proba().to_numpy()[positions].argmax(axis=1)


def _inputs(model: nn.Module, data) -> dict:
    return {name: getattr(data, name, None) for name in getattr(model, "inputs", ())}


def explain_gene(classifier: ExplainableGenes, gene: str, *, method: str = "integrated_gradients",
                 target=None, steps: int = 50, epochs: int = 200, seed: int = 0,
                 edges: bool = True) -> GeneExplanation:
    """Explain the classifier's score of one gene with PyG's ``Explainer``.

    Args:
        classifier: a fitted :class:`~graphgen.estimators.GeneClassifier` (any trained
            model, fused with sequences or not, with or without a seed ensemble).
        gene: the gene id.
        method: ``"integrated_gradients"`` (Captum, zero baseline), ``"saliency"``,
            ``"input_x_gradient"``, ``"gnnexplainer"`` (PyG's, node-feature and edge masks
            learned for ``epochs``) or ``"attention"`` (GAT only: the attention coefficients,
            edges only).
        target: class (or label) whose logit to explain; default the positive class of a
            binary task, otherwise the gene's most probable class or label.
        steps: Integrated Gradients' steps.
        epochs: GNNExplainer's optimisation steps.
        seed: seeds GNNExplainer's random mask initialisation.
        edges: also attribute the interactions (the Captum methods run a second pass for
            them; ``False`` leaves ``edges`` empty).

    Returns:
        A :class:`GeneExplanation`.

    Raises:
        NotFittedError: the classifier is not fitted.
        IdMappingError: the gene is not a node of the graph.
        ConfigError: unknown method or target, a graph-only model, ``attention`` on a model
            without attention layers.
    """
    if method not in METHODS:
        raise ConfigError(f"explain_gene: method must be one of {list(METHODS)}, got "
                          f"{method!r}")
    fitted = _fitted(classifier)
    data = classifier.data_
    position = int(node_positions(data, [gene], what="gene to explain")[0])
    proba = classifier.predict_proba([gene]).iloc[0]
    column, name = _target(classifier, target, proba)
    members = [m.eval() for m in (fitted.members or [fitted.model])]
    explanation = _explain_output(
        members, data, index=position, column=column,
        multilabel=classifier.kind_ == "multilabel", task_level="node", method=method,
        steps=steps, epochs=epochs, seed=seed, edges=edges, extra={})
    ranges = dict(getattr(data, "feature_blocks", None) or {})
    if "labels" in ranges and classifier.settings_["label_features"] is not None:
        explanation.update(_through_labels(classifier, data, position, column, explanation,
                                           ranges["labels"][0], edges))
    return GeneExplanation(gene=str(gene), target=name, score=float(proba.iloc[column]),
                           method=method, **explanation)


def _through_labels(classifier: ExplainableGenes, data, position: int, column: int,
                    explanation: dict, start: int, edges: bool, seeds: int = 10) -> dict:
    """The labels block's attribution traced to the training genes that seeded it and, for a
    model without a graph, the shortest paths that lead to the ``seeds`` largest of them."""
    block_column = 0 if classifier.kind_ == "binary" else column
    shares = label_sources(data, classifier.task_, position, block_column,
                           classifier.settings_["label_features"])
    attribution = float(explanation["features"].iloc[start + block_column])
    sources = (shares * attribution).rename("attribution")
    out = {"label_sources": sources}
    if explanation["edges"] is not None or not edges or sources.empty:
        return out
    genes = node_index(data)
    adjacency = sp.coo_matrix((np.ones(data.edge_index.shape[1]),
                               tuple(data.edge_index.cpu().numpy())),
                              shape=(data.num_nodes, data.num_nodes)).tocsr()
    _, predecessors = breadth_first_order(adjacency, position, directed=False,
                                          return_predecessors=True)
    weight: dict[tuple[int, int], float] = {}
    top = sources.abs().sort_values(ascending=False, kind="mergesort").head(seeds)
    for seed, value in top.items():
        node = int(genes.get_loc(seed))
        while predecessors[node] >= 0:  # walk back to the explained gene
            previous = int(predecessors[node])
            key = (min(node, previous), max(node, previous))
            weight[key] = weight.get(key, 0.0) + float(value)
            node = previous
    if not weight:
        return out
    pairs = np.array(list(weight), dtype=np.int64)
    table = pd.DataFrame({"source": genes[pairs[:, 0]], "target": genes[pairs[:, 1]],
                          "importance": list(weight.values())})
    table = table.sort_values("importance", ascending=False, kind="mergesort")
    nodes = explanation["nodes"].add(top, fill_value=0.0)
    out.update(edges=table.reset_index(drop=True),
               nodes=nodes[nodes > 0].sort_values(ascending=False).rename("importance"))
    return out


def explain_pair(model: nn.Module, data, pair: tuple[str, str], *, label: int,
                 method: str = "integrated_gradients", steps: int = 50, epochs: int = 200,
                 seed: int = 0, edges: bool = True) -> GeneExplanation:
    """Explain a pair model's score of one interaction type for one pair of genes.

    Args:
        model: a trained :class:`~graphgen.models.pair_classifier.PairClassifier` (e.g. the
            fitted model of the SHS27k example), or a list of ensemble members.
        data: the graph it was trained on (``x``, ``edge_index``, ``node_ids``, and
            ``sequences`` for a fused model).
        pair: the two gene ids.
        label: the output column (interaction type) to explain.
        method, steps, epochs, seed, edges: as :func:`explain_gene`.

    Returns:
        A :class:`GeneExplanation` whose ``gene`` is ``"A|B"``, ``target`` the label column
        and ``score`` the pair's probability of it; both genes are marked ``explained`` in
        :meth:`~GeneExplanation.subgraph`.

    Raises:
        IdMappingError: a gene of the pair is not a node.
        ConfigError: unknown method, a label outside the model's outputs.
    """
    if method not in METHODS:
        raise ConfigError(f"explain_pair: method must be one of {list(METHODS)}, got "
                          f"{method!r}")
    members = [m.eval() for m in (model if isinstance(model, (list, tuple)) else [model])]
    ends = node_positions(data, list(pair), what="genes of the pair")
    pairs = torch.as_tensor(np.asarray(ends).reshape(1, 2), dtype=torch.long)
    extra = {"pairs": pairs}
    with torch.no_grad():
        named = _Named(_Explained(members), ["edge_weight", "pairs", "sequences"])
        logits = named(data.x, data.edge_index, getattr(data, "edge_weight", None), pairs,
                       getattr(data, "sequences", None))
    if not 0 <= int(label) < logits.shape[1]:
        raise ConfigError(f"explain_pair: label must be an output column in [0, "
                          f"{logits.shape[1]}), got {label!r}")
    explanation = _explain_output(members, data, index=0, column=int(label), multilabel=True,
                                  task_level="edge", method=method, steps=steps,
                                  epochs=epochs, seed=seed, edges=edges, extra=extra)
    score = float(torch.sigmoid(logits[0, int(label)]))
    return GeneExplanation(gene="|".join(map(str, pair)), target=str(label), score=score,
                           method=method, explained=tuple(map(str, pair)), **explanation)


def _explain_output(members: list[nn.Module], data, *, index: int, column: int,
                    multilabel: bool, task_level: str, method: str, steps: int, epochs: int,
                    seed: int, edges: bool, extra: dict) -> dict:
    """One output row of the members' mean logits explained with PyG's ``Explainer``: the
    ``features``, ``blocks``, ``nodes`` and ``edges`` of a :class:`GeneExplanation`."""
    from torch_geometric.explain import Explainer
    from torch_geometric.explain.algorithm import AttentionExplainer, CaptumExplainer, GNNExplainer

    model = message_passing_twin(_Explained(members, column if multilabel else None)).eval()
    edges = edges and has_message_passing(model)
    if method == "attention":
        if not edges:
            raise ConfigError("method='attention' explains interactions only; it needs a "
                              "graph model and edges=True")
        if not any(type(m).__name__ == "GATConv" for m in model.modules()):
            raise ConfigError("method='attention' needs a model with attention layers (gat)")
        algorithm = AttentionExplainer()
    elif method == "gnnexplainer":
        torch.manual_seed(seed)
        algorithm = GNNExplainer(epochs=epochs)
    else:
        _captum()
        options = {"n_steps": steps} if method == "integrated_gradients" else {}
        algorithm = CaptumExplainer(_CAPTUM[method], **options)
    n = data.num_nodes
    kwargs = {}
    if getattr(data, "edge_weight", None) is not None:
        kwargs["edge_weight"] = data.edge_weight
    kwargs.update({k: v for k, v in _inputs(model, data).items() if v is not None})
    kwargs.update(extra)
    rows = 1 if task_level == "edge" else n
    label = torch.full((rows,), column, dtype=torch.long)
    model = _Named(model, list(kwargs)).eval()
    # attention reads the model's own coefficients, and a multi-label logit is a score:
    # "model" explanations (of the model's output), else of the target class
    kind = "model" if method == "attention" or multilabel else "phenomenon"
    config = dict(mode="regression" if multilabel else "multiclass_classification",
                  task_level=task_level, return_type="raw")

    def run(node_mask_type, edge_mask_type):
        explainer = Explainer(model=model, algorithm=algorithm, explanation_type=kind,
                              node_mask_type=node_mask_type, edge_mask_type=edge_mask_type,
                              model_config=config)
        given = {} if kind == "model" else {"target": label}
        return explainer(data.x, data.edge_index, index=index, **given, **kwargs)

    if method in _CAPTUM:
        # features with the graph as it is, edges with the features as they are: two
        # attributions, not one path that scales features and edges together
        explanation = run("attributes", None)
        if edges:
            explanation.edge_mask = run(None, "object").edge_mask
    else:  # GNNExplainer learns both masks jointly; attention reads edges only
        explanation = run(None if method == "attention" else "attributes",
                          "object" if edges else None)
    genes = node_index(data)
    names = list(getattr(data, "feature_names", None) or
                 [f"x{i}" for i in range(data.num_features)])
    node_mask = getattr(explanation, "node_mask", None)
    if node_mask is not None:
        mask = node_mask.detach().cpu().numpy()
        features = pd.Series(mask.sum(axis=0), index=names, name="attribution")
        importance = np.abs(mask).sum(axis=1)
    else:
        features = pd.Series(0.0, index=names, name="attribution")
        importance = np.zeros(n)
    edge_table = None
    if edges and getattr(explanation, "edge_mask", None) is not None:
        edge_table = _edge_table(data, explanation.edge_mask.detach().cpu().numpy(), genes)
        if node_mask is None:  # attention: a node weighs what its edges weigh
            importance = _node_importance_from_edges(edge_table, genes)
    nodes = pd.Series(importance, index=genes, name="importance")
    nodes = nodes[nodes > 0].sort_values(ascending=False)
    blocks = _block_shares(features.abs().to_frame().T, data).iloc[0]
    return {"features": features, "blocks": blocks, "nodes": nodes, "edges": edge_table}


def _edge_table(data, mask: np.ndarray, genes: pd.Index) -> pd.DataFrame:
    src, dst = data.edge_index.cpu().numpy()
    a, b = np.minimum(src, dst), np.maximum(src, dst)
    frame = pd.DataFrame({"a": a, "b": b, "importance": np.abs(mask)})
    frame = frame.groupby(["a", "b"], sort=False, as_index=False)["importance"].sum()
    frame = frame[frame["importance"] > 0].sort_values("importance", ascending=False,
                                                       kind="mergesort")
    return pd.DataFrame({"source": genes[frame["a"].to_numpy()],
                         "target": genes[frame["b"].to_numpy()],
                         "importance": frame["importance"].to_numpy()}).reset_index(drop=True)


def _node_importance_from_edges(edges: pd.DataFrame, genes: pd.Index) -> np.ndarray:
    weight = pd.concat([edges.groupby("source")["importance"].sum(),
                        edges.groupby("target")["importance"].sum()]).groupby(level=0).sum()
    return weight.reindex(genes, fill_value=0.0).to_numpy()


def block_importance(attributions: pd.DataFrame, data) -> pd.DataFrame:
    """Share of the absolute attribution per feature block (expression, GO, topology,
    sequence, propagated labels), one row per gene, rows summing to 1.

    Args:
        attributions: genes x feature columns (from :func:`explain_genes`).
        data: the graph whose ``feature_blocks`` (block -> column range) name the blocks;
            without it every column is one block ``"features"``.
    """
    return _block_shares(attributions.abs(), data)


def _block_shares(magnitude: pd.DataFrame, data) -> pd.DataFrame:
    blocks = getattr(data, "feature_blocks", None) or {"features": (0, magnitude.shape[1])}
    values = magnitude.to_numpy()
    sums = np.stack([values[:, start:stop].sum(axis=1) for start, stop in blocks.values()],
                    axis=1)
    total = sums.sum(axis=1, keepdims=True)
    shares = np.divide(sums, total, out=np.zeros_like(sums), where=total > 0)
    return pd.DataFrame(shares, index=magnitude.index, columns=list(blocks))


def _captum():
    try:
        import captum.attr
    except ImportError:
        raise MissingDependencyError(
            "explanations need Captum: pip install 'graphgen[explain]' (or captum)") from None
    return captum.attr
