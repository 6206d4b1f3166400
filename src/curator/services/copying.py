"""Moving a catalog between a file and a PostgreSQL server: the use case behind
`curator catalog copy`, timed, with the store's per-table check as its report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from curator.store import copying
from curator.store.copying import TableCheck

__all__ = ["CopyReport", "TableCheck", "copy_catalog"]


@dataclass(frozen=True, slots=True)
class CopyReport:
    source: str
    destination: str
    tables: tuple[TableCheck, ...]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def copy_catalog(source: Path | str, destination: Path | str) -> CopyReport:
    """Copy every row of the catalog at `source`, ids kept, into `destination` (a new file,
    or a server database with no curator schema), checked table by table; all or nothing."""
    started = time.perf_counter()
    done = copying.copy_catalog(source, destination)
    return CopyReport(done.source, done.destination, done.tables, time.perf_counter() - started)
