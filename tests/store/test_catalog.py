"""The catalog file: pragmas, schema versioning, friendly errors, immutable source records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from curator.domain.errors import CuratorError
from curator.store.catalog import Catalog, open_catalog
from curator.store.schema import SCHEMA_VERSION


@pytest.mark.sqlite_only
def test_new_catalog_has_wal_foreign_keys_and_version(catalog: Catalog) -> None:
    with catalog.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        version = s.execute(text("SELECT value FROM meta WHERE key='schema_version'")).scalar_one()
    assert int(version) == SCHEMA_VERSION


def test_reopening_keeps_data(catalog_path: Path) -> None:
    cat = open_catalog(catalog_path)
    with cat.write() as s:
        s.execute(text("INSERT INTO venue(name, kind) VALUES ('ICLR', 'conference')"))
    cat.close()
    cat = open_catalog(catalog_path)
    with cat.read() as s:
        assert s.execute(text("SELECT name FROM venue")).scalar_one() == "ICLR"
    cat.close()


def test_catalog_from_newer_release_is_refused(catalog_path: Path) -> None:
    open_catalog(catalog_path).close()
    with sqlite3.connect(catalog_path) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    with pytest.raises(CuratorError, match="newer curator"):
        open_catalog(catalog_path)


def test_a_file_that_is_not_a_database_gets_a_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("this is not a database " * 200)
    with pytest.raises(CuratorError, match="not a curator catalog"):
        open_catalog(bogus)


def test_another_apps_database_is_not_taken_over(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE songs(id INTEGER)")
    with pytest.raises(CuratorError, match="not a curator catalog"):
        open_catalog(other)
    with sqlite3.connect(other) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["songs"]


def test_a_folder_is_not_a_catalog(tmp_path: Path) -> None:
    with pytest.raises(CuratorError, match="folder"):
        open_catalog(tmp_path)


def test_source_records_cannot_be_modified(seeded: Catalog) -> None:
    with pytest.raises(Exception, match="immutable"), seeded.write() as s:
        s.execute(text("UPDATE sourcerecord SET title = 'changed' WHERE id = 1"))
    with seeded.read() as s:
        assert (
            s.execute(text("SELECT title FROM sourcerecord WHERE id = 1")).scalar_one() != "changed"
        )


def test_a_failed_write_leaves_nothing(catalog: Catalog) -> None:
    with pytest.raises(RuntimeError), catalog.write() as s:
        s.execute(text("INSERT INTO venue(name, kind) VALUES ('ICML', 'conference')"))
        raise RuntimeError("boom")
    with catalog.read() as s:
        assert s.execute(text("SELECT count(*) FROM venue")).scalar_one() == 0
