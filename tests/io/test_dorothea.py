"""DoRothEA reader: confidence levels and signs."""

import pandas as pd
import pytest

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.dorothea import read_dorothea

TABLE = "tf\tconfidence\ttarget\tmor\nMYC\tA\tCDK4\t1\nMYC\tC\tTP53\t-1\nMAX\tE\tMYC\t1\n"


def test_levels_filter(tmp_path):
    f = tmp_path / "d.tsv"
    f.write_text(TABLE)
    assert len(read_dorothea(f)) == 2
    assert len(read_dorothea(f, levels="ABCDE")) == 3
    assert read_dorothea(f, levels=["a"])["target"].astype(str).tolist() == ["CDK4"]


def test_bad_level_and_bad_mor(tmp_path):
    f = tmp_path / "d.tsv"
    f.write_text(TABLE)
    with pytest.raises(ConfigError, match="levels"):
        read_dorothea(f, levels="AZ")
    f.write_text(TABLE + "MAX\tA\tTP53\t2\n")
    with pytest.raises(DataFormatError, match="line 5: DoRothEA mor"):
        read_dorothea(f)


def test_real_dorothea_abc_matches_pandas(shared_data):
    path = shared_data / "dorothea" / "dorothea_hs.tsv.gz"
    raw = pd.read_csv(path, sep="\t")
    abc = raw[raw["confidence"].isin(list("ABC"))]
    edges = read_dorothea(path)
    assert len(edges) == len(abc) == 13223
    assert (edges["sign"].to_numpy() == abc["mor"].to_numpy()).all()
