"""Undo in a catalog open in two programs at once: each session undoes its own steps, never
another's unasked, and never one a later step of someone else's was built on."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from curator.domain.errors import CuratorError
from curator.services import decisions, history, works
from curator.store.catalog import Catalog, open_catalog
from tests.conftest import FIXTURES


@pytest.fixture
def windows(seeded: Catalog) -> Iterator[tuple[Catalog, Catalog]]:
    """Two windows on one catalog file: two Catalog objects, two sessions."""
    a, b = seeded, open_catalog(seeded.path)
    history.open_window_session(a)
    history.open_window_session(b)
    yield a, b
    b.close()


def notes(catalog: Catalog, work_id: int) -> str | None:
    return works.work(catalog, work_id).notes


def first_ids(catalog: Catalog, n: int) -> list[int]:
    return [r.id for r in works.rows(catalog)[:n]]


def test_each_window_undoes_its_own_step_and_keeps_the_other_s(
    windows: tuple[Catalog, Catalog],
) -> None:
    a, b = windows
    x, y = first_ids(a, 2)
    works.edit_work(a, x, {"notes": "by A"})
    works.edit_work(b, y, {"notes": "by B"})
    assert history.undo(a) == f"Edit notes of work {x}"
    assert notes(a, x) is None and notes(a, y) == "by B"
    assert history.undo(b) == f"Edit notes of work {y}"
    assert notes(b, y) is None
    assert history.redo(a) == f"Edit notes of work {x}"
    assert notes(b, x) == "by A" and notes(b, y) is None


def test_a_step_a_later_step_of_another_touched_is_refused_and_nothing_changes(
    windows: tuple[Catalog, Catalog],
) -> None:
    a, b = windows
    x, y = first_ids(a, 2)
    works.edit_work(a, x, {"notes": "by A"})
    event = decisions.merge(b, [x, y], keep=x).event_id
    with pytest.raises(CuratorError) as refused:
        history.undo(a)
    message = str(refused.value)
    assert f"#{event} “Merge 2 works" in message and "by another window" in message
    assert f"work {x}" in message and "undo that one first" in message
    assert notes(a, x) == "by A"
    offered, _ = history.next_step_events(a)  # the merge first, A's edit waiting for it
    assert offered is not None and offered.event_id == event and not offered.own
    assert offered.waiting is not None and offered.waiting.summary == f"Edit notes of work {x}"
    assert offered.waiting.reason == message
    assert isinstance(refused.value, history.Waits)  # the command line adds `--any`
    history.undo(b)  # the merge's own window takes it back: now A's edit is free again
    assert history.undo(a) == f"Edit notes of work {x}"
    assert notes(a, x) is None


def test_a_redo_waits_for_an_earlier_step_it_was_built_on(
    windows: tuple[Catalog, Catalog],
) -> None:
    a, b = windows
    (x,) = first_ids(a, 1)
    works.edit_work(a, x, {"notes": "by A"})
    works.edit_work(b, x, {"notes": "by B, after A"})
    history.undo(b)
    history.undo(a)  # B's edit is undone: nothing done stands on A's any more
    assert notes(a, x) is None
    with pytest.raises(CuratorError, match=r"cannot redo .*\(by another window\).*redo that one"):
        history.redo(b)
    history.redo(a)
    history.redo(b)
    assert notes(a, x) == "by B, after A"


def test_a_session_with_no_step_of_its_own_is_told_whose_step_is_next(
    windows: tuple[Catalog, Catalog],
) -> None:
    a, b = windows
    (x,) = first_ids(a, 1)
    works.edit_work(a, x, {"notes": "by A"})
    undo_step, _ = history.next_step_events(b)
    assert undo_step is not None and not undo_step.own
    assert undo_step.by == "another window" and undo_step.note == "by another window"
    with pytest.raises(history.NotYours, match=r"nothing to undo among this window's changes"):
        history.undo(b)
    assert notes(a, x) == "by A"
    assert history.undo(b, anyone=True) == f"Edit notes of work {x}"
    assert notes(a, x) is None
    _, redo_step = history.next_step_events(b)
    assert redo_step is not None and redo_step.summary == f"Edit notes of work {x}"


def test_the_undo_menu_names_a_later_step_of_another_above_one_s_own(
    windows: tuple[Catalog, Catalog],
) -> None:
    a, b = windows
    x, y = first_ids(a, 2)
    works.edit_work(a, x, {"notes": "by A"})
    works.edit_work(b, y, {"notes": "by B"})
    undo_step, _ = history.next_step_events(a)
    assert undo_step is not None and undo_step.own and undo_step.note == ""
    assert undo_step.summary == f"Edit notes of work {x}"
    assert undo_step.latest is not None and undo_step.latest.summary == f"Edit notes of work {y}"
    assert undo_step.latest.by == "another window"


def test_history_says_who_made_each_step(windows: tuple[Catalog, Catalog]) -> None:
    a, b = windows
    (x,) = first_ids(a, 1)
    works.edit_work(a, x, {"notes": "by A"})
    history.undo(b, anyone=True)
    seen_by_a = [(e.summary, e.by) for e in history.history(a)[-2:]]
    assert seen_by_a == [
        (f"Edit notes of work {x}", "this window"),
        (f"Undo: Edit notes of work {x}", "another window"),
    ]
    assert history.history(a)[0].by == "the command line"  # the seed, imported by a script


def test_steps_made_before_who_was_recorded_are_anyone_s(tmp_path: Path) -> None:
    """An upgraded catalog's steps belong to nobody: every session undoes them as before,
    and says they came earlier."""
    path = tmp_path / "v6.sqlite"
    shutil.copy(FIXTURES / "catalogs" / "v6-sample.sqlite", path)
    catalog = open_catalog(path)
    try:
        history.open_window_session(catalog)
        undo_step, _ = history.next_step_events(catalog)
        assert undo_step is not None and undo_step.own and undo_step.note == "earlier"
        assert history.undo(catalog).startswith("Merge all sure groups")
        assert history.history(catalog)[0].by == "earlier"
        assert history.history(catalog)[-1].by == "this window"
    finally:
        catalog.close()


def test_a_window_of_an_earlier_run_is_named_as_the_user_s_earlier_window(
    seeded: Catalog,
) -> None:
    """After a restart the librarian's own window steps are not "another window's"; a window
    open alongside still is."""
    (x,) = first_ids(seeded, 1)
    history.open_window_session(seeded)
    works.edit_work(seeded, x, {"notes": "yesterday"})
    restarted = open_catalog(seeded.path)
    try:
        history.open_window_session(restarted)
        works.edit_work(seeded, x, {"notes": "alongside"})
        by = [e.by for e in history.history(restarted)[-2:]]
        assert by == ["an earlier window of yours", "another window"]
        undo_step, _ = history.next_step_events(restarted)
        assert undo_step is not None and undo_step.note == "by another window"
        history.undo(seeded)
        undo_step, _ = history.next_step_events(restarted)
        assert undo_step is not None and undo_step.note == "by an earlier window of yours"
    finally:
        restarted.close()
