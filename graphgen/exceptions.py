"""The one error hierarchy of graphgen.

Every error a user can cause derives from :class:`GraphgenError`, so a script can catch them
all with one ``except``; the subclasses also derive from the built-in error a Python user would
expect (``ValueError``, ``KeyError``, ``ImportError``, ``OSError``), so existing handlers keep
working. Messages name the file, line, gene or parameter at fault, what was expected, what was
received and what to do.
"""

from __future__ import annotations

__all__ = [
    "GraphgenError",
    "ConfigError",
    "DataFormatError",
    "IdMappingError",
    "NotFittedError",
    "MissingDependencyError",
    "OutputError",
    "DataNotAvailableError",
    "ChecksumError",
    "TrainingError",
    "ConfoundedDesignError",
]


class GraphgenError(Exception):
    """Base class of every error graphgen raises on purpose."""


class ConfigError(GraphgenError, ValueError):
    """A parameter or configuration value is outside what is allowed."""


class DataFormatError(GraphgenError, ValueError):
    """An input file or table does not have the expected shape or content."""


class IdMappingError(GraphgenError, KeyError):
    """Gene or sample identifiers cannot be matched between two objects."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it plain.
        return str(self.args[0]) if self.args else ""


class NotFittedError(GraphgenError, AttributeError):
    """A fitted attribute was used before ``fit`` was called."""


class MissingDependencyError(GraphgenError, ImportError):
    """An optional dependency is needed for this call and is not installed."""


class OutputError(GraphgenError, OSError):
    """A run folder, cache or checkpoint cannot be written."""


class DataNotAvailableError(GraphgenError, FileNotFoundError):
    """A data set is neither at the given path nor in the cache (and may not be downloaded)."""


class ChecksumError(GraphgenError, OSError):
    """A downloaded or cached file does not have the sha256 its manifest or record expects."""


class TrainingError(GraphgenError, RuntimeError):
    """Training cannot go on: the loss became NaN or infinite (diverged)."""


class ConfoundedDesignError(DataFormatError):
    """A correction or evaluation cannot tell a covariate (batch) apart from the label."""
