"""`curator undo` and `redo` take the user's own command-line steps, never a window's or another
user's unasked (`--any` takes them); `curator history` says who made each step."""

from __future__ import annotations

import getpass
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curator.services import history, works
from curator.store.catalog import Catalog, open_catalog
from tests.cli.test_works import run


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(getpass, "getuser", lambda: "alice")
    path = str(tmp_path / "c.sqlite")
    assert run(capsys, "--db", path, "seed")[0] == 0
    return path


@pytest.fixture
def window(db: str) -> Iterator[Catalog]:
    """A window open on the same catalog, as alice."""
    catalog = open_catalog(db)
    history.open_window_session(catalog)
    yield catalog
    catalog.close()


def notes(catalog: Catalog, work_id: int) -> str | None:
    return works.work(catalog, work_id).notes


def edit(capsys: pytest.CaptureFixture[str], db: str, work_id: int, text: str) -> None:
    assert run(capsys, "--db", db, "edit", str(work_id), "--set", f"notes={text}")[0] == 0


def test_undo_takes_the_command_line_s_step_and_keeps_the_window_s(
    capsys: pytest.CaptureFixture[str], db: str, window: Catalog
) -> None:
    edit(capsys, db, 1, "from the shell")
    works.edit_work(window, 2, {"notes": "from the window"})
    code, out, _ = run(capsys, "--db", db, "undo")
    assert code == 0 and out == "undo: Edit notes of work 1\n"
    assert notes(window, 1) is None and notes(window, 2) == "from the window"
    code, out, _ = run(capsys, "--db", db, "redo")
    assert code == 0 and out == "redo: Edit notes of work 1\n"
    assert notes(window, 1) == "from the shell"


def test_undo_refuses_a_step_a_window_built_on_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], db: str, window: Catalog
) -> None:
    edit(capsys, db, 1, "from the shell")
    works.edit_work(window, 1, {"notes": "from the window, after"})
    code, _, err = run(capsys, "--db", db, "undo")
    assert code == 1 and err.startswith("curator: cannot undo “Edit notes of work 1”")
    assert "“Edit notes of work 1” (by a window), also changed work 1" in err
    assert err.endswith("undo that one first; `curator undo --any` takes it\n")
    assert notes(window, 1) == "from the window, after"
    code, out, _ = run(capsys, "--db", db, "undo", "--any")
    assert code == 0 and out == "undo: Edit notes of work 1\n"
    assert notes(window, 1) == "from the shell"
    assert run(capsys, "--db", db, "undo")[0] == 0
    assert notes(window, 1) is None


def test_another_user_s_steps_are_taken_only_with_any(
    capsys: pytest.CaptureFixture[str],
    db: str,
    window: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    works.edit_work(window, 1, {"notes": "alice's"})
    monkeypatch.setattr(getpass, "getuser", lambda: "bob")
    code, _, err = run(capsys, "--db", db, "undo")
    assert code == 1
    assert err == (
        "curator: nothing to undo among the changes made from the command line: the latest "
        f"change to undo, #{_last_id(window)} “Edit notes of work 1”, was made by alice; "
        "`curator undo --any` takes it\n"
    )
    assert notes(window, 1) == "alice's"
    assert run(capsys, "--db", db, "undo", "--any")[0] == 0
    assert notes(window, 1) is None
    code, _, err = run(capsys, "--db", db, "redo")  # bob undid it, but alice made it
    assert code == 1 and "was made by alice; `curator redo --any` takes it" in err
    assert run(capsys, "--db", db, "redo", "--any")[0] == 0
    assert notes(window, 1) == "alice's"


def _last_id(catalog: Catalog) -> int:
    return max(e.id for e in history.history(catalog))


def test_history_says_who_made_each_step(
    capsys: pytest.CaptureFixture[str],
    db: str,
    window: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edit(capsys, db, 1, "from the shell")
    works.edit_work(window, 2, {"notes": "from the window"})
    code, out, _ = run(capsys, "--db", db, "history")
    lines = out.splitlines()
    assert code == 0 and "the command line  Edit notes of work 1" in lines[-2]
    assert "a window          Edit notes of work 2" in lines[-1]
    code, out, _ = run(capsys, "--db", db, "history", "--json")
    last = json.loads(out)[-1]
    assert last["by"] == "a window" and last["user"] == "alice"
    assert last["session"].startswith("window:")
    monkeypatch.setattr(getpass, "getuser", lambda: "bob")
    code, out, _ = run(capsys, "--db", db, "history", "--json")
    assert {e["by"] for e in json.loads(out)} == {"alice"}


def test_distinct_and_related_decide_a_group_in_one_step(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    catalog = open_catalog(db)
    try:
        ids = [w.id for w in works.works(catalog, "llemma") if "Llemma" in f"{w.title}{w.abstract}"]
    finally:
        catalog.close()
    a, b, c = (str(i) for i in ids)
    code, out, _ = run(capsys, "--db", db, "related", a, b)
    assert code == 0 and out.startswith(f"works {a} and {b} marked related (event ")
    code, out, _ = run(capsys, "--db", db, "distinct", a, b, c)
    assert code == 0
    assert out.startswith(f"works {a}, {b} and {c} marked distinct: 2 pairs; 1 decided before")
    code, out, _ = run(capsys, "--db", db, "history")
    assert f"Works {a}, {b} and {c}: not duplicates (2 pairs; 1 decided before)" in out
    code, out, _ = run(capsys, "--db", db, "undo")
    assert code == 0 and out.startswith(f"undo: Works {a}, {b} and {c}: not duplicates")
    code, _, err = run(capsys, "--db", db, "distinct", a)
    assert code == 1 and "at least two" in err


def test_history_times_are_on_the_librarians_own_clock(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kathmandu")  # UTC+5:45: no hour-only offset hides it
    time.tzset()
    try:
        edit(capsys, db, 1, "from the shell")
        _, out, _ = run(capsys, "--db", db, "history", "--json")
        stored = datetime.fromisoformat(json.loads(out)[-1]["created_at"])
        _, out, _ = run(capsys, "--db", db, "history")
        shown = (stored.replace(tzinfo=UTC) + timedelta(hours=5, minutes=45)).strftime("%H:%M")
        assert f" {shown}  " in out.splitlines()[-1]
    finally:
        monkeypatch.undo()
        time.tzset()
