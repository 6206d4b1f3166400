"""Command-line face of export: `curator export --format bibtex [-o FILE] [--only IDS|--search]`."""

from __future__ import annotations

import argparse
import sys

from curator.cli.output import EXIT_OK, EXIT_USER_ERROR, Subcommands
from curator.domain.errors import CuratorError
from curator.domain.progress import drain
from curator.domain.report import counted
from curator.export.bibtex import ExportOptions
from curator.export.latex import Charset
from curator.services import exporting, history, salvage
from curator.services.catalogs import Catalog


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("export", help="write works as a BibTeX file")
    p.add_argument("--format", default="bibtex", choices=["bibtex"], help="the file format")
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: stdout)")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--only", metavar="IDS", help="only these works: 3,5,8-12")
    scope.add_argument("--search", metavar="TEXT", help="only works matching this search")
    p.add_argument(
        "--charset",
        choices=[c.value for c in Charset],
        default=Charset.UTF8.value,
        help='utf8: keep accents as they are (biber); latex: write \\"u etc. (classic bibtex)',
    )
    p.add_argument("--abstracts", action="store_true", help="include abstracts")
    p.add_argument("--no-notes", action="store_true", help="leave out notes (written as annote)")
    p.set_defaults(run=cmd_export)
    p = sub.add_parser(
        "undo-keys",
        help="take back the citation keys an export gave (`curator undo` passes over them)",
    )
    p.add_argument("event", type=int, metavar="EVENT", help="the keys step's number in history")
    p.set_defaults(run=cmd_undo_keys)


MAX_IDS = 10_000_000


def parse_ids(text: str) -> list[int]:
    """'3,5,8-12' -> [3, 5, 8, 9, 10, 11, 12]; a CuratorError for anything else."""
    ids: list[int] = []
    for part in text.split(","):
        part = part.strip()
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise CuratorError(f"--only: {part!r} is not a work id or a range such as 8-12")
        if dash and int(high) - int(low) > MAX_IDS:
            raise CuratorError(f"--only: {part!r} is a range of more than {MAX_IDS:,} ids")
        ids.extend(range(int(low), int(high) + 1) if dash else [int(low)])
    return ids


def cmd_export(catalog: Catalog, args: argparse.Namespace) -> int:
    ids = parse_ids(args.only) if args.only is not None else None
    if args.output is not None:
        exporting.check_target(args.output)  # `-o /dev/null`: refused before a long plan
    options = ExportOptions(
        charset=Charset(args.charset), abstracts=args.abstracts, notes=not args.no_notes
    )
    if catalog.damaged:
        return _salvage(catalog, args, options)
    export = exporting.plan(catalog, ids=ids, search=args.search)
    if not export.ids:
        raise CuratorError("nothing to export: no work matches")
    result = exporting.run_to_end(exporting.export_bibtex(catalog, export, args.output, options))
    if result.path is None:
        sys.stdout.write(result.text)
    for gap in export.gaps:  # once written: an export that fails says only why
        print(f"curator: incomplete: {gap.describe()}", file=sys.stderr)
    summary = counted(result.n_entries, "entry", "entries")
    if export.gaps:
        summary += f", {len(export.gaps)} incomplete (listed above)"
    if result.new_keys:
        summary += f", {counted(len(result.new_keys), 'new citation key')}"
    print(f"curator: exported {summary}" + (f" to {result.path}" if result.path else ""),
          file=sys.stderr)  # fmt: skip
    return EXIT_OK


def cmd_undo_keys(catalog: Catalog, args: argparse.Namespace) -> int:
    """The window's History › Undo These Keys…: the works lose the keys an export gave,
    unless a later change relies on them; the next export gives keys again."""
    print(f"undo: {history.undo_quiet(catalog, args.event)}")
    return EXIT_OK


def _salvage(catalog: Catalog, args: argparse.Namespace, options: ExportOptions) -> int:
    """A damaged catalog: every work that can still be read, whatever --only or --search say
    (a salvage is not the moment to choose), the others listed."""
    if args.only is not None or args.search is not None:
        raise CuratorError("the catalog is damaged: export it whole (no --only or --search)")
    result = drain(salvage.export_readable(catalog, args.output, options))
    if result.path is None:
        sys.stdout.write(result.text)
    where = f" to {result.path}" if result.path else ""
    salvaged = counted(result.n_entries, "entry", "entries")
    print(f"curator: salvaged {salvaged}{where}", file=sys.stderr)
    missing = result.describe_lost()
    if missing:
        print(f"curator: incomplete: {missing}", file=sys.stderr)
    return EXIT_USER_ERROR if missing else EXIT_OK
