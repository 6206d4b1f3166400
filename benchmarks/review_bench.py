"""Measures the Duplicates view on a large catalog: opening a queue, moving to the next candidate.

Usage: python benchmarks/review_bench.py [--works 100000] [--candidates 10000]
Imports a generated arXiv listing, then gives the view `--candidates` open pairs (random pairs of
works, scored and banded at random: the view's cost does not depend on how they were found).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication

from curator.domain.matching import BAND_ORDER, Candidate
from curator.services import importing, works
from curator.store.catalog import open_catalog
from curator.ui.review.panel import ReviewPanel
from curator.ui.tasks import TaskRunner
from generate import arxiv_listing


def candidates(ids: list[int], n: int, seed: int = 1) -> list[Candidate]:
    rng = random.Random(seed)
    found: dict[tuple[int, int], Candidate] = {}
    while len(found) < n:
        a, b = sorted(rng.sample(ids, 2))
        reasons = ("titles 91% alike: 'A' vs 'B'", "abstracts 88% alike (words in common)")
        found[(a, b)] = Candidate(a, b, rng.random(), rng.choice(BAND_ORDER), reasons)
    return list(found.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=10_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "listing.txt"
        listing.write_text(arxiv_listing(args.works))
        catalog = open_catalog(Path(tmp) / "bench.sqlite")
        importing.run_to_end(importing.import_files(catalog, [listing]))
        ids = [r.id for r in works.rows(catalog)]
        found = candidates(ids, args.candidates)
        panel = ReviewPanel(catalog, TaskRunner())
        panel.resize(1400, 860)
        panel.show()
        app.processEvents()
        start = time.perf_counter()
        panel._on_scanned(found, "Weights as the scan learned them", None)  # a scan's end
        app.processEvents()
        opened = time.perf_counter() - start
        steps = []
        for _ in range(100):
            start = time.perf_counter()
            panel.next()
            app.processEvents()
            steps.append(time.perf_counter() - start)
        print(f"{args.works:,} works, {len(found):,} open candidates")
        print(f"  {'open the queue (rows, first comparison)':<44} {opened * 1000:8.0f} ms")
        print(f"  {'next candidate, median of 100':<44} {statistics.median(steps) * 1000:8.1f} ms")
        print(f"  {'next candidate, slowest of 100':<44} {max(steps) * 1000:8.1f} ms")
        catalog.close()


if __name__ == "__main__":
    main()
