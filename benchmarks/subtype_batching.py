"""Shared-topology batching vs a PyG DataLoader over per-sample graphs: one training epoch.

1,000 samples x 5,000 genes (one expression value per gene) over one gene graph with 100,000
undirected edges. The same model on both sides: two GCN layers (32 channels), mean pooling
over genes, a linear head; Adam; batches of 64 samples.

* ours: :class:`graphgen.models.SampleGraphNet` on a ``[B, G, F]`` tensor with one sparse
  adjacency (``SampleGraphs``);
* PyG: a list of per-sample ``Data(x, edge_index)`` objects (sharing one ``edge_index``
  tensor), ``torch_geometric.loader.DataLoader``, ``GCNConv`` x 2 and ``global_mean_pool``.

Each route runs in a fresh process; wall time of the epoch (imports and data generation
excluded) and peak resident memory are printed with their ratios.

    python benchmarks/subtype_batching.py [--samples 1000 --genes 5000 --edges 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

SETUP = """
import json, resource, sys, time
import numpy as np, torch
samples, genes, edges, batch = map(int, sys.argv[1:5])
rng = np.random.default_rng(0)
theta = (1 - rng.random(genes)) ** (-1 / 1.5)
p = theta / theta.sum()
pairs = set()
while len(pairs) < edges:
    a, b = rng.choice(genes, 2 * edges, p=p), rng.choice(genes, 2 * edges, p=p)
    for u, v in zip(a.tolist(), b.tolist()):
        if u != v:
            pairs.add((min(u, v), max(u, v)))
        if len(pairs) == edges:
            break
lo, hi = np.array(sorted(pairs)).T
edge_index = torch.from_numpy(np.stack([np.concatenate([lo, hi]), np.concatenate([hi, lo])]))
x = torch.from_numpy(rng.normal(size=(samples, genes, 1)).astype(np.float32))
y = torch.from_numpy(rng.integers(0, 4, samples))
torch.manual_seed(0)
"""

OURS = """
from graphgen.models.sample_graph import SampleGraphNet, SampleGraphs
graph = SampleGraphs(x, edge_index, None, [str(g) for g in range(genes)],
                     [str(s) for s in range(samples)], ["rna"])
model = SampleGraphNet(1, 4, hidden_channels=32, num_layers=2, pooling="mean", dropout=0.0)
optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
start = time.perf_counter()
for index in torch.randperm(samples).split(batch):
    optimiser.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x[index], graph), y[index])
    loss.backward()
    optimiser.step()
"""

PYG = """
from torch_geometric.data import Data
from torch_geometric.loader import DataLoader
from torch_geometric.nn import GCNConv, global_mean_pool
dataset = [Data(x=x[s], edge_index=edge_index, y=y[s:s + 1]) for s in range(samples)]
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.head = GCNConv(1, 32), GCNConv(32, 32), torch.nn.Linear(32, 4)
    def forward(self, d):
        h = torch.relu(self.c1(d.x, d.edge_index))
        h = torch.relu(self.c2(h, d.edge_index))
        return self.head(global_mean_pool(h, d.batch))
model = Net()
optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
start = time.perf_counter()
for data in DataLoader(dataset, batch_size=batch, shuffle=True):
    optimiser.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(data), data.y)
    loss.backward()
    optimiser.step()
"""

REPORT = """
seconds = time.perf_counter() - start
print("RESULT " + json.dumps({"seconds": seconds,
      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(body: str, args: argparse.Namespace) -> dict:
    done = subprocess.run([sys.executable, "-c", SETUP + body + REPORT, str(args.samples),
                           str(args.genes), str(args.edges), str(args.batch_size)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"route failed:\n{done.stderr[-3000:]}")
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--genes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    print(f"{args.samples} samples x {args.genes} genes, {args.edges} undirected edges, "
          f"batches of {args.batch_size}; {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    ours, pyg = run(OURS, args), run(PYG, args)
    print("\n| route | epoch seconds | peak memory (MiB) |\n|---|---|---|")
    print(f"| graphgen shared-topology batch | {ours['seconds']:.1f} | {ours['peak_mib']:,.0f} |")
    print(f"| PyG DataLoader over per-sample Data | {pyg['seconds']:.1f} | "
          f"{pyg['peak_mib']:,.0f} |")
    print(f"\nspeed-up: {pyg['seconds'] / ours['seconds']:.1f}x; peak memory: "
          f"{pyg['peak_mib'] / ours['peak_mib']:.1f}x less")


if __name__ == "__main__":
    main()
