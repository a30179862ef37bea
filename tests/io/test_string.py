"""STRING reader: formats, scales, thresholds and line-level errors."""

import gzip

import numpy as np
import pytest

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.string import read_string, scale_score

LINKS = ("protein1 protein2 combined_score\n"
         "9606.ENSP1 9606.ENSP2 900\n9606.ENSP2 9606.ENSP1 900\n9606.ENSP1 9606.ENSP3 150\n")
DETAILED = ("protein1 protein2 neighborhood fusion cooccurence coexpression experimental "
            "database textmining combined_score\n"
            "A B 0 0 0 62 0 900 300 920\nA C 0 0 0 0 700 0 0 712\n")


def test_plain_links_scaled_to_unit_interval(tmp_path):
    f = tmp_path / "links.txt"
    f.write_text(LINKS)
    edges = read_string(f)
    assert edges["weight"].tolist() == [0.9, 0.9, 0.15]
    assert edges["source"].astype(str).tolist() == ["9606.ENSP1", "9606.ENSP2", "9606.ENSP1"]
    assert edges.index.tolist() == [2, 3, 4]  # line numbers


def test_gzip_detected_by_content_not_name(tmp_path):
    f = tmp_path / "links.txt"  # no .gz suffix
    f.write_bytes(gzip.compress(LINKS.encode()))
    assert len(read_string(f, min_score=0.4)) == 2


@pytest.mark.parametrize("threshold", [700, 0.7])
def test_min_score_on_either_scale(tmp_path, threshold):
    f = tmp_path / "links.txt"
    f.write_text(LINKS)
    assert len(read_string(f, min_score=threshold)) == 2


def test_detailed_file_channel_as_weight(tmp_path):
    f = tmp_path / "detailed.txt"
    f.write_text(DETAILED)
    assert read_string(f)["weight"].tolist() == [0.92, 0.712]
    experimental = read_string(f, score_column="experimental", min_score=0.5)
    assert experimental["target"].astype(str).tolist() == ["C"]


def test_symbol_csv_with_unit_scores(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text('"","score","protein1","protein2"\n"1",0.952,"ARF5","RAB11FIP3"\n')
    edges = read_string(f)
    assert edges["weight"].tolist() == [0.952]
    assert edges["source"].astype(str).tolist() == ["ARF5"]


def test_non_numeric_score_names_line(tmp_path):
    f = tmp_path / "links.txt"
    f.write_text(LINKS + "9606.ENSP4 9606.ENSP5 high\n")
    with pytest.raises(DataFormatError, match=r"line 5.*'high'"):
        read_string(f)


def test_wrong_column_count_names_line(tmp_path):
    f = tmp_path / "links.txt"
    f.write_text(LINKS + "9606.ENSP4 9606.ENSP5 900 17\n")
    with pytest.raises(DataFormatError, match=r"line 5: expected 3 fields, saw 4"):
        read_string(f)


def test_score_out_of_range(tmp_path):
    f = tmp_path / "links.txt"
    f.write_text(LINKS + "A B 1200\n")
    with pytest.raises(DataFormatError, match="line 5.*outside 0-1000"):
        read_string(f)


def test_unknown_columns_listed(tmp_path):
    f = tmp_path / "links.txt"
    f.write_text("p1 p2 combined_score\nA B 900\n")
    with pytest.raises(DataFormatError, match=r"lacks column\(s\) \['protein1', 'protein2'\]"):
        read_string(f)


def test_no_score_column(tmp_path):
    f = tmp_path / "links.txt"
    f.write_text("protein1 protein2\nA B\n")
    with pytest.raises(DataFormatError, match="no score column"):
        read_string(f)


def test_empty_and_truncated_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(DataFormatError, match="empty"):
        read_string(empty)
    truncated = tmp_path / "t.txt.gz"
    blob = gzip.compress((LINKS * 2000).encode())
    truncated.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataFormatError, match="truncated or corrupt gzip"):
        read_string(truncated)


def test_scale_score_rejects_nonsense():
    with pytest.raises(ConfigError):
        scale_score(-1)
    with pytest.raises(ConfigError):
        scale_score(np.inf)


def test_mixed_scales_and_ambiguous_thresholds_refused(tmp_path):
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("protein1 protein2 combined_score\nA B 950\nB C 0.97\n")
    with pytest.raises(DataFormatError, match="line 3: STRING score 0.97 .*mixes the 0-1 and "
                                              "0-1000 scales"):
        read_string(mixed)
    with pytest.raises(ConfigError, match="got 1.5"):
        scale_score(1.5)
    assert scale_score(1.0) == 1.0 and scale_score(900) == 0.9


def test_threshold_that_keeps_no_edge_is_an_error(tmp_path):
    import graphgen

    links = tmp_path / "links.txt"
    links.write_text("protein1 protein2 combined_score\nA B 950\nB A 950\n")
    with pytest.raises(DataFormatError, match="no edge is left"):
        graphgen.load_ppi(links, min_score=1.0)
