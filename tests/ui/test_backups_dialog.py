"""File › Backups… in the window: list, back up now, restore (the window reloads), and a
damaged catalog's banner, salvage export and way back."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
from pytestqt.qtbot import QtBot

from curator.services import backups, works
from curator.store.catalog import Catalog, open_catalog
from curator.ui.main_window import MainWindow
from tests.conftest import HANG
from tests.store.test_backups import damage
from tests.ui.conftest import close_window, open_window


def _title(window: MainWindow, work_id: int) -> str | None:
    return works.work(window.catalog, work_id).title


def test_back_up_now_lists_the_new_backup(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.files.show_backups()
    assert dialog.table.rowCount() == 0
    assert "No backups yet" in dialog.intro.text()
    dialog.backup_button.click()
    assert not dialog.backup_button.isEnabled()  # one at a time, while it runs
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=HANG)
    assert dialog.backup_button.isEnabled()
    assert dialog.table.item(0, 1).text() == "manual"
    assert not dialog.salvage_button.isVisible()
    dialog.close()


def test_restoring_a_backup_reloads_the_window(qtbot: QtBot, window: MainWindow) -> None:
    old = _title(window, 1)
    backups.now(window.catalog)
    works.edit_work(window.catalog, 1, {"title": "Changed after the backup"})
    window.refresh()
    dialog = window.files.show_backups()
    chosen = dialog.selected()
    assert chosen is not None and chosen.reason == "manual"
    with qtbot.waitSignal(window.files.restored, timeout=HANG):
        dialog.restore(chosen)
    assert _title(window, 1) == old
    assert "Restored the backup" in window.statusBar().currentMessage()
    assert [b.reason for b in backups.listing(window.catalog.path)][:1] == ["before restore"]
    window.select_work(1)
    assert window.editor.work is not None and window.editor.work.title == old
    dialog.close()


def test_a_damaged_catalog_shows_the_way_out_and_comes_back(
    qtbot: QtBot, seeded: Catalog, tmp_path: Path
) -> None:
    backups.now(seeded)
    seeded.close()
    damage(seeded.path)
    damaged = open_catalog(seeded.path, check=True)
    assert damaged.damaged
    window = open_window(damaged)
    try:
        assert window.damage.isVisible()
        assert "damaged" in window.damage.label.text()
        assert not window.editor.isEnabled()  # shown, never saved into a damaged file
        dialog = window.files.show_backups()
        assert "This catalog is damaged" in dialog.intro.text()
        assert dialog.salvage_button.isVisible() and not dialog.backup_button.isEnabled()
        out = tmp_path / "salvaged.bib"
        task = dialog.salvage(out)
        with qtbot.waitSignal(task.finished, timeout=HANG):
            pass
        assert bibtexparser.parse_string(out.read_text()).entries
        chosen = dialog.selected()
        assert chosen is not None
        with qtbot.waitSignal(window.files.restored, timeout=HANG):
            dialog.restore(chosen)
        assert damaged.damaged is None
        assert not window.damage.isVisible() and window.editor.isEnabled()
        assert "damaged catalog was kept as" in window.statusBar().currentMessage()
        works.edit_work(damaged, 1, {"title": "Writable again"})
        assert _title(window, 1) == "Writable again"
        dialog.close()
    finally:
        close_window(window)
        damaged.close()


def test_the_window_makes_the_days_backup_in_the_background(
    qtbot: QtBot, window: MainWindow
) -> None:
    task = window.files.daily_backup()
    with qtbot.waitSignal(task.finished, timeout=HANG) as made:
        pass
    assert made.args is not None and made.args[0].reason == "daily"
    task = window.files.daily_backup()
    with qtbot.waitSignal(task.finished, timeout=HANG) as again:
        pass
    assert again.args == [None]  # one a day
    assert window.files.daily_timer.isActive()  # asked again hourly: a window open for days
    assert [b.reason for b in backups.listing(window.catalog.path)] == ["daily"]
