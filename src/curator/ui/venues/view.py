"""The Venues view: the venues with their labels, the changes a librarian makes to them, and
the explained suggestions of venues that are probably one. Every change goes through the
venue service as one undoable event."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from curator.domain.catalog import VenueKind, VenueView
from curator.domain.errors import CuratorError
from curator.domain.report import counted
from curator.services import venues
from curator.services.catalogs import Catalog
from curator.services.venues import VenueChange
from curator.ui.venues.models import (
    COL_KIND,
    COL_LABELS,
    COL_NAME,
    COL_PARENT,
    COL_SHORT,
    COL_WORKS,
    ROW_ROLE,
    VenueFilterProxy,
    VenueTableModel,
    table_view,
    venue_details_html,
    with_empty_state,
)
from curator.ui.venues.suggestions import SuggestionsPanel

NO_PARENT = "(none)"
# (key, description): shown in Help > Keyboard shortcuts
SHORTCUTS = (
    ("Enter / F2", "Rename the selected venue"),
    ("Delete", "Nothing: venues are merged or split, never deleted"),
)


def kind_label(kind: str | None) -> str:
    """The Kind button: the selected venue's kind, and a mark that a menu opens."""
    return f"Kind: {kind.capitalize()} ▾" if kind else "Kind ▾"


class VenuesPanel(QWidget):
    """Venues on the left (table, details, actions), suggestions and parent links on the right."""

    changed = Signal()  # a venue change went through: works, history and undo must reload

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._build_actions()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_venues())
        self.suggestions = SuggestionsPanel(catalog, self._apply)
        split.addWidget(self.suggestions)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([840, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)  # filled when first shown

    # --- construction -----------------------------------------------------------------
    def _action(self, text: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setIconText(text)  # buttons keep the "…" that says a dialog follows
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False: slot())
        return action

    def _build_actions(self) -> None:
        self.rename_action = self._action("Rename…", "Give the venue its name (Enter, F2)",
                                          self.rename)  # fmt: skip
        self.short_action = self._action(
            "Set Short Name…", "The short name, e.g. NeurIPS", self.set_short_name
        )
        self.parent_action = self._action(
            "Part of…", "The conference this workshop or track belongs to", self.set_parent
        )
        self.merge_action = self._action(
            "Merge Selected…", "Make the selected venues one; works and labels follow",
            self.merge_selected,
        )  # fmt: skip
        self.split_action = self._action(
            "Split Label Off…", "File one label, and its works, under a venue of its own",
            self.split_label,
        )  # fmt: skip
        self.kind_menu = QMenu("Kind", self)
        self.kind_actions = QActionGroup(self)
        self.kind_actions.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for kind in VenueKind:
            action = self.kind_menu.addAction(kind.value.capitalize())
            action.setCheckable(True)
            action.setData(kind.value)
            action.triggered.connect(lambda _=False, k=kind.value: self.set_kind(k))
            self.kind_actions.addAction(action)

    def _build_venues(self) -> QWidget:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search names, short names, kinds and labels…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.model = VenueTableModel(self)
        self.proxy = VenueFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = table_view(
            self.proxy,
            stretch=(COL_LABELS,),
            widths={COL_NAME: 300, COL_SHORT: 84, COL_KIND: 84, COL_PARENT: 110, COL_WORKS: 52},
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())
        self.table.doubleClicked.connect(lambda _: self.rename())
        self.rename_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_F2), QKeySequence(Qt.Key.Key_Return),
             QKeySequence(Qt.Key.Key_Enter)]
        )  # fmt: skip
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.rename_action)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._explain_delete)
        self.venue_stack, self.venue_empty = with_empty_state(self.table, "")
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.venue_stack)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 220])
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        layout.addLayout(self._build_buttons())
        return box

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        for action in (self.rename_action, self.short_action):
            buttons.addWidget(self._button(action))
        # The menu opens from the click, not from setMenu: a button with a menu draws a small
        # arrow in its corner, which beside the text read as a comma ("Kind,").
        self.kind_button = QToolButton()
        self.kind_button.setText(kind_label(None))
        self.kind_button.setToolTip("Conference, workshop, journal, preprint or other")
        self.kind_button.clicked.connect(self._show_kind_menu)
        buttons.addWidget(self.kind_button)
        for action in (self.parent_action, self.merge_action, self.split_action):
            buttons.addWidget(self._button(action))
        buttons.addStretch(1)
        return buttons

    def _show_kind_menu(self) -> None:
        """Below the button, or above it where the screen ends (as a menu button does)."""
        button, menu = self.kind_button, self.kind_menu
        height = menu.sizeHint().height()
        below = button.mapToGlobal(button.rect().bottomLeft())
        if below.y() + height > button.screen().availableGeometry().bottom():
            below = button.mapToGlobal(button.rect().topLeft()) - QPoint(0, height)
        menu.popup(below)

    @staticmethod
    def _button(action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    # --- loading ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # edits and imports made in other views show up here
            self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """Reload venues and suggestions; keep (or move to `select`) the selected venues.

        A hidden panel waits until it is shown (a million works' label counts take seconds)."""
        if not self.isVisible():
            return
        keep = [select] if select is not None else [v.id for v in self.selected()]
        self.model.set_rows(venues.list_venues(self.catalog))
        self.select_venues(keep)
        self._update_venue_stack()
        self.suggestions.load({v.id: v.name for v in self.model.rows()})

    def _update_venue_stack(self) -> None:
        text = self.search.text().strip()
        if self.proxy.rowCount():
            self.venue_stack.setCurrentIndex(0)
            return
        self.venue_empty.setText(
            f"No venue matches “{text}”." if text
            else "No venues yet: import a listing (File › Import Listing…)."
        )  # fmt: skip
        self.venue_stack.setCurrentIndex(1)

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_venue_stack()
        self._on_selection()

    # --- selection ----------------------------------------------------------------------
    def selected(self) -> list[VenueView]:
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(ROW_ROLE) for i in rows]

    def current(self) -> VenueView | None:
        chosen = self.selected()
        return chosen[0] if len(chosen) == 1 else None

    def select_venues(self, venue_ids: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clear()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = True
        for venue_id in venue_ids:
            row = self.model.row_of(venue_id)
            index = self.proxy.mapFromSource(self.model.index(row, 0)) if row is not None else None
            if index is None or not index.isValid():
                continue
            if first:
                selection.setCurrentIndex(index, flags)
                self.table.scrollTo(index)
                first = False
            else:
                selection.select(index, flags)
        self._on_selection()

    def _on_selection(self) -> None:
        chosen = self.selected()
        self.details.setHtml(venue_details_html(self.current(), len(chosen)))
        self._update()

    def _update(self) -> None:
        chosen = self.selected()
        one = self.current()
        for action in (self.rename_action, self.short_action, self.parent_action):
            action.setEnabled(one is not None)
        self.kind_button.setEnabled(one is not None)
        self.kind_button.setText(kind_label(one.kind if one else None))
        for action in self.kind_actions.actions():
            action.setChecked(one is not None and action.data() == one.kind)
        self.merge_action.setEnabled(len(chosen) >= 2)
        self.split_action.setEnabled(one is not None and bool(self._split_labels(one)))

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addActions([self.rename_action, self.short_action])
        menu.addMenu(self.kind_menu).setEnabled(self.current() is not None)
        menu.addAction(self.parent_action)
        menu.addSeparator()
        menu.addActions([self.merge_action, self.split_action])
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _say(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 8000)

    def _explain_delete(self) -> None:
        self._say("Venues are never deleted: merge one into another, or split a label off.")

    # --- changes ------------------------------------------------------------------------
    def _apply(self, change: Callable[[], VenueChange | None], keep: int | None = None) -> bool:
        """Run a change; on an error say why and change nothing; on success reload and tell."""
        try:
            done = change()
        except CuratorError as exc:
            QMessageBox.warning(self, "Venue not changed", str(exc))
            return False
        if done is None:
            return False
        self.refresh(select=done.venue_id if done.venue_id is not None else keep)
        self.changed.emit()
        self._say(f"{done.summary}. Edit › Undo reverts it.")
        return True

    def rename(self) -> None:
        venue = self.current()
        if venue is None:
            return
        name, ok = QInputDialog.getText(
            self, "Rename venue", f"New name for “{venue.name}”:", QLineEdit.EchoMode.Normal,
            venue.name,
        )  # fmt: skip
        if ok and name.strip() != venue.name:
            self._apply(lambda: venues.rename(self.catalog, venue.id, name), venue.id)

    def set_short_name(self) -> None:
        venue = self.current()
        if venue is None:
            return
        short, ok = QInputDialog.getText(
            self, "Short name", f"Short name of “{venue.name}” (empty for none):",
            QLineEdit.EchoMode.Normal, venue.short_name or "",
        )  # fmt: skip
        if ok and (short.strip() or None) != venue.short_name:
            self._apply(lambda: venues.set_short_name(self.catalog, venue.id, short), venue.id)

    def set_kind(self, kind: str) -> None:
        venue = self.current()
        if venue is not None and kind != venue.kind:
            self._apply(lambda: venues.set_kind(self.catalog, venue.id, kind), venue.id)
        self._update()  # the menu's check follows the venue, changed or not

    def set_parent(self) -> None:
        venue = self.current()
        if venue is None:
            return
        others = [v for v in self.model.rows() if v.id != venue.id]
        choices = {v.name: v.id for v in others if v.kind == VenueKind.CONFERENCE}
        if venue.parent_name and venue.parent_id is not None:
            choices.setdefault(venue.parent_name, venue.parent_id)
        names = [NO_PARENT, *sorted(choices, key=str.casefold)]
        start = names.index(venue.parent_name) if venue.parent_name in names else 0
        chosen, ok = QInputDialog.getItem(
            self, "Part of", f"“{venue.name}” is part of:", names, start, False
        )
        if not ok or chosen == (venue.parent_name or NO_PARENT):
            return
        parent = choices.get(chosen)
        self._apply(lambda: venues.set_parent(self.catalog, venue.id, parent), venue.id)

    def merge_selected(self) -> None:
        chosen = sorted(self.selected(), key=lambda v: (-v.works, v.name.casefold()))
        if len(chosen) < 2:
            return
        names = [v.name for v in chosen]
        name, ok = QInputDialog.getItem(
            self, "Merge venues",
            f"Merge {len(chosen)} venues ({counted(sum(v.works for v in chosen), 'work')}) "
            "under the name:",
            names, 0, True,
        )  # fmt: skip
        if not ok:
            return
        ids = [v.id for v in chosen]
        into = next((v.id for v in chosen if v.name == name.strip()), None)
        rename = None if into is not None else name
        self._apply(lambda: venues.merge(self.catalog, ids, into, rename))

    @staticmethod
    def _split_labels(venue: VenueView) -> list[str]:
        """Labels that can leave: not the venue's own name, and never the only label."""
        if len(venue.aliases) < 2:
            return []
        return [a.label for a in venue.aliases if a.label != venue.name]

    def split_label(self) -> None:
        venue = self.current()
        labels = self._split_labels(venue) if venue else []
        if venue is None or not labels:
            return
        label, ok = QInputDialog.getItem(
            self, "Split label off", f"Label of “{venue.name}” to file under a venue of its own:",
            labels, 0, False,
        )  # fmt: skip
        if not ok:
            return
        name, ok = QInputDialog.getText(
            self, "Split label off", f"Name of the new venue for “{label}”:",
            QLineEdit.EchoMode.Normal, label,
        )  # fmt: skip
        if ok:
            self._apply(lambda: venues.split(self.catalog, label, name))
