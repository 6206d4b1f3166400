"""File › Backups…: the catalog's backups, newest first; back up now, restore one, or (for a
damaged catalog) export what can still be read. Each runs in the background."""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.domain.progress import Progress
from curator.domain.report import counted
from curator.export.bibtex import ExportOptions
from curator.services import backups, salvage
from curator.services.backups import Backup
from curator.services.catalogs import Catalog, folder_of
from curator.services.salvage import SalvageResult
from curator.ui.tasks import Task, TaskRunner

T = TypeVar("T")


def _at_once(work: Callable[[], T], message: str) -> Generator[Progress, None, T]:
    """One step of work as a task: said while it runs, not divided."""
    yield Progress(0, 1, message)
    return work()


class BackupsDialog(QDialog):
    """The list and its buttons; `restored` tells the window to reload everything."""

    restored = Signal(str)  # a message for the status bar

    def __init__(self, catalog: Catalog, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.tasks = tasks
        self.task: Task | None = None
        self.setWindowTitle("Backups")
        self.resize(640, 420)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Made", "Why", "Size"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.ask_restore)
        self.status = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.backup_button = self._button(buttons, "Back Up Now", self.back_up_now)
        self.restore_button = self._button(buttons, "Restore…", self.ask_restore)
        self.salvage_button = self._button(buttons, "Export What Can Be Read…", self.ask_salvage)
        self._button(buttons, "Show Folder", self._show_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.backups: list[Backup] = []
        self.reload()

    def _button(self, box: QDialogButtonBox, text: str, slot: Callable[[], object]) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def reload(self) -> None:
        self.backups = backups.listing(self.catalog.path)
        self.table.setRowCount(len(self.backups))
        for row, b in enumerate(self.backups):
            local = b.made.astimezone()
            cells = (f"{local.day} {local:%b %Y, %H:%M}", b.reason, f"{b.size / 2**20:.1f} MB")
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        if self.backups:
            self.table.selectRow(0)
        self.intro.setText(self._intro())
        self._update_buttons()

    def _intro(self) -> str:
        if self.catalog.damaged:
            return (
                f"<b>This catalog is damaged</b> ({self.catalog.damaged}); nothing is written "
                "to it. Restore a backup, or export the works that can still be read."
            )
        if not self.backups:
            return "No backups yet. Curator makes one each day the catalog is opened."
        return (
            "Curator backs up the catalog each day it is opened and before every bulk step "
            "(auto-merge, accepting all venues, a large import). Restoring keeps a backup of "
            "the catalog as it is now."
        )

    def _update_buttons(self) -> None:
        idle = self.task is None
        self.backup_button.setEnabled(idle and not self.catalog.damaged)
        self.restore_button.setEnabled(idle and bool(self.table.selectedItems()))
        self.salvage_button.setVisible(bool(self.catalog.damaged))
        self.salvage_button.setEnabled(idle)

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    # --- the actions --------------------------------------------------------------------
    def back_up_now(self) -> Task:
        return self._run(lambda: _at_once(lambda: backups.now(self.catalog), "Backing up…"),
                         self._backed_up)  # fmt: skip

    def _backed_up(self, made: Backup) -> None:
        self.reload()
        self.status.setText(f"Backed up: {made.path.name}")

    def ask_restore(self) -> None:
        chosen = self.selected()
        if chosen is None or self.task is not None:
            return
        answer = QMessageBox.question(
            self,
            "Restore backup",
            f"Replace the catalog with the backup of {chosen.label}?\n\n"
            "Everything done since then leaves the catalog; a backup of the catalog as it "
            "is now is made first, so this can be reversed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore(chosen)

    def restore(self, chosen: Backup) -> Task:
        def work() -> Path | None:
            return backups.restore_open(self.catalog, chosen)

        return self._run(
            lambda: _at_once(work, "Restoring…"), lambda kept: self._restored(chosen, kept)
        )

    def _restored(self, chosen: Backup, kept: Path | None) -> None:
        self.reload()
        message = f"Restored the backup of {chosen.label}."
        if kept is not None and kept.suffix == ".damaged":
            message += f" The damaged catalog was kept as {kept}."
        self.status.setText(message)
        self.restored.emit(message)

    def ask_salvage(self) -> None:
        start = Path(str(QSettings().value("export/last_dir", str(Path.home()))))
        path, _ = QFileDialog.getSaveFileName(
            self, "Export what can be read", str(start / "salvaged.bib"), "BibTeX (*.bib)"
        )
        if path:
            self.salvage(Path(path))

    def salvage(self, path: Path) -> Task:
        return self._run(
            lambda: salvage.export_readable(self.catalog, path, ExportOptions()), self._salvaged
        )

    def _salvaged(self, result: SalvageResult) -> None:
        lost = f"; {result.describe_lost()}" if result.describe_lost() else ""
        self.status.setText(f"Exported {counted(result.n_entries, 'work')} to {result.path}{lost}.")

    def _run(
        self, make: Callable[[], Generator[Progress, None, T]], done: Callable[[T], None]
    ) -> Task:
        task = self.task = self.tasks.start(make)
        task.progress.connect(lambda p: self.status.setText(p.message))
        task.finished.connect(done)
        task.failed.connect(lambda message: self.status.setText(message))
        for signal in (task.finished, task.failed, task.cancelled):
            signal.connect(self._task_over)
        self._update_buttons()
        return task

    def _task_over(self, *_: object) -> None:
        self.task = None
        self._update_buttons()

    def _show_folder(self) -> None:
        folder = folder_of(self.catalog.path)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class DamageBanner(QFrame):
    """A strip above the views while the catalog is damaged: what is wrong and the way out."""

    act = Signal()  # the librarian asks for the backups

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.setObjectName("damage")
        self.setStyleSheet(
            "#damage { background: #fdecea; border-bottom: 1px solid #e0a09a; }"
            "#damage QLabel { color: #611a15; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        button = QPushButton("Backups…")
        button.clicked.connect(self.act)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.label, 1)
        row.addWidget(button)
        self.update_state()

    def update_state(self) -> None:
        problem = self.catalog.damaged
        self.setVisible(bool(problem))
        if problem:
            self.label.setText(
                f"<b>This catalog is damaged</b> (SQLite: {problem}). Nothing will be written "
                "to it. Restore a backup, or export the works that can still be read."
            )
