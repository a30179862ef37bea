"""`graphgen run --nproc 2`: two gloo processes on this machine give the metrics of one
process (within tolerance) and write one run folder, one checkpoint per model and split."""

import json
import os
import subprocess
import sys

import pytest
import torch

from graphgen.cli.main import main

from .conftest import GRAPH_AND_FEATURES, LABELS

pytestmark = pytest.mark.skipif(not torch.distributed.is_available(),
                                reason="this torch build has no torch.distributed")

EXPERIMENT = GRAPH_AND_FEATURES.replace('"toy"', '"ddp"') + LABELS + """
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


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _rank_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            env = dict(item.split(b"=", 1) for item in handle.read().split(b"\0") if b"=" in item)
    except OSError:
        return None
    return int(env[b"RANK"]) if b"RANK" in env else None


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds the ranks through /proc")
def test_killed_rank_then_resume_gives_the_uninterrupted_result(files, tmp_path):
    import signal
    import time

    exp = files / "ddp_long.toml"
    exp.write_text(EXPERIMENT.replace("max_epochs = 40\npatience = 40",
                                      "max_epochs = 150\npatience = 150")
                   .replace("[models.logreg]\n", ""))
    env = {k: v for k, v in os.environ.items()
           if k not in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    command = [sys.executable, "-m", "graphgen", "run", str(exp), "--no-progress",
               "--nproc", "2"]
    reference = subprocess.run([*command, "--out", str(tmp_path / "ref")], capture_output=True,
                               text=True, env=env, timeout=600, check=False)
    assert reference.returncode == 0, reference.stderr[-3000:]

    out = tmp_path / "killed"
    run = subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 300
    victim = None
    while victim is None and time.time() < deadline and run.poll() is None:
        if (out / "checkpoints").is_dir() and any((out / "checkpoints").iterdir()):
            victim = next((p for p in _children(run.pid) if _rank_of(p) == 1), None)
        time.sleep(0.2)
    assert victim is not None, "rank 1 was not found while training"
    os.kill(victim, signal.SIGKILL)
    run.communicate(timeout=600)
    assert run.returncode != 0  # the group stops when a rank dies
    assert not (out / "metrics.json").exists()
    resumed = subprocess.run([*command, "--out", str(out), "--resume"], capture_output=True,
                             text=True, env=env, timeout=600, check=False)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    ref = json.loads((tmp_path / "ref" / "metrics.json").read_text())["per_split"]
    got = json.loads((out / "metrics.json").read_text())["per_split"]
    assert len(got) == len(ref)
    for a, b in zip(got, ref):
        for key, value in b.items():
            if isinstance(value, float) and key != "seconds":
                assert a[key] == pytest.approx(value, abs=1e-6), key
