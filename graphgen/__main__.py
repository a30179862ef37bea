"""``python -m graphgen``: the same as the ``graphgen`` command."""

import sys

from graphgen.cli.main import main

__all__: list[str] = []

sys.exit(main())
