"""An import the window could not read says so in its own words: a file whose kind of listing
curator cannot tell is a question (import it as …), a file with nothing to import a message,
never an empty report, and no HTML entity nor command-line advice shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import Qt, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from curator.services import importing
from curator.store.catalog import Catalog
from curator.ui.import_report import ImportReportDialog
from curator.ui.main_window import MainWindow
from tests.conftest import FIXTURES, HANG
from tests.ui.conftest import close_window, open_window

LISTINGS = FIXTURES / "listings"


@pytest.fixture
def empty_window(qtbot: QtBot, catalog: Catalog) -> Iterator[MainWindow]:
    w = open_window(catalog)
    yield w
    close_window(w)


def shown(label: QLabel | QMessageBox) -> str:
    """A label's text as it reads on screen: HTML rendered, plain text as it is (a label
    left to guess takes one line without a tag for plain text: &#x27; shows as is)."""
    text, kind = label.text(), label.textFormat()
    rich = kind == Qt.TextFormat.RichText or (
        kind == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _import(qtbot: QtBot, window: MainWindow, path: Path, kind: str | None = None) -> None:
    task = window.import_files([path], kind)
    with qtbot.waitSignal(task.finished, timeout=HANG):
        pass


def _boxes(window: MainWindow) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_a_listing_of_no_known_kind_asks_what_to_import_it_as(
    qtbot: QtBot, empty_window: MainWindow
) -> None:
    window = empty_window
    _import(qtbot, window, LISTINGS / "prose.txt")
    assert not window.findChildren(ImportReportDialog)  # no empty report
    (box,) = _boxes(window)
    words = f"{shown(box)} {box.informativeText()}"
    assert "Curator could not tell what kind of listing prose.txt is." in words
    assert "--format" not in words and "&#" not in words
    kinds = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.ActionRole]
    assert [b.text() for b in kinds] == ["BibTeX", "arXiv listing", "author page", "lab page"]
    assert box.button(QMessageBox.StandardButton.Cancel) is not None
    lab_page = kinds[3]
    assert "title line followed by a date line" in lab_page.toolTip()
    with qtbot.waitSignal(window.files.import_ended, timeout=HANG):
        lab_page.click()  # read as a lab page: refused, and its report says why block by block
    (report,) = window.files.last_import.reports
    assert report.format == "lab-page" and report.refused
    (dialog,) = window.findChildren(ImportReportDialog)
    assert "Not imported: prose.txt: read as lab page" in shown(dialog.summary)


def test_cancel_imports_nothing_and_asks_about_the_next_file(
    qtbot: QtBot, empty_window: MainWindow, tmp_path: Path
) -> None:
    window = empty_window
    other = tmp_path / "notes.txt"
    other.write_text("Minutes of the meeting.\nNothing was decided.\n", encoding="utf-8")
    task = window.import_files([LISTINGS / "prose.txt", other])
    with qtbot.waitSignal(task.finished, timeout=HANG):
        pass
    (first,) = _boxes(window)
    assert "prose.txt" in first.text()
    first.button(QMessageBox.StandardButton.Cancel).click()
    (second,) = _boxes(window)
    assert "notes.txt" in second.text()
    second.button(QMessageBox.StandardButton.Cancel).click()
    assert not _boxes(window) and window.files.tasks.idle


def test_a_file_with_nothing_to_import_is_a_message_not_a_report(
    qtbot: QtBot, empty_window: MainWindow
) -> None:
    window = empty_window
    _import(qtbot, window, LISTINGS / "empty.txt")
    assert not window.findChildren(ImportReportDialog)
    (box,) = _boxes(window)
    assert box.text() == "Nothing was imported."
    assert box.informativeText().startswith("empty.txt: the file is empty")
    assert "--format" not in box.informativeText()


def test_a_one_line_report_shows_its_quotes_not_html_entities(seeded: Catalog) -> None:
    run = importing.run_to_end(importing.import_files(seeded, [LISTINGS / "author_page.txt"]))
    dialog = ImportReportDialog(run)
    try:
        assert "entries ending in a 'Read More' line" in shown(dialog.summary)
        assert "&#" not in shown(dialog.summary)
    finally:
        dialog.deleteLater()
