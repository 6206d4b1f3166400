"""File › New Catalog…, Open Catalog…, Open Catalog on a Server…, Open Recent and Reset Sample
Catalog: the librarian's own catalogs and the team's on a server beside the sample one, and the
sample made afresh.

Choosing a catalog asks the window's owner (`curator.ui.windows`) to open it in a window of its
own: every view then reads it from the start. Resetting the sample catalog happens in place:
it is restored to an empty catalog (what it held is kept as a backup first, by the restore)
and the sample listings are imported again as the window's own steps.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Generator
from pathlib import Path

from platformdirs import user_config_path
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from curator.domain.errors import CuratorError
from curator.domain.progress import Progress
from curator.services import backups, catalogs
from curator.services.catalogs import APP_NAME, Catalog, is_server_location, sample_catalog_path
from curator.ui.server_dialog import ServerDialog
from curator.ui.shortcuts import HELP
from curator.ui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

RECENT = 8  # catalogs File › Open Recent remembers
KINDS = "Curator catalogs (*.sqlite *.db);;All files (*)"

# Where a catalog is: a file, or a server catalog's address (remembered without password)
Location = Path | str


# --- the recent catalogs: a small JSON file in the user's config folder -------------------------
def recent_file() -> Path:
    return user_config_path(APP_NAME, appauthor=False) / "recent-catalogs.json"


def recent_catalogs() -> list[Location]:
    """The catalogs opened last, newest first: files, and server addresses (strings);
    unreadable memory: none."""
    try:
        names = json.loads(recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(names, list):
        return []
    found = [n if is_server_location(n) else Path(n) for n in names if isinstance(n, str)]
    return found[:RECENT]


def location_of(catalog: Catalog) -> Location:
    """Where a catalog is, as Open Recent keeps it: its file, or its server's address
    without any password."""
    return catalog.location if catalog.is_server else catalog.path.expanduser().resolve()


def remember(location: Location) -> None:
    """`location` first among the recent catalogs; a memory that cannot be written is skipped.
    A server address is kept as given: pass it without its password (`location_of`)."""
    if not isinstance(location, str):
        location = Path(location).expanduser().resolve()
    kept = [str(location)] + [str(p) for p in recent_catalogs() if p != location]
    try:
        recent_file().parent.mkdir(parents=True, exist_ok=True)
        recent_file().write_text(json.dumps(kept[:RECENT], indent=1), encoding="utf-8")
    except OSError:
        log.info("the recent catalogs could not be written to %s", recent_file(), exc_info=True)


def forget_recent() -> None:
    recent_file().unlink(missing_ok=True)


def is_sample(catalog: Catalog) -> bool:
    """Whether `catalog` is the built-in sample catalog (`curator-gui --sample`, `make run`)."""
    if catalog.is_server:
        return False
    return catalog.path.expanduser().resolve() == sample_catalog_path().resolve()


def title_of(catalog: Catalog) -> str:
    """The catalog as the window's title names it: its file without the suffix, or its
    database and the server's address (never a password)."""
    if catalog.is_server:
        return f"{catalog.name} at {catalog.location}"
    return Path(catalog.name).stem


def _reset(catalog: Catalog) -> Generator[Progress, None, Path | None]:
    """Make `catalog` empty, keeping what it held as a backup ("before restore"): it is
    restored to a new, empty catalog made beside it. Where that backup went."""
    yield Progress(0, 1, "Backing up the sample catalog")
    with tempfile.TemporaryDirectory(prefix="curator-reset-") as folder:
        empty = Path(folder) / "empty.sqlite"
        catalogs.open_default(empty, daily=False).close()
        return backups.restore_open(catalog, backups.find(catalog.path, str(empty)))


def _name(location: Location) -> str:
    """How Open Recent names a catalog: its file's name, or its database's on a server."""
    if not isinstance(location, str):
        return location.name
    try:
        return f"{catalogs.server_name(location)} (server)"
    except CuratorError:  # an address the memory file was given by hand
        return location


def _where(location: Location) -> str:
    """What tells two catalogs of one name apart: the file's folder, the server's address."""
    return location if isinstance(location, str) else location.parent.name


class CatalogActions(QObject):
    """The File menu's catalog actions; `open_asked` goes to whoever owns the windows."""

    # a catalog file or a server address (a str), and whether it is to be made anew
    open_asked = Signal(object, bool)
    reset_done = Signal(str)  # the sample catalog is empty again: a message; fill it now

    def __init__(self, window: QMainWindow, catalog: Catalog, tasks: TaskRunner) -> None:
        super().__init__(window)
        self.window = window
        self.catalog = catalog
        self.tasks = tasks
        self.task: Task | None = None
        self.new_action = QAction("&New Catalog…", window)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setProperty(HELP, "Make a new, empty catalog and open it")
        self.new_action.triggered.connect(self.choose_new)
        self.open_action = QAction("&Open Catalog…", window)
        self.open_action.setShortcut(QKeySequence("Ctrl+O"))
        self.open_action.setProperty(HELP, "Open another catalog in place of this one")
        self.open_action.triggered.connect(self.choose_existing)
        self.server_action = QAction("Open Catalog on a &Server…", window)
        self.server_action.setStatusTip("Open a catalog the team shares on a PostgreSQL server")
        self.server_action.triggered.connect(lambda: self.choose_server())
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.reset_action = QAction("Reset &Sample Catalog…", window)
        self.reset_action.setStatusTip(
            "Make the sample catalog as it was first: its changes are kept as a backup"
        )
        self.reset_action.triggered.connect(self.ask_reset)
        self.reset_action.setVisible(is_sample(catalog))
        self._fill_recent()

    def add_to(self, menu: QMenu) -> None:
        menu.addActions([self.new_action, self.open_action, self.server_action])
        menu.addMenu(self.recent_menu)
        menu.addAction(self.reset_action)

    # --- choosing a catalog ---------------------------------------------------------------
    def _start_folder(self) -> str:
        files = [p for p in recent_catalogs() if isinstance(p, Path)]
        return str(files[0].parent if files else Path.home())

    def choose_new(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "New catalog",
            str(Path(self._start_folder()) / "catalog.sqlite"),
            KINDS,
            options=QFileDialog.Option.DontConfirmOverwrite,  # never over an existing file
        )
        if not path:
            return
        chosen = Path(path) if Path(path).suffix else Path(path).with_suffix(".sqlite")
        if chosen.exists():
            QMessageBox.information(
                self.window,
                "New catalog",
                f"{chosen} already exists. File › Open Catalog… opens it; a new catalog needs "
                "a new name.",
            )
            return
        self.open_asked.emit(chosen, True)

    def choose_existing(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open catalog", self._start_folder(), KINDS
        )
        if path:
            self.open_asked.emit(Path(path), False)

    def choose_server(self, address: str = "", problem: str = "") -> ServerDialog:
        """Ask for a server catalog's address (and a password); open it once given."""
        dialog = ServerDialog(self.window, address, problem)
        dialog.accepted.connect(lambda: self.open_asked.emit(dialog.address, False))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        here = location_of(self.catalog)
        shown = [p for p in recent_catalogs() if p != here]
        names = [_name(p) for p in shown]
        for location in shown:
            name = _name(location)
            same_name = names.count(name) > 1  # catalog.sqlite, as each is first offered
            action = self.recent_menu.addAction(
                f"{name} — {_where(location)}" if same_name else name
            )
            action.setToolTip(str(location))
            action.setStatusTip(str(location))
            if isinstance(location, str) or location.exists():
                action.triggered.connect(lambda _=False, p=location: self.open_asked.emit(p, False))
            else:
                action.setText(f"{action.text()} (not found)")
                action.setEnabled(False)
        if shown:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("&Clear Menu", self._clear_recent)
        else:
            self.recent_menu.addAction("No other catalog opened yet").setEnabled(False)
        self.recent_menu.setToolTipsVisible(True)

    def _clear_recent(self) -> None:
        forget_recent()
        remember(location_of(self.catalog))

    # --- resetting the sample catalog -----------------------------------------------------
    def ask_reset(self) -> None:
        if not is_sample(self.catalog) or self.task is not None:
            return
        answer = QMessageBox.question(
            self.window,
            "Reset the sample catalog?",
            "Make the sample catalog as it was first, from the sample listings? Every change "
            "made to it (merges, edits, decisions, venue names) goes.\n\nWhat it holds now is "
            "kept as a backup first (File › Backups…, “before restore”).",
            QMessageBox.StandardButton.Reset | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Reset:
            self.reset()

    def reset(self) -> Task:
        """Empty the sample catalog in the background (backed up first); `reset_done` then
        asks the window to reload and import the sample listings."""
        self.reset_action.setEnabled(False)
        task = self.task = self.tasks.start(lambda: _reset(self.catalog))
        task.finished.connect(self._reset_done)
        task.failed.connect(self._reset_failed)
        task.cancelled.connect(lambda: self._reset_ended())
        return task

    def _reset_ended(self) -> None:
        self.task = None
        self.reset_action.setEnabled(True)

    def _reset_done(self, kept: Path | None) -> None:
        self._reset_ended()
        where = f" what it held is kept as {kept.name}" if kept else ""
        self.reset_done.emit(f"The sample catalog was reset;{where}.")

    def _reset_failed(self, message: str) -> None:
        self._reset_ended()
        QMessageBox.warning(
            self.window, "Reset failed", f"The sample catalog was not reset.\n\n{message}"
        )
