"""The windows the app has open, one catalog each: opening another catalog (File › New Catalog…,
Open Catalog…, Open Catalog on a Server…, Open Recent) shows it in a new window and closes the
one it replaces, with its catalog, so every view reads the new catalog from the start."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.services import backups, history
from curator.services.catalogs import Catalog, is_server_location, open_default, shown
from curator.ui.catalog_menu import Location, is_sample, location_of, remember
from curator.ui.main_window import MainWindow


def offer_restore(
    path: Path, exc: DamagedCatalogError, parent: QWidget | None = None
) -> Catalog | None:
    """A catalog too damaged to open: offer its newest backup (what it is now is kept)."""
    newest = backups.latest(path)
    if newest is None:
        QMessageBox.critical(parent, "Curator", f"Cannot open the catalog.\n\n{exc}")
        return None
    answer = QMessageBox.question(
        parent,
        "Curator",
        f"{path} is too damaged to open (SQLite: {exc.problem}).\n\nRestore its newest "
        f"backup, of {newest.label}? The damaged file is kept beside the backups.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        backups.restore(path, newest)
        return open_default(path, daily=False)
    except CuratorError as failed:
        QMessageBox.critical(parent, "Curator", f"The restore failed.\n\n{failed}")
        return None


class Windows(QObject):
    """Keeps the open windows (a window has no parent to keep it) and closes each one's
    catalog when it closes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.open: list[MainWindow] = []

    def show(
        self, catalog: Catalog, samples_if_new: bool = False, like: MainWindow | None = None
    ) -> MainWindow:
        """A window on `catalog`, shown where `like` was; its day's backup started, and the
        sample listings imported into a catalog where nothing was ever done, if asked."""
        window = MainWindow(catalog)
        window.setWindowIcon(QApplication.windowIcon())  # the app's (`curator.ui.icons`)
        window.catalogs.open_asked.connect(partial(self.open_catalog, window))
        window.closed.connect(partial(self._closed, window))
        self.open.append(window)
        if like is not None:
            window.setGeometry(like.geometry())
        if like is not None and like.isMaximized():
            window.showMaximized()
        else:
            window.show()
        window.files.daily_backup()
        remember(location_of(catalog))
        if samples_if_new and history.is_new(catalog):
            window.import_samples()
        return window

    def open_catalog(self, old: MainWindow, path: Location, new: bool) -> MainWindow | None:
        """Open the catalog at `path` (a file, made anew if `new`, or a server address) in
        place of `old`'s: a new window shows it and `old` closes, unless it keeps edits it
        cannot save (then the new one closes instead). A server that cannot be opened asks
        for its address and password again, saying why."""
        server = is_server_location(path)
        if _same(old.catalog, path):
            name = old.catalog.location if server else Path(path).name
            old.statusBar().showMessage(f"{name} is the catalog open here.", 5000)
            return None
        catalog: Catalog | None
        try:
            catalog = open_default(path, daily=False, create="file" if new else "nothing")
        except DamagedCatalogError as exc:
            catalog = offer_restore(Path(str(exc.path)), exc, old)
        except CuratorError as exc:
            if server:
                old.catalogs.choose_server(shown(path), str(exc))
            else:
                QMessageBox.warning(old, "Curator", f"Cannot open {path}.\n\n{exc}")
            return None
        if catalog is None:
            return None
        window = self.show(catalog, samples_if_new=is_sample(catalog), like=old)
        if not old.close():
            window.close()
            return None
        return window

    def _closed(self, window: MainWindow) -> None:
        if window in self.open:
            self.open.remove(window)
        window.catalog.close()
        window.deleteLater()


def _same(catalog: Catalog, location: Location) -> bool:
    """Whether `location` is where `catalog` is (a server's address: password or not)."""
    if is_server_location(location):
        return catalog.is_server and shown(location) == catalog.location
    return not catalog.is_server and Path(location).resolve() == catalog.path.resolve()
