"""Dataset manifests: where a public data set comes from and how to check it.

One TOML file per data set in ``graphgen/datasets/manifests/`` (linked as ``datasets/`` at
the top of the repository) records its upstream URL, version, licence, citation, format,
columns and, per file, a sha256. Where upstream publishes no checksum the field is empty and
graphgen records the checksum at first download (see :mod:`graphgen.datasets.download`).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graphgen.exceptions import ConfigError, DataFormatError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["DataFile", "Manifest", "load_manifest", "manifests"]

_REQUIRED = ("name", "title", "version", "kind", "format", "homepage", "licence", "citation",
             "files")
_OPTIONAL = ("columns", "description")
_FILE_KEYS = {"name", "url", "sha256", "member", "min_bytes"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Names, versions and file names become cache paths: one plain path component each.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


@dataclass(frozen=True)
class DataFile:
    """One file of a data set.

    Attributes:
        name: file name in the cache.
        url: upstream address (``https://``, ``http://``, ``ftp://`` or ``file://``).
        sha256: expected checksum, or ``""`` when upstream publishes none.
        member: for a ``.zip`` download, the archive member that is the file.
        min_bytes: a lower bound on the file's size (0: none), checked on first use of a
            file without a pinned ``sha256``, so a truncated copy put into the cache by hand
            is refused instead of being trusted and recorded.
    """

    name: str
    url: str
    sha256: str = ""
    member: str = ""
    min_bytes: int = 0


@dataclass(frozen=True)
class Manifest:
    """Provenance of one data set (a parsed manifest TOML file)."""

    name: str
    title: str
    version: str
    kind: str
    format: str
    homepage: str
    licence: str
    citation: str
    files: tuple[DataFile, ...]
    columns: tuple[str, ...] = ()
    description: str = ""
    path: Path | None = None

    @property
    def main_file(self) -> DataFile:
        """The first file: the one loaders read."""
        return self.files[0]


def load_manifest(path: str | os.PathLike) -> Manifest:
    """Read and check one manifest file.

    Raises:
        DataFormatError: not TOML, a missing or unknown key, a bad sha256 or URL, a name,
            version or file name that is not one plain path component (``../x``).
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFormatError(f"{path}: not a readable manifest ({exc})") from None
    missing = [k for k in _REQUIRED if k not in raw]
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if missing or unknown:
        raise DataFormatError(f"{path}: manifest lacks {missing} / has unknown keys {unknown}; "
                              f"allowed keys are {list(_REQUIRED + _OPTIONAL)}")
    for key in ("name", "version"):
        _check_safe(path, key, str(raw[key]))
    files = []
    for i, entry in enumerate(raw["files"]):
        bad = sorted(set(entry) - _FILE_KEYS)
        if bad or "name" not in entry or "url" not in entry:
            raise DataFormatError(f"{path}: files[{i}] needs name and url (allowed keys "
                                  f"{sorted(_FILE_KEYS)}), got {sorted(entry)}")
        sha = entry.get("sha256", "").lower()
        if sha and not _SHA256.match(sha):
            raise DataFormatError(f"{path}: files[{i}].sha256 is not 64 hex digits: {sha!r}")
        if not re.match(r"^(https?|ftp|file)://", entry["url"]):
            raise DataFormatError(f"{path}: files[{i}].url {entry['url']!r} is not an "
                                  "http(s), ftp or file URL")
        _check_safe(path, f"files[{i}].name", str(entry["name"]))
        min_bytes = entry.get("min_bytes", 0)
        if isinstance(min_bytes, bool) or not isinstance(min_bytes, int) or min_bytes < 0:
            raise DataFormatError(f"{path}: files[{i}].min_bytes must be an integer >= 0, got "
                                  f"{min_bytes!r}")
        files.append(DataFile(name=entry["name"], url=entry["url"], sha256=sha,
                              member=entry.get("member", ""), min_bytes=min_bytes))
    if not files:
        raise DataFormatError(f"{path}: manifest lists no files")
    return Manifest(
        name=raw["name"], title=raw["title"], version=str(raw["version"]), kind=raw["kind"],
        format=raw["format"], homepage=raw["homepage"], licence=raw["licence"],
        citation=raw["citation"], files=tuple(files), columns=tuple(raw.get("columns", ())),
        description=raw.get("description", "").strip(), path=path,
    )


def _check_safe(path: Path, key: str, value: str) -> None:
    if not _SAFE_NAME.match(value) or ".." in value:
        raise DataFormatError(
            f"{path}: {key} {value!r} must be one plain name (letters, digits, '.', '_', '+', "
            "'-'; no '/', '\\' or '..'): it becomes a folder or file name in the cache")


def manifests(folder: str | os.PathLike | None = None) -> dict[str, Manifest]:
    """Every manifest by name (the package's own unless ``folder`` is given).

    Raises:
        ConfigError: two manifests share a name.

    Example:
        >>> "trrust-human" in manifests()
        True
    """
    if folder is None:
        root = resources.files("graphgen.datasets") / "manifests"
        paths = sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".toml"))
    else:
        paths = sorted(Path(folder).glob("*.toml"))
    found: dict[str, Manifest] = {}
    for path in paths:
        manifest = load_manifest(path)
        if manifest.name in found:
            raise ConfigError(f"two manifests are named {manifest.name!r}: "
                              f"{found[manifest.name].path} and {path}")
        found[manifest.name] = manifest
    return found
