"""`graphgen run`: TOML -> typed config (unknown keys are errors) -> run folder."""

import json
import logging

import pandas as pd
import pytest

from graphgen import ConfigError
from graphgen.cli.main import main
from graphgen.experiment import load_experiment, run_experiment, runner
from graphgen.graph.nodes import node_degree

from .conftest import GRAPH_AND_FEATURES, LABELS

BASE = GRAPH_AND_FEATURES + """[trainer]
max_epochs = 30
patience = 10
"""


def _write(files, text, name="exp.toml"):
    path = files / name
    path.write_text(text)
    return path


def test_binary_kfold_run_folder(files, tmp_path):
    exp = _write(files, BASE + LABELS.replace("k = 2", "k = 3") + """
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
                                        "score_label_propagation", "degree"}
    degree = node_degree(result.graph)
    assert predictions["degree"].equals(degree.reindex(predictions.index.astype(str))
                                        .set_axis(predictions.index).rename("degree"))
    assert predictions["score_gcn"].notna().sum() == len(result.labels)
    for name in ("config.toml", "curves.png", "labels_not_in_graph.txt"):
        assert (tmp_path / "run" / name).exists()


def test_auto_model_in_toml_chooses_per_split_and_writes_the_selection(files, tmp_path):
    exp = _write(files, BASE + LABELS.replace("k = 2", "k = 3") + """
[models.auto]
candidates = ["rwr", "logreg+labels"]
budget = 300
[models.logreg]
""")
    run_experiment(load_experiment(exp), out=tmp_path / "run", progress=False)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert list(metrics["summary"]) == ["auto", "logreg"]
    assert 0.5 < metrics["summary"]["auto"]["auroc_mean"] <= 1.0
    selection = pd.read_csv(tmp_path / "run" / "selection.csv")
    assert len(selection) == 6 and set(selection["candidate"]) == {"rwr", "logreg+labels"}
    assert (selection.groupby("split")["status"].apply(lambda s: (s == "chosen").sum()) == 1).all()
    predictions = pd.read_csv(tmp_path / "run" / "predictions.csv", index_col=0)
    assert predictions["score_auto"].notna().sum() == predictions["label"].notna().sum()
    with pytest.raises(ConfigError, match="model 'auto' takes"):
        run_experiment(load_experiment(_write(files, BASE + LABELS + """
[models.auto]
hidden_channels = 8
""", name="bad_auto.toml")), out=tmp_path / "bad", progress=False)


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
        assert config.name
        if getattr(config, "task", None) == "links":  # one predictor, no model table
            assert config.links.model == "auto"
        else:
            assert config.models


def test_explain_a_run_folder(files, tmp_path, capsys):
    pytest.importorskip("captum")
    import networkx as nx

    exp = _write(files, BASE + """
[features.go]
obo = "mini.obo"
annotations = "gene2go.tsv"
min_genes = 1
""" + LABELS + """
[models.rwr]
[models.gcn]
[models.mlp]
""", "explain.toml")
    run = tmp_path / "run"
    assert main(["run", str(exp), "--out", str(run), "--no-progress"]) == 0
    gene = pd.read_csv(files / "labels.csv").query("disease == 1")["gene"].iloc[0]
    capsys.readouterr()
    assert main(["explain", str(run), "--gene", gene, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "model 'gcn'" in out  # the first trained model (rwr is graph-only)
    folder = run / "explain" / f"gene_{gene}_gcn"
    for name in ("features.csv", "blocks.csv", "nodes.csv", "edges.csv", "features.png",
                 "subgraph.graphml", "subgraph.png", "enrichment.csv"):
        assert (folder / name).is_file(), name
    blocks = pd.read_csv(folder / "blocks.csv", index_col=0)["share"]
    assert set(blocks.index) == {"topology", "expression", "go"}
    assert blocks.sum() == pytest.approx(1.0, abs=1e-5)
    assert gene in nx.read_graphml(folder / "subgraph.graphml")
    enrichment = pd.read_csv(folder / "enrichment.csv")
    assert {"term_id", "p_adjusted", "genes"} <= set(enrichment.columns)
    (stored,) = (run / "explain").glob("gcn-*.classifier")  # named by the run's fingerprint
    before = pd.read_csv(folder / "features.csv", index_col=0)
    assert main(["explain", str(run), "--gene", gene, "--no-progress"]) == 0
    pd.testing.assert_frame_equal(before, pd.read_csv(folder / "features.csv", index_col=0))
    assert list((run / "explain").glob("gcn-*.classifier")) == [stored]  # reused
    # the run is overwritten with other labels: the old classifier must not explain it
    labels = pd.read_csv(files / "labels.csv")
    labels.assign(disease=1 - labels["disease"]).to_csv(files / "labels_flipped.csv",
                                                          index=False)
    flipped = _write(files, (exp.read_text().replace('table = "labels.csv"',
                                                     'table = "labels_flipped.csv"')),
                     "explain_flipped.toml")
    assert main(["run", str(flipped), "--out", str(run), "--overwrite", "--no-progress"]) == 0
    assert main(["explain", str(run), "--gene", gene, "--no-progress"]) == 0
    (refitted,) = (run / "explain").glob("gcn-*.classifier")
    assert refitted != stored and not stored.exists()

    assert main(["explain", str(run), "--class", "1", "--model", "mlp", "--top-genes", "10",
                 "--no-progress"]) == 0
    top = pd.read_csv(run / "explain" / "class_1_mlp" / "top_genes.csv", index_col=0)
    assert len(top) == 10 and top["probability"].is_monotonic_decreasing
    assert set(top["label"].dropna()) <= {0, 1}
    capsys.readouterr()

    for args, words in [
        (["explain", str(tmp_path), "--gene", gene], "not a graphgen run folder"),
        (["explain", str(run), "--gene", "NOT_A_GENE"], "NOT_A_GENE"),
        (["explain", str(run), "--gene", gene, "--model", "gat"], "not a model of the run"),
        (["explain", str(run), "--gene", gene, "--model", "rwr"], "not trained"),
        (["explain", str(run), "--class", "7"], "not a class"),
    ]:
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("graphgen explain: error:") and words in err, err
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "config.toml").write_text('command = "graphgen demo"\nseed = 0\n')
    assert main(["explain", str(demo), "--gene", gene]) == 2
    assert "not by `graphgen run`" in capsys.readouterr().err


def test_explain_a_fused_run_writes_the_sequence_track(files, tmp_path):
    pytest.importorskip("captum")
    from graphgen.experiment.explain_run import explain_run

    exp = _write(files, BASE + LABELS + """
[sequences]
path = "promoters.fa"
options = { filters = 8, kernel_size = 8 }
missing = "zero"
[models.mlp]
""", "seq_explain.toml")
    run_experiment(load_experiment(exp), out=tmp_path / "seq", progress=False)
    gene = pd.read_csv(files / "labels.csv")["gene"].iloc[0]
    result = explain_run(tmp_path / "seq", gene=gene, progress=False)
    names = {p.name for p in result.files}
    assert {"sequence.csv", "sequence.png", "features.csv"} <= names
    track = pd.read_csv(result.folder / f"gene_{gene}_mlp" / "sequence.csv")
    assert list(track.columns) == ["position", "letter", "attribution"]
    assert track["attribution"].abs().sum() > 0


def test_graph_classification_experiment(tmp_path):
    import torch

    folder = tmp_path / "tu"
    folder.mkdir()
    g = torch.Generator().manual_seed(0)
    a, indicator, labels, node_labels, offset = [], [], [], [], 0
    for i in range(24):  # rings (class 1) and paths (class 2) of 4-7 nodes
        n = int(torch.randint(4, 8, (1,), generator=g))
        for j in range(n - 1 + (i % 2 == 0)):
            u, v = offset + j + 1, offset + (j + 1) % n + 1
            a += [f"{u}, {v}", f"{v}, {u}"]
        indicator += [str(i + 1)] * n
        node_labels += [str(int(torch.randint(0, 2, (1,), generator=g))) for _ in range(n)]
        labels.append("1" if i % 2 == 0 else "2")
        offset += n
    for part, lines in (("A", a), ("graph_indicator", indicator), ("graph_labels", labels),
                        ("node_labels", node_labels)):
        (folder / f"TOY_{part}.txt").write_text("\n".join(lines) + "\n")
    exp = tmp_path / "graphs.toml"
    exp.write_text('name = "toy_graphs"\ntask = "graphs"\n[graphs]\npath = "tu"\n'
                   '[assessment]\nfolds = 3\nfinal_runs = 1\n[trainer]\nmax_epochs = 5\n'
                   'batch_size = 8\n[models.gin]\nconv = "gin"\nhidden_channels = [8, 16]\n'
                   '[models.baseline]\nconv = "none"\n')
    assert main(["run", str(exp), "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert list(metrics["summary"]) == ["gin", "baseline"] and metrics["graphs"] == 24
    assert len(metrics["folds"]["gin"]) == 3
    candidates = pd.read_csv(tmp_path / "run" / "candidates.csv")
    assert len(candidates[candidates.model == "gin"]) == 6  # 2 configurations x 3 folds
    with pytest.raises(ConfigError, match="unknown key"):
        exp.write_text('name = "x"\ntask = "graphs"\n[graphs]\npath = "tu"\n'
                       '[models.gin]\nlayers = 3\n')
        load_experiment(exp)
    with pytest.raises(ConfigError, match=r"topology: unknown feature\(s\) \['wiener'\]"):
        exp.write_text('name = "x"\ntask = "graphs"\n[graphs]\npath = "tu"\n'
                       'topology = ["degree", "wiener"]\n[models.gin]\n')
        load_experiment(exp)
    # rings and paths differ only in structure: the structure-agnostic baseline, given each
    # node's degree, counts the two end nodes of a path
    exp.write_text('name = "toy_graphs"\ntask = "graphs"\n[graphs]\npath = "tu"\n'
                   'topology = ["degree"]\n[assessment]\nfolds = 3\nfinal_runs = 1\n'
                   '[trainer]\nmax_epochs = 150\npatience = 150\nmonitor = "loss"\n'
                   'lr = 0.01\nbatch_size = 8\n'
                   '[models.baseline]\nconv = "none"\nhidden_channels = 16\n')
    assert main(["run", str(exp), "--out", str(tmp_path / "topo"), "--no-progress"]) == 0
    metrics = json.loads((tmp_path / "topo" / "metrics.json").read_text())
    assert metrics["summary"]["baseline"]["accuracy_mean"] >= 0.9


def test_groups_in_toml_keep_families_apart_and_report_confounding(files, tmp_path):
    labels = pd.read_csv(files / "labels.csv")
    family = [f"family{i % 6}" for i in range(len(labels))]
    pd.DataFrame({"gene": labels["gene"], "family": family}).to_csv(files / "families.csv",
                                                                    index=False)
    grouped = 'kind = "leave_one_group_out"\ngroups = "families.csv"\ngroups_column = "family"\n'
    exp = _write(files, BASE + LABELS.replace('kind = "kfold"\nk = 2', grouped)
                 + "[models.logreg]\n", "groups.toml")
    result = run_experiment(load_experiment(exp), out=tmp_path / "run", progress=False)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert list(metrics["summary"]) == ["logreg", "group only"] and metrics["splits"] == 6
    groups = pd.Series(family, index=labels["gene"].astype(str))
    # each family was tested once, from the other families' label shares alone (the run
    # checked every split against the groups: a family on two sides would be an error)
    only = result.cv.out_of_fold["group only"]
    assert only.groupby(groups.loc[only.index]).nunique().max() == 1
    assert len(only) == len(result.labels)
    by_group = pd.read_csv(tmp_path / "run" / "label_by_group.csv", index_col=0)
    assert by_group.index.tolist() == [f"family{i}" for i in range(6)]
    assert by_group.to_numpy().sum() == len(result.labels)
    confounding = pd.read_csv(tmp_path / "run" / "confounding.csv", index_col=0)
    assert confounding.index.tolist() == ["group"] and not confounding.loc["group", "confounded"]
    bad = _write(files, BASE + LABELS.replace('kind = "kfold"\nk = 2',
                                              'kind = "leave_one_group_out"') + "[models.mlp]\n",
                 "groups_bad.toml")
    with pytest.raises(ConfigError, match="leave_one_group_out' needs groups"):
        load_experiment(bad)


@pytest.mark.parametrize("option, value", [("top_genes", 0), ("top_genes", -3),
                                           ("top_edges", 0)])
def test_explain_counts_below_one_are_refused(tmp_path, option, value):
    from graphgen.experiment.explain_run import explain_run

    name = option.replace("_", "-")
    with pytest.raises(ConfigError, match=f"--{name} must be an integer >= 1, got {value}"):
        explain_run(tmp_path, label="1", **{option: value})


def test_nproc_run_checks_its_files_once_before_launching(files, tmp_path, capsys,
                                                          monkeypatch):
    from graphgen.train import distributed

    launched = []
    monkeypatch.setattr(distributed, "launch", lambda *a: launched.append(a) or 0)
    exp = _write(files, BASE + LABELS.replace('table = "labels.csv"', 'table = "absent.csv"')
                 + "[models.mlp]\n", "nproc_missing.toml")
    assert main(["run", str(exp), "--nproc", "2", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "absent.csv" in err and "Traceback" not in err
    assert not launched  # no process was started


def test_links_experiment_writes_the_pairs_to_test_next(files, tmp_path, capsys):
    import networkx as nx

    graph = GRAPH_AND_FEATURES.split("[features")[0].replace('name = "toy"', 'name = "links"')
    exp = _write(files, 'task = "links"\n' + graph + """[links]
top = 25
candidates = ["l3", "common_neighbours"]
""", name="links.toml")
    assert main(["run", str(exp), "--out", str(tmp_path / "run")]) == 0
    assert "model " in capsys.readouterr().out
    top = pd.read_csv(tmp_path / "run" / "top_links.csv")
    assert list(top.columns) == ["source", "target", "score", "probability"] and len(top) == 25
    assert top["score"].is_monotonic_decreasing
    known = pd.read_csv(files / "ppi.csv")
    edges = {frozenset(p) for p in zip(known["a"], known["b"])}
    assert not any(frozenset(p) in edges for p in zip(top["source"], top["target"]))
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["model"] in ("l3", "common_neighbours") and len(metrics["selection"]) == 2
    G = nx.read_graphml(tmp_path / "run" / "top_links.graphml")
    assert G.number_of_edges() == 25
    assert (tmp_path / "run" / "selection.csv").exists()
    # graphgen explain RUN --pair: the paths behind a predicted pair's score, from the run's
    # own predictor
    best = top.iloc[0]
    assert main(["explain", str(tmp_path / "run"), "--pair", best["source"],
                 best["target"]]) == 0
    out = capsys.readouterr().out
    written = tmp_path / "run" / "explain" / f"pair_{best['source']}_{best['target']}.csv"
    assert written.exists() and "shares of the score" in out
    paths = pd.read_csv(written)
    assert paths["contribution"].sum() == pytest.approx(best["score"], rel=1e-5)
    assert all(p.split(" ")[0] == best["source"] for p in paths["path"])
    assert main(["explain", str(tmp_path / "run"), "--gene", best["source"]]) == 2
    assert "--pair SOURCE TARGET" in capsys.readouterr().err
    assert main(["explain", str(tmp_path / "run"), "--pair", best["source"], "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="unknown key"):
        load_experiment(_write(files, "name = 'x'\ntask = 'links'\n[graph]\npath = 'ppi.csv'\n"
                               "[links]\nk = 3\n", name="bad_links.toml"))


def test_trainer_is_one_typed_setting_with_the_experiment_seed(files, tmp_path):
    from dataclasses import replace

    from graphgen import TrainerConfig
    from graphgen.comparison.run_folder import RunFolder
    from graphgen.experiment.config import GRAPH_TRAINER, ExperimentConfig, read_run_config

    text = BASE.replace("seed = 0", "seed = 7").replace("[trainer]", '[trainer]\ndevice = "cpu"')
    text += '[labels]\ntable = "labels.csv"\n[models.gcn]\n'
    config = load_experiment(_write(files, text))
    assert isinstance(config.trainer, TrainerConfig)
    assert (config.trainer.max_epochs, config.trainer.patience, config.trainer.seed,
            config.trainer.device) == (30, 10, 7, "cpu")
    assert config.trainer_config(progress=False, device="cuda:1").device == "cuda:1"
    run = RunFolder(tmp_path / "run")  # config.toml of a run reads back to the same trainer
    run.write_config({"command": "graphgen run", **config.to_dict()})
    assert read_run_config(tmp_path / "run").trainer == config.trainer
    for key in ("seed = 3", "progress = true"):
        with pytest.raises(ConfigError, match=r"\[trainer\]: unknown key\(s\)"):
            load_experiment(_write(files, text.replace("[trainer]", f"[trainer]\n{key}"),
                                   "twice.toml"))
    with pytest.raises(ConfigError, match=r"\[trainer\]: TrainerConfig: max_epochs"):
        load_experiment(_write(files, text.replace("max_epochs = 30", "max_epochs = 0"),
                               "zero.toml"))
    with pytest.raises(ConfigError, match="seed 5 differs from the experiment's seed 7"):
        replace(config, trainer=TrainerConfig(seed=5))
    graphs = _write(files, 'name = "g"\ntask = "graphs"\n[graphs]\npath = "x"\nname = "P"\n'
                    '[models.gin]\nconv = "gin"\n[trainer]\npatience = 5\n', "graphs.toml")
    graph_config = load_experiment(graphs)
    assert graph_config.trainer == replace(GRAPH_TRAINER, patience=5)
    assert ExperimentConfig.__dataclass_fields__["trainer"].type == "TrainerConfig"
