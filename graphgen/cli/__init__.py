"""The ``graphgen`` command line (entry point: :func:`graphgen.cli.main.main`)."""

__all__: list[str] = []
