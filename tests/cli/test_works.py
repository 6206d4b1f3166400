"""The command line: stable JSON names, exit codes, one-line errors and never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from curator.cli import main

RECORD_KEYS = {
    "id",
    "work_id",
    "source_file",
    "ordinal",
    "first_line",
    "last_line",
    "title",
    "abstract",
    "authors",
    "venue",
    "year",
    "arxiv_id",
    "doi",
}
WORK_KEYS = RECORD_KEYS - {"work_id", "source_file", "ordinal", "first_line", "last_line"} | {
    "venue_kind",
    "entry_type",
    "citation_key",
    "record_ids",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


def test_seed_then_list_records_and_works_as_json(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "--db", db, "seed", "--json")
    assert code == 0
    report = json.loads(out)
    assert len(report["files"]) == 5 and report["errors"] == []
    imported = sum(f["counts"]["imported"] for f in report["files"])
    code, out, _ = run(capsys, "--db", db, "records", "--json")
    records = json.loads(out)
    assert code == 0 and len(records) == imported
    assert all(set(r) >= RECORD_KEYS for r in records)
    assert all(isinstance(r["authors"], list) for r in records)
    code, out, _ = run(capsys, "--db", db, "works", "--json")
    found = json.loads(out)
    assert len(found) == imported and all(set(w) >= WORK_KEYS for w in found)
    missing = [w for w in found if w["doi"] is None]
    assert missing, "missing values are null"


def test_import_prints_a_report_and_reimport_is_unchanged(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    lab = str(Path(__file__).parents[2] / "seeds" / "002_cb567479606c08e0.txt")
    code, out, _ = run(capsys, "--db", db, "import", lab)
    assert code == 0
    assert "5 imported" in out and "2 skipped" in out
    assert "line 1: skipped" in out
    code, out, _ = run(capsys, "--db", db, "import", lab)
    assert "0 imported, 5 unchanged" in out


def test_works_search_and_show(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "seed")
    code, out, _ = run(capsys, "--db", db, "works", "--search", "llemma", "--json")
    found = json.loads(out)
    assert code == 0 and found and all("Llemma" in (w["title"] or w["abstract"]) for w in found)
    code, out, _ = run(capsys, "--db", db, "show", str(found[0]["id"]))
    assert code == 0 and "source records:" in out and "lines" in out


def test_edit_validates_and_reports_errors_in_one_line(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "seed")
    code, out, _ = run(capsys, "--db", db, "edit", "1", "--set", "year=2022", "--json")
    assert code == 0 and json.loads(out)["year"] == 2022
    code, _, err = run(capsys, "--db", db, "edit", "1", "--set", "year=20222")
    assert code == 1 and err.startswith("curator: year:") and err.count("\n") == 1
    code, _, err = run(capsys, "--db", db, "edit", "1", "--set", "arxiv_id=banana")
    assert code == 1 and "arXiv" in err
    code, _, err = run(capsys, "--db", db, "edit", "1", "--set", "year")
    assert code == 1 and "FIELD=VALUE" in err
    code, _, err = run(capsys, "--db", db, "show", "4242")
    assert code == 1 and "no work with id 4242" in err


def test_edit_sets_and_clears_other_bibtex_fields_by_name(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "seed")
    args = ["edit", "1", "--set", "pages=97--111", "--set", "volume=27", "--json"]
    code, out, _ = run(capsys, "--db", db, *args)
    assert code == 0 and json.loads(out)["extra"] == {"volume": "27", "pages": "97--111"}
    code, out, _ = run(capsys, "--db", db, "edit", "1", "--set", "volume=", "--json")
    assert code == 0 and json.loads(out)["extra"] == {"pages": "97--111"}
    code, out, _ = run(capsys, "--db", db, "show", "1")
    assert "pages: 97--111" in out
    code, _, err = run(capsys, "--db", db, "edit", "1", "--set", "titel=x")
    assert code == 1 and "not an editable field" in err and "volume" in err
    args = ["edit", "1", "--set", "extra=location = Paris", "--set", "volume=3", "--json"]
    code, out, _ = run(capsys, "--db", db, *args)
    assert code == 0 and json.loads(out)["extra"] == {"volume": "3", "location": "Paris"}
    code, out, _ = run(capsys, "--db", db, "edit", "1", "--set", "location=Rome", "--json")
    assert code == 0 and json.loads(out)["extra"]["location"] == "Rome"  # a field it has


def test_recover_fields_runs_and_says_how_many(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "seed")
    code, out, _ = run(capsys, "--db", db, "recover-fields")
    assert code == 0 and out.strip() == "other BibTeX fields recovered for 0 works"


def test_bad_input_never_gives_a_traceback(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n")
    code, _, err = run(capsys, "--db", db, "import", str(junk))
    assert code == 1 and "junk.txt" in err and "Traceback" not in err
    code, _, err = run(capsys, "--db", db, "import", str(tmp_path / "missing.txt"))
    assert code == 1 and "no such file" in err
    code, _, err = run(capsys, "--db", str(tmp_path), "works")
    assert code == 1 and "folder" in err
    code, _, err = run(capsys, "--db", db, "import", "--format", "marc21", str(junk))
    assert code == 1 and "marc21" in err


def test_catalog_from_environment(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATOR_DB", db)
    run(capsys, "seed")
    assert Path(db).exists()


@pytest.mark.parametrize("command", ["import", "seed", "records", "works", "show", "edit", "gui"])
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "usage: curator" in capsys.readouterr().out


def test_console_script_runs_as_a_program(db: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "curator", "--db", db, "--create", "works"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "0 works" in result.stderr


def test_usage_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 1
    with pytest.raises(SystemExit) as info:
        main(["show", "not-a-number"])
    assert info.value.code == 1


def test_output_into_a_closed_pipe_is_not_an_error(db: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "curator", "--db", db, "seed"], check=True, capture_output=True
    )
    proc = subprocess.run(
        f"'{sys.executable}' -m curator --db '{db}' works | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout.count("\n") == 1
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_real_process_never_prints_a_traceback(tmp_path: Path, db: str) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01binary")
    for args in (["import", str(junk)], ["show", "7"], ["edit", "1", "--set", "year=x"]):
        proc = subprocess.run(
            [sys.executable, "-m", "curator", "--db", db, *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 1, args
        assert "Traceback" not in proc.stderr and proc.stderr.startswith("curator: ")


def test_candidates_merge_undo_history_from_the_command_line(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "seed")
    code, out, _ = run(capsys, "--db", db, "candidates", "--json", "--band", "sure")
    pairs = json.loads(out)
    assert code == 0 and pairs
    assert {"works", "score", "band", "reasons"} <= set(pairs[0])
    a, b = pairs[0]["works"]
    code, out, _ = run(capsys, "--db", db, "merge", str(a), str(b), "--set", "notes=merged by hand")
    assert code == 0 and "into work" in out
    code, out, _ = run(capsys, "--db", db, "history", "--json")
    assert json.loads(out)[-1]["kind"] == "merge"
    code, out, _ = run(capsys, "--db", db, "undo")
    assert code == 0 and out.startswith("undo: Merge 2 works")
    code, out, _ = run(capsys, "--db", db, "redo")
    assert code == 0
    code, out, _ = run(capsys, "--db", db, "unmerge", str(min(a, b)))
    assert code == 0 and "restored works" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["merge", "1", "1"], "itself"),
        (["merge", "1", "99999"], "no work with id 99999"),
        (["merge", "1", "2", "--keep", "3"], "not one of"),
        (["merge", "1", "2", "--set", "year=12"], "year"),
        (["distinct", "4", "4"], "itself"),
        (["related", "4", "99999"], "no work"),
        (["unmerge", "4"], "not the result of a merge"),
        (["unmerge", "99999"], "no work"),
        (["show", "99999999999999999999"], "no work with id 99999999999999999999"),
        (["edit", "99999999999999999999", "--set", "year=2020"], "no work with id"),
        (["redo"], "nothing to redo"),
        (["candidates", "--band", "certain"], "invalid choice"),
        (["auto-merge"], "required"),
    ],
)
def test_decision_commands_reject_bad_input_with_one_line(
    capsys: pytest.CaptureFixture[str], db: str, args: list[str], message: str
) -> None:
    run(capsys, "--db", db, "seed")
    try:
        code, _, err = run(capsys, "--db", db, *args)
    except SystemExit as exc:  # argparse usage errors
        code, err = exc.code, capsys.readouterr().err
    assert code == 1 and message in err, err


def test_merging_works_decided_distinct_needs_force(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "seed")
    run(capsys, "--db", db, "distinct", "1", "2")
    code, _, err = run(capsys, "--db", db, "merge", "1", "2")
    assert code == 1 and "--force" in err
    code, _, _ = run(capsys, "--db", db, "merge", "1", "2", "--force")
    assert code == 0


def test_candidates_say_when_they_come_from_a_kept_scan(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "seed")
    code, first, err = run(capsys, "--db", db, "candidates")
    assert code == 0 and "from the scan" not in err
    code, again, err = run(capsys, "--db", db, "candidates")
    assert code == 0 and again == first
    assert ", from the scan made by you at " in err
