"""Whole rows taken out of the catalog and put back unchanged, for the undo and redo of an import.

Rows travel as plain dicts of column -> value as SQLite holds them (JSON columns as their text),
so putting one back writes exactly what was taken, whatever columns a later schema adds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from curator.store.catalog import driver, on_server, pg_driver

TABLES = frozenset({"work", "sourcerecord", "importbatch"})
_CHUNK = 500


def take_rows(session: Session, table: str, ids: list[int]) -> list[dict[str, Any]]:
    """Delete the rows of `table` with these ids and return them, in id order."""
    if table not in TABLES:
        raise ValueError(f"rows of {table} are not taken")
    if on_server(session):
        return _take_rows_pg(session, table, ids)
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


def _take_rows_pg(session: Session, table: str, ids: list[int]) -> list[dict[str, Any]]:
    """`take_rows` on a server, the values as SQLite gives them: JSON columns as their text
    (read as text, not parsed), times as SQLAlchemy writes them on SQLite."""
    from psycopg.types.string import TextLoader

    raw = pg_driver(session).cursor()
    raw.adapters.register_loader("json", TextLoader)
    taken: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        raw.execute(f"SELECT * FROM {table} WHERE id = ANY(%s) ORDER BY id".encode(), (chunk,))
        names = [d.name for d in raw.description or ()]
        for row in raw.fetchall():
            values = [v.strftime(_TIME) if isinstance(v, datetime) else v for v in row]
            taken.append(dict(zip(names, values, strict=True)))
        raw.execute(f"DELETE FROM {table} WHERE id = ANY(%s)".encode(), (chunk,))
    return taken


_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DateTime on SQLite


def put_rows(session: Session, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows taken by `take_rows`, under their own ids."""
    if table not in TABLES:
        raise ValueError(f"rows of {table} are not put back")
    if not rows:
        return
    names = list(rows[0])
    if on_server(session):  # one COPY: the table's triggers run once for all the rows
        statement = f"COPY {table} ({', '.join(names)}) FROM STDIN".encode()
        with pg_driver(session).cursor() as cursor, cursor.copy(statement) as copy:
            for r in rows:
                copy.write_row([r[n] for n in names])
        return
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    session.connection().exec_driver_sql(sql, [tuple(r[n] for n in names) for r in rows])
