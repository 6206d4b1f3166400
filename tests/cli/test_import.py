"""`curator import` says when a file gave nothing: exit status 1 with the report of what
became of each block, never '0 imported' and success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_works import run

LISTING = "A preprint's abstract.\narXiv:2101.00001\nAnother one.\narXiv:2101.00002\n"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "c.sqlite")


def test_a_text_listing_forced_as_bibtex_is_an_error_with_its_report(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING)
    code, out, err = run(capsys, "--db", db, "import", "--format", "bibtex", str(listing))
    assert code == 1
    assert out == (
        "listing.txt (BibTeX file): 0 imported, 0 unchanged, 1 skipped, 0 rejected\n"
        "  lines 1-4: skipped: text between entries, which BibTeX ignores\n"
    )
    assert err.endswith(
        "curator: listing.txt: read as BibTeX file, but no publication entries were found "
        "(1 block skipped; lines 1-4: text between entries, which BibTeX ignores)\n"
    )
    code, out, _ = run(capsys, "--db", db, "import", "--json", "--format", "bibtex", str(listing))
    report = json.loads(out)
    assert code == 1 and report["errors"] and report["files"][0]["refused"] == report["errors"][0]
    assert report["files"][0]["blocks"][0]["reason"].startswith("text between entries")
    assert run(capsys, "--db", db, "works")[2] == "0 works\n"


def test_a_file_of_rejected_entries_is_an_error_naming_each(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_text("@misc{a, title = {unbalanced, year = 2020}\n\n@misc{b, title = {X} year = 1}\n")
    code, out, err = run(capsys, "--db", db, "import", str(bib))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith(": 0 imported, 0 unchanged, 0 skipped, 2 rejected")
    assert [line.split(":")[0] for line in lines[1:]] == ["  line 1", "  line 3"]
    assert "but no record could be read (2 blocks rejected; line 1: " in err


@pytest.mark.parametrize(("content", "fmt"), [("", None), ("\n  \n", "bibtex"), ("", "arxiv")])
def test_an_empty_file_is_an_error_that_says_so(
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    fmt: str | None,
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text(content)
    forced = ["--format", fmt] if fmt else []
    code, out, err = run(capsys, "--db", db, "import", *forced, str(empty))
    assert code == 1 and out == ""
    assert err.endswith("curator: empty.txt: the file is empty; there is nothing to import\n")
