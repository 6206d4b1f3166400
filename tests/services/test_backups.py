"""Backups made when they matter: before every bulk step, before an upgrade, once a day."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from curator.services import backups, candidates, catalogs, importing, venues
from curator.services.catalogs import Catalog
from curator.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


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
