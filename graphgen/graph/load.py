"""``load_ppi`` and ``load_grn``: from a public file (or a data set name) to a graph.

Each loader reads the file with the reader of its format (:mod:`graphgen.io`), optionally maps
the ids to another id type, and builds the graph with
:func:`graphgen.graph.build.edges_to_data`. What was dropped or merged on the way is counted
in ``data.load_report``; the id mapping, if any, is kept in ``data.id_mapping`` (its
``report`` lists every unmapped and ambiguous id).
"""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd
from torch_geometric.data import Data

from graphgen.datasets.registry import resolve_source
from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.graph.build import edges_to_data
from graphgen.graph.subgraph import largest_component as _largest_component
from graphgen.ids.mapper import IdMapper
from graphgen.io.biogrid import BiogridFormat, read_biogrid
from graphgen.io.dorothea import DorotheaFormat, read_dorothea
from graphgen.io.edgelist import EdgeListFormat, at_least, read_edgelist
from graphgen.io.string import StringFormat, read_string
from graphgen.io.trrust import read_trrust

__all__ = ["GrnFormat", "PpiFormat", "load_grn", "load_ppi"]

log = logging.getLogger(__name__)

#: What ``load_ppi(format=...)`` accepts: a name or an options object.
PpiFormat = str | StringFormat | BiogridFormat | EdgeListFormat
#: What ``load_grn(format=...)`` accepts: a name or an options object.
GrnFormat = str | DorotheaFormat | EdgeListFormat

_PPI_FORMATS = {"string": StringFormat, "biogrid": BiogridFormat,
                "edgelist": lambda: EdgeListFormat(weight=None)}
_GRN_FORMATS = {"trrust": lambda: "trrust", "dorothea": DorotheaFormat,
                "edgelist": lambda: EdgeListFormat(sign=None)}


def load_ppi(
    path: str | os.PathLike,
    format: PpiFormat = "string",
    *,
    min_score: float | None = None,
    id_type: str | None = None,
    mapper: IdMapper | None = None,
    largest_component: bool = False,
    download: bool = False,
) -> Data:
    """Load an undirected, weighted protein-interaction graph.

    Duplicate pairs are merged (largest weight, summed evidence), self-loops dropped; the
    counts are in ``data.load_report``.

    Args:
        path: local file (plain or gzip), or a data set name such as
            ``"string-human-links"`` (see ``graphgen datasets list``).
        format: ``"string"``, ``"biogrid"`` or ``"edgelist"``, or an options object
            (:class:`~graphgen.io.string.StringFormat`,
            :class:`~graphgen.io.biogrid.BiogridFormat`,
            :class:`~graphgen.io.edgelist.EdgeListFormat`) for non-default columns.
        min_score: keep interactions whose weight is at least this. For STRING, on the 0-1
            scale (values above 1 are read on STRING's 0-1000 scale); for an edge list, in
            the units of its weight column.
        id_type: map node ids to this id type (e.g. ``"symbol"``) with ``mapper``.
        mapper: the :class:`~graphgen.ids.IdMapper` to map ids with. Edges with an unmapped
            or ambiguous endpoint are dropped and counted; ids that map to the same gene are
            merged into one node.
        largest_component: keep only the largest connected component.
        download: fetch a named data set that is not in the cache yet.

    Returns:
        ``Data`` with ``edge_index [2, 2E]`` (each pair in both directions), ``edge_weight
        [2E]`` (1.0 where the format has no score), ``edge_evidence [2E]`` where the format
        counts evidence, ``node_ids`` (sorted gene ids), ``load_report`` and, with a
        mapper, ``id_mapping``.

    Raises:
        ConfigError: unknown format, ``id_type`` without ``mapper`` or the reverse,
            ``min_score`` for a format without weights.
        DataFormatError: the file is malformed (the message names the line).
        DataNotAvailableError: no such file or cached data set.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "links.txt"
        >>> _ = f.write_text("protein1 protein2 combined_score\\n"
        ...                  "TP53 MDM2 999\\nMDM2 TP53 999\\nTP53 ATM 420\\n")
        >>> g = load_ppi(f, min_score=0.7)
        >>> g.node_ids, g.edge_index.shape[1], g.load_report["duplicates_merged"]
        (['MDM2', 'TP53'], 2, 1)
    """
    spec = _spec(format, _PPI_FORMATS, "load_ppi")
    _check_mapping(id_type, mapper)
    path = resolve_source(path, download=download)
    if isinstance(spec, StringFormat):
        edges = read_string(path, min_score=min_score, score_column=spec.score_column)
    else:
        if isinstance(spec, BiogridFormat):
            edges = read_biogrid(path, ids=spec.ids, interaction_type=spec.interaction_type,
                                 organism=spec.organism)
        else:
            edges = read_edgelist(path, spec)
        edges = _threshold(edges, min_score, path)
    if "weight" not in edges.columns:
        edges = edges.assign(weight=1.0)
    data = _build(edges, directed=False, path=path, id_type=id_type, mapper=mapper)
    if largest_component:
        before = data.num_nodes
        report = data.load_report
        data = _largest_component(data)
        data.load_report = {**report, "nodes": data.num_nodes,
                            "edges": data.edge_index.shape[1] // 2,
                            "outside_largest_component": before - data.num_nodes}
    return data


def load_grn(
    path: str | os.PathLike,
    format: GrnFormat = "trrust",
    *,
    id_type: str | None = None,
    mapper: IdMapper | None = None,
    download: bool = False,
) -> Data:
    """Load a directed, signed gene-regulatory graph (TF -> target).

    Lines of the same (TF, target) pair are merged into one edge with ``edge_sign`` +1 if some
    line says activation and none repression, -1 in the opposite case, 0 when they disagree
    or none gives a mode; ``edge_evidence`` sums the lines' evidence (for TRRUST, the number
    of distinct PubMed ids of the pair).

    Args:
        path: local file, or a data set name such as ``"trrust-human"``.
        format: ``"trrust"``, ``"dorothea"`` (levels A-C) or ``"edgelist"``, or an options
            object (:class:`~graphgen.io.dorothea.DorotheaFormat`,
            :class:`~graphgen.io.edgelist.EdgeListFormat` with a ``sign`` column).
        id_type: map node ids to this id type with ``mapper``.
        mapper: the :class:`~graphgen.ids.IdMapper` to map ids with.
        download: fetch a named data set that is not in the cache yet.

    Returns:
        ``Data`` with ``edge_index [2, E]``, ``edge_sign [E]`` (int64: +1/-1/0),
        ``edge_evidence [E]`` for TRRUST, ``edge_weight [E]`` if the edge list has weights,
        ``node_ids``, ``load_report`` and, with a mapper, ``id_mapping``.

    Raises:
        ConfigError: unknown format; ``id_type`` without ``mapper`` or the reverse.
        DataFormatError: the file is malformed (the message names the line).
        DataNotAvailableError: no such file or cached data set.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "trrust.tsv"
        >>> _ = f.write_text("MYC\\tCDK4\\tActivation\\t1\\nMYC\\tCDK4\\tUnknown\\t2\\n"
        ...                  "TP53\\tMYC\\tRepression\\t3\\n")
        >>> g = load_grn(f)
        >>> g.node_ids, g.edge_index.tolist(), g.edge_sign.tolist()
        (['CDK4', 'MYC', 'TP53'], [[1, 2], [0, 1]], [1, -1])
    """
    spec = _spec(format, _GRN_FORMATS, "load_grn")
    _check_mapping(id_type, mapper)
    path = resolve_source(path, download=download)
    if spec == "trrust":
        edges = read_trrust(path)
    elif isinstance(spec, DorotheaFormat):
        edges = read_dorothea(path, levels=spec.levels)
    else:
        edges = read_edgelist(path, spec)
        if "sign" not in edges.columns:
            edges = edges.assign(sign=np.zeros(len(edges), dtype=np.int8))
    return _build(edges, directed=True, path=path, id_type=id_type, mapper=mapper)


def _spec(format, table: dict, caller: str):
    if isinstance(format, str):
        if format not in table:
            raise ConfigError(f"{caller}: unknown format {format!r}; choose one of "
                              f"{sorted(table)} or pass an options object")
        return table[format]()
    allowed = tuple(type(f()) for f in table.values() if not isinstance(f(), str))
    if not isinstance(format, allowed):
        raise ConfigError(f"{caller}: format must be one of {sorted(table)} or an instance of "
                          f"{[c.__name__ for c in allowed]}, got {format!r}")
    return format


def _check_mapping(id_type: str | None, mapper: IdMapper | None) -> None:
    if (id_type is None) != (mapper is None):
        raise ConfigError("give both id_type and mapper to map node ids (e.g. "
                          "id_type='symbol', mapper=IdMapper.human(path)), or neither")


def _threshold(edges: pd.DataFrame, min_score: float | None, path) -> pd.DataFrame:
    if min_score is None:
        return edges
    if "weight" not in edges.columns:
        raise ConfigError(f"{path}: min_score={min_score} needs a weight column; this format "
                          "has none (name one with EdgeListFormat(weight=...))")
    return edges[at_least(edges["weight"].to_numpy(), min_score)]


def _build(edges: pd.DataFrame, *, directed: bool, path, id_type: str | None,
           mapper: IdMapper | None) -> Data:
    mapping, lines = None, len(edges)
    if not lines:
        raise DataFormatError(f"{path}: no edge is left to build a graph from (an empty file, "
                              "or a min_score or filter that keeps no line); lower min_score "
                              "or check the filters")
    if mapper is not None:
        edges, mapping, dropped = _map_edges(edges, mapper, id_type)
        if not len(edges):
            raise IdMappingError(f"{path}: no edge has both endpoints mapped to {id_type!r} "
                                 f"({mapping.summary()}); are the ids of another type?")
    data = edges_to_data(edges, directed=directed, source=str(path))
    if mapping is not None:
        data.id_mapping = mapping
        data.load_report = {**data.load_report, "lines": lines,
                            "lines_dropped_unmapped": dropped,
                            "ids_unmapped": len(mapping.unmapped),
                            "ids_ambiguous": len(mapping.ambiguous)}
        if dropped:
            log.warning("%s: %s; %d lines with an unmapped or ambiguous endpoint were dropped "
                        "(see data.id_mapping.report)", path, mapping.summary(), dropped)
    return data


def _map_edges(edges: pd.DataFrame, mapper: IdMapper, id_type: str):
    ids = pd.Index(edges["source"].astype("category").cat.categories.astype(str)).union(
        pd.Index(edges["target"].astype("category").cat.categories.astype(str)))
    mapping = mapper.map(ids, to=id_type)
    out = edges.copy()
    for column in ("source", "target"):
        cat = out[column].astype("category")
        new = mapping.mapping.reindex(cat.cat.categories.astype(str)).to_numpy(dtype=object)
        codes = cat.cat.codes.to_numpy()
        out[column] = pd.Series(new[codes], index=out.index, dtype=object)
    keep = out["source"].notna().to_numpy() & out["target"].notna().to_numpy()
    return out[keep], mapping, int((~keep).sum())
