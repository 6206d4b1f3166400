"""Storage faults in plain words: what SQLite or the disk reports, as a librarian can act on."""

from __future__ import annotations

import os
from pathlib import Path

from curator.domain.errors import CuratorError, DamagedCatalogError


def plain(path: Path, message: str) -> CuratorError | None:
    """SQLite's message as one a librarian can act on; None for an error that is a bug."""
    message = message.lower()
    if "malformed" in message or "corrupt" in message:
        return DamagedCatalogError(path, message)
    if "not a database" in message:
        return CuratorError(f"{path} is not a curator catalog (not an SQLite file).")
    if "locked" in message or "busy" in message:
        return CuratorError(
            f"{path} is busy: another program is writing to it. Try again in a moment."
        )
    if "readonly" in message or "read-only" in message:
        return CuratorError(f"{path} is read-only; choose a catalog you can write to.")
    if "is full" in message:
        return CuratorError(f"the disk holding {path} is full; free some space and try again.")
    if "disk i/o error" in message or "i/o" in message:
        return CuratorError(
            f"could not read or write {path}: the disk reported an error (full, removed or "
            "failing?). Nothing was changed; free some space or check the disk, then try again."
        )
    if _on_read_only_disk(path):
        return CuratorError(
            f"{path} is on a read-only disk: a catalog needs to write beside itself, even to "
            "be read. Copy it to a folder you can write to, or remount the disk read-write."
        )
    if "unable to open" in message or "cannot open" in message:
        return CuratorError(f"cannot open {path}; check the path and permissions.")
    if "out of memory" in message:
        return CuratorError(f"not enough memory to work on {path}; close other programs.")
    return None


def _on_read_only_disk(path: Path) -> bool:
    try:
        return bool(os.statvfs(Path(path).absolute().parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False
