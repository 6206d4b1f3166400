"""Keyboard shortcuts: the window's menu keys work from whichever field has focus, and Help ›
Keyboard Shortcuts lists them as the menus hold them, so the list never falls behind.

A one-line field under X11 takes Ctrl+E for itself (end of line, as in Emacs), a spin box and
an editable combo box too: the key never reaches File › Export, so "search, then export what
the search shows" did nothing. Qt asks the field first (a ShortcutOverride event) before any
shortcut, whatever the shortcut's context; `MenuKeys` answers for it, for the window's menu
keys, except undo and redo, which in a field undo the typing, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMessageBox, QWidget

HELP = "shortcut_help"  # an action's property: what it does, when its text changes (Undo …)
SECTION = "<tr><td colspan='2'><br><b>{}</b></td></tr>"
ROW = "<tr><td><b>{}</b></td><td>{}</td></tr>"
_FIELD_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def _keys_of(action: QAction) -> list[QKeySequence]:
    return [key for key in action.shortcuts() if not key.isEmpty()]


def menu_actions(window: QMainWindow) -> Iterator[tuple[str, QAction]]:
    """Every action of the window's menus (submenus too) with the menu path that holds it:
    ("File", Export BibTeX…), ("File › Open Recent", …)."""

    def walk(menu: QMenu, path: str) -> Iterator[tuple[str, QAction]]:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                yield from walk(sub, f"{path} › {_plain(sub.title())}")
            elif not action.isSeparator():
                yield path, action

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            yield from walk(menu, _plain(menu.title()))


def _plain(text: str) -> str:
    """A menu text as read: no mnemonic ampersand."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def describe(action: QAction) -> str:
    """What an action does, in the help's words: its HELP property, else its menu text."""
    words = action.property(HELP)
    return str(words) if words else _plain(action.text()).removesuffix("…")


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, str]]:
    """(keys, "Menu › what it does") for every menu action that has a shortcut, menu order."""
    rows = []
    for path, action in menu_actions(window):
        keys = _keys_of(action)
        if keys and action.isVisible():
            text = " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
            rows.append((text, f"{path} › {describe(action)}"))
    return rows


def help_html(
    window: QMainWindow, views: Sequence[tuple[str, Sequence[tuple[str, str]]]] = ()
) -> str:
    """The help's table: the menus' keys (everywhere), then each view's own keys."""
    rows = [SECTION.format("Everywhere in the window")]
    rows += [ROW.format(escape(k), escape(d)) for k, d in menu_shortcuts(window)]
    for title, keys in views:
        rows.append(SECTION.format(escape(title)))
        rows += [ROW.format(escape(k), escape(d)) for k, d in keys]
    return f"<table cellpadding='3'>{''.join(rows)}</table>"


def show_help(
    window: QMainWindow, views: Sequence[tuple[str, Sequence[tuple[str, str]]]] = ()
) -> QMessageBox:
    box = QMessageBox(window)
    box.setWindowTitle("Keyboard shortcuts")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(help_html(window, views))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class MenuKeys(QObject):
    """Lets the window's menu keys through the widget that has focus in it (see the module's
    docstring). The filter goes on each widget as it takes focus, in front of any other."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus)

    def _on_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is self.window:
            new.removeEventFilter(self)  # installed again: in front of filters added since
            new.installEventFilter(self)

    def keys(self) -> set[QKeySequence]:
        """The keys of the window's enabled menu actions, but a field's own undo and redo."""
        field_keys = {k for std in _FIELD_KEYS for k in QKeySequence.keyBindings(std)}
        return {
            key
            for _path, action in menu_actions(self.window)
            if action.isEnabled()
            for key in _keys_of(action)
            if key not in field_keys
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        combination = event.keyCombination()
        modifiers = combination.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier
        pressed = QKeySequence(QKeyCombination(modifiers, combination.key()))
        if pressed in self.keys():
            event.ignore()  # not the field's: the shortcut takes it
            return True
        return False
