"""Edit › Undo in a catalog open in two windows (or a window and the command line): each window
undoes its own steps; another's step is named with who made it and taken only when asked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from curator.services import history, works
from curator.store.catalog import Catalog, open_catalog
from curator.ui.main_window import MainWindow
from tests.conftest import HANG
from tests.ui.conftest import close_window, open_window


class Questions:
    """Stands in for QMessageBox.question: gives `answer`, records what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton):
        self.asked: list[str] = []
        self.answer = answer
        monkeypatch.setattr(QMessageBox, "question", self._ask)

    def _ask(self, parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.asked.append(f"{title} {text}")
        return self.answer


@pytest.fixture
def second(qtbot: QtBot, seeded: Catalog) -> Iterator[MainWindow]:
    """Another window on the same catalog file: a Catalog object and a session of its own."""
    w = open_window(open_catalog(seeded.path))
    yield w
    qtbot.waitUntil(lambda: w.review.scan_task is None, timeout=HANG)
    close_window(w)
    w.catalog.close()


def undo(qtbot: QtBot, w: MainWindow) -> str:
    with qtbot.waitSignal(w.steps.ended, timeout=HANG) as ended:
        assert w.undo() is not None
    qtbot.waitUntil(lambda: w.review.scan_task is None, timeout=HANG)
    return str(ended.args[0])


def notes(catalog: Catalog, work_id: int) -> str | None:
    return works.work(catalog, work_id).notes


def test_each_window_undoes_its_own_step(
    qtbot: QtBot, window: MainWindow, second: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = Questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    works.edit_work(window.catalog, 1, {"notes": "in the first window"})
    works.edit_work(second.catalog, 2, {"notes": "in the second window"})
    window._update_undo_actions()
    assert window.undo_action.text() == "&Undo Edit notes of work 1"
    tip = window.undo_action.statusTip()
    assert "“Edit notes of work 2”, was made by another window after it" in tip
    assert undo(qtbot, window) == "Undone: Edit notes of work 1"
    assert notes(window.catalog, 1) is None
    assert notes(window.catalog, 2) == "in the second window"
    second._update_undo_actions()
    assert second.undo_action.text() == "&Undo Edit notes of work 2"
    assert undo(qtbot, second) == "Undone: Edit notes of work 2"
    assert notes(window.catalog, 2) is None and asked.asked == []


def test_another_window_s_step_is_named_and_taken_only_when_asked(
    qtbot: QtBot, window: MainWindow, second: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    works.edit_work(second.catalog, 2, {"notes": "in the second window"})
    window._update_undo_actions()
    assert window.undo_action.text() == "&Undo Edit notes of work 2 (by another window)…"
    asked = Questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    assert window.undo() is None
    assert notes(window.catalog, 2) == "in the second window"
    assert asked.asked and "was made by another window, not in this window" in asked.asked[0]
    asked.answer = QMessageBox.StandardButton.Yes
    assert undo(qtbot, window) == "Undone: Edit notes of work 2"
    assert notes(window.catalog, 2) is None
    assert window.redo_action.text() == "&Redo Edit notes of work 2 (by another window)"
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.redo()  # this window undid it: redone without asking again
    assert len(asked.asked) == 2 and notes(window.catalog, 2) == "in the second window"
    qtbot.waitUntil(lambda: window.review.scan_task is None, timeout=HANG)


def test_an_own_step_another_window_built_on_offers_that_one_first(
    qtbot: QtBot, window: MainWindow, second: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's own last step must wait for the other window's later edit of the same
    work: the menu names that edit, asks, and once it is undone offers its own again."""
    works.edit_work(window.catalog, 1, {"notes": "in the first window"})
    works.edit_work(second.catalog, 1, {"notes": "in the second window, after"})
    later = _last_id(window)
    window._update_undo_actions()
    text = f"&Undo #{later} Edit notes of work 1 (by another window)…"
    assert window.undo_action.text() == text
    tip = window.undo_action.statusTip()
    assert tip.startswith("This window's “Edit notes of work 1” must wait for it: cannot undo")
    asked = Questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    assert window.undo() is None
    assert notes(window.catalog, 1) == "in the second window, after"
    assert "can be undone only after it" in asked.asked[0]
    asked.answer = QMessageBox.StandardButton.Yes
    assert undo(qtbot, window) == "Undone: Edit notes of work 1"
    assert notes(window.catalog, 1) == "in the first window"
    assert window.undo_action.text() == "&Undo Edit notes of work 1"
    assert undo(qtbot, window) == "Undone: Edit notes of work 1"
    assert notes(window.catalog, 1) is None


def test_an_own_redo_waiting_for_another_s_earlier_step_offers_that_one(
    qtbot: QtBot, window: MainWindow, second: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    works.edit_work(second.catalog, 1, {"notes": "in the second window"})
    earlier = _last_id(window)
    works.edit_work(window.catalog, 1, {"notes": "in the first window, after"})
    window._update_undo_actions()
    assert undo(qtbot, window) == "Undone: Edit notes of work 1"
    second._update_undo_actions()
    assert undo(qtbot, second) == "Undone: Edit notes of work 1"
    window._update_undo_actions()
    text = f"&Redo #{earlier} Edit notes of work 1 (by another window)…"
    assert window.redo_action.text() == text
    Questions(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.steps.ended, timeout=HANG) as ended:
        assert window.redo() is not None
    assert ended.args[0] == "Redone: Edit notes of work 1"
    assert window.redo_action.text() == "&Redo Edit notes of work 1"
    qtbot.waitUntil(lambda: window.review.scan_task is None, timeout=HANG)


def _last_id(window: MainWindow) -> int:
    return max(e.id for e in history.history(window.catalog, newest=1))


def test_steps_made_before_the_window_opened_are_named_as_the_command_line_s(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample was imported by a script before this window opened: its own session."""
    window._update_undo_actions()
    assert window.undo_action.text().endswith("records (from the command line)…")
    asked = Questions(monkeypatch, QMessageBox.StandardButton.Yes)
    before = len(works.works(window.catalog))
    assert undo(qtbot, window).startswith("Undone: Import ")
    assert len(works.works(window.catalog)) < before and len(asked.asked) == 1
