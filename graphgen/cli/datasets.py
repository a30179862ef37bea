"""``graphgen datasets list|info|fetch``: the public data sets graphgen knows."""

from __future__ import annotations

import argparse

from graphgen.datasets.download import cache_folder
from graphgen.datasets.registry import dataset_info, fetch, list_datasets
from graphgen.settings import settings

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``datasets`` command and its sub-commands."""
    parser = sub.add_parser(
        "datasets", help="list, describe and download public data sets",
        description="Public data sets with manifests (URL, version, licence, citation, sha256). "
                    "Files go to $GRAPHGEN_DATA (default ~/.cache/graphgen).")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True,
                                    parser_class=type(parser))
    actions.add_parser("list", help="one line per data set")
    info = actions.add_parser("info", help="everything the manifest says about one data set")
    info.add_argument("name")
    get = actions.add_parser("fetch", help="download into the cache and verify the checksum")
    get.add_argument("names", nargs="+", metavar="NAME")
    get.add_argument("--refresh", action="store_true",
                     help="download again even if cached (for files upstream replaces)")
    get.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def run(args: argparse.Namespace) -> int:
    """Carry out ``graphgen datasets ACTION``."""
    if args.action == "list":
        table = list_datasets()
        for name, row in table.iterrows():
            mark = "cached" if row["cached"] else "-"
            print(f"{name:30s} {row['kind']:12s} {row['version']:12s} {mark:7s} {row['title']}")
        print(f"\ncache: {settings.data_dir}")
        return 0
    if args.action == "info":
        m = dataset_info(args.name)
        print(f"{m.name}: {m.title}\nversion:  {m.version}\nkind:     {m.kind}  (format "
              f"{m.format})\nhomepage: {m.homepage}\nlicence:  {m.licence}\ncitation: {m.citation}")
        if m.columns:
            print(f"columns:  {', '.join(m.columns)}")
        for f in m.files:
            print(f"file:     {f.name}\n  url:    {f.url}"
                  + (f"\n  member: {f.member}" if f.member else "")
                  + f"\n  sha256: {f.sha256 or '(none upstream: recorded at first download)'}")
        print(f"cache:    {cache_folder(m, settings.data_dir)}")
        if m.description:
            print(f"\n{m.description}")
        return 0
    for name in args.names:
        path = fetch(name, refresh=args.refresh, progress=False if args.no_progress else None)
        print(f"{name}: {path}")
    return 0
