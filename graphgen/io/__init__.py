"""Reading and writing files: readers turn public formats into tables; writes are atomic."""

from graphgen.io.atomic import atomic_write

__all__ = ["atomic_write"]
