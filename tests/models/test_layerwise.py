"""Layer-wise inference equals the full-graph forward."""

import pytest
import torch
from torch_geometric.data import Data

from graphgen.models import build_model
from graphgen.models.layerwise import layerwise_logits


def _graph(n=120, e=900, weighted=True, seed=0):
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(0, n, (e,), generator=g)
    dst = (torch.rand(e, generator=g) ** 2 * n).long()
    keep = src != dst
    data = Data(x=torch.randn(n, 6, generator=g), edge_index=torch.stack([src, dst])[:, keep],
                num_nodes=n)
    if weighted:
        data.edge_weight = torch.rand(int(keep.sum()), generator=g) + 0.1
    return data


@pytest.mark.parametrize("name", ["gcn", "sage", "gat", "mlp"])
@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("chunk", [7, 50, 1000])
def test_layerwise_equals_full_forward(name, weighted, chunk):
    torch.manual_seed(0)
    data = _graph(weighted=weighted)
    model = build_model(name, 6, 3, **({"num_layers": 3} if name in ("gcn", "sage") else {}))
    model.eval()
    with torch.no_grad():
        full = model(data.x, data.edge_index, getattr(data, "edge_weight", None))
    model.train()
    got = layerwise_logits(model, data, chunk_size=chunk)
    assert model.training  # the mode is restored
    torch.testing.assert_close(got, full, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", ["gcn", "sage"])
def test_layerwise_with_self_loops_equals_full_forward(name):
    torch.manual_seed(0)
    data = _graph()
    loops = torch.arange(0, 120, 7)
    data.edge_index = torch.cat([data.edge_index, torch.stack([loops, loops])], 1)
    data.edge_weight = torch.cat([data.edge_weight, torch.full((len(loops),), 2.0)])
    model = build_model(name, 6, 3)
    model.eval()
    with torch.no_grad():
        full = model(data.x, data.edge_index, data.edge_weight)
    torch.testing.assert_close(layerwise_logits(model, data, chunk_size=16), full,
                               atol=1e-5, rtol=1e-5)


def test_inference_is_a_method_of_the_conv_stack(monkeypatch):
    """GCN and GraphSAGE infer layer by layer through their own ``inference`` (as PyG's
    BasicGNN); other models have none and run one forward."""
    from graphgen.models import conv_stack

    calls = []
    real = conv_stack.layer_by_layer

    def spy(convs, data, **kwargs):
        calls.append((len(convs), kwargs["gcn"], kwargs["chunk_size"]))
        return real(convs, data, **kwargs)
    monkeypatch.setattr(conv_stack, "layer_by_layer", spy)
    data = _graph()
    for name in ("gcn", "sage", "gat"):
        model = build_model(name, 6, 3, **({"num_layers": 3} if name != "gat" else {}))
        assert hasattr(model, "inference") == (name != "gat")
        layerwise_logits(model, data, chunk_size=33)
    assert calls == [(3, True, 33), (3, False, 33)]
    model = build_model("gcn", 6, 3)
    direct = model.inference(data, chunk_size=10)
    torch.testing.assert_close(direct, layerwise_logits(model, data, chunk_size=10))
