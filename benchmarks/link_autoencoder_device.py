"""Training a graph autoencoder for link prediction on the CPU and on a GPU, in one run.

``GraphAutoencoder`` (GAE, GCN encoder, dot decoder, 200 epochs, PyG's recipe) is fitted on
the interaction map of a generated organism on each available device; the script prints the
seconds of each fit and the ratio, and the agreement of the two models' rankings (Spearman
correlation of the scores of 20,000 random pairs). Without CUDA it times the CPU alone.

Run: ``python benchmarks/link_autoencoder_device.py [--genes 5000]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from scipy.stats import spearmanr

import graphgen
from graphgen.links.autoencoder import GraphAutoencoder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genes", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args()
    ppi = graphgen.make_organism(n_genes=args.genes, n_samples=5, seed=0).ppi
    print(f"map: {ppi.num_nodes:,} genes, {ppi.edge_index.shape[1] // 2:,} pairs; "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, ppi.num_nodes, size=(2, 20_000))
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    seconds, scores = {}, {}
    for device in devices:
        GraphAutoencoder({"epochs": 2}, device=device).fit(ppi)  # warm-up
        start = time.perf_counter()
        gae = GraphAutoencoder({"epochs": args.epochs}, device=device).fit(ppi)
        seconds[device] = time.perf_counter() - start
        scores[device] = gae.pair_scores(a, b)
        print(f"{device}: {seconds[device]:.2f} s for {args.epochs} epochs", flush=True)
    if "cuda" in seconds:
        rho = spearmanr(scores["cpu"], scores["cuda"]).statistic
        print(f"GPU {torch.cuda.get_device_name()}: {seconds['cpu'] / seconds['cuda']:.1f}x the "
              f"CPU; rankings agree (Spearman {rho:.3f})")


if __name__ == "__main__":
    main()
