"""The Duplicates view after what the first tests left out: a dialog closing, a pair decided
elsewhere meanwhile, Merge all sure groups, a catalog too big to rescan by itself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from curator.services import decisions
from curator.store.catalog import Catalog
from curator.ui.main_window import MainWindow
from tests.conftest import HANG
from tests.ui.review.test_panel import open_by_keyboard, press, select_group_of, undo


def keys_in_view(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: w.review.isAncestorOf(QApplication.focusWidget()), timeout=HANG)


def test_the_keys_come_back_when_a_source_record_is_closed(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    record = review.comparison.records[0][0]
    review.view.record_requested.emit(record.id)  # a click on the record's link
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.buttons()[0], Qt.MouseButton.LeftButton)
    keys_in_view(qtbot, window)
    first = review.candidate.works
    press(qtbot, "J")
    assert review.candidate.works != first


def test_the_keys_come_back_when_the_weights_are_closed(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    dialog = review.show_weights()
    dialog.close()
    keys_in_view(qtbot, window)


def test_the_keys_come_back_after_a_decision_is_refused(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    if review.whole_group.isVisible():
        press(qtbot, "G")  # the pair alone
    decisions.distinct(seeded, *review.candidate.works)  # by another window, meanwhile
    said: list[str] = []

    def close_the_warning() -> None:  # runs in the warning's own event loop
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        box.buttons()[0].click()

    QTimer.singleShot(0, close_the_warning)
    press(qtbot, "D")
    assert said and "already decided" in said[0]
    keys_in_view(qtbot, window)


def test_d_on_a_group_whose_pair_was_decided_elsewhere_settles_the_whole_group(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    """Another window decided one pair of the group after it was shown: D decides the other
    pairs, and no pair of the group stays in the queue as if open."""
    open_by_keyboard(qtbot, window)
    review = window.review
    select_group_of(review, 3)
    ids = [w.id for w in review.comparison.works]
    decisions.related(seeded, ids[0], ids[1])  # meanwhile, elsewhere
    press(qtbot, "D")
    left = {c.works for c in review.model.open_candidates()}
    assert not {p for p in left if set(p) <= set(ids)}
    assert "(2 open pairs)" in review.status.text()  # what it decided, not "all 3 pairs"


def test_merge_all_sure_groups_keeps_the_total_at_once(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The progress is right from the moment of the merge, not only once the rescan ends."""
    open_by_keyboard(qtbot, window)
    review = window.review
    monkeypatch.setattr(QMessageBox, "question", lambda *_: QMessageBox.StandardButton.Yes)
    total = review.progress.format().split(" of ")[1]
    review.merge_all_sure()  # the rescan it starts cannot end before the event loop runs
    assert review.progress.format().endswith(f" of {total}")
    assert review.reviewed > 0


def test_a_merge_keeps_the_total_at_once(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    select_group_of(review, 3)
    total = review.progress.format().split(" of ")[1]
    review.merge()  # the rescan of the merged work cannot end before the event loop runs
    assert review.progress.format().endswith(f" of {total}")


def test_on_a_catalog_too_big_to_rescan_undo_keeps_the_total(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from curator.ui.review import panel

    open_by_keyboard(qtbot, window)
    review = window.review
    monkeypatch.setattr(panel, "AUTO_SCAN_UP_TO", 10)  # from now on, no scan unasked
    select_group_of(review, 3)
    before = review.progress.format()
    press(qtbot, "D")
    after = review.progress.format()
    assert after != before and after.endswith(before.split(" of ")[1])
    undo(qtbot, window)
    assert review.progress.format().split(" of ")[1] == before.split(" of ")[1]
