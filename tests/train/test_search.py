"""Optuna search: seeded, reproducible, nested inside the training genes."""

import pandas as pd
import pytest

import graphgen
from graphgen import ConfigError, TrainerConfig
from graphgen.evaluation import stratified_split
from graphgen.models import build_model
from graphgen.train import make_task
from graphgen.train.search import SearchConfig, search_hparams

pytest.importorskip("optuna", reason="pip install 'graphgen[search]'")
QUICK = TrainerConfig(max_epochs=15, patience=5, progress=False)
SPACE = {"hidden_channels": [8, 16, 32], "dropout": {"low": 0.0, "high": 0.6},
         "lr": {"low": 1e-3, "high": 0.05, "log": True}}


@pytest.fixture(scope="module")
def setup(small_organism):
    data = graphgen.stack_blocks(small_organism.ppi, {"a": small_organism.features})
    return data, small_organism.labels, stratified_split(small_organism.labels, seed=0)


def _search(data, labels, split, seed=0):
    task = make_task(data, labels, split)
    return search_hparams(lambda h: build_model("mlp", data.num_features, 2, **h), data, task,
                          SearchConfig(SPACE, trials=4, seed=seed), trainer=QUICK)


def test_search_is_seeded_and_reproducible(setup):
    data, labels, split = setup
    first, again = _search(data, labels, split), _search(data, labels, split)
    pd.testing.assert_frame_equal(first.trials, again.trials)
    assert first.best == again.best and set(first.best) == set(SPACE)
    other = _search(data, labels, split, seed=1)
    assert not first.trials.equals(other.trials)


def test_no_test_label_reaches_the_search(setup):
    data, labels, split = setup
    flipped = labels.copy()
    flipped[split.test] = 1 - flipped[split.test]
    pd.testing.assert_frame_equal(_search(data, labels, split).trials,
                                  _search(data, flipped, split).trials)


def test_search_inside_compare_models_and_bad_specs(setup):
    data, labels, split = setup
    spec = {"mlp": {"search": {"space": {"hidden_channels": [4, 8]}, "trials": 2}}}
    result = graphgen.compare_models(data, labels, split, spec, trainer=QUICK)[0]
    assert result.hparams["hidden_channels"] in (4, 8) and "search" not in result.hparams
    with pytest.raises(ConfigError, match="low <= high"):
        SearchConfig({"dropout": {"low": 0.5, "high": 0.1}})
    with pytest.raises(ConfigError, match="unknown key"):
        SearchConfig.from_spec({"space": {"dropout": [0.1]}, "budget": 3})
    with pytest.raises(ConfigError, match="names no hyper-parameter"):
        SearchConfig({})


def test_gene_classifier_searches_on_its_validation_genes(setup, tmp_path):
    data, labels, _ = setup
    search = {"space": {"hidden_channels": [4, 8], "lr": {"low": 0.005, "high": 0.05}},
              "trials": 3}
    clf = graphgen.GeneClassifier("mlp", hparams={"dropout": 0.1, "search": search},
                                  trainer=QUICK).fit(data, labels)
    assert clf.hparams_["hidden_channels"] in (4, 8) and clf.hparams_["dropout"] == 0.1
    assert "search" not in clf.hparams_ and len(clf.search_.trials) == 3
    back = graphgen.GeneClassifier.load(clf.save(tmp_path / "searched.pt"))
    pd.testing.assert_frame_equal(back.predict_proba(), clf.predict_proba())


def test_model_spec_is_the_one_parse_of_a_model_entry():
    from graphgen.train import ModelSpec

    plain = ModelSpec.parse("GCN", {"hidden_channels": 8})
    assert (plain.model, plain.hparams, plain.search) == ("gcn", {"hidden_channels": 8}, None)
    variant = ModelSpec.parse("wide", {"model": "sage", "search": {"trials": 3, "space": {
        "dropout": [0.1, 0.5]}}})
    assert variant.model == "sage" and variant.hparams == {} and variant.search.trials == 3
    assert ModelSpec.parse("x", variant) is variant and ModelSpec.parse("mlp", None).model == "mlp"
    with pytest.raises(ConfigError, match="search: space names no hyper-parameter"):
        ModelSpec.parse("gcn", {"search": {"trials": 2}})
    with pytest.raises(ConfigError, match="model 'gcn': give a table of hyper-parameters or a "
                                          "ModelSpec, got list"):
        ModelSpec.parse("gcn", [1, 2])


def test_compare_models_takes_specs_and_tables_alike(small_organism):
    from graphgen import stack_blocks
    from graphgen.comparison import compare_models
    from graphgen.evaluation import stratified_split
    from graphgen.train import ModelSpec

    data = stack_blocks(small_organism.ppi, {"attributes": small_organism.features})
    split = stratified_split(small_organism.labels, seed=0)
    trainer = TrainerConfig(max_epochs=3, progress=False)
    tables = compare_models(data, small_organism.labels, split,
                            {"narrow": {"model": "gcn", "hidden_channels": 4}, "rwr": {}},
                            trainer=trainer)
    specs = compare_models(data, small_organism.labels, split,
                           {"narrow": ModelSpec("gcn", {"hidden_channels": 4}),
                            "rwr": ModelSpec("rwr")}, trainer=trainer)
    for a, b in zip(tables, specs):
        assert a.name == b.name and a.test == b.test
