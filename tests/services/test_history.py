"""Undo in a catalog open in two programs at once: each session undoes its own steps, never
another's unasked, and never one a later step of someone else's was built on."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from curator.domain.errors import CuratorError
from curator.domain.progress import drain
from curator.export.bibtex import ExportOptions
from curator.export.keys import key_base
from curator.services import decisions, exporting, history, works
from curator.store.catalog import Catalog, open_catalog
from tests.conftest import FIXTURES


@pytest.fixture
def windows(seeded: Catalog) -> Iterator[tuple[Catalog, Catalog]]:
    """Two windows on one catalog (a file or a server database): two Catalog objects, two
    sessions."""
    a, b = seeded, open_catalog(seeded.address)
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
    restarted = open_catalog(seeded.address)
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


# --- the citation keys an export gives: a quiet step -----------------------------------------


def _export(catalog: Catalog, path: Path) -> exporting.ExportResult:
    plan = exporting.plan(catalog)
    return exporting.run_to_end(exporting.export_bibtex(catalog, plan, path, ExportOptions()))


def test_undo_after_an_export_takes_the_last_edit_not_the_keys_it_gave(
    seeded: Catalog, tmp_path: Path
) -> None:
    history.open_window_session(seeded)
    x, y = first_ids(seeded, 2)
    works.edit_work(seeded, x, {"notes": "first"})
    works.edit_work(seeded, y, {"notes": "second"})
    keys = _export(seeded, tmp_path / "a.bib").new_keys
    assert x in keys and y in keys
    assert history.next_steps(seeded)[0] == f"Edit notes of work {y}"
    assert history.undo(seeded) == f"Edit notes of work {y}"
    assert notes(seeded, y) is None
    assert history.undo(seeded, anyone=True) == f"Edit notes of work {x}"  # the plain stack too
    assert {w: works.work(seeded, w).citation_key for w in keys} == keys  # the keys stay
    assert [history.redo(seeded) for _ in range(2)] == [
        f"Edit notes of work {x}",
        f"Edit notes of work {y}",
    ]
    given = next(e for e in history.history(seeded) if e.kind == "keys")
    assert given.state == "done" and given.quiet


def test_an_undo_that_would_bring_back_a_key_the_export_gave_another_offers_the_keys_first(
    seeded: Catalog, tmp_path: Path
) -> None:
    """An edit took key K from work X; the export then gave K to work Y. Undoing the edit
    would give K to two works: the keys are offered first, then the edit."""
    history.open_window_session(seeded)
    rows = works.works(seeded)
    bases = Counter(key_base(w.authors, w.year, w.title) for w in rows)
    x = next(w for w in rows if bases[key_base(w.authors, w.year, w.title)] == 1)
    wanted = key_base(x.authors, x.year, x.title)  # what the export gives x
    y = next(w for w in rows if w.id != x.id)
    works.edit_work(seeded, y.id, {"citation_key": wanted})
    works.edit_work(seeded, y.id, {"citation_key": ""})  # y lets the key go
    keys = _export(seeded, tmp_path / "a.bib").new_keys
    assert keys[x.id] == wanted
    with pytest.raises(history.KeysFirst, match=f"the citation key {wanted.lower()}"):
        history.undo(seeded)
    step = history.next_step_events(seeded)[0]
    assert step is not None and step.kind == "keys" and step.own
    assert step.waiting is not None and step.waiting.summary == f"Edit citation_key of work {y.id}"
    drain(history.undo_steps(seeded, expected=step.event_id))
    assert works.work(seeded, x.id).citation_key is None
    assert history.undo(seeded) == f"Edit citation_key of work {y.id}"
    assert works.work(seeded, y.id).citation_key == wanted
    assert history.next_steps(seeded)[1] == f"Edit citation_key of work {y.id}"  # keys: void


def test_an_undo_that_would_write_over_a_key_the_export_gave_waits_for_the_keys(
    seeded: Catalog, tmp_path: Path
) -> None:
    """The librarian cleared x's own key; the export gave x another, which the written file
    cites. Undoing the clearing would put the old key over it: the keys are undone first
    (from the history, or as the step the menu offers), then the edit."""
    history.open_window_session(seeded)
    (x,) = first_ids(seeded, 1)
    works.edit_work(seeded, x, {"citation_key": "mine2020"})  # the librarian's own key
    works.edit_work(seeded, x, {"citation_key": ""})
    keys = _export(seeded, tmp_path / "a.bib").new_keys
    assert x in keys
    with pytest.raises(history.KeysFirst, match=f"the citation key of work {x}"):
        history.undo(seeded)
    assert works.work(seeded, x).citation_key == keys[x]
    given = next(e for e in history.history(seeded) if e.kind == "keys")
    assert history.undo_quiet(seeded, given.id) == given.summary
    assert history.undo(seeded) == f"Edit citation_key of work {x}"  # x's own key is back
    assert works.work(seeded, x).citation_key == "mine2020"
    assert all(works.work(seeded, w).citation_key is None for w in keys if w != x)
    with pytest.raises(CuratorError, match="is undone already"):
        history.undo_quiet(seeded, given.id)  # void now
    with pytest.raises(CuratorError, match="not a change undone on its own"):
        history.undo_quiet(seeded, given.id - 1)  # an edit: undo takes those


def test_undoing_a_merge_waits_for_the_keys_an_export_then_gave_the_merged_work(
    seeded: Catalog, tmp_path: Path
) -> None:
    """A merge's undo puts the survivor back as it was, key column included: undone past the
    keys an export gave the merged work, it took that key away while the written file still
    cites it. The keys are offered first; the merge waits."""
    history.open_window_session(seeded)
    keyless = [w.id for w in works.works(seeded) if not w.citation_key]
    outcome = decisions.merge(seeded, keyless[:2], force=True)
    keys = _export(seeded, tmp_path / "a.bib").new_keys
    given = keys[outcome.survivor]
    with pytest.raises(history.KeysFirst, match=f"citation key of work {outcome.survivor}"):
        history.undo(seeded)
    assert works.work(seeded, outcome.survivor).citation_key == given
    step = history.next_step_events(seeded)[0]
    assert step is not None and step.kind == "keys"
    assert step.waiting is not None and step.waiting.event_id == outcome.event_id
    with pytest.raises(history.KeysFirst):  # the plain stack (curator undo --any) waits too
        history.undo(seeded, anyone=True)
    drain(history.undo_steps(seeded, expected=step.event_id))  # the keys the menu offers
    assert works.work(seeded, outcome.survivor).citation_key is None
    assert history.undo(seeded).startswith("Merge 2 works")
    assert history.redo(seeded).startswith("Merge 2 works")
