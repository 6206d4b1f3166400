"""A window shows what others change in its catalog as it happens: another window in this
process, or the command line in another, on one catalog file or one server database. Only the
rows of the works changed are read again (the table is never reset for them), and the history,
the open work and the duplicate queue follow. No test waits on a clock: each waits for the
window's signal, or for the state it brings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from curator.services import backups, changes, decisions, importing, venues, works
from curator.store.catalog import open_catalog
from curator.ui.catalog.work_table import COL_TITLE
from curator.ui.main_window import MainWindow
from tests.conftest import HANG, ROOT
from tests.ui.conftest import close_window, open_window
from tests.ui.review.test_panel import show_duplicates

Location = Path | str


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path, seed_paths: list[Path]) -> Location:
    """A seeded catalog that two programs open: a file, or a server database."""
    location: Location = tmp_path / "shared.sqlite"
    if request.param == "postgresql":
        location = str(request.getfixturevalue("pg_database"))
    catalog = open_catalog(location)
    run = importing.run_to_end(importing.import_files(catalog, seed_paths))
    assert run.ok, run.failures
    catalog.close()
    return location


@pytest.fixture
def two(qtbot: QtBot, shared: Location) -> Iterator[tuple[MainWindow, MainWindow]]:
    """Two windows on the shared catalog, each with a catalog (and a session) of its own."""
    here, there = open_window(open_catalog(shared)), open_window(open_catalog(shared))
    yield here, there
    for window in (here, there):
        close_window(window)
        window.catalog.close()


class ModelEvents:
    """What a table model told its views: resets, rows removed, rows changed."""

    def __init__(self, window: MainWindow) -> None:
        self.resets = 0
        self.removed: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int]] = []
        model = window.model
        model.modelReset.connect(self._reset)
        model.rowsRemoved.connect(lambda _p, first, last: self.removed.append((first, last)))
        model.dataChanged.connect(
            lambda top, bottom, *_: self.changed.append((top.row(), bottom.row()))
        )

    def _reset(self) -> None:
        self.resets += 1


def _title(window: MainWindow, work_id: int) -> str:
    row = window.model.row_of(work_id)
    assert row is not None
    return str(window.model.data(window.model.index(row, COL_TITLE)))


def test_a_merge_in_another_window_shows_here_row_by_row(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow]
) -> None:
    here, there = two
    ids = [here.model.work_id(row) for row in range(here.model.rowCount())]
    keep, gone = ids[3], ids[5]
    events = ModelEvents(here)

    with qtbot.waitSignal(here.live.refreshed, timeout=HANG) as seen:
        decisions.merge(there.catalog, [keep, gone], keep=keep, overrides={"title": "One now"})

    assert seen.args[0].works == {keep, gone}
    assert events.resets == 0  # 65 rows were not read again for two works
    assert events.removed == [(5, 5)] and here.model.row_of(gone) is None
    assert events.changed == [(3, 3)] and _title(here, keep) == "One now"
    assert here.model.rowCount() == len(ids) - 1 == works.stats(here.catalog)["works"]
    newest = here.history.entries[0]
    assert newest.summary.startswith("Merge 2 works") and newest.by == "another window"
    assert "by another window" in here.statusBar().currentMessage()
    assert "64 works" in here.counts_label.text()


def test_the_work_shown_merged_away_elsewhere_gives_way_to_the_one_it_went_into(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow]
) -> None:
    here, there = two
    shown, into = here.model.work_id(0), here.model.work_id(3)
    assert here.editor.work is not None and here.editor.work.id == shown

    with qtbot.waitSignal(here.live.refreshed, timeout=HANG):
        decisions.merge(there.catalog, [into, shown], keep=into)

    assert here.model.row_of(shown) is None
    assert here.editor.work is not None and here.editor.work.id == into
    assert here.editor.work.record_ids == works.work(here.catalog, into).record_ids
    assert f"Work {shown}, shown here, is part of work {into} now" in (
        here.statusBar().currentMessage()
    )


def test_an_edit_from_the_command_line_shows_in_the_row_and_the_open_work(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow], shared: Location
) -> None:
    """A second program: `curator --db … edit`, in a process of its own."""
    here, _ = two
    work = here.editor.work
    assert work is not None and here.model.row_of(work.id) == 0
    events = ModelEvents(here)
    command = [sys.executable, "-m", "curator", "--db", str(shared), "edit", str(work.id)]

    with qtbot.waitSignal(here.live.refreshed, timeout=HANG):
        done = subprocess.run(
            [*command, "--set", "title=Typed at the command line"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
            timeout=HANG / 1000,
        )
        assert done.returncode == 0, done.stderr

    assert events.resets == 0 and events.changed == [(0, 0)]
    assert _title(here, work.id) == "Typed at the command line"
    assert here.editor.work is not None and here.editor.work.title == "Typed at the command line"
    assert here.editor.title.toPlainText() == "Typed at the command line"
    assert here.history.entries[0].by == "the command line"


def test_edits_typed_here_are_never_overwritten_by_anothers(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow]
) -> None:
    here, there = two
    work = here.editor.work
    assert work is not None
    here.editor.title.setPlainText("Mine, not saved yet")

    with qtbot.waitSignal(here.live.refreshed, timeout=HANG):
        works.edit_work(there.catalog, work.id, {"year": 1999})

    assert here.editor.title.toPlainText() == "Mine, not saved yet"
    said = here.statusBar().currentMessage()
    assert said.startswith("Edit year of work") and f"Work {work.id}, which you are editing" in said
    here.editor.show_work(here.editor.work)  # dropped: closing never asks


def test_a_venue_renamed_elsewhere_shows_in_the_venues_view(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow]
) -> None:
    here, there = two
    here.views.setCurrentWidget(here.venues)
    venue = here.venues.model.rows()[0]
    with qtbot.waitSignal(here.live.refreshed, timeout=HANG) as seen:
        venues.rename(there.catalog, venue.id, "Renamed on another machine")
    assert seen.args[0].venues
    names = {v.id: v.name for v in here.venues.model.rows()}
    assert names[venue.id] == "Renamed on another machine"


def test_this_windows_own_steps_are_passed_over(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow]
) -> None:
    here, _ = two
    work_id = here.model.work_id(2)
    works.edit_work(here.catalog, work_id, {"title": "My own edit"})
    with qtbot.assertNotEmitted(here.live.refreshed):
        here.live.check()
    assert here.live.seen == changes.newest(here.catalog)


def test_pairs_merged_away_or_decided_elsewhere_leave_the_queue(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow]
) -> None:
    here, there = two
    show_duplicates(qtbot, here)
    queue = here.review.model
    pairs = [c.works for c in queue.open_candidates()]
    distinct = pairs[0]
    merged = next(p for p in pairs if not set(p) & set(distinct))
    touching = [p for p in pairs if set(p) & set(merged) or p == distinct]

    decisions.distinct(there.catalog, *distinct)
    decisions.merge(there.catalog, list(merged), keep=merged[0])

    def settled() -> bool:
        now = {c.works for c in queue.open_candidates()}
        return distinct not in now and merged not in now

    qtbot.waitUntil(settled, timeout=HANG)
    now = [c.works for c in queue.open_candidates()]
    assert all(merged[1] not in p for p in now)  # the work merged away is in no pair
    assert len(now) >= len(pairs) - len(touching)
    assert here.review.reviewed == 0  # decided elsewhere: not this window's progress
    assert f"{len(now)} open candidate" in here.review.status.text()
    assert here.model.row_of(merged[1]) is None  # and its row left the table


def test_works_imported_elsewhere_are_scanned_into_the_queue(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow], tmp_path: Path
) -> None:
    here, there = two
    show_duplicates(qtbot, here)
    queue = here.review.model
    before = {c.works for c in queue.open_candidates()}
    original = works.work(here.catalog, here.model.work_id(4))
    listing = tmp_path / "again.bib"
    listing.write_text(
        "@article{again,\n"
        f"  title = {{{original.title}}},\n"
        f"  author = {{{' and '.join(original.authors)}}},\n"
        f"  year = {{{original.year}}},\n"
        "  journal = {Journal of Repeated Results},\n"
        "}\n",
        encoding="utf-8",
    )
    run = importing.run_to_end(importing.import_files(there.catalog, [listing]))
    assert run.ok, run.failures
    (new_id,) = {o.work_id for o in run.reports[0].outcomes if o.work_id is not None}

    def found() -> bool:
        return any(new_id in c.works for c in queue.open_candidates())

    qtbot.waitUntil(found, timeout=HANG)
    pair = next(c.works for c in queue.open_candidates() if new_id in c.works)
    assert original.id in pair  # the copy is paired with the work it copies
    assert before <= {c.works for c in queue.open_candidates()}  # nothing else left the queue
    assert here.review.reviewed == 0


def test_a_restore_in_another_program_shows_here_whole(
    qtbot: QtBot, two: tuple[MainWindow, MainWindow]
) -> None:
    here, there = two
    if there.catalog.is_server:
        pytest.skip("a server catalog is restored by its server (pg_dump), not by curator")
    work_id = here.model.work_id(2)
    before = _title(here, work_id)
    backup = backups.now(there.catalog)
    with qtbot.waitSignal(here.live.refreshed, timeout=HANG):
        works.edit_work(there.catalog, work_id, {"title": "Edited, then restored away"})
    assert _title(here, work_id) == "Edited, then restored away"

    backups.restore_open(there.catalog, backup)

    qtbot.waitUntil(lambda: _title(here, work_id) == before, timeout=HANG)
    assert "restored from a backup in another program" in here.statusBar().currentMessage()
    assert here.live.seen == changes.newest(here.catalog)
    assert not here.history.entries[0].summary.startswith("Edit")  # the edit is gone here too
    works.edit_work(here.catalog, work_id, {"title": "Edited after the restore"})  # writable
    assert works.work(there.catalog, work_id).title == "Edited after the restore"
