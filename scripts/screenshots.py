"""Render the main views offscreen to PNG files, on a fresh catalog of the sample listings."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from curator.services import importing, venues, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import open_catalog
from curator.ui.import_report import ImportReportDialog
from curator.ui.main_window import MainWindow


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        catalog = open_catalog(Path(tmp) / "sample.sqlite")
        run = importing.run_to_end(importing.import_files(catalog, sample_listing_paths()))
        window = MainWindow(catalog)
        window.resize(1440, 900)
        window.show()
        target = next(r.id for r in works.rows(catalog) if r.title and "Goldilocks" in r.title)
        window.select_work(target)
        app.processEvents()
        window.grab().save(str(out / "main-window.png"))
        window.tabs.setCurrentWidget(window.sources)
        app.processEvents()
        window.grab().save(str(out / "sources.png"))
        window.tabs.setCurrentWidget(window.editor)
        window.search.setText("language model")
        window.refresh()
        app.processEvents()
        window.grab().save(str(out / "search.png"))
        _duplicates(app, window, out)
        _export(app, window, out)
        _venues(app, window, out)
        dialog = ImportReportDialog(run, window)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / "import-report.png"))
        window.close()
        catalog.close()
    print(f"screenshots written to {out}")


def _duplicates(app: QApplication, window: MainWindow, out: Path) -> None:
    """The review queue on a group with differences worth seeing, then the history."""
    review = window.review
    window.views.setCurrentWidget(review)
    while not review.scanned:  # the first visit scans in the background
        app.processEvents()
    model = review.model
    likely = next(r for r in range(model.rowCount()) if model.candidate(r).band.value == "likely")
    review.select_row(likely)
    review.move_field(1)
    app.processEvents()
    window.grab().save(str(out / "duplicates.png"))
    review.merge()
    window.views.setCurrentWidget(window.history)
    app.processEvents()
    window.grab().save(str(out / "history.png"))
    window.views.setCurrentIndex(0)


def _export(app: QApplication, window: MainWindow, out: Path) -> None:
    """File > Export BibTeX on the catalog after a merge: the scope, the format, the gaps."""
    window.search.clear()
    window.refresh()
    dialog = window.choose_and_export()
    if dialog is None:
        return
    app.processEvents()
    dialog.grab().save(str(out / "export.png"))
    dialog.reject()


def _venues(app: QApplication, window: MainWindow, out: Path) -> None:
    """The Venues view: NeurIPS and its labels, the NeurIPS (Spotlight) suggestion explained."""
    panel = window.venues
    window.views.setCurrentWidget(panel)
    panel.select_venues([venues.find_venue(window.catalog, "NeurIPS")])
    spotlight = next(
        i for i, x in enumerate(panel.suggestions.model.rows()) if "NeurIPS (Spotlight)" in x.labels
    )
    panel.suggestions.select(spotlight)
    app.processEvents()
    window.grab().save(str(out / "venues.png"))
    window.views.setCurrentIndex(0)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
