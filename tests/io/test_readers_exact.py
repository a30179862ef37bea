"""The edge-table readers pinned exactly: the whole returned table (columns, dtypes, line
index), every option's effect and every message matched whole. Written from the mutation
run of docs/mutation.md, whose survivors showed tables checked column by column only."""

import re

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.biogrid import read_biogrid
from tests.io.test_biogrid import HEADER, ROWS


def _whole(message):
    return "^" + re.escape(message) + "$"


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


def _categorical(values):
    return pd.Series(values, dtype="category")


def _edges(index, columns):
    frame = pd.DataFrame(columns, index=pd.Index(index, name="line"))
    return frame


# ---------------------------------------------------------------- BioGRID

@pytest.fixture
def tab3(tmp_path):
    rows = [*ROWS,
            # partner A mouse, B human: an organism filter must read both columns
            ["5", "7157", "4193", "1", "2", "-", "-", "Trp53", "MDM2", "-", "-", "Two-hybrid",
             "physical", "V", "PUBMED:5", "10090", "9606", "Low Throughput", "-"]]
    return _write(tmp_path / "b.tab3.txt", ["\t".join(r) for r in [HEADER, *rows]])


def _biogrid(lines, source, target, system):
    n = len(lines)
    return pd.DataFrame({"source": source, "target": target,
                         "evidence": np.ones(n, dtype=np.int64), "system": system},
                        index=pd.Index(lines, name="line"))


def _same(got, want):
    got = got.astype({c: "string" for c in ("source", "target", "system") if c in got})
    want = want.astype({c: "string" for c in ("source", "target", "system") if c in want})
    pd.testing.assert_frame_equal(got, want)


def test_biogrid_table_whole(tab3):
    got = read_biogrid(tab3)
    assert [str(t) for t in got.dtypes] == ["category", "category", "int64", "category"]
    _same(got, _biogrid([2, 3, 5, 6], ["TP53", "TP53", "TP53", "Trp53"],
                        ["MDM2", "MDM2", "Mdm2", "MDM2"],
                        ["Two-hybrid", "Affinity Capture-MS", "Two-hybrid", "Two-hybrid"]))
    _same(read_biogrid(tab3, interaction_type="genetic"),
          _biogrid([4], ["TP53"], ["BRCA1"], ["Synthetic Lethality"]))
    assert read_biogrid(tab3, interaction_type="all").index.tolist() == [2, 3, 4, 5, 6]
    # both partners must be human: lines 5 (B mouse) and 6 (A mouse) go
    assert read_biogrid(tab3, organism=9606).index.tolist() == [2, 3]
    assert read_biogrid(tab3, organism=10090, interaction_type="all").index.tolist() == []
    got = read_biogrid(tab3, ids="biogrid", interaction_type="all", organism=9606)
    assert got["source"].astype(str).tolist() == ["1", "1", "1"]
    assert got["target"].astype(str).tolist() == ["2", "2", "3"]


def test_biogrid_without_experimental_system_or_organism_columns(tmp_path):
    cols = ["#BioGRID Interaction ID", "Official Symbol Interactor A",
            "Official Symbol Interactor B", "Experimental System Type"]
    path = _write(tmp_path / "short.txt", ["\t".join(cols), "1\tA\tB\tphysical",
                                           "2\tA\tC\tPhysical "])
    got = read_biogrid(path)
    _same(got, _biogrid([2, 3], ["A", "A"], ["B", "C"], ["unknown", "unknown"]))
    assert str(got["system"].dtype) == "category"
    with pytest.raises(DataFormatError, match=_whole(
            f"{path}: BioGRID file lacks ['Organism ID Interactor A', 'Organism ID Interactor "
            "B'] needed to filter organism 9606")):
        read_biogrid(path, organism=9606)


def test_biogrid_messages_whole(tab3, tmp_path):
    with pytest.raises(ConfigError, match=_whole(
            "read_biogrid: ids must be one of ['biogrid', 'entrez', 'symbol'], got 'uniprot'")):
        read_biogrid(tab3, ids="uniprot")
    with pytest.raises(ConfigError, match=_whole(
            "read_biogrid: interaction_type must be 'physical', 'genetic' or 'all', got "
            "'both'")):
        read_biogrid(tab3, interaction_type="both")
    other = _write(tmp_path / "x.txt", ["a\tb", "1\t2"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{other}: BioGRID tab3 file lacks column(s) ['Official Symbol Interactor A', "
            "'Official Symbol Interactor B', 'Experimental System Type']; it has ['a', 'b']")):
        read_biogrid(other)
    rows = [list(r) for r in ROWS]
    rows[1][8] = "-"  # line 3: no symbol for partner B
    dash = _write(tmp_path / "dash.txt", ["\t".join(r) for r in [HEADER, *rows]])
    with pytest.raises(DataFormatError, match=_whole(
            f"{dash}, line 3: BioGRID interactor has no id in 'Official Symbol Interactor B' "
            "('-'); choose another ids= kind")):
        read_biogrid(dash)
    # a '-' on a line the filters drop is no error
    rows[1][12] = "genetic"
    quiet = _write(tmp_path / "quiet.txt", ["\t".join(r) for r in [HEADER, *rows]])
    assert read_biogrid(quiet).index.tolist() == [2, 5]


# ---------------------------------------------------------------- DoRothEA

def _dorothea(tmp_path, lines):
    return _write(tmp_path / "dorothea.tsv", ["tf\tconfidence\ttarget\tmor", *lines])


def test_dorothea_table_whole(tmp_path):
    from graphgen.io.dorothea import read_dorothea

    path = _dorothea(tmp_path, ["MYC\tA\tCDK4\t1", "MYC\te\tTP53\t-1", "TP53\t B\tMDM2\t0",
                                "TP53\tD\tCDK4\t1"])
    got = read_dorothea(path)  # default levels "ABC", case and spaces read through
    assert [str(t) for t in got.dtypes] == ["category", "category", "int8", "category"]
    assert got["confidence"].cat.categories.tolist() == ["A", "B", "C", "D", "E"]
    _same(got.astype({"confidence": "string"}),
          pd.DataFrame({"source": ["MYC", "TP53"], "target": ["CDK4", "MDM2"],
                        "sign": np.array([1, 0], dtype=np.int8), "confidence": ["A", "B"]},
                       index=pd.Index([2, 4], name="line")).astype({"confidence": "string"}))
    assert read_dorothea(path, levels="abcde").index.tolist() == [2, 3, 4, 5]
    assert read_dorothea(path, levels=["E", "d"])["sign"].tolist() == [-1, 1]


def test_dorothea_messages_whole(tmp_path):
    from graphgen.io.dorothea import read_dorothea

    path = _dorothea(tmp_path, ["MYC\tA\tCDK4\t1"])
    for bad in ("AF", ""):
        with pytest.raises(ConfigError, match=_whole(
                f"read_dorothea: levels must be letters among ABCDE, got {bad!r}")):
            read_dorothea(path, levels=bad)
    mor = _dorothea(tmp_path, ["MYC\tA\tCDK4\t1", "MYC\tA\tTP53\t0.5"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{mor}, line 3: DoRothEA mor must be -1, 0 or 1, got np.float64(0.5)")):
        read_dorothea(mor)
    zero = _dorothea(tmp_path, ["MYC\tA\tCDK4\t0", "MYC\tA\tTP53\t2"])
    with pytest.raises(DataFormatError, match=re.escape(f"{zero}, line 3: DoRothEA mor")):
        read_dorothea(zero)
    letter = _dorothea(tmp_path, ["MYC\tA\tCDK4\t1", "MYC\tF\tTP53\t1"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{letter}, line 3: DoRothEA confidence 'F' is not a letter A-E")):
        read_dorothea(letter)
    short = _write(tmp_path / "short.tsv", ["tf\ttarget\tmor", "MYC\tCDK4\t1"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{short}: DoRothEA table lacks column(s) ['confidence']; it has ['tf', 'target', "
            "'mor']")):
        read_dorothea(short)


# ---------------------------------------------------------------- TRRUST

TRRUST_LINES = ["AATF\tBAX\tRepression\t22909821", "AATF\tBAX\tActivation\t22909821;1234",
                "AATF\tBAX\tUnknown\t", "MYC\tBAX\tunknown\t 1234 ; 55"]


@pytest.mark.parametrize("header", [False, True])
def test_trrust_table_whole(tmp_path, header):
    from graphgen.io.trrust import read_trrust

    lines = (["TF\tTarget\tRegulation\tReference"] if header else []) + TRRUST_LINES
    got = read_trrust(_write(tmp_path / "trrust.tsv", lines))
    assert [str(t) for t in got.dtypes] == ["category", "category", "int8", "int64"]
    first = 2 if header else 1
    # evidence: the PubMed ids a line adds to its pair (MYC-BAX's 1234 is its own)
    _same(got, pd.DataFrame({"source": ["AATF"] * 3 + ["MYC"], "target": ["BAX"] * 4,
                             "sign": np.array([-1, 1, 0, 0], dtype=np.int8),
                             "evidence": np.array([1, 1, 0, 2], dtype=np.int64)},
                            index=pd.Index(range(first, first + 4), name="line")))


def test_trrust_three_columns_and_a_comma_in_a_field(tmp_path):
    from graphgen.io.trrust import read_trrust

    # a comma inside a field is not a separator
    got = read_trrust(_write(tmp_path / "t.tsv", ["A,B\tC\tActivation\t1,2"]))
    assert got["source"].astype(str).tolist() == ["A,B"] and got["evidence"].tolist() == [1]


def test_trrust_messages_whole(tmp_path):
    from graphgen.io.trrust import read_trrust

    for content in ("", "\n", "   \n"):
        empty = tmp_path / "empty.tsv"
        empty.write_text(content)
        with pytest.raises(DataFormatError, match=_whole(f"{empty}: TRRUST file is empty")):
            read_trrust(empty)
    odd = _write(tmp_path / "odd.tsv", ["TF\tTarget\tRegulation\tReference",
                                        "AATF\tBAX\tActivation\t1", "AATF\tTP53\tMaybe\t2"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{odd}, line 3: TRRUST mode 'Maybe' is not Activation, Repression or Unknown")):
        read_trrust(odd)
    named = _write(tmp_path / "named.tsv", ["TF\tTarget\tMode\tReference", "A\tB\tActivation\t1"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{named}: TRRUST file lacks column(s) ['Regulation']; it has ['TF', 'Target', "
            "'Mode', 'Reference']")):
        read_trrust(named)
    three = _write(tmp_path / "three.tsv", ["TF\tTarget\tRegulation", "A\tB\tActivation"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{three}: TRRUST header lacks column(s) ['Reference']")):
        read_trrust(three)


# ---------------------------------------------------------------- STRING and min_score

def test_string_table_whole_on_both_scales(tmp_path):
    from graphgen.io.string import read_string

    thousand = _write(tmp_path / "s1000.txt", ["protein1 protein2 combined_score",
                                               "A B 900", "B A 900", "A C 1000", "C D 0"])
    got = read_string(thousand)
    assert [str(t) for t in got.dtypes] == ["category", "category", "float64"]
    _same(got, pd.DataFrame({"source": ["A", "B", "A", "C"], "target": ["B", "A", "C", "D"],
                             "weight": [0.9, 0.9, 1.0, 0.0]},
                            index=pd.Index([2, 3, 4, 5], name="line")))
    one = _write(tmp_path / "s1.csv", ["protein1,protein2,score", "A,B,0.9", "A,C,1",
                                       "C,D,0.25"])
    _same(read_string(one), pd.DataFrame({"source": ["A", "A", "C"], "target": ["B", "C", "D"],
                                          "weight": [0.9, 1.0, 0.25]},
                                         index=pd.Index([2, 3, 4], name="line")))
    # 2 is on the 0-1000 scale (0.002), whole
    two = _write(tmp_path / "s2.txt", ["protein1\tprotein2\tcombined_score", "A\tB\t2",
                                       "A\tC\t1"])
    assert read_string(two)["weight"].tolist() == [0.002, 0.001]
    channel = _write(tmp_path / "s3.txt", ["protein1 protein2 experimental combined_score",
                                           "A B 100 900", "A C 700 800"])
    assert read_string(channel, score_column="experimental")["weight"].tolist() == [0.1, 0.7]
    assert read_string(channel, min_score=0.8).index.tolist() == [2, 3]
    assert read_string(channel, min_score=850).index.tolist() == [2]
    empty = _write(tmp_path / "s4.txt", ["protein1 protein2 combined_score"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{empty}: STRING file has a header but no data lines")):
        read_string(empty)


def test_string_messages_whole(tmp_path):
    from graphgen.io.string import read_string

    for score, line in (("1001", 3), ("-1", 3), ("1000.5", 3), ("999.5", 3)):
        path = _write(tmp_path / f"bad{line}{score}.txt",
                      ["protein1 protein2 combined_score", "A B 900", f"A C {score}"])
        message = (f"{path}, line {line}: STRING score {float(score)!r} in column "
                   "'combined_score' is outside 0-1000")
        if score == "999.5":
            message = (f"{path}, line 3: STRING score 999.5 in column 'combined_score' is "
                       "not a whole number, but other lines (up to 999.5) are on STRING's "
                       "0-1000 scale: the file mixes the 0-1 and 0-1000 scales")
        with pytest.raises(DataFormatError, match=_whole(message)):
            read_string(path)
    mixed = _write(tmp_path / "mixed.txt", ["protein1 protein2 combined_score", "A B 0.9",
                                            "A C 700"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{mixed}, line 2: STRING score 0.9 in column 'combined_score' is not a whole "
            "number, but other lines (up to 700) are on STRING's 0-1000 scale: the file mixes "
            "the 0-1 and 0-1000 scales")):
        read_string(mixed)
    noscore = _write(tmp_path / "noscore.txt", ["protein1 protein2 weight", "A B 1"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{noscore}: STRING file has no score column (combined_score or score); its "
            "columns are ['protein1', 'protein2', 'weight']; pass score_column= to name one")):
        read_string(noscore)
    lacking = _write(tmp_path / "lacking.txt", ["protein1 gene combined_score", "A B 1"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{lacking}: STRING file lacks column(s) ['protein2']; it has ['protein1', 'gene', "
            "'combined_score']")):
        read_string(lacking)


def test_scale_score_bounds():
    from graphgen.io.string import scale_score

    assert [scale_score(v) for v in (0, 0.0, 1, 1.0, 2, 1000, 700, 0.5, None)] == [
        0.0, 0.0, 1.0, 1.0, 0.002, 1.0, 0.7, 0.5, None]
    for bad in (-0.001, 1000.001, 1001, 1.5, float("nan"), float("inf")):
        with pytest.raises(ConfigError, match=_whole(
                "min_score must be in [0, 1] or a whole number on STRING's 0-1000 scale (700 "
                f"= 0.7), got {float(bad)!r}")):
            scale_score(bad)
    with pytest.raises(ConfigError, match=_whole("min_score must be a number, got True")):
        scale_score(True)


def test_at_least_is_the_one_rule_with_its_tolerance():
    from graphgen.io.edgelist import SCORE_TOLERANCE, at_least

    edge = 0.7 - SCORE_TOLERANCE
    assert at_least([0.7, edge, edge - 1e-15, 0.8], 0.7).tolist() == [True, True, False, True]
    assert at_least(np.array([700, 699], dtype=np.int64), 700).tolist() == [True, False]
    assert at_least(["0.7", "0.6"], "0.7").tolist() == [True, False]


# ---------------------------------------------------------------- edge lists and signs

def test_parse_signs_numbers_words_and_empty():
    from graphgen.io.edgelist import parse_signs

    values = pd.Series(["-1", "0", "1", "1.0", "-1.0", " Activation ", "REPRESSION", "+",
                        "?", None], index=range(10, 20))
    got = parse_signs(values, path="f", what="x")
    assert got.dtype == np.int8 and got.tolist() == [-1, 0, 1, 1, -1, 1, -1, 1, 0, 0]
    empty = parse_signs(pd.Series([], dtype=object), path="f", what="x")
    assert empty.dtype == np.int8 and empty.shape == (0,)
    for bad, count in (("2", 1), ("-2", 1), ("0.5", 1)):
        with pytest.raises(DataFormatError, match=_whole(
                f"g.tsv, line 11: edges sign {bad!r} is not -1/0/1 or one of "
                f"Activation/Repression/Unknown ({count} such value(s))")):
            parse_signs(pd.Series(["1", bad], index=[10, 11]), path="g.tsv", what="edges")


def test_edgelist_tables_whole(tmp_path):
    from graphgen.io.edgelist import EdgeListFormat, read_edgelist

    named = _write(tmp_path / "named.tsv", ["a\tb\tscore\tmode", "A\tB\t0.5\tActivation",
                                            "B\tC\t2\t-1"])
    got = read_edgelist(named, EdgeListFormat(source="a", target="b", weight="score",
                                              sign="mode"))
    assert [str(t) for t in got.dtypes] == ["category", "category", "float64", "int8"]
    _same(got, pd.DataFrame({"source": ["A", "B"], "target": ["B", "C"], "weight": [0.5, 2.0],
                             "sign": np.array([1, -1], dtype=np.int8)},
                            index=pd.Index([2, 3], name="line")))
    plain = _write(tmp_path / "plain.csv", ["source,target", "A,B", "B,C"])
    assert list(read_edgelist(plain).columns) == ["source", "target"]
    # header-less, by position, a comment line first, a comma inside a tab-separated field
    positions = _write(tmp_path / "pos.tsv", ["# a comment", "x\tA,1\tB\t3", "y\tB\tC\t4"])
    got = read_edgelist(positions, EdgeListFormat(source=1, target=2, weight=3, header=False,
                                                  comment_lines=1, sep="\t"))
    _same(got, pd.DataFrame({"source": ["A,1", "B"], "target": ["B", "C"], "weight": [3.0, 4.0]},
                            index=pd.Index([2, 3], name="line")))
    sniffed = _write(tmp_path / "sniff.tsv", ["x\tA\tB", "y\tB\tC"])
    got = read_edgelist(sniffed, EdgeListFormat(source=1, target=2, header=False))
    assert got["source"].astype(str).tolist() == ["A", "B"]


def test_edgelist_messages_whole(tmp_path):
    from graphgen.io.edgelist import EdgeListFormat, read_edgelist

    positions = _write(tmp_path / "pos.tsv", ["A\tB\t1", "B\tC\t2"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{positions}: edge list has 3 columns; positions [3] do not exist")):
        read_edgelist(positions, EdgeListFormat(source=0, target=1, weight=3, header=False))
    assert len(read_edgelist(positions, EdgeListFormat(source=0, target=1, weight=2,
                                                       header=False))) == 2
    named = _write(tmp_path / "named.tsv", ["a\tb\tscore", "A\tB\t0.5", "B\tC\t"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{named}, line 3: edge list has no weight value")):
        read_edgelist(named, EdgeListFormat(source="a", target="b", weight="score"))
    with pytest.raises(DataFormatError, match=_whole(
            f"{named}: edge list has no sign column 'mode'; its columns are ['a', 'b']")):
        read_edgelist(named, EdgeListFormat(source="a", target="b", sign="mode"))
    with pytest.raises(DataFormatError, match=_whole(
            f"{named}: edge list lacks column(s) ['source', 'target']; it has ['a', 'b', "
            "'score']")):
        read_edgelist(named)
    signs = _write(tmp_path / "signs.tsv", ["a\tb\ts", "A\tB\t1", "B\tC\tmaybe"])
    with pytest.raises(DataFormatError, match=_whole(
            f"{signs}, line 3: edge list sign 'maybe' is not -1/0/1 or one of "
            "Activation/Repression/Unknown (1 such value(s))")):
        read_edgelist(signs, EdgeListFormat(source="a", target="b", sign="s"))
    empty = tmp_path / "empty.tsv"
    empty.write_text("")
    with pytest.raises(DataFormatError, match=re.escape(f"{empty}")):
        read_edgelist(empty, EdgeListFormat(source=0, target=1, header=False))


def test_reader_details_the_mutation_run_asked_for(tmp_path):
    from graphgen.io.edgelist import EdgeListFormat, read_edgelist
    from graphgen.io.string import read_string
    from graphgen.io.trrust import read_trrust

    # a weight that is not a number is named by line (the column is parsed as numbers)
    words = _write(tmp_path / "words.tsv", ["a\tb\tw", "A\tB\t0.5", "B\tC\thigh"])
    with pytest.raises(DataFormatError, match=re.escape(f"{words}, line 3")):
        read_edgelist(words, EdgeListFormat(source="a", target="b", weight="w"))
    # a separator that sniffing would not find
    semi = _write(tmp_path / "semi.txt", ["x;A B;C", "y;B;D"])
    got = read_edgelist(semi, EdgeListFormat(source=1, target=2, header=False, sep=";"))
    assert got["source"].astype(str).tolist() == ["A B", "B"]
    named = _write(tmp_path / "semi_named.txt", ["s;t", "A B;C"])
    got = read_edgelist(named, EdgeListFormat(source="s", target="t", sep=";"))
    assert got["target"].astype(str).tolist() == ["C"]
    # empty files
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(DataFormatError, match=_whole(
            f"{empty}: edge list is empty (no header or data line)")):
        read_edgelist(empty, EdgeListFormat(source=0, target=1, header=False))
    with pytest.raises(DataFormatError, match=_whole(
            f"{empty}: STRING file is empty (no header or data line)")):
        read_string(empty)
    # the first out-of-range score is named, not an earlier 0 or 1000
    for first, bad in (("0", "1001"), ("1000", "-1")):
        path = _write(tmp_path / f"range{first}.txt", ["protein1 protein2 combined_score",
                                                       f"A B {first}", f"A C {bad}"])
        with pytest.raises(DataFormatError, match=_whole(
                f"{path}, line 3: STRING score {float(bad)!r} in column 'combined_score' is "
                "outside 0-1000")):
            read_string(path)
    # TRRUST evidence: PubMed ids compared without spaces; a last line without a new id
    refs = _write(tmp_path / "refs.tsv", ["A\tB\tActivation\t11", "A\tB\tRepression\t 11 ;22",
                                          "A\tB\tUnknown\t22"])
    assert read_trrust(refs)["evidence"].tolist() == [1, 1, 0]


def test_edgelist_comment_lines_before_a_header(tmp_path):
    from graphgen.io.edgelist import EdgeListFormat, read_edgelist

    path = _write(tmp_path / "c.tsv", ["exported by a tool", "a\tb", "A\tB"])
    got = read_edgelist(path, EdgeListFormat(source="a", target="b", comment_lines=1))
    assert got.index.tolist() == [3] and got["source"].astype(str).tolist() == ["A"]
