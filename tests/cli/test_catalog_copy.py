"""`curator catalog copy`: a catalog from a file to a real PostgreSQL server and back, every
row and id kept, the event log still undoing on the copy; a taken destination refused."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from curator.store.copying import catalog_checks
from tests.cli.test_works import run
from tests.conftest import FIXTURES
from tests.postgres import Server

SEQUENCES = ("work", "sourcerecord", "event", "venue", "venuealias", "importbatch")


@pytest.fixture
def seeded_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The sample with varied events: a merge undone, a venue accepted, a decision."""
    db = str(tmp_path / "first.sqlite")
    for args in (
        ("seed",),
        ("auto-merge", "--band", "sure"),
        ("undo",),
        ("venue-accept", "1"),
        ("distinct", "1", "2"),
        ("merge", "3", "4"),
    ):
        code, _, err = run(capsys, "--db", db, *args)
        assert code == 0, (args, err)
    return db


@pytest.fixture
def empty_database(pg_server: Server) -> Iterator[str]:
    """A server database with no curator schema: what a copy goes into."""
    name = pg_server.new_database(None)
    yield pg_server.url(name)
    pg_server.drop_database(name)


def test_file_to_server_to_file_keeps_every_row_and_id(
    seeded_file: str, empty_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, back = seeded_file, str(tmp_path / "back.sqlite")
    code, out, err = run(capsys, "catalog", "copy", db, empty_database)
    assert code == 0, err
    assert "every table checked" in out and "work" in out
    code, _, err = run(capsys, "catalog", "copy", empty_database, back)
    assert code == 0, err

    first, on_server, last = (catalog_checks(x) for x in (db, empty_database, back))
    assert first == on_server == last
    assert {t.table: t.rows for t in first}["event"] >= 5
    for command in (("works",), ("history",), ("venues",)):
        assert run(capsys, "--db", back, *command)[1] == run(capsys, "--db", db, *command)[1]
        assert (
            run(capsys, "--db", empty_database, *command)[1] == run(capsys, "--db", db, *command)[1]
        )

    # the event log works on the copy: undo the merge, redo it, undo it again
    for step in ("undo", "redo", "undo"):
        code, _, err = run(capsys, "--db", empty_database, step)
        assert code == 0, (step, err)
        assert run(capsys, "--db", db, step)[0] == 0
    assert run(capsys, "--db", empty_database, "works")[1] == run(capsys, "--db", db, "works")[1]


def test_server_counters_continue_past_the_copied_ids(
    seeded_file: str, empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "catalog", "copy", seeded_file, empty_database)[0] == 0
    with psycopg.connect(empty_database) as conn:
        for table in SEQUENCES:
            row = conn.execute(
                f"SELECT pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')), "
                f"(SELECT max(id) FROM {table})"
            ).fetchone()
            assert row is not None and row[0] is not None and row[0] >= row[1], table
    # a new change on the copy takes a fresh id, no clash with a copied one
    code, _, err = run(capsys, "--db", empty_database, "distinct", "5", "6")
    assert code == 0, err


def test_a_taken_destination_is_refused_and_left_alone(
    seeded_file: str, pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = catalog_checks(pg_database)
    code, out, err = run(capsys, "catalog", "copy", seeded_file, pg_database)
    assert code == 1 and out == "" and "Traceback" not in err
    assert "already holds a curator catalog" in err
    assert catalog_checks(pg_database) == before  # nothing written

    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"not a catalog")
    code, _, err = run(capsys, "catalog", "copy", seeded_file, str(taken))
    assert code == 1 and "already exists" in err
    assert taken.read_bytes() == b"not a catalog"

    code, _, err = run(
        capsys, "catalog", "copy", str(tmp_path / "none.sqlite"), str(tmp_path / "x")
    )
    assert code == 1 and "no catalog at" in err
    assert not (tmp_path / "none.sqlite").exists() and not (tmp_path / "x").exists()


def test_an_older_source_file_is_not_upgraded_by_a_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Upgrading a catalog is done with a backup first (`curator` opening it); a copy only
    reads its source, and says how to bring it up to date."""
    old = tmp_path / "v6.sqlite"
    shutil.copy(FIXTURES / "catalogs" / "v6-sample.sqlite", old)
    before = old.read_bytes()
    code, out, err = run(capsys, "catalog", "copy", str(old), str(tmp_path / "new.sqlite"))
    assert code == 1 and out == "" and "Traceback" not in err
    assert "version 6" in err and "after a backup" in err
    assert old.read_bytes() == before
    assert not (tmp_path / "new.sqlite").exists()


def test_the_copy_s_name_is_synced_into_its_folder(
    seeded_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """A power cut after 'copied' must not lose the new file's name: its folder is synced
    once the name is there (os.fsync watched: there is no observable power cut here)."""
    folder = tmp_path / "copies"
    folder.mkdir()
    target = folder / "copy.sqlite"
    synced_with_name: list[bool] = []
    fsync = os.fsync

    def watched(fd: int) -> None:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode) and info.st_ino == folder.stat().st_ino:
            synced_with_name.append(target.exists())
        fsync(fd)

    monkeypatch.setattr(os, "fsync", watched)
    code, _, err = run(capsys, "catalog", "copy", seeded_file, str(target))
    assert code == 0, err
    assert True in synced_with_name
