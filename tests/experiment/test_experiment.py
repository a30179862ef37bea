"""`graphgen run`: TOML -> typed config (unknown keys are errors) -> run folder."""

import json
import logging

import numpy as np
import pandas as pd
import pytest

from graphgen import ConfigError
from graphgen.cli.main import main
from graphgen.experiment import load_experiment, run_experiment, runner

MINI_OBO = """format-version: 1.2

[Term]
id: GO:0000001
name: root process
namespace: biological_process
""" + "".join(f"""
[Term]
id: GO:00001{m:02d}
name: module {m} process
namespace: biological_process
is_a: GO:0000001 ! root process

[Term]
id: GO:00002{m:02d}
name: module {m} sub-process
namespace: biological_process
is_a: GO:00001{m:02d} ! module {m} process
""" for m in range(5))


@pytest.fixture(scope="module")
def files(tmp_path_factory, small_organism):
    """The simulated organism written out as the files a user would have."""
    root = tmp_path_factory.mktemp("organism")
    org = small_organism
    src, dst = org.ppi.edge_index.numpy()
    ids = np.array(org.ppi.node_ids)
    keep = src < dst
    pd.DataFrame({"a": ids[src[keep]], "b": ids[dst[keep]],
                  "w": org.ppi.edge_weight.numpy()[keep]}).to_csv(root / "ppi.csv", index=False)
    org.labels.rename("disease").rename_axis("gene").reset_index().to_csv(
        root / "labels.csv", index=False)
    org.expression.T.to_csv(root / "expression.csv")
    (root / "mini.obo").write_text(MINI_OBO)
    (root / "promoters.fa").write_text("".join(f">{g}\n{s}\n" for g, s in org.sequences.items()))
    ann = pd.DataFrame({"gene_id": org.modules.index,
                        "term_id": [f"GO:00002{m % 5:02d}" for m in org.modules]})
    ann["#tax_id"], ann["Evidence"] = 9606, "IDA"
    ann.rename(columns={"gene_id": "GeneID", "term_id": "GO_ID"})[
        ["#tax_id", "GeneID", "GO_ID", "Evidence"]].to_csv(root / "gene2go.tsv", sep="\t",
                                                            index=False)
    return root


BASE = """
name = "toy"
seed = 0
[graph]
path = "ppi.csv"
format = "edgelist"
source = "a"
target = "b"
weight = "w"
[features.topology]
[features.expression]
path = "expression.csv"
[trainer]
max_epochs = 30
patience = 10
"""


def _write(files, text, name="exp.toml"):
    path = files / name
    path.write_text(text)
    return path


def test_binary_kfold_run_folder(files, tmp_path):
    exp = _write(files, BASE + """
[labels]
table = "labels.csv"
gene_column = "gene"
label_column = "disease"
[split]
kind = "kfold"
k = 3
[models.gcn]
[models.logreg]
[models.label_propagation]
""")
    result = run_experiment(load_experiment(exp), out=tmp_path / "run", progress=False)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert list(metrics["summary"]) == ["gcn", "logreg", "label_propagation"]
    assert metrics["splits"] == 3 and len(metrics["per_split"]) == 9
    assert metrics["summary"]["gcn"]["auroc_mean"] > metrics["summary"]["logreg"]["auroc_mean"]
    predictions = pd.read_csv(tmp_path / "run" / "predictions.csv", index_col=0)
    assert set(predictions.columns) == {"label", "score_gcn", "score_logreg",
                                        "score_label_propagation"}
    assert predictions["score_gcn"].notna().sum() == len(result.labels)
    for name in ("config.toml", "curves.png", "labels_not_in_graph.txt"):
        assert (tmp_path / "run" / name).exists()


def test_go_labels_with_go_features_trigger_the_leakage_guard(files, tmp_path, caplog,
                                                              monkeypatch):
    exp = _write(files, BASE + """
[features.go]
obo = "mini.obo"
annotations = "gene2go.tsv"
min_genes = 1
[labels.go]
obo = "mini.obo"
annotations = "gene2go.tsv"
top = 2
min_genes = 10
max_genes = 290
[split]
kind = "kfold"
k = 3
[models.mlp]
""")
    reads = []
    for name in ("read_obo", "read_go_annotations"):
        reader = getattr(runner, name)
        monkeypatch.setattr(runner, name,
                            lambda path, _r=reader, _n=name: reads.append(_n) or _r(path))
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        result = run_experiment(load_experiment(exp), out=tmp_path / "run", progress=False)
    assert sorted(reads) == ["read_go_annotations", "read_obo"]  # labels and features share
    label_terms = list(result.labels.columns)
    assert len(label_terms) == 2 and "leakage guard removed" in caplog.text
    go_columns = [n for n in result.graph.feature_names if n.startswith("go:")]
    for term in label_terms:
        assert f"go:{term}" not in go_columns  # the label term itself
        child = term.replace("GO:00001", "GO:00002")
        assert f"go:{child}" not in go_columns  # and its descendant
        assert term in caplog.text


def test_unknown_key_names_key_and_allowed(files):
    exp = _write(files, BASE.replace("[trainer]", "[trainer]\nlearning_rate = 0.1") + """
[labels]
table = "labels.csv"
[models.gcn]
""", "bad.toml")
    with pytest.raises(ConfigError, match=r"\[trainer\]: unknown key\(s\) \['learning_rate'\]; "
                                          r"allowed keys are \['max_epochs'"):
        load_experiment(exp)
    exp = _write(files, BASE + '[labels]\ntable = "labels.csv"\nfolds = 3\n[models.gcn]\n',
                 "bad2.toml")
    with pytest.raises(ConfigError, match=r"\[labels\]: unknown key\(s\) \['folds'\]"):
        load_experiment(exp)
    exp = _write(files, BASE + '[labels]\ntable = "labels.csv"\n[models.gnn]\n', "bad3.toml")
    with pytest.raises(ConfigError, match="unknown model"):
        load_experiment(exp)


def test_cli_run_prints_table_and_reports(files, tmp_path, capsys):
    labels = pd.read_csv(files / "labels.csv")
    extra = pd.DataFrame({"gene": ["NOT_A_GENE"], "disease": [1]})
    pd.concat([labels, extra]).to_csv(files / "labels_extra.csv", index=False)
    exp = _write(files, BASE + """
[labels]
table = "labels_extra.csv"
gene_column = "gene"
label_column = "disease"
[models.mlp]
[models.label_propagation]
""", "cli.toml")
    assert main(["run", str(exp), "--out", str(tmp_path / "cli"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    # NOT_A_GENE, and the simulated genes without any edge (absent from the edge list)
    isolated = set(labels["gene"]) - set(pd.read_csv(files / "ppi.csv")[["a", "b"]].stack())
    assert f"{1 + len(isolated)} labelled genes not in the graph" in out
    assert "label_propagation" in out
    listed = (tmp_path / "cli" / "labels_not_in_graph.txt").read_text().split()
    assert set(listed) == {"NOT_A_GENE"} | isolated
    assert main(["run", str(files / "absent.toml")]) == 2
    assert "no such experiment file" in capsys.readouterr().err


def test_sequences_as_kmer_block_and_as_fused_encoder(files, tmp_path):
    exp = _write(files, BASE + """
[features.sequence]
path = "promoters.fa"
k = 2
[labels]
table = "labels.csv"
gene_column = "gene"
label_column = "disease"
[sequences]
path = "promoters.fa"
encoder = "deepbind"
options = { filters = 8, kernel_size = 8 }
fusion = "gated"
missing = "zero"
[models.gcn]
""", "seq.toml")
    result = run_experiment(load_experiment(exp), out=tmp_path / "seq", progress=False)
    assert "sequence" in result.graph.feature_blocks
    assert result.graph.feature_blocks["sequence"][1] - result.graph.feature_blocks[
        "sequence"][0] == 16
    assert result.graph.sequences.codes.shape[0] == result.graph.num_nodes
    assert result.cv.summary().loc["gcn", "auroc_mean"] > 0.6


def test_every_example_experiment_parses():
    from pathlib import Path

    examples = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.toml"))
    assert len(examples) >= 6
    for path in examples:
        config = load_experiment(path)
        assert config.models and config.name
