"""Measures the duplicate engine: quality per band, blocking recall, time and peak memory by size.

Usage: python benchmarks/dedup_bench.py [--max] [--sizes 1000,10000] [--seed 1]
Each size runs in a fresh process so peak memory (ru_maxrss) belongs to that size alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from curator.domain.matching import Band, Candidate, WorkFeatures
from curator.domain.progress import drain as run
from curator.matching.blocking import TokenCache, block
from curator.matching.engine import is_duplicate, scan
from curator.matching.scoring import band_of, score
from dedup_generator import Catalog, generate


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prf(found: set, truth: set) -> dict[str, float]:
    hits = len(found & truth)
    p = hits / len(found) if found else 1.0
    r = hits / len(truth) if truth else 1.0
    return {"n": len(found), "p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _linkable(a: WorkFeatures, b: WorkFeatures) -> bool:
    """Whether two copies share anything a text engine can see: a title each, an abstract each."""
    return bool(
        (a.title and b.title)
        or (a.abstract and b.abstract)
        or (a.arxiv_id and a.arxiv_id == b.arxiv_id)
        or (a.doi and a.doi == b.doi)
    )


def quality(catalog: Catalog, candidates: list[Candidate]) -> dict[str, object]:
    truth = catalog.true_pairs()
    by_band = {band.value: {(c.a, c.b) for c in candidates if c.band is band} for band in Band}
    out: dict[str, object] = {band: prf(pairs, truth) for band, pairs in by_band.items()}
    out["sure+likely"] = prf({(c.a, c.b) for c in candidates if is_duplicate(c)}, truth)
    out["all bands"] = prf({(c.a, c.b) for c in candidates}, truth)
    blocking = run(block(catalog.works))
    position = {w.id: i for i, w in enumerate(catalog.works)}
    stride = blocking.stride
    kept = sum(
        1
        for a, b in truth
        if min(position[a], position[b]) * stride + max(position[a], position[b]) in blocking.pairs
    )
    out["blocking_recall"] = kept / len(truth) if truth else 1.0
    works = {w.id: w for w in catalog.works}
    linkable = {p for p in truth if _linkable(works[p[0]], works[p[1]])}
    kept_linkable = sum(
        1
        for a, b in linkable
        if min(position[a], position[b]) * stride + max(position[a], position[b]) in blocking.pairs
    )
    out["linkable_pairs"] = len(linkable)
    out["blocking_recall_linkable"] = kept_linkable / len(linkable) if linkable else 1.0
    out["blocked_pairs"] = len(blocking.pairs)
    out["true_pairs"] = len(truth)
    ceiling = sum(1 for a, b in truth if band_of(score(works[a], works[b])[0]) is not None)
    out["scorer_recall_without_blocking"] = ceiling / len(truth) if truth else 1.0
    return out


def one(size: int, seed: int, with_quality: bool) -> dict[str, object]:
    catalog = generate(size, seed)
    base = rss_mb()
    start = time.perf_counter()
    candidates = run(scan(catalog.works))
    result: dict[str, object] = {
        "size": size,
        "scan_s": time.perf_counter() - start,
        "rss_base_mb": base,
        "rss_peak_mb": rss_mb(),
        "candidates": len(candidates),
    }
    if size >= 100_000:
        # 1k works imported into a catalog of `size`: cold (a fresh process, as the command line
        # runs) and warm (the window keeps the catalog's tokens between scans)
        new_ids = {w.id for w in catalog.works[-1000:]}
        start = time.perf_counter()
        run(scan(catalog.works, new_ids))
        result["incremental_1k_s"] = time.perf_counter() - start
        cache = TokenCache()
        run(scan(catalog.works[:-1000], cache=cache))
        start = time.perf_counter()
        run(scan(catalog.works, new_ids, cache=cache))
        result["incremental_1k_warm_s"] = time.perf_counter() - start
    if with_quality:
        result["quality"] = quality(catalog, candidates)
    return result


def table(results: list[dict]) -> str:
    lines = [
        f"{'works':>9} {'scan s':>7} {'1k new s':>8} {'warm s':>7} {'base MB':>8} {'peak MB':>8} "
        f"{'blocked pairs':>13} {'block recall':>12} {'of linkable':>11}"
    ]
    for r in results:
        q = r.get("quality", {})
        inc = f"{r['incremental_1k_s']:.2f}" if "incremental_1k_s" in r else "-"
        warm = f"{r['incremental_1k_warm_s']:.2f}" if "incremental_1k_warm_s" in r else "-"
        recall = f"{q['blocking_recall']:.4f}" if q else "-"
        linkable = f"{q['blocking_recall_linkable']:.4f}" if q else "-"
        blocked = q.get("blocked_pairs", "-")
        lines.append(
            f"{r['size']:>9} {r['scan_s']:>7.2f} {inc:>8} {warm:>7} {r['rss_base_mb']:>8.0f} "
            f"{r['rss_peak_mb']:>8.0f} {blocked:>13} {recall:>12} {linkable:>11}"
        )
    for r in results:
        q = r.get("quality")
        if not q:
            continue
        lines.append(
            f"\nquality at {r['size']} works ({q['true_pairs']} true pairs, "
            f"{q['linkable_pairs']} linkable; scorer alone, "
            f"without blocking, finds {q['scorer_recall_without_blocking']:.4f}):"
        )
        lines.append(f"  {'band':<12} {'pairs':>7} {'precision':>9} {'recall':>7} {'F1':>6}")
        for band in ("sure", "likely", "possible", "sure+likely", "all bands"):
            m = q[band]
            lines.append(f"  {band:<12} {m['n']:>7} {m['p']:>9.4f} {m['r']:>7.4f} {m['f1']:>6.4f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max", action="store_true", help="also run 1M works (slow)")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quality-up-to", type=int, default=100_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.seed, args.one <= args.quality_up_to)))
        return
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.max else [])
    results = []
    for size in sizes:
        command = [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)]
        command += ["--quality-up-to", str(args.quality_up_to)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout))
        print(f"done {size}", file=sys.stderr)
    print(table(results))


if __name__ == "__main__":
    main()
