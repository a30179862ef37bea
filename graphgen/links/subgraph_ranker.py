r"""A subgraph model in the spirit of SEAL (Zhang & Chen, NeurIPS 2018) that re-ranks the top
of a heuristic's list.

**The model.** For a pair ``(a, b)`` the *enclosing subgraph* holds ``a``, ``b`` and the genes
up to ``hops`` steps from either (at most ``max_neighbours`` neighbours of a gene per step,
drawn seeded, as SEAL's ``max_nodes_per_hop``), without the edge ``a-b`` itself. Each node is
labelled by *double-radius node labelling* (DRNL): with ``d_a`` its distance to ``a`` when
``b`` is removed and ``d_b`` its distance to ``b`` when ``a`` is removed, ``d = d_a + d_b``,

.. math:: z = 1 + \min(d_a, d_b) + \lfloor d/2 \rfloor (\lfloor d/2 \rfloor + d \bmod 2 - 1),

``z = 1`` for the two ends and ``0`` for a node that cannot reach one of them. Graph
convolutions (GCN) read the one-hot labels and, with ``degree=True``, the logarithm of each
node's degree in the map. Two readouts: ``"ends"`` (the default), SEAL-OGB's centre pooling, a
perceptron over the product of the two ends' embeddings; ``"sort"``, SEAL's DGCNN as in PyG's
SEAL example (``examples/seal_link_pred.py``): the layers' ``tanh`` outputs concatenated,
sort pooling of the ``k`` highest nodes (``k``: the 60th percentile of the training subgraphs'
sizes, at least 10), two 1-D convolutions and a perceptron. ``base_score=True`` also gives the
readout the pair's base score. With ``hops=1`` the subgraph holds every path of length two and
three between the ends, the paths that common neighbours and L3 count. Training: Adam, binary
cross-entropy with the positives weighted up to the negatives, batches of 32, 50 epochs.

The defaults are the best of the settings measured on a validation half of HI-II-14 (seed
100, not among the reported seeds; ``benchmarks/link_subgraph_settings.py``): the centre
readout at learning rate 1e-3 re-ranked L3's top 1,000 to precision@500 0.470 in 45 s, DGCNN
0.384 (0.394 at PyG's 1e-4) in 100 s; without the degrees 0.454, with the pair's L3 score
0.464, with four hidings of 25 % 0.468. L3 itself reached 0.494 there (and 0.468 against
the re-ranker's 0.451 on the ten reported halves), so the re-ranker is not among
``LinkPredictor()``'s automatic candidates (README, "Link prediction").

**Why a re-ranker.** A subgraph per pair cannot score the ~8 million candidate pairs of a map
of 4,000 genes on a laptop. Here the base heuristic (default Kovács' L3) ranks every
candidate and the model orders its best ``rerank`` (default 1,000): those pairs score the
model's probability, and every other candidate keeps the base's order beneath them (its
score is ``p_min * s / (1 + s)`` for a base score ``s`` and the lowest re-ranked probability
``p_min``), so the ranking still covers all candidates. The model learns on ``hidings``
random hidings of ``share`` of the map's pairs: on each, the base's top ``rerank`` candidates
of the hidden map, labelled by whether they are hidden pairs, which is the list it will
re-order (a real pair against a false one near the top, not against a random non-edge).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from scipy.sparse.csgraph import shortest_path
from torch import nn
from torch_geometric.data import Batch, Data
from torch_geometric.nn import GCNConv
from torch_geometric.nn.aggr import SortAggregation

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.nodes import neighbour_matrix
from graphgen.links.heuristics import (
    SPARSE_HEURISTICS,
    candidate_blocks,
    check_exponents,
    pair_scores,
)
from graphgen.links.ranker import LinkRanker
from graphgen.links.ranking import best_of_blocks
from graphgen.links.splits import edge_split
from graphgen.scalars import check_count
from graphgen.train.device import resolve_device
from graphgen.train.seeding import seed_everything

__all__ = ["SUBGRAPH_DEFAULTS", "SubgraphRanker", "drnl_labels", "enclosing_subgraph"]

#: The settings of :class:`SubgraphRanker` and their defaults.
SUBGRAPH_DEFAULTS: dict[str, Any] = {
    "base": "l3", "l3_exponent": 0.5, "endpoint_exponent": 0.0, "rerank": 1000, "hops": 1,
    "max_neighbours": 100, "degree": True, "hidings": 3, "share": 0.1, "hidden": 32,
    "layers": 3, "readout": "ends", "base_score": False, "epochs": 50, "lr": 1e-3,
    "batch_size": 32}


def check_settings(settings: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The settings of ``settings`` over :data:`SUBGRAPH_DEFAULTS`, checked.

    Raises:
        ConfigError: an unknown setting or base heuristic, a count, share, exponent or
            learning rate out of range (named with ``what``).
    """
    unknown = sorted(set(settings) - set(SUBGRAPH_DEFAULTS))
    if unknown:
        raise ConfigError(f"{what}: unknown subgraph settings {unknown}; known: "
                          f"{sorted(SUBGRAPH_DEFAULTS)}")
    out = {**SUBGRAPH_DEFAULTS, **settings}
    if out["base"] not in SPARSE_HEURISTICS:
        raise ConfigError(f"{what}: base must be one of {list(SPARSE_HEURISTICS)}, got "
                          f"{out['base']!r}")
    check_exponents(out["l3_exponent"], out["endpoint_exponent"], what)
    for name in ("rerank", "hops", "max_neighbours", "hidings", "hidden", "layers", "epochs",
                 "batch_size"):
        check_count(out[name], name, what, minimum=1)
    for name, low, high in (("share", 0, 1), ("lr", 0, 10)):
        value = out[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not low < value < high:
            raise ConfigError(f"{what}: {name} must be in ({low}, {high}), got {value!r}")
    if out["readout"] not in ("sort", "ends"):
        raise ConfigError(f"{what}: readout must be 'sort' or 'ends', got {out['readout']!r}")
    for name in ("degree", "base_score"):
        if not isinstance(out[name], (bool, np.bool_)):
            raise ConfigError(f"{what}: {name} must be True or False, got {out[name]!r}")
    return out


def enclosing_subgraph(adjacency: sp.csr_matrix, a: int, b: int, *, hops: int = 1,
                       max_neighbours: int | None = None,
                       rng: np.random.Generator | None = None
                       ) -> tuple[np.ndarray, sp.csr_matrix]:
    """The genes within ``hops`` steps of ``a`` or ``b`` and the map among them, without the
    edge ``a-b``.

    Args:
        adjacency: the map's symmetric 0/1 adjacency.
        a, b: the pair's node positions.
        hops: steps from either end.
        max_neighbours: at most this many neighbours of a gene per step, drawn with ``rng``
            (default: all).
        rng: the draw's generator (default: seeded with 0).

    Returns:
        ``(nodes, sub)``: node positions, ``a`` and ``b`` first, and their adjacency.
    """
    rng = rng or np.random.default_rng(0)
    nodes, seen, frontier = [a, b], {a, b}, [a, b]
    for _ in range(hops):
        reached = []
        for u in frontier:
            neighbours = adjacency.indices[adjacency.indptr[u]:adjacency.indptr[u + 1]]
            if max_neighbours is not None and len(neighbours) > max_neighbours:
                neighbours = rng.choice(neighbours, max_neighbours, replace=False)
            for v in neighbours.tolist():
                if v not in seen:
                    seen.add(v)
                    reached.append(v)
        nodes.extend(reached)
        frontier = reached
    nodes = np.asarray(nodes, dtype=np.int64)
    sub = adjacency[nodes][:, nodes].tocoo()
    keep = ~(((sub.row == 0) & (sub.col == 1)) | ((sub.row == 1) & (sub.col == 0)))
    return nodes, sp.csr_matrix((sub.data[keep], (sub.row[keep], sub.col[keep])),
                                shape=sub.shape)


def drnl_labels(sub: sp.csr_matrix) -> np.ndarray:
    """Double-radius node labels of an enclosing subgraph whose ends are nodes 0 and 1 (see
    the module docstring): 1 for the ends, 0 for nodes that cannot reach one of them."""
    n = sub.shape[0]
    distances = []
    for end, other in ((0, 1), (1, 0)):
        keep = np.ones(n)
        keep[other] = 0
        mask = sp.diags(keep)
        distances.append(shortest_path(mask @ sub @ mask, directed=False, unweighted=True,
                                       indices=end))
    d_a, d_b = distances
    reachable = np.isfinite(d_a) & np.isfinite(d_b)
    z = np.zeros(n, dtype=np.int64)
    da, db = d_a[reachable].astype(np.int64), d_b[reachable].astype(np.int64)
    d = da + db
    z[reachable] = 1 + np.minimum(da, db) + (d // 2) * (d // 2 + d % 2 - 1)
    z[[0, 1]] = 1
    return z


class _DGCNN(nn.Module):
    """SEAL's DGCNN: graph convolutions, sort pooling, 1-D convolutions, a perceptron."""

    def __init__(self, inputs: int, hidden: int, layers: int, k: int, extra: int) -> None:
        super().__init__()
        sizes = [inputs] + [hidden] * layers + [1]
        self.convs = nn.ModuleList(GCNConv(i, o) for i, o in zip(sizes[:-1], sizes[1:]))
        self.pool = SortAggregation(k)
        latent = hidden * layers + 1
        self.conv1 = nn.Conv1d(1, 16, latent, latent)
        self.conv2 = nn.Conv1d(16, 32, 5, 1)
        dense = ((k - 2) // 2 + 1 - 5 + 1) * 32
        self.mlp = nn.Sequential(nn.Linear(dense + extra, 128), nn.ReLU(), nn.Dropout(0.5),
                                 nn.Linear(128, 1))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor,
                pair: torch.Tensor | None = None) -> torch.Tensor:
        outputs = [x]
        for conv in self.convs:
            outputs.append(torch.tanh(conv(outputs[-1], edge_index)))
        h = self.pool(torch.cat(outputs[1:], dim=-1), batch).unsqueeze(1)
        h = torch.max_pool1d(torch.relu(self.conv1(h)), 2, 2)
        h = torch.relu(self.conv2(h)).flatten(1)
        return self.mlp(h if pair is None else torch.cat([h, pair], dim=1)).squeeze(-1)


class _EndsGCN(nn.Module):
    """SEAL-OGB's GCN with centre pooling: graph convolutions, then a perceptron over the
    product of the two ends' embeddings."""

    def __init__(self, inputs: int, hidden: int, layers: int, extra: int) -> None:
        super().__init__()
        sizes = [inputs] + [hidden] * layers
        self.convs = nn.ModuleList(GCNConv(i, o) for i, o in zip(sizes[:-1], sizes[1:]))
        self.mlp = nn.Sequential(nn.Linear(hidden + extra, hidden), nn.ReLU(), nn.Dropout(0.5),
                                 nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor,
                pair: torch.Tensor | None = None) -> torch.Tensor:
        for i, conv in enumerate(self.convs):
            x = conv(x, edge_index)
            if i < len(self.convs) - 1:
                x = torch.relu(x)
        starts = torch.searchsorted(batch, torch.arange(int(batch.max()) + 1,
                                                        device=batch.device))  # ends: 0, 1
        h = x[starts] * x[starts + 1]
        return self.mlp(h if pair is None else torch.cat([h, pair], dim=1)).squeeze(-1)


class SubgraphRanker(LinkRanker):
    """A SEAL-like DGCNN over enclosing subgraphs that re-orders the top ``rerank`` pairs of
    a base heuristic (see the module docstring).

    Args:
        settings: any of :data:`SUBGRAPH_DEFAULTS`: ``base`` (a sparse heuristic, ``"l3"``),
            ``l3_exponent``/``endpoint_exponent`` (the base's exponents, 0.5/0), ``rerank``
            (1000), ``hops`` (1), ``max_neighbours`` (100), ``degree`` (``True``: the log
            degree beside the labels), ``hidings`` (3), ``share`` (0.1), ``hidden`` (32),
            ``layers`` (3), ``readout`` (``"ends"`` or ``"sort"``), ``base_score``
            (``False``), ``epochs`` (50), ``lr`` (1e-3), ``batch_size`` (32).
        seed: seeds the hidings, the neighbour draws and the weights.
        device: where training runs (``"auto"``: a GPU when CUDA is available); scoring
            runs on the CPU.

    Attributes:
        top_: ``(rows, cols, probabilities)`` of the fitted map's re-ranked pairs;
        training_pairs_: ``(hidden, all)`` pairs of the hidings' lists it learned from;
        labels_: how many DRNL labels the one-hot input holds; k_: the sort pooling's
        nodes (``readout="sort"``).

    Example:
        >>> import graphgen
        >>> org = graphgen.make_organism(n_genes=150, n_samples=5, seed=0)
        >>> ranker = SubgraphRanker({"epochs": 2, "rerank": 50, "hidings": 1}).fit(org.ppi)
        >>> ranker.pair_scores(np.array([0, 1]), np.array([2, 3])).shape
        (2,)
    """

    def __init__(self, settings: Mapping[str, Any] | None = None, *, seed: int = 0,
                 device: str = "auto") -> None:
        self.settings = check_settings(settings or {}, "SubgraphRanker")
        self.seed = seed
        self.device = device

    # -- subgraphs ---------------------------------------------------------------------------

    def _base_blocks(self, data: Data):
        """The base heuristic's scores of every candidate of ``data``, block by block."""
        s = self.settings
        return candidate_blocks(data, s["base"], l3_exponent=s["l3_exponent"],
                                endpoint_exponent=s["endpoint_exponent"])

    def _base_top(self, data: Data) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return best_of_blocks(self._base_blocks(data), self.settings["rerank"])

    def _graphs(self, adjacency: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray,
                base: np.ndarray, rng: np.random.Generator) -> list[Data]:
        """One subgraph per pair: its DRNL labels, its nodes' log degrees and the pair's
        log base score."""
        degree = np.log1p(np.asarray(adjacency.sum(axis=1)).ravel())
        out = []
        for a, b, score in zip(rows.tolist(), cols.tolist(), np.log1p(base).tolist()):
            nodes, sub = enclosing_subgraph(adjacency, a, b, hops=self.settings["hops"],
                                            max_neighbours=self.settings["max_neighbours"],
                                            rng=rng)
            coo = sub.tocoo()
            out.append(Data(z=torch.as_tensor(drnl_labels(sub)),
                            degree=torch.as_tensor(degree[nodes], dtype=torch.float32),
                            edge_index=torch.as_tensor(np.vstack([coo.row, coo.col]),
                                                       dtype=torch.long),
                            score=torch.tensor([[score]], dtype=torch.float32),
                            num_nodes=len(nodes)))
        return out

    def _network(self, inputs: int) -> nn.Module:
        s = self.settings
        if s["readout"] == "sort":
            return _DGCNN(inputs, s["hidden"], s["layers"], self.k_, int(s["base_score"]))
        return _EndsGCN(inputs, s["hidden"], s["layers"], int(s["base_score"]))

    def _forward(self, batch: Batch) -> torch.Tensor:
        """The logits of a batch of subgraphs."""
        z = batch.z.clamp(max=self.labels_ - 1)
        x = torch.nn.functional.one_hot(z, self.labels_).float()
        if self.settings["degree"]:
            x = torch.cat([x, batch.degree[:, None]], dim=1)
        pair = batch.score if self.settings["base_score"] else None
        return self.model(x, batch.edge_index, batch.batch, pair)

    def _logits(self, graphs: list[Data], device: torch.device) -> np.ndarray:
        self.model.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(graphs), 256):
                batch = Batch.from_data_list(graphs[start:start + 256]).to(device)
                out.append(self._forward(batch).double().cpu().numpy())
        return np.concatenate(out) if out else np.zeros(0)

    # -- fitting -----------------------------------------------------------------------------

    def _fit(self, data: Data) -> SubgraphRanker:
        """Learn to re-order the base's top candidates on hidings of ``data``, then re-order
        ``data``'s own.

        Raises:
            DataFormatError: the base's top lists hold no hidden pair, or only hidden pairs.
        """
        s = self.settings
        device = resolve_device(self.device)
        seed_everything(self.seed)
        rng = np.random.default_rng(self.seed)
        graphs, labels = [], []
        for i in range(s["hidings"]):
            hiding = edge_split(data, val_size=0.0, test_size=s["share"], negatives=0.0,
                                seed=self.seed + i)
            n = data.num_nodes
            hidden = np.sort(hiding.test, axis=1)
            rows, cols, base = self._base_top(hiding.train_graph)
            labels.append(np.isin(rows * n + cols,
                                  hidden[:, 0].astype(np.int64) * n + hidden[:, 1]))
            graphs += self._graphs(neighbour_matrix(hiding.train_graph), rows, cols, base,
                                   rng)
        y = np.concatenate(labels)
        self.training_pairs_ = (int(y.sum()), len(y))
        if len(y) == 0 or y.all() or not y.any():
            raise DataFormatError(f"SubgraphRanker: the base's top {s['rerank']} candidates of "
                                  f"the hidings hold {int(y.sum())} hidden pairs of {len(y)}; "
                                  "nothing to learn from")
        self.labels_ = int(max(int(g.z.max()) for g in graphs)) + 1
        sizes = sorted(g.num_nodes for g in graphs)
        self.k_ = max(10, sizes[math.ceil(0.6 * len(sizes)) - 1])
        inputs = self.labels_ + int(s["degree"])
        self.model = self._network(inputs).to(device)
        optimiser = torch.optim.Adam(self.model.parameters(), lr=s["lr"])
        target = torch.as_tensor(y, dtype=torch.float32)
        weight = torch.tensor(float((~y).sum() / y.sum()), device=device)
        for _ in range(s["epochs"]):
            self.model.train()
            for chunk in torch.randperm(len(graphs)).split(s["batch_size"]):
                batch = Batch.from_data_list([graphs[j] for j in chunk.tolist()]).to(device)
                optimiser.zero_grad()
                loss = nn.functional.binary_cross_entropy_with_logits(
                    self._forward(batch),
                    target[chunk].to(device), pos_weight=weight)
                loss.backward()
                optimiser.step()
        self.model.cpu()
        self.adjacency = neighbour_matrix(data)
        self.data = data
        self._rank_top()
        return self

    def _rank_top(self) -> None:
        """The fitted map's re-ranked top: its pairs and the model's probabilities."""
        rows, cols, base = self._base_top(self.data)
        rng = np.random.default_rng(self.seed + 1)
        graphs = self._graphs(self.adjacency, rows, cols, base, rng)
        logits = self._logits(graphs, torch.device("cpu"))
        self.top_ = (rows, cols, 1.0 / (1.0 + np.exp(-logits)))

    # -- scoring -----------------------------------------------------------------------------

    def _floor(self) -> float:
        probability = self.top_[2]
        return float(probability.min()) if len(probability) else 1.0

    def pair_scores(self, a_pos: np.ndarray, b_pos: np.ndarray) -> np.ndarray:
        """Each pair's score in the ranking: the model's probability for a re-ranked pair,
        ``p_min * s / (1 + s)`` for the others (``s`` the base score)."""
        a_pos, b_pos = np.asarray(a_pos, dtype=np.int64), np.asarray(b_pos, dtype=np.int64)
        n = self.adjacency.shape[0]
        lo, hi = np.minimum(a_pos, b_pos), np.maximum(a_pos, b_pos)
        rows, cols, probability = self.top_
        base = self._base_scores(lo, hi)
        below = self._floor() * base / (1.0 + base)
        if not len(rows):
            return below
        order = np.argsort(rows * n + cols)
        keys, values = (rows * n + cols)[order], probability[order]
        found = np.searchsorted(keys, lo * n + hi).clip(max=len(keys) - 1)
        return np.where(keys[found] == lo * n + hi, values[found], below)

    def _base_scores(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        s = self.settings
        genes = [str(g) for g in self.data.node_ids]
        table = pair_scores(self.data, [(genes[a], genes[b]) for a, b in zip(lo, hi)],
                            methods=[s["base"]], l3_exponent=s["l3_exponent"],
                            endpoint_exponent=s["endpoint_exponent"])
        return table[s["base"]].to_numpy()

    def candidate_blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The score of every candidate the base scores above zero, block by block: the
        re-ranked top first in the order, the rest in the base's order beneath it."""
        n = self.adjacency.shape[0]
        rows, cols, probability = self.top_
        top = rows * n + cols
        floor = self._floor()
        for r, c, v in self._base_blocks(self.data):
            rest = ~np.isin(r * n + c, top)
            yield r[rest], c[rest], floor * v[rest] / (1.0 + v[rest])
        yield rows, cols, probability

    # -- persistence -------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Plain values and tensors for a file (``torch.load(weights_only=True)``)."""
        rows, cols, probability = self.top_
        return {"settings": dict(self.settings), "seed": int(self.seed),
                "labels": int(self.labels_), "k": int(self.k_),
                "weights": {k: v.cpu() for k, v in self.model.state_dict().items()},
                "top": [torch.as_tensor(rows), torch.as_tensor(cols),
                        torch.as_tensor(probability)]}

    @classmethod
    def from_state(cls, state: Mapping[str, Any], data: Data) -> SubgraphRanker:
        """The ranker :meth:`state` wrote, over its map ``data``."""
        out = cls(dict(state["settings"]), seed=int(state["seed"]))
        out.labels_, out.k_ = int(state["labels"]), int(state["k"])
        s = out.settings
        out.model = out._network(out.labels_ + int(s["degree"]))
        out.model.load_state_dict(dict(state["weights"]))
        out.model.eval()
        out.adjacency = neighbour_matrix(data)
        out.data = data
        out.top_ = tuple(t.numpy() for t in state["top"])
        return out
