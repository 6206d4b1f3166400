"""The Duplicates view driven like a librarian would: keyboard, picks, undo, distinct, restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QPlainTextEdit

from curator.services import decisions, history, works
from curator.store.catalog import Catalog, open_catalog
from curator.ui.main_window import MainWindow
from tests.conftest import HANG
from tests.ui.conftest import close_window, open_window, release_modifiers

CTRL = Qt.KeyboardModifier.ControlModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def show_duplicates(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w.views.setCurrentWidget(w.review)  # the first visit starts a scan in the background
    qtbot.waitUntil(lambda: w.review.scanned and w.review.scan_task is None, timeout=HANG)
    w.activateWindow()
    w.review.queue.setFocus()


def key(qtbot, w: MainWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    """Press a key the way a librarian would: in the queue, where the focus is."""
    qtbot.keyClick(w.review.queue, getattr(Qt.Key, f"Key_{name}"))


def test_queue_lists_candidates_best_first_with_reasons(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_duplicates(qtbot, window)
    model = window.review.model
    assert model.rowCount() >= 20
    scores = [model.candidate(r).score for r in range(model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    assert model.index(0, 0).data() == "sure"
    html = window.review.view.toHtml()
    assert "Why these were flagged" in html
    assert all(r.split(":")[0] in html for r in window.review.candidate.reasons[:1])
    assert "0 of" in window.review.progress.format()
    window.review.band.setCurrentIndex(2)  # likely only
    bands = {model.candidate(r).band.value for r in range(model.rowCount())}
    assert bands == {"likely"}
    assert window.review.candidate.band.value == "likely"  # the first of them opened


def test_pick_a_field_merge_by_keyboard_then_undo(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    show_duplicates(qtbot, window)
    review = window.review
    before = len(works.works(seeded))
    row = next(
        r for r in range(review.model.rowCount())
        if len(set(review.model.candidate(r).works)) == 2
        and _differs(review, r, "venue")
    )  # fmt: skip
    review.select_row(row)
    shown = review.comparison
    venue = shown.row("venue")
    other = next(i for i, v in enumerate(venue.values) if v != venue.default_text)
    for _ in range(2):  # title -> authors -> venue
        key(qtbot, window, "Down")
    assert review.current_field == "venue"
    key(qtbot, window, str(other + 1))
    assert review.picks == {"venue": other}
    assert "from work" in review.view.toHtml()
    key(qtbot, window, "M")
    merged_ids = {w.id for w in shown.works}
    after = works.works(seeded)
    assert len(after) == before - (len(merged_ids) - 1)
    survivor = next(w for w in after if w.id in merged_ids)
    assert (survivor.venue or "") == venue.values[other]
    assert all(
        not ({c.a, c.b} & (merged_ids - {survivor.id})) for c in review.model.open_candidates()
    )
    assert review.reviewed == 1 and "1 of" in review.progress.format()
    assert review.candidate is not None  # the next candidate opened by itself
    window._update_undo_actions()
    assert window.undo_action.text().startswith("&Undo Merge")
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.undo_action.trigger()
    assert len(works.works(seeded)) == before
    assert {w.id for w in works.works(seeded)} >= merged_ids
    qtbot.waitUntil(lambda: review.scan_task is None, timeout=HANG)
    assert any(set(c.works) <= merged_ids for c in review.model.open_candidates())
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.redo_action.trigger()
    assert len(works.works(seeded)) == before - (len(merged_ids) - 1)


def _differs(review, row: int, field: str) -> bool:  # type: ignore[no-untyped-def]
    from curator.services import review as service

    c = review.model.candidate(row)
    shown = service.compare(review.catalog, review._group(c))
    values = shown.row(field).values
    return len(shown.works) == 2 and len(set(values)) > 1


def test_not_duplicates_survives_rescan_and_restart(qtbot, seeded: Catalog) -> None:  # type: ignore[no-untyped-def]
    w = open_window(seeded)
    show_duplicates(qtbot, w)
    review = w.review
    review.select_row(review.model.rowCount() - 1)  # the least sure pair
    pair = review.candidate.works
    qtbot.mouseClick(review.buttons["distinct"], Qt.MouseButton.LeftButton)
    assert pair not in {c.works for c in review.model.open_candidates()}
    review.scan()
    qtbot.waitUntil(lambda: review.scan_task is None, timeout=HANG)
    assert pair not in {c.works for c in review.model.open_candidates()}
    path = seeded.path
    close_window(w)
    seeded.close()
    reopened = open_catalog(path)
    w2 = open_window(reopened)
    try:
        show_duplicates(qtbot, w2)
        assert w2.review.model.rowCount() > 0
        assert pair not in {c.works for c in w2.review.model.open_candidates()}
        assert history.next_steps(reopened)[0] == f"Works {pair[0]} and {pair[1]}: not duplicates"
    finally:
        close_window(w2)
        reopened.close()


def test_history_unmerges_an_older_merge(qtbot, window: MainWindow, seeded: Catalog) -> None:  # type: ignore[no-untyped-def]
    show_duplicates(qtbot, window)
    review = window.review
    older = {w.id for w in review.comparison.works}
    key(qtbot, window, "M")
    newer = {w.id for w in review.comparison.works}
    key(qtbot, window, "M")  # a second, later merge
    assert not older & newer
    window.views.setCurrentWidget(window.history)
    history = window.history
    merges = [e for e in history.entries if e.kind == "merge"]
    assert len(merges) == 2
    history.select_entry(merges[1].id)  # the older one; the newer stays in effect
    assert history.unmerge_button.isEnabled()
    qtbot.mouseClick(history.unmerge_button, Qt.MouseButton.LeftButton)
    present = {w.id for w in works.works(seeded)}
    assert older <= present
    assert len(newer & present) == 1
    assert history.entries[0].kind == "unmerge"


def test_merge_all_sure_groups_asks_then_merges_in_one_step(
    qtbot, window: MainWindow, seeded: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    show_duplicates(qtbot, window)
    before = len(works.works(seeded))
    asked: list[str] = []

    def answer(_parent, _title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    review = window.review
    progress = review.progress.format()
    qtbot.mouseClick(review.merge_sure_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("Merge ")
    assert len(works.works(seeded)) < before
    qtbot.waitUntil(lambda: review.scan_task is None, timeout=HANG)
    merged = review.progress.format()
    assert merged != progress and merged.endswith(progress.split(" of ")[1])  # same total
    window._update_undo_actions()
    assert "Merge all sure groups" in window.undo_action.text()
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.undo_action.trigger()
    assert len(works.works(seeded)) == before
    qtbot.waitUntil(lambda: review.scan_task is None, timeout=HANG)
    assert review.progress.format() == progress
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.redo_action.trigger()
    qtbot.waitUntil(lambda: review.scan_task is None, timeout=HANG)
    assert review.progress.format() == merged
    QApplication.processEvents()


def test_help_lists_the_review_keys(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.show_shortcuts()
    box = next(
        b for b in window.findChildren(QMessageBox) if b.windowTitle() == "Keyboard shortcuts"
    )
    for letter in ("M", "D", "R", "S", "J", "K"):
        assert f"<b>{letter}</b>" in box.text()
    box.close()


def test_a_decision_saves_the_edit_pending_in_the_editor(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    wid = window.editor.work.id
    window.editor.notes.setPlainText("seen in the printed proceedings")
    show_duplicates(qtbot, window)  # switching views saves it
    key(qtbot, window, "D")
    assert works.work(seeded, wid).notes == "seen in the printed proceedings"


def test_picks_survive_a_scan_that_ends_meanwhile(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_duplicates(qtbot, window)
    review = window.review
    pair = review.candidate.works
    review.pick("title", 1)
    review.scan()
    qtbot.waitUntil(lambda: review.scan_task is None, timeout=HANG)
    assert review.candidate.works == pair
    assert review.picks == {"title": 1}


def test_other_fields_show_one_a_line(qtbot, window: MainWindow, seeded: Catalog) -> None:  # type: ignore[no-untyped-def]
    show_duplicates(qtbot, window)
    shown = window.review.candidate
    works.edit_work(seeded, shown.a, {"extra": "volume = 27\npages = 97--111"})
    window.review.refresh_comparison()
    text = window.review.view.toPlainText()
    assert "volume = 27\npages = 97--111" in text  # a line each, not run together


def test_the_view_says_what_the_weights_were_learned_from_and_shows_them(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    review = window.review
    assert not review.weights_button.isEnabled()  # nothing learned before a scan
    show_duplicates(qtbot, window)
    assert review.learned.text() == "Weights learned from this catalog."
    dialog = review.show_weights()
    table = dialog.table
    rows = [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    identical = next(r for r in rows if r[:2] == ["title", "identical"])
    assert identical[4] == "learned" and float(identical[2]) > 0 and identical[3] == "+5.0"
    assert any(r[4] == "default" for r in rows)  # levels this small catalog never showed
    dialog.close()


def test_a_huge_catalog_is_scanned_when_the_librarian_asks(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A million works take minutes and gigabytes to scan: opening the view, an import or an
    undo never starts that unasked; the view says so, and the button starts it."""
    from curator.ui.review import panel

    monkeypatch.setattr(panel, "AUTO_SCAN_UP_TO", 10)  # the sample's 65 works count as huge
    window.views.setCurrentWidget(window.review)
    assert window.review.scan_task is None and not window.review.scanned
    assert "65 works: a scan reads every one" in window.review.status.text()
    window.review.rescan({1})  # what an import of new works asks for
    assert window.review.scan_task is None
    qtbot.mouseClick(window.review.scan_button, Qt.MouseButton.LeftButton)
    assert window.review.scan_task is not None
    qtbot.waitUntil(lambda: window.review.scanned and window.review.scan_task is None, timeout=HANG)
    assert window.review.model.rowCount() > 0


# --- the keyboard from the moment the view opens --------------------------------------------


def focus_window(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=HANG)
    assert QApplication.focusWidget() is not None


def press(qtbot, name: str, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:  # type: ignore[no-untyped-def]
    """A key as a librarian presses it: to whatever widget has the focus."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, getattr(Qt.Key, f"Key_{name}"), modifier)
    release_modifiers()  # the librarian's fingers leave Ctrl and Shift too


def scanned(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: w.review.scanned and w.review.scan_task is None, timeout=HANG)


def open_by_keyboard(qtbot, w: MainWindow) -> None:  # type: ignore[no-untyped-def]
    focus_window(qtbot, w)
    press(qtbot, "2", CTRL)
    assert w.views.currentWidget() is w.review
    scanned(qtbot, w)


def test_the_review_keys_work_right_after_ctrl_2(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    assert review.isAncestorOf(QApplication.focusWidget())
    first = review.candidate.works
    press(qtbot, "J")
    second = review.candidate.works
    assert second != first
    press(qtbot, "G")  # this pair only, whatever group it belongs to
    press(qtbot, "D")
    assert second not in {c.works for c in review.model.open_candidates()}
    assert review.reviewed == 1


def test_the_review_keys_work_right_after_a_click_on_the_tab(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    focus_window(qtbot, window)
    bar = window.views.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    scanned(qtbot, window)
    review = window.review
    first = review.candidate.works
    press(qtbot, "J")
    assert review.candidate.works != first
    press(qtbot, "K")
    assert review.candidate.works == first


def test_keys_typed_in_the_merged_editor_are_text_not_decisions(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    pair = review.candidate.works
    press(qtbot, "E")  # the current field (the title), typed by hand
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QPlainTextEdit), timeout=HANG)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "MDJ RSK")
    assert review.candidate.works == pair and review.reviewed == 0  # nothing decided
    dialog = editor.window()
    assert isinstance(dialog, QInputDialog)
    dialog.accept()
    assert review.typed == {"title": "MDJ RSK"}
    qtbot.waitUntil(  # back where the keys work
        lambda: review.isAncestorOf(QApplication.focusWidget()), timeout=HANG
    )
    press(qtbot, "J")
    assert review.candidate.works != pair


# --- what the queue shows ---------------------------------------------------------------------


def test_the_queue_shows_ids_elides_in_the_middle_and_tips_the_whole_title(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    show_duplicates(qtbot, window)
    review = window.review
    assert review.queue.textElideMode() == Qt.TextElideMode.ElideMiddle
    model = review.model
    for row in range(model.rowCount()):
        c = model.candidate(row)
        for col, wid in ((2, c.a), (3, c.b)):
            title = works.work(seeded, wid).title or ""
            text = model.index(row, col).data()
            assert text.startswith(f"#{wid} ") and text.endswith(title)
            assert title in model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
    same = [r for r in range(model.rowCount()) if len({*model.candidate(r).works}) == 2
            and model.index(r, 2).data()[3:] == model.index(r, 3).data()[3:]]  # fmt: skip
    assert all(model.index(r, 2).data() != model.index(r, 3).data() for r in same)


# --- a group: all its pairs, or the one pair chosen -------------------------------------------


def select_group_of(review, size: int) -> None:  # type: ignore[no-untyped-def]
    row = next(
        r for r in range(review.model.rowCount())
        if len(review._group(review.model.candidate(r))) == size
    )  # fmt: skip
    review.select_row(row)
    assert len(review.comparison.works) == size


def undo(qtbot, w: MainWindow, redo: bool = False) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(w.steps.ended, timeout=HANG):
        if redo:
            press(qtbot, "Z", CTRL | Qt.KeyboardModifier.ShiftModifier)
        else:
            press(qtbot, "Z", CTRL)
    qtbot.waitUntil(lambda: w.review.scan_task is None, timeout=HANG)


def test_d_on_a_group_decides_all_its_pairs_in_one_step_and_undo_restores_them(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    select_group_of(review, 3)
    ids = [w.id for w in review.comparison.works]
    a, b, c = ids
    assert review.buttons["distinct"].text() == "Not duplicates: all 3 pairs  (D)"
    assert review.buttons["related"].text() == "Related versions: all 3 pairs  (R)"
    assert review.buttons["merge"].text() == "Merge 3 works  (M)"
    assert review.whole_group.isChecked() and review.whole_group.isVisible()
    open_before = {c.works for c in review.model.open_candidates()}
    in_group = {p for p in open_before if set(p) <= set(ids)}
    progress = review.progress.format()
    assert progress == f"0 of {len(open_before)} reviewed"
    press(qtbot, "D")
    with seeded.read() as s:
        assert len(decisions.decided_pairs(s, ids, kinds=("distinct",))) == 3
    assert not in_group & {c.works for c in review.model.open_candidates()}
    assert review.status.text().startswith(f"#{a}, #{b} and #{c}: not duplicates (all 3 pairs).")
    left = len(review.model.open_candidates())
    assert f" {left} open candidate{'s' if left != 1 else ''}, " in review.status.text()
    after = review.progress.format()
    assert after == f"{len(in_group)} of {len(open_before)} reviewed"
    undo(qtbot, window)
    with seeded.read() as s:
        assert decisions.decided_pairs(s, ids) == []
    assert {c.works for c in review.model.open_candidates()} == open_before
    assert review.progress.format() == progress
    undo(qtbot, window, redo=True)
    assert review.progress.format() == after
    assert not in_group & {c.works for c in review.model.open_candidates()}


def test_g_narrows_to_the_chosen_pair_and_r_decides_only_it(
    qtbot, window: MainWindow, seeded: Catalog
) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    select_group_of(review, 3)
    pair = review.candidate.works
    group = [w.id for w in review.comparison.works]
    press(qtbot, "G")
    assert not review.whole_group.isChecked()
    assert [w.id for w in review.comparison.works] == list(pair)
    assert review.buttons["related"].text() == "Related versions  (R)"
    assert review.buttons["merge"].text() == "Merge  (M)"
    press(qtbot, "R")
    with seeded.read() as s:
        assert decisions.decided_pairs(s, group, kinds=("related",)) == [pair]
    left = {c.works for c in review.model.open_candidates()}
    assert pair not in left and any(set(p) <= set(group) for p in left)
    assert review.status.text().startswith(f"#{pair[0]} and #{pair[1]}: related versions.")
    assert review.whole_group.isChecked()  # the next candidate opens whole again


def test_the_progress_follows_undo_and_redo_of_a_merge(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_by_keyboard(qtbot, window)
    review = window.review
    select_group_of(review, 3)
    before = review.progress.format()
    press(qtbot, "M")
    qtbot.waitUntil(lambda: review.scan_task is None, timeout=HANG)
    after = review.progress.format()
    assert after != before
    total = before.split(" of ")[1]
    assert after.endswith(f" of {total}")  # a merge settles pairs, it does not lose them
    undo(qtbot, window)
    assert review.progress.format() == before
    undo(qtbot, window, redo=True)
    assert review.progress.format() == after


def test_help_says_what_d_r_and_g_decide(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.show_shortcuts()
    box = next(
        b for b in window.findChildren(QMessageBox) if b.windowTitle() == "Keyboard shortcuts"
    )
    text = box.text()
    assert "<b>G</b>" in text and "every pair of the works shown" in text
    box.close()
