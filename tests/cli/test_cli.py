"""The `graphgen` command as a user runs it: a real subprocess through the console script."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

GRAPHGEN = shutil.which("graphgen") or "graphgen"


def _run(*args, timeout=300):
    return subprocess.run([GRAPHGEN, *args], capture_output=True, text=True, timeout=timeout)


def test_demo_end_to_end(tmp_path):
    """The acceptance run: default organism, GNNs >= MLP + 0.05 AUROC (its wall time is a
    benchmark, `benchmarks/demo_seeds.py`, not a test: a shared machine makes it flaky)."""
    out = tmp_path / "demo"
    proc = _run("demo", "--out", str(out), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split("  ")[0]: line.split() for line in proc.stdout.splitlines()}
    for model in ("GCN", "GAT", "MLP", "logistic regression", "label propagation",
                  "random walk with restart", "heat diffusion", "node degree"):
        assert model in rows, f"{model!r} is not a row of the table, as README writes it"
    assert rows["node degree"][-2] == "-" and rows["GCN"][-2].isdigit()  # epochs as README
    assert {p.name for p in out.iterdir()} == {
        "config.toml", "metrics.json", "predictions.csv", "curves.png"}
    metrics = json.loads((out / "metrics.json").read_text())["models"]
    assert metrics["gcn"]["auroc"] >= metrics["mlp"]["auroc"] + 0.05
    assert metrics["gat"]["auroc"] >= metrics["mlp"]["auroc"] + 0.05
    predictions = pd.read_csv(out / "predictions.csv", index_col="gene_id")
    assert len(predictions) == 2000
    assert list(predictions.columns) == ["split", "label", "score_gcn", "score_gat", "score_mlp",
                                         "score_logreg", "score_label_propagation",
                                         "score_rwr", "score_heat", "score_degree"]
    assert predictions["split"].value_counts()["test"] == 400
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, word", [
    (("demo", "--seed", "abc"), "invalid int value: 'abc'"),
    (("demo", "--bogus"), "unrecognized arguments: --bogus"),
    (("nosuch",), "invalid choice: 'nosuch'"),
])
def test_bad_arguments_give_one_line_and_exit_2(args, word):
    proc = _run(*args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and word in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unwritable_out_gives_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = _run("demo", "--out", str(blocker / "run"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("graphgen demo: error: cannot write run folder")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_no_command_prints_help():
    proc = _run()
    assert proc.returncode == 2 and "demo" in proc.stdout


def test_module_entry_point_matches_script():
    proc = subprocess.run([sys.executable, "-m", "graphgen", "demo", "--seed", "x"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid int value" in proc.stderr


def test_existing_run_folder_is_not_overwritten(tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "metrics.json").write_text('{"earlier": "run"}')
    proc = _run("demo", "--out", str(out), "--no-progress")
    assert proc.returncode == 2 and "already holds a run (metrics.json)" in proc.stderr
    assert "--overwrite" in proc.stderr and proc.stderr.count("\n") == 1
    assert (out / "metrics.json").read_text() == '{"earlier": "run"}'


def test_negative_seed_gives_one_line(tmp_path):
    proc = _run("demo", "--seed", "-3", "--out", str(tmp_path / "d"))
    assert proc.returncode == 2 and "seed must be an integer >= 0, got -3" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "d").exists()
