"""File > Export BibTeX and File > Import BibTeX in the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog

from curator.export.bibtex import ExportOptions
from curator.services import candidates, exporting, works
from curator.store.catalog import Catalog
from curator.ui import export_dialog
from curator.ui.export_dialog import SCOPE_SELECTED
from curator.ui.main_window import MainWindow
from tests.conftest import FIXTURES, HANG
from tests.ui.test_shortcuts import _focus, press, press_in


def _save_as(monkeypatch, path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_menu_export_after_merges_writes_the_file_and_keys(
    qtbot, window: MainWindow, seeded: Catalog, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    candidates.auto_merge(seeded)
    window._after_change()
    actions = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Export BibTeX…" in actions and "Import &BibTeX…" in actions
    dialog = window.choose_and_export()
    assert dialog is not None and dialog.plan is not None
    n = len(works.works(seeded))
    assert len(dialog.plan.ids) == n
    assert dialog.gaps.topLevelItemCount() == len(dialog.plan.gaps) > 0
    assert "lack fields their type needs" in dialog.gaps_label.text()
    out = tmp_path / "catalog.bib"
    _save_as(monkeypatch, out)
    dialog.latex.setChecked(True)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: out.exists() and window.files.export_action.isEnabled(), timeout=HANG)
    text = out.read_text(encoding="utf-8")
    assert text.count("\n@") == n and text.isascii()
    assert f"Exported {n} entries" in window.statusBar().currentMessage()
    shown = window.editor.work
    assert shown is not None and shown.citation_key and f"{{{shown.citation_key}," in text
    # undoing the merges would wipe the keys the export just gave the merged works (a merge's
    # undo writes their key column back): the keys come first, the merges wait, said so
    assert window.undo_action.text().startswith("&Undo #")
    assert "Citation keys for" in window.undo_action.text()
    assert "“Merge all sure groups" in window.undo_action.toolTip()
    assert "must wait for it" in window.undo_action.toolTip()


def test_selected_scope_and_jump_to_a_work_to_fix(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.table.selectAll()
    window.table.selectRow(0)
    dialog = window.choose_and_export()
    assert dialog is not None
    dialog.scope.button(SCOPE_SELECTED).click()
    assert len(dialog.plan.ids) == 1
    # Back to the whole catalog, then ask to fix the first incomplete work.
    dialog.scope.button(0).click()
    item = dialog.gaps.topLevelItem(0)
    target = dialog.plan.gaps[0].work_id
    window.search.setText("nothing matches this")
    window.refresh()
    dialog.gaps.itemActivated.emit(item, 0)
    assert window.editor.work is not None and window.editor.work.id == target
    assert window.search.text() == ""


def test_import_bibtex_from_the_menu(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.files.show_reports = False
    before = window.model.rowCount()
    bib = FIXTURES / "listings" / "messy.bib"
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bib)], ""))
    window.files.import_bibtex_action.trigger()
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 4, timeout=HANG)
    (report,) = window.files.last_import.reports
    assert report.format == "bibtex" and report.counts["rejected"] == 3


def test_a_large_catalogs_plan_is_made_in_the_background(
    qtbot, window: MainWindow, seeded: Catalog, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(export_dialog, "BACKGROUND_FROM", 0)  # the sample counts as large
    window.table.selectRow(0)
    dialog = window.choose_and_export()
    assert dialog is not None
    assert dialog.plan is None and not dialog.export_button.isEnabled()  # still checking
    assert "Checking" in dialog.gaps_label.text()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=HANG)
    assert len(dialog.plan.ids) == len(works.works(seeded))
    assert dialog.export_button.isEnabled()
    # two scope changes in a row: the plan of the newest is shown, not the one before
    dialog.scope.button(SCOPE_SELECTED).click()
    dialog.scope.button(0).click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=HANG)
    qtbot.wait(200)  # the selected scope's plan, had it run, would have arrived by now
    assert len(dialog.plan.ids) == len(works.works(seeded)) > 1
    dialog.scope.button(SCOPE_SELECTED).click()
    dialog.reject()  # closing while a plan is made: it is dropped, nothing waits long
    assert dialog.plan is None


def test_ctrl_z_right_after_an_export_undoes_the_last_edit_not_the_keys(
    qtbot, window: MainWindow, seeded: Catalog, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(0)
    wid = window.editor.work.id
    press_in(qtbot, window, window.editor.notes, "seen in print")
    press(qtbot, QKeySequence.StandardKey.Save)
    assert works.work(seeded, wid).notes == "seen in print"
    out = tmp_path / "catalog.bib"
    task = window.export_to(out, exporting.plan(seeded), ExportOptions())
    with qtbot.waitSignal(task.finished, timeout=HANG):
        pass
    key = works.work(seeded, wid).citation_key
    assert key and f"{{{key}," in out.read_text(encoding="utf-8")
    window.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table, timeout=HANG)
    with qtbot.waitSignal(window.steps.ended, timeout=HANG) as ended:
        press(qtbot, QKeySequence.StandardKey.Undo)
    assert ended.args == [f"Undone: Edit notes of work {wid}"]
    assert works.work(seeded, wid).notes is None
    assert works.work(seeded, wid).citation_key == key  # the file's keys stay the catalog's
    assert window.editor.work is not None and window.editor.work.notes is None


def test_return_in_the_export_dialog_exports(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "catalog.bib"
    _save_as(monkeypatch, out)
    _focus(qtbot, window, window.table)
    press(qtbot, QKeySequence("Ctrl+E"))
    (dialog,) = window.findChildren(export_dialog.ExportDialog)

    def in_dialog() -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and focus.window() is dialog

    qtbot.waitUntil(in_dialog, timeout=HANG)  # the dialog takes the keyboard
    press(qtbot, QKeySequence(Qt.Key.Key_Return))  # the default button: Export, not Cancel
    qtbot.waitUntil(lambda: out.exists() and window.files.export_action.isEnabled(), timeout=HANG)
    assert out.read_text(encoding="utf-8").count("\n@") == window.model.rowCount()
