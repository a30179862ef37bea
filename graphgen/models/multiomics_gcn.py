"""Patient-similarity GCN over several omics with cross-omics fusion (MOGONET-style).

Samples are nodes. Each omics has its own feature block and its own patient-similarity graph
(:func:`graphgen.graph.patient_similarity.patient_graph`); a GCN per omics turns them into
per-omics class predictions, and a fusion layer combines them:

* ``vcdn`` (MOGONET's View Correlation Discovery Network): the outer product of the per-omics
  class probabilities (``C ** M`` cross-omics label combinations) feeds a small MLP, whose
  output is added to the mean of the per-omics logits (a residual that stands in for
  MOGONET's separate per-omics losses);
* ``concat``: the per-omics hidden representations are concatenated into a linear head;
* ``attention``: a learned softmax weighting of the per-omics hidden representations.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.models.base import GraphModel
from graphgen.models.dropout import dropout
from graphgen.models.sparse_conv import AdjacencyCache, SparseGCNConv, gcn_adjacency

__all__ = ["FUSIONS", "MultiOmicsGCN"]

FUSIONS = ("vcdn", "concat", "attention")


class MultiOmicsGCN(GraphModel):
    """One GCN per omics on its patient graph, fused across omics.

    Args:
        omics_channels: omics name -> number of features (in the order of the feature blocks).
        out_channels: classes ``C``.
        hidden_channels: width of each omics' GCN layers.
        num_layers: GCN layers per omics.
        fusion: ``"vcdn"``, ``"concat"`` or ``"attention"``.
        dropout: dropout on layer inputs.

    Shapes:
        - input: ``x [S, sum F]`` holding the omics blocks at ``feature_blocks[name]``, no
          single graph (``edge_index`` is ignored: each omics has its own), and the keyword
          inputs ``feature_blocks`` and ``omics_graphs`` (``name -> {"edge_index",
          "edge_weight"}`` over the ``S`` samples), ``Data`` attributes of the same names
        - output: logits ``[S, C]``

    Example:
        >>> from torch_geometric.data import Data
        >>> g = {"edge_index": torch.tensor([[0, 1], [1, 0]]), "edge_weight": torch.ones(2)}
        >>> data = Data(x=torch.randn(3, 5), feature_blocks={"a": (0, 2), "b": (2, 5)},
        ...             omics_graphs={"a": g, "b": g}, num_nodes=3)
        >>> from graphgen.models.base import run_model
        >>> run_model(MultiOmicsGCN({"a": 2, "b": 3}, 4, hidden_channels=8), data).shape
        torch.Size([3, 4])
    """

    inputs = ("feature_blocks", "omics_graphs")

    def __init__(self, omics_channels: dict[str, int], out_channels: int, *,
                 hidden_channels: int = 64, num_layers: int = 2, fusion: str = "vcdn",
                 dropout: float = 0.5) -> None:
        super().__init__()
        if fusion not in FUSIONS:
            raise ConfigError(f"MultiOmicsGCN: fusion must be one of {list(FUSIONS)}, got "
                              f"{fusion!r}")
        if not omics_channels:
            raise ConfigError("MultiOmicsGCN: needs at least one omics")
        self.names = list(omics_channels)
        self.fusion, self.dropout, self.out_channels = fusion, dropout, out_channels
        self.encoders = nn.ModuleDict()
        self.heads = nn.ModuleDict()
        for name, channels in omics_channels.items():
            sizes = [channels] + [hidden_channels] * num_layers
            self.encoders[name] = nn.ModuleList(
                SparseGCNConv(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
            self.heads[name] = nn.Linear(hidden_channels, out_channels)
        self._adjacency = {name: AdjacencyCache(gcn_adjacency) for name in self.names}
        m = len(self.names)
        if fusion == "vcdn":
            combos = out_channels ** m
            self.fuse = nn.Sequential(nn.Linear(combos, max(combos, 16)), nn.LeakyReLU(0.25),
                                      nn.Linear(max(combos, 16), out_channels))
        elif fusion == "concat":
            self.fuse = nn.Linear(hidden_channels * m, out_channels)
        else:
            self.gate = nn.Linear(hidden_channels, 1)
            self.fuse = nn.Linear(hidden_channels, out_channels)

    def encode(self, x: Tensor, *, feature_blocks, omics_graphs) -> dict[str, Tensor]:
        """Hidden representation ``[S, hidden]`` of every omics."""
        graphs, blocks = omics_graphs, feature_blocks
        if graphs is None or blocks is None:
            raise DataFormatError("MultiOmicsGCN needs data.omics_graphs and data.feature_blocks")
        hidden = {}
        for name in self.names:
            if name not in graphs or name not in blocks:
                raise DataFormatError(f"MultiOmicsGCN: omics {name!r} has no graph or block")
            start, stop = blocks[name]
            h = x[:, start:stop]
            adjacency = self._adjacency[name](graphs[name]["edge_index"],
                                              graphs[name]["edge_weight"], h.shape[0])
            for layer in self.encoders[name]:
                h = torch.nn.functional.leaky_relu(
                    layer(dropout(h, self.dropout, self.training), adjacency), 0.25)
            hidden[name] = h
        return hidden

    def forward(self, x: Tensor, edge_index: Tensor | None = None,
                edge_weight: Tensor | None = None, *, feature_blocks=None,
                omics_graphs=None) -> Tensor:
        hidden = self.encode(x, feature_blocks=feature_blocks, omics_graphs=omics_graphs)
        if self.fusion == "concat":
            return self.fuse(torch.cat([hidden[n] for n in self.names], dim=1))
        if self.fusion == "attention":
            stacked = torch.stack([hidden[n] for n in self.names], dim=1)  # [S, M, H]
            weights = torch.softmax(self.gate(stacked), dim=1)
            return self.fuse((weights * stacked).sum(dim=1))
        logits = [self.heads[n](hidden[n]) for n in self.names]
        probs = [torch.sigmoid(z) for z in logits]
        combo = probs[0]
        for p in probs[1:]:  # outer product over omics, flattened: [S, C ** M]
            combo = (combo.unsqueeze(-1) * p.unsqueeze(1)).reshape(combo.shape[0], -1)
        # The mean of the per-omics logits is added, so every omics classifier gets a direct
        # gradient (MOGONET trains them with their own losses before and during fusion).
        return self.fuse(combo) + torch.stack(logits).mean(dim=0)
