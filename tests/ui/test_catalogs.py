"""Which catalog is open, and the librarian's own catalogs beside the sample one: the title
names the catalog and About gives its path; File › New Catalog…, Open Catalog… and Open Recent
open another in a window of its own; Reset Sample Catalog makes the sample catalog new again,
backed up first."""

from __future__ import annotations

import platform
import threading
from collections.abc import Generator, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from PySide6.QtCore import qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from curator.domain.progress import Progress
from curator.services import backups, candidates, history, importing, works
from curator.services.catalogs import SCHEMA_VERSION, open_default, sample_catalog_path
from curator.store.catalog import Catalog
from curator.ui.catalog_menu import recent_catalogs, remember
from curator.ui.import_report import ImportReportDialog
from curator.ui.main_window import MainWindow
from curator.ui.windows import Windows
from tests.conftest import HANG
from tests.ui.test_import_errors import shown
from tests.ui.test_shortcuts import _focus, press


@pytest.fixture
def windows(qtbot: QtBot) -> Iterator[Windows]:
    owner = Windows()
    yield owner
    for window in list(owner.open):
        window.editor.show_work(window.editor.work)  # nothing pending: closing never asks
        window.close()


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.tasks.idle and window.review.scan_task is None, timeout=HANG)


def test_about_names_the_version_the_catalog_and_what_runs_it(
    window: MainWindow, seeded: Catalog
) -> None:
    box = window.about()
    text = shown(box)
    assert f"Curator {version('curator')}" in text
    assert str(seeded.path) in text and f"version {SCHEMA_VERSION}" in text
    assert qVersion() in text and platform.python_version() in text
    box.close()


def test_the_reset_is_offered_only_on_the_sample_catalog(window: MainWindow) -> None:
    assert not window.catalogs.reset_action.isVisible()


def test_reset_sample_catalog_backs_it_up_then_imports_the_samples_again(
    qtbot: QtBot, windows: Windows, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = open_default(sample_catalog_path(), daily=False)
    window = windows.show(sample, samples_if_new=True)
    assert window.windowTitle() == "sample-catalog — Curator"
    _idle(qtbot, window)
    fresh = works.stats(sample)["works"]
    candidates.auto_merge(sample)  # yesterday's merges
    window._after_change()
    assert works.stats(sample)["works"] < fresh
    asked: list[str] = []
    answer = QMessageBox.StandardButton.Reset
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[1]) or answer)
    action = window.catalogs.reset_action
    reports_before = window.findChildren(ImportReportDialog)  # the first run's
    assert action.isVisible() and action in window.menuBar().actions()[0].menu().actions()
    with qtbot.waitSignal(window.catalogs.reset_done, timeout=HANG) as reset:
        action.trigger()
    _idle(qtbot, window)
    assert asked == ["Reset the sample catalog?"]
    assert works.stats(sample)["works"] == fresh == window.model.rowCount()
    assert [e.kind for e in history.history(sample)] == ["import"] * 5
    assert {e.by for e in history.history(sample)} == {"this window"}
    (kept,) = [b for b in backups.listing(sample.path) if b.reason == "before restore"]
    said = f"The sample catalog was reset; what it held is kept as {kept.path.name}."
    assert reset.args == [said]
    assert window.statusBar().currentMessage().startswith(said)
    reports = window.findChildren(ImportReportDialog)
    assert reports == reports_before  # the reset was asked for: no report to close


def _seeded_file(path: Path, seed_paths: list[Path]) -> Path:
    catalog = open_default(path, daily=False)
    importing.run_to_end(importing.import_files(catalog, seed_paths[:1]))
    catalog.close()
    return path


def test_open_catalog_replaces_the_window_and_is_remembered(
    qtbot: QtBot,
    windows: Windows,
    seeded: Catalog,
    tmp_path: Path,
    seed_paths: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = _seeded_file(tmp_path / "theses.sqlite", seed_paths)
    first = windows.show(seeded)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    _focus(qtbot, first, first.search)
    press(qtbot, QKeySequence("Ctrl+O"))  # File › Open Catalog…, from the search box
    (second,) = windows.open
    assert second is not first and not first.isVisible()
    assert second.windowTitle() == "theses — Curator"
    assert second.model.rowCount() == works.stats(second.catalog)["works"] < 65
    assert recent_catalogs()[:2] == [other.resolve(), seeded.path.resolve()]
    second.catalogs.recent_menu.aboutToShow.emit()
    (back, *_rest) = second.catalogs.recent_menu.actions()
    assert back.text() == "catalog.sqlite" and back.toolTip() == str(seeded.path.resolve())
    back.trigger()  # Open Recent › catalog.sqlite
    (third,) = windows.open
    assert third.catalog.path.resolve() == seeded.path.resolve() and third.model.rowCount() == 65


def test_new_catalog_opens_empty_and_never_over_an_existing_file(
    qtbot: QtBot, windows: Windows, seeded: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = windows.show(seeded)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    chosen = [str(seeded.path)]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (chosen[0], ""))
    first.catalogs.new_action.trigger()
    assert windows.open == [first] and "already exists" in told[0]
    chosen[0] = str(tmp_path / "mine")
    first.catalogs.new_action.trigger()
    (second,) = windows.open
    assert second.catalog.path == tmp_path / "mine.sqlite" and second.model.rowCount() == 0
    assert second.windowTitle() == "mine — Curator" and history.is_new(second.catalog)


def test_edits_that_cannot_be_saved_keep_the_window_and_its_catalog(
    qtbot: QtBot,
    windows: Windows,
    seeded: Catalog,
    tmp_path: Path,
    seed_paths: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = _seeded_file(tmp_path / "theses.sqlite", seed_paths)
    first = windows.show(seeded)
    first.table.selectRow(0)
    first.editor.year.setText("not a year")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert windows.open_catalog(first, other, False) is None
    assert windows.open == [first] and first.isVisible()
    assert works.stats(first.catalog)["works"] == 65  # still open
    assert QApplication.activeModalWidget() is None


def test_a_window_closed_for_another_catalog_ends_every_job_before_its_catalog_closes(
    qtbot: QtBot, windows: Windows, seeded: Catalog
) -> None:
    """The Venues view runs its suggestions (and Accept all sure, a write) on a runner of its
    own, which closing the window neither cancelled nor waited for: opening another catalog
    closed this one's engine under a job still reading or writing it."""
    window = windows.show(seeded)
    qtbot.waitUntil(lambda: window.tasks.idle, timeout=HANG)  # the day's backup
    started, release = threading.Event(), threading.Event()
    ended: list[str] = []

    def job() -> Generator[Progress, None, None]:
        started.set()
        try:
            while not release.wait(0.01):  # until cancelled (or the test lets go)
                yield Progress(0, 1, "reading the catalog")
        finally:
            ended.append("closed" if not release.is_set() else "released")

    runner = window.venues.suggestions.tasks
    runner.start(job)
    qtbot.waitUntil(started.is_set, timeout=HANG)
    try:
        assert window.close()
        assert ended == ["closed"]  # cancelled and ended while its catalog was open
    finally:
        release.set()
        runner.wait()


def test_open_recent_tells_apart_catalogs_of_one_name_in_two_folders(
    windows: Windows, seeded: Catalog, tmp_path: Path
) -> None:
    """Every new catalog is offered as catalog.sqlite: two of them in Open Recent read the
    same, told apart only by a tooltip."""
    for folder in ("theses", "journals"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "catalog.sqlite").touch()
        remember(tmp_path / folder / "catalog.sqlite")
    window = windows.show(seeded)
    window.catalogs.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in window.catalogs.recent_menu.actions()][:2]
    assert texts == ["catalog.sqlite — journals", "catalog.sqlite — theses"]
