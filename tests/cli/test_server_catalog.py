"""The command line on a catalog on a real PostgreSQL server: the same commands as on a file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.cli.test_works import run


def test_seed_search_merge_undo_and_export_on_a_server(
    pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = pg_database
    assert run(capsys, "--db", db, "seed")[0] == 0
    code, out, err = run(capsys, "--db", db, "works", "--search", "llemma")
    assert code == 0 and "Llemma" in out and err.endswith("works\n")
    code, _, err = run(capsys, "--db", db, "auto-merge", "--band", "sure")
    assert code == 0
    assert run(capsys, "--db", db, "undo")[0] == 0
    target = tmp_path / "out.bib"
    code, _, err = run(capsys, "--db", db, "export", "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.count("\n@") >= 60  # the sample's 65 works, none merged after the undo
    assert f"from {urlsplit(db).path.lstrip('/')} on" in text  # the database's name


def test_backups_of_a_server_catalog_are_the_server_s(
    pg_database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "--db", pg_database, "backups")
    assert code == 1 and "pg_dump" in err and "Traceback" not in err
    monkeypatch.setenv("CURATOR_DB", pg_database)  # the address from the environment too
    code, out, _ = run(capsys, "works")
    assert code == 0 and out == ""  # an empty catalog, not a file named 'postgresql:'
