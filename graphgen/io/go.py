"""Gene Ontology: the ontology through goatools, annotations from NCBI gene2go and GAF files.

The ontology is goatools' ``GODag`` (OBO parser; relationships loaded so that ``part_of`` can
be followed). Annotation files are read with graphgen's vectorised table reader into a long
table (one row per gene and term) rather than line by line; :func:`to_associations` turns such
a table into the ``{gene: {GO ids}}`` dict that goatools' enrichment tools take.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable
from typing import Literal

import pandas as pd

from graphgen.exceptions import DataFormatError
from graphgen.io.delimited import first_lines, open_text, read_delimited

__all__ = ["NAMESPACES", "read_gaf", "read_gene2go", "read_go_annotations", "read_obo",
           "to_associations"]

#: Short namespace names -> OBO namespaces.
NAMESPACES = {"BP": "biological_process", "MF": "molecular_function",
              "CC": "cellular_component"}
_ASPECT = {"P": "biological_process", "F": "molecular_function", "C": "cellular_component"}
_CATEGORY = {"Process": "biological_process", "Function": "molecular_function",
             "Component": "cellular_component"}
_GAF_COLUMNS = ["db", "object_id", "symbol", "qualifier", "term_id", "reference", "evidence",
                "with_from", "aspect", "object_name", "synonyms", "object_type", "taxon",
                "date", "assigned_by", "extension", "product_form"]


def read_obo(path: str | os.PathLike):
    """The Gene Ontology DAG from an OBO file (goatools ``GODag``, relationships loaded).

    Obsolete terms are left out (goatools' default); alternative ids resolve to their main
    term (``dag["GO:alt"]`` is the main term object).

    Raises:
        DataFormatError: the file is missing or not an OBO ontology.
    """
    from goatools.obo_parser import GODag

    path = os.fspath(path)
    head = first_lines(path, 3)
    if not head or not any(line.startswith("format-version") for line in head):
        raise DataFormatError(f"{path}: not an OBO file (no 'format-version' header line)")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            dag = GODag(path, optional_attrs={"relationship"}, prt=None)
    except Exception as exc:  # goatools raises bare exceptions on malformed stanzas
        raise DataFormatError(f"{path}: cannot parse OBO ({type(exc).__name__}: {exc})") from None
    if not len(dag):
        raise DataFormatError(f"{path}: the OBO file holds no terms")
    return dag


def read_gene2go(path: str | os.PathLike, *, taxon: int | None = None) -> pd.DataFrame:
    """Read NCBI ``gene2go`` (tab-separated, header ``#tax_id GeneID GO_ID Evidence ...``).

    Args:
        path: plain or gzip file.
        taxon: keep one organism (``9606`` human); ``None`` keeps all.

    Returns:
        Long table: ``gene_id`` (Entrez id as string), ``term_id``, ``evidence``,
        ``namespace`` (from the Category column), ``qualifier``. Annotations whose qualifier
        contains ``NOT`` are left out (they say the gene does *not* have the function).

    Raises:
        DataFormatError: missing columns, wrong field counts, an empty or truncated file.
    """
    required, optional = ["#tax_id", "GeneID", "GO_ID", "Evidence"], ["Qualifier", "Category"]
    table = read_delimited(path, what="gene2go file", required=required, optional=optional,
                           sep="\t", categorical=required + optional)  # categorical: memory
    if taxon is not None:
        table = table[(table["#tax_id"].astype("string") == str(int(taxon))).to_numpy()]
    missing = pd.Series(index=table.index, dtype="string")
    qualifier = (table["Qualifier"].astype("string").fillna("-") if "Qualifier" in table
                 else missing.fillna("-"))
    namespace = (table["Category"].astype("string").map(_CATEGORY).astype("string")
                 if "Category" in table else missing)
    frame = pd.DataFrame({
        "gene_id": table["GeneID"].astype("string"), "term_id": table["GO_ID"].astype("string"),
        "evidence": table["Evidence"].astype("string"), "namespace": namespace,
        "qualifier": qualifier,
    })
    return _without_not(frame)


def read_gaf(
    path: str | os.PathLike, *, ids: Literal["symbol", "object_id"] = "symbol"
) -> pd.DataFrame:
    """Read a GO annotation file in GAF 2.x format (``!`` comment lines, 15-17 columns).

    Args:
        path: plain or gzip file.
        ids: gene ids from column 3 (``DB_Object_Symbol``, default) or column 2
            (``DB_Object_ID``, e.g. UniProt accessions).

    Returns:
        Long table like :func:`read_gene2go`: ``gene_id``, ``term_id``, ``evidence``,
        ``namespace`` (from the aspect P/F/C), ``qualifier``; ``NOT`` annotations left out.

    Raises:
        DataFormatError: fewer than 15 columns, an empty or truncated file.
    """
    if ids not in ("symbol", "object_id"):
        raise DataFormatError(f"read_gaf: ids must be 'symbol' or 'object_id', got {ids!r}")
    comments, first = 0, None
    with open_text(path) as handle:  # the header may be of any length
        for line in handle:
            if not line.startswith("!"):
                first = line
                break
            comments += 1
    if first is None:
        raise DataFormatError(f"{path}: GAF file has no annotation lines")
    n_fields = len(first.split("\t"))
    if n_fields < 15:
        raise DataFormatError(f"{path}, line {comments + 1}: GAF lines have 15-17 tab-separated "
                              f"columns, this one has {n_fields}")
    names = (_GAF_COLUMNS + [f"extra{i}" for i in range(n_fields - len(_GAF_COLUMNS))])[:n_fields]
    required = ["object_id", "symbol", "term_id", "evidence", "aspect"]
    table = read_delimited(path, what="GAF file", required=required, optional=["qualifier"],
                           names=names, sep="\t", skip_lines=comments,
                           categorical=required + ["qualifier"])  # categorical: memory
    frame = pd.DataFrame({
        "gene_id": table[ids].astype("string"), "term_id": table["term_id"].astype("string"),
        "evidence": table["evidence"].astype("string"),
        "namespace": table["aspect"].astype("string").map(_ASPECT).astype("string"),
        "qualifier": table["qualifier"].astype("string").fillna(""),
    })
    return _without_not(frame)


def read_go_annotations(path: str | os.PathLike) -> pd.DataFrame:
    """Read a GO annotation file, NCBI ``gene2go`` or GAF, told apart by its first line.

    A first line starting with ``#tax_id`` is gene2go (:func:`read_gene2go`, every organism
    kept); anything else is read as GAF (:func:`read_gaf`, gene symbols as ids).

    Raises:
        DataFormatError: as the chosen reader.
    """
    head = first_lines(path, 1)
    if head and head[0].startswith("#tax_id"):
        return read_gene2go(path)
    return read_gaf(path)


def to_associations(annotations: pd.DataFrame, *, genes: Iterable[str] | None = None
                    ) -> dict[str, set[str]]:
    """``{gene_id: {GO ids}}`` as goatools' enrichment study takes it.

    Example:
        >>> ann = pd.DataFrame({"gene_id": ["1", "1", "2"],
        ...                     "term_id": ["GO:1", "GO:2", "GO:1"]})
        >>> sorted(to_associations(ann)["1"])
        ['GO:1', 'GO:2']
    """
    if genes is not None:
        annotations = annotations[annotations["gene_id"].isin(list(genes))]
    grouped = annotations.groupby("gene_id")["term_id"].agg(set)  # sorted by gene
    return {str(k): set(v) for k, v in grouped.items()}


def _without_not(frame: pd.DataFrame) -> pd.DataFrame:
    negated = frame["qualifier"].str.contains("NOT").to_numpy(dtype=bool)  # never NA here
    if negated.any():
        frame = frame[~negated]
    frame = frame.reset_index(drop=True)
    for column in ("gene_id", "term_id"):
        frame[column] = frame[column].str.strip()
    return frame
