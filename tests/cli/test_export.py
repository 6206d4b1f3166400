"""`curator export` and `curator import x.bib` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_works import run
from tests.conftest import FIXTURES


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "c.sqlite")
    assert run(capsys, "--db", path, "seed")[0] == 0
    return path


def test_export_to_a_file_lists_incomplete_entries(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "out.bib"
    code, out, err = run(capsys, "--db", db, "export", "--format", "bibtex", "-o", str(out_file))
    assert code == 0 and out == ""
    text = out_file.read_text(encoding="utf-8")
    n = text.count("\n@")
    assert f"exported {n} entries" in err
    assert "curator: incomplete: " in err and ": no year" in err
    assert "@misc{" in text and "@inproceedings{" in text


def test_export_only_ids_to_stdout(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "export", "--only", "1-2,5")
    assert code == 0
    assert out.count("\n@") == 3


def test_latex_charset_writes_ascii(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, utf8, _ = run(capsys, "--db", db, "export")
    assert code == 0 and "Rocktäschel" in utf8
    code, latex, _ = run(capsys, "--db", db, "export", "--charset", "latex")
    assert code == 0 and latex.isascii()
    assert 'Rockt{\\"a}schel' in latex


def test_export_search_and_bad_ids(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "export", "--search", "RWKV")
    assert code == 0 and "RWKV" in out
    code, _, err = run(capsys, "--db", db, "export", "--only", "1,x")
    assert code == 1 and "'x' is not a work id" in err
    code, _, err = run(capsys, "--db", db, "export", "--search", "nosuchwordanywhere")
    assert code == 1 and "nothing to export" in err


def test_import_a_bib_file_reports_each_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite")
    code, out, err = run(capsys, "--db", db, "import", str(FIXTURES / "listings" / "messy.bib"))
    assert code == 0
    assert "messy.bib (BibTeX file): 4 imported, 0 unchanged, 6 skipped, 3 rejected" in out + err
