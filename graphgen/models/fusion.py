"""Graph and sequence views of the same genes, fused and trained end to end.

A :class:`FusionModel` runs a graph encoder (GCN, GAT or GraphSAGE producing a hidden vector
per gene) and a sequence encoder (:mod:`graphgen.sequences.encoders`) on every gene, projects
both to the same width and fuses them:

* ``concat``: the two vectors side by side into a linear head;
* ``gated``: ``g = sigmoid(W [h_graph; h_seq])``, ``z = g * h_graph + (1 - g) * h_seq``;
* ``attention``: a softmax weight per view and gene from a shared scorer,
  ``z = a_graph * h_graph + a_seq * h_seq``.

Genes without a sequence (``data.has_sequence`` False) get a zero sequence vector.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.registry import build_model
from graphgen.sequences.encoders import SequenceEncoder, build_encoder

__all__ = ["FUSION_MODES", "FusionModel", "build_fusion"]

FUSION_MODES = ("concat", "gated", "attention")


class FusionModel(GraphModel):
    """Fuse a graph encoder and a sequence encoder into one node classifier.

    Args:
        graph_encoder: a node model mapping ``(x, edge_index, edge_weight)`` to
            ``[N, graph_channels]`` (e.g. ``GCN(F, graph_channels)``), or ``None`` for the
            sequence view alone.
        sequence_encoder: a :class:`~graphgen.sequences.encoders.SequenceEncoder`, or
            ``None`` for the graph view alone.
        graph_channels: output width of ``graph_encoder``.
        out_channels: classes (or labels) ``C``.
        mode: ``"concat"``, ``"gated"`` or ``"attention"``.
        hidden_channels: common width of the two views before fusion.
        dropout: dropout on the fused vector.
        sequence_batch_size: sequences per encoder call (length-bucketed).

    Shapes:
        - input: ``x [N, F]``, ``edge_index [2, E]``, optional ``edge_weight [E]`` and the
          keyword inputs ``sequences`` (a :class:`~graphgen.sequences.tokens.SequenceBatch`
          over the ``N`` nodes) and ``has_sequence [N]`` (``Data`` attributes of the same
          names, see :func:`~graphgen.models.base.run_model`)
        - output: logits ``[N, C]``
    """

    inputs = ("sequences", "has_sequence")

    def __init__(self, graph_encoder: nn.Module | None, sequence_encoder: SequenceEncoder | None,
                 *, graph_channels: int = 64, out_channels: int = 2, mode: str = "concat",
                 hidden_channels: int = 64, dropout: float = 0.3,
                 sequence_batch_size: int = 512) -> None:
        super().__init__()
        if mode not in FUSION_MODES:
            raise ConfigError(f"FusionModel: mode must be one of {list(FUSION_MODES)}, got "
                              f"{mode!r}")
        if graph_encoder is None and sequence_encoder is None:
            raise ConfigError("FusionModel needs a graph encoder, a sequence encoder, or both")
        self.graph_encoder, self.sequence_encoder = graph_encoder, sequence_encoder
        self.mode, self.dropout, self.sequence_batch_size = mode, dropout, sequence_batch_size
        views = 0
        if graph_encoder is not None:
            self.graph_proj = nn.Linear(graph_channels, hidden_channels)
            views += 1
        if sequence_encoder is not None:
            self.seq_proj = nn.Linear(sequence_encoder.out_channels, hidden_channels)
            views += 1
        self.views = views
        if mode == "gated" and views == 2:
            self.gate = nn.Linear(2 * hidden_channels, hidden_channels)
        if mode == "attention" and views == 2:
            self.scorer = nn.Sequential(nn.Linear(hidden_channels, hidden_channels), nn.Tanh(),
                                        nn.Linear(hidden_channels, 1, bias=False))
        width = 2 * hidden_channels if mode == "concat" and views == 2 else hidden_channels
        self.head = nn.Linear(width, out_channels)

    def view_representations(self, x: Tensor, edge_index: Tensor | None,
                             edge_weight: Tensor | None = None, *, sequences=None,
                             has_sequence: Tensor | None = None) -> list[Tensor]:
        """``[N, hidden]`` per view (graph first), before fusion."""
        out = []
        if self.graph_encoder is not None:
            h = self.graph_encoder(x, edge_index, edge_weight)
            out.append(torch.relu(self.graph_proj(torch.relu(h))))
        if self.sequence_encoder is not None:
            if sequences is None or len(sequences) != x.shape[0]:
                raise DataFormatError("FusionModel: data.sequences must hold one sequence per "
                                      "node (build it with graphgen.sequences.attach_sequences)")
            s = self.sequence_encoder.embed(sequences, batch_size=self.sequence_batch_size)
            out.append(self.sequence_representation(s, has_sequence))
        return out

    def sequence_representation(self, embedding: Tensor, has_sequence: Tensor | None = None
                                ) -> Tensor:
        """The sequence view's ``[N, hidden]`` from the encoder's embeddings (zero for genes
        without a sequence)."""
        s = torch.relu(self.seq_proj(embedding))
        if has_sequence is not None:
            s = s * has_sequence[:, None].to(s.dtype)
        return s

    def forward(self, x: Tensor, edge_index: Tensor | None, edge_weight: Tensor | None = None,
                *, sequences=None, has_sequence: Tensor | None = None) -> Tensor:
        views = self.view_representations(x, edge_index, edge_weight, sequences=sequences,
                                          has_sequence=has_sequence)
        return self.fuse(views)

    def fuse(self, views: list[Tensor]) -> Tensor:
        """Logits from the views' ``[N, hidden]`` representations (graph first)."""
        if len(views) == 1:
            z = views[0]
        elif self.mode == "concat":
            z = torch.cat(views, dim=1)
        elif self.mode == "gated":
            g = torch.sigmoid(self.gate(torch.cat(views, dim=1)))
            z = g * views[0] + (1 - g) * views[1]
        else:
            stacked = torch.stack(views, dim=1)  # [N, 2, H]
            weights = torch.softmax(self.scorer(stacked), dim=1)
            z = (weights * stacked).sum(dim=1)
        return self.head(dropout(z, self.dropout, self.training))


def build_fusion(
    graph_model: str | None,
    in_channels: int,
    out_channels: int,
    *,
    encoder: str,
    alphabet: str,
    graph_channels: int = 64,
    mode: str = "concat",
    graph_options: Mapping[str, Any] | None = None,
    encoder_options: Mapping[str, Any] | None = None,
) -> FusionModel:
    """A :class:`FusionModel` around registered models, as ``GeneClassifier`` and
    ``graphgen run`` build it.

    Args:
        graph_model: a name of :data:`~graphgen.models.registry.MODELS` (its output width is
            ``graph_channels``), or ``None``/``"none"`` for the sequence view alone.
        in_channels: node feature width ``F``.
        out_channels: classes (or labels) ``C``.
        encoder: a name of :data:`~graphgen.sequences.encoders.ENCODERS`.
        alphabet: ``"dna"`` or ``"protein"``.
        graph_channels, mode: as :class:`FusionModel`.
        graph_options, encoder_options: keyword arguments of the graph model and the encoder.

    Raises:
        ConfigError: an unknown model, encoder, option or mode.
    """
    graph = None if graph_model in (None, "none") else build_model(
        graph_model, in_channels, graph_channels, **dict(graph_options or {}))
    sequence = build_encoder(encoder, alphabet=alphabet, **dict(encoder_options or {}))
    return FusionModel(graph, sequence, graph_channels=graph_channels,
                       out_channels=out_channels, mode=mode)
