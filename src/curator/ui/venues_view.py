"""The Venues view: the venues with their labels, the changes a librarian makes to them, and
the explained suggestions of venues that are probably one. Every change goes through the
venue service as one undoable event."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from curator.dedup.venues import ParentLink, Suggestion
from curator.domain.catalog import VenueKind, VenueView
from curator.domain.errors import CuratorError
from curator.services import venues
from curator.services.venues import VenueChange
from curator.store.catalog import Catalog
from curator.ui.venue_models import (
    COL_BAND,
    COL_CANONICAL,
    COL_KIND,
    COL_LABELS,
    COL_NAME,
    COL_PARENT,
    COL_SCORE,
    COL_SHORT,
    COL_SUGGESTED_LABELS,
    COL_WORKS,
    ROW_ROLE,
    ParentLinkModel,
    SuggestionModel,
    VenueFilterProxy,
    VenueTableModel,
    suggestion_html,
    table_view,
    venue_details_html,
    with_empty_state,
)

NO_SUGGESTIONS = "No suggestions: the venue labels look consistent."
NO_LINKS = "No workshop to link: every workshop that names a conference is linked to it."
NO_PARENT = "(none)"
# (key, description): shown in Help > Keyboard shortcuts
SHORTCUTS = (
    ("Enter / F2", "Rename the selected venue"),
    ("Delete", "Nothing: venues are merged or split, never deleted"),
)


def _box(*parts: QWidget | QHBoxLayout) -> QWidget:
    """Parts stacked top to bottom; widgets take the room, bars keep their height."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QWidget):
            layout.addWidget(part, 1)
        else:
            layout.addLayout(part)
    return box


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight:bold")
    return label


class VenuesPanel(QWidget):
    """Venues on the left (table, details, actions), suggestions and parent links on the right."""

    changed = Signal()  # a venue change went through: works, history and undo must reload

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.suggestion: Suggestion | None = None
        self._build_actions()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_venues())
        split.addWidget(self._build_suggestions())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([840, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.refresh()

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
        self.kind_button = QToolButton()
        self.kind_button.setText("Kind")
        self.kind_button.setToolTip("Conference, workshop, journal, preprint or other")
        self.kind_button.setMenu(self.kind_menu)
        self.kind_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        buttons.addWidget(self.kind_button)
        for action in (self.parent_action, self.merge_action, self.split_action):
            buttons.addWidget(self._button(action))
        buttons.addStretch(1)
        return buttons

    @staticmethod
    def _button(action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def _build_suggestions(self) -> QWidget:
        self.suggestions = SuggestionModel(self)
        self.suggestion_table = table_view(
            self.suggestions,
            stretch=(COL_SUGGESTED_LABELS,),
            widths={COL_BAND: 76, COL_SCORE: 50, COL_CANONICAL: 150},
        )
        self.suggestion_table.selectionModel().currentRowChanged.connect(
            lambda current, _: self._show_suggestion(current)
        )
        self.suggestion_stack, _ = with_empty_state(self.suggestion_table, NO_SUGGESTIONS)
        self.reasons = QTextBrowser()
        self.reasons.setOpenLinks(False)
        self.canonical = QLineEdit()
        self.canonical.setPlaceholderText("Name of the venue once merged")
        self.canonical.returnPressed.connect(self.accept_suggestion)
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Merge these venues under the name on the left")
        self.accept_button.clicked.connect(self.accept_suggestion)
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("Not one venue: never suggest these labels together again")
        self.reject_button.clicked.connect(self.reject_suggestion)
        self.accept_sure_button = QPushButton("Accept All Sure…")
        self.accept_sure_button.setToolTip("Accept every sure suggestion as one undoable step")
        self.accept_sure_button.clicked.connect(self.accept_all_sure)
        decide = QHBoxLayout()
        decide.addWidget(QLabel("Merged name:"))
        decide.addWidget(self.canonical, 1)
        decide.addWidget(self.accept_button)
        decide.addWidget(self.reject_button)
        self.suggestion_heading = _heading("Suggestions")
        top = QHBoxLayout()
        top.addWidget(self.suggestion_heading, 1)
        top.addWidget(self.accept_sure_button)
        upper, self.suggestion_detail = _box(top, self.suggestion_stack), _box(self.reasons, decide)
        split = QSplitter(Qt.Orientation.Vertical)
        for box in (upper, self.suggestion_detail, self._build_links()):
            split.addWidget(box)
        split.setSizes([280, 250, 270])
        wrap = QWidget()
        layout = QVBoxLayout(wrap)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addWidget(split)
        return wrap

    def _build_links(self) -> QWidget:
        self.links = ParentLinkModel(self)
        self.link_table = table_view(self.links, stretch=(2,), widths={0: 230, 1: 90})
        self.link_table.setWordWrap(True)  # the reason is the point: show all of it
        self.link_table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.link_stack, _ = with_empty_state(self.link_table, NO_LINKS)
        self.link_button = QPushButton("Link")
        self.link_button.setToolTip("Make the workshop part of the conference")
        self.link_button.clicked.connect(self.link_parent)
        bar = QHBoxLayout()
        bar.addWidget(_heading("Workshops → conferences"), 1)
        bar.addWidget(self.link_button)
        return _box(bar, self.link_stack)

    # --- loading ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # edits and imports made in other views show up here
            self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """Reload venues and suggestions; keep (or move to `select`) the selected venues."""
        keep = [select] if select is not None else [v.id for v in self.selected()]
        self.model.set_rows(venues.list_venues(self.catalog))
        self.select_venues(keep)
        self._update_venue_stack()
        self._load_suggestions()

    def _load_suggestions(self) -> None:
        kept = self.suggestion.labels if self.suggestion else None
        found = venues.suggestions(self.catalog)
        self.suggestions.set_rows(found)
        sure = sum(1 for x in found if x.band == "sure")
        self.suggestion_heading.setText(
            f"Suggestions ({len(found)}, {sure} sure)" if found else "Suggestions"
        )
        self.suggestion_stack.setCurrentIndex(0 if found else 1)
        self.suggestion_detail.setVisible(bool(found))
        row = self.suggestions.row_with_labels(kept) if kept else None
        self.select_suggestion(row if row is not None else 0)
        names = {v.id: v.name for v in self.model.rows()}
        self.links.set_links(venues.parent_links(self.catalog), names)
        self.link_stack.setCurrentIndex(0 if self.links.rowCount() else 1)
        self.link_table.resizeRowsToContents()
        if self.links.rowCount():
            self.link_table.selectRow(0)
        self._update()

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

    def select_suggestion(self, row: int) -> None:
        if not self.suggestions.rowCount():
            self._show_suggestion(QModelIndex())
            return
        row = max(0, min(row, self.suggestions.rowCount() - 1))
        index = self.suggestions.index(row, COL_SUGGESTED_LABELS)
        self.suggestion_table.setCurrentIndex(index)
        self._show_suggestion(index)

    def _show_suggestion(self, index: QModelIndex) -> None:
        x = index.data(ROW_ROLE) if index.isValid() else None
        same = x is not None and self.suggestion is not None and x.labels == self.suggestion.labels
        if not same:  # the same suggestion again (after a reload) keeps the name typed
            self.canonical.setText(x.canonical if x else "")
        self.suggestion = x
        self.reasons.setHtml(suggestion_html(x))
        self._update()

    def _update(self) -> None:
        chosen = self.selected()
        one = self.current()
        for action in (self.rename_action, self.short_action, self.parent_action):
            action.setEnabled(one is not None)
        self.kind_button.setEnabled(one is not None)
        for action in self.kind_actions.actions():
            action.setChecked(one is not None and action.data() == one.kind)
        self.merge_action.setEnabled(len(chosen) >= 2)
        self.split_action.setEnabled(one is not None and bool(self._split_labels(one)))
        self.accept_button.setEnabled(self.suggestion is not None)
        self.reject_button.setEnabled(self.suggestion is not None)
        self.canonical.setEnabled(self.suggestion is not None)
        sure = any(x.band == "sure" for x in self.suggestions.rows())
        self.accept_sure_button.setEnabled(sure)
        self.link_button.setEnabled(self.link_table.currentIndex().isValid())

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
            f"Merge {len(chosen)} venues ({sum(v.works for v in chosen)} works) under the name:",
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

    # --- suggestions --------------------------------------------------------------------
    def accept_suggestion(self) -> None:
        x = self.suggestion
        if x is None:
            return
        name = self.canonical.text()
        row = self.suggestion_table.currentIndex().row()
        if self._apply(lambda: venues.accept(self.catalog, x, name)):
            self.select_suggestion(row)

    def reject_suggestion(self) -> None:
        x = self.suggestion
        if x is None:
            return
        row = self.suggestion_table.currentIndex().row()
        if self._apply(lambda: venues.reject(self.catalog, x)):
            self.select_suggestion(row)

    def accept_all_sure(self) -> None:
        sure = [x for x in self.suggestions.rows() if x.band == "sure"]
        if not sure:
            return
        answer = QMessageBox.question(
            self,
            "Accept all sure suggestions",
            f"Accept {len(sure)} sure suggestion(s), each under its proposed name?\n\n"
            "This is one step: Edit › Undo reverts all of it.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._apply(lambda: venues.accept_all_sure(self.catalog))

    def link_parent(self) -> None:
        index = self.link_table.currentIndex()
        link: ParentLink | None = index.data(ROW_ROLE) if index.isValid() else None
        if link is not None:
            self._apply(lambda: venues.link_parent(self.catalog, link), link.workshop_id)
