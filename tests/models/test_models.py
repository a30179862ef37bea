import pytest
import torch

from graphgen import ConfigError, build_model
from graphgen.models import GAT, GCN, GRAPH_ONLY, MLP, MODELS, GraphSAGE
from graphgen.models.registry import POST_PROCESSING

EDGES = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])


@pytest.mark.parametrize("name", sorted(set(MODELS) - GRAPH_ONLY - POST_PROCESSING))
def test_output_shape_and_gradients(name):
    torch.manual_seed(0)
    model = build_model(name, 5, 3, **({} if name in ("logreg", "sgc") else {"hidden_channels": 8}))
    x = torch.randn(4, 5, requires_grad=True)
    out = model(x, EDGES, torch.ones(EDGES.shape[1]))
    assert out.shape == (4, 3)
    out.sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


def test_gcn_uses_edge_weights_and_mlp_ignores_the_graph():
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    gcn = GCN(5, 2, hidden_channels=8).eval()
    heavy, light = torch.ones(6), torch.full((6,), 0.01)
    assert not torch.allclose(gcn(x, EDGES, heavy), gcn(x, EDGES, light))
    mlp = MLP(5, 2, hidden_channels=8).eval()
    assert torch.equal(mlp(x, EDGES), mlp(x, torch.empty(2, 0, dtype=torch.long)))


def test_gnn_mixes_neighbours_mlp_does_not():
    torch.manual_seed(0)
    x = torch.randn(4, 5)
    x2 = x.clone()
    x2[3] += 10.0  # change node 3 only; node 2 is its neighbour, node 0 is 3 hops away
    for model in (GCN(5, 2, num_layers=1).eval(), GAT(5, 2, num_layers=1).eval(),
                  GraphSAGE(5, 2, num_layers=1).eval()):
        a, b = model(x, EDGES), model(x2, EDGES)
        assert not torch.allclose(a[2], b[2])
        assert torch.allclose(a[0], b[0])
    mlp = MLP(5, 2).eval()
    assert torch.allclose(mlp(x)[2], mlp(x2)[2])


def test_num_layers_builds_that_many_layers():
    assert len(GCN(3, 2, num_layers=3).convs) == 3
    assert len(GAT(3, 2, num_layers=1).convs) == 1
    assert len(MLP(3, 2, num_layers=4).linears) == 4


@pytest.mark.parametrize("name, kwargs, word", [
    ("gnn", {}, "unknown model 'gnn'"),
    ("gcn", {"heads": 2}, "does not take 'heads'"),
    ("gat", {"hidden_channels": 0}, "hidden_channels must be a positive integer"),
    ("mlp", {"dropout": 1.5}, "dropout must be in"),
    ("logreg", {"hidden_channels": 8}, "does not take 'hidden_channels'"),
    ("label_propagation", {"alpha": 1.0}, "alpha must be in"),
])
def test_bad_model_config(name, kwargs, word):
    with pytest.raises(ConfigError, match=word):
        build_model(name, 3, 2, **kwargs)


def test_names_are_case_insensitive():
    assert isinstance(build_model("GAT", 3, 2), GAT)


@pytest.mark.parametrize("name", ["appnp", "gcnii", "sgc"])
def test_pyg_cached_layers_follow_a_new_graph(name):
    """PyG's ``cached=True`` would reuse the first graph's normalisation (and SGC its smoothed
    features) on any later graph; graphgen's models rebuild when the graph or x changes."""
    torch.manual_seed(0)
    model = build_model(name, 4, 2).eval()
    fresh = build_model(name, 4, 2).eval()
    fresh.load_state_dict(model.state_dict())
    x = torch.randn(5, 4)
    first, second = torch.tensor([[0, 1, 2], [1, 2, 3]]), torch.tensor([[3, 4], [4, 0]])
    model(x, first)
    assert torch.allclose(model(x, second), fresh(x, second), atol=1e-6)
    assert torch.allclose(model(2 * x, second), fresh(2 * x, second), atol=1e-6)
    assert torch.allclose(model(x, first), fresh(x, first), atol=1e-6)
