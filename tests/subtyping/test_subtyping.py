"""Subtyping: no test leakage into the graphs, alignment reports, the classifier learns."""

import logging
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from graphgen import ConfigError, DataFormatError
from graphgen.comparison import compare_subtyping
from graphgen.estimators.subtype_classifier import SUBTYPE_TRAINER, SubtypeClassifier
from graphgen.evaluation.splits import stratified_split
from graphgen.graph.coexpression import coexpression_graph
from graphgen.graph.patient_similarity import patient_graph
from graphgen.models.base import run_model
from graphgen.models.multiomics_gcn import MultiOmicsGCN
from graphgen.subtyping import align_omics, patient_graph_view


def test_held_out_samples_never_send_edges_nor_set_the_threshold():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6))
    train = np.arange(40) < 30
    ei, w = patient_graph(x, train, k=4)
    assert train[ei[0].numpy()].all()  # every source is a training sample
    changed = x.copy()
    changed[~train] = rng.normal(size=(10, 6)) * 100  # arbitrary held-out samples
    ei2, w2 = patient_graph(changed, train, k=4)
    def among_train(e):
        return {tuple(p) for p in e.T.tolist() if train[p[1]]}

    assert among_train(ei) == among_train(ei2)


def test_training_logits_do_not_depend_on_test_samples():
    rng = np.random.default_rng(1)
    omics = {"a": pd.DataFrame(rng.normal(size=(30, 5))),
             "b": pd.DataFrame(rng.normal(size=(30, 4)))}
    train = np.arange(30) < 20
    torch.manual_seed(0)
    model = MultiOmicsGCN({"a": 5, "b": 4}, 3, hidden_channels=8).eval()
    before = run_model(model, patient_graph_view(omics, train, k=3))[:20]
    for table in omics.values():
        table.iloc[20:] = rng.normal(size=(10, table.shape[1])) * 50
    after = run_model(model, patient_graph_view(omics, train, k=3))[:20]
    assert torch.allclose(before, after, atol=1e-6)


def test_coexpression_graph_uses_training_samples_only(small_organism):
    expression = small_organism.expression
    labels = small_organism.samples["subtype"]
    clf = SubtypeClassifier("expression-graph", network="coexpression", coexpression_k=3,
                            trainer=replace(SUBTYPE_TRAINER, max_epochs=2, progress=False)
                            ).fit({"rna": expression}, labels)
    changed = expression.astype("float64")
    test = changed.index.difference(clf.train_samples_)
    changed.loc[test] = np.random.default_rng(0).normal(size=(len(test), changed.shape[1]))
    again = SubtypeClassifier("expression-graph", network="coexpression", coexpression_k=3,
                              trainer=replace(SUBTYPE_TRAINER, max_epochs=2, progress=False)
                              ).fit({"rna": changed}, labels)
    assert torch.equal(clf.network_.edge_index, again.network_.edge_index)
    direct = coexpression_graph(clf.scaler_.transform({"rna": expression.loc[
        clf.train_samples_]})["rna"], k=3)
    assert torch.equal(direct.edge_index, clf.network_.edge_index)


def test_alignment_reports_missing_samples(caplog):
    a = pd.DataFrame({"g": [1.0, 2.0, 3.0]}, index=["s1", "s2", "s3"])
    b = pd.DataFrame({"m": [1.0, 2.0]}, index=["s1", "s3"])
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        aligned = align_omics({"rna": a, "meth": b}, pd.Series([0, 1, 0], index=a.index))
    assert aligned.samples.tolist() == ["s1", "s3"] and aligned.dropped == {"s2": "missing in meth"}
    assert "1 samples left out" in caplog.text
    with pytest.raises(DataFormatError, match="not in every omics"):
        align_omics({"rna": a, "meth": b}, missing="error")
    with pytest.raises(DataFormatError, match="share no sample"):
        align_omics({"rna": a, "meth": b.set_axis(["x", "y"])})


def test_subtypes_learned_and_bad_inputs(small_organism):
    org = small_organism
    labels = org.samples["subtype"]
    split = stratified_split(labels, seed=0)
    train = split.train.append(split.val)
    clf = SubtypeClassifier("expression-graph", network=org.ppi,
                            trainer=replace(SUBTYPE_TRAINER, max_epochs=60, lr=0.01,
                                            progress=False))
    clf.fit({"rna": org.expression.loc[train]}, labels.loc[train])
    accuracy = clf.score({"rna": org.expression.loc[split.test]}, labels.loc[split.test])
    assert accuracy > 0.6  # 4 subtypes: chance is about 0.25
    with pytest.raises(DataFormatError, match="classes \\[7\\] were not seen"):
        clf.score({"rna": org.expression.loc[split.test]},
                  labels.loc[split.test].replace({labels.iloc[0]: 7}))
    with pytest.raises(DataFormatError, match="omics \\['rna'\\] are missing"):
        clf.predict_proba({"meth": org.expression})
    renamed = org.expression.rename(columns=lambda g: f"X{g}")
    with pytest.raises(DataFormatError, match="none of the .* measured genes is a node"):
        SubtypeClassifier("expression-graph", network=org.ppi).fit(
            {"rna": renamed}, labels)
    with pytest.raises(ConfigError, match="view must be"):
        SubtypeClassifier("sideways").fit({"rna": org.expression}, labels)


def test_compare_subtyping_with_baselines():
    import graphgen

    org = graphgen.make_organism(n_genes=100, n_samples=200, seed=3)
    labels = org.samples["subtype"]
    split = stratified_split(labels, seed=0)
    result = compare_subtyping(
        {"rna": org.expression}, labels, [split],
        {"patient": {"kind": "patient-graph", "k": 5, "max_epochs": 60},
         "mlp": {"kind": "features", "head": "mlp", "max_epochs": 30},
         "logreg": {"kind": "logreg"}, "forest": {"kind": "random_forest", "n_estimators": 50}})
    summary = result.summary()
    assert list(summary.index) == ["patient", "mlp", "logreg", "forest"]
    assert (summary["accuracy_mean"] > 0.5).all()
    assert set(result.predictions["sample"]) == set(split.test)


def _path_graph(names):
    from torch_geometric.data import Data

    n = len(names)
    src = list(range(n - 1)) + list(range(1, n))
    dst = list(range(1, n)) + list(range(n - 1))
    return Data(edge_index=torch.tensor([src, dst]), num_nodes=n, node_ids=list(names))


def test_profile_propagation_is_the_walk_with_restart_and_latent_genes_fill_in():
    from graphgen.subtyping.views import ProfilePropagation

    network = _path_graph("ABCDE")  # A-B-C-D-E; B and D unmeasured
    rna = pd.DataFrame({"A": [1.0, 0.0], "C": [0.0, 2.0], "E": [3.0, 1.0], "X": [5.0, 6.0]},
                       index=["p1", "p2"])
    out = ProfilePropagation(network, restart=0.4, latent=2).fit({"rna": rna}).transform(
        {"rna": rna})["rna"]
    assert out.columns.tolist() == ["A", "C", "E", "B", "D", "X"]  # measured, latent, outside
    # closed form r (I - (1 - r) W)^-1 with the symmetric walk on the path
    adjacency = np.diag(np.ones(4), 1) + np.diag(np.ones(4), -1)
    root = 1 / np.sqrt(adjacency.sum(0))
    walk = root[:, None] * adjacency * root[None, :]
    kernel = 0.4 * np.linalg.inv(np.eye(5) - 0.6 * walk)
    f0 = np.zeros((2, 5))
    f0[:, [0, 2, 4]] = rna[["A", "C", "E"]].to_numpy()
    expected = f0 @ kernel.T
    assert np.allclose(out[["A", "C", "E", "B", "D"]].to_numpy(), expected[:, [0, 2, 4, 1, 3]],
                       atol=1e-6)
    assert out["X"].tolist() == [5.0, 6.0]  # not a network gene: unchanged
    same = ProfilePropagation(network, restart=1.0).fit({"rna": rna}).transform({"rna": rna})
    assert np.allclose(same["rna"][["A", "C", "E"]], rna[["A", "C", "E"]])


def test_profile_propagation_learns_nothing_from_patients():
    """The operator depends on the columns alone: other patients' values (test patients)
    change no one else's smoothed profile."""
    from graphgen.subtyping.views import ProfilePropagation

    network = _path_graph("ABCDEF")
    rng = np.random.default_rng(0)
    rna = pd.DataFrame(rng.normal(size=(6, 3)), columns=["A", "C", "F"])
    prop = ProfilePropagation(network, latent=3).fit({"rna": rna})
    other = rna.copy()
    other.iloc[3:] = rng.normal(size=(3, 3)) * 100
    refit = ProfilePropagation(network, latent=3).fit({"rna": other})
    for a, b in zip(prop.operators_["rna"], refit.operators_["rna"]):
        assert np.array_equal(np.asarray(a), np.asarray(b))
    assert np.allclose(prop.transform({"rna": rna})["rna"].iloc[:3],
                       prop.transform({"rna": other})["rna"].iloc[:3])


def test_propagation_view_scales_with_training_samples_only(small_organism):
    expression = small_organism.expression
    labels = small_organism.samples["subtype"]
    trainer = replace(SUBTYPE_TRAINER, max_epochs=3, progress=False)
    clf = SubtypeClassifier("propagation", network=small_organism.ppi, latent=20,
                            trainer=trainer).fit({"rna": expression}, labels)
    changed = expression.astype("float64")
    test = changed.index.difference(clf.train_samples_)
    changed.loc[test] = np.random.default_rng(0).normal(size=(len(test), changed.shape[1])) * 9
    again = SubtypeClassifier("propagation", network=small_organism.ppi, latent=20,
                              trainer=trainer).fit({"rna": changed}, labels)
    first, second = clf.smoothed_scaler_, again.smoothed_scaler_
    assert np.allclose(first.mean_["rna"], second.mean_["rna"])
    proba = clf.predict_proba({"rna": expression.iloc[:5]})
    assert proba.shape == (5, labels.nunique()) and np.allclose(proba.sum(axis=1), 1.0)
    with pytest.raises(ConfigError, match="propagation view needs a gene network"):
        SubtypeClassifier("propagation").fit({"rna": expression}, labels)


def test_whole_number_float_labels_give_integer_classes():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(30, 4)), index=[f"s{i}" for i in range(30)])
    labels = pd.Series([0.0, 1.0, 2.0] * 10, index=x.index)  # MOGONET's 0.0..4.0
    labels.iloc[0] = np.nan  # and a sample without a label, as read from a table
    clf = SubtypeClassifier("features", trainer=replace(SUBTYPE_TRAINER, max_epochs=2,
                                                         progress=False))
    proba = clf.fit({"rna": x}, labels).predict_proba({"rna": x})
    assert clf.classes_.tolist() == [0, 1, 2] and proba.columns.tolist() == [0, 1, 2]
    assert clf.classes_.dtype.kind == "i"
    halves = align_omics({"rna": x}, labels / 2).labels  # not whole numbers: kept as floats
    assert halves.dtype == np.float64


def test_expression_graph_ids_counted_warned_and_mappable(caplog):
    from graphgen.graph.build import edges_to_data
    from graphgen.ids import IdMapper
    from graphgen.subtyping import expression_graph_view

    net = edges_to_data(pd.DataFrame({"source": ["ESR1", "TP53", "GATA3"],
                                      "target": ["TP53", "GATA3", "FOXA1"]}), directed=False)
    rng = np.random.default_rng(0)
    tcga = pd.DataFrame(rng.normal(size=(4, 5)),
                        columns=["ESR1_2099", "TP53_7157", "GATA3_2625", "FOXA1_3169", "XY_1"])
    with pytest.raises(DataFormatError, match=r"none of the 5 measured genes is a node.*look "
                                              r"like SYMBOL_ENTREZ \(TCGA\) ids.*map_columns"):
        expression_graph_view({"rna": tcga}, net)
    mapper = IdMapper(pd.DataFrame({"symbol": ["ESR1", "TP53", "GATA3", "FOXA1"],
                                    "entrez": ["2099", "7157", "2625", "3169"]}))
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        mapped = mapper.map_columns(tcga, to="symbol")
    assert mapped.columns.tolist() == ["ESR1", "TP53", "GATA3", "FOXA1"]
    assert "4 of 5 columns kept as symbol; 1 unmapped or ambiguous dropped (e.g. ['XY_1'])" \
        in caplog.text
    caplog.clear()
    partial = mapped.assign(MYC=1.0, KRAS=2.0)
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        view = expression_graph_view({"rna": partial}, net)
    assert view.gene_ids == ["ESR1", "FOXA1", "GATA3", "TP53"]
    assert "2 of 6 measured genes are not network nodes" in caplog.text


def test_omics_shapes_and_label_types_at_the_door():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(30, 4)), index=[f"s{i}" for i in range(30)])
    y = pd.Series([0, 1, 2] * 10, index=x.index)
    clf = SubtypeClassifier("features", trainer=replace(SUBTYPE_TRAINER, max_epochs=2,
                                                         progress=False))
    single = clf.fit(x, y).predict_proba(x)  # one table: the omics "omics"
    assert single.shape == (30, 3) and clf.omics_names_ == ["omics"]
    np.testing.assert_allclose(single.to_numpy(),
                               clf.predict_proba({"omics": x}).to_numpy())
    for bad, kind in ((x.to_numpy(), "ndarray"), (x.to_numpy().tolist(), "list")):
        with pytest.raises(DataFormatError, match=f"omics {{'rna': '{kind}'}} are not "
                                                  "DataFrames"):
            clf.fit({"rna": bad}, y)
    with pytest.raises(DataFormatError, match=r"labels mix text and numbers \(e.g. 'a' and 0\)"):
        clf.fit({"rna": x}, pd.Series([0, "a", 2] * 10, index=x.index))
    with pytest.raises(DataFormatError, match="sample ids repeat"):
        clf.fit({"rna": pd.concat([x, x.iloc[:2]])}, y)
