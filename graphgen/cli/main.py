"""Entry point of the ``graphgen`` command: parse arguments, run, report errors in one line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from graphgen.cli import datasets
from graphgen.exceptions import ConfigError, GraphgenError

__all__ = ["main"]

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage dump) and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="graphgen", description="Graph learning on biological networks.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    demo = sub.add_parser(
        "demo", help="train GCN and GAT beside the baselines on the simulated organism",
        description="Simulate an organism, train GCN and GAT beside an MLP, logistic "
                    "regression, label propagation, network propagation (random walk with "
                    "restart, heat diffusion) and node degree on one stratified split, print "
                    "the comparison and write a run folder.")
    demo.add_argument("--out", type=Path, default=Path("graphgen-demo"),
                      help="run folder to write (default: ./graphgen-demo)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument("--no-progress", action="store_true", help="hide progress bars")
    demo.add_argument("--overwrite", action="store_true",
                      help="replace the run already in --out (otherwise an error)")
    demo.add_argument("--device", default="auto",
                      help="cpu, cuda, cuda:N or auto (default: a GPU if there is one)")
    datasets.add_parser(sub)
    run = sub.add_parser(
        "run", help="run an experiment from a TOML file",
        description="Load the graph, build features and labels, train every model on every "
                    "split, print the comparison and write a run folder.")
    run.add_argument("experiment", type=Path, help="experiment TOML file")
    run.add_argument("--out", type=Path, help="run folder (default: the file's `out`, else "
                     "runs/<name>)")
    run.add_argument("--resume", action="store_true",
                     help="continue an interrupted run from its checkpoints")
    run.add_argument("--overwrite", action="store_true",
                     help="replace the run already in the run folder (otherwise an error)")
    run.add_argument("--device", default=None,
                     help="cpu, cuda, cuda:N or auto (default: [trainer] device, else auto)")
    run.add_argument("--no-progress", action="store_true", help="hide progress bars")
    run.add_argument("--nproc", type=int, default=1,
                     help="train on N local processes with torch.distributed (DDP; gloo on "
                          "CPUs, nccl on GPUs). Across machines, start `graphgen run` with "
                          "torchrun instead (docs/scale.md). Default: 1")
    explain = sub.add_parser(
        "explain", help="explain a model of a run folder: one gene or one class",
        description="Explain a trained model of a `graphgen run` folder. The model is fitted "
                    "once on every labelled gene and kept in RUN_DIR/explain/; tables and PNG "
                    "figures go to RUN_DIR/explain/gene_<GENE>_<MODEL>/ or "
                    "class_<CLASS>_<MODEL>/.")
    explain.add_argument("run_dir", type=Path, help="folder written by `graphgen run`")
    target = explain.add_mutually_exclusive_group(required=True)
    target.add_argument("--gene", help="gene id to explain (feature, block, node and edge "
                        "importances, explanatory sub-graph as GraphML and PNG)")
    target.add_argument("--pair", nargs=2, metavar=("SOURCE", "TARGET"),
                        help="a pair of a link-prediction run: the paths (or features) behind "
                             "its score, written to RUN_DIR/explain/pair_SOURCE_TARGET.csv")
    target.add_argument("--class", dest="label", help="class or GO label to explain (its "
                        "top predicted genes, their mean attributions, GO enrichment)")
    explain.add_argument("--model", help="model name of the run (default: its first trained "
                         "model)")
    explain.add_argument("--method", default="integrated_gradients",
                         choices=["integrated_gradients", "saliency", "input_x_gradient",
                                  "gnnexplainer", "attention"],
                         help="attribution method (default: integrated_gradients)")
    explain.add_argument("--top-edges", type=int, default=25,
                         help="interactions in the sub-graph (default: 25)")
    explain.add_argument("--top-genes", type=int, default=50,
                         help="genes kept for --class (default: 50)")
    explain.add_argument("--no-progress", action="store_true", help="hide progress bars")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``graphgen`` command; return its exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "datasets":
            return datasets.run(args)
        if args.command == "run":
            return _run(args, sys.argv[1:] if argv is None else argv)
        if args.command == "explain":
            return _explain(args)
    except GraphgenError as exc:
        print(f"graphgen {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("graphgen: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command!r}")
    return EXIT_USAGE


def _demo(args: argparse.Namespace) -> int:
    from graphgen.cli.demo import format_table, run_demo

    run, results = run_demo(args.out, seed=args.seed, progress=False if args.no_progress else None,
                            overwrite=args.overwrite, device=args.device)
    print(format_table(results))
    print(f"\nrun folder: {run.path}  (config.toml, metrics.json, predictions.csv, curves.png)")
    return 0



def _run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from graphgen.experiment import format_summary, load_experiment, run_experiment
    from graphgen.experiment.config import GraphExperimentConfig, LinksExperimentConfig
    from graphgen.train import distributed

    if args.nproc < 1:
        raise ConfigError(f"--nproc must be an integer >= 1, got {args.nproc}")
    config = load_experiment(args.experiment)  # a bad file fails here, before any launch
    if isinstance(config, GraphExperimentConfig):
        return _run_graphs(args, config)
    if isinstance(config, LinksExperimentConfig):
        return _run_links(args, config)
    if args.nproc > 1 and "WORLD_SIZE" not in os.environ:
        from graphgen.datasets.registry import resolve_source

        for source in config.input_files():  # one error here, not one per process
            resolve_source(source)
        return distributed.launch(args.nproc, _without_launch_options(argv))
    rank, _ = distributed.init_from_env(args.device or config.trainer.device)
    if rank != 0:  # one voice: the other ranks only report errors
        logging.getLogger().setLevel(logging.ERROR)
    result = run_experiment(config, out=args.out, progress=False if args.no_progress else None,
                            resume=args.resume, overwrite=args.overwrite,
                            device=args.device)
    if rank != 0:
        return 0
    print(f"{config.name}: {len(result.labels)} labelled genes in the graph"
          + (f" ({len(result.labels_not_in_graph)} labelled genes not in the graph, listed in "
             "labels_not_in_graph.txt)" if len(result.labels_not_in_graph) else ""))
    print(format_summary(result.cv))
    print(f"\nrun folder: {result.run.path}")
    return 0


def _run_graphs(args: argparse.Namespace, config) -> int:
    from graphgen.experiment.graph_runner import format_graph_summary, run_graph_experiment

    if args.nproc != 1 or args.resume:
        raise ConfigError("graph classification experiments run on one process and from the "
                          "start (no --nproc, no --resume)")
    result = run_graph_experiment(config, out=args.out, overwrite=args.overwrite,
                                  progress=False if args.no_progress else None)
    print(f"{config.name}: {result.graphs} graphs")
    print(format_graph_summary(result))
    print(f"\nrun folder: {result.run.path}")
    return 0


def _run_links(args: argparse.Namespace, config) -> int:
    from graphgen.experiment.links_runner import run_links_experiment

    if args.nproc != 1 or args.resume:
        raise ConfigError("link-prediction experiments run on one process and from the start "
                          "(no --nproc, no --resume)")
    result = run_links_experiment(config, out=args.out, overwrite=args.overwrite)
    p = result.predictor
    chose = "" if p.selection_ is None else f" (chosen on hidden pairs of the map: " \
        f"{p.selection_.table.set_index('candidate')['mean'].round(3).to_dict()})"
    name = p.model_ if p.selection_ is None else p.selection_.chosen.name
    print(f"{config.name}: {p.graph_.num_nodes} genes; model {name!r}{chose}")
    print(result.top.head(10).to_string(index=False))
    print(f"\nrun folder: {result.run.path}  (top_links.csv, top_links.graphml, metrics.json)")
    return 0


def _without_launch_options(argv: Sequence[str]) -> list[str]:
    """The command line for the launched processes: ``--nproc`` removed (each process is
    one rank)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--nproc":
            skip = True
            continue
        if arg.startswith("--nproc="):
            continue
        out.append(arg)
    return out


def _explain(args: argparse.Namespace) -> int:
    from graphgen.experiment.explain_run import explain_run

    if args.pair:
        from graphgen.experiment.links_runner import explain_pair_run

        table, path = explain_pair_run(args.run_dir, *args.pair)
        source, target = args.pair
        if table.empty:
            print(f"{source} - {target}: no path of the run's map joins them (score 0)")
        else:
            print(f"{source} - {target}: the {min(len(table), 10)} largest of {len(table)} "
                  "shares of the score")
            print(table.head(10).to_string(index=False))
        print(f"\nwrote {path}")
        return 0

    result = explain_run(args.run_dir, gene=args.gene, label=args.label, model=args.model,
                         method=args.method, top_edges=args.top_edges,
                         top_genes=args.top_genes,
                         progress=False if args.no_progress else None)
    print(f"explained with model {result.model!r}; wrote {len(result.files)} files:")
    for path in result.files:
        print(f"  {path}")
    return 0
