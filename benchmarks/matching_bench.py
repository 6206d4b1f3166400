"""The duplicate engine on real catalogs: labelled collections imported as a librarian would.

Each collection in `benchmarks/data/` (a `records.bib` and its answer key `truth.json`, whose
`pairs` are 1-based positions of entries in the file) is imported into a fresh catalog. Works are
mapped back to entries through their source records' lines (an entry the import skipped as a
verbatim repeat belongs to the work of the entry it repeats), and the pairs the engine proposes
are scored against the key. Printed per collection: precision / recall / F1 of sure + likely
as the review groups them (every pair within a group, which is what merging the group merges)
and as bare pairs, sure alone (count and precision), candidate recall of blocking (pairs
compared, and pairs reachable through compared pairs of one paper), the related band, the same
after 50 random decisions from the answer key fed in as a librarian's merges and not-duplicates,
a naive baseline (token_sort_ratio of folded titles and equal year, at its best threshold),
time and peak memory. Nothing is asserted: this prints figures.

Usage: python benchmarks/matching_bench.py [--only cora,stroke]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz

from curator.domain.folding import fold
from curator.domain.matching import Band, Candidate, WorkFeatures, connected_groups
from curator.domain.progress import drain
from curator.domain.records import BlockStatus
from curator.matching.blocking import block
from curator.matching.model import DEFAULT, LEVEL
from curator.matching.scoring import compare, prepare
from curator.services import candidates, decisions, importing, works
from curator.store import queries
from curator.store.catalog import Catalog, open_catalog

DATA = Path(__file__).resolve().parent / "data"
COLLECTIONS = ("cora", "cytology_screening", "stroke")
_ENTRY = re.compile(r"^@\w+\s*\{", re.MULTILINE)
_LINES = re.compile(r"lines (\d+)-(\d+)")

Pair = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Score:
    predicted: int
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> str:
        return (
            f"{self.precision:.3f} / {self.recall:.3f} / {self.f1:.3f}  ({self.predicted:,} pairs)"
        )


def score(predicted: set[Pair], truth: set[Pair]) -> Score:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    return Score(len(predicted), precision, hits / len(truth) if truth else 1.0)


def entry_lines(text: str) -> list[int]:
    """The first line of each entry, in file order (position 1 is the first)."""
    return [text.count("\n", 0, m.start()) + 1 for m in _ENTRY.finditer(text)]


def _import(catalog: Catalog, path: Path) -> dict[int, int]:
    """Import `path`; entry position -> work id (verbatim repeats share their first's work)."""
    run = importing.run_to_end(importing.import_files(catalog, [path]))
    if not run.ok:
        raise SystemExit(f"{path}: {run.failures}")
    positions = {line: n for n, line in enumerate(entry_lines(path.read_text()), start=1)}
    by_line: dict[int, int] = {}
    repeats: list[tuple[int, int]] = []
    for outcome in run.reports[0].outcomes:
        if outcome.work_id is not None:
            by_line[outcome.first_line] = outcome.work_id
        elif outcome.status is BlockStatus.SKIPPED and (m := _LINES.search(outcome.reason)):
            repeats.append((outcome.first_line, int(m.group(1))))
    for line, first in repeats:
        if first in by_line:
            by_line[line] = by_line[first]
    return {positions[line]: wid for line, wid in by_line.items() if line in positions}


def _entry_pairs(work_pairs: Iterable[Pair], entries_of: dict[int, list[int]]) -> set[Pair]:
    found: set[Pair] = set()
    for a, b in work_pairs:  # entries of works merged away are no longer in entries_of
        for x in entries_of.get(a, ()):
            for y in entries_of.get(b, ()):
                found.add((min(x, y), max(x, y)))
    for entries in entries_of.values():  # entries that became one work (verbatim repeats)
        found.update(combinations(sorted(entries), 2))
    return found


def _group_pairs(pairs: list[Pair]) -> list[Pair]:
    """Every pair within the groups the pairs join (connected components)."""
    expanded: list[Pair] = []
    for group in connected_groups(pairs):
        expanded.extend(combinations(group, 2))
    return expanded


def naive(path: Path) -> tuple[Score, int]:
    """token_sort_ratio of folded titles >= t and the same year; the best t of 80..95."""
    from bibtexparser import parse_string

    library = parse_string(path.read_text())
    titles = [
        fold(e.fields_dict["title"].value) if "title" in e.fields_dict else ""
        for e in library.entries
    ]
    years = [
        e.fields_dict["year"].value.strip() if "year" in e.fields_dict else ""
        for e in library.entries
    ]
    truth = _truth(path)
    sims = []
    for i, j in combinations(range(len(titles)), 2):
        if titles[i] and years[i] == years[j]:
            sims.append((fuzz.token_sort_ratio(titles[i], titles[j]), (i + 1, j + 1)))
    best = max(
        ((score({p for s, p in sims if s >= t}, truth), t) for t in (80, 85, 90, 95)),
        key=lambda found: found[0].f1,
    )
    return best


def _truth(path: Path) -> set[Pair]:
    pairs = json.loads((path.parent / "truth.json").read_text())["pairs"]
    return {(min(a, b), max(a, b)) for a, b in pairs}


def run_one(name: str) -> dict[str, object]:
    path = DATA / name / "records.bib"
    truth = _truth(path)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        catalog = open_catalog(Path(tmp) / "catalog.sqlite")
        work_of = _import(catalog, path)
        imported = time.perf_counter()
        entries_of: dict[int, list[int]] = {}
        for entry, wid in work_of.items():
            entries_of.setdefault(wid, []).append(entry)
        found = candidates.candidates(catalog)
        scanned = time.perf_counter()
        with catalog.read() as s:
            features = queries.work_features(s)
        blocking = drain(block(features))
        index_ids = [w.id for w in features]
        blocked = {blocking.unpack(p) for p in blocking.pairs}
        blocked_works = {(index_ids[a], index_ids[b]) for a, b in blocked}
        n_works = works.stats(catalog)["works"]
        compared = _entry_pairs(blocked_works, entries_of)
        result: dict[str, object] = {
            "name": name,
            "entries": len(work_of),
            "works": n_works,
            "true pairs": len(truth),
            **_quality(found, entries_of, truth),
            "candidates": score(compared, truth),
            "reachable": _reachable(compared & truth, truth),
            "related": sum(1 for c in found if c.band is Band.RELATED),
            "import s": imported - started,
            "scan s": scanned - imported,
        }
        result["after"] = _after_decisions(catalog, found, entries_of, truth)
        result["indistinct"] = _indistinguishable(features, work_of, truth)
        catalog.close()
    result["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline, threshold = naive(path)
    result["naive"] = baseline
    result["naive t"] = threshold
    return result


def _quality(
    found: list[Candidate], entries_of: dict[int, list[int]], truth: set[Pair]
) -> dict[str, Score]:
    by_band = {band: [(c.a, c.b) for c in found if c.band is band] for band in Band}
    strong = by_band[Band.SURE] + by_band[Band.LIKELY]
    return {
        "grouped": score(_entry_pairs(_group_pairs(strong), entries_of), truth),
        "pairs": score(_entry_pairs(strong, entries_of), truth),
        "sure": score(_entry_pairs(_group_pairs(by_band[Band.SURE]), entries_of), truth),
    }


def _indistinguishable(
    features: list[WorkFeatures], work_of: dict[int, int], truth: set[Pair]
) -> tuple[int, int, float]:
    """The key's own limit: pairs of entries with the same folded title where no field
    disagrees (no comparison weighs against them), and how many of them the key calls two
    publications. No engine tells those apart by the records alone; the best F1 of one that
    links them all (and every other true pair, and nothing else) is printed beside them."""
    prepared = {w.id: prepare(w) for w in features}
    by_title: dict[str, list[int]] = {}
    for entry, wid in work_of.items():
        if prepared[wid].title:
            by_title.setdefault(prepared[wid].title, []).append(entry)
    alike = distinct = 0
    for entries in by_title.values():
        for x, y in combinations(sorted(entries), 2):
            pattern = compare(prepared[work_of[x]], prepared[work_of[y]])
            levels = zip(LEVEL, pattern, strict=True)
            if all(DEFAULT.weight(name, level)[0] >= 0 for name, level in levels if level):
                alike += 1
                distinct += (x, y) not in truth
    precision = len(truth) / (len(truth) + distinct) if truth else 1.0
    return alike, distinct, 2 * precision / (precision + 1)


def _reachable(found: set[Pair], truth: set[Pair]) -> float:
    """The share of true pairs joined by a chain of compared true pairs (one paper's copies
    that met through other copies)."""
    groups = connected_groups(found)
    group_of = {e: i for i, g in enumerate(groups) for e in g}
    joined = sum(1 for a, b in truth if a in group_of and group_of[a] == group_of.get(b))
    return joined / len(truth) if truth else 1.0


def _after_decisions(
    catalog: Catalog,
    found: list[Candidate],
    entries_of: dict[int, list[int]],
    truth: set[Pair],
    n: int = 50,
) -> Score:
    """Grouped sure + likely after `n` random pairs of the review queue were decided by the
    answer key (merged when true, not duplicates when not), then a new scan."""
    entries_of = {w: list(es) for w, es in entries_of.items()}
    pairs = [(c.a, c.b) for c in found]
    for a, b in random.Random(0).sample(pairs, min(n, len(pairs))):
        if a not in entries_of or b not in entries_of:
            continue  # merged away by an earlier decision
        if (min(entries_of[a]), min(entries_of[b])) in truth or (
            min(entries_of[b]),
            min(entries_of[a]),
        ) in truth:
            outcome = decisions.merge(catalog, [a, b])
            for gone in outcome.absorbed:
                entries_of[outcome.survivor].extend(entries_of.pop(gone))
        else:
            decisions.distinct(catalog, a, b)
    return _quality(candidates.candidates(catalog), entries_of, truth)["grouped"]


def report(r: dict[str, object]) -> None:
    print(
        f"{r['name']}: {r['entries']:,} entries -> {r['works']:,} works, "
        f"{r['true pairs']:,} true pairs"
    )
    rows = [
        ("sure+likely, grouped", r["grouped"]),
        ("sure+likely, pairs", r["pairs"]),
        ("sure alone, grouped", r["sure"]),
        ("after 50 decisions", r["after"]),
        (f"naive (t = {r['naive t']})", r["naive"]),
    ]
    for label, found in rows:
        print(f"  {label:<22} P / R / F1  {found.row()}")  # type: ignore[attr-defined]
    compared = r["candidates"].recall  # type: ignore[attr-defined]
    print(f"  candidate recall       {compared:.4f} compared, {r['reachable']:.4f} reachable")
    print(f"  related band           {r['related']:,} pairs")
    alike, distinct, ceiling = r["indistinct"]  # type: ignore[misc]
    print(
        f"  indistinguishable      {distinct:,} of {alike:,} same-title pairs with no field "
        f"that disagrees are two publications in the key (best F1 then: {ceiling:.3f})"
    )
    print(f"  import {r['import s']:.1f} s, scan {r['scan s']:.1f} s, peak {r['peak MB']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated collection names")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one collection in this process
    args = parser.parse_args()
    if args.one:
        report(run_one(args.one))
        return
    names = args.only.split(",") if args.only else list(COLLECTIONS)
    for name in names:  # one process each: a peak of memory per collection
        subprocess.run([sys.executable, __file__, "--one", name], check=True)


if __name__ == "__main__":
    main()
