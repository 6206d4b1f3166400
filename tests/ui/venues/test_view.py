"""The Venues view driven like a librarian would: search, rename, merge, split, kind, parent,
suggestions accepted and rejected, and Edit > Undo bringing everything back."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QInputDialog, QMessageBox, QStyleOptionToolButton
from pytestqt.qtbot import QtBot

from curator.domain.catalog import VenueView
from curator.services import history, venues, works
from curator.store.catalog import Catalog
from curator.ui.main_window import MainWindow
from curator.ui.venues import suggestions as venue_suggestions
from curator.ui.venues.models import COL_LABELS, COL_NAME, COL_WORKS, ROW_ROLE
from curator.ui.venues.suggestions import NO_SUGGESTIONS
from curator.ui.venues.view import VenuesPanel
from tests.conftest import HANG
from tests.ui.conftest import close_window, open_window

SPOTLIGHT = "NeurIPS (Spotlight)"


@pytest.fixture
def panel(qtbot, window: MainWindow) -> VenuesPanel:  # type: ignore[no-untyped-def]
    window.views.setCurrentWidget(window.venues)
    return window.venues


def shown(panel: VenuesPanel) -> dict[str, VenueView]:
    """The venues the table shows, by name, in the order shown."""
    proxy = panel.proxy
    rows = [proxy.index(r, COL_NAME).data(ROW_ROLE) for r in range(proxy.rowCount())]
    return {v.name: v for v in rows}


def select(panel: VenuesPanel, *names: str) -> None:
    ids = [venues.find_venue(panel.catalog, name) for name in names]
    panel.select_venues(ids)
    assert [v.name for v in panel.selected()] == sorted(names, key=lambda n: _row(panel, n))


def _row(panel: VenuesPanel, name: str) -> int:
    return list(shown(panel)).index(name)


def suggestion_labels(panel: VenuesPanel) -> list[tuple[str, ...]]:
    return [x.labels for x in panel.suggestions.model.rows()]


def select_suggestion(panel: VenuesPanel, label: str) -> None:
    row = next(i for i, labels in enumerate(suggestion_labels(panel)) if label in labels)
    panel.suggestions.select(row)
    assert label in panel.suggestions.suggestion.labels


class Answers:
    """Stands in for QInputDialog and QMessageBox: gives the answers, records the questions."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, **answers: Any) -> None:
        self.asked: list[str] = []
        self.warnings: list[str] = []
        for name in ("getText", "getItem"):
            if name in answers:
                monkeypatch.setattr(QInputDialog, name, self._answer(name, answers[name]))
        monkeypatch.setattr(QMessageBox, "warning", self._warning)
        yes = QMessageBox.StandardButton.Yes
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: yes)

    def _answer(self, name: str, values: Any):  # type: ignore[no-untyped-def]
        queue = list(values) if isinstance(values, list) else [values]

        def ask(parent, title, label, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.asked.append(f"{name}: {label} {args}")
            return queue.pop(0)

        return staticmethod(ask)

    def _warning(self, parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.warnings.append(text)
        return QMessageBox.StandardButton.Ok


def catalog_venues(window: MainWindow) -> set[str]:
    model = window.model
    return {model.work_row(r).venue or "" for r in range(model.rowCount())}


def test_table_lists_the_venues_with_kinds_counts_and_labels(panel: VenuesPanel) -> None:
    rows = shown(panel)
    assert len(rows) == 11
    assert rows["ICLR"].works == 4 and rows["arXiv"].works == 6
    assert rows["arXiv"].kind == "preprint"
    row = _row(panel, "NeurIPS Workshop (Backdoors in DL)")
    assert panel.proxy.index(row, COL_WORKS).data() == "3"
    tip = panel.proxy.index(row, COL_LABELS).data(Qt.ItemDataRole.ToolTipRole)
    assert "3 records" in tip
    panel.table.sortByColumn(COL_WORKS, Qt.SortOrder.DescendingOrder)
    assert list(shown(panel))[:2] == ["arXiv", "ICLR"]
    select(panel, "ICLR")
    assert "ICLR" in panel.details.toPlainText() and "4 works" in panel.details.toPlainText()


def test_search_matches_names_kinds_and_labels(panel: VenuesPanel) -> None:
    full = "International Conference on Learning Representations"
    venues.rename(panel.catalog, venues.find_venue(panel.catalog, "ICLR"), full)
    panel.refresh()
    panel.search.setText("iclr")  # only a label says ICLR now
    assert list(shown(panel)) == [full]
    panel.search.setText("workshop")
    assert len(shown(panel)) == 5
    panel.search.setText("no such venue")
    assert not shown(panel)
    assert panel.venue_stack.currentIndex() == 1
    assert "No venue matches" in panel.venue_empty.text()
    panel.search.clear()
    assert len(shown(panel)) == 11 and panel.venue_stack.currentIndex() == 0


def test_rename_through_the_view_reaches_the_catalog_tab(
    panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    answers = Answers(monkeypatch, getText=("ICLR (International Conference)", True))
    select(panel, "ICLR")
    panel.rename_action.trigger()
    assert answers.asked and not answers.warnings
    assert "ICLR (International Conference)" in shown(panel)
    assert "ICLR" not in shown(panel)
    assert [v.name for v in panel.selected()] == ["ICLR (International Conference)"]
    assert "ICLR (International Conference)" in catalog_venues(window)
    assert "ICLR" not in catalog_venues(window)
    assert window.undo_action.text().startswith("&Undo Rename venue")
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.undo()
    assert "ICLR" in shown(panel) and "ICLR" in catalog_venues(window)


def test_keyboard_f2_and_enter_rename_and_delete_changes_nothing(
    qtbot, panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    answers = Answers(monkeypatch, getText=[("ICLR 2", True), ("ICLR 3", True)])
    window.activateWindow()
    select(panel, "ICLR")
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus, timeout=HANG)
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    assert "ICLR 2" in shown(panel)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert "ICLR 3" in shown(panel)
    assert len(answers.asked) == 2
    before = venues.list_venues(panel.catalog)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert venues.list_venues(panel.catalog) == before
    assert "never deleted" in window.statusBar().currentMessage()


def test_renaming_to_another_venues_name_says_why_and_changes_nothing(
    panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, getText=("NeurIPS", True))
    before = venues.list_venues(panel.catalog)
    steps = history.next_steps(panel.catalog)
    select(panel, "ICLR")
    panel.rename()
    assert len(answers.warnings) == 1 and "merge them instead" in answers.warnings[0]
    assert venues.list_venues(panel.catalog) == before
    assert history.next_steps(panel.catalog) == steps
    assert [v.name for v in panel.selected()] == ["ICLR"]


def test_accept_a_suggestion_then_undo_brings_it_back(
    qtbot, panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    answers = Answers(monkeypatch)
    select_suggestion(panel, SPOTLIGHT)
    assert panel.suggestions.canonical.text() == "NeurIPS"
    assert panel.suggestions.suggestion.reasons[0] in panel.suggestions.reasons.toPlainText()
    spot_works = [w.id for w in works.works(panel.catalog) if w.venue == SPOTLIGHT]
    qtbot.mouseClick(panel.suggestions.accept_button, Qt.MouseButton.LeftButton)
    assert not answers.warnings
    assert SPOTLIGHT not in shown(panel)
    assert {a.label for a in shown(panel)["NeurIPS"].aliases} >= {"NeurIPS", SPOTLIGHT}
    assert not any(SPOTLIGHT in labels for labels in suggestion_labels(panel))
    assert SPOTLIGHT not in catalog_venues(window)
    assert all(works.work(panel.catalog, w).venue == "NeurIPS" for w in spot_works)
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.undo()
    assert SPOTLIGHT in shown(panel)
    assert any(SPOTLIGHT in labels for labels in suggestion_labels(panel))
    assert SPOTLIGHT in catalog_venues(window)
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.redo()
    assert SPOTLIGHT not in shown(panel)


def test_accept_under_an_edited_name(panel: VenuesPanel, monkeypatch: pytest.MonkeyPatch) -> None:
    Answers(monkeypatch)
    select_suggestion(panel, SPOTLIGHT)
    panel.suggestions.canonical.setText("Neural Information Processing Systems")
    panel.suggestions.accept()
    names = shown(panel)
    assert "Neural Information Processing Systems" in names and "NeurIPS" not in names


def test_reject_removes_the_suggestion_for_good(
    qtbot, panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    Answers(monkeypatch)
    select_suggestion(panel, SPOTLIGHT)
    n = panel.suggestions.model.rowCount()
    qtbot.mouseClick(panel.suggestions.reject_button, Qt.MouseButton.LeftButton)
    assert panel.suggestions.model.rowCount() == n - 1
    assert not any(SPOTLIGHT in labels for labels in suggestion_labels(panel))
    assert SPOTLIGHT in shown(panel)  # nothing merged
    panel.refresh()
    assert not any(SPOTLIGHT in labels for labels in suggestion_labels(panel))
    with qtbot.waitSignal(window.steps.ended, timeout=HANG):
        window.undo()
    assert any(SPOTLIGHT in labels for labels in suggestion_labels(panel))


def test_accept_all_sure_then_the_empty_state(
    qtbot, panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    Answers(monkeypatch)
    suggested = panel.suggestions
    assert suggested.accept_sure_button.isEnabled()
    suggested.accept_all_sure()  # in the background, with progress
    qtbot.waitUntil(lambda: suggested.task is None, timeout=HANG)
    assert window.undo_action.text().startswith("&Undo Accept 1 sure venue suggestions")
    assert not any(x.band == "sure" for x in suggested.model.rows())
    assert not suggested.accept_sure_button.isEnabled()
    while suggested.model.rowCount():
        suggested.select(0)
        suggested.reject()
    assert suggested.stack.currentIndex() == 1
    assert suggested.stack.currentWidget().text() == NO_SUGGESTIONS
    assert not suggested.accept_button.isEnabled() and not suggested.reject_button.isEnabled()


def test_merge_two_selected_venues_under_a_chosen_name(
    panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, getItem=("Empirical Methods in NLP", True))
    select(panel, "EMNLP")
    assert not panel.merge_action.isEnabled()
    select(panel, "EMNLP", "EMNLP (Findings)")
    assert panel.merge_action.isEnabled() and not panel.rename_action.isEnabled()
    panel.merge_action.trigger()
    assert not answers.warnings
    names = shown(panel)
    assert "EMNLP" not in names and "EMNLP (Findings)" not in names
    merged = names["Empirical Methods in NLP"]
    assert merged.works == 2
    assert {a.label for a in merged.aliases} >= {"EMNLP", "EMNLP (Findings)"}
    assert [v.name for v in panel.selected()] == ["Empirical Methods in NLP"]
    assert "Empirical Methods in NLP" in catalog_venues(window)


def test_split_a_label_off_into_a_venue_of_its_own(
    panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = panel.catalog
    emnlp = venues.find_venue(catalog, "EMNLP")
    venues.merge(catalog, [emnlp, venues.find_venue(catalog, "EMNLP (Findings)")], into=emnlp)
    panel.refresh()
    select(panel, "ICLR")
    assert not panel.split_action.isEnabled()  # its only label cannot leave
    select(panel, "EMNLP")
    assert panel.split_action.isEnabled()
    answers = Answers(
        monkeypatch, getItem=("EMNLP (Findings)", True), getText=("Findings of EMNLP", True)
    )
    panel.split_action.trigger()
    assert not answers.warnings and len(answers.asked) == 2
    names = shown(panel)
    assert names["Findings of EMNLP"].works == 1 and names["EMNLP"].works == 1
    assert [v.name for v in panel.selected()] == ["Findings of EMNLP"]
    assert "Findings of EMNLP" in catalog_venues(window)


def test_kind_short_name_and_parent(
    panel: VenuesPanel, window: MainWindow, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    select(panel, "ICLR")
    checked = [a.data() for a in panel.kind_actions.actions() if a.isChecked()]
    assert checked == ["conference"]
    journal = next(a for a in panel.kind_actions.actions() if a.data() == "journal")
    journal.trigger()
    assert shown(panel)["ICLR"].kind == "journal"
    iclr = next(w for w in works.works(panel.catalog) if w.venue == "ICLR")
    assert iclr.entry_type == "article"
    Answers(monkeypatch, getText=("ICLR", True), getItem=("NeurIPS", True))
    panel.set_short_name()
    assert shown(panel)["ICLR"].short_name == "ICLR"
    select(panel, "NeurIPS Workshop (SoLaR)")
    panel.parent_action.trigger()
    assert shown(panel)["NeurIPS Workshop (SoLaR)"].parent_name == "NeurIPS"
    assert window.undo_action.text().startswith("&Undo")
    for _ in range(3):
        with qtbot.waitSignal(window.steps.ended, timeout=HANG):
            window.undo()
    rows = shown(panel)
    assert rows["ICLR"].kind == "conference" and rows["ICLR"].short_name is None
    assert rows["NeurIPS Workshop (SoLaR)"].parent_name is None


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # a menu, offscreen
def test_the_kind_button_says_the_kind_and_draws_no_stray_mark(
    panel: VenuesPanel, qtbot: QtBot
) -> None:
    """The button read "Kind,": the corner arrow of a button with a menu looked like a comma.
    It now says the selected venue's kind and that a menu opens, and opens it when clicked."""
    button = panel.kind_button
    assert button.text() == "Kind ▾" and not button.isEnabled()  # nothing selected
    select(panel, "ICLR")
    assert button.text() == "Kind: Conference ▾"
    option = QStyleOptionToolButton()
    button.initStyleOption(option)
    assert not option.features & QStyleOptionToolButton.ToolButtonFeature.HasMenu
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.kind_menu.isVisible, timeout=HANG)
    journal = next(a for a in panel.kind_menu.actions() if a.data() == "journal")
    journal.trigger()
    panel.kind_menu.close()
    assert shown(panel)["ICLR"].kind == "journal"
    assert button.text() == "Kind: Journal ▾"
    select(panel, "ICLR", "EMNLP")
    assert button.text() == "Kind ▾" and not button.isEnabled()


def test_link_a_workshop_to_its_conference(panel: VenuesPanel) -> None:
    links = panel.suggestions.links
    assert links.rowCount() >= 1  # the sample's NeurIPS workshops name NeurIPS
    panel.suggestions.link_table.selectRow(0)
    link = links.row(0)
    panel.suggestions.link_button.click()
    workshop = next(v for v in venues.list_venues(panel.catalog) if v.id == link.workshop_id)
    assert workshop.parent_id == link.parent_id
    assert link not in links.rows()


def test_models_pass_the_model_tester(panel: VenuesPanel, monkeypatch: pytest.MonkeyPatch) -> None:
    mode = QAbstractItemModelTester.FailureReportingMode.Fatal
    testers = [
        QAbstractItemModelTester(model, mode, panel)
        for model in (panel.model, panel.proxy, panel.suggestions.model, panel.suggestions.links)
    ]
    panel.search.setText("neurips")
    panel.table.sortByColumn(COL_WORKS, Qt.SortOrder.AscendingOrder)
    panel.search.clear()
    Answers(monkeypatch)
    select_suggestion(panel, SPOTLIGHT)
    panel.suggestions.accept()
    panel.refresh()
    assert len(testers) == 4 and panel.model.rowCount() == 10


def test_an_empty_catalog_says_so(qtbot, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    w = open_window(catalog)
    try:
        w.views.setCurrentWidget(w.venues)
        panel = w.venues
        assert panel.venue_stack.currentIndex() == 1
        assert "No venues yet" in panel.venue_empty.text()
        assert panel.suggestions.stack.currentIndex() == 1
        assert not panel.rename_action.isEnabled() and not panel.merge_action.isEnabled()
    finally:
        close_window(w)


def test_ctrl_4_opens_the_venues_view(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    venues_action = next(a for a in view_menu.actions() if a.text() == "&Venues")
    assert venues_action.shortcut().toString() == "Ctrl+4"
    venues_action.trigger()
    assert window.views.currentWidget() is window.venues
    assert window.views.tabText(window.views.currentIndex()) == "Venues"


def test_context_menu_offers_the_actions(
    panel: VenuesPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = []
    monkeypatch.setattr("PySide6.QtWidgets.QMenu.popup", lambda menu, *_: opened.append(menu))
    select(panel, "ICLR")
    panel._context_menu(panel.table.visualRect(panel.table.currentIndex()).center())
    texts = [a.text() for a in opened[0].actions() if not a.isSeparator()]
    assert texts == ["Rename…", "Set Short Name…", "Kind", "Part of…", "Merge Selected…",
                     "Split Label Off…"]  # fmt: skip
    assert all(a.isEnabled() for a in opened[0].actions()[:4])
    assert not panel.merge_action.isEnabled()  # one venue selected


def test_a_large_catalog_finds_suggestions_in_the_background(
    qtbot, panel: VenuesPanel, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Thousands of venues take seconds: the panel says it is looking, the window stays live,
    and only the newest of two overlapping loads is shown."""
    monkeypatch.setattr(venue_suggestions, "BACKGROUND_FROM", 0)
    Answers(monkeypatch)
    panel.refresh()
    first = panel.suggestions.task
    assert first is not None and "looking" in panel.suggestions.heading.text()
    assert not panel.suggestions.accept_button.isEnabled()
    panel.refresh()  # overtakes the first load
    qtbot.waitUntil(lambda: panel.suggestions.task is None, timeout=HANG)
    assert first.done
    assert any(SPOTLIGHT in labels for labels in suggestion_labels(panel))
    assert panel.suggestions.heading.text() == "Suggestions (1, 1 sure)"
    select_suggestion(panel, SPOTLIGHT)
    qtbot.mouseClick(panel.suggestions.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.suggestions.task is None, timeout=HANG)
    assert not any(SPOTLIGHT in labels for labels in suggestion_labels(panel))
    assert SPOTLIGHT not in shown(panel)


def test_accept_all_sure_cancelled_changes_nothing(
    qtbot, panel: VenuesPanel, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    answers = Answers(monkeypatch)
    before = venues.list_venues(panel.catalog)
    suggested = panel.suggestions
    gate = threading.Event()

    def busy():  # type: ignore[no-untyped-def]
        gate.wait(30)
        yield from ()

    suggested.tasks.start(busy)  # holds the runner's one thread: the accept waits its turn
    suggested.accept_all_sure()
    suggested.task.cancel()  # as the progress dialog's Cancel does, before the first step
    gate.set()
    qtbot.waitUntil(lambda: suggested.task is None, timeout=HANG)
    assert venues.list_venues(panel.catalog) == before
    assert answers.warnings == ["Cancelled: no suggestion was accepted."]
