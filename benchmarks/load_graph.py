"""Loading a human-scale STRING file: graphgen.load_ppi against bare columnar reads of the same
file and the pandas -> networkx -> PyG route.

A STRING-format file of human scale is generated (19,000 proteins, 6M scored pairs listed in
both orders = 12M lines, gzip, ids like 9606.ENSP00000000001, heavy-tailed degrees), or a real
one is used with --file. Each route runs in a fresh Python process that reports its wall time
(imports of every library excluded) and peak resident memory; the ratios are printed in one
run. The bare reads only parse the file into a table (no checks, no graph): they are the I/O
limit ``load_ppi`` is measured against. ``load_ppi (pandas engine)`` is the reader without
the columnar engine, as before issue 15.

    python benchmarks/load_graph.py                 # human scale (about 10 minutes)
    python benchmarks/load_graph.py --pairs 500000  # quicker, smaller file
    python benchmarks/load_graph.py --file 9606.protein.links.v12.0.txt.gz
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

OURS = """
data = graphgen.load_ppi(PATH, "string")
result = {"nodes": data.num_nodes, "edges": data.edge_index.shape[1] // 2}
"""

OURS_PANDAS = """
os.environ["GRAPHGEN_CSV_ENGINE"] = "pandas"
data = graphgen.load_ppi(PATH, "string")
result = {"nodes": data.num_nodes, "edges": data.edge_index.shape[1] // 2}
"""

BARE_POLARS = """
frame = polars.read_csv(PATH, separator=" ")
result = {"rows": frame.height}
"""

BARE_PYARROW = """
frame = pyarrow.csv.read_csv(PATH, parse_options=pyarrow.csv.ParseOptions(delimiter=" "))
result = {"rows": frame.num_rows}
"""

BASELINE = """
import networkx as nx
import pandas as pd
from torch_geometric.utils import from_networkx
frame = pd.read_csv(PATH, sep=" ")
graph = nx.from_pandas_edgelist(frame, "protein1", "protein2", edge_attr="combined_score")
data = from_networkx(graph)
result = {"nodes": data.num_nodes, "edges": data.edge_index.shape[1] // 2}
"""

RUNNER = """
import json, os, resource, sys, time
PATH = sys.argv[1]
import torch, torch_geometric, pandas, networkx, polars, pyarrow.csv  # imports are not timed
import graphgen, graphgen.graph.load, graphgen.io.delimited
start = time.perf_counter()
{body}
result["seconds"] = time.perf_counter() - start
result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(result))
"""


def make_string_file(path: Path, n_proteins: int, n_pairs: int, seed: int = 0) -> None:
    """Write a STRING ``protein.links`` file: every pair twice, sorted by protein1."""
    rng = np.random.default_rng(seed)
    theta = (1.0 - rng.random(n_proteins)) ** (-1.0 / 1.5)  # heavy-tailed propensities
    p = theta / theta.sum()
    keys = np.zeros(0, dtype=np.int64)
    while len(keys) < n_pairs:
        a = rng.choice(n_proteins, size=n_pairs, p=p)
        b = rng.choice(n_proteins, size=n_pairs, p=p)
        ok = a != b
        lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
        keys = np.unique(np.concatenate([keys, lo.astype(np.int64) * n_proteins + hi]))
    keys = rng.permutation(keys)[:n_pairs]
    lo, hi = keys // n_proteins, keys % n_proteins
    score = np.clip(150 + rng.gamma(1.2, 120, n_pairs), 150, 999).astype(np.int64)
    src = np.concatenate([lo, hi])
    dst = np.concatenate([hi, lo])
    score = np.concatenate([score, score])
    order = np.lexsort((dst, src))
    ids = pd.Categorical.from_codes(np.arange(n_proteins), [
        f"9606.ENSP{i:011d}" for i in range(n_proteins)])
    frame = pd.DataFrame({
        "protein1": pd.Categorical.from_codes(src[order], ids.categories),
        "protein2": pd.Categorical.from_codes(dst[order], ids.categories),
        "combined_score": score[order],
    })
    frame.to_csv(path, sep=" ", index=False, compression={"method": "gzip", "compresslevel": 1})


def run(body: str, path: Path) -> dict:
    script = RUNNER.format(body=body)
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"route failed:\n{done.stderr[-2000:]}")
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="a real STRING links file instead")
    parser.add_argument("--proteins", type=int, default=19_000)
    parser.add_argument("--pairs", type=int, default=6_000_000,
                        help="distinct pairs; the file lists each twice")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--skip-networkx", action="store_true",
                        help="leave out the slow networkx route (about 200 s)")
    args = parser.parse_args()
    path = args.file
    if path is None:
        path = args.workdir / f"string_like_{args.proteins}_{args.pairs}.txt.gz"
        if not path.exists():
            start = time.perf_counter()
            make_string_file(path, args.proteins, args.pairs)
            print(f"generated {path} ({path.stat().st_size / 2**20:.0f} MiB) in "
                  f"{time.perf_counter() - start:.0f} s")
    print(f"file: {path}\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    routes = {
        "graphgen.load_ppi": OURS,
        "graphgen.load_ppi (pandas engine)": OURS_PANDAS,
        "bare polars.read_csv": BARE_POLARS,
        "bare pyarrow.csv.read_csv": BARE_PYARROW,
    }
    if not args.skip_networkx:
        routes["pandas -> networkx -> PyG from_networkx"] = BASELINE
    results = {name: run(body, path) for name, body in routes.items()}
    ours = results["graphgen.load_ppi"]
    for name, result in results.items():
        if "nodes" in result:
            assert (result["nodes"], result["edges"]) == (ours["nodes"], ours["edges"]), name
    print(f"\ngraph: {ours['nodes']:,} nodes, {ours['edges']:,} undirected edges\n")
    print("| route | seconds | peak memory (MiB) | load_ppi is |\n|---|---|---|---|")
    for name, result in results.items():
        ratio = result["seconds"] / ours["seconds"]
        versus = "-" if name == "graphgen.load_ppi" else (
            f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower")
        print(f"| {name} | {result['seconds']:.1f} | {result['peak_mib']:,.0f} | {versus} |")
    fastest = min(results[k]["seconds"] for k in results if k.startswith("bare"))
    print(f"\nload_ppi / fastest bare read: {ours['seconds'] / fastest:.2f} (target <= 2)")
    if "pandas -> networkx -> PyG from_networkx" in results:
        base = results["pandas -> networkx -> PyG from_networkx"]
        print(f"networkx route / load_ppi: {base['seconds'] / ours['seconds']:.1f}x "
              f"(target >= 50); peak memory {ours['peak_mib'] / base['peak_mib']:.2f} of it")


if __name__ == "__main__":
    main()
