"""The data sets graphgen knows: list them, describe them, fetch them, find them on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from graphgen.datasets.download import cache_folder, download_file, verify_cached
from graphgen.datasets.manifest import Manifest, manifests
from graphgen.exceptions import ConfigError, DataNotAvailableError
from graphgen.settings import settings

__all__ = ["dataset_info", "dataset_path", "fetch", "list_datasets", "resolve_source"]


def list_datasets() -> pd.DataFrame:
    """One row per known data set: title, version, kind, format, licence, cached or not.

    Example:
        >>> "trrust-human" in list_datasets().index
        True
    """
    rows = []
    for name, m in manifests().items():
        folder = cache_folder(m, settings.data_dir)
        rows.append({"name": name, "title": m.title, "version": m.version, "kind": m.kind,
                     "format": m.format, "licence": m.licence,
                     "cached": all((folder / f.name).exists() for f in m.files)})
    return pd.DataFrame(rows).set_index("name")


def dataset_info(name: str) -> Manifest:
    """The manifest of data set ``name``.

    Raises:
        ConfigError: unknown name (the message lists the known ones).
    """
    known = manifests()
    if name not in known:
        raise ConfigError(f"unknown data set {name!r}; known data sets are {sorted(known)}")
    return known[name]


def fetch(name: str, *, refresh: bool = False, progress: bool | None = None) -> Path:
    """Download data set ``name`` into the cache (if needed) and verify it.

    Args:
        name: a data set of :func:`list_datasets`.
        refresh: download again even if cached (for upstream files that change).
        progress: show a progress bar (``None``: on a terminal only, tqdm's convention).

    Returns:
        Path of the data set's main file in ``settings.data_dir``.

    Raises:
        ConfigError: unknown name.
        DataNotAvailableError: the download failed (the message says where to get it).
        ChecksumError: the file does not match its checksum.
    """
    manifest = dataset_info(name)
    paths = [download_file(manifest, entry, settings.data_dir, progress=progress,
                           refresh=refresh) for entry in manifest.files]
    return paths[0]


def dataset_path(name: str) -> Path:
    """Path of the cached main file of data set ``name``, without downloading.

    Every cached file of the data set is verified first (see
    :func:`~graphgen.datasets.download.verify_cached`): against the manifest's sha256, or the
    one recorded at first use, or, for a file without either, the manifest's ``min_bytes``.

    Raises:
        ConfigError: unknown name.
        ChecksumError: a cached file fails its check.
        DataNotAvailableError: not in the cache; the message gives the fetch command and
            the upstream URL.
    """
    manifest = dataset_info(name)
    path = cache_folder(manifest, settings.data_dir) / manifest.main_file.name
    if not path.exists():
        raise DataNotAvailableError(
            f"data set {name!r} is not in the cache ({path}). Run `graphgen datasets fetch "
            f"{name}` (needs internet), or download {manifest.main_file.url} yourself and "
            "pass the file's path instead of the name"
        )
    for entry in manifest.files:
        verify_cached(manifest, entry, settings.data_dir)
    return path


def resolve_source(source: str | os.PathLike, *, download: bool = False) -> Path:
    """A loader's input: an existing file path, or the name of a known data set.

    Args:
        source: path of a local file, or a data set name (see :func:`list_datasets`).
        download: fetch a named data set that is not cached yet.

    Raises:
        DataNotAvailableError: neither an existing file nor a cached data set (the message
            says how to get it).
    """
    path = Path(source)
    if path.exists():
        return path
    known = manifests()
    if isinstance(source, str) and source in known:
        return fetch(source) if download else dataset_path(source)
    raise DataNotAvailableError(
        f"{source}: no such file, and not a known data set name (known: {sorted(known)})"
    )
