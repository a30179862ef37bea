"""Neighbour sampling for mini-batch training on graphs too large for one full-batch step.

:class:`NeighborSampler` draws, for a batch of seed nodes, at most ``fanout[0]`` in-neighbours
of every seed, then at most ``fanout[1]`` in-neighbours of every node newly reached, and so on
(GraphSAGE's sampler, as PyG's ``NeighborLoader`` with ``subgraph_type="directional"``). It
returns the sampled sub-graph as a PyG ``Data`` with PyG's batch attributes: ``n_id`` (global
node of every local node, the seeds first), ``e_id`` (global edge of every local edge),
``batch_size`` (the number of seeds) and ``edge_index`` relabelled to local positions, plus
``x`` and ``edge_weight`` gathered from the graph. A model run on it gives the seeds' outputs
in its first ``batch_size`` rows.

It runs on plain torch: the in-neighbour CSR is built once (one radix sort), and every hop is
a handful of vectorised steps over all frontier nodes (no Python loop over nodes): nodes with
at most ``k`` in-neighbours keep them all; the others draw ``k`` distinct ones uniformly with
Floyd's algorithm, ``k`` vectorised steps over all of them. When pyg-lib is installed
(``torch_geometric.typing.WITH_PYG_LIB``), ``engine="auto"`` hands the draw to PyG's own
sampler instead.

Memory: the CSR holds ``E`` source ids and ``E`` edge ids (int32 while they fit) and ``N + 1``
offsets, next to the graph's own ``edge_index``; a batch costs what its sub-graph holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError

__all__ = ["CSRGraph", "NeighborSampler", "check_fanout"]

_ENGINES = ("auto", "torch", "pyg-lib")
_PART = 1 << 20  # edges per part of the CSR build


def check_fanout(fanout: object, *, what: str = "fanout") -> tuple[int, ...]:
    """``fanout`` as a tuple of ints (``-1``: every neighbour), one per layer.

    Raises:
        ConfigError: not a non-empty sequence of integers >= 1 or == -1.

    Example:
        >>> check_fanout([10, 5])
        (10, 5)
    """
    if isinstance(fanout, (str, bytes)) or not isinstance(fanout, Sequence) or not fanout:
        raise ConfigError(f"{what} must be a non-empty list of neighbours per layer "
                          f"(e.g. [10, 10]; -1 = all), got {fanout!r}")
    for k in fanout:
        if not isinstance(k, int) or isinstance(k, bool) or not (k >= 1 or k == -1):
            raise ConfigError(f"{what}: every entry must be an integer >= 1 or -1 (all "
                              f"neighbours), got {fanout!r}")
    return tuple(int(k) for k in fanout)


@dataclass(frozen=True)
class CSRGraph:
    """In-neighbours of every node: sources ``col[ptr[v]:ptr[v + 1]]`` of the edges into ``v``,
    and their positions ``edge_id`` in the graph's ``edge_index``.

    Attributes:
        ptr: ``[N + 1]`` int64 offsets.
        col: ``[E]`` source node of every edge, grouped by target (int32 while N fits).
        edge_id: ``[E]`` column of the edge in ``edge_index`` (int32 while E fits), or
            ``None`` when built without edge ids.
        num_nodes: ``N``.
    """

    ptr: Tensor
    col: Tensor
    edge_id: Tensor | None
    num_nodes: int

    @classmethod
    def from_edge_index(cls, edge_index: Tensor, num_nodes: int, *,
                        edge_ids: bool = True) -> CSRGraph:
        """Group the edges by target (a stable counting sort; the edge order within a target
        is kept). ``edge_ids=False`` leaves ``edge_id`` out (half the memory) when no edge
        attribute needs to follow the edges.

        Raises:
            ConfigError: ``edge_index`` is not ``[2, E]`` or names a node outside
                ``0..num_nodes-1``.
        """
        if edge_index.dim() != 2 or edge_index.shape[0] != 2:
            raise ConfigError(f"edge_index must be [2, E], got {tuple(edge_index.shape)}")
        edge_index = edge_index.cpu()
        if edge_index.numel() and (int(edge_index.min()) < 0
                                   or int(edge_index.max()) >= num_nodes):
            raise ConfigError(f"edge_index names nodes outside 0..{num_nodes - 1}")
        node_type = torch.int32 if num_nodes < 2**31 else torch.int64
        edge_type = torch.int32 if edge_index.shape[1] < 2**31 else torch.int64
        # A counting sort by target in parts of 4M edges (each part sorted on its own and
        # placed after the earlier parts' edges of the same target): memory holds the two
        # results and one part, not a sort of all E edges with its buffers.
        src, dst = edge_index[0], edge_index[1]
        n_edges = edge_index.shape[1]
        ptr = torch.zeros(num_nodes + 1, dtype=torch.int64)
        torch.cumsum(torch.bincount(dst, minlength=num_nodes), 0, out=ptr[1:])
        filled = ptr[:-1].clone()  # next free slot of every target
        edge_id = torch.empty(n_edges if edge_ids else 0, dtype=edge_type)
        col = torch.empty(n_edges, dtype=node_type)
        step = _PART
        for lo in range(0, n_edges, step):
            part, order = torch.sort(dst[lo:lo + step], stable=True)
            new = torch.ones(len(part), dtype=torch.bool)
            torch.ne(part[1:], part[:-1], out=new[1:])
            index = torch.arange(len(part))
            rank = index - torch.where(new, index, 0).cummax(0).values
            slot = filled.index_select(0, part) + rank
            if edge_ids:
                edge_id[slot] = (order + lo).to(edge_type)
            col[slot] = src[lo:lo + step].index_select(0, order).to(node_type)
            filled.index_add_(0, part, torch.ones(len(part), dtype=torch.int64))
        return cls(ptr=ptr, col=col, edge_id=edge_id if edge_ids else None,
                   num_nodes=num_nodes)

    @property
    def in_degree(self) -> Tensor:
        """``[N]`` number of edges into every node."""
        return self.ptr[1:] - self.ptr[:-1]

    def in_edges(self, nodes: Tensor) -> tuple[Tensor, Tensor]:
        """``(positions, owner)``: the CSR positions of every in-edge of ``nodes`` and, for
        each, the index into ``nodes`` of its target."""
        start = self.ptr.index_select(0, nodes)
        degree = self.ptr.index_select(0, nodes + 1) - start
        owner = torch.repeat_interleave(torch.arange(len(nodes)), degree)
        first = torch.cumsum(degree, 0) - degree
        positions = start.index_select(0, owner) + torch.arange(len(owner)) - first.index_select(
            0, owner)
        return positions, owner


class NeighborSampler:
    """Sample a sub-graph around seed nodes, ``fanout[l]`` in-neighbours per node and layer.

    Args:
        data: the graph (``edge_index``, ``num_nodes``; ``x`` and ``edge_weight`` are carried
            into the batches when present).
        fanout: neighbours drawn per node at each hop, seeds first (``-1``: all of them);
            its length is the number of hops, normally the model's number of layers.
        seed: seeds the sampler's own random generator (batches are reproducible, and do not
            depend on or disturb torch's global generator).
        engine: ``"torch"`` (this module), ``"pyg-lib"`` (PyG's sampler; needs pyg-lib) or
            ``"auto"`` (pyg-lib when installed, else torch).
        edge_ids: give batches ``e_id`` (the graph's edge of every batch edge) and
            ``edge_weight``; ``None`` (default): when the graph has ``edge_weight``. Without
            them the sampler's CSR takes half the memory (4 bytes per edge, not 8).

    Raises:
        ConfigError: a bad ``fanout`` or ``engine``, or ``"pyg-lib"`` without pyg-lib.

    Example:
        >>> import torch
        >>> from torch_geometric.data import Data
        >>> g = Data(x=torch.eye(4), edge_index=torch.tensor([[1, 2, 3, 0], [0, 0, 0, 1]]))
        >>> batch = NeighborSampler(g, [2], seed=0, engine="torch").sample(torch.tensor([0]))
        >>> batch.batch_size, batch.n_id[0].item(), batch.edge_index.shape[1]
        (1, 0, 2)
    """

    def __init__(self, data: Data, fanout: Sequence[int], *, seed: int = 0,
                 engine: str = "auto", edge_ids: bool | None = None) -> None:
        self.fanout = check_fanout(fanout)
        if engine not in _ENGINES:
            raise ConfigError(f"sampler engine must be one of {list(_ENGINES)}, got {engine!r}")
        if engine == "auto":
            engine = "pyg-lib" if _has_pyg_lib() else "torch"
        elif engine == "pyg-lib" and not _has_pyg_lib():
            raise ConfigError("sampler engine 'pyg-lib' needs pyg-lib (pip install pyg-lib "
                              "from https://data.pyg.org/whl/); engine='torch' needs nothing")
        self.engine = engine
        self.data = data
        self.num_nodes = int(data.num_nodes)
        if edge_ids is None:
            edge_ids = getattr(data, "edge_weight", None) is not None
        self.csr = CSRGraph.from_edge_index(data.edge_index, self.num_nodes,
                                            edge_ids=edge_ids or engine == "pyg-lib")
        self.generator = torch.Generator().manual_seed(int(seed))
        self._local = torch.full((self.num_nodes,), -1, dtype=torch.int64)
        self._mask = torch.zeros(self.num_nodes, dtype=torch.bool)
        self._pyg = None
        if engine == "pyg-lib":
            from torch_geometric.sampler import NeighborSampler as PygSampler

            self._pyg = PygSampler(Data(edge_index=data.edge_index, num_nodes=self.num_nodes),
                                   list(self.fanout))

    def sample(self, seeds: Tensor) -> Data:
        """The sampled sub-graph around ``seeds`` (distinct global node positions).

        Returns:
            ``Data`` with ``x`` and ``edge_weight`` (when the graph has them), ``edge_index``
            (local), ``n_id``, ``e_id`` (with edge ids), ``batch_size`` and ``num_nodes``;
            every edge is an edge of the graph, and a node has at most ``fanout[h]``
            in-edges from hop ``h``.

        Raises:
            ConfigError: a seed outside the graph, or repeated seeds.
        """
        seeds = torch.as_tensor(seeds, dtype=torch.int64).cpu().reshape(-1)
        if seeds.numel() and (int(seeds.min()) < 0 or int(seeds.max()) >= self.num_nodes):
            raise ConfigError(f"seed nodes must be in 0..{self.num_nodes - 1}")
        if self._pyg is not None:
            n_id, edge_index, e_id = self._sample_pyg(seeds)
        else:
            n_id, edge_index, e_id = self._sample_torch(seeds)
        batch = Data(edge_index=edge_index, num_nodes=len(n_id))
        batch.n_id, batch.batch_size = n_id, len(seeds)
        if e_id is not None:
            batch.e_id = e_id
        x = getattr(self.data, "x", None)
        if x is not None:
            batch.x = x.index_select(0, n_id.to(x.device))
        weight = getattr(self.data, "edge_weight", None)
        if weight is not None and e_id is not None:
            batch.edge_weight = weight.index_select(0, e_id.to(weight.device))
        return batch

    def _sample_torch(self, seeds: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        local = self._local
        order = torch.arange(len(seeds))
        local.index_copy_(0, seeds, order)
        if not torch.equal(local.index_select(0, seeds), order):  # a repeated seed
            local.index_fill_(0, seeds, -1)
            raise ConfigError("seed nodes must be distinct")
        nodes, frontier = [seeds], seeds
        sources, targets, edge_ids = [], [], []
        count = len(seeds)
        try:
            for k in self.fanout:
                if not len(frontier):
                    break
                positions, owner = self._draw(frontier, k)
                src = self.csr.col.index_select(0, positions).long()
                if self.csr.edge_id is not None:
                    edge_ids.append(self.csr.edge_id.index_select(0, positions))
                targets.append(local.index_select(0, frontier).index_select(0, owner))
                fresh = self._distinct(src[local.index_select(0, src) < 0])
                local.index_copy_(0, fresh, torch.arange(count, count + len(fresh)))
                count += len(fresh)
                sources.append(local.index_select(0, src))
                nodes.append(fresh)
                frontier = fresh
            n_id = torch.cat(nodes)
        finally:
            local.index_fill_(0, torch.cat(nodes), -1)  # ready for the next batch
        empty = torch.zeros(0, dtype=torch.int64)
        edge_index = torch.stack([torch.cat(sources) if sources else empty,
                                  torch.cat(targets) if targets else empty])
        e_id = (None if self.csr.edge_id is None else
                torch.cat(edge_ids).long() if edge_ids else empty)
        return n_id, edge_index, e_id

    def _distinct(self, candidates: Tensor) -> Tensor:
        """The distinct values of ``candidates``, sorted: through a node-sized mask when
        they are many (no sort), else ``torch.unique``."""
        if len(candidates) * 16 < self.num_nodes:
            return torch.unique(candidates)
        mask = self._mask
        mask.index_fill_(0, candidates, True)
        fresh = mask.nonzero().squeeze(1)
        mask.index_fill_(0, fresh, False)  # reset
        return fresh

    def _draw(self, nodes: Tensor, k: int) -> tuple[Tensor, Tensor]:
        """CSR positions of at most ``k`` distinct in-edges of every node (all when ``k`` is
        -1 or the node has at most ``k``), and the index into ``nodes`` of their target."""
        ptr = self.csr.ptr
        start = ptr.index_select(0, nodes)
        degree = ptr.index_select(0, nodes + 1) - start
        if k < 0:
            return self.csr.in_edges(nodes)
        small = degree <= k
        if bool(small.all()):
            return self.csr.in_edges(nodes)
        keep = small.nonzero().squeeze(1)
        positions, owner = self.csr.in_edges(nodes.index_select(0, keep))
        owner = keep.index_select(0, owner)
        big = (~small).nonzero().squeeze(1)
        chosen = self._distinct_offsets(degree.index_select(0, big), k)
        positions = torch.cat([positions,
                               (start.index_select(0, big).unsqueeze(1) + chosen).reshape(-1)])
        owner = torch.cat([owner, big.repeat_interleave(k)])
        return positions, owner

    def _distinct_offsets(self, degree: Tensor, k: int) -> Tensor:
        """``[R, k]`` distinct offsets in ``0..degree[r]-1`` for every row (``degree > k``),
        uniformly. Rows with many more neighbours than ``k`` draw ``k`` offsets at once and
        draw again while two coincide (rejection: each accepted row is a uniform k-subset);
        rows with few (``degree < 4k``, where coincidences are common) and rows still
        rejected after a few rounds use Floyd's algorithm."""
        chosen = torch.empty((len(degree), k), dtype=torch.int64)
        pending = (degree >= 4 * k).nonzero().squeeze(1)
        for _ in range(4 if k > 1 else 1):
            if not len(pending):
                break
            d = degree.index_select(0, pending).unsqueeze(1)
            rand = torch.rand((len(pending), k), generator=self.generator, dtype=torch.float64)
            draw = torch.minimum((rand * d).long(), d - 1)
            if k > 1:
                ordered = draw.sort(dim=1).values
                clash = (ordered[:, 1:] == ordered[:, :-1]).any(1)
            else:
                clash = torch.zeros(len(pending), dtype=torch.bool)
            chosen.index_copy_(0, pending[~clash], draw[~clash])
            pending = pending[clash]
        rest = torch.cat([(degree < 4 * k).nonzero().squeeze(1), pending])
        if len(rest):
            chosen.index_copy_(0, rest, self._floyd(degree.index_select(0, rest), k))
        return chosen

    def _floyd(self, degree: Tensor, k: int) -> Tensor:
        chosen = torch.empty((len(degree), k), dtype=torch.int64)
        for j in range(k):  # Floyd: offset j drawn in 0..d-k+j, replaced by d-k+j if taken
            bound = degree - k + j
            t = torch.minimum((torch.rand(len(degree), generator=self.generator,
                                          dtype=torch.float64) * (bound + 1)).long(), bound)
            taken = (chosen[:, :j] == t.unsqueeze(1)).any(1) if j else torch.zeros_like(
                t, dtype=torch.bool)
            chosen[:, j] = torch.where(taken, bound, t)
        return chosen

    def _sample_pyg(self, seeds: Tensor) -> tuple[Tensor, Tensor, Tensor]:  # pragma: no cover
        from torch_geometric.sampler import NodeSamplerInput

        out = self._pyg.sample_from_nodes(NodeSamplerInput(input_id=None, node=seeds))
        return out.node, torch.stack([out.row, out.col]), out.edge


def _has_pyg_lib() -> bool:
    import torch_geometric.typing

    return bool(getattr(torch_geometric.typing, "WITH_PYG_LIB", False))
