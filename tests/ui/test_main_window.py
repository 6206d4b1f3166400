"""The first window: search as you type, edit and save, import in the background."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from curator.domain.catalog import WorkOrder
from curator.services import importing, works
from curator.services.works import Query
from curator.store.catalog import Catalog
from curator.ui.catalog.work_table import COL_TITLE, COL_YEAR
from curator.ui.import_report import ImportReportDialog
from curator.ui.main_window import MainWindow
from tests.conftest import HANG


def _titles(w: MainWindow) -> list[str]:
    return [w.model.index(r, COL_TITLE).data() for r in range(w.model.rowCount())]


def test_title_names_app_and_catalog(window: MainWindow, seeded: Catalog) -> None:
    assert window.windowTitle() == "catalog — Curator"  # the file's name; its path below
    assert window.catalog_label.text() == "catalog.sqlite"
    assert str(seeded.path) in window.catalog_label.toolTip()
    assert "65 works" in window.counts_label.text()


def test_search_filters_as_you_type(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    everything = len(works.rows(window.catalog))
    qtbot.keyClicks(window.search, "reverse language")
    qtbot.waitUntil(
        lambda: not window.search_timer.isActive() and window.model.rowCount() < everything,
        timeout=HANG,
    )
    shown = [window.model.work_row(r).id for r in range(window.model.rowCount())]
    texts = [f"{w.title} {w.abstract}" for w in (works.work(window.catalog, i) for i in shown)]
    assert len(texts) >= 4  # the four author-page copies of the reverse-LM paper at least
    assert all("reverse" in t.lower() and "language" in t.lower() for t in texts)
    assert "shown" in window.counts_label.text()
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == everything, timeout=HANG)


def test_a_search_shows_a_screenful_first_and_the_newest_search_wins(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from curator.ui import main_window

    monkeypatch.setattr(main_window, "PAGE", 3)
    shown: list[tuple[str, int]] = []
    window.model.modelReset.connect(
        lambda: shown.append((window.model.query.search, window.model.rowCount()))
    )
    for text in ("reverse", "language"):  # two searches, the first overtaken at once
        window.search.setText(text)
        window.search_timer.stop()
        window._search()
    qtbot.waitUntil(lambda: not window.searching, timeout=HANG)
    everything = len(works.rows(window.catalog, "language"))
    assert everything > 3
    assert shown == [("language", 3), ("language", everything)]  # "reverse" never shown
    ids = [window.model.work_id(r) for r in range(window.model.rowCount())]
    assert ids == list(works.ordered_ids(window.catalog, window.model.query))
    assert window.model.query.search == "language"
    assert f"{everything:,} shown" in window.counts_label.text()


def test_sorting_runs_beside_the_window_and_keeps_the_selected_work(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from curator.ui import main_window

    monkeypatch.setattr(main_window, "PAGE", 3)  # a screenful first, then the rest
    rows = [window.model.work_row(r) for r in range(window.model.rowCount())]
    oldest = min((r for r in rows if r.year), key=lambda r: (r.year, r.id))
    window.select_work(oldest.id)  # last of the dated works once the newest come first
    chosen = window.editor.work.id
    assert chosen == oldest.id
    window.table.sortByColumn(COL_YEAR, Qt.SortOrder.DescendingOrder)
    assert window.searching  # the ids are being read on a worker thread
    qtbot.waitUntil(lambda: not window.searching, timeout=HANG)
    years = [window.model.work_row(r).year for r in range(window.model.rowCount())]
    known = [y for y in years if y]
    assert known == sorted(known, reverse=True) and not any(years[len(known) :])
    assert window.editor.work.id == chosen
    assert window.model.work_id(window.table.currentIndex().row()) == chosen
    assert window.table.currentIndex().row() > 3


def test_a_sort_asked_while_a_search_runs_keeps_the_search(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.search.setText("language")
    window.search_timer.stop()
    window._search()
    window.table.sortByColumn(COL_YEAR, Qt.SortOrder.DescendingOrder)  # before it answered
    qtbot.waitUntil(lambda: not window.searching, timeout=HANG)
    assert window.model.query == Query("language", WorkOrder.YEAR, True)
    ids = [window.model.work_id(r) for r in range(window.model.rowCount())]
    assert ids == list(works.ordered_ids(window.catalog, window.model.query))
    window.refresh()  # after a change: the same search, the same order
    assert window.model.query == Query("language", WorkOrder.YEAR, True)


def test_a_work_chosen_while_the_rest_is_counted_stays_chosen_with_its_edits(
    qtbot, window: MainWindow, seeded: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from curator.ui import main_window

    monkeypatch.setattr(main_window, "PAGE", 3)
    counted = threading.Event()  # every match is counted only when the test says so
    find = works.find

    def find_all_when_told(catalog, query, first=None):  # type: ignore[no-untyped-def]
        if first is None:
            counted.wait()
        return (yield from find(catalog, query, first))

    monkeypatch.setattr(works, "find", find_all_when_told)
    window.search.setText("language")
    window.search_timer.stop()
    window._search()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=HANG)  # a screenful
    window.table.selectRow(2)  # the librarian picks a work and starts typing
    chosen = window.editor.work.id
    window.editor.notes.setPlainText("checked by hand")
    counted.set()
    qtbot.waitUntil(lambda: not window.searching, timeout=HANG)
    assert window.model.rowCount() > 3
    assert window.editor.work.id == chosen  # the full answer did not move it away
    assert window.editor.notes.toPlainText() == "checked by hand"  # nor drop what was typed


def test_select_edit_save_updates_catalog_and_table(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    window.search.setText("ReLoRA")
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=HANG)
    window.table.selectRow(0)
    editor = window.editor
    assert editor.work is not None and "ReLoRA" in (editor.work.title or "")
    assert window.sources.list.count() == 1
    assert "ReLoRA" in window.sources.raw.toPlainText()
    wid = editor.work.id
    assert not editor.save_button.isEnabled()
    editor.year.setText("2024")
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert works.work(seeded, wid).year == 2024
    qtbot.waitUntil(lambda: window.model.index(0, 3).data() == "2024", timeout=HANG)
    assert window.editor.work.id == wid  # still selected after the table refresh
    assert not editor.save_button.isEnabled()


def test_other_bibtex_fields_are_edited_as_lines(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    editor = window.editor
    wid = editor.work.id
    editor.extra.setPlainText("pages = 97--111\nvolume = 27")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert works.work(seeded, wid).extra == (("volume", "27"), ("pages", "97--111"))
    assert editor.extra.toPlainText() == "volume = 27\npages = 97--111"  # shown in entry order
    assert not editor.save_button.isEnabled()
    editor.extra.setPlainText("volume = 27\ntitle = Sneaky")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "'title' has a field of its own" in editor.error.text()
    assert works.work(seeded, wid).extra == (("volume", "27"), ("pages", "97--111"))


def test_moving_to_another_work_saves_pending_edits(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    first = window.editor.work.id
    window.editor.notes.setPlainText("checked against the printed proceedings")
    window.table.selectRow(1)
    assert window.editor.work.id != first
    assert works.work(seeded, first).notes == "checked against the printed proceedings"


def test_invalid_pending_edit_keeps_the_work_selected(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    first = window.editor.work.id
    window.editor.year.setText("199")
    window.table.selectRow(1)
    qtbot.waitUntil(
        lambda: window.editor.work.id == first and window.table.currentIndex().row() == 0,
        timeout=HANG,
    )
    assert "year" in window.editor.error.text()
    assert window.editor.year.text() == "199"  # the librarian's typing is still there


def test_invalid_edit_shows_message_and_saves_nothing(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    wid = window.editor.work.id
    before = works.work(seeded, wid)
    window.editor.arxiv_id.setText("not an id")
    window.editor.title.setPlainText("Changed title")
    qtbot.mouseClick(window.editor.save_button, Qt.MouseButton.LeftButton)
    assert "arxiv_id" in window.editor.error.text()
    assert works.work(seeded, wid) == before


def test_import_runs_in_background_and_shows_report(
    qtbot, tmp_path: Path, catalog: Catalog, seed_paths
) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(catalog)
    qtbot.addWidget(w)
    assert w.model.rowCount() == 0
    task = w.import_files(seed_paths[:2])
    # the worker's signals are queued to the GUI thread, so none is missed before we wait
    with qtbot.waitSignal(task.finished, timeout=HANG):
        pass
    qtbot.waitUntil(lambda: w.model.rowCount() == 40, timeout=HANG)
    dialogs = w.findChildren(ImportReportDialog)
    assert dialogs and dialogs[-1].table.rowCount() == 40
    assert w.files.import_action.isEnabled()


def test_cancel_rolls_back_the_file_being_imported(
    qtbot, tmp_path: Path, catalog: Catalog, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "".join(f"Abstract number {i} of a preprint.\narXiv:2101.{i:05d}\n" for i in range(1, 6))
    )
    monkeypatch.setattr(importing, "CHUNK", 1)
    gate, calls = threading.Event(), []
    real_insert = importing.insert_records

    def held_insert(session, rows):  # type: ignore[no-untyped-def]
        calls.append(len(rows))
        if len(calls) == 2:
            gate.wait(10)  # the worker waits here until the librarian has pressed Cancel
        return real_insert(session, rows)

    monkeypatch.setattr(importing, "insert_records", held_insert)
    w = MainWindow(catalog)
    qtbot.addWidget(w)
    task = w.import_files([listing])
    task.progress.connect(lambda p: (task.cancel(), gate.set()) if "records" in p.message else None)
    with qtbot.waitSignal(task.cancelled, timeout=HANG):
        pass
    assert works.stats(catalog)["records"] == 0
    assert "cancelled" in w.statusBar().currentMessage()
    assert w.files.import_action.isEnabled()


def test_venue_names_are_offered_while_typing(window: MainWindow) -> None:
    model = window.editor.venue_completer.model()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "NeurIPS Workshop (Math-AI)" in names


def test_revert_restores_automatic_entry_type(window: MainWindow) -> None:
    window.table.selectRow(0)
    editor = window.editor
    assert editor.entry_type.currentIndex() == 0  # automatic
    editor.entry_type.setCurrentText("techreport")
    assert editor.save_button.isEnabled()
    editor.revert_button.click()
    assert editor.entry_type.currentIndex() == 0
    assert editor.changes() == {}


def test_closing_saves_pending_edits(qtbot, window: MainWindow, seeded: Catalog) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    wid = window.editor.work.id
    window.editor.notes.setPlainText("to check")
    assert window.close()
    assert works.work(seeded, wid).notes == "to check"


def test_many_selections_do_not_leak_references(window: MainWindow) -> None:
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void Qt call,
    and the window aborted after ~1,300 clicks. Selecting rows must leave None's count alone."""
    rows = window.model.rowCount()
    window.table.selectRow(0)
    # Garbage from earlier tests freed mid-loop also lowers None's count: collect it first, and
    # let no collection run while counting.
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for i in range(300):
            window.table.selectRow(i % rows)
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after - before > -100


def test_closing_with_invalid_edits_asks_before_discarding(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    window.editor.year.setText("19")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def answer(parent, title, text, *args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.close()  # Cancel keeps the window and the typing
    assert window.isVisible() and window.editor.year.text() == "19"
    assert window.close()  # Discard closes
    assert len(asked) == 2 and "year" in asked[0]
