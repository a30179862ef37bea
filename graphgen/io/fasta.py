"""Read sequences: FASTA files (DNA or protein, plain or gzip) and ``id<TAB>sequence`` tables.

The whole file is read at once and split into records with bytes operations in C (one Python
step per record, none per line), soft-masked lower case is upper-cased, and the letters
outside the alphabet are counted per sequence with numpy.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError
from graphgen.io.delimited import read_delimited

__all__ = ["ALPHABETS", "check_alphabet", "infer_alphabet", "read_fasta",
           "read_residue_vectors", "read_sequence_table"]

_UPPER = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")

#: Letters of each alphabet and the letter that stands for "unknown".
ALPHABETS = {"dna": ("ACGTN", "N"), "protein": ("ACDEFGHIKLMNPQRSTVWYX", "X")}


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
        return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except FileNotFoundError:
        raise DataFormatError(f"{path}: no such file") from None
    except (EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(f"{path}: truncated or corrupt gzip file ({exc})") from None


def read_fasta(
    path: str | os.PathLike,
    *,
    alphabet: Literal["auto", "dna", "protein"] | None = "auto",
    invalid: Literal["error", "replace", "keep"] = "error",
) -> pd.Series:
    """Read a FASTA file into a Series: record id -> upper-case sequence.

    The id is the first word of the header line; the rest of the header is kept in
    ``attrs["descriptions"]``.

    Args:
        path: plain or gzip FASTA.
        alphabet: ``"dna"`` (ACGTN) or ``"protein"`` (20 amino acids + X) to check letters
            against; ``"auto"`` (default) infers it (DNA when A, C, G, T and N make up at
            least 90 % of the letters, protein otherwise) and checks; ``None`` checks nothing.
        invalid: letters outside the alphabet: ``"error"`` (the message names the first
            sequences and counts), ``"replace"`` by N / X, or ``"keep"``. Their count per
            sequence is in ``attrs["invalid_counts"]`` either way.

    Raises:
        DataFormatError: empty file, text before the first header, an empty or repeated id,
            a record without sequence, invalid letters with ``invalid="error"``.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.fa"
        >>> _ = f.write_text(">geneA promoter\\nacgtNN\\nGGc\\n>geneB\\nTTTA\\n")
        >>> read_fasta(f, alphabet="dna").to_dict()
        {'geneA': 'ACGTNNGGC', 'geneB': 'TTTA'}
    """
    path = Path(path)
    raw = _read_bytes(path).replace(b"\r", b"")
    stripped = raw.lstrip()
    if not stripped.strip():
        raise DataFormatError(f"{path}: FASTA file is empty")
    if not stripped.startswith(b">"):
        raise DataFormatError(f"{path}, line 1: FASTA must start with a '>' header line")
    if not stripped.isascii():
        raise DataFormatError(f"{path}: not an ASCII FASTA file")
    ids, headers, bodies = [], [], []
    for record in stripped[1:].split(b"\n>"):  # bytes operations in C, one step per record
        header, _, body = record.partition(b"\n")
        headers.append(header.decode("ascii"))
        ids.append(header.split(maxsplit=1)[0].decode("ascii") if header.strip() else "")
        bodies.append(body.translate(_UPPER, b"\n \t").decode("ascii"))
    series = pd.Series(bodies, index=pd.Index(ids, name="id"), dtype=object)
    empty_id = [i for i, x in enumerate(ids) if not x]
    if empty_id:
        raise DataFormatError(f"{path}: record {empty_id[0] + 1} has an empty header")
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()].unique()[:5].tolist()
        raise DataFormatError(f"{path}: FASTA ids repeat, e.g. {dup}")
    lengths = np.fromiter((len(b) for b in bodies), dtype=np.int64, count=len(bodies))
    if (lengths == 0).any():
        raise DataFormatError(f"{path}: record {ids[int(np.argmax(lengths == 0))]!r} has no "
                              "sequence")
    series.attrs["descriptions"] = {i: (h.split(maxsplit=1) + [""])[1]
                                    for i, h in zip(ids, headers)}
    series.attrs["lengths"] = lengths
    return check_alphabet(series, alphabet, invalid=invalid, what=str(path))


def read_sequence_table(
    path: str | os.PathLike,
    *,
    alphabet: Literal["auto", "dna", "protein"] | None = "auto",
    invalid: Literal["error", "replace", "keep"] = "error",
) -> pd.Series:
    """Read a two-column ``id<TAB>sequence`` table without header (e.g. SHS27k's dictionary).

    ``alphabet`` and ``invalid`` are as in :func:`read_fasta` (checked by default).

    Raises:
        DataFormatError: as :func:`read_fasta`, naming the line.
    """
    table = read_delimited(path, what="sequence table", required=["id", "sequence"],
                           names=["id", "sequence"], sep="\t")
    series = pd.Series(table["sequence"].astype(str).str.strip().str.upper().to_numpy(),
                       index=pd.Index(table["id"].astype(str).to_numpy(), name="id"))
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()].unique()[:5].tolist()
        raise DataFormatError(f"{path}: sequence ids repeat, e.g. {dup}")
    return check_alphabet(series, alphabet, invalid=invalid, what=str(path))


def read_residue_vectors(path: str | os.PathLike) -> pd.DataFrame:
    """Read a residue embedding table: ``letter<TAB>v1 v2 ... vd`` per line, no header
    (GNN-PPI's ``vec5_CTC.txt``: 5 continuous dimensions and a 7-class one-hot per amino acid).

    Returns:
        A letters x ``d`` float table (letters upper-cased), e.g. for
        :class:`~graphgen.sequences.encoders.CNNBiGRUEncoder`'s ``residues``.

    Raises:
        DataFormatError: a missing file, a line without the tab, a letter that is not one
            ASCII character or repeats, a value that is not a finite number, or a line whose
            width differs from the first one, naming the line.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp) / "vec.txt"
        ...     _ = path.write_text("A\\t0.5 1.0\\nC\\t-1 0\\n")
        ...     read_residue_vectors(path).to_numpy().tolist()
        [[0.5, 1.0], [-1.0, 0.0]]
    """
    path = Path(path)
    text = _read_bytes(path).decode("utf-8", "replace")
    letters, rows = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        letter, tab, values = line.partition("\t")
        letter = letter.strip().upper()
        if not tab or len(letter) != 1 or not letter.isascii():  # not U+FFFD from a bad byte
            raise DataFormatError(f"{path}, line {number}: expected 'letter<TAB>values', got "
                                  f"{line[:40]!r}")
        if letter in letters:
            raise DataFormatError(f"{path}, line {number}: residue {letter!r} repeats")
        try:
            row = np.array([float(v) for v in values.split()], dtype=np.float32)
        except ValueError:
            raise DataFormatError(f"{path}, line {number}: residue {letter!r} has a value that "
                                  "is not a number") from None
        if not len(row) or not np.isfinite(row).all():
            raise DataFormatError(f"{path}, line {number}: residue {letter!r} needs finite "
                                  "values")
        if rows and len(row) != len(rows[0]):
            raise DataFormatError(f"{path}, line {number}: residue {letter!r} has {len(row)} "
                                  f"values, the first line {len(rows[0])}")
        letters.append(letter)
        rows.append(row)
    if not rows:
        raise DataFormatError(f"{path}: no residue vectors")
    return pd.DataFrame(np.stack(rows), index=pd.Index(letters, name="residue"))


def infer_alphabet(sequences: pd.Series) -> str:
    """``"dna"`` when A, C, G, T and N make up at least 90 % of the letters, else ``"protein"``.

    Example:
        >>> infer_alphabet(pd.Series(["ACGTU", "ACGGT"])), infer_alphabet(pd.Series(["MKV"]))
        ('dna', 'protein')
    """
    text = "".join(sequences.astype(str)).encode("ascii", "replace")
    if not text:
        return "dna"
    nucleotides = len(text) - len(text.translate(None, b"ACGTN"))
    return "dna" if nucleotides >= 0.9 * len(text) else "protein"


def check_alphabet(sequences: pd.Series, alphabet: str | None, *, invalid: str = "error",
                   what: str = "sequences") -> pd.Series:
    """Count letters outside ``alphabet`` per sequence; raise, replace or keep them.

    ``alphabet="auto"`` infers it with :func:`infer_alphabet` (recorded in
    ``attrs["alphabet"]``); ``None`` checks nothing.

    Returns:
        The sequences (replaced if asked) with ``attrs["invalid_counts"]`` (a Series of the
        sequences that have invalid letters).

    Raises:
        DataFormatError: unknown alphabet or policy; invalid letters with ``invalid="error"``.
    """
    if invalid not in ("error", "replace", "keep"):
        raise DataFormatError(f"invalid must be 'error', 'replace' or 'keep', got {invalid!r}")
    attrs = dict(sequences.attrs)
    if alphabet == "auto":
        alphabet = infer_alphabet(sequences)
        attrs["alphabet"] = alphabet
    if alphabet is None:
        sequences.attrs = {**attrs, "invalid_counts": pd.Series(dtype=np.int64)}
        return sequences
    if alphabet not in ALPHABETS:
        raise DataFormatError(f"alphabet must be one of {sorted(ALPHABETS)}, got {alphabet!r}")
    letters, unknown = ALPHABETS[alphabet]
    valid = np.zeros(256, dtype=bool)
    valid[np.frombuffer(letters.encode(), dtype=np.uint8)] = True
    keep = letters.encode()
    # the letters left after deleting the alphabet's, per sequence (bytes.translate is C)
    counts = pd.Series([len(x.encode("ascii", "replace").translate(None, keep))
                        for x in sequences], index=sequences.index, dtype=np.int64)
    counts = counts[counts > 0]
    if len(counts) and invalid == "error":
        example = sequences.loc[counts.index[0]]
        letter = next(c for c in example if c not in letters)
        raise DataFormatError(
            f"{what}: {len(counts)} sequence(s) hold letters outside the {alphabet} alphabet "
            f"({letters}), e.g. {counts.index[0]!r} ({int(counts.iloc[0])} x, first {letter!r}); "
            f"pass invalid='replace' to map them to {unknown}")
    if len(counts) and invalid == "replace":
        table = np.arange(256, dtype=np.uint8)
        table[~valid] = ord(unknown)
        mapping = table.tobytes()
        flagged = sequences.index.isin(counts.index)
        sequences = pd.Series(
            [x.encode("ascii", "replace").translate(mapping).decode("ascii") if bad else x
             for x, bad in zip(sequences, flagged)], index=sequences.index, dtype=object)
    sequences.attrs = {**attrs, "invalid_counts": counts}
    return sequences
