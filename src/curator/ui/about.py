"""Help › About Curator: the version (from the installed package's metadata), the catalog open
(its full path) and its schema, and the Qt, PySide and Python underneath: what a bug report
needs, selectable to copy."""

from __future__ import annotations

import platform
from html import escape

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

import curator
from curator.services.catalogs import SCHEMA_VERSION, Catalog, log_file_path


def about_rows(catalog: Catalog) -> list[tuple[str, str]]:
    """(what, value) for each line of the About box."""
    where = "Server" if catalog.is_server else "File"
    return [
        ("Version", curator.__version__),
        ("Catalog", catalog.name),
        (where, catalog.location),
        ("Catalog schema", f"version {SCHEMA_VERSION}"),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("System", platform.platform(terse=True)),
        ("Log", str(log_file_path())),
    ]


def show_about(parent: QWidget, catalog: Catalog) -> QMessageBox:
    rows = "".join(
        f"<tr><td><b>{escape(what)}</b></td><td>{escape(value)}</td></tr>"
        for what, value in about_rows(catalog)
    )
    box = QMessageBox(parent)
    box.setWindowTitle("About Curator")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<h3>Curator {escape(curator.__version__)}</h3>"
        "<p>Curate a catalog of publications: import listings, merge duplicates, name venues, "
        "export BibTeX.</p>"
        f"<table cellpadding='2'>{rows}</table>"
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
