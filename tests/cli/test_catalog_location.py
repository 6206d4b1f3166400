"""Which catalog a command opens, and when it may make one: a mistyped --db is an error, never
a new, empty catalog; import and seed make a new file in a folder that exists; --create makes
one anywhere; the default location is made on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs import user_data_path

from tests.cli.test_works import run

READERS = [["works"], ["export"], ["candidates"], ["history"], ["show", "1"]]
FILLERS = [["seed"], ["import", "listing.txt"]]


@pytest.fixture(autouse=True)
def _listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "listing.txt").write_text("A preprint's abstract.\narXiv:2101.00001\n")


@pytest.mark.parametrize("command", READERS + FILLERS)
def test_a_mistyped_folder_is_an_error_and_nothing_is_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "catalgos" / "c.sqlite"
    code, out, err = run(capsys, "--db", str(db), *command)
    assert code == 1 and out == ""
    assert f"curator: no catalog at {db}: there is no folder {db.parent}" in err
    assert "(use --create to make it and a new catalog)" in err
    assert not db.parent.exists()


@pytest.mark.parametrize("command", READERS)
def test_reading_a_catalog_that_is_not_there_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "c.sqlite"
    code, out, err = run(capsys, "--db", str(db), *command)
    assert code == 1 and out == ""
    assert err == f"curator: no catalog at {db} (use --create to make a new one)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["listing.txt"]


@pytest.mark.parametrize("command", FILLERS)
def test_import_and_seed_make_a_new_catalog_in_a_folder_that_exists(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "c.sqlite"
    code, _, err = run(capsys, "--db", str(db), *command)
    assert code == 0 and f"curator: made a new catalog at {db}\n" in err
    code, _, err = run(capsys, "--db", str(db), "works")
    assert code == 0 and "made a new catalog" not in err


def test_create_makes_the_folder_and_the_catalog(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "new" / "folder" / "c.sqlite"
    code, _, err = run(capsys, "--db", str(db), "--create", "works")
    assert code == 0 and db.is_file()
    assert f"curator: made a new catalog at {db}\n" in err and "0 works" in err


def test_curator_db_is_a_named_catalog_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "typo" / "c.sqlite"
    monkeypatch.setenv("CURATOR_DB", str(db))
    code, _, err = run(capsys, "seed")
    assert code == 1 and f"no catalog at {db}" in err and not db.parent.exists()
    assert run(capsys, "--create", "seed")[0] == 0 and db.is_file()


def test_the_default_catalog_is_made_on_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    default = user_data_path("curator", appauthor=False) / "catalog.sqlite"
    assert not default.exists()  # the test's own data folder (tests/conftest.py)
    code, _, err = run(capsys, "works")
    assert code == 0 and default.is_file()
    assert f"curator: made a new catalog at {default}\n" in err


@pytest.mark.parametrize("command", [["works"], ["import", "listing.txt"]])
def test_a_catalog_gone_missing_is_not_made_anew_but_restored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "c.sqlite"
    assert run(capsys, "--db", str(db), "seed")[0] == 0
    assert run(capsys, "--db", str(db), "backup")[0] == 0
    db.unlink()
    code, _, err = run(capsys, "--db", str(db), *command)
    assert code == 1 and not db.exists()
    assert f"no catalog at {db}; it has backups, the newest of " in err
    name = err.split("`curator restore ")[1].split("`")[0]
    assert run(capsys, "--db", str(db), "restore", name)[0] == 0
    code, _, err = run(capsys, "--db", str(db), "works")
    assert code == 0 and "65 works" in err
