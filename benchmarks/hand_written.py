"""Do graphgen's hand-written parts earn their place? Each against the library it replaces.

1. Layers: graphgen's sparse GCN / GraphSAGE / GAT layers (an operator built once per graph)
   against PyG's ``GCNConv`` / ``SAGEConv`` / ``GATConv`` on ``edge_index`` and on a CSR
   adjacency (``ToSparseTensor(layout=torch.sparse_csr)``), same graph, same 2-layer model
   (64 hidden channels, 2 classes), one training step (forward + backward + Adam) per epoch.
2. ``graphgen.models.dropout`` against ``torch.nn.functional.dropout`` on a 12k x 64 tensor.
3. ``graphgen.evaluation.metrics``: AUROC / average precision and the multi-label metrics against
   scikit-learn's ``roc_auc_score`` / ``average_precision_score`` / ``f1_score``.

All in one process, alternating the routes, median of repeated runs; the graph is the STRING
>= 0.9 copy in ``../shared/data`` (12,173 genes) or, without it, a generated graph of the same
size.

    python benchmarks/hand_written.py [--epochs 30]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from torch_geometric.nn import GATConv, GCNConv, SAGEConv
from torch_geometric.transforms import ToSparseTensor

import graphgen
from graphgen.evaluation.metrics import average_precision, multilabel_metrics, roc_auc
from graphgen.models import GAT, GCN, GraphSAGE
from graphgen.models.dropout import dropout

STRING = (Path(__file__).resolve().parents[2] / "shared" / "data" / "string"
          / "string_human_score900_symbols.csv.gz")


class PygStack(torch.nn.Module):
    """Two PyG layers with ReLU between, as graphgen's stacks (dropout 0 on both sides)."""

    def __init__(self, conv: str, n_in: int, csr: bool) -> None:
        super().__init__()
        make = {"gcn": lambda a, b: GCNConv(a, b, cached=True),
                "sage": lambda a, b: SAGEConv(a, b),
                "gat": lambda a, b: GATConv(a, b)}[conv]
        self.convs = torch.nn.ModuleList([make(n_in, 64), make(64, 2)])
        self.csr = csr

    def forward(self, x, edge):
        x = torch.relu(self.convs[0](x, edge))
        return self.convs[1](x, edge)


def _graph():
    if STRING.exists():
        ppi = graphgen.load_ppi(STRING)
        source = "STRING >= 0.9 (../shared/data)"
    else:
        org = graphgen.make_organism(n_genes=12_000, n_samples=5, seed=0)
        ppi, source = org.ppi, "simulated organism, 12,000 genes"
    return ppi, source


def _time_epochs(model, x, edge, y, epochs: int) -> float:
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x, edge), y)
        loss.backward()
        optimiser.step()
        times.append(time.perf_counter() - start)
    return statistics.median(times[2:])  # the first epochs build caches


def layers(epochs: int) -> None:
    ppi, source = _graph()
    n = ppi.num_nodes
    torch.manual_seed(0)
    x = torch.randn(n, 16)
    y = torch.randint(0, 2, (n,))
    adj = ToSparseTensor(layout=torch.sparse_csr)(ppi.clone()).adj_t
    print(f"1. layers: {source}, {n:,} nodes, {ppi.edge_index.shape[1]:,} directed edges; "
          f"median seconds per training step over {epochs} epochs")
    print("| layer | graphgen | PyG on edge_index | PyG on CSR adj_t | vs edge_index | vs CSR |")
    print("|---|---|---|---|---|---|")
    ours = {"gcn": lambda: GCN(16, 2, hidden_channels=64, dropout=0.0),
            "sage": lambda: GraphSAGE(16, 2, hidden_channels=64, dropout=0.0),
            "gat": lambda: GAT(16, 2, hidden_channels=64, heads=1, dropout=0.0)}
    for conv in ("gcn", "sage", "gat"):
        t_ours = _time_epochs(ours[conv](), x, ppi.edge_index, y, epochs)
        t_edge = _time_epochs(PygStack(conv, 16, False), x, ppi.edge_index, y, epochs)
        try:
            t_csr = _time_epochs(PygStack(conv, 16, True), x, adj, y, epochs)
            csr = f"{t_csr:.4f}"
            ratio_csr = f"{t_csr / t_ours:.1f}x"
        except (RuntimeError, NotImplementedError, ValueError, TypeError) as exc:
            csr, ratio_csr = f"not supported ({type(exc).__name__})", "-"
        print(f"| {conv.upper()} | {t_ours:.4f} | {t_edge:.4f} | {csr} | "
              f"{t_edge / t_ours:.1f}x | {ratio_csr} |")


def _median(fn, repeats: int = 30) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def dropout_and_metrics() -> None:
    torch.manual_seed(0)
    h = torch.randn(12_173, 64)
    t_ours = _median(lambda: dropout(h, 0.5, True))
    t_torch = _median(lambda: torch.nn.functional.dropout(h, 0.5, True))
    print("\n2. dropout on a 12,173 x 64 activation (median of 30)")
    print(f"graphgen {t_ours * 1e3:.2f} ms, torch {t_torch * 1e3:.2f} ms: "
          f"{t_torch / t_ours:.1f}x")
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 12_173)
    s = rng.random(12_173) + 0.3 * y
    t_auc = _median(lambda: roc_auc(y, s))
    t_auc_sk = _median(lambda: roc_auc_score(y, s))
    t_ap = _median(lambda: average_precision(y, s))
    t_ap_sk = _median(lambda: average_precision_score(y, s))
    assert abs(float(roc_auc(y, s)) - roc_auc_score(y, s)) < 1e-12
    assert abs(float(average_precision(y, s)) - average_precision_score(y, s)) < 1e-12
    labels = rng.integers(0, 2, (12_173, 20))
    scores = rng.random((12_173, 20)) + 0.2 * labels
    t_ml = _median(lambda: multilabel_metrics(labels, scores), repeats=10)

    def sklearn_multilabel():
        calls = (scores >= 0.5).astype(int)
        return (roc_auc_score(labels, scores, average="micro"),
                roc_auc_score(labels, scores, average="macro"),
                average_precision_score(labels, scores, average="micro"),
                average_precision_score(labels, scores, average="macro"),
                f1_score(labels, calls, average="micro"), f1_score(labels, calls, average="macro"))

    t_ml_sk = _median(sklearn_multilabel, repeats=10)
    print("\n3. metrics on 12,173 genes (median; equal to scikit-learn's to 1e-12)")
    print("| metric | graphgen ms | scikit-learn ms | ratio |")
    print("|---|---|---|---|")
    for name, ours, theirs in (("AUROC", t_auc, t_auc_sk), ("average precision", t_ap, t_ap_sk),
                               ("multi-label set (20 labels)", t_ml, t_ml_sk)):
        print(f"| {name} | {ours * 1e3:.2f} | {theirs * 1e3:.2f} | {theirs / ours:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="Sparse")  # torch's beta notices for CSR
    torch.set_num_threads(max(1, torch.get_num_threads()))
    print(f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}")
    layers(args.epochs)
    dropout_and_metrics()


if __name__ == "__main__":
    main()
