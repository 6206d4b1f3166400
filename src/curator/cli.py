"""The command line: every use case scriptable, JSON where scripts read it, no tracebacks."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

from curator import __version__, cli_decisions, cli_export, cli_venues
from curator.domain import bibfields
from curator.domain.catalog import RecordView, WorkView
from curator.domain.errors import CuratorError
from curator.domain.report import ImportReport
from curator.domain.validation import EDITABLE_FIELDS
from curator.services import importing, recovery, works
from curator.services.catalogs import default_catalog_path, log_file_path, open_default
from curator.services.samples import sample_listing_paths
from curator.store.catalog import Catalog

log = logging.getLogger("curator")

EXIT_OK, EXIT_USER_ERROR, EXIT_BUG = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is a user error: exit status 1, not 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="curator",
        description="Curate a catalog of publications: import listings, review, export.",
    )
    parser.add_argument("--version", action="version", version=f"curator {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"catalog file (default: $CURATOR_DB or {default_catalog_path()})",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    _add_import_commands(sub)
    _add_catalog_commands(sub)
    cli_decisions.add_commands(sub, parse_assignments)
    cli_export.add_commands(sub)
    cli_venues.add_commands(sub)
    return parser


def _add_import_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import listing files into the catalog")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", metavar="NAME", help="force a listing style instead of detecting it")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("seed", help="import the built-in sample listings")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.set_defaults(run=cmd_seed)

    p = sub.add_parser(
        "recover-fields",
        help="read volume, pages, publisher... again from the .bib records of works imported "
        "before curator kept them (one undoable step)",
    )
    p.set_defaults(run=cmd_recover_fields)

    p = sub.add_parser("gui", help="open the catalog in the window")
    p.add_argument("--sample", action="store_true", help="open the built-in sample catalog")
    p.set_defaults(run=cmd_gui)


def _add_catalog_commands(sub: argparse._SubParsersAction) -> None:
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


def work_json(w: WorkView) -> dict[str, Any]:
    data = asdict(w)
    data["authors"] = list(w.authors)
    data["record_ids"] = list(w.record_ids)
    data["extra"] = dict(w.extra)
    return data


def record_json(r: RecordView) -> dict[str, Any]:
    data = asdict(r)
    data["authors"] = list(r.authors)
    data["comments"] = list(r.comments)
    return data


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _print_report(report: ImportReport) -> None:
    print(report.summary())
    for o in report.outcomes:
        if o.status.value in ("skipped", "rejected"):
            print(f"  {o.lines}: {o.status.value}: {o.reason}")


def _run_import(
    catalog: Catalog, files: Sequence[Path | str], fmt: str | None, as_json: bool
) -> int:
    run = importing.run_to_end(importing.import_files(catalog, files, fmt))
    if as_json:
        _print_json({"files": [r.to_json() for r in run.reports], "errors": run.failures})
    else:
        for report in run.reports:
            _print_report(report)
    for failure in run.failures:
        print(f"curator: {failure}", file=sys.stderr)
    return EXIT_OK if run.ok else EXIT_USER_ERROR


def cmd_import(catalog: Catalog, args: argparse.Namespace) -> int:
    return _run_import(catalog, args.files, args.format, args.json)


def cmd_seed(catalog: Catalog, args: argparse.Namespace) -> int:
    return _run_import(catalog, sample_listing_paths(), None, args.json)


def cmd_recover_fields(catalog: Catalog, args: argparse.Namespace) -> int:
    n = recovery.recover_other_fields(catalog)
    print(f"other BibTeX fields recovered for {n} works" + (" (curator undo)" if n else ""))
    return EXIT_OK


def cmd_records(catalog: Catalog, args: argparse.Namespace) -> int:
    found = works.records(catalog, args.work)
    if args.json:
        _print_json([record_json(r) for r in found])
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
        _print_json([work_json(w) for w in found])
        return EXIT_OK
    for w in found:
        year = w.year or "----"
        title = w.title or "[no title] " + (w.abstract or "")[:50] + "…"
        venue = f"  [{w.venue}]" if w.venue else ""
        print(f"{w.id:>6}  {year}  {title}{venue}")
    print(f"{len(found)} works", file=sys.stderr)
    return EXIT_OK


def cmd_show(catalog: Catalog, args: argparse.Namespace) -> int:
    w = works.work(catalog, args.work_id)
    recs = works.records(catalog, args.work_id)
    if args.json:
        _print_json({**work_json(w), "records": [record_json(r) for r in recs]})
        return EXIT_OK
    _print_work(w)
    print("\nsource records:")
    for r in recs:
        where = f"{r.source_file}, record {r.ordinal}, lines {r.first_line}-{r.last_line}"
        print(f"  record {r.id}: {where}")
    return EXIT_OK


def _print_work(w: WorkView) -> None:
    data = work_json(w)
    data["authors"] = "; ".join(w.authors) + (" (incomplete)" if w.authors_incomplete else "")
    for key in (
        "id",
        "title",
        "authors",
        "venue",
        "venue_kind",
        "year",
        "month",
        "arxiv_id",
        "doi",
        "url",
        "entry_type",
        "citation_key",
        "notes",
        "abstract",
    ):
        value = data[key]
        print(f"{key:>13}: {'' if value is None else value}")
    for name, value in w.extra:
        print(f"{name:>13}: {value}")


def parse_assignments(items: Sequence[str]) -> dict[str, str | None]:
    changes: dict[str, str | None] = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise CuratorError(f"--set {item!r}: expected FIELD=VALUE, e.g. --set year=2023")
        changes[field.strip()] = value if value.strip() else None
    return changes


def cmd_edit(catalog: Catalog, args: argparse.Namespace) -> int:
    changes = _kept_fields_as_extra(catalog, args.work_id, parse_assignments(args.changes))
    w = works.edit_work(catalog, args.work_id, changes)
    if args.json:
        _print_json(work_json(w))
    else:
        _print_work(w)
    return EXIT_OK


def _kept_fields_as_extra(
    catalog: Catalog, work_id: int, changes: dict[str, str | None]
) -> dict[str, Any]:
    """`--set volume=27` (a usual BibTeX field, or one the work has) edits the work's other
    fields, on top of `--set extra=...` if given; a typo ("titel") is still refused."""
    current = dict(works.work(catalog, work_id).extra)
    known = set(bibfields.ORDER) | set(current)
    kept = {f: v for f, v in changes.items() if f not in EDITABLE_FIELDS and f in known}
    if not kept:
        return dict(changes)
    extra = bibfields.parse(changes["extra"]) if "extra" in changes else current
    for field, value in kept.items():
        if value is None:
            extra.pop(field, None)
        else:
            extra[field] = value
    return {**{f: v for f, v in changes.items() if f not in kept}, "extra": extra}


def cmd_gui(catalog: Catalog | None, args: argparse.Namespace) -> int:
    from curator import app

    argv = ["--sample"] if args.sample else []
    if args.db:
        argv += ["--db", args.db]
    return app.main(argv)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[..., int] = args.run
    try:
        if run is cmd_gui:
            return cmd_gui(None, args)
        catalog = open_default(args.db)
        try:
            return run(catalog, args)
        finally:
            catalog.close()
    except CuratorError as exc:
        print(f"curator: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # `curator works | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("curator: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except Exception:
        log_path = _log_bug()
        print(f"curator: internal error; details were written to {log_path}", file=sys.stderr)
        return EXIT_BUG


def _log_bug() -> Path:
    path = log_file_path()
    handler = logging.FileHandler(path, encoding="utf-8")
    log.addHandler(handler)
    log.exception("unexpected error")
    handler.close()
    return path


if __name__ == "__main__":
    sys.exit(main())
