"""The ``graphgen`` command line."""
