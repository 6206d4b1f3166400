"""A catalog's whole content, table by table, to check that undo and unmerge restore exactly:
read through SQLAlchemy, the same way on a file and on a server, values normalised alike."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from curator.domain.catalog import WorkView
from curator.store.catalog import Catalog

# The log grows with every step (undo appends); everything else must come back as it was.
# The full-text index is read as one table (`work_fts`), never as SQLite's shadow tables.
# Kept scan results are a cache, thrown away when the catalog moves on.
_SKIPPED = {"event", "sqlite_sequence", "meta", "scanresult"}
# A row version moves on with every update, an undo's included: never back, by design.
MOVES_ON = {"work": "version"}
FULL_TEXT = "work_fts"

State = dict[str, list[tuple[object, ...]]]


def normalised(value: object, kind: TypeEngine[object] | None) -> object:
    """A value as both engines mean it: JSON decoded (SQLite hands back text, a server the
    value), booleans as bool (SQLite: 0/1), times as datetime (SQLite: text)."""
    if value is None or kind is None:
        return value
    if isinstance(kind, JSON) and isinstance(value, str | bytes):
        return json.loads(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def decoded(value: object) -> object:
    """A JSON column's value read with a plain `text()` query: decoded where it is text."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def table_names(conn: Connection) -> list[str]:
    """The catalog's own tables (SQLite's full-text shadow tables and its own left out)."""
    return sorted(
        n
        for n in inspect(conn).get_table_names()
        if n not in _SKIPPED and not n.startswith(f"{FULL_TEXT}_") and n != FULL_TEXT
    )


def _table(conn: Connection, name: str) -> list[tuple[object, ...]]:
    kinds = {
        c["name"]: c["type"]
        for c in inspect(conn).get_columns(name)
        if c["name"] != MOVES_ON.get(name)
    }
    result = conn.execute(text(f"SELECT {', '.join(kinds)} FROM {name} ORDER BY 1"))  # 1: id
    columns = list(result.keys())
    return [
        tuple(normalised(v, kinds.get(c)) for c, v in zip(columns, row, strict=True))
        for row in result
    ]


def _full_text(conn: Connection, on_server: bool) -> list[tuple[object, ...]]:
    """The full-text index, row by row: SQLite's FTS5 columns, or the server's tsvector (as
    its text)."""
    if on_server:
        sql = f"SELECT id, doc::text FROM {FULL_TEXT} ORDER BY id"
    else:
        sql = f"SELECT rowid, * FROM {FULL_TEXT} ORDER BY rowid"
    return [tuple(r) for r in conn.execute(text(sql))]


def content(work: WorkView) -> dict[str, object]:
    """A work's view field by field, its row version aside (it moves on with every update,
    an undo's included)."""
    return {k: v for k, v in asdict(work).items() if k != "version"}


def tables_state(catalog: Catalog) -> State:
    """Every table but the log, in one snapshot of the catalog (its own read session)."""
    with catalog.read() as s:
        conn = s.connection()
        found = {n: _table(conn, n) for n in table_names(conn)}
        found[FULL_TEXT] = _full_text(conn, catalog.is_server)
    return found


def dangling_references(catalog: Catalog) -> list[tuple[str, str, object]]:
    """Every reference (foreign key) that points at no row: (table, column, value). What
    SQLite's `PRAGMA foreign_key_check` finds, asked the same way on both engines."""
    found: list[tuple[str, str, object]] = []
    with catalog.read() as s:
        conn = s.connection()
        inspector = inspect(conn)
        for table in table_names(conn):
            for key in inspector.get_foreign_keys(table):
                for column, target in zip(
                    key["constrained_columns"], key["referred_columns"], strict=True
                ):
                    sql = (
                        f"SELECT c.{column} FROM {table} c WHERE c.{column} IS NOT NULL AND "
                        f"NOT EXISTS (SELECT 1 FROM {key['referred_table']} p "
                        f"WHERE p.{target} = c.{column})"
                    )
                    found += [(table, column, v) for (v,) in conn.execute(text(sql))]
    return found
