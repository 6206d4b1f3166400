"""The main window: the catalog table with search, the editor, the sources, and File menu."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from curator.domain.catalog import WorkView
from curator.domain.errors import ChangedSinceOpened, CuratorError, DamagedCatalogError
from curator.domain.report import counted
from curator.export.bibtex import ExportOptions
from curator.services import works
from curator.services.catalogs import Catalog
from curator.services.exporting import ExportPlan
from curator.services.works import Query
from curator.ui.about import show_about
from curator.ui.backups_dialog import DamageBanner
from curator.ui.catalog.conflicts import ConflictDialog
from curator.ui.catalog.editor import WorkEditor
from curator.ui.catalog.sources import SourcesPanel
from curator.ui.catalog.work_table import (
    COL_ARXIV,
    COL_AUTHORS,
    COL_RECORDS,
    COL_TITLE,
    COL_VENUE,
    COL_YEAR,
    PAGE,
    WorkTableModel,
)
from curator.ui.catalog_menu import CatalogActions, title_of
from curator.ui.export_dialog import ExportDialog
from curator.ui.file_actions import FileActions
from curator.ui.history_view import HistoryPanel
from curator.ui.live import LiveRefresh
from curator.ui.review.panel import SHORTCUTS, ReviewPanel
from curator.ui.shortcuts import HELP, MenuKeys, show_help
from curator.ui.tasks import Task, TaskRunner
from curator.ui.undo import UndoActions
from curator.ui.venues.view import SHORTCUTS as VENUE_SHORTCUTS
from curator.ui.venues.view import VenuesPanel

SEARCH_DELAY_MS = 200


class MainWindow(QMainWindow):
    closed = Signal()  # closed for good: its catalog may be closed too (`curator.ui.windows`)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.live = LiveRefresh(self)  # what others change, from now on: shown as it comes
        self.tasks = TaskRunner(self)
        self.reads = TaskRunner(self)  # searches: never queued behind an import or a scan
        self._searching = 0  # the newest search; an older one's answer is dropped
        self._search_tasks: list[Task] = []
        self._keep: int | None = None  # the work the librarian chose last
        self._placing = False  # the window, not the librarian, is moving the selection
        self.setWindowTitle(f"{title_of(catalog)} — Curator")
        self.resize(1440, 900)
        self._build_widgets()
        self.files = FileActions(self, catalog, self.tasks, self._export_scope)
        self.files.import_ended.connect(self._after_import)
        self.files.works_added.connect(self.review.rescan)
        self.files.export_ended.connect(self._after_change)
        self.files.show_work.connect(self.show_work_to_fix)
        self.files.restored.connect(self.after_restore)
        self.files.backup_failed.connect(self._on_backup_failed)
        self.steps = UndoActions(self, catalog, self.tasks, ready=self._edits_saved)
        self.steps.ended.connect(self._on_step_ended)
        self.catalogs = CatalogActions(self, catalog, self.tasks)
        self.catalogs.reset_done.connect(self._after_reset)
        self._build_menus()
        self.menu_keys = MenuKeys(self)  # the menus' keys reach them from any field
        self.editor.set_venue_names(works.venue_names(self.catalog))
        self._shown(None)  # the table's sort has read the ids already
        self._update_undo_actions()
        self.live.start()

    # --- construction -----------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles, authors, abstracts, venues, ids…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search.textChanged.connect(self.search_timer.start)
        self.search_timer.timeout.connect(self._search)
        self._build_table()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table, 1)

        self.editor = WorkEditor(self._save_work)
        self.editor.saved.connect(self._on_saved)
        self.sources = SourcesPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.editor, "Details")
        self.tabs.addTab(self.sources, "Sources")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([920, 520])
        self.review = ReviewPanel(self.catalog, self.tasks)
        self.review.changed.connect(self._after_change)
        self.history = HistoryPanel(self.catalog)
        self.history.changed.connect(self._after_change)
        self.history.changed.connect(lambda: self.review.rescan())
        self.venues = VenuesPanel(self.catalog)
        self.venues.suggestions.duplicate_pairs = self.review.strong_pairs
        self.venues.changed.connect(self._after_change)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(split, "Catalog")
        self.views.addTab(self.review, "Duplicates")
        self.views.addTab(self.history, "History")
        self.views.addTab(self.venues, "Venues")
        self.views.currentChanged.connect(self._on_view_changed)
        self.damage = DamageBanner(self.catalog)
        self.damage.act.connect(lambda: self.files.show_backups())
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.damage)
        column.addWidget(self.views, 1)
        self.setCentralWidget(central)
        self._show_damage()
        self.catalog_label = QLabel(self.catalog.name)
        self.catalog_label.setToolTip(f"The catalog open in this window: {self.catalog.location}")
        self.catalog_label.setStyleSheet("color: palette(placeholder-text)")
        self.counts_label = QLabel()
        self.statusBar().addPermanentWidget(self.catalog_label)
        self.statusBar().addPermanentWidget(self.counts_label)

    def _build_table(self) -> None:
        self.model = WorkTableModel(self.catalog, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(COL_TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # sorts by the indicator: reads the ids at once
        self.model.load_in_background = self._load  # later sorts run beside the window
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        widths = {COL_AUTHORS: 170, COL_VENUE: 170, COL_YEAR: 48, COL_ARXIV: 92, COL_RECORDS: 62}
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.catalogs.add_to(file_menu)
        file_menu.addSeparator()
        self.files.add_to(file_menu)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # the standard key is none on Windows
        quit_action.setProperty(HELP, "Close the window")
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        find = QAction("&Find", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setProperty(HELP, "Search the catalog")
        find.triggered.connect(self._focus_search)
        edit_menu.addAction(find)
        save = QAction("&Save Work", self)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.setProperty(HELP, "Save the work being edited")
        save.triggered.connect(self.editor.save)
        edit_menu.addAction(save)
        edit_menu.addSeparator()
        self.undo_action = self.steps.undo_action
        self.redo_action = self.steps.redo_action
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.aboutToShow.connect(self._update_undo_actions)

        view_menu = self.menuBar().addMenu("&View")
        for index, name in enumerate(("&Catalog", "&Duplicates", "&History", "&Venues")):
            action = QAction(name, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.setProperty(HELP, f"Show the {name.replace('&', '')} view")
            action.triggered.connect(lambda _=False, i=index: self.views.setCurrentIndex(i))
            view_menu.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        keys = QAction("&Keyboard Shortcuts", self)
        keys.setShortcut(QKeySequence.StandardKey.HelpContents)
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        about = QAction("&About Curator", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    # --- the table ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload rows for the current search at once (after a change); keep the selected work
        if it is still shown. A search still running answers an older question: dropped."""
        self._searching += 1
        selected = self.editor.work.id if self.editor.work else None
        self._place(lambda: self.model.reload(self.search.text().strip()))
        self.editor.set_venue_names(works.venue_names(self.catalog))  # a change may add one
        self._shown(selected)
        self._show_damage()  # a read may have met a damaged page

    def _search(self) -> None:
        self._load(replace(self.model.requested, search=self.search.text().strip()))

    def _load(self, query: Query) -> None:
        """Find the ids of `query` on a worker thread, a screenful first, then all of them
        (a broad search of a million works takes a second or two); the newest search wins."""
        self._searching += 1
        self.model.requested = query  # a sort or a search asked next builds on this one
        for task in self._search_tasks:
            task.cancel()  # not started yet: it never runs
        head = self.reads.start(partial(works.find, self.catalog, query, PAGE))
        head.finished.connect(partial(self._found, self._searching, query, True))
        full = self.reads.start(partial(works.find, self.catalog, query))
        full.finished.connect(partial(self._found, self._searching, query, False))
        for task in (head, full):
            task.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self._search_tasks = [head, full]

    @property
    def searching(self) -> bool:
        """Whether a search or a sort is still finding its works."""
        return any(not task.done for task in self._search_tasks)

    def _found(self, generation: int, query: Query, head: bool, ids: array[int]) -> None:
        if generation != self._searching:
            return
        if head and (len(ids) < PAGE or self._search_tasks[-1].done):
            return  # that was all of it, or all of it is already shown
        if head and query.search == self.model.query.search and self._keep not in (None, *ids):
            return  # the same works in another order: the chosen one stays until all come
        self._place(lambda: self.model.show(ids, query))
        self._shown(self._keep, counting=head)

    def _shown(self, selected: int | None, counting: bool = False) -> None:
        """New ids are in the table: select the work that was selected, or the first."""
        self.update_counts(counting)
        kept = selected is not None and self._place(lambda: self.select_work(selected))
        if not kept and self.model.rowCount():
            self._place(lambda: self.table.selectRow(0))

    def _place(self, move: Callable[[], Any]) -> Any:
        """Move the selection (or reset the rows) as the window, not as the librarian."""
        self._placing = True
        try:
            return move()
        finally:
            self._placing = False

    def select_work(self, work_id: int) -> bool:
        row = self.model.row_of(work_id)
        if row is None:
            return False
        index = self.model.index(row, COL_TITLE)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def update_counts(self, counting: bool = False) -> None:
        stats = works.stats(self.catalog)
        shown = self.model.rowCount()
        filtered = f"{shown:,} shown · " if self.model.query.search else ""
        if counting:
            filtered = f"the first {shown:,} shown, counting the rest… · "
        self.counts_label.setText(
            f"{filtered}{counted(stats['works'], 'work')} · "
            f"{counted(stats['records'], 'source record')} · {counted(stats['venues'], 'venue')}"
        )

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        index: QModelIndex = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if not index.isValid() or not rows:
            if self.editor.changes() and not self.editor.save():
                return  # edits that cannot be saved stay on screen, never dropped
            self.editor.show_work(None)
            self.sources.show_records([])
            return
        work_id = self.model.work_id(index.row())
        if not (self._placing and self.searching):  # a screenful shown first moves nothing
            self._keep = work_id
        current = self.editor.work
        if current and current.id == work_id:
            return
        if current and self.editor.changes() and not self.editor.save():
            # Unsaved edits are never dropped: stay on the work until they are valid.
            QTimer.singleShot(0, lambda: self.select_work(current.id))
            return
        try:
            self.editor.show_work(works.work(self.catalog, work_id))
            self.sources.show_records(works.records(self.catalog, work_id))
        except DamagedCatalogError as exc:  # a damaged page: said, and the way out shown
            self.editor.show_work(None)
            self.sources.show_records([])
            self._show_damage()
            self.statusBar().showMessage(f"Work {work_id} cannot be read: {exc.problem}", 8000)

    # --- editing ------------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _save_work(self, work_id: int, changes: dict[str, Any]) -> WorkView:
        """Save against the work as the editor opened it; if someone changed it since, the
        librarian chooses field by field (`ConflictDialog`) and her typed values stay in the
        form meanwhile."""
        try:
            return works.edit_work(self.catalog, work_id, changes, opened=self.editor.work)
        except ChangedSinceOpened as conflict:
            if conflict.gone:
                raise CuratorError(f"Not saved: {conflict}.") from None
            self.conflict_dialog = ConflictDialog(conflict, self)
            self.conflict_dialog.accepted.connect(partial(self._save_choice, conflict))
            self.conflict_dialog.open()
            raise CuratorError(f"Not saved yet: {conflict}. Choose what to keep.") from None

    def _save_choice(self, conflict: ChangedSinceOpened) -> None:
        """Save the librarian's choice against the work as it is now (a further change by
        someone else meanwhile asks again)."""
        assert conflict.now is not None
        self.editor.show_work(conflict.now)  # what the choice is saved against
        for field, value in self.conflict_dialog.choices().items():
            self.editor.inputs[field].put(value)  # the form's own values, given back
        self.editor.save()

    def _on_saved(self, work: WorkView) -> None:
        # Refresh just this row (reloading 100k rows after every save would stall typing).
        self.model.replace_row(works.row(self.catalog, work.id))
        self.editor.set_venue_names(works.venue_names(self.catalog))
        self.update_counts()
        self.history.refresh()
        self._update_undo_actions()
        self.statusBar().showMessage("Saved.", 3000)

    # --- files: File › Import and Export run in FileActions ------------------------------
    def import_samples(self) -> Task:
        return self.files.import_samples()

    def import_files(self, paths: list[Path], format: str | None = None) -> Task:
        return self.files.import_files(paths, format)

    def export_to(self, path: Path, plan: ExportPlan, options: ExportOptions) -> Task:
        return self.files.export_to(path, plan, options)

    def choose_and_export(self) -> ExportDialog | None:
        return self.files.choose_and_export()

    def _export_scope(self) -> tuple[list[int], str] | None:
        """The selected works and the search to export; None while edits cannot be saved."""
        if self.editor.changes() and not self.editor.save():
            return None
        rows = self.table.selectionModel().selectedRows()
        return [self.model.work_id(index.row()) for index in rows], self.search.text().strip()

    def _after_import(self) -> None:
        """An import ended (done, failed or cancelled): show what it wrote."""
        self.refresh()
        self.history.refresh()
        self.venues.refresh()
        self._update_undo_actions()

    def show_work_to_fix(self, work_id: int) -> None:
        """Show a work in the catalog view, clearing the search if it hides the work."""
        self.views.setCurrentIndex(0)
        if not self.select_work(work_id):
            self.search.clear()
            self.refresh()
            self.select_work(work_id)
        self.editor.setFocus()

    # --- undo, views, help ----------------------------------------------------------------
    def _update_undo_actions(self) -> None:
        self.steps.update()

    def undo(self) -> Task | None:
        """Undo the newest step in the background; `steps.ended` says when it is over."""
        return self.steps.undo()

    def redo(self) -> Task | None:
        return self.steps.redo()

    def _edits_saved(self) -> bool:
        """Pending edits in the editor are saved before an undo or redo; False if they cannot."""
        return not self.editor.changes() or self.editor.save()

    def _on_step_ended(self, message: str) -> None:
        self._after_change()
        self.review.rescan()  # works came back or went away: the queue is rebuilt
        self.statusBar().showMessage(message, 5000)

    def _after_change(self) -> None:
        """A decision, undo or unmerge changed works: reload what shows them.

        Edits pending in the editor are saved first; edits that cannot be saved stay on screen.
        """
        if self.editor.changes() and not self.editor.save():
            self.refresh()
        else:
            current = self.editor.work.id if self.editor.work else None
            self.editor.show_work(None)
            self.refresh()
            if current is not None:
                self.select_work(current)
        self.history.refresh()
        self.venues.refresh()
        self._update_undo_actions()

    def _show_damage(self) -> None:
        """The banner while the catalog is damaged; the editor then only shows."""
        self.damage.update_state()
        self.editor.read_only = bool(self.catalog.damaged)
        self.editor.setEnabled(self.editor.work is not None and not self.editor.read_only)

    def _on_backup_failed(self, message: str) -> None:
        self._show_damage()
        self.statusBar().showMessage(f"The day's backup failed: {message}", 15000)

    def after_restore(self, message: str) -> None:
        """The catalog's file is another one now: every view reads it afresh."""
        self.live.restart()
        self.steps.forget()
        self.editor.show_work(None)
        self._show_damage()
        self._after_change()
        self.review.rescan()
        self.statusBar().showMessage(message, 8000)

    def _on_view_changed(self, index: int) -> None:
        review = self.review
        if self.views.widget(index) is not review:
            return
        if self.editor.changes():
            self.editor.save()  # what the queue shows must be what the catalog holds
        if review.scan_task is None and not review.scanned:
            review.rescan()
        else:
            review.refresh_comparison()

    def show_shortcuts(self) -> QMessageBox:
        """Help › Keyboard Shortcuts: the menus' keys as the actions hold them, then the keys
        of the Duplicates and Venues views."""
        review = [(key, description) for key, _, description in SHORTCUTS]
        views = (("In the Duplicates view", review), ("In the Venues view", VENUE_SHORTCUTS))
        return show_help(self, views)

    def about(self) -> QMessageBox:
        """Help › About Curator: the version, the catalog (its full path) and what runs it."""
        return show_about(self, self.catalog)

    def _after_reset(self, message: str) -> None:
        """The sample catalog is empty again: every view reloads, then the sample listings
        are imported as this window's own steps (as on the first run)."""
        self.after_restore(message)
        task = self.files.import_samples(report=False)  # asked for: no report to close
        said = f"{message} The sample listings are imported again."
        task.finished.connect(lambda _outcome: self.statusBar().showMessage(said, 15000))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.editor.changes() and not self.editor.save():
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                f"This work's changes cannot be saved:\n{self.editor.error.text()}\n\n"
                "Discard them and quit?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.live.stop()  # its connection ends before the catalog's
        for task in (self.files.current_task, self.review.scan_task, self.steps.task):
            if task and not task.done:
                task.cancel()  # rolled back; the day's backup is let finish
        # every job ends before the catalog is closed under it, the Venues view's own runner
        # included (it was never waited for; the others for 10 s at most)
        self.tasks.wait()
        self.reads.stop()
        self.venues.suggestions.tasks.stop()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()
