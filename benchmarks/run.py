"""Measure curator at catalog scale and print the figures (nothing here is asserted)."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from curator.importers import parse_listing
from curator.services import importing, works
from curator.store.catalog import open_catalog
from generate import arxiv_listing


def timed(label: str, fn: Callable[[], Any], repeat: int = 1) -> Any:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<48} {best * 1000:10.1f} ms")
    return result


def bench_catalog(n: int) -> None:
    print(f"catalog of {n:,} works (arXiv listing, seeded generator)")
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "big-listing.txt"
        listing.write_text(arxiv_listing(n))
        text = listing.read_text()
        result = timed("parse listing", lambda: parse_listing(text, listing.name))
        print(f"  {'records parsed':<48} {len(result.records):10,}")
        catalog = open_catalog(Path(tmp) / "bench.sqlite")
        gen = importing.import_files(catalog, [listing])
        timed("import file (parse + one transaction)", lambda: importing.run_to_end(gen))
        again = importing.import_files(catalog, [listing])
        timed("re-import same file (all unchanged)", lambda: importing.run_to_end(again))
        rows = timed("load table rows (works.rows)", lambda: works.rows(catalog), repeat=3)
        timed(
            "search 'attention sparse' (FTS5)",
            lambda: works.rows(catalog, "attention sparse"),
            repeat=3,
        )
        timed(
            "search 'biderman' (FTS5, authors)", lambda: works.rows(catalog, "biderman"), repeat=3
        )
        timed(
            "open one work with sources",
            lambda: (works.work(catalog, rows[n // 2].id), works.records(catalog, rows[n // 2].id)),
            repeat=3,
        )
        bench_model(catalog)
        catalog.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak resident memory':<48} {peak:10.0f} MB")


def bench_model(catalog) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from curator.ui.catalog.work_table import COL_TITLE, COL_YEAR, WorkTableModel

    QApplication.instance() or QApplication([])
    model = WorkTableModel(catalog)
    timed("table model: every id, by title", lambda: model.sort(COL_TITLE), repeat=3)
    desc = Qt.SortOrder.DescendingOrder
    timed("table model: every id, by year (newest first)", lambda: model.sort(COL_YEAR, desc))
    middle = model.rowCount() // 2
    timed("table model: a row in the middle (one page)", lambda: model.work_row(middle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=100_000)
    args = parser.parse_args()
    bench_catalog(args.works)


if __name__ == "__main__":
    main()
