"""Property: random bad inputs through the public entry points give a correct result or a
GraphgenError, never a NaN prediction and never another exception type."""

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch_geometric.data import Data

import graphgen
from graphgen import GeneClassifier, GraphgenError, IdMapper, TrainerConfig

GENES = [f"G{i:02d}" for i in range(30)]
EDGES = torch.tensor([[i for i in range(29)] + [i + 1 for i in range(29)],
                      [i + 1 for i in range(29)] + [i for i in range(29)]])
GRAPH = Data(edge_index=EDGES, num_nodes=30, node_ids=GENES)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

gene_ids = st.one_of(st.sampled_from(GENES), st.sampled_from(["NOPE", " G01", "g02", ""]),
                     st.integers(0, 40), st.none(), st.just(float("nan")))
label_values = st.one_of(st.integers(0, 2), st.sampled_from([0.0, 1.0, 0.5, np.nan, np.inf]),
                         st.sampled_from(["a", "b"]), st.booleans())


@st.composite
def labels_strategy(draw):
    """Mostly sensible 0/1 labels on graph genes, with random corruptions mixed in."""
    genes = draw(st.lists(st.sampled_from(GENES), unique=True, min_size=6, max_size=30))
    values = draw(st.lists(st.integers(0, 1), min_size=len(genes), max_size=len(genes)))
    extra = draw(st.lists(st.tuples(gene_ids, label_values), max_size=3))
    index = genes + [g for g, _ in extra]
    labels = pd.Series(values + [v for _, v in extra], index=pd.Index(index, dtype=object),
                       dtype=object)
    return labels.infer_objects()


@st.composite
def features_strategy(draw):
    """Finite features, sometimes with one NaN or infinite value."""
    values = np.asarray(draw(st.lists(st.floats(-10, 10, allow_nan=False), min_size=60,
                                      max_size=60)), dtype=np.float64)
    bad = draw(st.one_of(st.none(), st.integers(0, 59)))
    if bad is not None:
        values[bad] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return pd.DataFrame(values.reshape(30, 2), index=GENES, columns=["f0", "f1"])


@SETTINGS
@given(labels=labels_strategy(), features=features_strategy(),
       model=st.sampled_from(["logreg", "gcn", "label_propagation"]))
def test_gene_classifier_gives_result_or_graphgen_error(labels, features, model):
    try:
        data = graphgen.stack_blocks(GRAPH, {"f": features})
        clf = GeneClassifier(model, trainer=TrainerConfig(max_epochs=2, patience=1,
                                                             progress=False)).fit(data, labels)
    except GraphgenError:
        return
    proba = clf.predict_proba()
    assert np.isfinite(proba.to_numpy()).all()
    assert len(clf.predict()) == 30
    if model != "label_propagation":  # features with NaN set after stacking
        broken = data.clone()
        broken.x = data.x.clone()
        broken.x[0, 0] = float("nan")
        with pytest.raises(GraphgenError):
            clf.predict_proba(data=broken)


@SETTINGS
@given(ids=st.one_of(st.lists(gene_ids, max_size=8), st.sampled_from(["TP53", "", 7157]),
                     st.none()))
def test_id_mapper_gives_result_or_graphgen_error(ids):
    mapper = IdMapper(pd.DataFrame({"symbol": ["TP53", "MDM2"], "entrez": ["7157", "4193"]}))
    try:
        result = mapper.map(ids, to="entrez")
    except GraphgenError:
        return
    assert set(result.mapping.to_numpy()) <= {"7157", "4193"}
    assert "nan" not in result.report.index
