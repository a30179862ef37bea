"""``graphgen run`` for link-prediction experiments (``task = "links"``).

Reads the network of ``[graph]``, fits :class:`~graphgen.estimators.LinkPredictor` with the
settings of ``[links]`` (by default the heuristic chosen on hidden pairs of this map) and
writes the run folder: ``config.toml``; ``metrics.json`` (the model used, the selection table,
the size of the map, seconds); ``top_links.csv`` (``source, target, score, probability``,
best first: the non-edge pairs to test next) and ``top_links.graphml`` (the same pairs as
scored edges, for Cytoscape); ``selection.csv`` with ``model = "auto"``; and
``link_predictor.pt``, the fitted predictor (:meth:`LinkPredictor.load`), which
``graphgen explain RUN --pair A B`` reads (:func:`explain_pair_run`): the run's own model, so
an explanation never outlives its run.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graphgen.comparison.run_folder import RunFolder
from graphgen.estimators.link_predictor import LinkPredictor, links_graph
from graphgen.exceptions import DataFormatError
from graphgen.experiment.config import LinksExperimentConfig
from graphgen.experiment.runner import load_experiment_graph
from graphgen.graph.convert import write_graphml
from graphgen.ids.mapper import IdMapper
from graphgen.io.tables import write_csv

__all__ = ["LinksExperimentResult", "explain_pair_run", "run_links_experiment"]

PREDICTOR_FILE = "link_predictor.pt"


@dataclass
class LinksExperimentResult:
    """What :func:`run_links_experiment` did.

    Attributes:
        config: the experiment; predictor: the fitted predictor; top: the written pairs;
        run: the run folder.
    """

    config: LinksExperimentConfig
    predictor: LinkPredictor
    top: pd.DataFrame
    run: RunFolder


def run_links_experiment(config: LinksExperimentConfig, *, out: str | Path | None = None,
                         overwrite: bool = False) -> LinksExperimentResult:
    """Fit the link predictor of ``config`` and write the run folder.

    Raises:
        ConfigError, DataFormatError, IdMappingError: bad settings or files.
        OutputError: the run folder cannot be written, or holds a run already.
    """
    started = time.perf_counter()
    target = out or (config.resolve(config.out) if config.out else f"runs/{config.name}")
    run = RunFolder(target, exist_ok=overwrite)
    mapper = IdMapper.human(config.resolve(config.graph.id_table)) if config.graph.id_table \
        else None
    graph = load_experiment_graph(config, mapper)
    spec = config.links
    predictor = LinkPredictor(spec.model, l3_exponent=spec.l3_exponent,
                              endpoint_exponent=spec.endpoint_exponent,
                              ordered=spec.ordered, model_settings=spec.model_settings,
                              candidates=None if spec.candidates is None
                              else list(spec.candidates), budget=spec.budget,
                              inner_folds=spec.inner_folds, selection_k=spec.selection_k,
                              seed=config.seed).fit(graph)
    top = predictor.with_probability(
        predictor.top_links(spec.top, genes=None if spec.genes is None else list(spec.genes)))
    run.write_config({"command": "graphgen run", **config.to_dict()})
    selection = predictor.selection_
    run.write_metrics({
        "model": predictor.model_, "settings": predictor.settings_,
        "selection": None if selection is None else selection.table.to_dict(orient="records"),
        "genes": int(graph.num_nodes), "stored_edges": int(graph.edge_index.shape[1]),
        "top_links": len(top), "seconds": time.perf_counter() - started,
    })
    run.write_table("top_links.csv", top.set_index("source"))
    if selection is not None:
        run.write_table("selection.csv", selection.table.set_index("candidate"))
    write_graphml(links_graph(top, directed=bool(predictor.settings_.get("ordered"))),
                  run.file("top_links.graphml"), what="top_links.graphml")
    predictor.save(run.file(PREDICTOR_FILE))
    return LinksExperimentResult(config=config, predictor=predictor, top=top, run=run)


def explain_pair_run(run_dir: str | Path, source: str, target: str) -> tuple[pd.DataFrame, Path]:
    """Explain one pair with the predictor of a link-prediction run folder
    (:meth:`LinkPredictor.explain`: the paths behind a heuristic's score, or the
    classifier's feature shares) and write ``RUN/explain/pair_<source>_<target>.csv``.

    Returns:
        The explanation and the file written.

    Raises:
        DataFormatError: not a link-prediction run folder, or one without its predictor.
        IdMappingError: a gene that is not a node of the run's map.
        ConfigError: an autoencoder run (no path or feature reading).
    """
    folder = Path(run_dir)
    path = folder / PREDICTOR_FILE
    if not path.is_file():
        raise DataFormatError(f"{folder}: not a link-prediction run folder of graphgen run "
                              f"(no {PREDICTOR_FILE}); --pair explains a `task = \"links\"` "
                              "run")
    predictor = LinkPredictor.load(path)
    table = predictor.explain(source, target)
    out = folder / "explain"
    out.mkdir(exist_ok=True)
    name = "pair_" + "_".join(re.sub(r"[^A-Za-z0-9.-]+", "-", g) for g in (source, target))
    written = write_csv(out / f"{name}.csv", table, index=False, float_format="%.6g")
    return table, written
