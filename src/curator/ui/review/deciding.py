"""The review panel's decisions: what M, D and R take in (the whole group shown, or the one
pair chosen with G), the one step each records, and the queue and the progress after it.

`ReviewPanel` builds on this class: its widgets, keys and scans. The progress counts the
queue pairs this window's decisions resolved, read back from the log after every scan, so an
undo or a redo (from any window, the menu or History) moves it back and forth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from contextlib import suppress
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from curator.domain.errors import CuratorError
from curator.domain.matching import Band, Candidate
from curator.services import candidates as candidate_service
from curator.services import decisions, review
from curator.services.catalogs import Catalog
from curator.ui.review.queue import CandidateModel
from curator.ui.review.scope import VERBS, Scope
from curator.ui.tasks import Task

# (key, action, description): shown on the buttons, in tooltips and in Help > Keyboard shortcuts
SHORTCUTS = (
    ("M", "merge", "Merge the works shown, with the picks in the Merged column"),
    ("D", "distinct", "Not duplicates: every pair of the works shown, never offered again"),
    (
        "R",
        "related",
        "Related versions (preprint and published, workshop and conference): "
        "every pair of the works shown",
    ),
    (
        "G",
        "group",
        "The whole group (works tied by sure or likely pairs) or only the pair "
        "chosen in the queue: what M, D and R decide",
    ),
    ("S", "skip", "Skip: leave the pair open and go to the next one"),
    ("J", "next", "Next candidate"),
    ("K", "previous", "Previous candidate"),
    ("Up / Down", "field", "Move between fields"),
    ("1 … 6", "pick", "Take the current field from work 1 … 6"),
    ("E", "type", "Type the current field's merged value yourself"),
)
KEYS = {action: key for key, action, _ in SHORTCUTS}
DESCRIPTIONS = {action: description for _, action, description in SHORTCUTS}
LABELS = {"skip": "Skip", "previous": "◀ Previous", "next": "Next ▶"}  # the others: Scope


def merged_away(open_pairs: list[Candidate], merged: Collection[int]) -> int:
    """The queue pairs a merge of `merged` settles: the pairs among them, and for each other
    work paired with several of them, all its pairs but the one the merged work keeps (the
    rescan finds it again)."""
    inside = set(merged)
    within = sum(1 for c in open_pairs if set(c.works) <= inside)
    others = Counter(
        c.b if c.a in inside else c.a for c in open_pairs if (c.a in inside) != (c.b in inside)
    )
    return within + sum(n - 1 for n in others.values())


class Decisions(QWidget):
    """Decisions on the works shown; the review panel (a subclass) shows them and the queue."""

    changed = Signal()  # the catalog changed (a decision was made)

    # what the panel builds and keeps up to date
    catalog: Catalog
    model: CandidateModel
    queue: QTableView
    buttons: dict[str, QPushButton]
    whole_group: QCheckBox
    comparison: review.Comparison | None
    candidate: Candidate | None
    picks: dict[str, int]
    typed: dict[str, str]
    group: list[int]  # the candidate's pair and the works tied to it by sure or likely pairs
    scan_task: Task | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scope = Scope((), 0)  # what M, D and R decide: the works shown
        self.reviewed = 0  # queue pairs this window's decisions in effect resolved
        self.resolved: list[review.Resolved] = []  # those decisions, to follow undo and redo

    # the panel's part
    def select_row(self, row: int) -> None:
        raise NotImplementedError

    def _show(self, candidate: Candidate | None) -> None:
        raise NotImplementedError

    def _update_status(self, message: str = "") -> None:
        raise NotImplementedError

    def _render(self) -> None:
        raise NotImplementedError

    def rescan(self, new_ids: Collection[int] | None = None) -> Task | None:
        raise NotImplementedError

    # --- what the buttons decide ------------------------------------------------------
    def _open_pairs(self, ids: list[int]) -> int:
        if len(ids) == 2:
            return 1  # a candidate: open, or a scan would not have offered it
        return len(decisions.undecided_pairs(self.catalog, ids))

    def _check_group(self, whole: bool) -> None:
        self.whole_group.blockSignals(True)
        self.whole_group.setChecked(whole)
        self.whole_group.blockSignals(False)

    def _on_whole_group(self, _whole: bool) -> None:
        """The whole group, or only the pair: other works side by side, so the picks go."""
        self.picks, self.typed = {}, {}
        if self.candidate is not None:
            self._show(self.candidate)

    def toggle_group(self) -> None:
        """G: the whole group, or only the pair chosen in the queue (a pair alone: nothing)."""
        if len(self.group) > 2:
            self.whole_group.toggle()

    def _label_actions(self) -> None:
        """Buttons say what they decide: the pair, or every pair of the group shown."""
        shown = self.comparison is not None
        for action, button in self.buttons.items():
            key, description = KEYS[action], DESCRIPTIONS[action]
            words = self.scope.label(action) if action in VERBS else LABELS[action]
            button.setText(f"{words}  ({key})")
            tip = self.scope.tip(action, description) if action in VERBS and shown else description
            button.setToolTip(tip)
        for action in ("merge", "distinct", "related", "skip"):
            self.buttons[action].setEnabled(shown)
        for action in ("distinct", "related"):  # every pair of the group decided before
            self.buttons[action].setEnabled(shown and self.scope.open_pairs > 0)

    def _sync_reviewed(self) -> None:
        """Count what this window's decisions still in effect resolved: an undone one no
        longer counts, a redone one counts again."""
        with suppress(CuratorError):  # a log that cannot be read: the count stays as it was
            self.reviewed = review.reviewed(self.catalog, self.resolved)

    # --- decisions --------------------------------------------------------------------
    def _decided(
        self,
        message: str,
        drop: Callable[[Candidate], bool],
        event_id: int,
        merged: Collection[int] | None = None,
        survivor: int | None = None,
        elsewhere: Collection[tuple[int, int]] = (),
    ) -> None:
        """A decision recorded: the pairs it settles leave the queue and count as reviewed;
        pairs found decided `elsewhere` meanwhile leave it too, not counted as this window's."""
        row = self.queue.currentIndex().row()
        open_now = self.model.open_candidates()
        if merged is None:
            resolved = sum(1 for c in open_now if drop(c))
        else:
            resolved = merged_away(open_now, merged)
        self.resolved.append(review.Resolved(event_id, resolved, survivor))
        self.reviewed += resolved
        if merged is None or survivor is None:
            self.model.remove(lambda c: drop(c) or c.works in elsewhere)
        else:
            self.model.fold(merged, survivor)
        self.candidate = None
        self._update_status(message)
        self.select_row(row)
        self.changed.emit()

    def focus_queue(self) -> None:
        """The queue takes the keyboard: M, D, R, J, K... work at once, and a tab bar or a
        widget of the view left behind never swallows them."""
        self.queue.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_keys_back(self, focused: QWidget | None) -> None:
        """After a dialog, the keys come back to where they were in the view (the window is
        activated again: without a window manager nothing else would)."""
        self.window().activateWindow()
        if focused is not None and self.isAncestorOf(focused) and focused.isVisible():
            focused.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.focus_queue()

    def _run(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except CuratorError as exc:
            focused = QApplication.focusWidget()
            QMessageBox.warning(self, "Not done", str(exc))
            self._take_keys_back(focused)  # M, D, J... work again once it is closed
            return None

    def merge(self) -> None:
        shown = self.comparison
        if shown is None:
            return
        outcome = self._run(lambda: review.merge(self.catalog, shown, self.picks, self.typed))
        if outcome is None:
            self.refresh_comparison()
            return
        merged = {w.id for w in shown.works}
        self._decided(
            f"Merged {len(merged)} works into #{outcome.survivor}.",
            lambda c: c.a in merged or c.b in merged,
            outcome.event_id,
            merged,
            outcome.survivor,
        )
        self.rescan({outcome.survivor})  # the merged work may meet others the parts did not

    def _decide(self, kind: str) -> None:
        """Not duplicates or related: every open pair of the works shown, in one step."""
        shown = self.comparison
        if shown is None:
            return
        ids = [w.id for w in shown.works]
        done = self._run(lambda: decisions.decide(self.catalog, kind, ids))
        if done is None:
            self.refresh_comparison()
            return
        # What it decided, as it found the log: a pair decided meanwhile (another window) was
        # left as it was; it leaves the queue, but is neither "all 3 pairs" nor counted as
        # this window's (it stayed listed as open).
        n_pairs = len(ids) * (len(ids) - 1) // 2
        scope = Scope(tuple(ids), n_pairs - done.n_before)
        covered = done.covered
        self._decided(
            scope.done(decisions.WORDS[kind]),
            lambda c: c.works in covered,
            done.event_id,
            elsewhere=done.before,
        )

    def distinct(self) -> None:
        self._decide("distinct")

    def related(self) -> None:
        self._decide("related")

    def refresh_comparison(self) -> None:
        """Show the current candidate's works as they are now (after an edit elsewhere).

        Picks survive when nothing changed; pairs merged away or decided meanwhile leave.
        """
        if self.candidate is None:
            return
        still, _ = candidate_service.still_open(self.catalog, self.model.open_candidates())
        kept = {c.works for c in still}
        if self.candidate.works not in kept:
            row = self.queue.currentIndex().row()
            self.model.remove(lambda c: c.works not in kept)
            self.candidate = None
            self.select_row(row)
            return
        before = self.comparison
        self._show(self.candidate)
        if self.comparison != before:
            self.picks, self.typed = {}, {}
            self._render()

    def drop_settled(self, changed: Collection[int] | None) -> None:
        """Someone else changed the catalog (`changed`: the works; None: anything): pairs
        whose works were merged away or that were decided elsewhere leave the queue, not
        counted as this window's; the works shown are read again if they changed."""
        open_now = self.model.open_candidates()
        if not open_now:
            return
        still, rows = candidate_service.still_open(self.catalog, open_now)
        self.model.update_rows(rows)  # titles edited elsewhere
        current = self.candidate
        if len(still) < len(open_now):
            kept = {c.works for c in still}
            row = self.queue.currentIndex().row()
            self.model.remove(lambda c: c.works not in kept)
            if current is not None and current.works in kept:
                row = self.model.row_of(current.works) or 0
            else:
                self.candidate = current = None
            self.select_row(row)
        self._update_status()
        if current is None or (changed is not None and not set(self.group) & set(changed)):
            return
        before = self.comparison
        self._show(current)
        if self.comparison != before:
            self.picks, self.typed = {}, {}
            self._render()

    def merge_all_sure(self) -> None:
        if self.scan_task is not None:
            return
        groups = candidate_service.groups(
            [c for c in self.model.open_candidates() if c.band is Band.SURE]
        )
        n_works = sum(len(g) for g in groups)
        focused = QApplication.focusWidget()
        answer = QMessageBox.question(
            self,
            "Merge all sure groups",
            f"Merge {n_works} works into {len(groups)} (one per group of sure duplicates)?\n\n"
            "This is one step: Edit > Undo reverts all of it.",
        )
        self._take_keys_back(focused)
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = self._run(lambda: candidate_service.merge_groups(self.catalog, groups))
        if done is None:
            return
        open_now = self.model.open_candidates()
        for survivor, ids in done.merged:
            settled = merged_away(open_now, ids)
            self.resolved.append(review.Resolved(done.event_id or 0, settled, survivor))
            self.reviewed += settled
            self.model.fold(ids, survivor)
        # the queue follows at once, as after M: counted as reviewed while still listed, the
        # merged pairs made the total jump until the rescan ended (31 -> 35 -> 31)
        self.candidate = None
        self.select_row(self.queue.currentIndex().row())
        self.changed.emit()
        self.rescan()
        self._update_status(f"Merged {done.n_works} works into {done.n_groups}.")
