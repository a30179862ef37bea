"""`graphgen run --nproc 2`: two gloo processes on this machine give the metrics of one
process (within tolerance) and write one run folder, one checkpoint per model and split."""

import json
import os
import subprocess
import sys

import pytest
import torch

from graphgen.cli.main import main

pytestmark = pytest.mark.skipif(not torch.distributed.is_available(),
                                reason="this torch build has no torch.distributed")

EXPERIMENT = """
name = "ddp"
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
[labels]
table = "labels.csv"
gene_column = "gene"
label_column = "disease"
[split]
kind = "kfold"
k = 2
[trainer]
max_epochs = 40
patience = 40
batch_size = 32
fanout = [5, 5]
checkpoint_every = 5
[models.sage]
[models.logreg]
"""


def test_two_processes_match_one(files, tmp_path):
    exp = files / "ddp.toml"
    exp.write_text(EXPERIMENT)
    assert main(["run", str(exp), "--out", str(tmp_path / "one"), "--no-progress"]) == 0
    env = {k: v for k, v in os.environ.items()
           if k not in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    done = subprocess.run([sys.executable, "-m", "graphgen", "run", str(exp), "--out",
                           str(tmp_path / "two"), "--no-progress", "--nproc", "2"],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("run folder:") == 1  # rank 0 alone reports
    one = json.loads((tmp_path / "one" / "metrics.json").read_text())["summary"]
    two = json.loads((tmp_path / "two" / "metrics.json").read_text())["summary"]
    for model in ("sage", "logreg"):
        assert two[model]["auroc_mean"] == pytest.approx(one[model]["auroc_mean"], abs=0.05)
    checkpoints = sorted(p.name for p in (tmp_path / "two" / "checkpoints").iterdir())
    assert checkpoints == sorted(p.name for p in (tmp_path / "one" / "checkpoints").iterdir())
    assert not any(p.name.endswith(".tmp") for p in (tmp_path / "two").rglob("*"))
