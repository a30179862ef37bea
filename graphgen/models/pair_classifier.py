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

__all__ = ["PairClassifier"]


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
