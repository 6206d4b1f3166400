"""The History view pages a long log: the newest entries first, older ones on request."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from curator.services import works
from curator.store.catalog import Catalog
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
