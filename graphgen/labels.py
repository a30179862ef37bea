"""Label vectors for gene classification: from gene lists, label tables and GO terms.

Labels are pandas objects indexed by gene id: a Series for single-label tasks (binary or
multi-class), a genes x labels 0/1 DataFrame for multi-label tasks. :func:`align_labels`
reports labelled genes that are not nodes of the graph instead of dropping them silently.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError
from graphgen.ids.mapper import IdMapper
from graphgen.io.delimited import first_lines, read_delimited
from graphgen.io.go_terms import go_features
from graphgen.scalars import plain

__all__ = ["AlignedLabels", "align_labels", "binary_labels", "go_term_labels", "read_gene_list",
           "read_label_table"]

log = logging.getLogger(__name__)
_WITH_ENTREZ = re.compile(r"^\s*([^\s(]+)\s*\((\d+)\)\s*$")  # DepMap style: "TP53 (7157)"


def read_gene_list(path: str | os.PathLike, *, column: str | None = None) -> pd.Index:
    """Gene ids from a list file: one id per line, or one column of a table.

    DepMap-style entries ``"SYMBOL (ENTREZ)"`` give the symbol. Blank lines and duplicates
    are dropped.

    Args:
        path: plain or gzip text file.
        column: column of a table with a header line (``None``: one id per line, no header;
            a first line ``gene``, ``genes``, ``symbol`` or ``gene_id``, in any case, is taken
            as a header).

    Raises:
        DataFormatError: empty file, missing column.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "ess.csv"
        >>> _ = f.write_text("gene\\nTP53 (7157)\\nRPL3 (6122)\\nTP53 (7157)\\n")
        >>> read_gene_list(f, column="gene").tolist()
        ['TP53', 'RPL3']
    """
    head = first_lines(path, 1)
    if not head or not head[0].strip():
        raise DataFormatError(f"{path}: gene list is empty")
    if column is None:
        first = head[0].strip()
        if first.lower() in ("gene", "genes", "symbol", "gene_id"):  # a header word
            values = read_delimited(path, what="gene list", required=[first], sep="\t")[first]
        else:
            values = read_delimited(path, what="gene list", required=["gene"], sep="\t",
                                    names=["gene"])["gene"]
    else:
        # A one-column table is one id per line: its ids may hold spaces ("TP53 (7157)").
        one_field = not any(c in head[0].strip() for c in ",\t; ")
        values = read_delimited(path, what="gene list", required=[column],
                                sep="\t" if one_field else None)[column]
    values = values.astype("string").str.strip()
    values = values.str.replace(_WITH_ENTREZ, r"\1", regex=True)
    values = values[values != ""]
    return pd.Index(pd.unique(values.to_numpy(dtype=object)), name="gene_id")


def read_label_table(path: str | os.PathLike, *, gene_column: str,
                     label_column: str) -> pd.Series:
    """A label per gene from a table (CSV/TSV with a header line).

    Raises:
        DataFormatError: missing columns, a gene listed twice with different labels.
    """
    table = read_delimited(path, what="label table", required=[gene_column, label_column])
    genes = table[gene_column].astype("string").str.strip()
    conflicts = table.assign(g=genes).groupby("g")[label_column].nunique()
    if (conflicts > 1).any():
        raise DataFormatError(f"{path}: gene {conflicts.index[conflicts > 1][0]!r} has "
                              "several different labels")
    labels = pd.Series(table[label_column].to_numpy(), index=pd.Index(genes, name="gene_id"))
    labels = labels[~labels.index.duplicated(keep="first")]
    numeric = pd.to_numeric(labels, errors="coerce")
    return numeric if numeric.notna().all() else labels.astype(str)


def binary_labels(positives: Iterable[str], negatives: Iterable[str], *,
                  drop_both: bool = True, name: str = "label") -> pd.Series:
    """1 for positives, 0 for negatives.

    Args:
        positives, negatives: gene ids.
        drop_both: genes in both lists are dropped (and logged); otherwise an error.
        name: name of the Series.

    Raises:
        DataFormatError: a gene in both lists with ``drop_both=False``, an empty class.

    Example:
        >>> binary_labels(["A", "B"], ["B", "C"]).to_dict()
        {'A': 1, 'C': 0}
    """
    pos = pd.Index(pd.unique(pd.Series(list(positives), dtype=object)))
    neg = pd.Index(pd.unique(pd.Series(list(negatives), dtype=object)))
    both = pos.intersection(neg)
    if len(both):
        if not drop_both:
            raise DataFormatError(f"{len(both)} genes are both positive and negative, e.g. "
                                  f"{both[:5].tolist()}")
        log.warning("labels: %d genes are in both lists and were dropped: %s", len(both),
                    both[:10].tolist())
        pos, neg = pos.difference(both, sort=False), neg.difference(both, sort=False)
    if not len(pos) or not len(neg):
        raise DataFormatError("labels: need at least one positive and one negative gene")
    labels = pd.concat([pd.Series(1, index=pos), pd.Series(0, index=neg)]).rename(name)
    labels.index.name = "gene_id"
    labels.attrs["dropped_in_both"] = both.tolist()
    return labels


def go_term_labels(
    node_ids: Iterable[str],
    obo,
    annotations,
    *,
    namespace: str = "BP",
    top: int = 20,
    min_genes: int = 50,
    max_genes: int = 500,
    id_type: str | None = None,
    mapper: IdMapper | None = None,
) -> pd.DataFrame:
    """Multi-label targets: membership of the ``top`` most frequent GO terms of mid size.

    Terms are counted among ``node_ids`` after propagation to ancestors; those annotating
    ``min_genes``-``max_genes`` genes are ranked by size and the ``top`` largest kept. Genes
    with no annotation at all in the namespace are *unlabelled* (NaN rows): absence of an
    annotation there means "not studied", not "negative".

    Returns:
        genes x terms table (1.0/0.0, NaN rows for unlabelled genes), ``attrs["term_names"]``.

    Raises:
        DataFormatError: no term within the size bounds.
    """
    node_ids = [str(g) for g in node_ids]
    everything = go_features(node_ids, obo, annotations, namespace=namespace, min_genes=1,
                    id_type=id_type, mapper=mapper)
    sizes = everything.sum(axis=0)
    eligible = sizes[(sizes >= min_genes) & (sizes <= max_genes)]
    if eligible.empty:
        raise DataFormatError(f"go_term_labels: no {namespace} term annotates between "
                              f"{min_genes} and {max_genes} of the {len(node_ids)} genes")
    chosen = eligible.sort_values(ascending=False, kind="stable").index[:top]
    table = everything[list(chosen)].copy()
    annotated = everything.sum(axis=1) > 0
    table.loc[~annotated] = np.nan
    table.attrs = {"term_names": {t: everything.attrs["term_names"][t] for t in chosen}}
    return table


@dataclass(frozen=True)
class AlignedLabels:
    """Labels restricted to the graph's genes, with what was left out.

    Attributes:
        labels: the labels of genes that are nodes.
        not_in_graph: labelled gene ids that are not nodes (reported, not used).
    """

    labels: pd.Series | pd.DataFrame
    not_in_graph: pd.Index


def align_labels(labels: pd.Series | pd.DataFrame, node_ids: Iterable[str], *,
                 for_training: bool = True) -> AlignedLabels:
    """Check labels, keep the labelled genes that are graph nodes, report the others (logged).

    This is the door every gene-classification entry point goes through, so bad labels fail
    here with the gene named: a gene listed twice with different labels, continuous values
    given as classes, a multi-label table with values other than 0/1, a class with a single
    labelled gene (it cannot appear in both the training and the validation part).

    Args:
        labels: class per gene id (Series; NaN = unlabelled) or a genes x labels 0/1 table.
        node_ids: the graph's gene ids.
        for_training: require at least two classes with two genes each among the labelled
            nodes (``False`` for labels that are only scored, e.g. held-out genes).

    Raises:
        DataFormatError: not a Series/DataFrame, conflicting repeated genes, continuous
            labels, non-0/1 multi-label values, fewer than two classes or a class with one
            gene in the graph, no labelled gene is a node (ids of another type?).

    Example:
        >>> y = pd.Series([1, 1, 0, 0, 0], index=["TP53", "ATM", "MDM2", "GAPDH", "NOT_A_NODE"])
        >>> a = align_labels(y, ["TP53", "MDM2", "ATM", "GAPDH"])
        >>> a.labels.to_dict(), a.not_in_graph.tolist()
        ({'TP53': 1, 'ATM': 1, 'MDM2': 0, 'GAPDH': 0}, ['NOT_A_NODE'])
    """
    if not isinstance(labels, (pd.Series, pd.DataFrame)):
        raise DataFormatError("labels must be a pandas Series (one class per gene id) or a "
                              "genes x labels 0/1 DataFrame (multi-label), got "
                              f"{type(labels).__name__}")
    labels = _unique_genes(labels)
    nodes = pd.Index([str(n) for n in node_ids])
    labelled = labels.dropna(how="all") if isinstance(labels, pd.DataFrame) else labels.dropna()
    if isinstance(labelled, pd.DataFrame):
        _check_multilabel(labelled)
    else:
        _check_classes(labelled)
    inside = labelled.index.isin(nodes)
    outside = labelled.index[~inside]
    if not inside.any():
        raise DataFormatError(
            f"none of the {len(labelled)} labelled genes is a node of the graph (labels e.g. "
            f"{labelled.index[:3].tolist()}, nodes e.g. {nodes[:3].tolist()}); map the ids")
    if len(outside):
        log.warning("%d of %d labelled genes are not nodes of the graph and are not used, "
                    "e.g. %s", len(outside), len(labelled), outside[:5].tolist())
    kept = labelled[inside]
    if isinstance(kept, pd.Series) and for_training:
        counts = kept.value_counts()
        if len(counts) < 2:
            raise DataFormatError(f"the labelled genes in the graph hold a single class "
                                  f"({[plain(c) for c in counts.index]}); a classifier needs "
                                  "at least two")
        if counts.min() < 2:
            raise DataFormatError(
                f"class {plain(counts.idxmin())!r} has a single labelled gene in the graph "
                f"({kept.index[kept == counts.idxmin()][0]!r}); each class needs at least two "
                "(one to train on, one to validate with): label more genes or merge classes")
    return AlignedLabels(labels=kept, not_in_graph=pd.Index(outside))


def _unique_genes(labels: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Labels with each gene once: identical repeats are merged, conflicting ones refused."""
    labels = labels.copy()
    labels.index = pd.Index([str(g).strip() if isinstance(g, str) else g
                             for g in labels.index], name=labels.index.name)
    missing_id = pd.isna(labels.index)
    if missing_id.any():
        raise DataFormatError(f"labels: {int(missing_id.sum())} label(s) have a missing (NaN) "
                              "gene id; drop them first")
    if not labels.index.has_duplicates:
        return labels
    frame = labels.to_frame() if isinstance(labels, pd.Series) else labels
    distinct = frame.groupby(level=0, sort=False).nunique(dropna=False)
    conflicting = distinct.index[(distinct > 1).any(axis=1)]
    if len(conflicting):
        gene = conflicting[0]
        values = frame.loc[[gene]].drop_duplicates().to_numpy().tolist()
        raise DataFormatError(
            f"labels: {len(conflicting)} gene(s) are listed more than once with different "
            f"labels, e.g. {gene!r} with {values}; keep one label per gene")
    repeated = labels.index[labels.index.duplicated()].unique()
    log.warning("labels: %d gene(s) listed more than once with the same label were merged, "
                "e.g. %s", len(repeated), repeated[:5].tolist())
    return labels[~labels.index.duplicated(keep="first")]


def _check_classes(labels: pd.Series) -> None:
    if pd.api.types.is_bool_dtype(labels) or not pd.api.types.is_numeric_dtype(labels):
        return
    values = labels.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise DataFormatError("labels: infinite values are not classes")
    fractional = values != np.round(values)
    if fractional.any():
        first = labels.index[np.argmax(fractional)]
        raise DataFormatError(
            f"labels look continuous ({labels.nunique()} distinct values, e.g. "
            f"{float(values[np.argmax(fractional)])!r} for gene {first!r}); a classifier needs "
            "classes: binarise or bin them first (e.g. (scores > t).astype(int))")


def _check_multilabel(table: pd.DataFrame) -> None:
    non_numeric = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    if non_numeric:
        raise DataFormatError(f"multi-label table: columns {non_numeric[:5]} are not numeric "
                              "0/1")
    values = table.to_numpy(dtype=np.float64)
    bad = ~np.isnan(values) & (values != 0) & (values != 1)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataFormatError(
            f"multi-label table: gene {table.index[row]!r}, label {table.columns[col]!r} holds "
            f"{float(values[row, col])!r}; values must be 0, 1 or NaN (unlabelled)")
