"""Measure the event log at length and print the figures (nothing here is asserted).

The sample catalog gets N edit events appended (the shape the editor writes), as a catalog
that a librarian has used for years would have. Then the window's questions are timed: what
undo and redo would do (asked after every change), the History view, one undo and one redo;
beside them, replaying the whole log, which is what each of those cost before the undo state
was stored (catalog version 5).

Usage: python benchmarks/events_bench.py [--events 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from curator.services import history, importing, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import open_catalog
from run import timed


def _append_edits(path: Path, n: int, work_ids: list[int]) -> None:
    rows = []
    for i in range(n):
        wid = work_ids[i % len(work_ids)]
        payload = {"version": 2, "work_id": wid, "before": {"notes": None},
                   "after": {"notes": f"note {i}"}, "created": {}}  # fmt: skip
        rows.append(("edit", f"Edit notes of work {wid}", "2026-12-03 10:00:00",
                     json.dumps(payload), "done"))  # fmt: skip
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO event (kind, summary, created_at, payload, state) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def _replay(path: Path) -> int:
    """What undo, redo and History did before version 5: read every event, replay the stacks."""
    with sqlite3.connect(path) as conn:
        applied: list[int] = []
        redoable: list[int] = []
        for event_id, kind, raw in conn.execute("SELECT id, kind, payload FROM event ORDER BY id"):
            payload = json.loads(raw)
            if kind == "undo":
                applied.remove(payload["target"])
                redoable.append(payload["target"])
            elif kind == "redo":
                redoable.remove(payload["target"])
                applied.append(payload["target"])
            else:
                applied.append(event_id)
                redoable.clear()
    return len(applied)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.sqlite"
        catalog = open_catalog(path)
        importing.run_to_end(importing.import_files(catalog, sample_listing_paths()))
        work_ids = [r.id for r in works.rows(catalog)]
        _append_edits(path, args.events, work_ids)
        print(f"event log of {args.events:,} edits on the sample catalog")
        timed("what undo and redo would do (next_steps)", lambda: history.next_steps(catalog), 5)
        timed("History view: the newest 1,000 and the count", lambda: (
            history.history(catalog, newest=1000), history.count(catalog)), 5)  # fmt: skip
        entries = timed("every history entry (history --json)", lambda: history.history(catalog), 3)
        timed("undo the newest edit", lambda: history.undo(catalog))
        timed("redo it", lambda: history.redo(catalog))
        timed("replay the whole log (each step, before v5)", lambda: _replay(path), 3)
        catalog.close()
        print(f"  {len(entries):,} history entries")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak resident memory':<48} {peak:10.0f} MB")


if __name__ == "__main__":
    main()
