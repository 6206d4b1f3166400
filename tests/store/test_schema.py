"""The frozen schema: every old catalog is brought to the shape a new one has, ids are never
reused, undo state is stored, and citation keys are unique ignoring case in the database."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from curator.domain.errors import CuratorError
from curator.store import schema_pg, tables
from curator.store.catalog import Catalog, open_catalog
from curator.store.schema import SCHEMA_VERSION, STEPS
from tests.conftest import FIXTURES
from tests.postgres import Server

OLD_VERSIONS = [1, 2, 3, 4, 5, 6]


def _sql(sql: str | None) -> str:
    """DDL compared up to layout: one space between words, none inside brackets."""
    flat = " ".join((sql or "").split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", flat))


def _shape(path: Path) -> dict[str, object]:
    """Every table's columns (name, type, not null, default, key), indexes and triggers."""
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        shape: dict[str, object] = {
            table: sorted(tuple(c[1:]) for c in conn.execute(f"PRAGMA table_info('{table}')"))
            for table in sorted(names)
            if not table.startswith("work_fts_") and table != "sqlite_sequence"
        }
        for kind in ("index", "trigger"):
            rows = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = '{kind}'")
            shape[kind] = {name: _sql(sql) for name, sql in rows}
        shape["tables"] = {
            name: _sql(sql)
            for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")
            if not name.startswith(("work_fts_", "sqlite_"))
        }
    return shape


def _old_catalog(tmp_path: Path, version: int) -> Path:
    path = tmp_path / f"v{version}.sqlite"
    shutil.copy(FIXTURES / "catalogs" / f"v{version}-sample.sqlite", path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == (str(version),)
    return path


@pytest.mark.sqlite_only
@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_an_old_catalog_gets_exactly_the_shape_of_a_new_one(
    tmp_path: Path, catalog: Catalog, version: int
) -> None:
    path = _old_catalog(tmp_path, version)
    open_catalog(path).close()
    migrated, fresh = _shape(path), _shape(catalog.path)
    assert migrated.keys() == fresh.keys()
    for key in fresh:
        assert migrated[key] == fresh[key], key


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_an_old_catalog_keeps_its_rows_and_its_search(tmp_path: Path, version: int) -> None:
    path = _old_catalog(tmp_path, version)
    tables = ("work", "sourcerecord", "venue", "venuealias", "event", "importbatch")
    with sqlite3.connect(path) as conn:
        columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        select = {t: f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY id" for t in tables}
        before = {t: conn.execute(select[t]).fetchall() for t in tables}
    catalog = open_catalog(path)
    try:
        with catalog.read() as s:
            for table, rows in before.items():
                assert [tuple(r) for r in s.execute(text(select[table]))] == rows, table
            found = s.execute(text("SELECT rowid FROM work_fts WHERE work_fts MATCH 'llemma'"))
            assert found.all()
    finally:
        catalog.close()


@pytest.mark.sqlite_only
def test_the_orm_classes_agree_with_the_frozen_schema(catalog: Catalog) -> None:
    with sqlite3.connect(catalog.path) as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = {r[1] for r in conn.execute(f"PRAGMA table_info('{table.name}')")}
            assert columns == {c.name for c in table.columns}, table.name
    assert tables.Work.__tablename__ == "work"


def test_the_upgrade_stores_where_each_change_stands_on_the_undo_stack(tmp_path: Path) -> None:
    """The version 3 sample ended with an export's keys undone (redoable); the version 4 one
    made an edit after that undo, so the keys can no longer be redone."""
    for version, expected in ((3, "undone"), (4, "void")):
        path = _old_catalog(tmp_path, version)
        open_catalog(path).close()
        with sqlite3.connect(path) as conn:
            states = dict(conn.execute("SELECT kind, state FROM event WHERE kind = 'keys'"))
            assert states == {"keys": expected}
            assert not conn.execute(
                "SELECT 1 FROM event WHERE kind IN ('undo', 'redo') AND state IS NOT NULL"
            ).fetchall()
            assert not conn.execute(
                "SELECT 1 FROM event WHERE kind NOT IN ('undo', 'redo') AND state IS NULL"
            ).fetchall()


def test_the_upgrade_starts_counters_past_every_id_the_log_names(tmp_path: Path) -> None:
    path = _old_catalog(tmp_path, 4)
    with sqlite3.connect(path) as conn:
        absorbed = [
            int(w)
            for (raw,) in conn.execute("SELECT payload FROM event WHERE kind = 'merge'")
            for w in json.loads(raw)["absorbed"]
        ]
        top = conn.execute("SELECT max(id) FROM work").fetchone()[0]
    open_catalog(path).close()
    with sqlite3.connect(path) as conn:
        seq = dict(conn.execute("SELECT name, seq FROM sqlite_sequence"))
    assert absorbed and seq["work"] >= max([top, *absorbed])
    assert {"venue", "venuealias", "sourcerecord", "event", "importbatch"} <= seq.keys()


def test_citation_keys_are_unique_ignoring_case_in_the_database(catalog: Catalog) -> None:
    insert = text(
        "INSERT INTO work (title, authors, authors_incomplete, citation_key, created_at, "
        "updated_at) VALUES ('t', '[]', FALSE, :k, '2026-01-01', '2026-01-01')"
    )
    with catalog.write() as s:
        s.execute(insert, {"k": "Smith2020"})
    with pytest.raises(Exception, match=r"(?i)unique"), catalog.write() as s:
        s.execute(insert, {"k": "smith2020"})


def test_an_upgrade_that_meets_keys_clashing_in_case_keeps_the_first_and_notes_the_other(
    tmp_path: Path,
) -> None:
    path = _old_catalog(tmp_path, 4)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE work SET citation_key = 'Smith2020' WHERE id = 3")
        conn.execute("UPDATE work SET citation_key = 'smith2020', notes = 'mine' WHERE id = 4")
    open_catalog(path).close()
    with sqlite3.connect(path) as conn:
        rows = dict(conn.execute("SELECT id, citation_key FROM work WHERE id IN (3, 4)"))
        notes = conn.execute("SELECT notes FROM work WHERE id = 4").fetchone()[0]
    assert rows == {3: "Smith2020", 4: None}
    assert notes.startswith("mine\n\nCitation key 'smith2020' set aside")


def test_the_event_log_is_append_only_and_states_move_along_the_stack(catalog: Catalog) -> None:
    with catalog.write() as s:
        s.execute(text("INSERT INTO event (kind, summary, created_at, payload, state) "
                       "VALUES ('edit', 'x', '2026-01-01', '{}', 'done')"))  # fmt: skip
    for sql in (
        "UPDATE event SET summary = 'y'",
        "UPDATE event SET author = 'mallory'",  # who made a step is kept as it was written
        "UPDATE event SET session = 'window:forged'",
        "DELETE FROM event",
        "UPDATE event SET state = 'void'",  # done -> void skips undone
    ):
        with pytest.raises(Exception, match=r"append-only|undo state"), catalog.write() as s:
            s.execute(text(sql))
    with catalog.write() as s:
        s.execute(text("UPDATE event SET state = 'undone'"))
        s.execute(text("UPDATE event SET state = 'done'"))


def test_new_catalogs_are_at_the_current_version(catalog: Catalog) -> None:
    with catalog.read() as s:
        assert s.execute(text("SELECT key, value FROM meta")).all() == [
            ("schema_version", str(SCHEMA_VERSION))
        ]


def test_an_undo_state_cannot_be_cleared_nor_given_to_an_undo_row(catalog: Catalog) -> None:
    with catalog.write() as s:
        s.execute(text("INSERT INTO event (kind, summary, created_at, payload, state) "
                       "VALUES ('edit', 'x', '2026-01-01', '{}', 'done')"))  # fmt: skip
        s.execute(text("INSERT INTO event (kind, summary, created_at, payload) "
                       "VALUES ('undo', 'Undo: x', '2026-01-01', '{}')"))  # fmt: skip
    for sql in (
        "UPDATE event SET state = NULL WHERE kind = 'edit'",
        "UPDATE event SET state = 'done' WHERE kind = 'undo'",
    ):
        with pytest.raises(Exception, match="undo state"), catalog.write() as s:
            s.execute(text(sql))


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_the_upgrade_keeps_every_step_and_says_nobody_recorded_who_made_it(
    tmp_path: Path, version: int
) -> None:
    """Steps made before version 7 keep their rows, states and payloads; who made them is
    unknown (shown as "earlier"), and the steps made after say who."""
    path = _old_catalog(tmp_path, version)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT id, kind, summary, payload FROM event ORDER BY id").fetchall()
    catalog = open_catalog(path)
    try:
        with catalog.write() as s:
            s.execute(text("INSERT INTO event (kind, summary, created_at, payload, state, "
                           "author, session) VALUES ('edit', 'new', '2026-12-03', '{}', 'done', "
                           "'ada', 'cli:host')"))  # fmt: skip
    finally:
        catalog.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, kind, summary, payload, author, session FROM event "
                            "ORDER BY id").fetchall()  # fmt: skip
    assert [r[:4] for r in rows[:-1]] == before
    assert {r[4:] for r in rows[:-1]} == {(None, None)}
    assert rows[-1][4:] == ("ada", "cli:host")


# --- the schema on a PostgreSQL server --------------------------------------------------------


def _server_columns(catalog: Catalog) -> dict[str, set[str]]:
    with catalog.read() as s:
        rows = s.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            )
        ).all()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _file_columns(path: Path) -> dict[str, set[str]]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            name: {r[1] for r in conn.execute(f"PRAGMA table_info('{name}')")}
            for name in names
            if not name.startswith(("work_fts", "sqlite_"))
        }


@pytest.mark.server_only
def test_a_server_catalog_has_the_tables_and_columns_of_a_file_and_of_the_orm(
    catalog: Catalog, tmp_path: Path
) -> None:
    on_server = _server_columns(catalog)
    assert on_server.pop("work_fts") == {"id", "doc"}  # FTS5's table on a file
    file = tmp_path / "same.sqlite"
    open_catalog(file).close()
    assert on_server == _file_columns(file)
    assert on_server == {
        t.name: {c.name for c in t.columns} for t in SQLModel.metadata.sorted_tables
    }


@pytest.mark.server_only
def test_a_server_catalog_has_the_indexes_and_triggers_of_a_file(
    catalog: Catalog, tmp_path: Path
) -> None:
    file = tmp_path / "same.sqlite"
    open_catalog(file).close()
    with sqlite3.connect(file) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                              "AND name NOT LIKE 'sqlite_%'")}  # fmt: skip
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    with catalog.read() as s:
        server_indexes = set(
            s.execute(
                text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            ).scalars()
        )
        server_triggers = set(
            s.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
        )
    assert indexes <= server_indexes  # and the keys the server makes for primary keys
    assert {"ix_work_citation_key", "ix_work_fts"} <= server_indexes  # NOCASE key, FTS5
    assert triggers <= server_triggers
    assert {f"{t}_counter" for t in schema_pg.COUNTED} <= server_triggers  # AUTOINCREMENT


def test_every_version_after_the_server_baseline_has_a_step_for_both_engines() -> None:
    assert set(STEPS) == set(range(1, SCHEMA_VERSION))
    assert set(schema_pg.STEPS) == set(range(schema_pg.BASELINE_VERSION, SCHEMA_VERSION))


@pytest.mark.server_only
def test_a_server_catalog_from_a_newer_release_is_refused(catalog: Catalog) -> None:
    with catalog.write() as s:
        s.execute(text("UPDATE meta SET value = :v"), {"v": str(SCHEMA_VERSION + 1)})
    with pytest.raises(CuratorError, match="newer curator"):
        open_catalog(catalog.address)


def test_another_programs_database_on_a_server_is_not_taken_over(pg_server: Server) -> None:
    name = pg_server.new_database(None)
    try:
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
            conn.execute("CREATE TABLE songs (id integer)")
        with pytest.raises(CuratorError, match="not a curator catalog"):
            open_catalog(pg_server.url(name))
        with psycopg.connect(pg_server.dsn(name)) as conn:
            found = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            assert [r[0] for r in found] == ["songs"]
    finally:
        pg_server.drop_database(name)


def test_an_empty_server_database_becomes_a_catalog_once_opened(pg_server: Server) -> None:
    name = pg_server.new_database(None)
    try:
        catalog = open_catalog(pg_server.url(name))
        try:
            assert catalog.is_server and catalog.name == name
            with catalog.read() as s:
                version = s.execute(text("SELECT value FROM meta")).scalar_one()
            assert version == str(SCHEMA_VERSION)
        finally:
            catalog.close()
        open_catalog(pg_server.url(name)).close()  # a second opening finds it current
    finally:
        pg_server.drop_database(name)
