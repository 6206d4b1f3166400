"""The History view pages a long log: the newest entries first, older ones on request."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from curator.services import history, works
from curator.store.catalog import Catalog, open_catalog
from curator.ui import history_view
from curator.ui.history_view import HistoryPanel


def test_a_long_history_shows_its_newest_page_and_older_on_request(
    qtbot: QtBot, seeded: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_view, "PAGE", 3)
    first = works.rows(seeded)[0].id
    for n in range(4):
        works.edit_work(seeded, first, {"notes": f"pass {n}"})
    panel = HistoryPanel(seeded)
    qtbot.addWidget(panel)
    total = 5 + 4  # five imports, four edits
    assert [e.summary for e in panel.entries][:1] == [f"Edit notes of work {first}"]
    assert len(panel.entries) == 3
    assert panel.hint.text().startswith(f"Showing the newest 3 of {total}.")
    assert panel.older_button.isVisibleTo(panel)
    panel.older_button.click()
    assert len(panel.entries) == 6
    panel.older_button.click()
    panel.older_button.click()
    assert len(panel.entries) == total
    assert not panel.older_button.isVisibleTo(panel)
    assert panel.entries[-1].kind == "import"


def test_each_entry_says_who_made_it(qtbot: QtBot, seeded: Catalog) -> None:
    """The sample came from a script (the command line); an edit through a window's catalog is
    that window's, and another window's edit is another window's."""
    history.open_window_session(seeded)
    other = open_catalog(seeded.path)
    try:
        history.open_window_session(other)
        works.edit_work(seeded, 1, {"notes": "mine"})
        works.edit_work(other, 2, {"notes": "theirs"})
        panel = HistoryPanel(seeded)
        qtbot.addWidget(panel)
        header = panel.tree.headerItem()
        assert header is not None and header.text(history_view.BY) == "By"
        rows = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
        by = [(r.text(history_view.CHANGE), r.text(history_view.BY)) for r in rows if r]
        assert by[:2] == [
            ("Edit notes of work 2", "another window"),
            ("Edit notes of work 1", "this window"),
        ]
        assert {who for _, who in by[2:]} == {"the command line"}
        assert rows[0] is not None and ", window:" in rows[0].toolTip(history_view.BY)
    finally:
        other.close()
