"""The suggestions side of the Venues view: venues that are probably one, each explained, and
workshops that name a conference they are not yet part of. Changes run through the Venues view,
which reloads and tells."""

from __future__ import annotations

from collections.abc import Callable, Generator

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from curator.domain.progress import Progress
from curator.services import venues
from curator.services.catalogs import Catalog
from curator.services.venues import VenueChange
from curator.ui.tasks import Task, TaskRunner
from curator.ui.venues.models import (
    COL_BAND,
    COL_CANONICAL,
    COL_SCORE,
    COL_SUGGESTED_LABELS,
    ROW_ROLE,
    ParentLinkModel,
    SuggestionModel,
    suggestion_html,
    table_view,
    with_empty_state,
)
from curator.venues.suggest import ParentLink, Suggestion

BACKGROUND_FROM = 500  # venues; fewer take well under 100 ms on the GUI thread
NO_SUGGESTIONS = "No suggestions: the venue labels look consistent."
NO_LINKS = "No workshop to link: every workshop that names a conference is linked to it."

# Runs a venue change (and the venue to keep selected); True when it went through.
ApplyChange = Callable[[Callable[[], VenueChange | None], int | None], bool]


def _box(*parts: QWidget | QHBoxLayout) -> QWidget:
    """Parts stacked top to bottom; widgets take the room, bars keep their height."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QWidget):
            layout.addWidget(part, 1)
        else:
            layout.addLayout(part)
    return box


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight:bold")
    return label


class SuggestionsPanel(QWidget):
    """Suggestions (table, explanation, merged name, Accept/Reject) above workshop links."""

    def __init__(self, catalog: Catalog, apply: ApplyChange, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._apply = apply
        self.suggestion: Suggestion | None = None
        self.tasks = TaskRunner(self)
        self.task: Task | None = None
        self._generation = 0
        # pairs of works the Duplicates view calls sure or likely (the window connects it)
        self.duplicate_pairs: Callable[[], list[tuple[int, int]]] = list
        split = QSplitter(Qt.Orientation.Vertical)
        for box in (self._build_suggestions(), self._build_detail(), self._build_links()):
            split.addWidget(box)
        split.setSizes([280, 250, 270])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addWidget(split)

    # --- construction -----------------------------------------------------------------
    def _build_suggestions(self) -> QWidget:
        self.model = SuggestionModel(self)
        self.table = table_view(
            self.model,
            stretch=(COL_SUGGESTED_LABELS,),
            widths={COL_BAND: 76, COL_SCORE: 50, COL_CANONICAL: 150},
        )
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _: self._show(current)
        )
        self.stack, _ = with_empty_state(self.table, NO_SUGGESTIONS)
        self.accept_sure_button = QPushButton("Accept All Sure…")
        self.accept_sure_button.setToolTip("Accept every sure suggestion as one undoable step")
        self.accept_sure_button.clicked.connect(self.accept_all_sure)
        self.heading = _heading("Suggestions")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.accept_sure_button)
        return _box(top, self.stack)

    def _build_detail(self) -> QWidget:
        self.reasons = QTextBrowser()
        self.reasons.setOpenLinks(False)
        self.canonical = QLineEdit()
        self.canonical.setPlaceholderText("Name of the venue once merged")
        self.canonical.returnPressed.connect(self.accept)
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Merge these venues under the name on the left")
        self.accept_button.clicked.connect(self.accept)
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("Not one venue: never suggest these labels together again")
        self.reject_button.clicked.connect(self.reject)
        decide = QHBoxLayout()
        decide.addWidget(QLabel("Merged name:"))
        decide.addWidget(self.canonical, 1)
        decide.addWidget(self.accept_button)
        decide.addWidget(self.reject_button)
        self.detail = _box(self.reasons, decide)
        return self.detail

    def _build_links(self) -> QWidget:
        self.links = ParentLinkModel(self)
        self.link_table = table_view(self.links, stretch=(2,), widths={0: 230, 1: 90})
        self.link_table.setWordWrap(True)  # the reason is the point: show all of it
        self.link_table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.link_stack, _ = with_empty_state(self.link_table, NO_LINKS)
        self.link_button = QPushButton("Link")
        self.link_button.setToolTip("Make the workshop part of the conference")
        self.link_button.clicked.connect(self.link_parent)
        bar = QHBoxLayout()
        bar.addWidget(_heading("Workshops → conferences"), 1)
        bar.addWidget(self.link_button)
        return _box(bar, self.link_stack)

    # --- loading and selection ----------------------------------------------------------
    def load(self, names: dict[int, str]) -> None:
        """Reload suggestions and links (`names`: venue names by id); keep the suggestion shown.

        A large catalog computes them in the background (seconds for thousands of venues);
        the results of a load overtaken by a newer one are dropped.
        """
        self._generation += 1
        pairs = self.duplicate_pairs()
        if len(names) < BACKGROUND_FROM:
            self._show_results(venues.suggestions(self.catalog, pairs), self._links(), names)
            return
        generation = self._generation
        self.heading.setText("Suggestions (looking…)")
        for widget in (self.accept_button, self.reject_button, self.accept_sure_button):
            widget.setEnabled(False)

        def compute() -> Generator[Progress, None, tuple[list[Suggestion], list[ParentLink]]]:
            yield Progress(0, 1, "Looking for suggestions")
            return venues.suggestions(self.catalog, pairs), self._links()

        def show(found: tuple[list[Suggestion], list[ParentLink]]) -> None:
            if generation == self._generation:  # the newest load wins
                self._show_results(found[0], found[1], names)

        self.task = self.tasks.start(compute)
        self.task.finished.connect(show)
        self.task.failed.connect(lambda message: self.heading.setText(f"Suggestions: {message}"))

    def _links(self) -> list[ParentLink]:
        return venues.parent_links(self.catalog)

    def _show_results(
        self, found: list[Suggestion], links: list[ParentLink], names: dict[int, str]
    ) -> None:
        self.task = None
        kept = self.suggestion.labels if self.suggestion else None
        self.model.set_rows(found)
        sure = sum(1 for x in found if x.band == "sure")
        self.heading.setText(f"Suggestions ({len(found)}, {sure} sure)" if found else "Suggestions")
        self.stack.setCurrentIndex(0 if found else 1)
        self.detail.setVisible(bool(found))
        row = self.model.row_with_labels(kept) if kept else None
        self.select(row if row is not None else 0)
        self.links.set_links(links, names)
        self.link_stack.setCurrentIndex(0 if self.links.rowCount() else 1)
        self.link_table.resizeRowsToContents()
        if self.links.rowCount():
            self.link_table.selectRow(0)
        self._update()

    def select(self, row: int) -> None:
        if not self.model.rowCount():
            self._show(QModelIndex())
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        index = self.model.index(row, COL_SUGGESTED_LABELS)
        self.table.setCurrentIndex(index)
        self._show(index)

    def _show(self, index: QModelIndex) -> None:
        x = index.data(ROW_ROLE) if index.isValid() else None
        same = x is not None and self.suggestion is not None and x.labels == self.suggestion.labels
        if not same:  # the same suggestion again (after a reload) keeps the name typed
            self.canonical.setText(x.canonical if x else "")
        self.suggestion = x
        self.reasons.setHtml(suggestion_html(x))
        self._update()

    def _update(self) -> None:
        for widget in (self.accept_button, self.reject_button, self.canonical):
            widget.setEnabled(self.suggestion is not None)
        self.accept_sure_button.setEnabled(any(x.band == "sure" for x in self.model.rows()))
        self.link_button.setEnabled(self.link_table.currentIndex().isValid())

    # --- changes ------------------------------------------------------------------------
    def accept(self) -> None:
        x = self.suggestion
        if x is None:
            return
        name = self.canonical.text()
        row = self.table.currentIndex().row()
        if self._apply(lambda: venues.accept(self.catalog, x, name), None):
            self.select(row)

    def reject(self) -> None:
        x = self.suggestion
        if x is None:
            return
        row = self.table.currentIndex().row()
        if self._apply(lambda: venues.reject(self.catalog, x), None):
            self.select(row)

    def accept_all_sure(self) -> None:
        sure = [x for x in self.model.rows() if x.band == "sure"]
        if not sure:
            return
        answer = QMessageBox.question(
            self,
            "Accept all sure suggestions",
            f"Accept {len(sure)} sure suggestion(s), each under its proposed name?\n\n"
            "This is one step: Edit › Undo reverts all of it.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._accept_all_in_background(len(sure))

    def _accept_all_in_background(self, n: int) -> None:
        """Hundreds of merges take seconds: run them off the GUI thread, with progress and
        Cancel (which rolls the whole step back)."""
        dialog = QProgressDialog("Accepting sure suggestions…", "Cancel", 0, n, self)
        dialog.setWindowTitle("Accept all sure")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        pairs = self.duplicate_pairs()
        task = self.tasks.start(lambda: venues.accept_all_sure_steps(self.catalog, pairs))
        self.task = task
        dialog.canceled.connect(task.cancel)

        def on_progress(p: Progress) -> None:
            dialog.setMaximum(p.total)
            dialog.setValue(p.done)

        task.progress.connect(on_progress)

        def end(change: VenueChange | None = None, message: str | None = None) -> None:
            dialog.reset()
            self.task = None
            if message is not None:
                QMessageBox.warning(self, "Venues not changed", message)
            elif change is not None:
                self._apply(lambda: change, None)

        task.finished.connect(lambda change: end(change))
        task.failed.connect(lambda message: end(message=message))
        task.cancelled.connect(lambda: end(message="Cancelled: no suggestion was accepted."))

    def link_parent(self) -> None:
        index = self.link_table.currentIndex()
        link: ParentLink | None = index.data(ROW_ROLE) if index.isValid() else None
        if link is not None:
            self._apply(lambda: venues.link_parent(self.catalog, link), link.workshop_id)
