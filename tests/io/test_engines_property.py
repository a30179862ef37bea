"""Property: one file gives one graph whatever the CSV engine (polars, pyarrow, pandas), or
the same error."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphgen
from graphgen import GraphgenError
from graphgen.io import EdgeListFormat

pytest.importorskip("polars")
pytest.importorskip("pyarrow")

ENGINES = ("pandas", "polars", "pyarrow")
IDS = st.sampled_from(["TP53", "MDM2", "001", "1", "TRUE", "NA", "null", "x y", "ÄB", "A-1",
                       "1e5", "G.1", "\"Q\"", "EGFR "])
SCORES = st.one_of(st.floats(0, 1, allow_nan=False).map(repr),
                   st.sampled_from(["0.30000000000000004441", "0.7", "1", "", "abc", "0.9e0",
                                    "7e-1", " 0.5"]))


@st.composite
def edge_files(draw):
    rows = draw(st.lists(st.tuples(IDS, IDS, SCORES), min_size=1, max_size=12))
    sep = draw(st.sampled_from([",", "\t"]))
    header = draw(st.sampled_from(["source{s}target{s}score", "source {s} target {s} score"]))
    lines = [header.format(s=sep)] + [sep.join(row) for row in rows]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), "")  # a blank line
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending]))


def _load(path, engine):
    previous = os.environ.get("GRAPHGEN_CSV_ENGINE")
    os.environ["GRAPHGEN_CSV_ENGINE"] = engine
    try:
        graph = graphgen.load_ppi(path, format=EdgeListFormat(weight="score"))
        weight = getattr(graph, "edge_weight", None)
        return ("graph", list(graph.node_ids), graph.edge_index.tolist(),
                None if weight is None else np.round(weight.numpy().astype(float), 12).tolist())
    except GraphgenError as error:
        return ("error", type(error).__name__, str(error))
    finally:
        if previous is None:
            del os.environ["GRAPHGEN_CSV_ENGINE"]
        else:
            os.environ["GRAPHGEN_CSV_ENGINE"] = previous


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=edge_files())
def test_every_engine_gives_the_same_graph_or_error(tmp_path, text):
    path = tmp_path / "edges.csv"
    path.write_bytes(text.encode("utf-8"))
    outcomes = {engine: _load(path, engine) for engine in ENGINES}
    assert outcomes["polars"] == outcomes["pandas"], (text, outcomes)
    assert outcomes["pyarrow"] == outcomes["pandas"], (text, outcomes)
