"""Data sets: the built-in simulated organism (offline default) and, later, public data."""

from graphgen.datasets.synthetic import Organism, make_organism

__all__ = ["Organism", "make_organism"]
