"""Data sets: the simulated organism (offline default) and manifests of public data sets,
downloaded with checksums into ``$GRAPHGEN_DATA`` (default ``~/.cache/graphgen``)."""

from graphgen.datasets.manifest import DataFile, Manifest, load_manifest, manifests
from graphgen.datasets.registry import (
    dataset_info,
    dataset_path,
    fetch,
    list_datasets,
    resolve_source,
)
from graphgen.datasets.synthetic import Organism, make_organism

__all__ = [
    "DataFile",
    "Manifest",
    "Organism",
    "dataset_info",
    "dataset_path",
    "fetch",
    "list_datasets",
    "load_manifest",
    "make_organism",
    "manifests",
    "resolve_source",
]
