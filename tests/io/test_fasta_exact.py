"""The sequence readers pinned exactly: CRLF files, leading blank lines, ids as written, every
message whole, the attributes, the alphabet's bounds (written from the mutation run of
docs/mutation.md)."""

import gzip
import re

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io.fasta import (
    check_alphabet,
    infer_alphabet,
    read_fasta,
    read_residue_vectors,
    read_sequence_table,
)


def _whole(message):
    return "^" + re.escape(message) + "$"


def test_a_crlf_file_with_blank_lines_before_the_first_header(tmp_path):
    f = tmp_path / "x.fa"
    f.write_bytes(b"\r\n\n>g1 first gene\r\nacgt\r\nNN\r\n>g2\r\nTT\r\n")
    seqs = read_fasta(f)
    assert seqs.to_dict() == {"g1": "ACGTNN", "g2": "TT"}
    assert seqs.index.name == "id" and seqs.dtype == object
    assert seqs.attrs["descriptions"] == {"g1": "first gene", "g2": ""}
    assert seqs.attrs["lengths"].dtype == np.int64
    assert seqs.attrs["lengths"].tolist() == [6, 2]
    assert seqs.attrs["alphabet"] == "dna" and seqs.attrs["invalid_counts"].empty


@pytest.mark.parametrize(("text", "message"), [
    (">g1\nAC\n>\nTT\n>\nGG\n", "{f}: record 2 has an empty header"),
    (">a\nAC\n>b\n>c\nA\n", "{f}: record 'b' has no sequence"),
    ("".join(f">g{i}\nAC\n>g{i}\nAC\n" for i in range(6)),
     "{f}: FASTA ids repeat, e.g. ['g0', 'g1', 'g2', 'g3', 'g4']"),
    ("\n\n", "{f}: FASTA file is empty"),
    ("AC\n>g\nAC\n", "{f}, line 1: FASTA must start with a '>' header line"),
    (">g\nAC\u00e9\n", "{f}: not an ASCII FASTA file"),
    (">g1\nACGTACGTACGTACGTACGT\n>g2\nACGU\n",
     "{f}: 1 sequence(s) hold letters outside the dna alphabet (ACGTN), e.g. 'g2' (1 x, first "
     "'U'); pass invalid='replace' to map them to N"),
])
def test_fasta_messages_whole(tmp_path, text, message):
    f = tmp_path / "x.fa"
    f.write_text(text)
    with pytest.raises(DataFormatError, match=_whole(message.format(f=f))):
        read_fasta(f)


def test_file_messages_whole(tmp_path):
    with pytest.raises(DataFormatError, match=_whole(f"{tmp_path}/none.fa: no such file")):
        read_fasta(tmp_path / "none.fa")
    f = tmp_path / "x.fa.gz"
    body = "".join(np.random.default_rng(0).choice(list("ACGT"), 20000))
    f.write_bytes(gzip.compress((">g\n" + body + "\n").encode())[:100])
    with pytest.raises(DataFormatError, match=re.escape(
            f"{f}: truncated or corrupt gzip file (")):
        read_fasta(f)


def test_sequence_table_ids_defaults_and_messages(tmp_path):
    f = tmp_path / "t.tsv"
    f.write_text("001\tmkv\nTRUE\tMKV\nNA\tACDE \n")
    seqs = read_sequence_table(f)
    assert seqs.to_dict() == {"001": "MKV", "TRUE": "MKV", "NA": "ACDE"}
    assert seqs.index.name == "id" and seqs.attrs["alphabet"] == "protein"
    f.write_text("P1\tMKVB\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: 1 sequence(s) hold letters outside the protein alphabet "
            "(ACDEFGHIKLMNPQRSTVWYX), e.g. 'P1' (1 x, first 'B'); pass invalid='replace' to map "
            "them to X")):
        read_sequence_table(f)  # checked by default
    f.write_text("P1 MKV\n")  # a space is no separator
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}, line 1: sequence table has no value in column 'sequence' (1 line(s) like "
            "this)")):
        read_sequence_table(f)
    f.write_text("".join(f"P{i}\tMKV\nP{i}\tMKV\n" for i in range(6)))
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: sequence ids repeat, e.g. ['P0', 'P1', 'P2', 'P3', 'P4']")):
        read_sequence_table(f)
    f.write_text("P1\tMK\u00e9\n")  # a letter outside ASCII is counted, not a crash
    with pytest.raises(DataFormatError, match="outside the protein alphabet"):
        read_sequence_table(f)
    replaced = read_sequence_table(f, invalid="replace")  # and replaced like any other
    assert replaced.to_dict() == {"P1": "MKX"}
    assert replaced.attrs["invalid_counts"].to_dict() == {"P1": 1}


def test_residue_vectors_exactly(tmp_path):
    f = tmp_path / "vec.txt"
    f.write_text("a\t0.5 1.0\n\nC\t-1\t0\n")  # blank lines skipped; tabs among the values
    table = read_residue_vectors(f)
    assert table.index.tolist() == ["A", "C"] and table.index.name == "residue"
    assert table.dtypes.unique().tolist() == [np.float32]
    assert table.to_numpy().tolist() == [[0.5, 1.0], [-1.0, 0.0]]
    long = "AB" + "\t1" * 30
    f.write_text(long + "\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}, line 1: expected 'letter<TAB>values', got {long[:40]!r}")):
        read_residue_vectors(f)
    f.write_bytes(b"A\t1 2\n\xe9\t3 4\n")  # a byte that is not UTF-8: no letter
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}, line 2: expected 'letter<TAB>values', got {chr(0xFFFD) + chr(9) + '3 4'!r}")):
        read_residue_vectors(f)


def test_alphabet_bounds_and_policies():
    assert infer_alphabet(pd.Series([], dtype=object)) == "dna"
    assert infer_alphabet(pd.Series(["ACGTACGTAM"])) == "dna"  # 90 % nucleotides
    assert infer_alphabet(pd.Series(["ACGTACGTMM"])) == "protein"
    assert infer_alphabet(pd.Series(["ACGT\u00e9ACGT\u00e9"])) == "protein"  # 8 of 10
    seqs = pd.Series(["ACGT", "ACGU"], index=["a", "b"])
    with pytest.raises(DataFormatError, match=_whole(
            "sequences: 1 sequence(s) hold letters outside the dna alphabet (ACGTN), e.g. 'b' "
            "(1 x, first 'U'); pass invalid='replace' to map them to N")):
        check_alphabet(seqs, "dna")
    with pytest.raises(DataFormatError, match=_whole(
            "invalid must be 'error', 'replace' or 'keep', got 'drop'")):
        check_alphabet(seqs, "dna", invalid="drop")
    with pytest.raises(DataFormatError, match=_whole(
            "alphabet must be one of ['dna', 'protein'], got 'rna'")):
        check_alphabet(seqs, "rna")
    unchecked = check_alphabet(seqs, None)
    assert unchecked.attrs["invalid_counts"].empty
    assert unchecked.attrs["invalid_counts"].dtype == np.int64
