"""The Duplicates view: a queue of candidates, the works side by side, decisions by keyboard."""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from curator.domain.errors import CuratorError
from curator.domain.matching import BAND_ORDER, Band, Candidate
from curator.domain.progress import Progress
from curator.domain.report import counted
from curator.services import candidates as candidate_service
from curator.services import review
from curator.services import works as works_service
from curator.services.catalogs import Catalog
from curator.ui.review.comparison import ComparisonView
from curator.ui.review.deciding import DESCRIPTIONS, Decisions
from curator.ui.review.deciding import SHORTCUTS as SHORTCUTS  # Help › Keyboard Shortcuts
from curator.ui.review.dialogs import merged_value_dialog, record_box
from curator.ui.review.queue import CandidateModel
from curator.ui.review.scope import Scope
from curator.ui.review.weights import WeightsDialog
from curator.ui.tasks import Task, TaskRunner

MAX_GROUP = 6  # works shown side by side at most
AUTO_SCAN_UP_TO = 250_000  # works; a bigger catalog is scanned when the librarian asks


class ReviewPanel(Decisions):
    """The review queue and the side-by-side comparison, driven by buttons and single keys."""

    def __init__(self, catalog: Catalog, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # the scope of decisions and the progress
        self.catalog = catalog
        self.tasks = tasks
        self.cache = candidate_service.ScanCache()  # kept: rescans read only what changed
        self.scan_task: Task | None = None
        self.pending_new: set[int] | None = None  # works to scan once the running scan ends
        self.scanned = False  # a first scan starts when the view is first shown
        self.comparison: review.Comparison | None = None
        self.candidate: Candidate | None = None
        self.picks: dict[str, int] = {}
        self.typed: dict[str, str] = {}
        self.current_field = review.FIELD_KEYS[0]
        self.group: list[int] = []
        self._build()
        self._bind_keys()

    # --- construction -----------------------------------------------------------------
    def _build(self) -> None:
        self.model = CandidateModel(self)
        self.queue = QTableView()
        self.queue.setModel(self.model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setAlternatingRowColors(True)
        self.queue.setWordWrap(False)
        self.queue.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # ids and endings both show
        self.queue.verticalHeader().setVisible(False)
        header = self.queue.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.queue.setColumnWidth(0, 64)
        self.queue.setColumnWidth(1, 56)
        self.queue.selectionModel().currentRowChanged.connect(self._on_current)

        self.band = QComboBox()
        self.band.addItem("All bands", "")
        for b in BAND_ORDER:
            self.band.addItem(b.value.capitalize(), b.value)
        self.band.currentIndexChanged.connect(self._on_band)
        self.scan_button = QPushButton("Scan for duplicates")
        self.scan_button.clicked.connect(lambda: self.scan())
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.merge_sure_button = QPushButton("Merge all sure groups…")
        self.merge_sure_button.clicked.connect(self.merge_all_sure)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel("Not scanned yet.")
        self.learned = QLabel("")  # what the scan's weights were learned from
        self.learned.setObjectName("learned")
        self.weights_button = QPushButton("How pairs are weighed…")
        self.weights_button.setFlat(True)
        self.weights_button.setEnabled(False)
        self.weights_button.clicked.connect(self.show_weights)

        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.band)
        top.addWidget(self.scan_button)
        top.addWidget(self.cancel_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addLayout(top)
        left_layout.addWidget(self.queue, 1)
        left_layout.addWidget(self.status)
        learned = QHBoxLayout()
        learned.addWidget(self.learned, 1)
        learned.addWidget(self.weights_button)
        left_layout.addLayout(learned)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.merge_sure_button)

        self.view = ComparisonView()
        self.view.picked.connect(self.pick)
        self.view.type_requested.connect(self.type_value)
        self.view.record_requested.connect(self.show_record)
        self.fold = QPushButton("Fold identical fields")
        self.fold.setCheckable(True)
        self.fold.toggled.connect(lambda _: self._render())
        self.whole_group = QCheckBox()
        self.whole_group.setChecked(True)
        self.whole_group.setVisible(False)
        self.whole_group.setToolTip(DESCRIPTIONS["group"])
        self.whole_group.toggled.connect(self._on_whole_group)
        scope = QHBoxLayout()
        scope.addWidget(self.whole_group)
        scope.addStretch(1)
        scope.addWidget(self.fold)
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for action in ("merge", "distinct", "related", "skip", "previous", "next"):
            button = QPushButton()
            button.clicked.connect(getattr(self, action))
            self.buttons[action] = button
            if action == "previous":
                actions.addStretch(1)
            actions.addWidget(button)
        self._label_actions()
        self._offer("merge")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        right_layout.addLayout(scope)
        right_layout.addWidget(self.view, 1)
        right_layout.addLayout(actions)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([560, 880])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._update_status()
        self._render()

    def _bind_keys(self) -> None:
        keys: dict[str, Callable[[], Any]] = {
            "M": self.merge,
            "D": self.distinct,
            "R": self.related,
            "S": self.skip,
            "J": self.next,
            "K": self.previous,
            "G": self.toggle_group,
            "E": lambda: self.type_value(self.current_field),
            "Up": lambda: self.move_field(-1),
            "Down": lambda: self.move_field(1),
        }
        for n in range(1, MAX_GROUP + 1):
            keys[str(n)] = partial(self._pick_current, n - 1)
        self.shortcuts = []
        for key, slot in keys.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    def showEvent(self, event: QShowEvent) -> None:
        """Opening the view (Ctrl+2, a click on its tab) puts the keys where they work."""
        super().showEvent(event)
        if not event.spontaneous():  # not the window coming back from another desktop
            self.focus_queue()

    def _on_band(self) -> None:
        value = self.band.currentData()
        self.model.set_band(Band(value) if value else None)
        self.candidate = None
        self.select_row(0)

    # --- scanning ---------------------------------------------------------------------
    def rescan(self, new_ids: Collection[int] | None = None) -> Task | None:
        """A scan the window starts by itself (the view opened, works came or went). A catalog
        too big to scan in a moment is not scanned unasked: the view says what a scan costs
        and waits for "Scan for duplicates"."""
        works_now = works_service.stats(self.catalog)["works"]
        if works_now <= AUTO_SCAN_UP_TO or self.scan_task is not None:
            return self.scan(new_ids)
        # What the queue shows may be out of date (the button says so); the progress stays
        # with it, read back from the log at the next scan: an undo seen without the pairs it
        # brought back made the total drop (31 -> 28).
        self.scanned = False
        self._update_status(
            f"{works_now:,} works: a scan reads every one and takes minutes and gigabytes of "
            "memory at this size; press Scan for duplicates when it suits you."
        )
        return None

    def scan_added(self, work_ids: Collection[int]) -> None:
        """Works someone else added (an import, an unmerge): scanned against the catalog, as
        this window's own imports are, once the queue has been built (until then, the first
        scan finds them)."""
        if work_ids and (self.scanned or self.scan_task is not None):
            self.rescan(work_ids)

    def scan(self, new_ids: Collection[int] | None = None) -> Task | None:
        """Scan in the background (only `new_ids` against the catalog, when given)."""
        if self.scan_task is not None:  # one at a time: remember what to scan next
            if new_ids is None or self.pending_new is None:
                self.pending_new = set() if new_ids is None else set(new_ids)
            else:
                self.pending_new |= set(new_ids)
            return None
        ids = None if new_ids is None else set(new_ids)
        task = self.tasks.start(lambda: self._scan_job(ids))
        self.scan_task = task
        self.scan_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self._update_status("Scanning…")
        task.progress.connect(self._on_scan_progress)
        task.finished.connect(lambda result: self._on_scanned(result[0], result[1], ids))
        task.failed.connect(lambda message: self._scan_ended(f"Scan failed: {message}"))
        task.cancelled.connect(lambda: self._scan_ended("Scan cancelled."))
        return task

    def _scan_job(
        self, ids: set[int] | None
    ) -> Generator[Progress, None, tuple[list[Candidate], str]]:
        found = yield from candidate_service.scan(self.catalog, ids, self.cache)
        return found, candidate_service.learned_from(self.cache)

    def show_weights(self) -> WeightsDialog:
        """The last scan's weights, level by level, in a dialog (returned for tests)."""
        summary = candidate_service.learned_from(self.cache)
        dialog = WeightsDialog(candidate_service.weights_table(self.cache), summary, self)
        dialog.open()
        return dialog

    def strong_pairs(self) -> list[tuple[int, int]]:
        """The open pairs of the last scan in band sure or likely."""
        return [c.works for c in self.model.open_candidates() if c.band.is_duplicate]

    def cancel_scan(self) -> None:
        if self.scan_task is not None:
            self.scan_task.cancel()

    def _on_scan_progress(self, p: Progress) -> None:
        self.progress.setMaximum(max(p.total, 1))
        self.progress.setValue(p.done)
        self.progress.setFormat(f"{p.message}… %p%")

    def _on_scanned(self, found: list[Candidate], learned: str, ids: set[int] | None) -> None:
        self.learned.setText(learned + ".")
        self.weights_button.setEnabled(True)
        # decisions made while the scan ran: drop pairs decided or merged away since it began
        found, rows = candidate_service.still_open(self.catalog, found)
        keep = self.candidate.works if self.candidate else None
        if ids is None:
            self.model.set_candidates(found, rows)
            self.scanned = True
        else:
            self.model.add(found, rows, ids)
        self._sync_reviewed()  # an undo or redo since: the progress follows it
        self._scan_ended("")
        row = self.model.row_of(keep) if keep else None
        self.select_row(row if row is not None else 0)

    def _scan_ended(self, message: str) -> None:
        self.scan_task = None
        self.scan_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self._update_status(message)
        pending, self.pending_new = self.pending_new, None
        if pending is not None:
            self.scan(pending or None)

    # --- the queue --------------------------------------------------------------------
    def select_row(self, row: int) -> None:
        if self.model.rowCount() == 0:
            self._show(None)
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        index = self.model.index(row, 2)
        if self.queue.currentIndex().row() == row:  # no change signal: show it here
            self._show(self.model.candidate(row))
        self.queue.setCurrentIndex(index)  # otherwise _on_current shows it
        self.queue.scrollTo(index)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():  # a reset passes through "no row": select_row handles empty queues
            self._show(self.model.candidate(current.row()))

    def _group(self, candidate: Candidate) -> list[int]:
        """The pair, and works tied to it by sure or likely pairs: the copies of one paper."""
        return candidate_service.group_around(candidate, self.model.open_candidates(), MAX_GROUP)

    def _show(self, candidate: Candidate | None) -> None:
        """Show a candidate, with its group or as a pair; the same pair shown again (after a
        scan) keeps the picks made and the choice of group or pair."""
        same = candidate is not None and self.candidate is not None
        if not (same and candidate.works == self.candidate.works):  # type: ignore[union-attr]
            self.picks, self.typed = {}, {}
            self.current_field = review.FIELD_KEYS[0]
            self._check_group(True)  # a new candidate opens with its whole group
        self.candidate = candidate
        self.comparison = None
        self.group = self._group(candidate) if candidate else []
        ids = (
            self.group
            if self.whole_group.isChecked()
            else list(candidate.works if candidate else ())
        )
        self.scope = Scope((), 0)
        if candidate is not None:
            try:
                self.comparison = review.compare(self.catalog, ids)
                self.scope = Scope(tuple(ids), self._open_pairs(ids))
            except CuratorError as exc:  # a work merged away since the scan
                self.status.setText(str(exc))
        self.whole_group.setVisible(len(self.group) > 2)
        self.whole_group.setText(
            f"Whole group: {len(self.group)} works tied by sure or likely pairs  (G)"
        )
        self._label_actions()
        self._offer(self.default_action(candidate))
        self._render()

    @staticmethod
    def default_action(candidate: Candidate | None) -> str:
        """What the queue offers first: related for another version of a study, else merge."""
        return "related" if candidate and candidate.band is Band.RELATED else "merge"

    def _offer(self, action: str) -> None:
        for name in ("merge", "related"):
            button = self.buttons[name]
            button.setDefault(name == action)
            button.setStyleSheet("font-weight:bold" if name == action else "")

    def _render(self) -> None:
        reasons = self.candidate.reasons if self.candidate else ()
        n = len(self.group)
        if self.comparison and self.scope.is_group:
            reasons = (
                *reasons,
                f"{n} works tied by sure or likely pairs: M merges all {n}, D and R decide "
                f"{self.scope.pairs()} (G: this pair only)",
            )
        elif self.comparison and n > 2:
            reasons = (*reasons, f"this pair only, of {n} works tied by sure or likely pairs "
                       "(G: the whole group)")  # fmt: skip
        self.view.show_comparison(
            self.comparison,
            reasons,
            self.picks,
            self.typed,
            self.current_field,
            self.fold.isChecked(),
        )

    def _update_status(self, message: str = "") -> None:
        left = len(self.model.open_candidates())
        total = left + self.reviewed
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(self.reviewed)
        self.progress.setFormat(f"{self.reviewed} of {total} reviewed")
        sure = sum(1 for c in self.model.open_candidates() if c.band is Band.SURE)
        self.merge_sure_button.setEnabled(sure > 0 and self.scan_task is None)
        text = f"{counted(left, 'open candidate')}, {sure} sure"
        self.status.setText(f"{message}  {text}".strip() if message else text)

    # --- picking fields ---------------------------------------------------------------
    def _pick_current(self, side: int) -> None:
        self.pick(self.current_field, side)

    def pick(self, key: str, side: int) -> None:
        if self.comparison is None or side >= len(self.comparison.works):
            return
        self.current_field = key
        self.picks[key] = side
        self.typed.pop(key, None)
        self._render()

    def move_field(self, step: int) -> None:
        keys = review.FIELD_KEYS
        self.current_field = keys[(keys.index(self.current_field) + step) % len(keys)]
        self._render()

    def type_value(self, key: str, value: str | None = None) -> QInputDialog | None:
        """Type the merged value of a field; with no `value`, a dialog asks for it (returned)."""
        shown = self.comparison
        if shown is None:
            return None
        if value is not None:
            self._set_typed(key, value)
            return None
        row = shown.row(key)
        side = self.picks.get(key, row.default)
        start = self.typed.get(key, row.default_text if side is None else row.values[side])
        before = QApplication.focusWidget()
        dialog = merged_value_dialog(self, row.spec.label, start)
        dialog.textValueSelected.connect(
            lambda text: self._set_typed(key, text) if self.comparison is shown else None
        )
        dialog.finished.connect(lambda _: self._take_keys_back(before))
        return dialog

    def _set_typed(self, key: str, value: str) -> None:
        self.current_field = key
        self.typed[key] = value
        self._render()

    def show_record(self, record_id: int) -> None:
        if self.comparison is None:
            return
        found = [r for side in self.comparison.records for r in side if r.id == record_id]
        if found:
            record_box(self, found[0])

    def skip(self) -> None:
        self.next()

    def next(self) -> None:
        self.select_row(self.queue.currentIndex().row() + 1)

    def previous(self) -> None:
        self.select_row(self.queue.currentIndex().row() - 1)
