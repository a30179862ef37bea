r"""Graph autoencoders for link prediction: GAE and VGAE (Kipf & Welling, 2016) on PyG.

An encoder of two graph convolutions (GCN, GraphSAGE or GAT, PyG's layers) embeds every
gene from the known map; a decoder scores a pair from the two embeddings: ``"dot"``,
:math:`\sigma(z_a^\top z_b)` (the paper's), or ``"mlp"``, a two-layer perceptron over
:math:`z_a \odot z_b` (symmetric in the pair). Training is PyG's recipe: full batch, every
known pair a positive (both directions in the message-passing graph), as many uniformly
drawn non-edges as negatives each epoch (``torch_geometric.utils.negative_sampling``),
binary cross-entropy (plus the KL term, divided by the number of genes, for VGAE), Adam,
a fixed number of epochs. Genes without features get a learned embedding as input; a graph
with ``x`` gives its features.

:meth:`GraphAutoencoder.candidate_blocks` scores *every* non-edge pair, one block of rows at
a time (a ``block x n`` matrix, never ``n x n``), for
:func:`~graphgen.links.ranking.best_of_blocks`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn
from torch_geometric.data import Data
from torch_geometric.nn import GAE, VGAE, GATConv, GCNConv, SAGEConv
from torch_geometric.utils import negative_sampling

from graphgen.exceptions import ConfigError
from graphgen.graph.nodes import neighbour_matrix
from graphgen.links.ranker import LinkRanker
from graphgen.scalars import check_count
from graphgen.train.device import resolve_device
from graphgen.train.seeding import seed_everything

__all__ = ["AUTOENCODER_DEFAULTS", "GraphAutoencoder"]

_CONVS = {"gcn": GCNConv, "sage": SAGEConv, "gat": GATConv}
#: The settings of :class:`GraphAutoencoder` and their defaults (PyG's GAE example: 2 layers,
#: learning rate 0.01; 200 epochs).
AUTOENCODER_DEFAULTS: dict[str, Any] = {"variational": False, "encoder": "gcn",
                                        "decoder": "dot", "hidden": 64, "embedding": 32,
                                        "epochs": 200, "lr": 0.01}


class _Encoder(nn.Module):
    def __init__(self, inputs: int | None, n: int, conv: str, hidden: int, embedding: int,
                 variational: bool) -> None:
        super().__init__()
        self.table = nn.Embedding(n, hidden) if inputs is None else None
        layer = _CONVS[conv]
        self.first = layer(hidden if inputs is None else inputs, hidden)
        self.mu = layer(hidden, embedding)
        self.logstd = layer(hidden, embedding) if variational else None

    def forward(self, x: torch.Tensor | None, edge_index: torch.Tensor):
        h = torch.relu(self.first(self.table.weight if x is None else x, edge_index))
        mu = self.mu(h, edge_index)
        return mu if self.logstd is None else (mu, self.logstd(h, edge_index))


class _MLPDecoder(nn.Module):
    """A two-layer perceptron over ``z_a * z_b`` (symmetric in the pair)."""

    def __init__(self, embedding: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(embedding, embedding), nn.ReLU(),
                                 nn.Linear(embedding, 1))

    def forward(self, z: torch.Tensor, edge_index: torch.Tensor,
                sigmoid: bool = True) -> torch.Tensor:
        logit = self.net(z[edge_index[0]] * z[edge_index[1]]).squeeze(-1)
        return torch.sigmoid(logit) if sigmoid else logit


def check_settings(settings: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The autoencoder settings of ``settings`` over :data:`AUTOENCODER_DEFAULTS`, checked.

    Raises:
        ConfigError: an unknown setting, encoder or decoder; a size, epoch count or learning
            rate out of range (named with ``what``).
    """
    unknown = sorted(set(settings) - set(AUTOENCODER_DEFAULTS))
    if unknown:
        raise ConfigError(f"{what}: unknown autoencoder settings {unknown}; known: "
                          f"{sorted(AUTOENCODER_DEFAULTS)}")
    out = {**AUTOENCODER_DEFAULTS, **settings}
    if out["encoder"] not in _CONVS:
        raise ConfigError(f"{what}: encoder must be one of {list(_CONVS)}, got "
                          f"{out['encoder']!r}")
    if out["decoder"] not in ("dot", "mlp"):
        raise ConfigError(f"{what}: decoder must be 'dot' or 'mlp', got {out['decoder']!r}")
    for name in ("hidden", "embedding", "epochs"):
        check_count(out[name], name, what, minimum=1)
    lr = out["lr"]
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr < 10:
        raise ConfigError(f"{what}: lr must be a positive number, got {lr!r}")
    out["variational"] = bool(out["variational"])
    return out


class GraphAutoencoder(LinkRanker):
    """GAE or VGAE trained on the pairs of one map (see the module docstring).

    Args:
        settings: any of :data:`AUTOENCODER_DEFAULTS` (``variational``, ``encoder``,
            ``decoder``, ``hidden``, ``embedding``, ``epochs``, ``lr``).
        seed: seeds the weights and the negatives.
        device: where training runs (``"auto"``: a GPU when CUDA is available;
            :func:`~graphgen.train.device.resolve_device`); scoring runs on the CPU.

    Example:
        >>> import graphgen
        >>> org = graphgen.make_organism(n_genes=80, n_samples=5, seed=0)
        >>> gae = GraphAutoencoder({"epochs": 5}).fit(org.ppi)
        >>> gae.pair_scores(np.array([0, 1]), np.array([2, 3])).shape
        (2,)
    """

    def __init__(self, settings: Mapping[str, Any] | None = None, *, seed: int = 0,
                 device: str = "auto") -> None:
        self.settings = check_settings(settings or {}, "GraphAutoencoder")
        self.seed = seed
        self.device = device

    def _build(self, data: Data) -> None:
        s = self.settings
        inputs = None if getattr(data, "x", None) is None else int(data.x.shape[1])
        encoder = _Encoder(inputs, data.num_nodes, s["encoder"], s["hidden"], s["embedding"],
                           s["variational"])
        decoder = _MLPDecoder(s["embedding"]) if s["decoder"] == "mlp" else None
        self.model = (VGAE if s["variational"] else GAE)(encoder, decoder)

    def _fit(self, data: Data) -> GraphAutoencoder:
        """Train on the known pairs of ``data`` (both directions of each in the
        message-passing graph)."""
        device = resolve_device(self.device)
        seed_everything(self.seed)
        self._build(data)
        self.model.to(device)
        adjacency = neighbour_matrix(data).tocoo()
        edge_index = torch.tensor(np.vstack([adjacency.row, adjacency.col]), dtype=torch.long,
                                  device=device)
        x = None if getattr(data, "x", None) is None else data.x.float().to(device)
        optimiser = torch.optim.Adam(self.model.parameters(), lr=self.settings["lr"])
        self.model.train()
        for _ in range(self.settings["epochs"]):
            optimiser.zero_grad()
            z = self.model.encode(x, edge_index)
            negatives = negative_sampling(edge_index, num_nodes=data.num_nodes)
            loss = self.model.recon_loss(z, edge_index, negatives)
            if self.settings["variational"]:
                loss = loss + self.model.kl_loss() / data.num_nodes
            loss.backward()
            optimiser.step()
        self.model.eval()
        with torch.no_grad():
            out = self.model.encoder(x, edge_index)
            self.z = (out[0] if isinstance(out, tuple) else out).detach().cpu()  # VGAE: mean
        self.model.cpu()
        self.adjacency = adjacency.tocsr()
        return self

    def _logits(self, rows: torch.Tensor, cols: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            if self.settings["decoder"] == "dot":
                return (self.z[rows] * self.z[cols]).sum(-1)
            return self.model.decoder(self.z, torch.stack([rows, cols]), sigmoid=False)

    def pair_scores(self, a_pos: np.ndarray, b_pos: np.ndarray) -> np.ndarray:
        """The decoder's probability that each pair of node positions interacts."""
        logits = self._logits(torch.as_tensor(a_pos, dtype=torch.long),
                              torch.as_tensor(b_pos, dtype=torch.long))
        return torch.sigmoid(logits).double().numpy()

    def candidate_blocks(self, *, block: int | None = None
                         ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The probability of every candidate pair (a non-edge ``r < c``), ``block`` rows at
        a time (default: 1024 rows for the dot decoder, 64 for the perceptron)."""
        n = self.z.shape[0]
        block = block or (1024 if self.settings["decoder"] == "dot" else 64)
        cols_all = torch.arange(n)
        for start in range(0, n - 1, block):
            rows = np.arange(start, min(start + block, n))
            if self.settings["decoder"] == "dot":
                with torch.no_grad():
                    scores = torch.sigmoid(self.z[rows] @ self.z.T).double().numpy()
            else:
                r = torch.as_tensor(rows).repeat_interleave(n)
                scores = torch.sigmoid(self._logits(r, cols_all.repeat(len(rows)))
                                       ).double().numpy().reshape(len(rows), n)
            upper = np.triu(np.ones((len(rows), n), dtype=bool), k=start + 1)
            upper[self.adjacency[rows].nonzero()] = False  # known edges are no candidates
            r, c = np.nonzero(upper)
            yield rows[r], c.astype(np.int64), scores[r, c]

    def state(self) -> dict[str, Any]:
        """Plain values and tensors for a file (``torch.load(weights_only=True)``)."""
        return {"settings": dict(self.settings), "seed": int(self.seed), "z": self.z,
                "weights": {k: v.cpu() for k, v in self.model.state_dict().items()}}

    @classmethod
    def from_state(cls, state: Mapping[str, Any], data: Data) -> GraphAutoencoder:
        """The autoencoder :meth:`state` wrote, over its map ``data``."""
        out = cls(dict(state["settings"]), seed=int(state["seed"]))
        out._build(data)
        out.model.load_state_dict(dict(state["weights"]))
        out.model.eval()
        out.z = state["z"]
        out.adjacency = sp.csr_matrix(neighbour_matrix(data))
        return out
