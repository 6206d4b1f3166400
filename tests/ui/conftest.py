"""The main window on the seeded sample catalog, closed without ever waiting on a prompt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from curator.store.catalog import Catalog
from curator.ui.main_window import MainWindow


def open_window(catalog: Catalog) -> MainWindow:
    w = MainWindow(catalog)
    w.show()
    return w


def close_window(w: MainWindow) -> None:
    # Pending edits are dropped first so closing never waits on a prompt.
    w.editor.show_work(w.editor.work)
    w.close()
    w.deleteLater()


@pytest.fixture
def window(qtbot, seeded: Catalog) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = open_window(seeded)
    yield w
    close_window(w)


def release_modifiers() -> None:
    """Let go of every modifier, as far as Qt knows. QTest's key click with a modifier
    releases the modifier key with an event that still carries it, so Qt goes on reporting it
    held (`keyboardModifiers()`): a later `selectRow` then extended the selection (Shift) or
    toggled it (Ctrl). A release carrying no modifier puts Qt's state back."""
    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        anywhere = QWidget()
        QTest.keyRelease(anywhere, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
        anywhere.deleteLater()


@pytest.fixture(autouse=True)
def _modifiers_released(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """No modifier a test pressed stays held into the next test, whatever helper pressed it."""
    yield
    release_modifiers()
