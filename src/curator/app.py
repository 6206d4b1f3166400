"""The window's entry point: opens a catalog, wires store, services and the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.services.catalogs import (
    Catalog,
    default_catalog_path,
    log_file_path,
    open_default,
    sample_catalog_path,
)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="curator-gui", description="Open the curator window.")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="catalog file, or a catalog on a server: postgresql://user@host/database "
        f"(default: {default_catalog_path()})",
    )
    parser.add_argument("--sample", action="store_true", help="open the built-in sample catalog")
    return parser.parse_args(argv)


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _install_excepthook() -> None:
    """A bug in a Qt slot is logged with its traceback and shown briefly, not lost on stderr."""
    from PySide6.QtWidgets import QMessageBox

    log_path = log_file_path()
    logging.getLogger().addHandler(logging.FileHandler(log_path, encoding="utf-8"))

    def hook(kind, value, tb) -> None:  # type: ignore[no-untyped-def]
        logging.getLogger("curator").error("unexpected error", exc_info=(kind, value, tb))
        QMessageBox.critical(
            None, "Curator", f"Something went wrong: {value}\n\nDetails are in {log_path}."
        )

    sys.excepthook = hook


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if not _has_display():
        print(
            "curator-gui: no display found. Run it in a desktop session, or under a virtual "
            "screen: xvfb-run curator-gui",
            file=sys.stderr,
        )
        return 1
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from PySide6.QtWidgets import QApplication, QMessageBox

    from curator.ui.icons import APP_ID, app_icon
    from curator.ui.smoke import install_quit_when_ready
    from curator.ui.windows import Windows, offer_restore

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Curator")
    app.setOrganizationName("curator")
    # The desktop entry's id: docks and Wayland match the window to its menu entry and icon.
    QApplication.setDesktopFileName(APP_ID)
    QApplication.setWindowIcon(app_icon())  # every window's, and the dock's
    path = sample_catalog_path() if args.sample else args.db
    catalog: Catalog | None
    try:
        # A catalog named by --db is made only in a folder that exists (a mistyped folder is
        # an error, not a new empty catalog); the default and the sample's folder are made.
        made = args.db is None or args.sample
        # The daily backup is made by the window, in the background.
        catalog = open_default(path, daily=False, create="folders" if made else "file")
    except DamagedCatalogError as exc:
        catalog = offer_restore(Path(str(exc.path)), exc)
    except CuratorError as exc:
        QMessageBox.critical(None, "Curator", f"Cannot open the catalog.\n\n{exc}")
        return 1
    if catalog is None:
        return 1
    _install_excepthook()
    windows = Windows()  # File › Open Catalog… replaces a window with another
    window = windows.show(catalog, samples_if_new=True)  # a first run: the sample listings
    install_quit_when_ready(window)
    code = app.exec()  # each window closes its catalog as it closes
    for still_open in windows.open:  # the app quit without closing them (logout)
        still_open.catalog.close()
    return code


def cli_main(argv: Sequence[str] | None = None) -> int:
    """`curator`: the command line, whose `gui` command opens the window."""
    from curator import cli

    return cli.main(argv, gui=main)


if __name__ == "__main__":
    sys.exit(main())
