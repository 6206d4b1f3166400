"""What an import did, in the window's words: the report of every block of every file read;
a plain message for a file that could not be read at all; and, for a file whose kind of listing
curator could not tell, a choice of the kinds to read it as (the command line's `--format`)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.domain.errors import CuratorError, UnrecognisedListingError
from curator.domain.progress import Progress
from curator.domain.records import BlockStatus
from curator.importers import parse_listing
from curator.services import importing
from curator.services.catalogs import Catalog
from curator.services.importing import ImportRun

# The kinds of listing as the choice names them, in the order offered; a kind not named here
# is offered after them under its own label.
KIND_WORDS = {
    "bibtex": "BibTeX",
    "arxiv": "arXiv listing",
    "author-page": "author page",
    "lab-page": "lab page",
}


@dataclass(slots=True)
class Outcome:
    """An import run, and why each file it could not import was not, as the window words
    it; `unknown` holds the files whose kind of listing could not be told, and why."""

    run: ImportRun
    problems: list[str] = field(default_factory=list)  # one line per file not imported
    unknown: list[tuple[Path, UnrecognisedListingError]] = field(default_factory=list)


def import_and_explain(
    catalog: Catalog, paths: list[Path], format: str | None
) -> Generator[Progress, None, Outcome]:
    """`importing.import_files`, then, for each file it could not read, why in the window's
    words (the run's messages are the command line's): a file no kind of listing explains is
    read again to find out (only such a file: it failed at once)."""
    run = yield from importing.import_files(catalog, paths, format)
    outcome = Outcome(run)
    read = {r.source_path: r for r in run.reports}
    failures = iter(run.failures)
    for path in paths:
        report = read.get(str(path.resolve()))
        if report is not None and report.refused is None:
            continue
        message = next(failures, "")
        why = _unrecognised(path) if report is None else None
        if why is None:
            outcome.problems.append(message)
        elif why.choices:
            outcome.unknown.append((path, why))
        else:
            outcome.problems.append(f"{why.source}: {why.detail}")
    outcome.problems += list(failures)  # never expected: said rather than lost
    return outcome


def _unrecognised(path: Path) -> UnrecognisedListingError | None:
    """Why no kind of listing explains `path`, if that is why it was not imported."""
    try:
        text, _ = importing.read_listing(path)
        parse_listing(text, path.name)
    except UnrecognisedListingError as exc:
        return exc
    except CuratorError:
        return None
    return None


def ask_kind(
    parent: QWidget, why: UnrecognisedListingError, chosen: Callable[[str | None], None]
) -> QMessageBox:
    """ "Curator could not tell what kind of listing X is. Import it as: [BibTeX] [arXiv
    listing] [author page] [lab page] / Cancel"; `chosen` gets the kind's name, or None."""
    box = QMessageBox(parent)
    box.setWindowTitle("Import")
    box.setIcon(QMessageBox.Icon.Question)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"Curator could not tell what kind of listing {why.source} is.")
    box.setInformativeText(
        "None of the kinds of listing it knows found an entry in it. If you know what kind "
        "it is, import it as:"
    )
    order = [k for k in KIND_WORDS if k in why.choices]
    order += [k for k in why.choices if k not in KIND_WORDS]
    names = {}
    for kind in order:
        button = box.addButton(
            KIND_WORDS.get(kind, why.choices[kind]), QMessageBox.ButtonRole.ActionRole
        )
        button.setToolTip(f"Read it as a {why.choices[kind]}")
        names[button] = kind
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))  # Return: nothing
    box.buttonClicked.connect(lambda button: chosen(names.get(button)))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_problems(parent: QWidget, problems: list[str]) -> QMessageBox:
    """Files that could not be imported at all: a message, not an empty report."""
    box = QMessageBox(parent)
    box.setWindowTitle("Import")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setTextFormat(Qt.TextFormat.PlainText)
    many = len(problems) > 1
    box.setText(
        f"{len(problems)} files could not be imported." if many else "Nothing was imported."
    )
    box.setInformativeText("\n\n".join(problems))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


_COLOURS = {
    BlockStatus.IMPORTED: "#1b7f3b",
    BlockStatus.UNCHANGED: "#555555",
    BlockStatus.SKIPPED: "#8a6d00",
    BlockStatus.REJECTED: "#b00020",
}


class ImportReportDialog(QDialog):
    """Every block of every file read; `problems` (the window's words for the files that were
    not imported: the run's failures by default) above them."""

    def __init__(
        self, run: ImportRun, parent: QWidget | None = None, problems: list[str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.resize(900, 560)
        self.run = run
        problems = run.failures if problems is None else problems
        lines = [r.summary() for r in run.reports] + [f"Not imported: {f}" for f in problems]
        self.summary = QLabel(
            "<br>".join(escape(line) for line in lines) or "Nothing was imported."
        )
        self.summary.setTextFormat(Qt.TextFormat.RichText)  # one line is HTML too: &#x27; is '
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.only_problems = QCheckBox("Show only skipped and rejected blocks")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["File", "Lines", "Status", "Title or reason"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, 90)
        self.table.setColumnWidth(2, 90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.only_problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.only_problems.toggled.connect(self._fill)
        self._fill()

    def _fill(self) -> None:
        problems_only = self.only_problems.isChecked()
        rows = [
            (report.source_file, o)
            for report in self.run.reports
            for o in report.outcomes
            if not problems_only or o.status in (BlockStatus.SKIPPED, BlockStatus.REJECTED)
        ]
        self.table.setRowCount(len(rows))
        for i, (name, o) in enumerate(rows):
            lines = (
                str(o.first_line)
                if o.first_line == o.last_line
                else f"{o.first_line}–{o.last_line}"
            )
            text = o.reason if o.status != BlockStatus.IMPORTED else (o.title or "[no title]")
            if o.status == BlockStatus.UNCHANGED and o.title:
                text = f"{o.title} — {o.reason}"
            for col, value in enumerate((name, lines, o.status.value, text)):
                item = QTableWidgetItem(value)
                if col == 2:
                    item.setForeground(QBrush(QColor(_COLOURS[o.status])))
                self.table.setItem(i, col, item)
