"""Fuzz: malformed inputs to every estimator's fit/predict and to the command line give a
result or a GraphgenError (one line, exit code 2 on the command line), never a traceback."""

import numpy as np
import pandas as pd
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch_geometric.data import Data

from graphgen import GraphgenError, SubtypeClassifier, TrainerConfig
from graphgen.cli.main import main
from graphgen.estimators.graph_classifier import GraphClassifier

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
QUICK = TrainerConfig(max_epochs=2, patience=1, progress=False)
SAMPLES = [f"S{i}" for i in range(12)]


@st.composite
def omics_inputs(draw):
    """A samples x genes table (sometimes an array, a list, a wrong index or NaN) and labels
    (sometimes of mixed types, NaN, one class, or other ids)."""
    values = np.asarray(draw(st.lists(st.floats(-5, 5, allow_nan=False), min_size=36,
                                      max_size=36))).reshape(12, 3)
    table = pd.DataFrame(values, index=SAMPLES, columns=["g1", "g2", "g3"])
    shape = draw(st.sampled_from(["frame", "dict", "array", "list", "nan", "other ids",
                                  "repeat"]))
    if shape == "nan":
        table.iloc[draw(st.integers(0, 11)), 0] = np.nan
    if shape == "other ids":
        table.index = [f"X{i}" for i in range(12)]
    if shape == "repeat":
        table.index = SAMPLES[:11] + SAMPLES[:1]
    omics = {"frame": table, "array": {"rna": table.to_numpy()},
             "list": {"rna": table.to_numpy().tolist()}}.get(shape, {"rna": table})
    kind = draw(st.sampled_from(["classes", "mixed", "nan", "one class", "floats"]))
    labels = pd.Series([i % 3 for i in range(12)], index=SAMPLES, dtype=object)
    if kind == "mixed":
        labels.iloc[0] = "a"
    if kind == "nan":
        labels.iloc[:3] = np.nan
    if kind == "one class":
        labels[:] = 1
    if kind == "floats":
        labels = labels.astype(float) + 0.5
    return omics, labels.infer_objects()


@SETTINGS
@given(case=omics_inputs(), view=st.sampled_from(["features", "patient-graph"]))
def test_subtype_classifier_result_or_graphgen_error(case, view):
    omics, labels = case
    try:
        clf = SubtypeClassifier(view, trainer=QUICK, k=3).fit(omics, labels)
        proba = clf.predict_proba(omics)
    except GraphgenError:
        return
    assert np.isfinite(proba.to_numpy()).all() and np.allclose(proba.sum(axis=1), 1.0)


@st.composite
def graph_sets(draw):
    n = draw(st.integers(4, 8))
    graphs = []
    for i in range(n):
        nodes = draw(st.integers(0, 4))
        x = torch.rand(nodes, draw(st.sampled_from([3, 3, 3, 2])),
                       dtype=draw(st.sampled_from([torch.float32, torch.float64])))
        high = max(nodes, 1) + draw(st.sampled_from([0, 0, 2]))
        edges = torch.randint(0, high, (2, draw(st.integers(0, 5))))
        y = draw(st.sampled_from([torch.tensor([i % 2]), torch.tensor([0.5]),
                                  torch.tensor([0, 1]), None]))
        graphs.append(Data(x=x, edge_index=edges, y=y))
    return graphs


@SETTINGS
@given(graphs=graph_sets())
def test_graph_classifier_result_or_graphgen_error(graphs):
    torch.manual_seed(0)
    try:
        clf = GraphClassifier("gin", trainer=TrainerConfig(max_epochs=1, progress=False,
                                                           batch_size=4))
        proba = clf.fit(graphs).predict_proba(graphs)
    except GraphgenError:
        return
    assert proba.shape == (len(graphs), len(clf.classes_)) and np.isfinite(proba).all()


WORDS = st.sampled_from(["run", "demo", "explain", "datasets", "list", "info", "fetch",
                         "--out", "--seed", "--nproc", "--device", "--gene", "--class",
                         "--top-genes", "--overwrite", "--resume", "-1", "0", "abc",
                         "nope.toml", "cuda:9", "string-human-links", "--bogus"])


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(argv=st.lists(WORDS, min_size=1, max_size=5))
def test_the_command_line_never_shows_a_traceback(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRAPHGEN_DATA", str(tmp_path / "cache"))
    if "demo" in argv or ("datasets" in argv and "fetch" in argv):
        return  # runs the demo / a download: covered by their own tests
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse: --help and usage errors
        code = exit_.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert err.strip(), argv
