"""Measures one generated catalog on a PostgreSQL server beside the same catalog in a SQLite file:
import, a full duplicate scan, a second librarian's scan (the kept result) and a rescan after an
edit, venue suggestions, search keystrokes and the next candidate (issue 18).

Usage: python benchmarks/server_bench.py [--works 100000] [--candidates 10000] [--repeat 5]
The server is the tests' throwaway one (`tests/postgres.py`), reached through a Unix socket; its
settings are printed with the figures. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/postgres.py: the tests' server

import psycopg
from PySide6.QtWidgets import QApplication
from sqlalchemy import text as sql
from tests.postgres import Server, running_server

from curator.domain.matching import Candidate
from curator.domain.progress import drain
from curator.services import candidates as candidate_service
from curator.services import importing, works
from curator.services import venues as venue_service
from curator.store import queries
from curator.store.catalog import Catalog, open_catalog
from curator.ui.catalog.work_table import PAGE
from curator.ui.review.panel import ReviewPanel
from curator.ui.tasks import TaskRunner
from generate import arxiv_listing
from review_bench import candidates as random_candidates

# What a keystroke in the catalog's search box may have typed so far (generate.WORDS).
SEARCHES = {
    "1 letter": "l",
    "3 letters": "lan",
    "6 letters": "langua",
    "two words": "attention sparse",
}
SHOWN = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "server_version")
Figures = dict[str, str]


def seconds(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def spread(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and worst of `repeat` runs, in seconds."""
    times = [seconds(fn)[0] for _ in range(repeat)]
    return statistics.median(times), max(times)


def keystroke(catalog: Catalog, text: str) -> int:
    """What the window does for one keystroke: a screenful of ids, its rows, then every id
    (`main_window._load`, `work_table.WorkTableModel`)."""
    query = works.Query(text)
    head = drain(works.find(catalog, query, PAGE))
    works.rows_of(catalog, list(head))
    return len(drain(works.find(catalog, query)))


def next_candidate(catalog: Catalog, n_candidates: int) -> tuple[float, float, float]:
    """`review_bench`'s figures: the queue opened with random open pairs, then 100 steps."""
    app = QApplication.instance() or QApplication([])
    ids = list(works.ordered_ids(catalog))
    found = random_candidates(ids, min(n_candidates, len(ids) // 2))
    panel = ReviewPanel(catalog, TaskRunner())
    panel.resize(1400, 860)
    panel.show()
    app.processEvents()
    opened, _ = seconds(lambda: panel._on_scanned(found, "Weights as the scan learned them", None))
    app.processEvents()
    steps = []
    for _ in range(100):
        start = time.perf_counter()
        panel.next()
        app.processEvents()
        steps.append(time.perf_counter() - start)
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return opened, statistics.median(steps), max(steps)


def measure(
    catalog: Catalog, listing: Path, args: argparse.Namespace, settle: Callable[[], None]
) -> Figures:
    out: Figures = {}
    took, run = seconds(lambda: importing.run_to_end(importing.import_files(catalog, [listing])))
    assert run.ok, run.failures
    out["import (parse + write)"] = f"{took:.2f} s"
    took, _ = seconds(lambda: importing.run_to_end(importing.import_files(catalog, [listing])))
    out["re-import (all unchanged)"] = f"{took:.2f} s"
    settle()  # untimed
    cache = candidate_service.ScanCache()  # the window's: a first scan reads every work
    took, found = seconds(lambda: drain(candidate_service.scan(catalog, None, cache)))
    out["full duplicate scan"] = f"{took:.2f} s"
    out["  candidates found"] = f"{len(found):,}"
    out.update(second_scans(catalog, cache, found))
    took, _ = seconds(lambda: venue_service.suggestions(catalog, [c.works for c in found]))
    out["venue suggestions (with the scan's pairs)"] = f"{took * 1000:.0f} ms"
    for label, text in SEARCHES.items():
        hits = keystroke(catalog, text)  # warm, as a second keystroke finds it
        median, worst = spread(lambda t=text: keystroke(catalog, t), args.repeat)
        out[f"search {label} {text!r}"] = f"{median * 1000:.0f} / {worst * 1000:.0f} ms"
        out[f"  works found ({label})"] = f"{hits:,}"
    opened, median, worst = next_candidate(catalog, args.candidates)
    out["review: open the queue"] = f"{opened * 1000:.0f} ms"
    out["next candidate (median / worst of 100)"] = f"{median * 1000:.1f} / {worst * 1000:.1f} ms"
    return out


def second_scans(
    catalog: Catalog, cache: candidate_service.ScanCache, found: list[Candidate]
) -> Figures:
    """A second librarian's full scan of the unchanged catalog (another Catalog object, as
    another machine opens it: the kept result read), then the first one's rescan after one
    edit (the window's cache: on a server only the changed works are read)."""
    out: Figures = {}
    other = open_catalog(catalog.address)
    try:
        took, again = seconds(lambda: drain(candidate_service.scan(other)))
    finally:
        other.close()
    assert again.kept is not None and list(again) == list(found), "the kept scan was not read"
    out["second librarian's scan (kept result)"] = f"{took * 1000:.0f} ms"
    with catalog.read() as s:  # untimed: how big the kept result is
        size = s.execute(sql("SELECT max(length(result)) FROM scanresult")).scalar_one()
    out["  kept result"] = f"{size / 1024:.1f} KB"
    with catalog.read() as s:  # what a scan without the window's cache reads each time
        took, rows = seconds(lambda: queries.feature_rows(s))
    text_mb = sum(len(f.title or "") + len(f.abstract or "") for f, _ in rows) / 2**20
    out["read every work for a scan"] = f"{took:.2f} s"
    out["  titles and abstracts read"] = f"{text_mb:.0f} MB"
    first = works.ordered_ids(catalog)[0]
    works.edit_work(catalog, first, {"title": "A title edited by the benchmark"})
    took, _ = seconds(lambda: drain(candidate_service.scan(catalog, None, cache)))
    out["rescan after one edit (window's cache)"] = f"{took:.2f} s"
    out["  works read from the catalog"] = f"{cache.rows_read:,}"
    return out


def server_catalog(server: Server) -> str:
    """A fresh database; synchronous_commit on for it (the test server starts with it off
    and `Server.start` takes no settings: fsync and full_page_writes stay as it has them)."""
    name = server.new_database(None, name="bench")
    server.execute("ALTER DATABASE bench SET synchronous_commit = on")
    return server.url(name)


def analyzed(server: Server, database: str) -> Callable[[], None]:
    """What autovacuum does within a minute or two of a big import, done at once: the plans
    of the searches change with the statistics (a 1-letter prefix: a GIN index scan before,
    a sequential scan of work_fts after), so the figures must not depend on when it ran."""

    def settle() -> None:
        with psycopg.connect(server.dsn(database), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    return settle


def settings(server: Server, database: str) -> str:
    with psycopg.connect(server.dsn(database)) as conn:
        shown = [f"{s}={conn.execute(f'SHOW {s}').fetchone()[0]}" for s in SHOWN]  # type: ignore[index]
    return ", ".join(shown)


def table(n: int, sqlite: Figures, server: Figures, load: list[str], pg: str) -> str:
    lines = [
        f"command: {' '.join([Path(sys.executable).name, *sys.argv])}",
        f"{n:,} works (arXiv listing, seeded generator); search: median / worst of the repeats",
        f"server: {pg}; VACUUM ANALYZE after the imports",
        f"load average (1, 5, 15 min): {'; '.join(load)}  ({os.cpu_count()} CPUs)",
        f"{'':<42} {'SQLite file':>18} {'PostgreSQL':>18}",
    ]
    for label in sqlite:
        lines.append(f"{label:<42} {sqlite[label]:>18} {server.get(label, '-'):>18}")
    return "\n".join(lines)


def loadavg(when: str) -> str:
    return f"{when} " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each search")
    args = parser.parse_args()
    load = [loadavg("start")]
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "listing.txt"
        listing.write_text(arxiv_listing(args.works))
        catalog = open_catalog(Path(tmp) / "bench.sqlite")
        try:
            sqlite = measure(catalog, listing, args, lambda: None)
        finally:
            catalog.close()
        load.append(loadavg("after SQLite"))
        print("SQLite done", file=sys.stderr)
        with running_server() as server:
            location = server_catalog(server)
            catalog = open_catalog(location)
            try:
                on_server = measure(catalog, listing, args, analyzed(server, "bench"))
            finally:
                catalog.close()
            pg = settings(server, "bench")
        load.append(loadavg("end"))
    print(table(args.works, sqlite, on_server, load, pg))


if __name__ == "__main__":
    main()
