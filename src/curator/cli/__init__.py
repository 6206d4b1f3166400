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
from curator.cli.output import EXIT_BUG, EXIT_OK, EXIT_USER_ERROR
from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.services.catalogs import (
    default_catalog_path,
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
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    works.add_import_commands(sub)
    works.add_catalog_commands(sub)
    decisions.add_commands(sub)
    export.add_commands(sub)
    venues.add_commands(sub)
    backups.add_commands(sub)
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
        if getattr(args, "on_path", False):  # works on a catalog too damaged to open
            path = Path(args.db).expanduser() if args.db else default_catalog_path()
            refuse_non_file(path)
            return run(path, args)
        catalog = open_default(args.db, warn=_warn)
        if catalog.damaged:
            print(
                f"curator: warning: {catalog.path} is damaged ({catalog.damaged}); "
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


def _warn(message: str) -> None:
    print(f"curator: warning: {message}", file=sys.stderr)


def _log_bug() -> Path:
    path = log_file_path()
    handler = logging.FileHandler(path, encoding="utf-8")
    log.addHandler(handler)
    log.exception("unexpected error")
    handler.close()
    return path
