"""Pair classification over a protein graph: node encoders, a GNN, and a pair head.

GNN-PPI (Lv et al., IJCAI 2021) style: every protein gets an embedding from its sequence
(and/or node features), a GNN over the *training* interactions refines it, and a pair head
scores each interaction type from the element-wise product of the two protein embeddings.
Each part can be switched off, so the single views are the same model with one part removed.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.sparse_conv import (
    AdjacencyCache,
    SparseGCNConv,
    SparseSAGEConv,
    gcn_adjacency,
    mean_adjacency_of,
)
from graphgen.sequences.encoders import SequenceEncoder

__all__ = ["GNNPPI", "PairClassifier", "route_pairs"]


class PairClassifier(GraphModel):
    """Score label sets of node pairs from node embeddings.

    Args:
        in_channels: node feature width (``data.x``), 0 to use none.
        out_channels: labels ``L``.
        sequence_encoder: a :class:`~graphgen.sequences.encoders.SequenceEncoder` over
            ``data.sequences``, or ``None``.
        conv: ``"sage"``, ``"gcn"`` or ``None`` (no graph: embeddings go straight to the head).
        hidden_channels: embedding width.
        num_layers: GNN layers.
        dropout: dropout on layer inputs.
        sequence_batch_size: sequences per encoder call (length-bucketed).

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]`` of the training pairs, optional
          ``edge_weight``, and the keyword inputs ``pairs [P, 2]`` (node positions; the pair
          task gives them) and ``sequences`` (a ``SequenceBatch`` over the nodes)
        - output: logits ``[P, L]``
    """

    inputs = ("pairs", "sequences")

    def __init__(self, in_channels: int, out_channels: int, *,
                 sequence_encoder: SequenceEncoder | None = None, conv: str | None = "sage",
                 hidden_channels: int = 64, num_layers: int = 2, dropout: float = 0.3,
                 sequence_batch_size: int = 256) -> None:
        super().__init__()
        width = in_channels + (sequence_encoder.out_channels if sequence_encoder else 0)
        if width == 0:
            raise ConfigError("PairClassifier needs node features, a sequence encoder, or both")
        if conv not in ("sage", "gcn", None):
            raise ConfigError(f"PairClassifier: conv must be 'sage', 'gcn' or None, got {conv!r}")
        self.sequence_encoder, self.conv, self.dropout = sequence_encoder, conv, dropout
        self.in_channels, self.sequence_batch_size = in_channels, sequence_batch_size
        self.inp = nn.Linear(width, hidden_channels)
        layer = SparseSAGEConv if conv == "sage" else SparseGCNConv
        self.layers = nn.ModuleList(layer(hidden_channels, hidden_channels)
                                    for _ in range(num_layers if conv else 0))
        self._operator = AdjacencyCache(mean_adjacency_of if conv == "sage" else gcn_adjacency)
        self.head = nn.Sequential(nn.Linear(hidden_channels, hidden_channels), nn.ReLU(),
                                  nn.Linear(hidden_channels, out_channels))

    def node_embeddings(self, x: Tensor, edge_index: Tensor | None,
                        edge_weight: Tensor | None = None, *, sequences=None) -> Tensor:
        """``[N, hidden]`` embedding of every node."""
        parts = []
        if self.in_channels:
            parts.append(x)
        if self.sequence_encoder is not None:
            if sequences is None:
                raise DataFormatError("PairClassifier: data.sequences is missing "
                                      "(graphgen.sequences.attach_sequences)")
            parts.append(self.sequence_encoder.embed(sequences,
                                                     batch_size=self.sequence_batch_size))
        h = torch.relu(self.inp(torch.cat(parts, dim=1)))
        if self.layers:
            operator = self._operator(edge_index, edge_weight, h.shape[0])
            for layer in self.layers:
                h = h + torch.relu(layer(dropout(h, self.dropout, self.training), operator))
        return h

    def forward(self, x: Tensor, edge_index: Tensor | None, edge_weight: Tensor | None = None,
                *, pairs: Tensor, sequences=None) -> Tensor:
        if pairs is None:
            raise DataFormatError("PairClassifier: give the pairs to score (pairs=[P, 2])")
        h = self.node_embeddings(x, edge_index, edge_weight, sequences=sequences)
        # index_select: its backward is deterministic on the CPU (advanced indexing's is not)
        product = h.index_select(0, pairs[:, 0]) * h.index_select(0, pairs[:, 1])
        return self.head(dropout(product, self.dropout, self.training))


class GNNPPI(GraphModel):
    """GNN-PPI (Lv et al., IJCAI 2021): sequence encoding, GIN over the known interactions,
    and a linear head on the product of the two proteins' embeddings.

    The layers follow GNN-PPI's ``GIN_Net2``: GIN layers whose MLP is ``Linear, ReLU, Linear,
    ReLU, BatchNorm`` with a learned ``eps``, then ``Linear, ReLU, dropout, Linear``, the
    element-wise product of the two proteins and one linear layer to the ``L`` types.
    ``conv=None`` removes the GIN layers (the sequence view: the same model without the
    graph).

    **Proteins without training neighbours.** Every protein of a training pair has a
    neighbour in the training graph, but on a BFS split most test proteins have none: the
    GIN then sees inputs unlike any it was trained on. Two remedies, off by default as in
    GNN-PPI:

    * ``isolate`` (a fraction) cuts every edge of that share of the proteins at each training
      step, so the GIN also learns proteins without neighbours;
    * ``fallback=True`` adds a sequence branch (the same encoder, its own ``Linear, ReLU,
      dropout, Linear`` and head, no GIN) and scores a pair with it whenever one of its
      proteins has no neighbour in the graph; the GIN branch scores the others. While
      training, the proteins cut by ``isolate`` (required, > 0) count as having none, so each
      step trains both branches on the pairs each would score at test time.

    Args:
        out_channels: interaction types ``L``.
        sequence_encoder: the protein encoder over ``data.sequences`` (GNN-PPI:
            :class:`~graphgen.sequences.encoders.CNNBiGRUEncoder`).
        conv: ``"gin"`` or ``None``.
        hidden_channels: width of the GIN layers and the head (GNN-PPI: 512).
        num_layers: GIN layers (GNN-PPI: 1).
        dropout: dropout before the last node layer (GNN-PPI: 0.5).
        isolate: share of proteins cut from the graph at each training step.
        fallback: score pairs with a protein without neighbours by the sequence branch.
        sequence_batch_size: sequences per encoder call (all at once by default, so batch
            normalisation sees every protein, as in GNN-PPI).

    Shapes:
        - input: ``x`` (unused; may be empty ``[N, 0]``), ``edge_index [2, E]`` of the
          training pairs (both directions), keyword inputs ``pairs [P, 2]`` and
          ``sequences``
        - output: logits ``[P, L]``

    Example:
        >>> from graphgen.sequences.encoders import CNNBiGRUEncoder
        >>> from graphgen.sequences.tokens import encode
        >>> seqs = encode(["MKVLAT", "MRRE", "MKKW"], alphabet="protein")
        >>> model = GNNPPI(7, sequence_encoder=CNNBiGRUEncoder(max_length=12, out_channels=8),
        ...                hidden_channels=16)
        >>> edges = torch.tensor([[0, 1], [1, 0]])
        >>> model(torch.zeros(3, 0), edges, pairs=torch.tensor([[0, 2]]), sequences=seqs).shape
        torch.Size([1, 7])
    """

    inputs = ("pairs", "sequences")

    def __init__(self, out_channels: int, *, sequence_encoder: SequenceEncoder,
                 conv: str | None = "gin", hidden_channels: int = 512, num_layers: int = 1,
                 dropout: float = 0.5, isolate: float = 0.0, fallback: bool = False,
                 sequence_batch_size: int = 1_000_000) -> None:
        super().__init__()
        from torch_geometric.nn import GINConv

        if conv not in ("gin", None):
            raise ConfigError(f"GNNPPI: conv must be 'gin' or None, got {conv!r}")
        if not 0.0 <= isolate < 1.0:
            raise ConfigError(f"GNNPPI: isolate must be in [0, 1), got {isolate!r}")
        if fallback and (conv is None or isolate == 0.0):
            raise ConfigError("GNNPPI: fallback needs the GIN (conv='gin') and isolate > 0, "
                              "which trains the sequence branch on the cut proteins' pairs")
        self.sequence_encoder, self.conv = sequence_encoder, conv
        self.dropout, self.isolate, self.fallback = dropout, isolate, fallback
        self.sequence_batch_size = sequence_batch_size
        width = sequence_encoder.out_channels
        layers = []
        for _ in range(num_layers if conv else 0):
            layers.append(GINConv(nn.Sequential(
                nn.Linear(width, hidden_channels), nn.ReLU(),
                nn.Linear(hidden_channels, hidden_channels), nn.ReLU(),
                nn.BatchNorm1d(hidden_channels)), train_eps=True))
            width = hidden_channels
        self.layers = nn.ModuleList(layers)
        self.lin1 = nn.Linear(width, hidden_channels)
        self.lin2 = nn.Linear(hidden_channels, hidden_channels)
        self.head = nn.Linear(hidden_channels, out_channels)
        if fallback:
            self.sequence_branch = nn.ModuleList([
                nn.Linear(sequence_encoder.out_channels, hidden_channels),
                nn.Linear(hidden_channels, hidden_channels),
                nn.Linear(hidden_channels, out_channels)])

    def _pair_logits(self, h: Tensor, pairs: Tensor, first: nn.Linear, second: nn.Linear,
                     head: nn.Linear) -> Tensor:
        h = second(dropout(torch.relu(first(h)), self.dropout, self.training))
        # index_select: its backward is deterministic on the CPU (advanced indexing's is not)
        return head(h.index_select(0, pairs[:, 0]) * h.index_select(0, pairs[:, 1]))

    def forward(self, x: Tensor, edge_index: Tensor | None, edge_weight: Tensor | None = None,
                *, pairs: Tensor, sequences=None) -> Tensor:
        if pairs is None:
            raise DataFormatError("GNNPPI: give the pairs to score (pairs=[P, 2])")
        if sequences is None:
            raise DataFormatError("GNNPPI: data.sequences is missing "
                                  "(graphgen.sequences.attach_sequences)")
        encoded = self.sequence_encoder.embed(sequences, batch_size=self.sequence_batch_size)
        n = encoded.shape[0]
        if pairs.dim() != 2 or pairs.shape[1] != 2 or (
                pairs.numel() and (int(pairs.min()) < 0 or int(pairs.max()) >= n)):
            raise DataFormatError(f"GNNPPI: pairs must be [P, 2] positions of the {n} proteins "
                                  f"(0..{n - 1}), got shape {tuple(pairs.shape)}"
                                  + (f", values {int(pairs.min())}..{int(pairs.max())}"
                                     if pairs.numel() else ""))
        h = encoded
        if self.layers:
            if edge_index is None:
                raise DataFormatError("GNNPPI: conv='gin' needs the training pairs' edge_index")
            if self.training and self.isolate > 0:
                cut = torch.rand(h.shape[0], device=h.device) < self.isolate
                edge_index = edge_index[:, ~(cut[edge_index[0]] | cut[edge_index[1]])]
            for layer in self.layers:
                h = layer(h, edge_index)
        logits = self._pair_logits(h, pairs, self.lin1, self.lin2, self.head)
        if not self.fallback:
            return logits
        fallback = self._pair_logits(encoded, pairs, *self.sequence_branch)
        return route_pairs(logits, fallback, pairs, edge_index)


def route_pairs(graph_logits: Tensor, sequence_logits: Tensor, pairs: Tensor,
                edge_index: Tensor) -> Tensor:
    """Fall back to a sequence model for pairs the graph model cannot place: the logits of
    ``sequence_logits`` where a protein of the pair has no neighbour in ``edge_index`` (the
    training graph), those of ``graph_logits`` elsewhere.

    Example:
        >>> graph, sequence = torch.zeros(2, 1), torch.ones(2, 1)
        >>> route_pairs(graph, sequence, torch.tensor([[0, 1], [1, 2]]),
        ...             torch.tensor([[0, 1], [1, 0]])).tolist()
        [[0.0], [1.0]]
    """
    size = int(pairs.max()) + 1
    if edge_index.numel():
        size = max(size, int(edge_index.max()) + 1)
    known = torch.zeros(size, dtype=torch.bool, device=pairs.device)
    known[edge_index.reshape(-1)] = True
    alone = ~(known[pairs[:, 0]] & known[pairs[:, 1]])
    return torch.where(alone[:, None], sequence_logits, graph_logits)
