"""The two graph views of a cohort: samples as graphs over genes, and samples as nodes."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError
from graphgen.features.blocks import stack_blocks
from graphgen.graph.nodes import node_index
from graphgen.graph.patient_similarity import patient_graph
from graphgen.graph.subgraph import subgraph
from graphgen.models.sample_graph import SampleGraphs

__all__ = ["expression_graph_view", "feature_view", "patient_graph_view"]

log = logging.getLogger(__name__)


def expression_graph_view(omics: Mapping[str, pd.DataFrame], network: Data, *,
                          genes: list[str] | None = None) -> SampleGraphs:
    """Every sample as a graph over the network's genes, one feature channel per omics.

    Args:
        omics: name -> samples x genes table (already scaled; same sample order). Columns
            must be gene ids of the network's id type; an omics without any network gene
            (e.g. miRNAs over a PPI) gives no channel.
        network: gene graph with ``node_ids``.
        genes: the genes to keep, in order (default: network genes measured in at least one
            omics, in network order). A gene missing from one omics gets 0 in that channel
            (the training mean after scaling).

    Returns:
        :class:`~graphgen.models.sample_graph.SampleGraphs` ``[S, G, len(omics)]``.

    Raises:
        DataFormatError: no network gene is measured.
    """
    index = node_index(network)
    usable = {name: table for name, table in omics.items() if table.columns.isin(index).any()}
    skipped = [name for name in omics if name not in usable]
    if skipped:
        log.info("expression-graph view: omics %s have no column that is a network gene and "
                 "give no channel", skipped)
    omics = usable
    measured = pd.Index([])
    for table in omics.values():
        measured = measured.union(table.columns)
    if genes is None:
        genes = index[index.isin(measured)].tolist()
        outside = measured.difference(index)
        if len(outside):
            log.info("expression-graph view: %d measured genes are not network nodes and are "
                     "not used (e.g. %s)", len(outside), outside[:5].tolist())
    if not genes or not omics:
        raise DataFormatError(
            f"expression-graph view: none of the {len(measured)} measured genes is a node of the "
            f"network (e.g. measured {measured[:3].tolist()}, network {index[:3].tolist()}); "
            "map the column ids to the network's id type")
    graph = subgraph(network, genes)
    order = graph.node_ids
    samples = next(iter(omics.values())).index if omics else pd.Index([])
    x = np.zeros((len(samples), len(order), len(omics)), dtype=np.float32)
    order_index = pd.Index(order)
    for channel, table in enumerate(omics.values()):
        present = order_index[order_index.isin(table.columns)]
        positions = order_index.get_indexer(present)
        x[:, positions, channel] = table[present].to_numpy(dtype=np.float32)
    return SampleGraphs(x=torch.from_numpy(x), edge_index=graph.edge_index,
                        edge_weight=getattr(graph, "edge_weight", None), gene_ids=list(order),
                        sample_ids=[str(s) for s in samples], feature_names=list(omics))


def feature_view(omics: Mapping[str, pd.DataFrame]) -> Data:
    """Samples as nodes without edges: the concatenated omics, for feature-only models."""
    samples = [str(s) for s in next(iter(omics.values())).index]
    nodes = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=len(samples),
                 node_ids=samples)
    return stack_blocks(nodes, {name: table.set_axis(samples, axis=0)
                                for name, table in omics.items()})


def patient_graph_view(omics: Mapping[str, pd.DataFrame], train: np.ndarray, *,
                       k: int = 10) -> Data:
    """Samples as nodes, one patient-similarity graph per omics, built from training samples.

    Args:
        omics: name -> samples x features (scaled with training statistics).
        train: boolean mask of the training samples (they alone send edges).
        k: neighbours per sample in each omics graph.

    Returns:
        ``Data`` with ``x`` (concatenated omics), ``feature_blocks``, ``node_ids`` (sample
        ids) and ``omics_graphs[name] = {"edge_index", "edge_weight"}``.
    """
    data = feature_view(omics)
    data.omics_graphs = {}
    for name, table in omics.items():
        edge_index, edge_weight = patient_graph(table.to_numpy(), train, k=k)
        data.omics_graphs[name] = {"edge_index": edge_index, "edge_weight": edge_weight}
    return data
