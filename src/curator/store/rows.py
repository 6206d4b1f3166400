"""Whole rows taken out of the catalog and put back unchanged, for the undo and redo of an import.

Rows travel as plain dicts of column -> value as SQLite holds them (JSON columns as their text),
so putting one back writes exactly what was taken, whatever columns a later schema adds.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from curator.store.catalog import driver

TABLES = frozenset({"work", "sourcerecord", "importbatch"})
_CHUNK = 500


def take_rows(session: Session, table: str, ids: list[int]) -> list[dict[str, Any]]:
    """Delete the rows of `table` with these ids and return them, in id order."""
    if table not in TABLES:
        raise ValueError(f"rows of {table} are not taken")
    raw = driver(session)
    taken: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        cursor = raw.execute(f"SELECT * FROM {table} WHERE id IN ({marks}) ORDER BY id", chunk)
        names = [d[0] for d in cursor.description]
        taken += [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        raw.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)
    return taken


def put_rows(session: Session, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows taken by `take_rows`, under their own ids."""
    if table not in TABLES:
        raise ValueError(f"rows of {table} are not put back")
    if not rows:
        return
    names = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    session.connection().exec_driver_sql(sql, [tuple(r[n] for n in names) for r in rows])
