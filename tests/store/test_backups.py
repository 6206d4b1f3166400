"""Backups: checked copies made with SQLite's backup API, rotated, restored; damaged catalogs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from curator.domain.errors import DamagedCatalogError
from curator.store import backups
from curator.store.catalog import Catalog, open_catalog

pytestmark = pytest.mark.sqlite_only  # backups and checks are of catalog files

T0 = datetime(2026, 12, 3, 14, 10, tzinfo=UTC)


def _titles(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT title FROM work ORDER BY id")]


def damage(path: Path) -> None:
    """Zero pages in the middle of the file, as a failing disk would."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2 // 4096 * 4096)
        f.write(b"\0" * 4096 * 4)


def test_a_backup_is_a_sound_self_contained_copy_named_by_when_and_why(
    seeded: Catalog, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    made = backups.make(seeded.path, folder, "before auto-merge", now=T0)
    assert made.path.name == "20261203T141000.000000Z-before-auto-merge.sqlite"
    assert made.reason == "before auto merge"
    assert backups.quick_check(made.path) is None
    assert _titles(made.path) == _titles(seeded.path)
    assert sorted(p.name for p in folder.iterdir()) == [made.path.name]  # no -wal, no partial
    assert backups.listing(folder) == [made]


def test_a_backup_taken_while_another_connection_writes_is_consistent(
    seeded: Catalog, tmp_path: Path
) -> None:
    with seeded.write() as s:  # a write in progress, not committed when the copy is made
        s.execute(text("UPDATE work SET title = 'half-way' WHERE id = 1"))
        made = backups.make(seeded.path, tmp_path / "b", "manual")
    assert "half-way" not in _titles(made.path)
    assert "half-way" in _titles(seeded.path)


def test_rotation_keeps_seven_daily_four_weekly_ten_step_and_every_manual(tmp_path: Path) -> None:
    source = tmp_path / "c.sqlite"
    open_catalog(source).close()
    folder = tmp_path / "b"
    for day in reversed(range(60)):
        backups.make(source, folder, backups.DAILY, now=T0 - timedelta(days=day))
    for n in reversed(range(15)):
        backups.make(source, folder, "before import", now=T0 - timedelta(minutes=n))
    backups.make(source, folder, backups.MANUAL, now=T0 - timedelta(days=400))
    kept = backups.listing(folder)
    daily = [b.made for b in kept if b.reason == "daily"]
    assert daily[:7] == [T0 - timedelta(days=d) for d in range(7)]
    older = daily[7:]
    assert len(older) == 4 and len({d.isocalendar()[:2] for d in older}) == 4
    assert all(d < T0 - timedelta(days=6) for d in older)
    assert [b.made for b in kept if b.reason == "before import"] == [
        T0 - timedelta(minutes=n) for n in range(10)
    ]
    assert [b.reason for b in kept].count("manual") == 1


def test_the_daily_backup_is_due_once_a_calendar_day(tmp_path: Path) -> None:
    source = tmp_path / "c.sqlite"
    open_catalog(source).close()
    folder = tmp_path / "b"
    morning = T0.astimezone().replace(hour=8, minute=0)
    assert backups.due(folder, now=morning)
    backups.make(source, folder, backups.DAILY, now=morning)
    assert not backups.due(folder, now=morning.replace(hour=23, minute=59))
    next_day = (morning + timedelta(days=1)).replace(hour=0, minute=1)
    assert backups.due(folder, now=next_day)  # not 24 hours later: the next day
    backups.make(source, folder, "before import", now=next_day)
    assert backups.due(folder, now=next_day)  # a step's backup is not the daily one


def test_restore_into_an_open_catalog_is_seen_by_its_connections(
    seeded: Catalog, tmp_path: Path
) -> None:
    before = _titles(seeded.path)
    made = backups.make(seeded.path, tmp_path / "b", "manual")
    with seeded.write() as s:
        s.execute(text("UPDATE work SET title = 'changed later' WHERE id = 1"))
    backups.restore(made.path, seeded.path)
    with seeded.read() as s:
        assert s.execute(text("SELECT title FROM work ORDER BY id")).scalars().all() == before
    with seeded.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"


def test_restore_replaces_a_catalog_too_damaged_to_write_into(
    seeded: Catalog, tmp_path: Path
) -> None:
    before = _titles(seeded.path)
    made = backups.make(seeded.path, tmp_path / "b", "manual")
    seeded.close()
    with open(seeded.path, "r+b") as f:  # truncated: SQLite can no longer read its pages
        f.truncate(3 * 4096)
    backups.restore(made.path, seeded.path)
    assert backups.quick_check(seeded.path) is None
    assert _titles(seeded.path) == before


def test_a_damaged_catalog_opens_read_only_and_is_never_written(
    seeded: Catalog, catalog_path: Path
) -> None:
    seeded.close()
    damage(catalog_path)
    before = catalog_path.read_bytes()
    damaged = open_catalog(catalog_path, check=True)
    assert damaged.damaged
    with damaged.read() as s:  # what can be read still is
        assert s.execute(text("SELECT count(*) FROM event")).scalar_one() > 0
    with pytest.raises(DamagedCatalogError, match="Nothing will be written"), damaged.write():
        pass
    damaged.close()
    assert catalog_path.read_bytes() == before


def test_a_read_that_meets_a_damaged_page_stops_every_later_write(
    seeded: Catalog, catalog_path: Path
) -> None:
    seeded.close()
    damage(catalog_path)
    unchecked = open_catalog(catalog_path)  # not checked on opening: found out by a read
    assert unchecked.damaged is None
    with pytest.raises(DamagedCatalogError), unchecked.read() as s:
        s.execute(text("SELECT * FROM sourcerecord")).all()
        s.execute(text("SELECT * FROM work")).all()
        s.execute(text("SELECT * FROM importbatch")).all()
    assert unchecked.damaged
    with pytest.raises(DamagedCatalogError), unchecked.write():
        pass
    unchecked.close()


def test_a_truncated_catalog_is_refused_with_the_way_out(
    seeded: Catalog, catalog_path: Path
) -> None:
    seeded.close()
    with open(catalog_path, "r+b") as f:
        f.truncate(2 * 4096)
    with pytest.raises(DamagedCatalogError, match="Nothing will be written"):
        open_catalog(catalog_path, check=True)


def test_the_full_check_finds_a_broken_reference(seeded: Catalog) -> None:
    assert backups.integrity_check(seeded.path) is None
    with seeded.write() as s:
        s.execute(text("PRAGMA foreign_keys = OFF"))  # no effect inside a transaction...
    conn = sqlite3.connect(seeded.path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE work SET venue_id = 99999 WHERE id = 1")
    conn.commit()
    conn.close()
    problem = backups.integrity_check(seeded.path)
    assert problem is not None and "broken reference in work" in problem
