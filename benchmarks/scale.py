"""Scale: neighbour sampling, its memory against full-batch training, and 1 vs 2 processes.

A graph of ogbn-proteins scale is generated (132,534 nodes, 40M directed edges, 8 node
features, 100 planted communities holding 80 % of the edges, a binary label per community)
and saved once; every measurement runs in a fresh Python process that loads it, and the
ratios are printed in one run:

1. **Sampler throughput**: sub-graphs of 1,024 seed nodes with fan-out (10, 10) drawn by
   :class:`graphgen.graph.sampling.NeighborSampler` against a naive sampler that loops over
   the frontier nodes in Python (``random.sample`` over each node's CSR slice, a dict for
   the relabelling), and against the same loop with one torch ``randperm`` per node.
2. **Peak memory**: one epoch of GraphSAGE (2 layers, 64 hidden) trained full-batch against
   neighbour-sampled (batches of 1,024 genes, fan-out (10, 10), layer-wise validation), both
   through :class:`graphgen.train.Trainer`; peak resident memory of the process and its
   growth over the loaded graph.
3. **Epoch time** of the sampled training with 1 process (all cores) and 2 processes
   (``torch.distributed``, gloo, one core each), through the same trainer.

    python benchmarks/scale.py                      # ogbn-proteins scale (about 10 minutes)
    python benchmarks/scale.py --nodes 20000 --edges 2000000   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve()


def make_graph(path: Path, nodes: int, edges: int, seed: int = 0) -> None:
    """Communities of equal size; 80 % of a node's edges stay in its community."""
    g = torch.Generator().manual_seed(seed)
    communities = 100
    community = torch.arange(nodes) % communities
    src = torch.randint(0, nodes, (edges,), generator=g)
    inside = torch.rand(edges, generator=g) < 0.8
    partner = community[src] + communities * torch.randint(
        0, nodes // communities, (edges,), generator=g)
    dst = torch.where(inside, partner, torch.randint(0, nodes, (edges,), generator=g))
    label = (community < communities // 2).long()
    x = torch.randn(nodes, 8, generator=g)
    x[:, 0] += 0.3 * label  # a weak feature signal; the graph carries the rest
    torch.save({"edge_index": torch.stack([src, dst]), "x": x, "y": label}, path)


def _load(path: str):
    import pandas as pd
    from torch_geometric.data import Data

    raw = torch.load(path, mmap=True)
    n = raw["x"].shape[0]
    data = Data(x=raw["x"].clone(), edge_index=raw["edge_index"].clone(), num_nodes=n,
                node_ids=[f"n{i}" for i in range(n)])
    labels = pd.Series(raw["y"].numpy(), index=data.node_ids)
    return data, labels


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def naive_python(ptr: list[int], col, seeds: list[int], fanout, rng: random.Random):
    """Per-node Python: every frontier node draws from its CSR slice with random.sample."""
    local = {s: i for i, s in enumerate(seeds)}
    n_id, src, dst = list(seeds), [], []
    frontier = list(seeds)
    for k in fanout:
        fresh = []
        for v in frontier:
            start, end = ptr[v], ptr[v + 1]
            picks = range(start, end) if end - start <= k else rng.sample(range(start, end), k)
            for p in picks:
                u = int(col[p])
                if u not in local:
                    local[u] = len(n_id)
                    n_id.append(u)
                    fresh.append(u)
                src.append(local[u])
                dst.append(local[v])
        frontier = fresh
    return n_id, src, dst


def naive_torch(ptr, col, seeds, fanout):
    """Per-node torch: a slice and a randperm per frontier node, one relabelling at the end."""
    nodes, src, dst, frontier = [seeds], [], [], seeds
    seen = set(seeds.tolist())
    for k in fanout:
        fresh = []
        for v in frontier.tolist():
            neighbours = col[ptr[v]:ptr[v + 1]]
            if len(neighbours) > k:
                neighbours = neighbours[torch.randperm(len(neighbours))[:k]]
            src.append(neighbours.long())
            dst.append(torch.full((len(neighbours),), v))
            fresh.extend(u for u in neighbours.tolist() if u not in seen and not seen.add(u))
        frontier = torch.tensor(fresh, dtype=torch.long)
        nodes.append(frontier)
    n_id = torch.cat(nodes)
    local = torch.empty(int(n_id.max()) + 1, dtype=torch.long)
    local[n_id] = torch.arange(len(n_id))
    return n_id, torch.stack([local[torch.cat(src)], local[torch.cat(dst)]])


def child_sampler(path: str, batches: int) -> dict:
    from graphgen.graph.sampling import NeighborSampler

    data, _ = _load(path)
    start = time.perf_counter()
    sampler = NeighborSampler(data, [10, 10], seed=0, engine="torch")
    build = time.perf_counter() - start
    g = torch.Generator().manual_seed(1)
    seed_sets = [torch.randperm(data.num_nodes, generator=g)[:1024] for _ in range(batches)]
    sampler.sample(seed_sets[0])  # warm-up
    start = time.perf_counter()
    edges = sum(sampler.sample(s).edge_index.shape[1] for s in seed_sets)
    ours = (time.perf_counter() - start) / batches
    ptr, col = sampler.csr.ptr.tolist(), sampler.csr.col.numpy()
    rng = random.Random(0)
    few = seed_sets[: max(2, batches // 10)]
    start = time.perf_counter()
    naive_edges = sum(len(naive_python(ptr, col, s.tolist(), (10, 10), rng)[1]) for s in few)
    python = (time.perf_counter() - start) / len(few)
    start = time.perf_counter()
    for s in few:
        naive_torch(sampler.csr.ptr, sampler.csr.col, s, (10, 10))
    per_node_torch = (time.perf_counter() - start) / len(few)
    return {"csr_seconds": build, "ours": ours, "naive_python": python,
            "naive_torch": per_node_torch, "edges_per_batch": edges / batches,
            "naive_edges_per_batch": naive_edges / len(few)}


def _task(data, labels):
    from graphgen.evaluation.splits import stratified_split
    from graphgen.train import NodeClassificationTask

    split = stratified_split(labels, val_size=0.05, test_size=0.75, seed=0)
    return NodeClassificationTask.from_labels(data, labels, split)


def child_memory(path: str, mode: str) -> dict:
    from graphgen.models import build_model
    from graphgen.train import Trainer, TrainerConfig

    data, labels = _load(path)
    task = _task(data, labels)
    loaded = _rss_mib()
    torch.manual_seed(0)
    model = build_model("sage", 8, 2, hidden_channels=64, num_layers=2)
    config = TrainerConfig(max_epochs=1, progress=False, seed=0,
                           **({"batch_size": 1024, "fanout": (10, 10)} if mode == "sampled"
                              else {}))
    start = time.perf_counter()
    result = Trainer(config).fit(model, data, task)
    return {"loaded_mib": loaded, "peak_mib": _peak_mib(), "seconds": time.perf_counter() - start,
            "val_auroc": result.best_val["auroc"], "train_items": len(task.train_index)}


def child_ddp(path: str, rank: int, world: int, port: int, epochs: int, out: str) -> None:
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // world))
    if world > 1:
        os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1",
                          MASTER_PORT=str(port))
        from graphgen.train.distributed import init_from_env

        init_from_env("cpu")
    from graphgen.models import build_model
    from graphgen.train import Trainer, TrainerConfig

    data, labels = _load(path)
    task = _task(data, labels)
    torch.manual_seed(0)
    model = build_model("sage", 8, 2, hidden_channels=64, num_layers=2)
    config = TrainerConfig(max_epochs=epochs, patience=epochs, progress=False, seed=0,
                           batch_size=1024, fanout=(10, 10), device="cpu")
    times = []
    last = [time.perf_counter()]

    def tick(epoch, record):
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now

    result = Trainer(config).fit(model, data, task, on_epoch_end=tick)
    if rank == 0:
        Path(out).write_text(json.dumps({"epoch_seconds": times[1:] or times,
                                         "val_auroc": result.best_val["auroc"]}))


def _child(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, str(HERE), "--child", *args], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr[-3000:]}")
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def _ddp(path: Path, world: int, epochs: int, workdir: Path) -> dict:
    out = workdir / f"ddp_{world}.json"
    port = 29_500 + random.Random().randrange(1000)
    procs = [subprocess.Popen([sys.executable, str(HERE), "--child", "ddp", str(path), str(r),
                               str(world), str(port), str(epochs), str(out)])
             for r in range(world)]
    if any(p.wait() != 0 for p in procs):
        raise SystemExit(f"the {world}-process run failed")
    return json.loads(out.read_text())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "sampler":
            print("RESULT " + json.dumps(child_sampler(rest[0], int(rest[1]))))
        elif kind == "memory":
            print("RESULT " + json.dumps(child_memory(rest[0], rest[1])))
        else:
            child_ddp(rest[0], int(rest[1]), int(rest[2]), int(rest[3]), int(rest[4]), rest[5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=132_534)
    parser.add_argument("--edges", type=int, default=39_561_252)
    parser.add_argument("--batches", type=int, default=30, help="sampler batches timed")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of the DDP timing")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    path = args.workdir / f"scale_{args.nodes}_{args.edges}.pt"
    if not path.exists():
        start = time.perf_counter()
        make_graph(path, args.nodes, args.edges)
        print(f"generated {path} in {time.perf_counter() - start:.0f} s")
    print(f"graph: {args.nodes:,} nodes, {args.edges:,} directed edges, 8 features\n"
          f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}\n")

    s = _child(["sampler", str(path), str(args.batches)])
    print("## Sampler: 1,024 seeds, fan-out (10, 10)\n")
    print("| sampler | ms per batch | sampled edges per batch | graphgen is |\n|---|---|---|---|")
    print(f"| graphgen NeighborSampler (torch) | {s['ours'] * 1e3:.1f} | "
          f"{s['edges_per_batch']:,.0f} | - |")
    print(f"| naive per-node Python (random.sample) | {s['naive_python'] * 1e3:.0f} | "
          f"{s['naive_edges_per_batch']:,.0f} | {s['naive_python'] / s['ours']:.1f}x faster |")
    print(f"| naive per-node torch (randperm) | {s['naive_torch'] * 1e3:.0f} | "
          f"{s['naive_edges_per_batch']:,.0f} | {s['naive_torch'] / s['ours']:.1f}x faster |")
    print(f"\nCSR built once in {s['csr_seconds']:.1f} s")

    full = _child(["memory", str(path), "full"])
    sampled = _child(["memory", str(path), "sampled"])
    print("\n## One epoch of GraphSAGE (64 hidden, 2 layers): memory\n")
    print("| training | peak RSS (MiB) | growth over the loaded graph (MiB) | epoch s | "
          "val AUROC |\n|---|---|---|---|---|")
    for name, r in (("full-batch", full), ("sampled (1,024 x (10, 10))", sampled)):
        print(f"| {name} | {r['peak_mib']:,.0f} | {r['peak_mib'] - r['loaded_mib']:,.0f} | "
              f"{r['seconds']:.1f} | {r['val_auroc']:.3f} |")
    growth = (sampled["peak_mib"] - sampled["loaded_mib"]) / (full["peak_mib"] - full["loaded_mib"])
    print(f"\nsampled / full-batch: peak {sampled['peak_mib'] / full['peak_mib']:.2f}, growth "
          f"{growth:.2f} (target <= 0.25); {sampled['train_items']:,} training genes")

    one = _ddp(path, 1, args.epochs, args.workdir)
    two = _ddp(path, 2, args.epochs, args.workdir)
    t1 = sum(one["epoch_seconds"]) / len(one["epoch_seconds"])
    t2 = sum(two["epoch_seconds"]) / len(two["epoch_seconds"])
    print("\n## Sampled training, epoch time (after the first epoch)\n")
    print("| processes | epoch s | val AUROC |\n|---|---|---|")
    print(f"| 1 ({os.cpu_count()} threads) | {t1:.1f} | {one['val_auroc']:.3f} |")
    print(f"| 2 (gloo, {max(1, (os.cpu_count() or 1) // 2)} thread each) | {t2:.1f} | "
          f"{two['val_auroc']:.3f} |")
    print(f"\n2 processes: {t1 / t2:.2f}x the speed of 1 (target > 1)")


if __name__ == "__main__":
    main()
