"""Backups made when they matter: before every bulk step, before an upgrade, once a day."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.services import backups, candidates, catalogs, importing, venues, works
from curator.services.catalogs import Catalog
from curator.store import backups as store
from curator.store.backups import Backup
from curator.store.schema import SCHEMA_VERSION
from tests.store.test_backups import T0, damage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Backups are of catalog files: a server catalog is backed up by its server (pg_dump), and
# that it refuses these in words is tested in tests/store/test_server.py and tests/cli.
pytestmark = pytest.mark.sqlite_only


def reasons(catalog: Catalog) -> list[str]:
    return [b.reason for b in backups.listing(catalog.path)]


def test_auto_merge_backs_up_the_catalog_as_it_was_before(seeded: Catalog) -> None:
    with seeded.read() as s:
        works_before = s.connection().exec_driver_sql("SELECT count(*) FROM work").scalar()
    assert reasons(seeded) == []
    groups, _ = candidates.auto_merge(seeded)
    assert groups > 0
    (made,) = backups.listing(seeded.path)
    assert made.reason == "before auto merge"
    with sqlite3.connect(made.path) as conn:
        assert conn.execute("SELECT count(*) FROM work").fetchone()[0] == works_before


def test_accepting_all_sure_venues_backs_up_first(seeded: Catalog) -> None:
    assert venues.accept_all_sure(seeded) is not None
    assert reasons(seeded) == ["before accepting all sure venues"]
    assert venues.accept_all_sure(seeded) is None  # nothing to do: no backup either
    assert reasons(seeded) == ["before accepting all sure venues"]


def test_a_large_import_into_a_catalog_with_works_backs_up_first(
    seeded: Catalog, tmp_path: Path
) -> None:
    big = tmp_path / "big.bib"
    with big.open("w") as f:
        n = 0
        while f.tell() <= backups.LARGE_IMPORT:
            f.write(f"@article{{k{n}, title = {{A study of thing {n}}}, year = 2020,\n")
            f.write(f"  author = {{Doe, Jane}}, abstract = {{{'words ' * 40}}}}}\n\n")
            n += 1
    small = tmp_path / "small.bib"
    small.write_text("@article{s1, title = {Small}, year = 2021}\n")
    assert importing.run_to_end(importing.import_files(seeded, [small])).ok
    assert reasons(seeded) == []
    assert importing.run_to_end(importing.import_files(seeded, [big])).ok
    assert reasons(seeded) == ["before importing big.bib"]
    copies = [tmp_path / f"copy{n}.bib" for n in range(3)]
    for n, copy in enumerate(copies):
        copy.write_text(big.read_text().replace("@article{k", f"@article{{c{n}k"))
    assert importing.run_to_end(importing.import_files(seeded, copies)).ok
    assert reasons(seeded) == ["before importing 3 files", "before importing big.bib"]


def test_opening_an_old_catalog_backs_it_up_before_the_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURES / "catalogs" / "v5-sample.sqlite", old)
    catalog = catalogs.open_default(old)
    try:
        found = {b.reason: b for b in backups.listing(old)}
        assert set(found) == {"before upgrade from v5", "daily"}
        with sqlite3.connect(found["before upgrade from v5"].path) as conn:
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            assert version.fetchone()[0] == "5"
        with sqlite3.connect(found["daily"].path) as conn:
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            assert version.fetchone()[0] == str(SCHEMA_VERSION)
    finally:
        catalog.close()
    catalogs.open_default(old).close()  # the daily one is not made twice a day
    assert len(backups.listing(old)) == 2


def test_catalogs_of_the_same_name_keep_their_backups_apart(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "catalog.sqlite", tmp_path / "b" / "catalog.sqlite"
    assert catalogs.folder_of(a) != catalogs.folder_of(b)
    assert catalogs.folder_of(a).name.startswith("catalog-")


def test_an_unsound_backup_is_refused_and_the_catalog_left_alone(
    seeded: Catalog, tmp_path: Path
) -> None:
    made = store.make(seeded.path, tmp_path / "b", "manual")
    damage(made.path)
    before = seeded.path.read_bytes()
    with pytest.raises(CuratorError, match="not a sound catalog"):
        backups.restore(seeded.path, made)
    assert seeded.path.read_bytes() == before


def test_only_a_curator_catalog_is_restored(seeded: Catalog, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE songs (id INTEGER)")
    chosen = Backup(other, T0, "chosen file", other.stat().st_size)
    before = seeded.path.read_bytes()
    with pytest.raises(CuratorError, match="not a curator catalog"):
        backups.restore(seeded.path, chosen)
    assert seeded.path.read_bytes() == before


def test_restoring_the_oldest_step_backup_keeps_it_through_the_rotation(seeded: Catalog) -> None:
    folder = catalogs.folder_of(seeded.path)
    made = [
        store.make(seeded.path, folder, "before auto-merge", now=T0 + timedelta(minutes=n))
        for n in range(store.KEEP_STEPS)
    ]
    oldest = made[0]
    works.edit_work(seeded, 1, {"title": "After every backup"})
    assert backups.restore(seeded.path, oldest) is not None
    assert works.work(seeded, 1).title != "After every backup"
    assert oldest.path.exists()  # not rotated away by the backup made before restoring


def test_a_change_made_while_restoring_is_in_the_backup_made_before(
    seeded: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = store.make(seeded.path, catalogs.folder_of(seeded.path), "manual")
    real_snapshot = store.snapshot
    calls = []

    def snapshot_then_another_program_writes(path: Path, folder: Path) -> Path:
        taken = real_snapshot(path, folder)
        if not calls:  # another program's edit lands after the first snapshot
            works.edit_work(seeded, 1, {"title": "Written meanwhile"})
        calls.append(taken)
        return taken

    monkeypatch.setattr(store, "snapshot", snapshot_then_another_program_writes)
    saved = backups.restore(seeded.path, chosen)
    assert len(calls) == 2  # the first snapshot missed the edit: taken again
    assert saved is not None
    with sqlite3.connect(saved) as conn:
        title = conn.execute("SELECT title FROM work WHERE id = 1").fetchone()[0]
    assert title == "Written meanwhile"


@pytest.mark.parametrize("how", ["header", "empty", "missing"])
def test_a_catalog_whose_file_is_lost_comes_back_from_its_backup(seeded: Catalog, how: str) -> None:
    path = seeded.path
    titles = [w.title for w in works.rows(seeded)]
    chosen = backups.now(seeded)
    seeded.close()
    if how == "header":
        with open(path, "r+b") as f:
            f.write(b"\0" * 100)
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
        Path(f"{path}-wal").unlink(missing_ok=True)
    if how != "missing":
        with pytest.raises(DamagedCatalogError, match="Nothing will be written"):
            catalogs.open_default(path)
    backups.restore(path, chosen)
    again = catalogs.open_default(path)
    try:
        assert [w.title for w in works.rows(again)] == titles
    finally:
        again.close()


def test_stale_partial_copies_and_foreign_names_are_left_out(
    seeded: Catalog, tmp_path: Path
) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    stale = folder / ".20261203T000000.000000Z.partial"
    stale.write_bytes(b"half a copy")
    old = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    os.utime(stale, (old, old))
    fresh = folder / ".20261203T000001.000000Z.partial"  # a backup being made right now
    fresh.write_bytes(b"being written")
    (folder / "20261340T250000Z-daily.sqlite").write_bytes(b"not a time")
    made = store.make(seeded.path, folder, "manual")
    assert not stale.exists() and fresh.exists()
    assert store.listing(folder) == [made]
