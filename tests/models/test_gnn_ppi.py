"""GNN-PPI's model: the graph matters only with the GIN, isolation cuts edges in training
only, bad settings are refused, and it learns pair types from sequences through the trainer."""

import numpy as np
import pandas as pd
import pytest
import torch

from graphgen import ConfigError, DataFormatError
from graphgen.models.pair_classifier import GNNPPI
from graphgen.sequences.encoders import CNNBiGRUEncoder
from graphgen.sequences.tokens import encode

RNG = np.random.default_rng(0)
LETTERS = list("ACDEFGHIKLMNPQRSTVWYX")
SEQUENCES = encode(["".join(RNG.choice(LETTERS, n)) for n in RNG.integers(20, 60, 12)],
                   alphabet="protein")
EDGES = torch.tensor([[0, 1, 1, 2, 3, 4, 5, 6], [1, 0, 2, 1, 4, 3, 6, 5]])
PAIRS = torch.tensor([[0, 1], [2, 3], [7, 8]])


def _model(**options) -> GNNPPI:
    torch.manual_seed(0)
    return GNNPPI(3, sequence_encoder=CNNBiGRUEncoder(max_length=64, out_channels=16),
                  hidden_channels=16, **options)


def _logits(model, edges):
    return model(torch.zeros(12, 0), edges, pairs=PAIRS, sequences=SEQUENCES)


def test_only_the_gin_reads_the_graph():
    with torch.no_grad():
        fused, alone = _model().eval(), _model(conv=None).eval()
        assert not torch.allclose(_logits(fused, EDGES), _logits(fused, EDGES[:, :2]))
        assert torch.equal(_logits(alone, EDGES), _logits(alone, EDGES[:, :2]))
        assert torch.equal(_logits(alone, EDGES), _logits(alone, None))


def test_isolation_cuts_edges_while_training_only():
    plain, cut = _model(dropout=0.0), _model(isolate=0.99, dropout=0.0)
    cut.load_state_dict(plain.state_dict())
    with torch.no_grad():
        plain.eval(), cut.eval()
        assert torch.equal(_logits(plain, EDGES), _logits(cut, EDGES))
        plain.train(), cut.train()
        torch.manual_seed(3)  # with 99 % of the proteins cut, no edge survives this draw
        cut_logits = _logits(cut, EDGES)
        empty = torch.empty(2, 0, dtype=torch.long)
        assert torch.allclose(cut_logits, _logits(plain, empty), atol=1e-6)
        assert not torch.allclose(cut_logits, _logits(plain, EDGES), atol=1e-4)


def test_fallback_scores_pairs_with_an_isolated_protein_by_the_sequence_branch():
    model = _model(isolate=0.2, fallback=True).eval()
    # proteins 0-6 have neighbours in EDGES; 7-11 have none: pair (7, 8) falls back
    with torch.no_grad():
        logits = _logits(model, EDGES)
        plain = _model(isolate=0.2)
        plain.load_state_dict({k: v for k, v in model.state_dict().items()
                               if not k.startswith("sequence_branch")})
        gin = _logits(plain.eval(), EDGES)
        encoded = model.sequence_encoder.embed(SEQUENCES)
        alone = model._pair_logits(encoded, PAIRS, *model.sequence_branch)
    assert torch.allclose(logits[:2], gin[:2], atol=1e-6)  # both proteins have neighbours
    assert torch.allclose(logits[2], alone[2], atol=1e-6)
    assert not torch.allclose(logits[2], gin[2], atol=1e-4)


@pytest.mark.parametrize("options, message", [
    ({"conv": "sage"}, "conv must be 'gin' or None"),
    ({"isolate": 1.0}, r"isolate must be in \[0, 1\)"),
    ({"fallback": True}, "fallback needs the GIN"),
    ({"fallback": True, "isolate": 0.2, "conv": None}, "fallback needs the GIN"),
])
def test_bad_settings_are_refused(options, message):
    with pytest.raises(ConfigError, match=message):
        _model(**options)


def test_missing_inputs_are_named():
    with pytest.raises(DataFormatError, match="data.sequences is missing"):
        _model()(torch.zeros(12, 0), EDGES, pairs=PAIRS, sequences=None)
    with pytest.raises(DataFormatError, match="needs the training pairs' edge_index"):
        _model()(torch.zeros(12, 0), None, pairs=PAIRS, sequences=SEQUENCES)
    with pytest.raises(DataFormatError, match=r"pairs must be \[P, 2\] positions of the 12 "
                                              r"proteins \(0..11\), got shape \(1, 2\), "
                                              r"values 3..12"):
        _model()(torch.zeros(12, 0), EDGES, pairs=torch.tensor([[3, 12]]),
                 sequences=SEQUENCES)
    with pytest.raises(DataFormatError, match=r"got shape \(3,\)"):
        _model()(torch.zeros(12, 0), EDGES, pairs=torch.tensor([0, 1, 2]),
                 sequences=SEQUENCES)


def test_learns_pair_types_from_sequences_through_the_trainer():
    """Type 0: both proteins are tryptophan-rich; type 1: either is. Random split of 240 pairs
    over 60 proteins; the trained model beats the best constant prediction clearly."""
    from torch_geometric.data import Data

    from graphgen.split import Split
    from graphgen.train import Trainer, TrainerConfig
    from graphgen.train.tasks import PairMultiLabelTask

    rng = np.random.default_rng(1)
    rich = rng.random(60) < 0.4
    texts = ["".join(rng.choice(LETTERS, 40, p=_letter_p(r))) for r in rich]
    pairs = np.array([sorted(rng.choice(60, 2, replace=False)) for _ in range(240)])
    y = pd.DataFrame({"both": rich[pairs[:, 0]] & rich[pairs[:, 1]],
                      "either": rich[pairs[:, 0]] | rich[pairs[:, 1]]}).astype(float)
    order = rng.permutation(240)
    split = Split(train=pd.Index(order[:160]), val=pd.Index(order[160:200]),
                  test=pd.Index(order[200:]), name="random")
    task = PairMultiLabelTask.from_pairs(pairs, y, split, balance=False)
    train = pairs[order[:160]]
    edges = torch.as_tensor(np.concatenate([train, train[:, ::-1]]).T.copy())
    data = Data(x=torch.ones(60, 1), edge_index=edges, num_nodes=60,
                sequences=encode(texts, alphabet="protein"))
    torch.manual_seed(0)
    model = GNNPPI(2, sequence_encoder=CNNBiGRUEncoder(max_length=48, out_channels=32,
                                                       filters=4, hidden=4),
                   hidden_channels=32, dropout=0.0)
    Trainer(TrainerConfig(max_epochs=150, patience=150, lr=3e-3, weight_decay=0.0,
                          monitor="micro_f1", progress=False)).fit(model, data, task)
    test = task.evaluate(Trainer.predict(model, data, task)[task.test_index], task.test_index)
    truth = y.to_numpy()[order[200:]]
    constant = max(_micro_f1(truth, np.ones_like(truth)), 0.0)
    assert test["micro_f1"] > constant + 0.15


def _letter_p(rich: bool) -> np.ndarray:
    p = np.full(len(LETTERS), 1.0)
    p[LETTERS.index("W")] = 25.0 if rich else 0.2
    return p / p.sum()


def _micro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float((truth * predicted).sum())
    return 2 * tp / (truth.sum() + predicted.sum())
