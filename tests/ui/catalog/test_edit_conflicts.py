"""Two librarians edit the same work: the second to save chooses, field by field, between
her value and the other's, in a dialog that names who changed the work and when; nothing
either typed is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from curator.services import decisions, works
from curator.store import authors
from curator.store.authors import Author
from curator.store.catalog import Catalog, open_catalog
from curator.ui.catalog.conflicts import THEIRS, YOURS
from curator.ui.main_window import MainWindow
from tests.conftest import HANG


@pytest.fixture
def bob(seeded: Catalog, catalog_path: Path) -> Iterator[Catalog]:
    other = open_catalog(catalog_path)
    authors.claim(other, Author("bob", authors.WINDOW + "bobs-window"))
    yield other
    other.close()


def _open_first_work(window: MainWindow) -> int:
    window.table.selectRow(0)
    assert window.editor.work is not None
    return window.editor.work.id


def test_a_field_bob_changed_meanwhile_is_chosen_in_a_dialog(
    qtbot, window: MainWindow, seeded: Catalog, bob: Catalog
) -> None:  # type: ignore[no-untyped-def]
    wid = _open_first_work(window)
    editor = window.editor
    works.edit_work(bob, wid, {"title": "Bob's title", "notes": "bob's note"})
    editor.title.setPlainText("My title")
    editor.year.setText("1999")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Not saved yet: work" in editor.error.text() and "by bob at" in editor.error.text()
    dialog = window.conflict_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=HANG)
    assert f"Work {wid} was changed by bob at " in dialog.heading.text()
    assert list(dialog.groups) == ["title"]  # the notes and the year did not clash
    assert editor.title.toPlainText() == "My title"  # her value stays in the form meanwhile
    dialog.choose("title", YOURS)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = works.work(seeded, wid)
    assert (saved.title, saved.year, saved.notes) == ("My title", 1999, "bob's note")
    assert editor.work is not None and editor.work.title == "My title"
    assert editor.error.text() == "" and not editor.save_button.isEnabled()


def test_keeping_theirs_saves_her_other_changes_only(
    qtbot, window: MainWindow, seeded: Catalog, bob: Catalog
) -> None:  # type: ignore[no-untyped-def]
    wid = _open_first_work(window)
    editor = window.editor
    works.edit_work(bob, wid, {"title": "Bob's title"})
    editor.title.setPlainText("My title")
    editor.year.setText("1999")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    dialog = window.conflict_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=HANG)
    dialog.choose("title", THEIRS)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = works.work(seeded, wid)
    assert (saved.title, saved.year) == ("Bob's title", 1999)
    assert editor.title.toPlainText() == "Bob's title"


def test_keep_editing_saves_nothing_and_keeps_her_values(
    qtbot, window: MainWindow, seeded: Catalog, bob: Catalog
) -> None:  # type: ignore[no-untyped-def]
    wid = _open_first_work(window)
    editor = window.editor
    works.edit_work(bob, wid, {"title": "Bob's title"})
    editor.title.setPlainText("My title")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    dialog = window.conflict_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=HANG)
    dialog.reject()
    assert works.work(seeded, wid).title == "Bob's title"
    assert editor.title.toPlainText() == "My title" and editor.save_button.isEnabled()


def test_a_work_merged_away_meanwhile_is_said_in_the_form(
    qtbot, window: MainWindow, seeded: Catalog, bob: Catalog
) -> None:  # type: ignore[no-untyped-def]
    wid = _open_first_work(window)
    other = next(w.id for w in works.works(seeded) if w.id != wid)
    decisions.merge(bob, [other, wid], keep=other)
    window.editor.notes.setPlainText("lost?")
    qtbot.mouseClick(window.editor.save_button, Qt.MouseButton.LeftButton)
    assert f"Not saved: work {wid} was merged away or removed by bob" in window.editor.error.text()
