"""The History view pages a long log: the newest entries first, older ones on request."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from curator.export.bibtex import ExportOptions
from curator.services import exporting, history, works
from curator.store.catalog import Catalog, open_catalog
from curator.ui import history_view
from curator.ui.history_view import HistoryPanel
from tests.ui.conftest import close_window, open_window


def test_a_long_history_shows_its_newest_page_and_older_on_request(
    qtbot: QtBot, seeded: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_view, "PAGE", 3)
    first = works.rows(seeded)[0].id
    for n in range(4):
        works.edit_work(seeded, first, {"notes": f"pass {n}"})
    panel = HistoryPanel(seeded)
    qtbot.addWidget(panel)
    total = 5 + 4  # five imports, four edits
    assert [e.summary for e in panel.entries][:1] == [f"Edit notes of work {first}"]
    assert len(panel.entries) == 3
    assert panel.hint.text().startswith(f"Showing the newest 3 of {total}.")
    assert panel.older_button.isVisibleTo(panel)
    panel.older_button.click()
    assert len(panel.entries) == 6
    panel.older_button.click()
    panel.older_button.click()
    assert len(panel.entries) == total
    assert not panel.older_button.isVisibleTo(panel)
    assert panel.entries[-1].kind == "import"


def test_each_entry_says_who_made_it(qtbot: QtBot, seeded: Catalog) -> None:
    """The sample came from a script (the command line); an edit through a window's catalog is
    that window's, and another window's edit is another window's."""
    history.open_window_session(seeded)
    other = open_catalog(seeded.path)
    try:
        history.open_window_session(other)
        works.edit_work(seeded, 1, {"notes": "mine"})
        works.edit_work(other, 2, {"notes": "theirs"})
        panel = HistoryPanel(seeded)
        qtbot.addWidget(panel)
        header = panel.tree.headerItem()
        assert header is not None and header.text(history_view.BY) == "By"
        rows = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
        by = [(r.text(history_view.CHANGE), r.text(history_view.BY)) for r in rows if r]
        assert by[:2] == [
            ("Edit notes of work 2", "another window"),
            ("Edit notes of work 1", "this window"),
        ]
        assert {who for _, who in by[2:]} == {"the command line"}
        assert rows[0] is not None and ", window:" in rows[0].toolTip(history_view.BY)
    finally:
        other.close()


def test_the_user_s_window_of_an_earlier_run_is_named_so(qtbot: QtBot, seeded: Catalog) -> None:
    history.open_window_session(seeded)
    works.edit_work(seeded, 1, {"notes": "before the restart"})
    restarted = open_catalog(seeded.path)
    try:
        history.open_window_session(restarted)
        panel = HistoryPanel(restarted)
        qtbot.addWidget(panel)
        top = panel.tree.topLevelItem(0)
        assert top is not None and top.text(history_view.BY) == "an earlier window of yours"
    finally:
        restarted.close()


def _zero_event_table(path: Path) -> None:
    """Zero the event table's first page, as a failing disk would: the rest still reads."""
    with sqlite3.connect(path) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'event'").fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(path, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\0" * size)


def test_a_history_that_cannot_be_read_says_so(qtbot: QtBot, seeded: Catalog) -> None:
    """A damaged event table does not stop the window from opening: the panel says why it is
    empty (the window's banner offers the backups)."""
    seeded.close()
    _zero_event_table(seeded.path)
    damaged = open_catalog(seeded.path, check=True)
    try:
        assert damaged.damaged
        panel = HistoryPanel(damaged)
        qtbot.addWidget(panel)
        assert panel.entries == [] and panel.tree.topLevelItemCount() == 0
        assert "history cannot be read" in panel.hint.text()
        assert not panel.older_button.isVisibleTo(panel)
        window = open_window(damaged)  # the window opens: its banner offers the backups
        try:
            assert "history cannot be read" in window.history.hint.text()
            assert not window.undo_action.isEnabled() and window.damage.isVisible()
        finally:
            close_window(window)
    finally:
        damaged.close()


def test_the_keys_an_export_gave_are_undone_from_the_history(
    qtbot: QtBot, seeded: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(seeded)
    try:
        plan = exporting.plan(seeded)
        gen = exporting.export_bibtex(seeded, plan, tmp_path / "a.bib", ExportOptions())
        keys = exporting.run_to_end(gen).new_keys
        window._after_change()
        panel = window.history
        assert panel.entries[0].kind == "keys" and not panel.undo_keys_button.isEnabled()
        assert "passing over the citation keys" in panel.hint.text()
        panel.select_entry(panel.entries[0].id)
        assert panel.undo_keys_button.isEnabled() and not panel.unmerge_button.isEnabled()
        asked: list[str] = []
        answer = QMessageBox.StandardButton.Yes
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer)
        panel.undo_keys_button.click()
        assert asked and "perhaps not the same ones" in asked[0]
        assert all(works.work(seeded, w).citation_key is None for w in keys)
        assert window.editor.work is not None and window.editor.work.citation_key is None
        assert panel.entries[1].state == "undone" and panel.entries[0].kind == "undo"
        assert window.statusBar().currentMessage().startswith("Undone: Citation keys for")
    finally:
        close_window(window)
