"""Command-line face of backups: `curator backups`, `backup`, `restore NAME` and `check`.

`restore` and `check` work on the catalog's path without opening it as a catalog: they are
what a librarian runs when the catalog is too damaged to open.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from curator.cli.output import EXIT_OK, EXIT_USER_ERROR, Subcommands, print_json
from curator.services import backups
from curator.services.catalogs import Catalog


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("backups", help="list the catalog's backups, newest first")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_backups, on_path=True)
    p = sub.add_parser("backup", help="back up the catalog now (kept until you delete it)")
    p.set_defaults(run=cmd_backup)
    p = sub.add_parser(
        "restore", help="make the catalog a copy of a backup (what it is now is backed up first)"
    )
    p.add_argument("backup", metavar="BACKUP", help="a name `curator backups` lists, or a file")
    p.set_defaults(run=cmd_restore, on_path=True)
    p = sub.add_parser("check", help="check the catalog file thoroughly (SQLite integrity check)")
    p.set_defaults(run=cmd_check, on_path=True)


def cmd_backups(path: Path, args: argparse.Namespace) -> int:
    found = backups.listing(path)
    if args.json:
        print_json(
            [
                {
                    "name": b.path.name,
                    "made": b.made.isoformat(),
                    "reason": b.reason,
                    "bytes": b.size,
                    "path": str(b.path),
                }
                for b in found
            ]
        )
        return EXIT_OK
    if not found:
        print(f"no backups of {path} yet")
    for b in found:
        print(f"{b.path.name}  {b.label}  ({b.size / 2**20:.1f} MB)")
    return EXIT_OK


def cmd_backup(catalog: Catalog, args: argparse.Namespace) -> int:
    made = backups.now(catalog)
    print(f"backed up {catalog.path} to {made.path}")
    return EXIT_OK


def cmd_restore(path: Path, args: argparse.Namespace) -> int:
    chosen = backups.find(path, args.backup)
    saved = backups.restore(path, chosen)
    print(f"restored {path} from the backup of {chosen.label}")
    if saved is not None:
        print(f"what it was before is kept in {saved}")
    return EXIT_OK


def cmd_check(path: Path, args: argparse.Namespace) -> int:
    problem = backups.check(path)
    if problem is None:
        print(f"{path}: ok")
        return EXIT_OK
    print(f"{path} is damaged: {problem}")
    print(restore_advice(path))
    return EXIT_USER_ERROR


def restore_advice(path: Path) -> str:
    """The way out of a damaged catalog: its newest backup by name, else a salvage."""
    salvage = "export what can still be read: `curator export -o NEW-FILE.bib`"
    newest = backups.latest(path)
    if newest is None:
        return f"no backup of it exists; {salvage}"
    return (
        f"Restore a backup: the newest is of {newest.label}, `curator restore "
        f"{newest.path.name}` (`curator backups` lists them all); or {salvage}"
    )


def lost_catalog_advice(path: Path) -> str | None:
    """For a catalog file that is not there but has backups (deleted or moved): the way back,
    or None when it never had any."""
    newest = backups.latest(path)
    if newest is None:
        return None
    return (
        f"it has backups, the newest of {newest.label}: `curator restore {newest.path.name}` "
        "brings it back (or use --create for a new, empty catalog)"
    )
