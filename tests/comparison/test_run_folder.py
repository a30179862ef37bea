import json

import pandas as pd
import pytest
import tomllib

from graphgen import OutputError
from graphgen.comparison import RunFolder


def test_writes_config_metrics_predictions(tmp_path):
    run = RunFolder(tmp_path / "a" / "b")
    run.write_config({"seed": 3, "skip": None, "models": {"gcn": {"hidden_channels": 8}}})
    config = tomllib.loads((run.path / "config.toml").read_text())
    assert config["seed"] == 3 and "skip" not in config
    assert config["models"]["gcn"]["hidden_channels"] == 8
    assert "torch" in config["versions"] and "python" in config["versions"]
    run.write_metrics({"gcn": {"auroc": float("nan"), "auprc": 0.5}})
    assert json.loads((run.path / "metrics.json").read_text()) == {
        "gcn": {"auroc": None, "auprc": 0.5}}
    frame = pd.DataFrame({"score": [0.25]}, index=pd.Index(["G1"], name="gene_id"))
    run.write_predictions(frame)
    assert (run.path / "predictions.csv").read_text().splitlines() == ["gene_id,score", "G1,0.25"]
    assert sorted(p.name for p in run.path.iterdir()) == [
        "config.toml", "metrics.json", "predictions.csv"]


def test_unwritable_folder_is_reported(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="file.txt"):
        RunFolder(blocker / "run")
    with pytest.raises(OutputError, match="not a folder"):
        RunFolder(blocker)


def test_a_second_writer_is_refused_while_the_first_runs(tmp_path):
    import subprocess
    import sys
    import time

    folder = tmp_path / "run"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom graphgen.comparison.run_folder import "
         f"RunFolder\nrun = RunFolder({str(folder)!r})\nprint('locked', flush=True)\n"
         "time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match="being written by another graphgen process"):
            RunFolder(folder, exist_ok=True)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    RunFolder(folder, exist_ok=True)  # the lock went with the process


def test_a_folder_with_files_a_run_writes_is_not_overwritten(tmp_path):
    (tmp_path / "curves.png").write_bytes(b"the user's own figure")
    with pytest.raises(OutputError, match=r"already holds a run \(curves.png\)"):
        RunFolder(tmp_path)
    assert (tmp_path / "curves.png").read_bytes() == b"the user's own figure"
