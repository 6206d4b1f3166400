"""A catalog's whole content, table by table, to check that undo and unmerge restore exactly."""

from __future__ import annotations

import sqlite3

from curator.store.catalog import Catalog

# The log grows with every step (undo appends); everything else must come back as it was.
_SKIPPED = {"event", "sqlite_sequence", "meta"}


def tables_state(catalog: Catalog) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(catalog.path) as conn:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in _SKIPPED and not r[0].startswith("work_fts")
        ]
        found = {n: conn.execute(f"SELECT * FROM {n} ORDER BY 1").fetchall() for n in names}
        found["work_fts"] = conn.execute("SELECT rowid, * FROM work_fts ORDER BY rowid").fetchall()
    return found
