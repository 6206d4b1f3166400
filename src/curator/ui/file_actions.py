"""File › Import and File › Export: each runs as a background task behind a progress dialog, so
the window never freezes and the librarian can cancel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QProgressDialog

from curator.domain.errors import UnrecognisedListingError
from curator.domain.progress import Progress
from curator.domain.records import BlockStatus
from curator.domain.report import counted
from curator.export.bibtex import ExportOptions
from curator.services import backups, exporting, works
from curator.services.catalogs import Catalog
from curator.services.exporting import ExportPlan, ExportResult
from curator.services.importing import ImportRun
from curator.services.samples import sample_listing_paths
from curator.ui.backups_dialog import BackupsDialog
from curator.ui.export_dialog import ExportDialog
from curator.ui.import_report import (
    ImportReportDialog,
    Outcome,
    ask_kind,
    import_and_explain,
    show_problems,
)
from curator.ui.shortcuts import HELP
from curator.ui.tasks import Task, TaskRunner

DAILY_CHECK_MS = 3_600_000  # how often an open window asks whether the day's backup is due
SERVER_BACKUPS = (
    "A catalog on a database server is backed up, checked and restored by its server "
    "(pg_dump, its administrator's schedule), not by curator."
)

# The works to export (the selection) and the search shown, or None when pending edits
# cannot be saved and nothing should be exported yet.
ExportScope = Callable[[], tuple[list[int], str] | None]


def _on_progress(dialog: QProgressDialog, p: Progress) -> None:
    dialog.setMaximum(max(p.total, 1))
    dialog.setValue(p.done)
    dialog.setLabelText(p.message)


class FileActions(QObject):
    """The File menu's import and export actions and the tasks they start."""

    import_ended = Signal()  # finished, failed or cancelled: what shows works must reload
    works_added = Signal(object)  # set[int]: the works an import added, to check for duplicates
    export_ended = Signal()  # finished, failed or cancelled: citation keys may have been given
    show_work = Signal(int)  # the export dialog asks to fix a work
    restored = Signal(str)  # a backup was restored: everything shown must reload
    backup_failed = Signal(str)  # the day's backup failed (its check: the catalog may be damaged)

    def __init__(
        self, window: QMainWindow, catalog: Catalog, tasks: TaskRunner, export_scope: ExportScope
    ) -> None:
        super().__init__(window)
        self.window = window
        self.catalog = catalog
        self.tasks = tasks
        self.export_scope = export_scope
        self.current_task: Task | None = None
        self.last_import: ImportRun | None = None
        # files whose kind of listing could not be told, still to be asked about
        self.undecided: list[tuple[Path, UnrecognisedListingError]] = []
        self.asking: QMessageBox | None = None  # the question about one of them
        self.show_reports = True
        self.import_action = QAction("&Import Listing…", window)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setProperty(HELP, "Import a listing")
        self.import_action.triggered.connect(self.choose_and_import)
        self.import_bibtex_action = QAction("Import &BibTeX…", window)
        self.import_bibtex_action.triggered.connect(self.choose_and_import_bibtex)
        self.sample_action = QAction("Import &Sample Listings", window)
        self.sample_action.triggered.connect(self.import_samples)
        self.export_action = QAction("&Export BibTeX…", window)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setProperty(HELP, "Export BibTeX: the selection, the search or all")
        self.export_action.triggered.connect(self.choose_and_export)
        self.backups_action = QAction("&Backups…", window)
        self.backups_action.triggered.connect(self.show_backups)
        if catalog.is_server:  # the services refuse it too, in words
            self.backups_action.setEnabled(False)
            self.backups_action.setToolTip(SERVER_BACKUPS)
            self.backups_action.setStatusTip(SERVER_BACKUPS)
        # a window left open for days still makes each day's backup
        self.daily_timer = QTimer(self, interval=DAILY_CHECK_MS)
        self.daily_timer.timeout.connect(self.daily_backup)

    def add_to(self, menu: QMenu) -> None:
        menu.addActions([self.import_action, self.import_bibtex_action, self.sample_action])
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.addSeparator()
        menu.addAction(self.backups_action)
        menu.setToolTipsVisible(True)  # why Backups… is not offered on a server

    def daily_backup(self) -> Task:
        """The day's backup, in the background (a large catalog takes seconds to copy). A
        backup whose check fails marks the catalog damaged: the window then says so."""
        task = self.tasks.start(lambda: backups.daily(self.catalog))
        task.failed.connect(self.backup_failed)
        self.daily_timer.start()
        return task

    def show_backups(self) -> BackupsDialog:
        dialog = BackupsDialog(self.catalog, self.tasks, self.window)
        dialog.restored.connect(self.restored)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _say(self, message: str, timeout: int) -> None:
        self.window.statusBar().showMessage(message, timeout)

    # --- importing ----------------------------------------------------------------------
    def choose_and_import(self) -> None:
        self._choose_and_import("Import listing", "Listings (*.txt *.html *.md)", None)

    def choose_and_import_bibtex(self) -> None:
        self._choose_and_import("Import BibTeX", "BibTeX files (*.bib *.bibtex)", "bibtex")

    def _choose_and_import(self, title: str, kinds: str, format: str | None) -> None:
        settings = QSettings()
        start = str(settings.value("import/last_dir", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(
            self.window, title, start, f"{kinds};;All files (*)"
        )
        if files:
            settings.setValue("import/last_dir", str(Path(files[0]).parent))
            self.import_files([Path(f) for f in files], format=format)

    def import_samples(self, report: bool = True) -> Task:
        return self.import_files(sample_listing_paths(), report=report)

    def import_files(
        self, paths: list[Path], format: str | None = None, report: bool = True
    ) -> Task:
        """Import in the background with a progress dialog; the report opens at the end."""
        dialog = QProgressDialog("Importing…", "Cancel", 0, 100, self.window)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        task = self.tasks.start(lambda: import_and_explain(self.catalog, paths, format))
        self.current_task = task
        self.import_action.setEnabled(False)
        self.sample_action.setEnabled(False)
        dialog.canceled.connect(task.cancel)
        task.progress.connect(lambda p: _on_progress(dialog, p))
        task.finished.connect(lambda outcome: self._on_import_done(dialog, outcome, report))
        task.failed.connect(lambda msg: self._on_import_failed(dialog, msg))
        task.cancelled.connect(lambda: self._on_import_cancelled(dialog))
        return task

    def _end_import(self, dialog: QProgressDialog) -> None:
        dialog.close()
        dialog.deleteLater()
        self.import_action.setEnabled(True)
        self.sample_action.setEnabled(True)
        self.import_ended.emit()

    def _on_import_done(self, dialog: QProgressDialog, outcome: Outcome, report: bool) -> None:
        run = self.last_import = outcome.run
        self._end_import(dialog)
        imported = sum(r.counts["imported"] for r in run.reports)
        self._say(
            f"Imported {counted(imported, 'record')}." if imported else "Nothing imported.", 5000
        )
        new_ids = {
            o.work_id
            for report in run.reports
            for o in report.outcomes
            if o.status is BlockStatus.IMPORTED and o.work_id is not None
        }
        if new_ids:
            self.works_added.emit(new_ids)
        if not self.show_reports:
            return
        self.undecided += outcome.unknown
        if run.reports and (report or outcome.problems):
            ImportReportDialog(run, self.window, outcome.problems).open()
        elif outcome.problems:
            show_problems(self.window, outcome.problems)  # one line: no empty report
        self._ask_next_kind()

    def _ask_next_kind(self) -> None:
        """Ask what kind of listing the next file curator could not tell is, and import it
        as that; the next one is asked once that import has ended (or was cancelled)."""
        if not self.undecided or (self.current_task is not None and not self.current_task.done):
            return
        path, why = self.undecided.pop(0)

        def chosen(kind: str | None) -> None:
            if kind is None:
                self._ask_next_kind()
            else:
                self.import_files([path], format=kind)

        self.asking = ask_kind(self.window, why, chosen)

    def _on_import_failed(self, dialog: QProgressDialog, message: str) -> None:
        self._end_import(dialog)
        QMessageBox.warning(self.window, "Import failed", message)

    def _on_import_cancelled(self, dialog: QProgressDialog) -> None:
        self._end_import(dialog)
        self._say("Import cancelled; the file being written was rolled back.", 5000)
        self._ask_next_kind()

    # --- exporting ----------------------------------------------------------------------
    def choose_and_export(self) -> ExportDialog | None:
        """Open the export dialog; on Export, ask for the file and write it in the background."""
        scope = self.export_scope()
        if scope is None:
            return None
        selected, search = scope
        total = works.stats(self.catalog)["works"]
        dialog = ExportDialog(self.catalog, selected, search, total, self.window)
        dialog.show_work.connect(self.show_work)
        dialog.accepted.connect(lambda: self._ask_file_and_export(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _ask_file_and_export(self, dialog: ExportDialog) -> None:
        settings = QSettings()
        start = Path(str(settings.value("export/last_dir", str(Path.home())))) / "catalog.bib"
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export BibTeX", str(start), "BibTeX files (*.bib);;All files (*)"
        )
        if path and dialog.plan is not None:
            settings.setValue("export/last_dir", str(Path(path).parent))
            self.export_to(Path(path), dialog.plan, dialog.options())

    def export_to(self, path: Path, plan: ExportPlan, options: ExportOptions) -> Task:
        """Write the file in the background; keys given on the way show in the editor after."""
        progress = QProgressDialog("Exporting…", "Cancel", 0, 100, self.window)
        progress.setWindowTitle("Export")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        task = self.tasks.start(lambda: exporting.export_bibtex(self.catalog, plan, path, options))
        self.current_task = task
        self.export_action.setEnabled(False)
        progress.canceled.connect(task.cancel)
        task.progress.connect(lambda p: _on_progress(progress, p))
        task.finished.connect(lambda result: self._on_export_done(progress, result))
        task.failed.connect(lambda msg: self._on_export_failed(progress, msg))
        task.cancelled.connect(
            lambda: self._end_export(progress, "Export cancelled; nothing was written.")
        )
        return task

    def _end_export(self, progress: QProgressDialog, message: str) -> None:
        progress.close()
        progress.deleteLater()
        self.export_action.setEnabled(True)
        self.export_ended.emit()
        self._say(message, 8000)

    def _on_export_done(self, progress: QProgressDialog, result: ExportResult) -> None:
        given = counted(len(result.new_keys), "work")
        keys = f"; {given} got citation keys" if result.new_keys else ""
        entries = counted(result.n_entries, "entry", "entries")
        self._end_export(progress, f"Exported {entries} to {result.path}{keys}.")

    def _on_export_failed(self, progress: QProgressDialog, message: str) -> None:
        self._end_export(progress, "Export failed; nothing was written.")
        QMessageBox.warning(self.window, "Export failed", message)
