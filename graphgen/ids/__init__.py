"""Identifier mapping between symbols, aliases, Entrez, Ensembl, UniProt and STRING ids."""

from graphgen.ids.mapper import ID_TYPES, IdMapper, IdMapping

__all__ = ["ID_TYPES", "IdMapper", "IdMapping"]
