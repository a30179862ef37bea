"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from graphgen.exceptions import OutputError

__all__ = ["atomic_write", "temporary_file"]


def temporary_file(folder: str | os.PathLike, *, prefix: str, suffix: str) -> tuple[int, str]:
    """A new temporary file in ``folder`` with the permissions a plain ``open`` would give.

    ``tempfile.mkstemp`` creates files readable by their owner only (0600); renamed into
    place, a run folder or model file would then be private on a shared server. Here the
    mode is set from the user's umask (0644 under the usual umask 022), as ``open`` does.

    Returns:
        The open file descriptor and the path, as ``tempfile.mkstemp``.

    Raises:
        OSError: the folder cannot be written.
    """
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    with contextlib.suppress(OSError):  # a file system without permissions: its default
        os.fchmod(fd, 0o666 & ~_umask())
    return fd, name


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", **open_kwargs) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success, fsync it and rename it onto ``path``.

    If the block raises, the temporary file is removed and ``path`` is left untouched. A
    failed write (a full disk: ``OSError``, or torch's stream writer's ``RuntimeError``) is
    raised as one :class:`~graphgen.exceptions.OutputError` naming ``path``.

    Args:
        path: destination file.
        mode: ``"w"`` (text) or ``"wb"`` (binary).
        **open_kwargs: passed to ``open`` (e.g. ``encoding``, ``newline``).

    Raises:
        OutputError: the folder of ``path`` cannot be written, or writing fails.

    Example:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> with atomic_write(target) as handle:
        ...     _ = handle.write("done")
        >>> target.read_text()
        'done'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb', got {mode!r}")
    path = Path(path)
    if mode == "w":
        open_kwargs.setdefault("encoding", "utf-8")
    try:
        fd, tmp = temporary_file(path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc} (the previous "
                              "file, if any, is kept)") from exc
        if isinstance(exc, RuntimeError) and "write" in str(exc).lower():
            # torch.save reports a full disk as a RuntimeError of its stream writer
            raise OutputError(f"cannot write {path}: {exc} (the previous file, if any, is "
                              "kept; is the disk full?)") from exc
        raise
