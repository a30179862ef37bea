"""Neighbour sampling: real edges only, the fan-out respected, uniform draws, PyG's layout."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError
from graphgen.graph import sampling
from graphgen.graph.sampling import CSRGraph, NeighborSampler, check_fanout


def _graph(n=300, e=6000, seed=0, weight=True):
    g = torch.Generator().manual_seed(seed)
    # heavy-tailed in-degrees: some nodes far above the fan-out, some below, some isolated
    dst = (torch.rand(e, generator=g) ** 3 * (n - 20)).long()
    src = torch.randint(0, n, (e,), generator=g)
    data = Data(edge_index=torch.stack([src, dst]), num_nodes=n, x=torch.randn(n, 4, generator=g))
    if weight:
        data.edge_weight = torch.rand(e, generator=g)
    return data


@pytest.mark.parametrize("part", [7, 1 << 22])
def test_csr_lists_every_in_edge(part, monkeypatch):
    monkeypatch.setattr(sampling, "_PART", part)  # built in parts: same as one stable sort
    data = _graph()
    csr = CSRGraph.from_edge_index(data.edge_index, data.num_nodes)
    assert int(csr.ptr[-1]) == data.edge_index.shape[1]
    for v in (0, 5, 150, 299):
        cols = csr.col[csr.ptr[v]:csr.ptr[v + 1]].long()
        ids = csr.edge_id[csr.ptr[v]:csr.ptr[v + 1]].long()
        assert torch.equal(data.edge_index[1, ids], torch.full_like(ids, v))
        assert torch.equal(data.edge_index[0, ids], cols)
        assert len(ids) == int((data.edge_index[1] == v).sum())
    assert torch.equal(csr.edge_id.long(), torch.sort(data.edge_index[1], stable=True)[1])


@pytest.mark.parametrize("fanout", [[5], [4, 3], [10, -1], [-1]])
def test_sampled_edges_are_real_and_respect_fanout(fanout):
    data = _graph()
    sampler = NeighborSampler(data, fanout, seed=1, engine="torch")
    seeds = torch.tensor([0, 3, 7, 250, 299])
    batch = sampler.sample(seeds)
    n_id, local = batch.n_id, batch.edge_index
    assert batch.batch_size == 5 and torch.equal(n_id[:5], seeds)
    assert len(torch.unique(n_id)) == len(n_id)
    # every local edge is the graph's edge e_id, relabelled
    assert torch.equal(n_id[local[0]], data.edge_index[0, batch.e_id])
    assert torch.equal(n_id[local[1]], data.edge_index[1, batch.e_id])
    assert len(torch.unique(batch.e_id)) == len(batch.e_id)  # no edge drawn twice
    assert torch.equal(batch.x, data.x[n_id])
    assert torch.equal(batch.edge_weight, data.edge_weight[batch.e_id])
    # fan-out: hop h targets are the nodes reached at hop h - 1; at most k in-edges each
    indegree = torch.bincount(data.edge_index[1], minlength=data.num_nodes)
    counts = torch.bincount(local[1], minlength=len(n_id))
    frontier = torch.arange(5)
    for k in fanout:
        got = counts[frontier]
        want = indegree[n_id[frontier]] if k < 0 else indegree[n_id[frontier]].clamp(max=k)
        assert torch.equal(got, want)
        reached = torch.unique(local[0][torch.isin(local[1], frontier)])
        frontier = reached[reached >= frontier.max() + 1]


def test_draws_are_uniform_and_reproducible():
    n = 60
    # node 0 has 50 in-neighbours; draw 5 of them many times
    data = Data(edge_index=torch.stack([torch.arange(1, 51), torch.zeros(50, dtype=torch.long)]),
                num_nodes=n)
    sampler = NeighborSampler(data, [5], seed=0, engine="torch")
    counts = np.zeros(n)
    for _ in range(2000):
        batch = sampler.sample(torch.tensor([0]))
        counts[batch.n_id[1:].numpy()] += 1
    freq = counts[1:51] / 2000
    assert np.allclose(freq, 0.1, atol=0.03)  # each neighbour with probability 5/50
    again = NeighborSampler(data, [5], seed=0, engine="torch").sample(torch.tensor([0]))
    first = NeighborSampler(data, [5], seed=0, engine="torch").sample(torch.tensor([0]))
    assert torch.equal(again.n_id, first.n_id)


def test_small_degrees_use_exact_floyd():
    data = _graph(n=50, e=400)
    sampler = NeighborSampler(data, [3], seed=2, engine="torch")
    degree = torch.tensor([4, 5, 7, 11, 100])
    for _ in range(50):
        chosen = sampler._distinct_offsets(degree, 3)
        assert (chosen >= 0).all() and (chosen < degree.unsqueeze(1)).all()
        assert all(len(set(row.tolist())) == 3 for row in chosen)


def test_bad_inputs():
    data = _graph()
    with pytest.raises(ConfigError, match="fanout"):
        NeighborSampler(data, [])
    with pytest.raises(ConfigError, match="integer >= 1 or -1"):
        check_fanout([10, 0])
    with pytest.raises(ConfigError, match="engine"):
        NeighborSampler(data, [2], engine="dgl")
    sampler = NeighborSampler(data, [2], engine="torch")
    with pytest.raises(ConfigError, match="distinct"):
        sampler.sample(torch.tensor([1, 1]))
    with pytest.raises(ConfigError, match="seed nodes must be in"):
        sampler.sample(torch.tensor([300]))
    assert sampler.sample(torch.tensor([1, 2])).batch_size == 2  # state reset after errors


def test_pyg_lib_engine_when_installed():
    import torch_geometric.typing

    if not torch_geometric.typing.WITH_PYG_LIB:
        with pytest.raises(ConfigError, match="pyg-lib"):
            NeighborSampler(_graph(), [2], engine="pyg-lib")
        assert NeighborSampler(_graph(), [2]).engine == "torch"
        return
    data = _graph()  # pragma: no cover - only where pyg-lib is installed
    batch = NeighborSampler(data, [4, 3], engine="pyg-lib").sample(torch.tensor([0, 3]))
    assert torch.equal(batch.n_id[batch.edge_index[0]], data.edge_index[0, batch.e_id])


def test_edge_ids_kept_only_when_needed():
    data = _graph(weight=False)
    lean = NeighborSampler(data, [3, 3], seed=0, engine="torch")
    assert lean.csr.edge_id is None
    batch = lean.sample(torch.tensor([4, 9]))
    assert "e_id" not in batch and "edge_weight" not in batch
    full = NeighborSampler(data, [3, 3], seed=0, engine="torch", edge_ids=True).sample(
        torch.tensor([4, 9]))
    assert torch.equal(full.edge_index, batch.edge_index)  # the same draw
    assert torch.equal(full.n_id[full.edge_index[0]], data.edge_index[0, full.e_id])


def test_floyd_draws_every_k_subset_uniformly_in_every_row():
    """Floyd's algorithm always returns distinct offsets, whatever its draws, so only the
    frequencies show a skewed draw: rows of several degrees at once, each offset with
    probability k/d and each pair with 1/C(d, k)."""
    sampler = NeighborSampler(_graph(n=50, e=400), [2], seed=3, engine="torch")
    degree = torch.tensor([3, 5, 8] * 6000)
    chosen = sampler._floyd(degree, 2)
    assert chosen.shape == (18000, 2) and (chosen[:, 0] != chosen[:, 1]).all()
    for d in (3, 5, 8):
        rows = chosen[degree == d]
        assert (rows >= 0).all() and (rows < d).all()
        offsets = np.bincount(rows.reshape(-1).numpy(), minlength=d) / len(rows)
        np.testing.assert_allclose(offsets, 2 / d, atol=0.02)
        pairs = np.bincount((rows.min(1).values * d + rows.max(1).values).numpy(),
                            minlength=d * d)
        pairs = pairs[pairs > 0] / len(rows)
        assert len(pairs) == d * (d - 1) // 2
        np.testing.assert_allclose(pairs, 2 / (d * (d - 1)), atol=0.02)


def test_seeds_of_any_integer_type_and_isolated_seeds_are_counted():
    data = Data(edge_index=torch.tensor([[1, 2], [0, 0]]), num_nodes=6, x=torch.randn(6, 2))
    sampler = NeighborSampler(data, [2], seed=0, engine="torch")
    batch = sampler.sample(np.array([5, 0], dtype=np.int32))  # 5 has no neighbour at all
    assert batch.n_id.dtype == torch.int64 and batch.n_id[:2].tolist() == [5, 0]
    assert batch.num_nodes == len(batch.n_id) == 4 and batch.batch_size == 2
    assert torch.equal(batch.x, data.x[batch.n_id])
    bare = NeighborSampler(Data(edge_index=data.edge_index, num_nodes=6), [2], seed=0,
                           engine="torch")  # no x to count the nodes by
    lonely = bare.sample(torch.tensor([5]))
    assert lonely.num_nodes == 1 and lonely.edge_index.shape == (2, 0)
    with pytest.raises(ConfigError, match=r"^seed nodes must be in 0\.\.5$"):
        sampler.sample(torch.tensor([6]))
    with pytest.raises(ConfigError, match=r"^seed nodes must be in 0\.\.5$"):
        sampler.sample(torch.tensor([-1]))


def test_rejection_draws_are_uniform_for_one_and_for_several_neighbours():
    """Rows with many more neighbours than the fan-out draw by rejection (k = 1 never
    clashes); each offset must come with probability k / d."""
    sampler = NeighborSampler(_graph(n=50, e=400), [1], seed=4, engine="torch")
    for k, d in ((1, 40), (3, 40)):
        chosen = sampler._distinct_offsets(torch.full((12000,), d), k)
        assert chosen.shape == (12000, k) and (chosen >= 0).all() and (chosen < d).all()
        assert all(len(set(row)) == k for row in chosen[:500].tolist())
        freq = np.bincount(chosen.reshape(-1).numpy(), minlength=d) / 12000
        np.testing.assert_allclose(freq, k / d, atol=0.012)


def test_no_seed_an_emptied_frontier_and_a_refused_batch_leave_a_clean_state():
    data = Data(edge_index=torch.tensor([[1, 2, 3], [0, 0, 1]]), num_nodes=6)
    sampler = NeighborSampler(data, [2, 2], seed=0, engine="torch")
    none = sampler.sample(torch.tensor([], dtype=torch.int64))
    assert none.num_nodes == 0 and none.edge_index.shape == (2, 0)
    assert none.edge_index.dtype == torch.int64
    two_hops = sampler.sample(torch.tensor([5]))  # no neighbour: the second hop has no frontier
    assert two_hops.n_id.tolist() == [5] and two_hops.edge_index.shape == (2, 0)
    fresh = NeighborSampler(data, [2, 2], seed=0, engine="torch").sample(torch.tensor([0]))
    with pytest.raises(ConfigError, match=r"^seed nodes must be distinct$"):
        sampler.sample(torch.tensor([1, 1]))
    again = NeighborSampler(data, [2, 2], seed=0, engine="torch")
    with pytest.raises(ConfigError):
        again.sample(torch.tensor([1, 1]))  # node 1 is 0's neighbour: it must count as new
    after = again.sample(torch.tensor([0]))
    assert after.n_id.tolist() == fresh.n_id.tolist() == [0, 1, 2, 3]


def test_fanout_and_engine_messages_whole():
    import re

    def whole(message):
        return "^" + re.escape(message) + "$"

    for bad in ("22", b"2", [], 3):
        with pytest.raises(ConfigError, match=whole(
                f"fanout must be a non-empty list of neighbours per layer (e.g. [10, 10]; -1 = "
                f"all), got {bad!r}")):
            check_fanout(bad)
    for bad in ([2.0], [True], [2, 0], [-2]):
        with pytest.raises(ConfigError, match=whole(
                f"fanout: every entry must be an integer >= 1 or -1 (all neighbours), got "
                f"{bad!r}")):
            check_fanout(bad)
    assert check_fanout((3, -1)) == (3, -1)
    import torch_geometric.typing

    if not torch_geometric.typing.WITH_PYG_LIB:
        with pytest.raises(ConfigError, match=whole(
                "sampler engine 'pyg-lib' needs pyg-lib (pip install pyg-lib from "
                "https://data.pyg.org/whl/); engine='torch' needs nothing")):
            NeighborSampler(_graph(), [2], engine="pyg-lib")


def test_the_default_seed_is_zero():
    data = _graph()
    seeds = torch.tensor([3, 8, 15])
    a = NeighborSampler(data, [4, 3], engine="torch").sample(seeds)
    b = NeighborSampler(data, [4, 3], seed=0, engine="torch").sample(seeds)
    c = NeighborSampler(data, [4, 3], seed=1, engine="torch").sample(seeds)
    assert torch.equal(a.n_id, b.n_id) and torch.equal(a.edge_index, b.edge_index)
    assert not torch.equal(a.e_id, c.e_id)


@pytest.mark.parametrize("degree", [8, 9, 10])
def test_two_of_eight_to_ten_neighbours_are_two_distinct_edges(degree):
    # 4k = 8 in-neighbours is where rejection sampling takes over from Floyd's algorithm
    src = torch.arange(1, degree + 1)
    data = Data(edge_index=torch.stack([src, torch.zeros(degree, dtype=torch.long)]),
                num_nodes=degree + 1)
    sampler = NeighborSampler(data, [2], seed=0, engine="torch", edge_ids=True)
    for _ in range(200):
        batch = sampler.sample(torch.tensor([0]))
        assert batch.edge_index.shape[1] == 2 and len(set(batch.e_id.tolist())) == 2


@pytest.mark.filterwarnings("ignore:Using 'NeighborSampler' without")
def test_pyg_lib_is_detected_from_pyg_flag_and_configured_with_the_graph(monkeypatch):
    import torch_geometric.typing
    from torch_geometric.sampler import NeighborSampler as PygSampler

    monkeypatch.setattr(torch_geometric.typing, "WITH_PYG_LIB", True)
    assert sampling._has_pyg_lib() is True
    monkeypatch.setattr(torch_geometric.typing, "WITH_PYG_LIB", False)
    assert sampling._has_pyg_lib() is False
    monkeypatch.delattr(torch_geometric.typing, "WITH_PYG_LIB")
    assert sampling._has_pyg_lib() is False
    monkeypatch.setattr(torch_geometric.typing, "WITH_PYG_LIB", True, raising=False)
    data = _graph(weight=False)
    sampler = NeighborSampler(data, [4, 3])
    assert sampler.engine == "pyg-lib"
    assert sampler.csr.edge_id is not None  # pyg-lib returns edge ids
    pyg = sampler._pyg
    assert isinstance(pyg, PygSampler) and pyg.num_neighbors.values == [4, 3]
    assert pyg.num_nodes == data.num_nodes
    direct = PygSampler(Data(edge_index=data.edge_index, num_nodes=data.num_nodes), [4, 3])
    assert torch.equal(pyg.colptr, direct.colptr) and torch.equal(pyg.row, direct.row)
    # isolated nodes at the end count too (PyG would infer 2 nodes from the edges)
    tail = NeighborSampler(Data(edge_index=torch.tensor([[0], [1]]), num_nodes=6), [2])
    assert tail._pyg.num_nodes == 6 and len(tail._pyg.colptr) == 7


@pytest.mark.filterwarnings("ignore:Using 'NeighborSampler' without")
def test_a_pyg_lib_batch_is_read_from_pyg_output(monkeypatch):
    """pyg-lib cannot run here: a stand-in answers as PyG's sampler does, and the batch must
    be built from its node, row, col and edge fields."""
    import types

    import torch_geometric.typing

    monkeypatch.setattr(torch_geometric.typing, "WITH_PYG_LIB", True)
    data = _graph()
    sampler = NeighborSampler(data, [2])
    asked = []

    def sample_from_nodes(inputs):
        asked.append(inputs)
        return types.SimpleNamespace(node=torch.tensor([5, 7, 9]), row=torch.tensor([1, 2]),
                                     col=torch.tensor([0, 0]), edge=torch.tensor([11, 40]))

    monkeypatch.setattr(sampler._pyg, "sample_from_nodes", sample_from_nodes)
    batch = sampler.sample(torch.tensor([5]))
    assert asked[0].input_id is None and asked[0].node.tolist() == [5]
    assert batch.n_id.tolist() == [5, 7, 9] and batch.edge_index.tolist() == [[1, 2], [0, 0]]
    assert batch.e_id.tolist() == [11, 40] and batch.num_nodes == 3 and batch.batch_size == 1
    assert torch.equal(batch.x, data.x[[5, 7, 9]])
    assert torch.equal(batch.edge_weight, data.edge_weight[[11, 40]])
