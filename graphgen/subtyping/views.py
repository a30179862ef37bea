"""The graph views of a cohort: samples as graphs over genes, samples as nodes, and patient
profiles smoothed over a gene network."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.features.blocks import stack_blocks
from graphgen.graph.nodes import node_index
from graphgen.graph.patient_similarity import patient_graph
from graphgen.graph.subgraph import subgraph
from graphgen.models.propagation import RandomWalkWithRestart
from graphgen.models.sample_graph import SampleGraphs

__all__ = ["ProfilePropagation", "expression_graph_view", "feature_view", "patient_graph_view"]

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
    given = pd.Index([])  # every column, for the message when none is a node
    for table in omics.values():
        given = given.union(pd.Index([str(c) for c in table.columns]))
    usable = {name: table for name, table in omics.items() if table.columns.isin(index).any()}
    skipped = [name for name in omics if name not in usable]
    if skipped and usable:
        log.info("expression-graph view: omics %s have no column that is a network gene and "
                 "give no channel", skipped)
    omics = usable
    measured = pd.Index([])  # the columns of the omics that give a channel
    for table in omics.values():
        measured = measured.union(pd.Index([str(c) for c in table.columns]))
    if genes is None:
        genes = index[index.isin(measured)].tolist()
        outside = measured.difference(index)
        if len(outside) and genes:
            log.warning("expression-graph view: %d of %d measured genes are not network nodes "
                        "and are not used (e.g. %s)%s", len(outside), len(measured),
                        outside[:5].tolist(), _id_hint(outside))
    if not genes or not omics:
        raise DataFormatError(
            f"expression-graph view: none of the {len(given)} measured genes is a node of the "
            f"network (e.g. measured {given[:3].tolist()}, network {index[:3].tolist()}); "
            "map the column ids to the network's id type" + (_id_hint(given) or
                                                              " (IdMapper.map_columns)"))
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


def _id_hint(ids: pd.Index) -> str:
    """A pointer to the mapper when the ids look composite (TCGA) or versioned (Ensembl)."""
    sample = pd.Series([str(i) for i in ids[:200]], dtype="string")
    composite = sample.str.fullmatch(r".+[_|]\d+").mean()
    versioned = sample.str.fullmatch(r"ENS[A-Z]*\d+\.\d+").mean()
    if max(composite, versioned) < 0.5:
        return ""
    kind = "SYMBOL_ENTREZ (TCGA)" if composite >= versioned else "versioned Ensembl"
    return (f"; the columns look like {kind} ids: map them first, e.g. "
            "IdMapper.human(path).map_columns(table, to='symbol')")


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


class ProfilePropagation:
    """Patient profiles smoothed over a whole gene network (network propagation of profiles,
    as in network-based stratification, Hofree et al. 2013).

    For every omics whose columns include network genes, each patient's values sit on their
    genes and every other network gene is a *latent* node at 0; the profile is propagated by
    a random walk with restart, :math:`F = r (I - (1 - r) W)^{-1} F_0`, with the symmetric
    walk :math:`W = D^{-1/2} A D^{-1/2}`. A patient's smoothed value of a measured gene then
    mixes in its measured network neighbours, and a latent gene gets the weighted values of
    the measured genes near it. Kept: the measured network genes and the ``latent``
    unmeasured genes that the measured genes reach most (ranked from the network alone).
    Measured genes outside the network, and omics without network genes, pass unchanged.

    Propagation is a fixed linear map of each patient's own profile: it learns nothing from
    the cohort, so no patient's values can leak into another's (tested).

    Args:
        network: gene graph with ``node_ids`` (e.g. STRING).
        restart: restart probability ``r`` in (0, 1]; 1 leaves profiles unchanged.
        latent: unmeasured genes to keep per omics.
        use_edge_weight: weight edges by ``edge_weight``.

    Example:
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]), num_nodes=3,
        ...          node_ids=["A", "B", "C"])
        >>> rna = pd.DataFrame({"A": [1.0, 0.0], "C": [0.0, 1.0]}, index=["p1", "p2"])
        >>> out = ProfilePropagation(g, restart=0.5, latent=1).fit({"rna": rna})
        >>> out.transform({"rna": rna})["rna"].columns.tolist()
        ['A', 'C', 'B']
    """

    def __init__(self, network: Data, *, restart: float = 0.5, latent: int = 0,
                 use_edge_weight: bool = True) -> None:
        if int(latent) != latent or latent < 0:
            raise ConfigError(f"ProfilePropagation: latent must be an integer >= 0, got "
                              f"{latent!r}")
        self.network, self.restart, self.latent = network, float(restart), int(latent)
        self.use_edge_weight = use_edge_weight
        # the walk of graphgen's propagation baseline (it checks the restart)
        self._walk = RandomWalkWithRestart(restart=restart, normalization="symmetric",
                                           use_edge_weight=use_edge_weight, tol=1e-9)

    def fit(self, omics: Mapping[str, pd.DataFrame]) -> ProfilePropagation:
        """Build each omics' propagation operator from its columns (no values are read).

        Raises:
            DataFormatError: no omics column is a network gene, a network without edges.
        """
        index = node_index(self.network)
        self.operators_ = {}
        for name, table in omics.items():
            measured = index[index.isin(table.columns)]
            if not len(measured):
                continue
            rows = index.get_indexer(measured)
            # columns of r (I - (1 - r) W)^-1 for the measured genes
            seeds = np.zeros((len(index), len(rows)))
            seeds[rows, np.arange(len(rows))] = 1.0
            spread = self._walk.propagate(self.network, seeds)
            reach = np.round(spread.sum(axis=1), 9)  # equal reach: network order decides
            reach[rows] = -np.inf
            hidden = np.argsort(-reach, kind="stable")[: self.latent]
            hidden = hidden[np.isfinite(reach[hidden]) & (reach[hidden] > 0)]
            keep = np.concatenate([rows, hidden])
            self.operators_[name] = (measured, index[keep], spread[keep].T.astype(np.float32))
        if not self.operators_:
            raise DataFormatError("ProfilePropagation: no omics column is a network gene; map "
                                  "the column ids to the network's id type")
        return self

    def transform(self, omics: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """The smoothed omics (same samples), measured genes first, then the latent ones."""
        out = {}
        for name, table in omics.items():
            if name not in self.operators_:
                out[name] = table
                continue
            measured, kept, operator = self.operators_[name]
            smoothed = pd.DataFrame(table[measured].to_numpy(dtype=np.float32) @ operator,
                                    index=table.index, columns=kept)
            outside = table.columns.difference(measured, sort=False)
            out[name] = pd.concat([smoothed, table[outside]], axis=1) if len(outside) \
                else smoothed
        return out
