"""TRRUST reader: with and without header, signs, distinct PubMed evidence."""

import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io.trrust import read_trrust

ROWS = ("AATF\tBAX\tRepression\t22909821\n"
        "AATF\tBAX\tActivation\t22909821;111\n"
        "MYC\tCDK4\tUnknown\t5;6;7\n")


@pytest.mark.parametrize("header", ["", "TF\tTarget\tRegulation\tReference\n"])
def test_with_or_without_header(tmp_path, header):
    f = tmp_path / "t.tsv"
    f.write_text(header + ROWS)
    edges = read_trrust(f)
    assert edges["sign"].tolist() == [-1, 1, 0]
    # 22909821 is counted once for the AATF-BAX pair: 1 + 1 distinct papers.
    assert edges["evidence"].tolist() == [1, 1, 3]
    assert edges.index[0] == (2 if header else 1)


def test_unknown_mode_names_line(tmp_path):
    f = tmp_path / "t.tsv"
    f.write_text(ROWS + "MYC\tTP53\tBinding\t1\n")
    with pytest.raises(DataFormatError, match=r"line 4.*'Binding'"):
        read_trrust(f)


def test_short_line(tmp_path):
    f = tmp_path / "t.tsv"
    f.write_text(ROWS + "MYC\tTP53\n")
    with pytest.raises(DataFormatError, match=r"line 4.*no value in column 'Regulation'"):
        read_trrust(f)


def test_real_trrust_counts_match_pandas(shared_data):
    path = shared_data / "trrust" / "trrust_rawdata.human.tsv"
    edges = read_trrust(path)
    raw = pd.read_csv(path, sep="\t")
    assert len(edges) == len(raw)
    expected = raw["Regulation"].map({"Activation": 1, "Repression": -1, "Unknown": 0})
    assert (edges["sign"].to_numpy() == expected.to_numpy()).all()
