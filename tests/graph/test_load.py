"""load_ppi / load_grn on small files and on the real data in ../shared/data."""

import numpy as np
import pandas as pd
import pytest

import graphgen
from graphgen.exceptions import ConfigError, DataNotAvailableError
from graphgen.graph.convert import is_undirected


def test_ppi_edgelist_with_weights_and_threshold(tmp_path):
    f = tmp_path / "ppi.tsv"
    f.write_text("a\tb\tconf\nTP53\tMDM2\t0.9\nMDM2\tTP53\t0.8\nTP53\tTP53\t1\nATM\tCHEK2\t0.2\n")
    g = graphgen.load_ppi(f, graphgen.EdgeListFormat("a", "b", weight="conf"), min_score=0.5)
    assert g.node_ids == ["MDM2", "TP53"]
    assert g.edge_weight.tolist() == pytest.approx([0.9, 0.9])
    assert g.load_report["self_loops_dropped"] == 1 and g.load_report["duplicates_merged"] == 1
    assert is_undirected(g)


def test_ppi_option_errors(tmp_path):
    f = tmp_path / "ppi.tsv"
    f.write_text("source\ttarget\nA\tB\n")
    with pytest.raises(ConfigError, match="needs a weight column"):
        graphgen.load_ppi(f, "edgelist", min_score=1)
    with pytest.raises(ConfigError, match="unknown format 'hippie'"):
        graphgen.load_ppi(f, "hippie")
    with pytest.raises(ConfigError, match="both id_type and mapper"):
        graphgen.load_ppi(f, "edgelist", id_type="symbol")
    with pytest.raises(DataNotAvailableError, match="no such file, and not a known data set"):
        graphgen.load_ppi(tmp_path / "absent.txt")


def test_named_data_set_offline_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(graphgen.settings, "data_dir", tmp_path)
    with pytest.raises(DataNotAvailableError, match="graphgen datasets fetch trrust-human"):
        graphgen.load_grn("trrust-human")


def test_mapping_reports_and_merges(tmp_path):
    f = tmp_path / "ppi.tsv"
    f.write_text("source\ttarget\nP53\tMDM2\nTP53\tHDM2\nTP53\tNOPE\n")
    mapper = graphgen.IdMapper(pd.DataFrame({"symbol": ["TP53", "MDM2"],
                                             "alias": ["P53", "HDM2"]}))
    g = graphgen.load_ppi(f, "edgelist", id_type="symbol", mapper=mapper)
    assert g.node_ids == ["MDM2", "TP53"] and g.edge_index.shape[1] == 2
    assert g.load_report["lines_dropped_unmapped"] == 1
    assert g.id_mapping.unmapped.tolist() == ["NOPE"]


def test_grn_edgelist_sign_column(tmp_path):
    f = tmp_path / "grn.csv"
    f.write_text("tf,target,effect\nMYC,CDK4,+\nMYC,CDK4,-\nTP53,MDM2,activation\n")
    g = graphgen.load_grn(f, graphgen.EdgeListFormat("tf", "target", sign="effect"))
    assert g.edge_sign.tolist() == [0, 1]


def test_largest_component_option(tmp_path):
    f = tmp_path / "ppi.tsv"
    f.write_text("source\ttarget\nA\tB\nB\tC\nX\tY\n")
    g = graphgen.load_ppi(f, "edgelist", largest_component=True)
    assert g.node_ids == ["A", "B", "C"] and g.load_report["outside_largest_component"] == 2


# -- real data ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_real_trrust_matches_independent_pandas_count(shared_data):
    path = shared_data / "trrust" / "trrust_rawdata.human.tsv"
    g = graphgen.load_grn(path)
    raw = pd.read_csv(path, sep="\t")
    # A gene named only in a self-loop line stays a node (dropping the loop loses no gene).
    assert g.num_nodes == len(set(raw["TF"]) | set(raw["Target"])) == 2862
    raw = raw[raw["TF"] != raw["Target"]]
    modes = raw.groupby(["TF", "Target"])["Regulation"].agg(set)
    expected = modes.map(lambda m: int("Activation" in m and "Repression" not in m)
                         - int("Repression" in m and "Activation" not in m))
    assert g.edge_index.shape[1] == len(modes) == 8403
    ids = np.array(g.node_ids)
    got = pd.Series(g.edge_sign.numpy(), index=pd.MultiIndex.from_arrays(
        [ids[g.edge_index[0].numpy()], ids[g.edge_index[1].numpy()]]))
    assert (got.sort_index() == expected.sort_index().to_numpy()).all()
    assert {int(v): int((g.edge_sign == v).sum()) for v in (-1, 0, 1)} == \
        {int(v): int((expected == v).sum()) for v in (-1, 0, 1)}


@pytest.mark.slow
def test_real_dorothea_abc(shared_data):
    path = shared_data / "dorothea" / "dorothea_hs.tsv.gz"
    g = graphgen.load_grn(path, "dorothea")
    raw = pd.read_csv(path, sep="\t")
    raw = raw[raw["confidence"].isin(list("ABC"))]
    assert g.num_nodes == len(set(raw["tf"]) | set(raw["target"]))
    raw = raw[raw["tf"] != raw["target"]]
    pairs = raw.groupby(["tf", "target"])["mor"].agg(
        lambda m: int((m > 0).any()) - int((m < 0).any()))
    assert g.edge_index.shape[1] == len(pairs)
    assert int((g.edge_sign == -1).sum()) == int((pairs == -1).sum())


@pytest.mark.slow
def test_real_string_symbol_ppi(shared_data):
    g = graphgen.load_ppi(shared_data / "string" / "string_human_score900_symbols.csv.gz")
    assert g.num_nodes == 12173 and g.edge_index.shape[1] == 2 * 97928
    assert float(g.edge_weight.min()) >= 0.9 and float(g.edge_weight.max()) <= 1.0
    assert is_undirected(g)
    higher = graphgen.load_ppi(shared_data / "string" / "string_human_score900_symbols.csv.gz",
                               min_score=950)
    assert 0 < higher.edge_index.shape[1] < g.edge_index.shape[1]


@pytest.mark.slow
def test_real_shs27k_string_ids_with_scores(shared_data):
    path = shared_data / "string_shs" / "protein.actions.SHS27k.STRING.txt.gz"
    g = graphgen.load_ppi(path, graphgen.EdgeListFormat("item_id_a", "item_id_b", weight="score"))
    raw = pd.read_csv(path, sep="\t")
    pairs = {tuple(sorted(p)) for p in zip(raw["item_id_a"], raw["item_id_b"]) if p[0] != p[1]}
    assert g.num_nodes == 1690
    assert g.edge_index.shape[1] == 2 * len(pairs)
    assert all(i.startswith("9606.ENSP") for i in g.node_ids)
    assert float(g.edge_weight.max()) <= 1000 and float(g.edge_weight.min()) > 0


def test_min_score_is_one_rule_for_string_and_every_other_format(tmp_path):
    """A score at the threshold up to a parser's last digit is kept by STRING's reader and by
    the edge-list path alike (they used two rules: a tolerance for STRING, none for others)."""
    string = tmp_path / "links.txt"
    string.write_text("protein1 protein2 combined_score\n9606.A 9606.B 700\n9606.C 9606.D 699\n")
    edges = tmp_path / "edges.tsv"
    edges.write_text("a\tb\tw\nA\tB\t0.69999999999999\nC\tD\t0.699\n")
    from_string = graphgen.load_ppi(string, "string", min_score=0.7)
    from_edges = graphgen.load_ppi(edges, graphgen.EdgeListFormat("a", "b", weight="w"),
                                   min_score=0.7)
    assert len(from_string.node_ids) == len(from_edges.node_ids) == 2
    assert from_edges.node_ids == ["A", "B"]
