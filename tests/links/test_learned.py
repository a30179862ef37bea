"""The learned link models: trained on the map they rank, on the CPU or a GPU.

``GRAPHGEN_TEST_DEVICE=cuda python -m pytest tests/links/test_learned.py`` trains the graph
autoencoder on the GPU and compares it with the CPU's.
"""

import os

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

import graphgen
from graphgen import ConfigError
from graphgen.estimators import LinkPredictor
from graphgen.evaluation.metrics import roc_auc
from graphgen.graph.nodes import neighbour_matrix
from graphgen.links.autoencoder import GraphAutoencoder

DEVICE = os.environ.get("GRAPHGEN_TEST_DEVICE", "cpu")


@pytest.fixture(scope="module")
def ppi():
    return graphgen.make_organism(n_genes=300, n_samples=5, seed=0).ppi


def _edges_and_non_edges(data, seed=0):
    adjacency = neighbour_matrix(data).tocoo()
    keep = adjacency.row < adjacency.col
    edges = np.stack([adjacency.row[keep], adjacency.col[keep]], axis=1)
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, data.num_nodes, size=(4 * len(edges), 2))
    dense = neighbour_matrix(data).toarray() > 0
    pairs = pairs[(pairs[:, 0] != pairs[:, 1]) & ~dense[pairs[:, 0], pairs[:, 1]]]
    return edges, pairs


@pytest.mark.parametrize("settings", [{}, {"variational": True, "decoder": "mlp"}])
def test_the_autoencoder_learns_its_map_on_the_test_device(ppi, settings):
    gae = GraphAutoencoder({"epochs": 100, **settings}, device=DEVICE).fit(ppi)
    assert gae.z.device.type == "cpu"  # trained on the device, scored on the CPU
    edges, non_edges = _edges_and_non_edges(ppi)
    scores = np.r_[gae.pair_scores(edges[:, 0], edges[:, 1]),
                   gae.pair_scores(non_edges[:, 0], non_edges[:, 1])]
    labels = np.r_[np.ones(len(edges)), np.zeros(len(non_edges))]
    assert float(roc_auc(labels, scores)) > 0.9  # the known pairs above the non-edges
    if DEVICE != "cpu":  # the GPU's model ranks pairs as the CPU's does
        cpu = GraphAutoencoder({"epochs": 100, **settings}, device="cpu").fit(ppi)
        rho = spearmanr(scores, np.r_[cpu.pair_scores(edges[:, 0], edges[:, 1]),
                                      cpu.pair_scores(non_edges[:, 0], non_edges[:, 1])])
        assert rho.statistic > 0.8


def test_link_predictor_trains_its_autoencoder_on_the_test_device(ppi):
    clf = LinkPredictor("gae", model_settings={"epochs": 20}, device=DEVICE).fit(ppi)
    assert len(clf.top_links(10)) == 10
    with pytest.raises(ConfigError, match="device must be one of"):
        LinkPredictor("l3", device="tpu").fit(ppi)
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="CUDA is not available"):
            LinkPredictor("gae", device="cuda").fit(ppi)


def test_rankers_are_predictors_of_the_one_fit_path(ppi, tmp_path):
    from graphgen.exceptions import DataFormatError
    from graphgen.links.feature_classifier import HeuristicClassifier
    from graphgen.links.ranker import MapTask
    from graphgen.models.base import Predictor
    from graphgen.train.fitting import Engine, fit_model
    from graphgen.train.trainer import TrainerConfig

    ranker = GraphAutoencoder({"epochs": 3}, seed=5)
    assert isinstance(ranker, Predictor) and isinstance(HeuristicClassifier(), Predictor)
    # the engine's seed and device are the ones used: seed 1 through fit_model is seed 1
    fitted = fit_model(ranker, ppi, MapTask(ppi), trainer=TrainerConfig(seed=1, device="cpu",
                                                                        progress=False))
    direct = GraphAutoencoder({"epochs": 3}, seed=1, device="cpu").fit(ppi)
    assert fitted.predictor is ranker and ranker.seed == 1 and ranker.device == "cpu"
    pairs = np.array([[0, 1], [4, 9], [2, 2]])
    np.testing.assert_allclose(fitted.scores(pairs), direct.pair_scores(pairs[:, 0],
                                                                        pairs[:, 1]))
    other = graphgen.make_organism(n_genes=60, n_samples=5, seed=1).ppi
    with pytest.raises(DataFormatError, match="the task's map is not the graph given"):
        GraphAutoencoder({"epochs": 1}).fit(ppi, MapTask(other), Engine(TrainerConfig()))
    clf = LinkPredictor("gae", model_settings={"epochs": 2}, device="cpu").fit(ppi)
    loaded = LinkPredictor.load(clf.save(tmp_path / "gae.pt"))
    assert loaded.fitted_.predictor is loaded.ranker_ and loaded.fit_result_ is None
    np.testing.assert_allclose(loaded.fitted_.scores(pairs), clf.fitted_.scores(pairs))
