"""Storage faults on the command line: a damaged, truncated, full, read-only or non-file
catalog gets a plain message and exit status 1, never a traceback, and nothing is written;
backups list, restore and check."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import pytest

from curator.cli import main
from tests.store.test_backups import damage

COMMANDS = [
    ["works"],
    ["show", "1"],
    ["edit", "1", "--set", "title=Changed"],
    ["history"],
    ["undo"],
    ["candidates"],
    ["export"],
    ["venues"],
    ["import", "seeds/001_901f637700b209f8.txt"],
]
ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A seeded catalog, opened once more: its first daily backup is made then (the one
    opened empty by `seed` had nothing to back up)."""
    db = tmp_path / "c.sqlite"
    assert run(capsys, "--db", str(db), "seed")[0] == 0
    assert run(capsys, "--db", str(db), "backups")[1].startswith("no backups")
    assert run(capsys, "--db", str(db), "works")[0] == 0
    return db


def _every_command_fails_plainly(
    capsys: pytest.CaptureFixture[str], db: Path, expected: str
) -> None:
    os.chdir(ROOT)  # the import command names a seed listing
    for command in COMMANDS:
        code, _, err = run(capsys, "--db", str(db), *command)
        assert code in (0, 1), (command, err)
        assert "Traceback" not in err and "internal error" not in err, (command, err)
        if code == 1:
            assert expected in err, (command, err)


def test_a_damaged_catalog_is_read_where_it_can_be_and_never_written(
    capsys: pytest.CaptureFixture[str], seeded_db: Path
) -> None:
    damage(seeded_db)
    before = seeded_db.read_bytes()
    _every_command_fails_plainly(capsys, seeded_db, "damaged")
    assert seeded_db.read_bytes() == before
    code, _, err = run(capsys, "--db", str(seeded_db), "edit", "1", "--set", "title=X")
    assert code == 1 and "Nothing will be written" in err
    assert "curator restore 2" in err  # the newest backup, by name: the way out
    code, out, _ = run(capsys, "--db", str(seeded_db), "check")
    assert code == 1 and "is damaged" in out


def test_restore_brings_a_damaged_catalog_back_and_keeps_the_damaged_one(
    capsys: pytest.CaptureFixture[str], seeded_db: Path
) -> None:
    code, out, _ = run(capsys, "--db", str(seeded_db), "works", "--json")
    works = json.loads(out)
    damage(seeded_db)
    code, out, _ = run(capsys, "--db", str(seeded_db), "backups", "--json")
    listed = json.loads(out)
    assert code == 0 and [b["reason"] for b in listed] == ["daily"]
    code, out, _ = run(capsys, "--db", str(seeded_db), "restore", listed[0]["name"])
    assert code == 0 and "restored" in out
    kept = Path(out.rsplit("kept in ", 1)[1].strip())
    assert kept.exists() and kept.name.endswith("before-restore.damaged")
    assert run(capsys, "--db", str(seeded_db), "check")[0] == 0
    code, out, _ = run(capsys, "--db", str(seeded_db), "works", "--json")
    assert json.loads(out) == works
    assert run(capsys, "--db", str(seeded_db), "edit", "1", "--set", "title=Fine")[0] == 0


def test_a_manual_backup_survives_rotation_and_restores_a_sound_catalog(
    capsys: pytest.CaptureFixture[str], seeded_db: Path
) -> None:
    assert run(capsys, "--db", str(seeded_db), "edit", "1", "--set", "title=Kept")[0] == 0
    code, out, _ = run(capsys, "--db", str(seeded_db), "backup")
    assert code == 0
    name = Path(out.split(" to ")[1].strip()).name
    assert run(capsys, "--db", str(seeded_db), "edit", "1", "--set", "title=Later")[0] == 0
    assert run(capsys, "--db", str(seeded_db), "restore", name)[0] == 0
    code, out, _ = run(capsys, "--db", str(seeded_db), "show", "1")
    assert "title: Kept" in out
    code, out, _ = run(capsys, "--db", str(seeded_db), "backups")
    assert "before restore" in out and "manual" in out  # the state before is a backup too


def test_a_truncated_catalog_says_what_to_do_on_every_command(
    capsys: pytest.CaptureFixture[str], seeded_db: Path
) -> None:
    with open(seeded_db, "r+b") as f:
        f.truncate(2 * 4096)
    _every_command_fails_plainly(capsys, seeded_db, "Restore a backup")
    for command in (["works"], ["history"], ["export"]):  # nothing can be read at all
        code, _, err = run(capsys, "--db", str(seeded_db), *command)
        assert code == 1 and "curator restore 2" in err


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_a_catalog_path_that_is_not_a_file_is_refused_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    if kind == "device":
        target = Path("/dev/null")
    elif kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = tmp_path
    mode = target.stat().st_mode
    for command in (["works"], ["edit", "1", "--set", "title=X"]):
        code, _, err = run(capsys, "--db", str(target), *command)
        assert code == 1 and "give the path of a catalog file" in err
    assert target.stat().st_mode == mode
    assert not list(target.parent.glob(f"{target.name}-*"))  # no -wal, -shm made beside it


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs mounted for the test (CI runs as root; elsewhere the test is skipped)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small disk needs root (CI has it)")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_is_a_plain_error_and_loses_nothing(
    capsys: pytest.CaptureFixture[str], seeded_db: Path, small_disk: Path
) -> None:
    db = small_disk / "c.sqlite"
    shutil.copyfile(seeded_db, db)
    filler = small_disk / "filler"
    with open(filler, "wb") as f:  # every free block taken
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    _every_command_fails_plainly(capsys, db, str(db))
    filler.unlink()
    assert run(capsys, "--db", str(db), "check")[0] == 0
    code, out, _ = run(capsys, "--db", str(db), "show", "1")
    assert code == 0 and "title: Changed" not in out


def test_a_read_only_disk_says_so(
    capsys: pytest.CaptureFixture[str], seeded_db: Path, small_disk: Path
) -> None:
    db = small_disk / "c.sqlite"
    shutil.copyfile(seeded_db, db)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code, _, err = run(capsys, "--db", str(db), "works")
    assert code == 1 and "read-only disk" in err


def _break_a_work_page(db: Path) -> None:
    """Overwrite one leaf page of the work table: the works on it can no longer be read."""
    with sqlite3.connect(db) as conn:
        leaves = [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'work' AND pagetype = 'leaf'"
            )
        ]
    with open(db, "r+b") as f:
        f.seek((leaves[len(leaves) // 2] - 1) * 4096)
        f.write(b"\x0d" + b"\xff" * 4095)


def test_a_damaged_catalog_exports_every_work_that_can_still_be_read(
    capsys: pytest.CaptureFixture[str], seeded_db: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "--db", str(seeded_db), "works", "--json")
    titles = {w["id"]: w["title"] for w in json.loads(out)}
    _break_a_work_page(seeded_db)
    before = seeded_db.read_bytes()
    good = tmp_path / "library.bib"
    good.write_text("% the export made while the catalog was sound\n")
    code, _, err = run(capsys, "--db", str(seeded_db), "export", "-o", str(good))
    assert code == 1 and "a salvage writes a new file" in err
    assert good.read_text() == "% the export made while the catalog was sound\n"
    target = tmp_path / "salvaged.bib"
    code, _, err = run(capsys, "--db", str(seeded_db), "export", "-o", str(target))
    assert code == 1 and "incomplete: " in err  # written, but not whole: scripts notice
    lost = {int(i) for i in err.split("(ids ")[1].split(")")[0].split(", ")}
    assert 0 < len(lost) < len(titles)
    library = bibtexparser.parse_string(target.read_text())
    assert not library.failed_blocks
    assert len(library.entries) == len(titles) - len(lost)
    assert f"salvaged {len(library.entries)} entries" in err
    titled = sum(1 for e in library.entries if "title" in e.fields_dict)
    assert titled == sum(1 for wid, t in titles.items() if wid not in lost and t)
    assert seeded_db.read_bytes() == before  # no key saved, nothing written


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_backups_folder_that_cannot_be_written_warns_and_stops_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    small_disk: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    db = tmp_path / "c.sqlite"
    assert run(capsys, "--db", str(db), "seed")[0] == 0
    monkeypatch.setenv("XDG_DATA_HOME", str(small_disk))  # the backups live on the small disk
    if fault == "full":
        with open(small_disk / "filler", "wb") as f, contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 65536)
                f.flush()
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code, out, err = run(capsys, "--db", str(db), "works")
    assert code == 0 and "65 works" in out + err
    assert "warning: the day's backup was not made" in err and "catalog itself is unchanged" in err
    code, _, err = run(capsys, "--db", str(db), "backup")
    assert code == 1 and "cannot write a backup" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["check"], ["restore", "x.sqlite"], ["backups"]])
def test_commands_on_the_catalog_file_refuse_what_is_not_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for target in (pipe, Path("/dev/null")):
        code, _, err = run(capsys, "--db", str(target), *command)
        assert code == 1 and "not a file" in err
    assert not Path("/dev/null-journal").exists()


def test_a_restore_onto_a_full_disk_is_a_plain_error(
    capsys: pytest.CaptureFixture[str], seeded_db: Path, small_disk: Path
) -> None:
    db = small_disk / "c.sqlite"
    shutil.copyfile(seeded_db, db)
    code, out, _ = run(capsys, "--db", str(db), "backup")
    name = Path(out.split(" to ")[1].strip()).name
    assert run(capsys, "--db", str(db), "edit", "1", "--set", "title=Later")[0] == 0
    with open(small_disk / "filler", "wb") as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    code, _, err = run(capsys, "--db", str(db), "restore", name)
    assert code == 1 and "Traceback" not in err and "internal error" not in err
    (small_disk / "filler").unlink()
    assert run(capsys, "--db", str(db), "check")[0] == 0
