"""Map gene and protein identifiers between id types, reporting what does not map.

An :class:`IdMapper` holds one row per gene with its identifiers of every type (symbol,
aliases, Entrez, Ensembl gene and protein, UniProt); several values of one type in one cell
are ``|``-separated. Mapping never drops an id silently: every input id comes back in the
report as ``mapped``, ``unmapped`` or ``ambiguous`` (several genes match), with the id type it
matched as and its candidates.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.io.delimited import first_lines, read_delimited

__all__ = ["ID_TYPES", "IdMapper", "IdMapping"]

log = logging.getLogger(__name__)

#: Identifier types, in the order an id of unknown type is looked up (first match wins).
ID_TYPES = ("symbol", "entrez", "ensembl_gene", "ensembl_protein", "uniprot", "string", "alias")

#: Columns of the human id table (``shared/data/ids``-style) -> id type.
_HUMAN_COLUMNS = {"entrez_id": "entrez", "symbol": "symbol", "ensembl_gene": "ensembl_gene",
                  "ensembl_protein": "ensembl_protein", "uniprot": "uniprot",
                  "aliases": "alias"}
_TAXON_PREFIX = re.compile(r"^\d+\.")          # STRING: 9606.ENSP00000269305
_VERSION_SUFFIX = re.compile(r"\.\d+$")        # Ensembl: ENSG00000141510.17
_ISOFORM_SUFFIX = re.compile(r"-\d+$")         # UniProt: P04637-2
_COMPOSITE = re.compile(r"^(?P<symbol>.+)[_|](?P<entrez>\d+)$")  # TCGA: ESR1_2099, ESR1|2099
_SWISSPROT_LIKE = r"[OPQ][0-9][A-Z0-9]{3}[0-9]"  # classic reviewed accessions: P04637


@dataclass(frozen=True)
class IdMapping:
    """The outcome of :meth:`IdMapper.map`.

    Attributes:
        mapping: input id -> target id, for the ids that map to exactly one gene.
        report: one row per distinct input id (index ``input_id``): ``status``
            (``mapped``/``unmapped``/``ambiguous``), ``matched_as`` (id type that matched,
            empty if none), ``target`` (empty unless mapped) and ``candidates`` (all target
            ids the input could mean, ``|``-separated).
        to: the target id type.
    """

    mapping: pd.Series
    report: pd.DataFrame
    to: str

    @property
    def unmapped(self) -> pd.Index:
        """Input ids that match no gene."""
        return self.report.index[self.report["status"] == "unmapped"]

    @property
    def ambiguous(self) -> pd.Index:
        """Input ids that match several genes with different target ids."""
        return self.report.index[self.report["status"] == "ambiguous"]

    def __repr__(self) -> str:
        return f"IdMapping({self.summary()})"

    def summary(self) -> str:
        """One line: how many ids mapped, did not, or were ambiguous."""
        counts = self.report["status"].value_counts()
        return (f"{int(counts.get('mapped', 0))} of {len(self.report)} ids mapped to "
                f"{self.to}; {int(counts.get('unmapped', 0))} unmapped, "
                f"{int(counts.get('ambiguous', 0))} ambiguous")

    def __call__(self, ids: Iterable[str], *, strict: bool = True) -> list[str]:
        """Translate ``ids``; with ``strict`` an unmapped or ambiguous id is an error.

        Raises:
            IdMappingError: some ids did not map (the message names them).
        """
        ids = [str(i) for i in ids]
        out = self.mapping.reindex(ids)
        if strict and out.isna().any():
            bad = [i for i, v in zip(ids, out) if pd.isna(v)]
            raise IdMappingError(f"{len(bad)} ids did not map to {self.to}, e.g. {bad[:5]}; "
                                 "see IdMapping.report")
        return [None if pd.isna(v) else v for v in out]


class IdMapper:
    """Translate identifiers through a table with one row per gene.

    Args:
        table: one row per gene; columns named by id type (see :data:`ID_TYPES`; other
            columns are ignored). Cells may hold several ``separator``-separated values.
        separator: separator of multi-valued cells.

    Raises:
        DataFormatError: the table has no id column.

    Example:
        >>> table = pd.DataFrame({"symbol": ["TP53", "MDM2"], "entrez": ["7157", "4193"],
        ...                       "alias": ["P53|LFS1", "HDM2"]})
        >>> m = IdMapper(table).map(["P53", "4193", "XYZ"], to="symbol")
        >>> m.mapping.to_dict()
        {'P53': 'TP53', '4193': 'MDM2'}
        >>> m.report.loc["XYZ", "status"]
        'unmapped'
    """

    def __init__(self, table: pd.DataFrame, *, separator: str = "|") -> None:
        if not any(t in table.columns for t in ID_TYPES):
            raise DataFormatError(
                f"IdMapper: the table needs at least one id column among {list(ID_TYPES)}; it "
                f"has {list(table.columns)}"
            )
        self.table = table
        self.separator = separator
        self._long: pd.DataFrame | None = None
        self._targets: dict[str, np.ndarray] = {}

    @classmethod
    def human(cls, path: str | os.PathLike) -> IdMapper:
        """The human mapper from a gene id table.

        Two layouts are read: a table with columns ``entrez_id, symbol, ensembl_gene,
        ensembl_protein, uniprot, aliases`` (multi-valued cells ``|``-separated, as exported
        from Bioconductor's ``org.Hs.eg.db`` into ``shared/data/ids/human_gene_ids.tsv.gz``),
        and NCBI's ``Homo_sapiens.gene_info`` (data set ``ncbi-gene-info-human``: symbols,
        synonyms, Entrez and Ensembl gene ids from ``dbXrefs``; no UniProt).

        Raises:
            DataFormatError: the file has neither layout or is unreadable.
        """
        if first_lines(path, 1)[:1] and first_lines(path, 1)[0].startswith("#tax_id"):
            return cls._from_gene_info(path)
        table = read_delimited(path, what="gene id table", required=["entrez_id", "symbol"],
                               optional=list(_HUMAN_COLUMNS)[2:] + ["gene_type"])
        renamed = table.rename(columns=_HUMAN_COLUMNS)
        for column in renamed.columns:
            renamed[column] = renamed[column].astype("string")
        return cls(renamed.reset_index(drop=True))

    @classmethod
    def _from_gene_info(cls, path: str | os.PathLike) -> IdMapper:
        table = read_delimited(path, what="NCBI gene_info file", sep="\t",
                               required=["GeneID", "Symbol"], optional=["Synonyms", "dbXrefs"])
        synonyms = table["Synonyms"].astype("string").replace("-", pd.NA) if (
            "Synonyms" in table) else pd.Series(pd.NA, index=table.index, dtype="string")
        ensembl = (table["dbXrefs"].astype("string").str.findall(r"Ensembl:(ENSG\d+)")
                   .str.join("|").replace("", pd.NA) if "dbXrefs" in table else
                   pd.Series(pd.NA, index=table.index, dtype="string"))
        return cls(pd.DataFrame({
            "entrez": table["GeneID"].astype("string").to_numpy(),
            "symbol": table["Symbol"].astype("string").to_numpy(),
            "alias": synonyms.to_numpy(), "ensembl_gene": ensembl.to_numpy(),
        }))

    @classmethod
    def string_aliases(cls, path: str | os.PathLike) -> IdMapper:
        """A mapper from a STRING ``protein.aliases`` file (data set ``string-human-aliases``).

        The file has one line per ``(#string_protein_id, alias, source)``. Each STRING protein
        becomes one row: ``string`` is its id, ``ensembl_protein`` the id without the taxon
        prefix; ``symbol`` is the first alias from a source naming HGNC symbols
        (``*HGNC_symbol``, ``BioMart_HUGO``, else a non-numeric ``*EntrezGene`` alias);
        ``entrez`` numeric aliases from ``*entrez*`` sources; ``ensembl_gene`` aliases
        ``ENSG...``; ``uniprot`` aliases from ``*UniProt_AC`` sources; ``alias`` every alias.

        Raises:
            DataFormatError: the file lacks the three columns.
        """
        table = read_delimited(path, what="STRING aliases file", sep="\t",
                               required=["#string_protein_id", "alias", "source"],
                               categorical=["#string_protein_id", "source"])
        frame = pd.DataFrame({"string": table["#string_protein_id"].astype("string"),
                              "alias": table["alias"].astype("string").str.strip(),
                              "source": table["source"].astype("string")})
        source = frame["source"].str.lower()
        numeric = frame["alias"].str.fullmatch(r"\d+").fillna(False)
        rank = np.select(
            [source.str.contains("hgnc_symbol") | source.str.contains("hugo"),
             source.str.contains("entrezgene") & ~numeric],
            [0, 1], default=9)
        frame["symbol_rank"] = rank
        kinds = {
            "symbol": frame[rank < 9].sort_values("symbol_rank", kind="stable"),
            "entrez": frame[source.str.contains("entrez") & numeric],
            "ensembl_gene": frame[frame["alias"].str.match(r"ENSG\d+").fillna(False)],
            "uniprot": frame[source.str.contains("uniprot_ac")],
            "alias": frame,
        }
        ids = pd.Index(frame["string"].unique())
        columns = {"string": ids.to_numpy(dtype=object),
                   "ensembl_protein": ids.str.replace(_TAXON_PREFIX, "", regex=True).to_numpy(
                       dtype=object)}
        for kind, part in kinds.items():
            part = part.drop_duplicates(["string", "alias"])
            if kind == "symbol":
                part = part.drop_duplicates("string")
            joined = part.groupby("string", sort=False)["alias"].agg("|".join)
            columns[kind] = joined.reindex(ids).to_numpy(dtype=object)
        return cls(pd.DataFrame(columns))

    @property
    def id_types(self) -> list[str]:
        """The id types this mapper knows."""
        return [t for t in ID_TYPES if t in self.table.columns]

    def map(
        self,
        ids: Iterable[str],
        *,
        to: str,
        source: str | Sequence[str] = "auto",
    ) -> IdMapping:
        """Map ``ids`` to the id type ``to``.

        Each input id is looked up as the types in ``source`` (``"auto"``: every known type in
        the order of :data:`ID_TYPES`); the first type where it matches decides. An id that
        matches no gene as written is tried once more normalised: STRING's taxon prefix
        (``9606.``), Ensembl version suffixes (``.17``) and UniProt isoform suffixes (``-2``)
        are removed and symbols upper-cased. An id that still matches nothing and is a
        composite ``SYMBOL_ENTREZ`` or ``SYMBOL|ENTREZ`` (TCGA's ``ESR1_2099``,
        ``?|100130426``) maps to the gene that both its parts name (the Entrez part alone
        after TCGA's ``?``); parts that disagree leave it unmapped. For
        multi-valued target types a gene's first listed value is its target id (for
        UniProt, accessions of the classic Swiss-Prot form ``[OPQ]9XXX9`` come first, then
        other six-character ones, then ten-character TrEMBL ones).

        Args:
            ids: identifiers to map (duplicates are mapped once; a single string is one id;
                surrounding white space is ignored when matching).
            to: target id type.
            source: id type(s) of the inputs, or ``"auto"``.

        Returns:
            An :class:`IdMapping` (mapping + report of every input id).

        Raises:
            ConfigError: an id type this mapper does not know.
            DataFormatError: missing ids (NaN/None) among ``ids``.
        """
        known = self.id_types
        if to not in known:
            raise ConfigError(f"IdMapper: cannot map to {to!r}; known id types are {known}")
        types = list(known) if source == "auto" else [source] if isinstance(source, str) else (
            list(source))
        wrong = [t for t in types if t not in known]
        if wrong:
            raise ConfigError(f"IdMapper: unknown source id type(s) {wrong}; known: {known}")
        inputs = pd.Index(pd.unique(pd.Series(_input_ids(ids), dtype=object)),
                          name="input_id")
        long = self._lookup_table()
        long = long[long["id_type"].isin(types)]
        rank = {t: r for r, t in enumerate(types)}
        hits = self._match(inputs, inputs, long, rank)
        missing = inputs.difference(hits["input_id"].unique())
        if len(missing):
            normalised = _normalise(missing)
            changed = normalised != missing
            if changed.any():
                again = self._match(missing[changed], normalised[changed], long, rank)
                hits = pd.concat([hits, again], ignore_index=True)
        composite = self._composite(inputs.difference(hits["input_id"].unique()), long, rank)
        if len(composite):
            hits = pd.concat([hits, composite], ignore_index=True)
        return self._result(inputs, hits, to)

    def map_columns(self, table: pd.DataFrame, *, to: str,
                    source: str | Sequence[str] = "auto") -> pd.DataFrame:
        """A samples x genes table with its gene columns mapped to the id type ``to``.

        Composite and versioned ids are recognised (:meth:`map`): TCGA's ``ESR1_2099`` and
        ``ESR1|2099``, Ensembl's ``ENSG00000091831.24``. Columns that do not map, or map to
        several genes, are dropped; of several columns that map to one gene the first is
        kept. Either is reported as one warning with counts and examples.

        Args:
            table: samples x genes (gene ids as column names).
            to, source: as :meth:`map`.

        Returns:
            A new table with the mapped columns renamed (the input is not changed).

        Raises:
            IdMappingError: no column maps (the message gives examples of both sides).

        Example:
            >>> m = IdMapper(pd.DataFrame({"symbol": ["ESR1", "TP53"],
            ...                            "entrez": ["2099", "7157"]}))
            >>> t = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["ESR1_2099", "7157", "XYZ_1"])
            >>> m.map_columns(t, to="symbol").columns.tolist()
            ['ESR1', 'TP53']
        """
        names = pd.Index([str(c) for c in table.columns])
        mapping = self.map(names, to=to, source=source)
        targets = names.map(mapping.mapping.to_dict().get)
        keep = pd.notna(targets)
        repeated = keep & pd.Series(targets).duplicated().to_numpy()
        if not keep.any():
            raise IdMappingError(f"IdMapper.map_columns: none of the {len(names)} columns maps "
                                 f"to {to} (columns e.g. {names[:3].tolist()}); is the table "
                                 "genes x samples (transpose it), or of another organism?")
        if (~keep).any() or repeated.any():
            log.warning("IdMapper.map_columns: %d of %d columns kept as %s; %d unmapped or "
                        "ambiguous dropped (e.g. %s), %d repeating a gene dropped (e.g. %s)",
                        int((keep & ~repeated).sum()), len(names), to, int((~keep).sum()),
                        names[~keep][:5].tolist(), int(repeated.sum()),
                        names[repeated][:5].tolist())
        chosen = keep & ~repeated
        out = table.loc[:, chosen]
        out.columns = pd.Index(np.asarray(targets, dtype=object)[chosen])
        return out

    # -- internals ---------------------------------------------------------------------------

    def _composite(self, missing: pd.Index, long: pd.DataFrame, rank: dict[str, int]
                   ) -> pd.DataFrame:
        """Hits of composite ``SYMBOL_ENTREZ`` ids: the genes that both parts name (TCGA's
        ``?`` for an unknown symbol: the Entrez part alone). Parts that disagree, or a part
        that names no gene, leave the id unmapped rather than guess."""
        parts = pd.Series(np.asarray(missing, dtype=object), dtype="string").str.extract(
            _COMPOSITE)
        found = parts["entrez"].notna().to_numpy()
        if not found.any() or "entrez" not in rank:
            return pd.DataFrame({"input_id": [], "id_type": [], "row": []})
        ids, parts = missing[found], parts[found]
        by_entrez = self._match(ids, pd.Index(parts["entrez"].to_numpy(dtype=object)),
                                long[long["id_type"] == "entrez"], rank)
        unknown = parts["symbol"].isin(["?", ""]).to_numpy()
        by_symbol = self._match(ids[~unknown], _normalise(pd.Index(
            parts["symbol"][~unknown].to_numpy(dtype=object))), long, rank)
        agree = by_entrez.merge(by_symbol[["input_id", "row"]], on=["input_id", "row"])
        alone = by_entrez[by_entrez["input_id"].isin(ids[unknown])]
        return pd.concat([agree, alone], ignore_index=True)

    def _lookup_table(self) -> pd.DataFrame:
        """Long table (value, id_type, row) over every id of every gene, built once."""
        if self._long is None:
            parts = []
            for id_type in self.id_types:
                cells = self.table[id_type].astype("string")
                split = cells.str.split(self.separator, regex=False).explode().dropna()
                split = split.str.strip()
                split = split[split != ""]
                parts.append(pd.DataFrame({"value": split.to_numpy(dtype=object),
                                           "id_type": id_type,
                                           "row": split.index.to_numpy()}))
            long = pd.concat(parts, ignore_index=True)
            upper = long[long["id_type"].isin(["symbol", "alias"])].copy()
            upper["value"] = upper["value"].str.upper()
            upper = upper[~upper.set_index(["value", "row"]).index.isin(
                long.set_index(["value", "row"]).index)]
            self._long = pd.concat([long, upper], ignore_index=True).drop_duplicates()
        return self._long

    def _target_values(self, to: str) -> np.ndarray:
        """The target id of every gene: the first value of its cell (for UniProt, the first
        accession of the classic Swiss-Prot form ``[OPQ]9XXX9``, else the first of six
        characters, before ten-character TrEMBL accessions)."""
        if to not in self._targets:
            split = self.table[to].astype("string").str.split(self.separator, regex=False)
            if to == "uniprot":
                values = split.explode().dropna().str.strip()
                values = values[values != ""]
                order = pd.DataFrame({
                    "row": values.index, "value": values.to_numpy(),
                    "rank": np.where(values.str.fullmatch(_SWISSPROT_LIKE).to_numpy(), 0,
                                     np.where(values.str.len().to_numpy() == 6, 1, 2)),
                })
                order = order.sort_values(["row", "rank"], kind="stable")
                first = order.drop_duplicates("row").set_index("row")["value"]
                first = first.reindex(range(len(self.table)))
            else:
                first = split.str[0].str.strip()
            self._targets[to] = first.fillna("").to_numpy(dtype=object)
        return self._targets[to]

    @staticmethod
    def _match(inputs: pd.Index, keys: pd.Index, long: pd.DataFrame,
               rank: dict[str, int]) -> pd.DataFrame:
        query = pd.DataFrame({"input_id": np.asarray(inputs, dtype=object),
                              "value": np.asarray(keys, dtype=object)})
        hits = query.merge(long, on="value", how="inner")
        if hits.empty:
            return hits[["input_id", "id_type", "row"]]
        hits["rank"] = hits["id_type"].map(rank)
        best = hits.groupby("input_id")["rank"].transform("min")
        return hits.loc[hits["rank"] == best, ["input_id", "id_type", "row"]]

    def _result(self, inputs: pd.Index, hits: pd.DataFrame, to: str) -> IdMapping:
        targets = self._target_values(to)
        hits = hits.assign(target=targets[hits["row"].to_numpy()] if len(hits) else [])
        hits = hits[hits["target"] != ""]
        grouped = hits.groupby("input_id", sort=False).agg(
            matched_as=("id_type", "first"),
            candidates=("target", lambda v: "|".join(sorted(set(v)))),
            n=("target", "nunique"),
        )
        report = pd.DataFrame(index=inputs)
        report["status"] = "unmapped"
        report["matched_as"] = ""
        report["target"] = ""
        report["candidates"] = ""
        if len(grouped):
            report.loc[grouped.index, "matched_as"] = grouped["matched_as"]
            report.loc[grouped.index, "candidates"] = grouped["candidates"]
            single = grouped.index[grouped["n"] == 1]
            multiple = grouped.index[grouped["n"] > 1]
            report.loc[single, "status"] = "mapped"
            report.loc[single, "target"] = grouped.loc[single, "candidates"]
            report.loc[multiple, "status"] = "ambiguous"
        mapping = report.loc[report["status"] == "mapped", "target"].rename(to)
        result = IdMapping(mapping=mapping, report=report, to=to)
        log.info("IdMapper: %s", result.summary())
        return result


def _input_ids(ids: Iterable[str]) -> list[str]:
    """The ids to map as strings; a single string is one id, a missing value an error."""
    if isinstance(ids, (str, bytes)):
        ids = [ids.decode() if isinstance(ids, bytes) else ids]
    elif not isinstance(ids, Iterable):
        raise DataFormatError(f"IdMapper.map: ids must be a list (or Series, Index) of "
                              f"identifiers, got {type(ids).__name__}")
    values = list(ids)
    missing = [i for i, v in enumerate(values) if v is None or v is pd.NA
               or (isinstance(v, (float, np.floating)) and np.isnan(v))]
    if missing:
        raise DataFormatError(f"IdMapper.map: {len(missing)} id(s) are missing (NaN/None), "
                              f"first at position {missing[0]}; drop them before mapping "
                              "(e.g. ids.dropna())")
    return [str(v) for v in values]


def _normalise(ids: pd.Index) -> pd.Index:
    """Strip white space, taxon prefixes, Ensembl versions, UniProt isoforms; upper-case."""
    values = pd.Series(np.asarray(ids, dtype=object), dtype="string").str.strip()
    values = values.str.replace(_TAXON_PREFIX, "", regex=True)
    ensembl = values.str.startswith("ENS")
    values = values.where(~ensembl, values.str.replace(_VERSION_SUFFIX, "", regex=True))
    values = values.str.replace(_ISOFORM_SUFFIX, "", regex=True).str.upper()
    return pd.Index(values.to_numpy(dtype=object))

