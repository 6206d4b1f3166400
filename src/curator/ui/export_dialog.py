"""File > Export BibTeX: which works, which characters, and what each entry still lacks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.domain.progress import Progress
from curator.domain.report import counted
from curator.export.bibtex import ExportOptions
from curator.export.latex import Charset
from curator.services import exporting
from curator.services.catalogs import Catalog
from curator.services.exporting import ExportPlan
from curator.ui.tasks import Task, TaskRunner

MAX_LISTED = 500  # gaps listed in the dialog; the count says how many there are in all
BACKGROUND_FROM = 5_000  # works: a larger plan is made off the GUI thread (3 s at 100k)
SCOPE_ALL, SCOPE_SELECTED, SCOPE_SHOWN = range(3)


class ExportDialog(QDialog):
    """Chooses what to export and shows the gaps; `accept()` means "export now"."""

    show_work = Signal(int)  # the librarian wants to fix this work first

    def __init__(
        self,
        catalog: Catalog,
        selected: Sequence[int],
        search: str,
        n_works: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.selected = list(selected)
        self.search = search
        self.plan: ExportPlan | None = None
        self.n_works = n_works
        self.tasks = TaskRunner(self)
        self.task: Task | None = None
        self._generation = 0
        self.setWindowTitle("Export BibTeX")
        self.resize(860, 600)
        layout = QVBoxLayout(self)
        layout.addWidget(self._scope_box(n_works))
        layout.addWidget(self._format_box())
        self.gaps_label = QLabel()
        self.gaps_label.setWordWrap(True)
        layout.addWidget(self.gaps_label)
        self.gaps = QTreeWidget()
        self.gaps.setHeaderLabels(["Missing", "Type", "Title", "Work"])
        self.gaps.setRootIsDecorated(False)
        self.gaps.setAlternatingRowColors(True)
        self.gaps.setUniformRowHeights(True)
        header = self.gaps.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.gaps.setColumnWidth(0, 150)
        self.gaps.setColumnWidth(1, 110)
        self.gaps.setColumnWidth(3, 60)
        self.gaps.itemActivated.connect(self._jump)
        layout.addWidget(self.gaps, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = QPushButton("&Export…")
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.show_button = QPushButton("&Show Work")
        self.show_button.setToolTip("Close this dialog and select the work to fix it")
        self.buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button.clicked.connect(lambda: self._jump(self.gaps.currentItem()))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # Return exports: the default is set once the button is in the dialog (before, it
        # found no dialog to tell, and the dialog made Cancel its default)
        self.export_button.setDefault(True)
        self.scope.idClicked.connect(lambda _id: self.update_plan())
        self.update_plan()

    def _scope_box(self, n_works: int) -> QGroupBox:
        box = QGroupBox("Works")
        column = QVBoxLayout(box)
        self.scope = QButtonGroup(self)
        choices = [
            (SCOPE_ALL, f"The whole catalog ({counted(n_works, 'work')})", True),
            (SCOPE_SELECTED, f"The selected works ({len(self.selected):,})", bool(self.selected)),
            (
                SCOPE_SHOWN,
                f"The works the search “{self.search}” shows"
                if self.search
                else "The works a search shows (no search now)",
                bool(self.search),
            ),
        ]
        for scope_id, text, enabled in choices:
            button = QRadioButton(text)
            button.setEnabled(enabled)
            self.scope.addButton(button, scope_id)
            column.addWidget(button)
        # what the librarian picked out: several works chosen, else the search shown
        first = SCOPE_SHOWN if self.search else SCOPE_ALL
        self.scope.button(SCOPE_SELECTED if len(self.selected) > 1 else first).setChecked(True)
        return box

    def _format_box(self) -> QGroupBox:
        box = QGroupBox("Format")
        column = QVBoxLayout(box)
        self.utf8 = QRadioButton("Keep accents and other characters as UTF-8 (biber, biblatex)")
        self.latex = QRadioButton('Write them as LaTeX, e.g. M{\\"u}ller (classic bibtex)')
        self.utf8.setChecked(True)
        self.abstracts = QCheckBox("Include abstracts")
        self.notes = QCheckBox("Include notes (as annote, which styles do not print)")
        self.notes.setChecked(True)
        for widget in (self.utf8, self.latex, self.abstracts, self.notes):
            column.addWidget(widget)
        return box

    def options(self) -> ExportOptions:
        return ExportOptions(
            charset=Charset.LATEX if self.latex.isChecked() else Charset.UTF8,
            abstracts=self.abstracts.isChecked(),
            notes=self.notes.isChecked(),
        )

    def update_plan(self) -> None:
        """The works the scope names and their gaps; a large catalog's are found in the
        background (the newest scope wins), with Export disabled until they are known."""
        scope = self.scope.checkedId()
        ids = self.selected if scope == SCOPE_SELECTED else None
        search = self.search if scope == SCOPE_SHOWN else None
        self._generation += 1
        self.plan = None
        if self.task is not None:
            self.task.cancel()  # not started yet: it never runs; running: its plan is dropped
        if self.n_works < BACKGROUND_FROM or (ids is not None and len(ids) < BACKGROUND_FROM):
            self._show_plan(exporting.plan(self.catalog, ids=ids, search=search))
            return
        generation = self._generation
        self.export_button.setEnabled(False)
        self.gaps_label.setText(
            f"Checking what the entries lack ({counted(self.n_works, 'work')})…"
        )

        def make() -> Generator[Progress, None, ExportPlan]:
            yield Progress(0, 1, "Checking the entries")
            return exporting.plan(self.catalog, ids=ids, search=search)

        def show(plan: ExportPlan) -> None:
            if generation == self._generation:  # the newest scope wins
                self._show_plan(plan)

        def fail(message: str) -> None:
            if generation == self._generation:
                self.gaps_label.setText(message)

        self.task = self.tasks.start(make)
        self.task.finished.connect(show)
        self.task.failed.connect(fail)

    def _show_plan(self, plan: ExportPlan) -> None:
        self.plan = plan
        self._show_gaps(plan)

    def done(self, result: int) -> None:
        self._generation += 1  # a plan still being made is not shown
        if self.task is not None:
            self.task.cancel()
        self.tasks.wait()  # at most the one plan already running
        super().done(result)

    def _show_gaps(self, plan: ExportPlan) -> None:
        self.gaps.clear()
        n = len(plan.ids)
        self.export_button.setEnabled(n > 0)
        self.export_button.setText("&Export 1 Entry…" if n == 1 else f"&Export {n:,} Entries…")
        if not plan.gaps:
            self.gaps_label.setText(
                "The entry has the fields its type needs."
                if n == 1
                else f"All {n:,} entries have the fields their type needs."
            )
            self.gaps.setVisible(False)
            self.show_button.setVisible(False)
            return
        self.gaps.setVisible(True)
        self.show_button.setVisible(True)
        counts = Counter(field for gap in plan.gaps for field in gap.missing)
        by_field = " · ".join(f"no {field}: {count:,}" for field, count in counts.most_common())
        self.gaps_label.setText(
            f"<b>{len(plan.gaps):,} of {n:,} entries lack fields their type needs</b> "
            f"({by_field}). BibTeX will warn about them and print them incomplete. "
            "Export anyway, or double-click one to fix it first."
        )
        for gap in plan.gaps[:MAX_LISTED]:
            item = QTreeWidgetItem(
                [", ".join(gap.missing), f"@{gap.entry_type}", gap.title or "(untitled)",
                 str(gap.work_id)]
            )  # fmt: skip
            item.setData(0, Qt.ItemDataRole.UserRole, gap.work_id)
            item.setToolTip(2, gap.title or "")
            self.gaps.addTopLevelItem(item)
        if len(plan.gaps) > MAX_LISTED:
            more = QTreeWidgetItem([f"… and {len(plan.gaps) - MAX_LISTED:,} more", "", "", ""])
            self.gaps.addTopLevelItem(more)
        first = self.gaps.topLevelItem(0)
        if first is not None:
            self.gaps.setCurrentItem(first)

    def _jump(self, item: QTreeWidgetItem | None) -> None:
        work_id = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if work_id is not None:
            self.show_work.emit(int(work_id))
            self.reject()
