"""Command-line faces of the catalog: import, seed, list, show and edit works."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from curator.cli.output import (
    EXIT_OK,
    EXIT_USER_ERROR,
    Subcommands,
    print_json,
    print_report,
    print_work,
    record_json,
    work_json,
)
from curator.domain.errors import CuratorError
from curator.domain.report import counted
from curator.services import importing, recovery, works
from curator.services.catalogs import Catalog
from curator.services.samples import sample_listing_paths


def add_import_commands(sub: Subcommands) -> None:
    p = sub.add_parser("import", help="import listing files into the catalog")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", metavar="NAME", help="force a listing style instead of detecting it")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.set_defaults(run=cmd_import, fills_catalog=True)

    p = sub.add_parser("seed", help="import the built-in sample listings")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.set_defaults(run=cmd_seed, fills_catalog=True)

    p = sub.add_parser(
        "recover-fields",
        help="read volume, pages, publisher... again from the .bib records of works imported "
        "before curator kept them (one undoable step)",
    )
    p.set_defaults(run=cmd_recover_fields)

    p = sub.add_parser("gui", help="open the catalog in the window")
    p.add_argument("--sample", action="store_true", help="open the built-in sample catalog")
    p.set_defaults(run=None)  # the window: started by curator.app, which sits above us


def add_catalog_commands(sub: Subcommands) -> None:
    p = sub.add_parser("records", help="list every source record")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--work", type=int, metavar="WORK_ID", help="only the records of this work")
    p.set_defaults(run=cmd_records)

    p = sub.add_parser("works", help="list the works in the catalog")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--search", metavar="TEXT", help="full-text search in titles, authors, ...")
    p.set_defaults(run=cmd_works)

    p = sub.add_parser("show", help="show one work with its source records")
    p.add_argument("work_id", type=int, metavar="WORK_ID")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_show)

    p = sub.add_parser("edit", help="change fields of a work")
    p.add_argument("work_id", type=int, metavar="WORK_ID")
    p.add_argument(
        "--set",
        dest="changes",
        action="append",
        required=True,
        metavar="FIELD=VALUE",
        help="field to change (repeatable); an empty VALUE clears the field; "
        "separate authors with ';', e.g. authors='Ada Lovelace; Alan Turing'; other BibTeX "
        "fields by name, e.g. volume=27 or pages=97--111",
    )
    p.add_argument("--json", action="store_true", help="print the edited work as JSON")
    p.set_defaults(run=cmd_edit)


def _run_import(
    catalog: Catalog, files: Sequence[Path | str], fmt: str | None, as_json: bool
) -> int:
    run = importing.run_to_end(importing.import_files(catalog, files, fmt))
    if as_json:
        print_json({"files": [r.to_json() for r in run.reports], "errors": run.failures})
    else:
        for report in run.reports:
            print_report(report)
    for failure in run.failures:
        print(f"curator: {failure}", file=sys.stderr)
    return EXIT_OK if run.ok else EXIT_USER_ERROR


def cmd_import(catalog: Catalog, args: argparse.Namespace) -> int:
    return _run_import(catalog, args.files, args.format, args.json)


def cmd_seed(catalog: Catalog, args: argparse.Namespace) -> int:
    return _run_import(catalog, sample_listing_paths(), None, args.json)


def cmd_recover_fields(catalog: Catalog, args: argparse.Namespace) -> int:
    n = recovery.recover_other_fields(catalog)
    print(
        f"other BibTeX fields recovered for {counted(n, 'work')}" + (" (curator undo)" if n else "")
    )
    return EXIT_OK


def cmd_records(catalog: Catalog, args: argparse.Namespace) -> int:
    found = works.records(catalog, args.work)
    if args.json:
        print_json([record_json(r) for r in found])
        return EXIT_OK
    for r in found:
        title = r.title or (r.abstract or "")[:60] + "..."
        print(
            f"{r.id:>6}  work {r.work_id:<6} {r.source_file}:{r.first_line}-{r.last_line}  {title}"
        )
    return EXIT_OK


def cmd_works(catalog: Catalog, args: argparse.Namespace) -> int:
    found = works.works(catalog, args.search)
    if args.json:
        print_json([work_json(w) for w in found])
        return EXIT_OK
    for w in found:
        year = w.year or "----"
        title = w.title or "[no title] " + (w.abstract or "")[:50] + "…"
        venue = f"  [{w.venue}]" if w.venue else ""
        print(f"{w.id:>6}  {year}  {title}{venue}")
    print(counted(len(found), "work"), file=sys.stderr)
    return EXIT_OK


def cmd_show(catalog: Catalog, args: argparse.Namespace) -> int:
    w = works.work(catalog, args.work_id)
    recs = works.records(catalog, args.work_id)
    if args.json:
        print_json({**work_json(w), "records": [record_json(r) for r in recs]})
        return EXIT_OK
    print_work(w)
    print("\nsource records:")
    for r in recs:
        where = f"{r.source_file}, record {r.ordinal}, lines {r.first_line}-{r.last_line}"
        print(f"  record {r.id}: {where}")
    return EXIT_OK


def parse_assignments(items: Sequence[str]) -> dict[str, str | None]:
    changes: dict[str, str | None] = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise CuratorError(f"--set {item!r}: expected FIELD=VALUE, e.g. --set year=2023")
        changes[field.strip()] = value if value.strip() else None
    return changes


def cmd_edit(catalog: Catalog, args: argparse.Namespace) -> int:
    w = works.edit_work(catalog, args.work_id, parse_assignments(args.changes))
    if args.json:
        print_json(work_json(w))
    else:
        print_work(w)
    return EXIT_OK
