"""The one piece of global state: where data sets are cached and how chatty graphgen is.

Everything else (seeds, devices, paths of a run) is an argument. ``settings`` is read at call
time, so a script may change it once at the top::

    import graphgen
    graphgen.settings.data_dir = "/scratch/graphgen-data"
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CSV_ENGINES", "Settings", "csv_engine", "settings"]

#: Values of ``$GRAPHGEN_CSV_ENGINE`` (any case).
CSV_ENGINES = ("auto", "pandas", "polars", "pyarrow")


def csv_engine() -> str:
    """The table parser asked for in ``$GRAPHGEN_CSV_ENGINE``, read at call time.

    Returns:
        ``"auto"`` (unset or empty), ``"pandas"``, ``"polars"`` or ``"pyarrow"``; the value
        is matched without regard to case or surrounding spaces.

    Raises:
        ConfigError: any other value (the variable and the allowed values are named).

    Example:
        >>> import os
        >>> os.environ.get("GRAPHGEN_CSV_ENGINE") is None and csv_engine() == "auto"
        True
    """
    from graphgen.exceptions import ConfigError

    raw = os.environ.get("GRAPHGEN_CSV_ENGINE", "")
    value = raw.strip().lower() or "auto"
    if value not in CSV_ENGINES:
        raise ConfigError(f"GRAPHGEN_CSV_ENGINE={raw!r} is not an engine; use one of "
                          f"{list(CSV_ENGINES)} (or unset it)")
    return value


def _default_data_dir() -> Path:
    env = os.environ.get("GRAPHGEN_DATA")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "graphgen"


@dataclass
class Settings:
    """Process-wide settings of graphgen.

    Attributes:
        data_dir: cache of downloaded data sets (``$GRAPHGEN_DATA``, default
            ``~/.cache/graphgen``).
        verbosity: level of the ``graphgen`` logger (``logging.WARNING`` by default).

    Example:
        >>> s = Settings(data_dir=Path("/tmp/gg"))
        >>> s.data_dir.name
        'gg'
    """

    data_dir: Path = field(default_factory=_default_data_dir)
    verbosity: int = logging.WARNING

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ready", True)

    def __setattr__(self, name: str, value: object) -> None:
        if name == "data_dir":
            value = Path(value).expanduser()  # type: ignore[arg-type]
        if name == "verbosity" and getattr(self, "_ready", False):
            # Only an explicit change touches logging: importing graphgen has no side effects.
            logging.getLogger("graphgen").setLevel(value)  # type: ignore[arg-type]
        super().__setattr__(name, value)


#: The settings graphgen reads; change attributes, do not rebind the name.
settings = Settings()
