"""FASTA and sequence tables: soft-masking, invalid letters, empty files, the real file."""

import gzip

import pytest

from graphgen import DataFormatError
from graphgen.io.fasta import read_fasta, read_residue_vectors, read_sequence_table

FASTA = ">g1 first gene\nacgtNN\nGGCA\n>g2\nACXGT\nA\n>g3\nTTTT\n"


def test_soft_masking_and_descriptions(tmp_path):
    f = tmp_path / "x.fa.gz"
    f.write_bytes(gzip.compress(FASTA.encode()))
    seqs = read_fasta(f, invalid="keep")
    assert seqs.to_dict() == {"g1": "ACGTNNGGCA", "g2": "ACXGTA", "g3": "TTTT"}
    assert seqs.attrs["descriptions"]["g1"] == "first gene"


def test_invalid_letters_counted_reported_or_replaced(tmp_path):
    f = tmp_path / "x.fa"
    f.write_text(FASTA)
    with pytest.raises(DataFormatError, match=r"1 sequence\(s\) hold letters outside the dna "
                                              r"alphabet.*'g2' \(1 x, first 'X'\)"):
        read_fasta(f, alphabet="dna")
    replaced = read_fasta(f, alphabet="dna", invalid="replace")
    assert replaced["g2"] == "ACNGTA" and replaced.attrs["invalid_counts"].to_dict() == {"g2": 1}
    kept = read_fasta(f, alphabet="dna", invalid="keep")
    assert kept["g2"] == "ACXGTA" and kept.attrs["invalid_counts"].to_dict() == {"g2": 1}
    protein = read_fasta(f, alphabet="protein")  # X is a protein letter
    assert protein.attrs["invalid_counts"].empty


@pytest.mark.parametrize("reader, text, message", [
    (read_fasta, "", "empty"),
    (read_fasta, "ACGT\n>g\nAC\n", "must start with a '>'"),
    (read_fasta, ">g\nAC\n>g\nTT\n", "ids repeat"),
    (read_fasta, ">g\n>h\nAC\n", "'g' has no sequence"),
    (read_residue_vectors, "A\t1 2\nC 3 4\n", "line 2: expected 'letter<TAB>values'"),
    (read_residue_vectors, "A\t1 2\nAC\t3 4\n", "line 2: expected 'letter<TAB>values'"),
    (read_residue_vectors, "A\t1 2\nC\t3\n", "line 2: residue 'C' has 1 values, the first "
                                             "line 2"),
    (read_residue_vectors, "A\t1 2\nC\t3 x\n", "line 2: residue 'C' has a value that is not "
                                               "a number"),
    (read_residue_vectors, "A\t1 2\na\t3 4\n", "line 2: residue 'A' repeats"),
    (read_residue_vectors, "A\t1 nan\n", "line 1: residue 'A' needs finite values"),
    (read_residue_vectors, "\n\n", "no residue vectors"),
])
def test_bad_files_name_the_problem(tmp_path, reader, text, message):
    f = tmp_path / "bad.txt"
    f.write_text(text)
    with pytest.raises(DataFormatError, match=message):
        reader(f)


def test_sequence_table(tmp_path):
    f = tmp_path / "t.tsv"
    f.write_text("P1\tMKV\nP2\tmkqb\n")
    seqs = read_sequence_table(f, alphabet="protein", invalid="replace")
    assert seqs.to_dict() == {"P1": "MKV", "P2": "MKQX"}


@pytest.mark.slow
def test_real_promoter_fasta_parses_completely(shared_data):
    seqs = read_fasta(shared_data / "sequences" / "dm3_upstream2000.fa.gz", alphabet="dna")
    assert len(seqs) == 26454
    assert seqs.str.len().max() == 2000 and seqs.str.islower().sum() == 0
    assert seqs.index[0] == "NM_078863_up_2000_chr2L_16764737_f"


def test_letters_checked_by_default(tmp_path):
    f = tmp_path / "rna.fa"
    f.write_text(">r1\nACGUACGTACGTACGTACGT\n>r2\nACGTACGTACGTACGTACGT\n")
    with pytest.raises(DataFormatError, match="outside the dna alphabet.*'U'"):
        read_fasta(f)
    assert read_fasta(f, alphabet=None)["r1"].startswith("ACGU")  # None: no check, on request
    protein = tmp_path / "p.fa"
    protein.write_text(">p1\nMKVLAAGIVGLLLAQ\n")
    assert read_fasta(protein).attrs["alphabet"] == "protein"


def test_real_gnn_ppi_residue_vectors(shared_data):
    table = read_residue_vectors(shared_data / "string_shs" / "vec5_CTC.txt")
    assert table.shape == (26, 13)
    assert set("ACDEFGHIKLMNPQRSTVWYX") <= set(table.index)
    # the last 8 columns are one-hot classes (7 classes + none)
    assert ((table.iloc[:, 5:] == 0) | (table.iloc[:, 5:] == 1)).all().all()

