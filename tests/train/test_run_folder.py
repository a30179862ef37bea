import json

import pandas as pd
import pytest
import tomllib

from graphgen import OutputError
from graphgen.train import RunFolder


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
