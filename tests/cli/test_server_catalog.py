"""The command line on a catalog on a real PostgreSQL server: the same commands as on a file,
with the same answers. (The other command-line tests take a file of their own.)"""

from __future__ import annotations

import json
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


# --- the main commands, one by one, on a server ----------------------------------------------

LAB = Path(__file__).parents[2] / "seeds" / "002_cb567479606c08e0.txt"


@pytest.fixture
def seeded_db(pg_database: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A server catalog the command line seeded with the sample listings."""
    assert run(capsys, "--db", pg_database, "seed")[0] == 0
    return pg_database


def test_import_reports_each_block_and_a_reimport_is_unchanged(
    pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", pg_database, "import", str(LAB))
    assert code == 0 and "5 imported" in out and "2 skipped" in out
    assert "line 1: skipped" in out
    code, out, _ = run(capsys, "--db", pg_database, "import", str(LAB))
    assert code == 0 and "0 imported, 5 unchanged" in out


def test_search_show_and_edit(seeded_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = seeded_db
    code, out, _ = run(capsys, "--db", db, "works", "--search", "llemma", "--json")
    found = json.loads(out)
    assert code == 0 and found and all("Llemma" in (w["title"] or w["abstract"]) for w in found)
    code, out, _ = run(capsys, "--db", db, "show", str(found[0]["id"]))
    assert code == 0 and "source records:" in out and "lines" in out
    code, out, _ = run(capsys, "--db", db, "edit", "1", "--set", "year=2022", "--json")
    assert code == 0 and json.loads(out)["year"] == 2022
    code, _, err = run(capsys, "--db", db, "edit", "1", "--set", "year=20222")
    assert code == 1 and err.startswith("curator: year:") and err.count("\n") == 1
    args = ["edit", "1", "--set", "pages=97--111", "--set", "volume=27", "--json"]
    code, out, _ = run(capsys, "--db", db, *args)  # a JSON column (extra) on the server
    assert code == 0 and json.loads(out)["extra"] == {"volume": "27", "pages": "97--111"}
    code, out, _ = run(capsys, "--db", db, "show", "1")
    assert code == 0 and "pages: 97--111" in out
    code, _, err = run(capsys, "--db", db, "show", "4242")
    assert code == 1 and "no work with id 4242" in err


def test_candidates_merge_history_undo_redo_and_unmerge(
    seeded_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_db
    code, out, _ = run(capsys, "--db", db, "candidates", "--json", "--band", "sure")
    pairs = json.loads(out)
    assert code == 0 and pairs and {"works", "score", "band", "reasons"} <= set(pairs[0])
    a, b = pairs[0]["works"]
    code, out, _ = run(capsys, "--db", db, "merge", str(a), str(b), "--set", "notes=by hand")
    assert code == 0 and "into work" in out
    code, out, _ = run(capsys, "--db", db, "history", "--json")
    assert json.loads(out)[-1]["kind"] == "merge"
    code, out, _ = run(capsys, "--db", db, "history")
    assert code == 0 and "the command line  Merge 2 works" in out.splitlines()[-1]
    code, out, _ = run(capsys, "--db", db, "undo")
    assert code == 0 and out.startswith("undo: Merge 2 works")
    assert run(capsys, "--db", db, "redo")[0] == 0
    code, out, _ = run(capsys, "--db", db, "unmerge", str(min(a, b)))
    assert code == 0 and "restored works" in out
    code, out, _ = run(capsys, "--db", db, "show", str(max(a, b)))
    assert code == 0  # the work merged away is back


def test_distinct_blocks_a_merge_until_forced(
    seeded_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_db
    code, out, _ = run(capsys, "--db", db, "distinct", "1", "2")
    assert code == 0 and out.startswith("works 1 and 2 marked distinct")
    code, _, err = run(capsys, "--db", db, "merge", "1", "2")
    assert code == 1 and "--force" in err
    assert run(capsys, "--db", db, "merge", "1", "2", "--force")[0] == 0


def _venues(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, dict]:
    code, out, _ = run(capsys, "--db", db, "venues", "--json")
    assert code == 0
    return {v["name"]: v for v in json.loads(out)}


def test_venues_and_a_suggestion_accepted_then_undone(
    seeded_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_db
    found = _venues(capsys, db)
    assert found["ICLR"]["kind"] == "conference" and found["ICLR"]["works"] == 4
    assert found["ICLR"]["aliases"] == [{"label": "ICLR", "records": 4, "note": None}]
    code, out, err = run(capsys, "--db", db, "venues", "--search", "workshop")
    assert code == 0 and "NeurIPS Workshop (SoLaR)" in out and "ICLR" not in out
    assert "5 venues" in err
    code, out, _ = run(capsys, "--db", db, "venue-suggestions", "--json")
    spot = next(x for x in json.loads(out) if "NeurIPS (Spotlight)" in x["labels"])
    code, out, _ = run(capsys, "--db", db, "venue-accept", str(spot["number"]))
    assert code == 0 and "curator undo" in out
    assert "NeurIPS (Spotlight)" not in _venues(capsys, db)
    labels = [a["label"] for a in _venues(capsys, db)["NeurIPS"]["aliases"]]
    assert "NeurIPS (Spotlight)" in labels
    assert run(capsys, "--db", db, "undo")[0] == 0
    assert "NeurIPS (Spotlight)" in _venues(capsys, db)


def test_export_to_stdout_by_ids_and_by_search(
    seeded_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = seeded_db
    code, out, _ = run(capsys, "--db", db, "export", "--only", "1-2,5")
    assert code == 0 and out.count("\n@") == 3
    code, out, _ = run(capsys, "--db", db, "export", "--search", "RWKV")
    assert code == 0 and "RWKV" in out
    code, latex, _ = run(capsys, "--db", db, "export", "--charset", "latex")
    assert code == 0 and latex.isascii() and 'Rockt{\\"a}schel' in latex


# --- a file and a server answer alike ---------------------------------------------------------


def _answers(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, object]:
    """What the read commands say about a freshly seeded catalog, as data."""
    found: dict[str, object] = {}
    for name, args in {
        "works": ["works", "--json"],
        "search": ["works", "--search", "language model", "--json"],
        "records": ["records", "--json"],
        "venues": ["venues", "--json"],
        "candidates": ["candidates", "--json"],
        "suggestions": ["venue-suggestions", "--json"],
    }.items():
        code, out, err = run(capsys, "--db", db, *args)
        assert code == 0, err
        found[name] = json.loads(out)
    return found


def _without_times(value: object) -> object:
    """Values with the moments they were made left out (two seeds are not the same second)."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if not k.endswith("_at")}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_a_file_and_a_server_seeded_alike_answer_alike(
    pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_file = str(tmp_path / "c.sqlite")
    for db in (on_file, pg_database):
        assert run(capsys, "--db", db, "seed")[0] == 0
    assert _without_times(_answers(capsys, pg_database)) == _without_times(
        _answers(capsys, on_file)
    )
