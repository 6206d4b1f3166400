"""The History view: every change to the catalog, newest first, with who made it (this window,
another window, the command line, another user, or "earlier": before curator recorded it);
any merge can be unmerged, and the citation keys an export gave (which Edit › Undo passes
over) can be undone here."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.domain.clock import local
from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.services import decisions, history
from curator.services.catalogs import Catalog
from curator.services.history import HistoryEntry

PAGE = 1000  # entries shown at first; "Show older" adds as many again
COLUMNS = ["#", "When", "By", "Change", "State"]
ID, WHEN, BY, CHANGE, STATE = range(len(COLUMNS))


class HistoryPanel(QWidget):
    changed = Signal()  # an unmerge, or keys undone, changed the catalog

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.entries: list[HistoryEntry] = []
        self.shown = PAGE
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in ((ID, 56), (WHEN, 150), (BY, 130), (CHANGE, 560)):
            self.tree.setColumnWidth(column, width)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.unmerge_button = QPushButton("Unmerge")
        self.unmerge_button.setToolTip(
            "Split the selected merge again, even if later changes followed"
        )
        self.unmerge_button.clicked.connect(self.unmerge_selected)
        self.undo_keys_button = QPushButton("Undo These Keys…")
        self.undo_keys_button.setToolTip(
            "Take back the citation keys the selected export gave (Edit › Undo passes over "
            "them); the next export gives keys again"
        )
        self.undo_keys_button.clicked.connect(self.undo_keys_selected)
        self.hint = QLabel()
        self.hint.setStyleSheet("color:#666")
        self.older_button = QPushButton("Show Older")
        self.older_button.clicked.connect(self.show_older)
        bar = QHBoxLayout()
        bar.addWidget(self.hint, 1)
        bar.addWidget(self.older_button)
        bar.addWidget(self.undo_keys_button)
        bar.addWidget(self.unmerge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bar)
        self.refresh()

    def show_older(self) -> None:
        self.shown += PAGE
        self.refresh()

    def refresh(self) -> None:
        """Show the newest entries; a damaged event table leaves the panel empty and says
        so (the window stays open: its banner offers the backups)."""
        try:
            self.entries = list(reversed(history.history(self.catalog, newest=self.shown)))
            total = history.count(self.catalog)
        except DamagedCatalogError:
            self.entries = []
            self.tree.clear()
            self.hint.setText("The history cannot be read: this catalog is damaged.")
            self.older_button.setVisible(False)
            self._update_buttons()
            return
        walk = (
            "Edit › Undo and Redo walk this list from the top, passing over the citation keys "
            "an export gave."
        )
        more = total > self.shown
        shown = f"Showing the newest {len(self.entries):,} of {total:,}. " if more else ""
        self.hint.setText(shown + walk)
        self.older_button.setVisible(more)
        self.tree.clear()
        grey = QColor("#888")
        for entry in self.entries:
            when = local(entry.created_at).strftime("%Y-%m-%d %H:%M")  # her own clock
            item = QTreeWidgetItem([str(entry.id), when, entry.by, entry.summary, entry.state])
            item.setData(ID, Qt.ItemDataRole.UserRole, entry.id)
            if entry.user:
                item.setToolTip(BY, f"{entry.user}, {entry.session}")
            if entry.state != "done":
                for col in range(len(COLUMNS)):
                    item.setForeground(col, grey)
            self.tree.addTopLevelItem(item)
        self._update_buttons()

    def selected(self) -> HistoryEntry | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        entry_id = item.data(ID, Qt.ItemDataRole.UserRole)
        return next((e for e in self.entries if e.id == entry_id), None)

    def _update_buttons(self) -> None:
        entry = self.selected()
        done = entry is not None and entry.state == "done"
        self.unmerge_button.setEnabled(done and entry is not None and entry.survivor is not None)
        self.undo_keys_button.setEnabled(done and entry is not None and entry.quiet)

    def select_entry(self, entry_id: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(ID, Qt.ItemDataRole.UserRole) == entry_id:
                self.tree.setCurrentItem(item)
                return

    def undo_keys_selected(self) -> None:
        """Undo the selected export's keys, once the librarian says so: a file that cites
        them may need the same keys again, and the next export may give others."""
        entry = self.selected()
        if entry is None or not entry.quiet:
            return
        answer = QMessageBox.question(
            self,
            "Undo citation keys?",
            f"“{entry.summary}”: take these keys back?\n\nWorks whose key has changed since "
            "keep theirs. The next export gives keys again, perhaps not the same ones.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            summary = history.undo_quiet(self.catalog, entry.id)
        except CuratorError as exc:
            QMessageBox.warning(self, "Cannot undo the keys", str(exc))
            return
        self.refresh()
        self.changed.emit()
        self._say(f"Undone: {summary}")

    def _say(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 5000)

    def unmerge_selected(self) -> None:
        entry = self.selected()
        if entry is None or entry.survivor is None:
            return
        try:
            restored = decisions.unmerge(self.catalog, entry.survivor, entry.id)
        except CuratorError as exc:
            QMessageBox.warning(self, "Cannot unmerge", str(exc))
            return
        self.refresh()
        self.changed.emit()
        self._say(f"Unmerged into works {restored}.")
