"""What durability costs: an import and a run of single edits with synchronous = FULL (what
curator uses) beside NORMAL, and how long the catalog checks and a backup take.

Usage: python benchmarks/durability_bench.py [--works 100000] [--edits 300] [--rounds 2]
Each setting runs in a fresh process on a fresh catalog, on this machine's disk; the two
settings alternate, so a machine whose load changes weighs on both alike.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_bench import write_bib


def measure(bib: Path, db: Path, synchronous: str, edits: int) -> dict[str, float]:
    from curator.domain.progress import drain
    from curator.services import importing, works
    from curator.store import backups, catalog

    catalog.SYNCHRONOUS = synchronous
    cat = catalog.open_catalog(db)
    start = time.perf_counter()
    run = drain(importing.import_files(cat, [bib]))
    assert run.ok, run.failures
    imported = time.perf_counter() - start
    start = time.perf_counter()
    for n in range(edits):
        works.edit_work(cat, 1 + n % 1000, {"notes": f"edit {n}"})
    per_edit = (time.perf_counter() - start) / edits
    cat.close()
    out: dict[str, float] = {"import_s": imported, "edit_ms": per_edit * 1000}
    for name, check in (("quick_check_s", backups.quick_check),
                        ("integrity_check_s", backups.integrity_check)):  # fmt: skip
        start = time.perf_counter()
        assert check(db) is None
        out[name] = time.perf_counter() - start
    start = time.perf_counter()
    backups.make(db, db.parent / "backups", "bench")
    out["backup_s"] = time.perf_counter() - start
    out["catalog_mb"] = db.stat().st_size / 2**20
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="NORMAL then FULL, this many times")
    parser.add_argument("--child", nargs=3, metavar=("BIB", "DB", "SYNC"))
    args = parser.parse_args()
    if args.child:
        bib, db, sync = args.child
        print(json.dumps(measure(Path(bib), Path(db), sync, args.edits)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "listing.bib"
        write_bib(args.works, bib)
        print(f"{args.works:,} works, {args.edits} single edits (one commit each)")
        for n, sync in enumerate(("NORMAL", "FULL") * args.rounds):  # alternated: load evens out
            db = Path(tmp) / f"{n}-{sync}" / "catalog.sqlite"
            db.parent.mkdir()
            cmd = [
                sys.executable,
                __file__,
                "--edits",
                str(args.edits),
                "--child",
                str(bib),
                str(db),
                sync,
            ]
            found = json.loads(
                subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            )
            shown = ", ".join(f"{k} {v:.2f}" for k, v in found.items())
            print(f"synchronous={sync:<6} {shown}")


if __name__ == "__main__":
    main()
