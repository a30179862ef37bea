"""Downloads into the data cache: streamed, checksum-verified, written atomically.

A file is streamed to a temporary file beside its destination while its sha256 is computed,
then checked and renamed into place, so the cache never holds a partial or corrupt file under
its real name. When a manifest gives no sha256 (upstream publishes none), the checksum of the
first download is recorded in ``<cache>/<dataset>/<version>/SHA256SUMS`` and every later
fetch is verified against it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from graphgen.progress import progress_bar

from graphgen.datasets.manifest import DataFile, Manifest
from graphgen.exceptions import ChecksumError, DataNotAvailableError, OutputError
from graphgen.io.atomic import atomic_write, temporary_file

__all__ = ["cache_folder", "download_file", "recorded_checksums", "sha256_of", "verify_cached"]

log = logging.getLogger(__name__)
_BLOCK = 1 << 20


def cache_folder(manifest: Manifest, data_dir: Path) -> Path:
    """``<data_dir>/<name>/<version>``: where the files of a data set are cached."""
    return Path(data_dir) / manifest.name / manifest.version


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def recorded_checksums(folder: Path) -> dict[str, str]:
    """File name -> sha256 recorded in ``folder/SHA256SUMS`` (empty if none)."""
    sums = folder / "SHA256SUMS"
    if not sums.exists():
        return {}
    records = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            records[parts[1]] = parts[0]
    return records


def _record_checksum(folder: Path, name: str, sha: str) -> None:
    records = recorded_checksums(folder)
    records[name] = sha
    with atomic_write(folder / "SHA256SUMS") as handle:
        handle.writelines(f"{v}  {k}\n" for k, v in sorted(records.items()))


def download_file(
    manifest: Manifest, entry: DataFile, data_dir: Path, *, progress: bool | None = None,
    refresh: bool = False,
) -> Path:
    """Fetch one file of a data set into the cache and verify it; return its path.

    An existing cached file is verified and reused unless ``refresh``. The expected sha256 is
    the manifest's, else the one recorded at first download; ``refresh`` of a file without a
    manifest checksum records the new download's checksum.

    Raises:
        DataNotAvailableError: the download failed (offline, HTTP error); the message says
            where to get the file by hand.
        ChecksumError: the file's sha256 differs from the expected one (the bad download is
            discarded, the cache keeps nothing under the file's name).
        OutputError: the cache folder cannot be written.
    """
    folder = cache_folder(manifest, data_dir)
    target = folder / entry.name
    expected = entry.sha256 or ("" if refresh else recorded_checksums(folder).get(entry.name, ""))
    if target.exists() and not refresh:
        return verify_cached(manifest, entry, data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create data cache folder {folder}: {exc.strerror or exc}; "
                          "set GRAPHGEN_DATA to a writable folder") from exc
    fd, tmp_name = temporary_file(folder, prefix=f".{entry.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(entry.url, out, f"{manifest.name}: {entry.name}", progress, manifest, folder)
        if entry.member:
            tmp = _extract_member(tmp, entry.member, folder, entry.url)
        actual = sha256_of(tmp)
        if expected and actual != expected:
            raise ChecksumError(
                f"{entry.url}: downloaded file has sha256 {actual}, expected {expected} "
                f"(manifest {manifest.path}); the download was discarded. If upstream "
                "changed the file, update the manifest or fetch with --refresh"
            )
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if not entry.sha256:
        _record_checksum(folder, entry.name, actual)
    log.info("%s: %s verified (sha256 %s)", manifest.name, entry.name, actual)
    return target


def verify_cached(manifest: Manifest, entry: DataFile, data_dir: Path) -> Path:
    """Check a file already in the cache before it is used; return its path.

    A pinned ``sha256`` (manifest) or the one recorded at first download must match. A file
    with neither (copied in by hand, or from an older graphgen) must be at least
    ``entry.min_bytes`` long; its sha256 is then recorded, with a warning, so later changes
    are caught.

    Raises:
        DataNotAvailableError: the file is not in the cache.
        ChecksumError: the sha256 differs from the pinned or recorded one, or the file is
            shorter than the manifest's ``min_bytes`` (truncated).
    """
    folder = cache_folder(manifest, data_dir)
    target = folder / entry.name
    if not target.is_file():
        raise DataNotAvailableError(f"data set {manifest.name!r}: {target} is not in the cache")
    expected = entry.sha256 or recorded_checksums(folder).get(entry.name, "")
    actual = sha256_of(target)
    if expected:
        if actual != expected:
            source = "its manifest" if entry.sha256 else "the checksum recorded at first use"
            raise ChecksumError(
                f"{target}: cached file has sha256 {actual}, but {source} says {expected}; "
                f"delete it or run `graphgen datasets fetch {manifest.name} --refresh`")
        return target
    size = target.stat().st_size
    if size < entry.min_bytes:
        raise ChecksumError(
            f"{target}: cached file has {size:,} bytes, fewer than the {entry.min_bytes:,} "
            f"expected for {manifest.name} {manifest.version} (a truncated copy?); delete it "
            f"and fetch it again from {entry.url}")
    log.warning("%s: %s has no pinned or recorded checksum (copied into the cache by hand?); "
                "trusting it and recording its sha256 %s", manifest.name, target, actual)
    _record_checksum(folder, entry.name, actual)
    return target


def _stream(url: str, out, label: str, progress: bool, manifest: Manifest, folder: Path) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "graphgen"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            total = response.headers.get("Content-Length")
            with progress_bar(total=int(total) if total else None, unit="B", unit_scale=True,
                              desc=label, show=progress, leave=False) as bar:
                for block in iter(lambda: response.read(_BLOCK), b""):
                    out.write(block)
                    bar.update(len(block))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DataNotAvailableError(
            f"data set {manifest.name!r}: cannot download {url} ({reason}). Without internet "
            f"access, download it on another machine (see {manifest.homepage}) and pass its "
            f"local path to the loader, or copy it into {folder}/"
        ) from None


def _extract_member(archive: Path, member: str, folder: Path, url: str) -> Path:
    try:
        with zipfile.ZipFile(archive) as zf, zf.open(member) as src:
            fd, name = temporary_file(folder, prefix=f".{Path(member).name}.", suffix=".part")
            with os.fdopen(fd, "wb") as dst:
                shutil.copyfileobj(src, dst, _BLOCK)
    except KeyError:
        raise DataNotAvailableError(f"{url}: the archive has no member {member!r}") from None
    except zipfile.BadZipFile as exc:
        raise DataNotAvailableError(f"{url}: not a valid zip archive ({exc})") from None
    finally:
        archive.unlink(missing_ok=True)
    return Path(name)
