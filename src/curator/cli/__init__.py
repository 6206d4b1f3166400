"""The command line: every use case scriptable, JSON where scripts read it, no tracebacks.

One module per area (works, decisions, export, venues) adds its commands to the parser; each
command is `run(catalog, args) -> exit status`. `curator gui` is handed in by `curator.app`,
which sits above the command line.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from curator import __version__
from curator.cli import backups, decisions, export, venues, works
from curator.cli import catalog as catalog_commands
from curator.cli.output import EXIT_BUG, EXIT_OK, EXIT_USER_ERROR
from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.services.catalogs import (
    Catalog,
    Create,
    NoCatalogError,
    default_catalog_path,
    is_server_location,
    log_file_path,
    open_default,
    refuse_non_file,
)

log = logging.getLogger("curator")

GuiMain = Callable[[Sequence[str]], int]


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
    parser.add_argument(
        "--create",
        action="store_true",
        help="make a new catalog (and its folder) where --db or $CURATOR_DB says, if there is "
        "none; without it only import and seed make one, in a folder that exists",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    works.add_import_commands(sub)
    works.add_catalog_commands(sub)
    decisions.add_commands(sub)
    export.add_commands(sub)
    venues.add_commands(sub)
    backups.add_commands(sub)
    catalog_commands.add_commands(sub)
    return parser


def _run_gui(gui: GuiMain | None, args: argparse.Namespace) -> int:
    if gui is None:
        raise CuratorError("the window is opened by `curator gui` or `curator-gui`")
    argv = ["--sample"] if args.sample else []
    if args.db:
        argv += ["--db", args.db]
    return gui(argv)


def main(argv: Sequence[str] | None = None, gui: GuiMain | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[..., int] | None = args.run
    try:
        if run is None:
            return _run_gui(gui, args)
        if getattr(args, "no_catalog", False):  # names its own catalogs (catalog copy)
            return run(args)
        if getattr(args, "on_path", False):  # works on a catalog too damaged to open
            named = args.db or os.environ.get("CURATOR_DB")
            if named and is_server_location(named):
                raise CuratorError(
                    "a catalog on a database server is backed up and checked by its server "
                    "(pg_dump, pg_restore): ask its administrator"
                )
            path = Path(named).expanduser() if named else default_catalog_path()
            refuse_non_file(path)
            return run(path, args)
        catalog = _open(args)
        if catalog.damaged:
            print(
                f"curator: warning: {catalog.location} is damaged ({catalog.damaged}); "
                "reading what can be read, writing nothing",
                file=sys.stderr,
            )
        try:
            return run(catalog, args)
        finally:
            catalog.close()
    except DamagedCatalogError as exc:
        print(f"curator: {exc}", file=sys.stderr)
        print(f"curator: {backups.restore_advice(Path(str(exc.path)))}", file=sys.stderr)
        return EXIT_USER_ERROR
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


def _open(args: argparse.Namespace) -> Catalog:
    """The catalog the command works on. One named by --db or $CURATOR_DB that is not there is
    made only with --create, or by a command that fills it (import, seed) in a folder that
    exists: a mistyped path is an error, not a new, empty catalog. The default one is made."""
    named = args.db or os.environ.get("CURATOR_DB")
    if named and is_server_location(named):
        return open_default(named, warn=_warn)  # the server's database: made by its admin
    path = Path(named).expanduser() if named else default_catalog_path()
    new = not os.path.exists(path)
    create: Create = "folders"
    if named and not args.create:
        create = "file" if getattr(args, "fills_catalog", False) else "nothing"
        if new and backups.lost_catalog_advice(path):
            create = "nothing"  # it was there (it has backups): not made anew unasked
    try:
        catalog = open_default(args.db, warn=_warn, create=create)
    except NoCatalogError as exc:
        lost = backups.lost_catalog_advice(exc.path)
        if lost:
            raise CuratorError(f"{exc}; {lost}") from None
        hint = "make it and a new catalog" if exc.folder_missing else "make a new one"
        raise CuratorError(f"{exc} (use --create to {hint})") from None
    if new and os.path.isfile(path):
        print(f"curator: made a new catalog at {path}", file=sys.stderr)
    return catalog


def _warn(message: str) -> None:
    print(f"curator: warning: {message}", file=sys.stderr)


def _log_bug() -> Path:
    path = log_file_path()
    handler = logging.FileHandler(path, encoding="utf-8")
    log.addHandler(handler)
    log.exception("unexpected error")
    handler.close()
    return path
