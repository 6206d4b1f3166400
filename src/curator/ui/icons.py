"""The application icon, read from the installed package (curator.resources), not the checkout."""

from __future__ import annotations

import logging
from importlib import resources
from importlib.resources.abc import Traversable

from PySide6.QtGui import QIcon, QPixmap

log = logging.getLogger(__name__)

# The reverse-DNS id desktops know the app by: the .desktop entry, the AppStream metainfo and
# the icon files are all named after it (packaging/, resources/icons/).
APP_ID = "io.github.curator.Curator"
# The sizes of the freedesktop hicolor theme that desktops, docks and window lists ask for.
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _hicolor() -> Traversable:
    return resources.files("curator.resources") / "icons" / "hicolor"


def app_icon() -> QIcon:
    """Every size of the icon, so Qt never scales one: sharp in a title bar (16 px) and a
    dock (256 px) alike. A missing size is logged and left out, never an error."""
    try:
        hicolor = _hicolor()
    except ModuleNotFoundError:  # an editable install made before resources/ was mapped
        log.warning("no application icon in this installation: reinstall it (make does)")
        return QIcon()
    icon = QIcon()
    for size in ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        pixmap = QPixmap()
        try:
            loaded = pixmap.loadFromData(png.read_bytes(), "PNG")
        except OSError:
            loaded = False
        if loaded:
            icon.addPixmap(pixmap)
        else:
            log.warning("the %d px application icon is missing from this installation", size)
    return icon
