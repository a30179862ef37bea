"""Readers of public formats (each returns a table; errors name file and line) and atomic
writes."""

from graphgen.io.atomic import atomic_write
from graphgen.io.biogrid import BiogridFormat, read_biogrid
from graphgen.io.dorothea import DorotheaFormat, read_dorothea
from graphgen.io.edgelist import EdgeListFormat, read_edgelist
from graphgen.io.expression import read_expression
from graphgen.io.fasta import read_fasta, read_sequence_table
from graphgen.io.go import read_gaf, read_gene2go, read_go_annotations, read_obo, to_associations
from graphgen.io.mogonet import MogonetCohort, read_mogonet
from graphgen.io.string import StringFormat, read_string
from graphgen.io.string_actions import read_string_actions
from graphgen.io.trrust import read_trrust
from graphgen.io.tu import TUDataset, read_tu

__all__ = [
    "BiogridFormat",
    "DorotheaFormat",
    "EdgeListFormat",
    "MogonetCohort",
    "StringFormat",
    "TUDataset",
    "atomic_write",
    "read_biogrid",
    "read_dorothea",
    "read_edgelist",
    "read_expression",
    "read_fasta",
    "read_gaf",
    "read_gene2go",
    "read_go_annotations",
    "read_mogonet",
    "read_obo",
    "read_sequence_table",
    "read_string",
    "read_string_actions",
    "read_trrust",
    "read_tu",
    "to_associations",
]
