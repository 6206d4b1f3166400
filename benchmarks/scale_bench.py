"""The whole path at catalog scale, each step in a fresh process: time, CPU time, peak memory.

    python benchmarks/scale_bench.py --works 1000000        (make bench-scale; ~30 minutes)
    python benchmarks/scale_bench.py --works 100000 --keep /tmp/scale-100k

Writes (in a child process) a BibTeX file of `--works` generated works with duplicates (the
generator of `dedup_generator.py`: titles, authors, venues, abstracts, ids, typed and reworded
copies), then runs: bibtexparser's bare parse of that file; curator's import; a full duplicate
scan; a scan of the newest 1,000 works against the rest in a cold process; the window
offscreen (first paint, a broad search keystroke, a screenful, every match, scrolling to the
middle, the next candidate in the review); curator's export; bibtexparser's writer on the same
entries. Each step runs in its own process, so its peak memory is its own (Linux carries a
parent's peak into its children: this process stays small). Nothing is asserted: this prints
figures.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STEPS = (
    "bare-parse",
    "import",
    "scan",
    "scan-1k-new",
    "window",
    "export",
    "bare-write",
)


# --- the generated file ----------------------------------------------------------------------


def write_bib(n: int, path: Path) -> None:
    """`n` generated works as BibTeX, written as they are made."""
    from dedup_generator import generate

    catalog = generate(n)
    with path.open("w", encoding="utf-8") as out:
        for work in catalog.works:
            out.write(_entry(work))


def _entry(work: Any) -> str:
    kind = {"journal": "article", "conference": "inproceedings"}.get(work.venue_kind, "misc")
    venue_field = {"article": "journal", "inproceedings": "booktitle"}.get(kind, "howpublished")
    fields = {
        "title": work.title,
        "author": " and ".join(work.authors) if work.authors else None,
        "year": str(work.year) if work.year else None,
        venue_field: work.venue,
        "doi": work.doi,
        "eprint": work.arxiv_id,
        "archiveprefix": "arXiv" if work.arxiv_id else None,
        "abstract": work.abstract,
    }
    body = ",\n".join(f"  {name} = {{{_plain(value)}}}" for name, value in fields.items() if value)
    return f"@{kind}{{w{work.id},\n{body}\n}}\n\n"


def _plain(value: str) -> str:
    return value.replace("{", "").replace("}", "").replace("\\", "")


# --- the steps, each run in its own process ---------------------------------------------------


def _write(bib: Path, _db: Path, _dir: Path) -> dict[str, Any]:
    write_bib(int(os.environ["CURATOR_BENCH_WORKS"]), bib)
    return {"MB": round(bib.stat().st_size / 1e6)}


def step(name: str, bib: Path, db: Path, work_dir: Path) -> dict[str, Any]:
    """Run one step here; what it measured beyond time (counts, sub-timings)."""
    return _STEP_FUNCTIONS[name](bib, db, work_dir)


def _bare_parse(bib: Path, _db: Path, _dir: Path) -> dict[str, Any]:
    import bibtexparser

    library = bibtexparser.parse_file(str(bib))
    return {"entries": len(library.entries)}


def _bare_write(bib: Path, _db: Path, work_dir: Path) -> dict[str, Any]:
    import bibtexparser

    library = bibtexparser.parse_file(str(bib))
    start, cpu = time.perf_counter(), time.process_time()
    text = bibtexparser.write_string(library)
    (work_dir / "bare.bib").write_text(text, encoding="utf-8")
    return {
        "write s": round(time.perf_counter() - start, 1),
        "write cpu s": round(time.process_time() - cpu, 1),
        "entries": len(library.entries),
    }


def _import(bib: Path, db: Path, _dir: Path) -> dict[str, Any]:
    from curator.services import importing
    from curator.store.catalog import open_catalog

    db.unlink(missing_ok=True)
    catalog = open_catalog(db)
    run = importing.run_to_end(importing.import_files(catalog, [bib]))
    catalog.close()
    return {"ok": run.ok, **(run.reports[0].counts if run.reports else {})}


def _scan(_bib: Path, db: Path, work_dir: Path) -> dict[str, Any]:
    from curator.domain.progress import drain
    from curator.services import candidates
    from curator.store.catalog import open_catalog

    found = drain(candidates.scan(open_catalog(db)))
    with (work_dir / "candidates.pickle").open("wb") as out:
        pickle.dump(found[:20_000], out)
    bands: dict[str, int] = {}
    for c in found:
        bands[c.band.value] = bands.get(c.band.value, 0) + 1
    return {"candidates": len(found), **bands}


def _scan_new(_bib: Path, db: Path, _dir: Path) -> dict[str, Any]:
    from curator.domain.progress import drain
    from curator.services import candidates, works
    from curator.store.catalog import open_catalog

    catalog = open_catalog(db)
    newest = set(list(works.ordered_ids(catalog))[-1000:])
    found = drain(candidates.scan(catalog, new_ids=newest))
    return {"candidates": len(found)}


def _export(_bib: Path, db: Path, work_dir: Path) -> dict[str, Any]:
    from curator.export.bibtex import ExportOptions
    from curator.services import exporting
    from curator.store.catalog import open_catalog

    catalog = open_catalog(db)
    plan = exporting.plan(catalog)
    path = work_dir / "export.bib"
    result = exporting.run_to_end(
        exporting.export_bibtex(catalog, plan, path, ExportOptions(abstracts=True))
    )
    return {"entries": result.n_entries, "MB": round(path.stat().st_size / 1e6, 1)}


def _window(_bib: Path, db: Path, work_dir: Path) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from curator.store.catalog import open_catalog
    from curator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])

    def wait(done: Callable[[], bool]) -> None:
        """Let the event loop run (sleeping in Qt, as a real window does) until `done`."""
        loop, timer = QEventLoop(), QTimer()
        timer.timeout.connect(lambda: done() and loop.quit())
        timer.start(5)
        if not done():
            loop.exec()
        timer.stop()

    figures: dict[str, Any] = {}
    with _timer(figures, "first paint s"):
        window = MainWindow(open_catalog(db))
        window.resize(1440, 900)
        window.show()
        app.processEvents()
        window.grab()
    figures["rows"] = window.model.rowCount()
    with _timer(figures, "keystroke ms", 1000):
        window.search.setText("m")  # the broadest search there is
    window.search_timer.stop()
    with _timer(figures, "search 'm', a screenful s"):
        window._search()
        wait(lambda: window.model.query.search == "m" or not window.searching)
    with _timer(figures, "search 'm', every match s"):
        wait(lambda: not window.searching)
    figures["matches"] = window.model.rowCount()
    window.search.clear()
    window.search_timer.stop()
    window._search()
    wait(lambda: not window.searching)
    with _timer(figures, "scroll to the middle ms", 1000):
        window.table.scrollTo(window.model.index(window.model.rowCount() // 2, 0))
        window.grab()
    with (work_dir / "candidates.pickle").open("rb") as found:
        candidates = pickle.load(found)
    review = window.review
    with _timer(figures, "review: open the queue ms", 1000):
        # what the view does when a scan ends (the scan itself is the "scan" step)
        review._on_scanned(candidates, "Weights as the scan learned them", None)
        window.views.setCurrentWidget(review)
        app.processEvents()
    steps = []
    for _ in range(50):
        start = time.perf_counter()
        review.next()
        app.processEvents()
        steps.append(time.perf_counter() - start)
    figures["next candidate, median ms"] = round(sorted(steps)[len(steps) // 2] * 1000, 1)
    window.close()
    return figures


class _timer:
    def __init__(self, into: dict[str, Any], name: str, scale: float = 1.0) -> None:
        self.into, self.name, self.scale = into, name, scale

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        self.into[self.name] = round((time.perf_counter() - self.start) * self.scale, 2)


_STEP_FUNCTIONS: dict[str, Callable[[Path, Path, Path], dict[str, Any]]] = {
    "write": _write,
    "bare-parse": _bare_parse,
    "import": _import,
    "scan": _scan,
    "scan-1k-new": _scan_new,
    "window": _window,
    "export": _export,
    "bare-write": _bare_write,
}


# --- running them ---------------------------------------------------------------------------


def run_child(name: str, bib: Path, db: Path, work_dir: Path) -> dict[str, Any]:
    """One step in a fresh process: its wall time, CPU time, peak memory and figures."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--step", name, "--dir", str(work_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode:
        return {"step": name, "failed": done.stderr.strip().splitlines()[-1:]}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"step": name, "wall s": round(wall, 1), **figures}


def _report(rows: list[dict[str, Any]]) -> Iterator[str]:
    yield f"{'step':<14}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}  figures"
    for row in rows:
        if "failed" in row:
            yield f"{row['step']:<14} failed: {row['failed']}"
            continue
        extra = {k: v for k, v in row.items() if k not in ("step", "wall s", "cpu s", "peak MB")}
        shown = ", ".join(
            f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in extra.items()
        )
        measured = f"{row['wall s']:>9.1f}{row['cpu s']:>9.1f}{row['peak MB']:>9,.0f}"
        yield f"{row['step']:<14}{measured}  {shown}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="a folder to keep the files in (reused)")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps")
    parser.add_argument("--step", help=argparse.SUPPRESS)  # run one step in this process
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:  # a child: measure one step, print its figures as JSON on the last line
        start = time.process_time()
        figures = step(args.step, args.dir / "works.bib", args.dir / "catalog.sqlite", args.dir)
        figures["cpu s"] = round(time.process_time() - start, 1)
        figures["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    work_dir = args.keep or Path(tempfile.mkdtemp(prefix="curator-scale-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    bib = work_dir / "works.bib"
    if not bib.exists():  # in a child too: this process stays small, and so do the next ones
        os.environ["CURATOR_BENCH_WORKS"] = str(args.works)
        row = run_child("write", bib, work_dir / "catalog.sqlite", work_dir)
        print(f"wrote {bib}: {row}")
    print(f"{args.works:,} generated works; each step in a fresh process on {os.cpu_count()} cores")
    rows = []
    for name in args.steps.split(","):
        row = run_child(name, bib, work_dir / "catalog.sqlite", work_dir)
        rows.append(row)
        print(list(_report([row]))[-1], flush=True)
    print()
    print("\n".join(_report(rows)))


if __name__ == "__main__":
    main()
