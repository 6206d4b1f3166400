"""The menus' keys work from every field of the window, and the help lists every one of them."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from curator.services import works
from curator.services.works import Query
from curator.ui.export_dialog import SCOPE_SHOWN, ExportDialog
from curator.ui.main_window import MainWindow
from curator.ui.shortcuts import menu_actions
from tests.conftest import HANG


class ClaimsCtrlKeys(QObject):
    """A field that takes Ctrl keys for itself, as a one-line field does under X11 (Ctrl+E:
    end of line; a spin box and an editable combo box too). The offscreen platform uses the
    Windows key scheme, where it does not: this gives the field X11's claim."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        claimed = (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        )
        if claimed:
            event.accept()
        return claimed


def _focus(qtbot, window: MainWindow, field: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=HANG)
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=HANG)
    return field


def press(qtbot, key: QKeySequence | QKeySequence.StandardKey) -> None:  # type: ignore[no-untyped-def]
    """A key as the librarian presses it: to the widget that has focus, then Ctrl (Shift…)
    let go, else Qt goes on taking it as held (a later selectRow would toggle the row)."""
    combination = QKeySequence(key)[0]
    widget = QApplication.focusWidget()
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())
    qtbot.keyRelease(QApplication.focusWidget() or widget, Qt.Key.Key_Control)


def press_in(qtbot, window: MainWindow, field: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` into `field`, focused as by a click."""
    _focus(qtbot, window, field)
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _menu_keys(window: MainWindow) -> list[tuple[QAction, QKeySequence]]:
    field_keys = {
        k
        for std in (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
        for k in QKeySequence.keyBindings(std)
    }
    return [
        (action, key)
        for _path, action in menu_actions(window)
        for key in action.shortcuts()
        if key not in field_keys
    ]


def test_every_menu_key_works_from_every_kind_of_field(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    keys = _menu_keys(window)
    assert {k.toString() for _a, k in keys} >= {"Ctrl+E", "Ctrl+Q", "Ctrl+I", "Ctrl+F"}
    fired: list[QAction] = []
    for action, _key in keys:  # what each does is tested elsewhere: here, that it is reached
        action.triggered.disconnect()
        action.triggered.connect(lambda _=False, a=action: fired.append(a))
    claims = ClaimsCtrlKeys(window)
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)
    fields = [window.search] + [
        w
        for w in window.editor.findChildren(QWidget)
        if isinstance(w, kinds) and w.isVisibleTo(window) and w.isEnabled()
    ]
    assert {type(f) for f in fields} >= {QLineEdit, QPlainTextEdit, QComboBox}
    for field in fields:
        field.installEventFilter(claims)
        _focus(qtbot, window, field)
        for action, key in keys:
            fired.clear()
            press(qtbot, key)
            assert fired == [action], (field.objectName() or type(field).__name__, key.toString())


def test_search_then_ctrl_e_exports_what_the_search_shows(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.search.installEventFilter(ClaimsCtrlKeys(window))
    _focus(qtbot, window, window.search)
    qtbot.keyClicks(QApplication.focusWidget(), "RWKV")
    press(qtbot, QKeySequence("Ctrl+E"))
    (dialog,) = window.findChildren(ExportDialog)  # opened at once, the search as its scope
    assert dialog.search == "RWKV" and dialog.scope.checkedId() == SCOPE_SHOWN
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=HANG)
    assert dialog.plan is not None
    assert dialog.plan.ids == sorted(works.ordered_ids(window.catalog, Query(search="RWKV")))
    dialog.reject()


def test_the_help_lists_every_menu_key_and_the_views_keys(window: MainWindow) -> None:
    box = window.show_shortcuts()
    text = box.text()
    for _action, key in _menu_keys(window):
        assert f"<b>{key.toString(QKeySequence.SequenceFormat.NativeText)}</b>" in text
    for words in (
        "Ctrl+E",
        "Export BibTeX",
        "Ctrl+Q",
        "Ctrl+Z",
        "Undo the last change",
        "In the Duplicates view",
        "<b>M</b>",
        "In the Venues view",
    ):
        assert words in text, words
    box.close()
