"""Command-line face of whole catalogs: `curator catalog copy SRC DST` moves one between a
file and a PostgreSQL server (either way), checked table by table."""

from __future__ import annotations

import argparse

from curator.cli.output import EXIT_OK, Subcommands, print_json
from curator.services.copying import CopyReport, copy_catalog


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("catalog", help="whole catalogs: copy one to a file or a server")
    areas = p.add_subparsers(dest="catalog_command", metavar="COMMAND", required=True)
    c = areas.add_parser(
        "copy",
        help="copy a catalog (a file or postgresql://user@host/db) into a new file or an "
        "empty server database, every row and id, checked table by table",
    )
    c.add_argument("source", metavar="SRC", help="the catalog to copy: a file or an address")
    c.add_argument(
        "destination",
        metavar="DST",
        help="a file that does not exist yet, or a server database with no curator catalog",
    )
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.set_defaults(run=cmd_copy, no_catalog=True)


def cmd_copy(args: argparse.Namespace) -> int:
    report = copy_catalog(args.source, args.destination)
    if args.json:
        print_json(_as_json(report))
        return EXIT_OK
    print(f"copied {report.source} to {report.destination} in {report.seconds:.1f} s")
    width = max(len(t.table) for t in report.tables)
    for t in report.tables:
        print(f"  {t.table:<{width}}  {t.rows:>8} rows  sha256 {t.checksum[:16]}  same")
    print(f"{report.rows} rows, every table checked: the copy has the same rows and ids")
    return EXIT_OK


def _as_json(report: CopyReport) -> dict[str, object]:
    return {
        "source": report.source,
        "destination": report.destination,
        "seconds": round(report.seconds, 3),
        "tables": [
            {"table": t.table, "rows": t.rows, "sha256": t.checksum, "counter": t.counter}
            for t in report.tables
        ],
    }
