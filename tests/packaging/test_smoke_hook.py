"""The hook that lets an installed app be smoke-tested: the window closes itself once it has
shown and its background work has ended, or the app exits 1 saying what went wrong."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox

from curator.services import works
from curator.store.catalog import Catalog
from curator.ui.main_window import MainWindow
from curator.ui.smoke import ENV, READY, install_quit_when_ready
from tests.conftest import HANG


@pytest.fixture
def window(qtbot, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the hook replaces it: put it back
    w = MainWindow(catalog)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.editor.show_work(w.editor.work)
    w.close()


def test_nothing_happens_unless_asked(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    codes: list[int] = []
    assert not install_quit_when_ready(window, codes.append)


def test_closes_once_the_samples_are_imported_and_scanned(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV, "1")
    codes: list[int] = []
    window.import_samples()  # as the app does on a new catalog, before its event loop runs
    assert install_quit_when_ready(window, codes.append)
    qtbot.waitUntil(lambda: bool(codes), timeout=HANG)
    assert codes == [0]
    assert READY in capsys.readouterr().out
    assert not window.isVisible()
    assert works.stats(window.catalog)["works"] == 65
    assert window.review.scan_task is None  # the scan the import started had ended too


def test_an_open_warning_exits_1_with_its_text(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV, "1")
    box = QMessageBox(QMessageBox.Icon.Warning, "Import failed", "the disk is full", parent=window)
    box.open()
    codes: list[int] = []
    install_quit_when_ready(window, codes.append)
    qtbot.waitUntil(lambda: bool(codes), timeout=HANG)
    assert codes == [1]
    assert "Import failed: the disk is full" in capsys.readouterr().err
    box.close()


def test_a_bug_in_a_slot_exits_1_with_the_traceback(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENV, "1")
    codes: list[int] = []
    install_quit_when_ready(window, codes.append)
    try:
        raise ValueError("boom")
    except ValueError as exc:
        sys.excepthook(ValueError, exc, exc.__traceback__)
    assert codes == [1]
    err = capsys.readouterr().err
    assert "Something went wrong: boom" in err and "Traceback" in err
