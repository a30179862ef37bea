"""Node features as named blocks (expression, GO, topology, sequence ...) stacked into ``x``."""

from graphgen.features.blocks import stack_blocks

__all__ = ["stack_blocks"]
