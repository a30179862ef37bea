"""Feature attributions of many genes of a fitted
:class:`~graphgen.estimators.GeneClassifier` at once, in batches (Captum).

Each gene's receptive field (the nodes within ``hops`` incoming hops, ``hops`` the model's
number of graph layers) is cut out, the fields of a batch are stacked as one disjoint graph,
and Captum attributes each field's centre output to the features of its own field in one
pass: the same numbers as :func:`~graphgen.explain.genes.explain_gene`'s per-gene call on the
whole graph (a test checks it), at a fraction of the cost. A field node that lost in-edges at
the field's border gets a self-loop carrying the lost weight, so every degree a
normalisation reads (GCN, APPNP, SGC, GCNII) is the whole graph's; a border node's own output
never reaches the centre within ``hops`` layers, so the loop changes nothing else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from torch import Tensor

from graphgen.estimators.explainable import ExplainableGenes
from graphgen.exceptions import ConfigError
from graphgen.explain.genes import (
    _CAPTUM,
    _captum,
    _Explained,
    _fitted,
    _inputs,
    _targets,
)
from graphgen.explain.twin import receptive_hops
from graphgen.graph.nodes import node_index, node_positions
from graphgen.progress import progress_bar

__all__ = ["explain_genes"]


def explain_genes(classifier: ExplainableGenes, genes=None, *, method: str = "integrated_gradients",
                  target=None, steps: int = 20, batch_nodes: int = 200_000,
                  progress: bool | None = None) -> pd.DataFrame:
    """Feature attributions of many genes in batches (see the module docstring).

    Args:
        classifier: a fitted :class:`~graphgen.estimators.GeneClassifier`.
        genes: gene ids (default: every node of the graph).
        method: ``"integrated_gradients"``, ``"saliency"`` or ``"input_x_gradient"``
            (Captum).
        target: class (or label) to explain for every gene; default the positive class of a
            binary task, otherwise each gene's most probable class or label.
        steps: Integrated Gradients' steps.
        batch_nodes: the most receptive-field nodes stacked into one pass (memory bound).
        progress: a progress bar (default: on a terminal).

    Returns:
        genes x feature columns of attributions, each summed over the gene's receptive field;
        ``attrs["target"]`` holds the explained class per gene and ``attrs["feature_blocks"]``
        the blocks (for :func:`block_importance`).

    Raises:
        NotFittedError, IdMappingError, ConfigError: as :func:`explain_gene`; a
            ConfigError also for a pair model (explain its genes with :func:`explain_gene`).
    """
    captum = _captum()

    if method not in _CAPTUM:
        raise ConfigError(f"explain_genes: method must be one of {list(_CAPTUM)}, got "
                          f"{method!r}")
    if batch_nodes < 1:
        raise ConfigError(f"explain_genes: batch_nodes must be >= 1, got {batch_nodes!r}")
    fitted = _fitted(classifier)
    data = classifier.data_
    index = node_index(data)
    positions = (np.arange(data.num_nodes) if genes is None else
                 node_positions(data, list(genes), what="genes to explain"))
    columns = _targets(classifier, target, positions)
    members = [m.eval() for m in (fitted.members or [fitted.model])]
    model = _Explained(members).eval()
    hops = receptive_hops(model)
    n = data.num_nodes
    edge_index = data.edge_index.cpu().numpy()
    edge_weight = getattr(data, "edge_weight", None)
    inputs = {k: v for k, v in _inputs(model, data).items() if v is not None}
    for name, value in inputs.items():
        if not (isinstance(value, Tensor) and value.shape[0] == n):
            raise ConfigError(f"explain_genes: the model's input {name!r} is not per gene; "
                              "explain one gene at a time with explain_gene")
    incoming = sp.csr_matrix((np.ones(edge_index.shape[1], dtype=np.float32),
                              (edge_index[1], edge_index[0])), shape=(n, n))
    weights = (np.ones(edge_index.shape[1], dtype=np.float64) if edge_weight is None
               else edge_weight.detach().cpu().numpy().astype(np.float64))
    in_degree = np.bincount(edge_index[1], weights=weights, minlength=n)
    outgoing = _out_edges(edge_index, n)
    x = data.x
    out = np.zeros((len(positions), data.num_features), dtype=np.float64)
    algorithm = getattr(captum, _CAPTUM[method])
    bar = progress_bar(total=len(positions), desc=f"explain ({method})", show=progress)
    for rows, reach in _batches(positions, incoming, hops, batch_nodes):
        field_rows, field_nodes, centres, sub_edges, sub_weights = _fields(
            positions[rows], reach, outgoing, weights, in_degree)
        t = len(field_nodes)
        xb = x[torch.as_tensor(field_nodes, device=x.device)].detach().requires_grad_()
        eb = torch.as_tensor(sub_edges, dtype=torch.long, device=x.device)
        wb = torch.as_tensor(sub_weights, dtype=x.dtype, device=x.device)
        ib = {k: v[torch.as_tensor(field_nodes, device=v.device)] for k, v in inputs.items()}
        mask = torch.zeros(t, 1, device=x.device)
        mask[torch.as_tensor(centres, device=x.device)] = 1.0
        targets = torch.zeros(t, dtype=torch.long, device=x.device)
        targets[torch.as_tensor(centres, device=x.device)] = torch.as_tensor(
            columns[rows], device=x.device)
        forward = _copies_forward(model, eb, wb, ib, mask, t)
        attr = algorithm(forward)
        kwargs = dict(target=targets)
        if method == "integrated_gradients":
            kwargs.update(n_steps=steps, internal_batch_size=t,
                          baselines=torch.zeros_like(xb).detach())
        result = attr.attribute(xb, **kwargs).detach().cpu().numpy()
        sums = np.zeros((len(rows), result.shape[1]))
        np.add.at(sums, field_rows, result)
        out[rows] = sums
        bar.update(len(rows))
    bar.close()
    names = list(getattr(data, "feature_names", None) or
                 [f"x{i}" for i in range(data.num_features)])
    frame = pd.DataFrame(out, index=index[positions], columns=names)
    classes = [str(c) for c in classifier.classes_]
    frame.attrs["target"] = pd.Series([classes[c] for c in columns], index=frame.index).to_dict()
    frame.attrs["feature_blocks"] = dict(getattr(data, "feature_blocks", None) or {})
    frame.attrs["method"] = method
    return frame


def _out_edges(edge_index: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-edges per node as CSR arrays: ``indptr``, target nodes, edge ids."""
    order = np.argsort(edge_index[0], kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(edge_index[0], minlength=n))])
    return indptr, edge_index[1][order], order


def _copies_forward(model, edge_index: Tensor, edge_weight, inputs: dict, mask: Tensor, t: int):
    """Captum's forward: its input stacks ``s`` scaled copies of the fields (``[s * t, F]``);
    run them as one disjoint graph and keep only the centres' logits."""
    cache: dict[int, tuple] = {}

    def forward(xs: Tensor) -> Tensor:
        s = xs.shape[0] // t
        if s not in cache:
            offsets = (torch.arange(s, device=xs.device) * t).repeat_interleave(
                edge_index.shape[1])
            ei = edge_index.repeat(1, s) + offsets
            ew = None if edge_weight is None else edge_weight.repeat(s)
            extra = {k: v.repeat(s, *([1] * (v.dim() - 1))) for k, v in inputs.items()}
            cache.clear()
            cache[s] = (ei, ew, extra, mask.repeat(s, 1))
        ei, ew, extra, m = cache[s]
        return model(xs, ei, ew, **extra) * m

    return forward


def _reach(genes: np.ndarray, incoming: sp.csr_matrix, hops: int) -> sp.csr_matrix:
    """Rows: the genes; columns: the nodes within ``hops`` incoming hops (0: the gene
    alone)."""
    n = incoming.shape[0]
    reach = sp.csr_matrix((np.ones(len(genes), dtype=np.float32),
                           (np.arange(len(genes)), genes)), shape=(len(genes), n))
    for _ in range(hops):
        reach = reach + reach @ incoming
        reach.data[:] = 1.0
    reach.sort_indices()
    return reach


def _batches(positions: np.ndarray, incoming, hops: int, batch_nodes: int, chunk: int = 256):
    """Row groups of ``positions`` whose fields hold at most ``batch_nodes`` nodes together
    (a larger field alone), each with its rows of :func:`_reach`."""
    for start in range(0, len(positions), chunk):
        rows = np.arange(start, min(start + chunk, len(positions)))
        reach = _reach(positions[rows], incoming, hops)
        totals = np.cumsum(np.diff(reach.indptr))
        first = 0
        while first < len(rows):
            # the largest group from `first` whose fields fit (at least one gene)
            base = totals[first - 1] if first else 0
            last = max(first + 1, int(np.searchsorted(totals, base + batch_nodes, "right")))
            yield rows[first:last], reach[first:last]
            first = last


def _fields(genes: np.ndarray, reach: sp.csr_matrix, outgoing, weights: np.ndarray,
            in_degree: np.ndarray):
    """The genes' receptive fields (``reach``: one row per gene) as one disjoint graph.

    Returns ``field_rows`` (which gene each field node belongs to), ``field_nodes`` (graph
    node of each), ``centres`` (field position of each gene), the fields' edges relabelled
    and their weights, with a self-loop carrying the weight of the in-edges a node lost at
    the field's border (plus the unit self-loop weight GCN normalisation adds)."""
    n = reach.shape[1]
    field_rows = np.repeat(np.arange(len(genes)), np.diff(reach.indptr))
    field_nodes = reach.indices.astype(np.int64)
    keys = field_rows * n + field_nodes  # sorted: rows in order, columns sorted per row
    centres = np.searchsorted(keys, np.arange(len(genes)) * n + genes)
    # out-edges of every field node, kept where the target is in the same field
    indptr, out_targets, out_ids = outgoing
    starts, stops = indptr[field_nodes], indptr[field_nodes + 1]
    counts = stops - starts
    owner = np.repeat(np.arange(len(field_nodes)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    slots = np.repeat(starts, counts) + offsets
    targets = out_targets[slots]
    edge_ids = out_ids[slots]
    wanted = field_rows[owner] * n + targets
    found = np.searchsorted(keys, wanted)
    found = np.minimum(found, len(keys) - 1)
    inside = keys[found] == wanted
    src, dst, weight = owner[inside], found[inside], weights[edge_ids[inside]]
    kept = np.bincount(dst, weights=weight, minlength=len(field_nodes))
    lost = in_degree[field_nodes] - kept
    border = np.flatnonzero(lost > 1e-6 * np.maximum(in_degree[field_nodes], 1.0))
    edges = np.concatenate([np.stack([src, dst]), np.stack([border, border])], axis=1)
    return (field_rows, field_nodes, centres, edges,
            np.concatenate([weight, 1.0 + lost[border]]))
