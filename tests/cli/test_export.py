"""`curator export` and `curator import x.bib` on the command line."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_works import run
from tests.conftest import FIXTURES
from tests.services.test_exporting import device_node, refuse_replacing_dev_null


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


def _saved(db: str) -> tuple[int, list[str | None]]:
    """What an export may save in the catalog: its steps (the event log) and the keys."""
    with sqlite3.connect(db) as conn:
        steps = conn.execute("SELECT count(*) FROM event").fetchone()[0]
        keys = [k for (k,) in conn.execute("SELECT citation_key FROM work ORDER BY id")]
    return steps, keys


def _not_a_file(kind: str, folder: Path) -> tuple[Path, str]:
    if kind == "device":
        return device_node(folder), "is a device"
    if kind == "fifo":
        os.mkfifo(folder / "pipe.bib")
        return folder / "pipe.bib", "is a pipe (FIFO)"
    if kind == "folder":
        (folder / "folder.bib").mkdir()
        return folder / "folder.bib", "is a folder"
    link = folder / "link.bib"
    link.symlink_to(device_node(folder))
    return link, f"links to {folder / 'null'}, a device"


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "link to device"])
def test_export_to_what_is_not_a_file_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    target, words = _not_a_file(kind, tmp_path)
    before, saved = target.lstat(), _saved(db)
    code, out, err = run(capsys, "--db", db, "export", "-o", str(target))
    assert code == 1 and out == ""
    assert err == f"curator: {target} {words}, not a file; choose a file name for the export\n"
    after = target.lstat()
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode, before.st_ino, before.st_rdev
    )  # fmt: skip
    assert _saved(db) == saved and all(k is None for k in saved[1])
    assert list(tmp_path.glob(".*.tmp")) == []


def test_export_to_dev_null_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_replacing_dev_null(monkeypatch)
    saved = _saved(db)
    code, _, err = run(capsys, "--db", db, "export", "-o", "/dev/null")
    assert code == 1
    assert err == "curator: /dev/null is a device, not a file; choose a file name for the export\n"
    assert Path("/dev/null").is_char_device() and _saved(db) == saved


def test_export_through_a_link_writes_the_linked_file(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "real.bib"
    target.write_text("old")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    code, _, err = run(capsys, "--db", db, "export", "-o", str(link))
    assert code == 0 and f"to {link}" in err
    assert link.is_symlink() and target.read_text().startswith("% Exported by curator")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{tmp}/no/such/folder/out.bib", "{tmp}/no/such/folder: no such folder"),
        (
            "/proc/version",
            "/proc/version: cannot be replaced: its folder /proc takes no new file ("
            if os.access("/proc/version", os.W_OK)  # root; others: the file is read-only
            else "/proc/version: the file is read-only",
        ),
        ("/proc/out.bib", "/proc: cannot write there ("),
    ],
)
def test_a_target_that_cannot_be_written_is_refused_before_any_work(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    """One line saying why, before the works are planned (no 'incomplete' list) or a key given."""
    saved = _saved(db)
    code, out, err = run(capsys, "--db", db, "export", "-o", target.format(tmp=tmp_path))
    assert code == 1 and out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"curator: {message.format(tmp=tmp_path)}"), line
    assert "no such folder" not in line or "no/such" in line
    assert _saved(db) == saved and all(k is None for k in saved[1])
    assert not (tmp_path / "no").exists()


def test_an_undo_waiting_for_an_export_s_keys_says_how_to_undo_them_and_that_works(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`curator undo` after merge-then-export waits for the keys the export gave the merged
    work (the window offers them first). The command line said `curator undo --any` takes
    it, which refused too, and had no way to take the keys back at all."""
    with sqlite3.connect(db) as conn:
        a, b = (r[0] for r in conn.execute("SELECT id FROM work WHERE citation_key IS NULL "
                                           "ORDER BY id LIMIT 2"))  # fmt: skip
    assert run(capsys, "--db", db, "merge", str(a), str(b), "--force")[0] == 0
    assert run(capsys, "--db", db, "export", "-o", str(tmp_path / "a.bib"))[0] == 0
    code, _, err = run(capsys, "--db", db, "undo")
    assert code == 1 and "--any" not in err
    keys_step = err.split("`curator undo-keys ")[1].split("`")[0]
    code, out, _ = run(capsys, "--db", db, "undo-keys", keys_step)
    assert code == 0 and out.startswith("undo: Citation keys for ")
    code, out, _ = run(capsys, "--db", db, "undo")
    assert code == 0 and out.startswith("undo: Merge 2 works")
