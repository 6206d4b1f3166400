"""Measure venue curation at catalog scale and print the figures (nothing here is asserted).

A seeded BibTeX file gives N works spread over V venues, each written under several labels:
acronym and expansion, case and word-order variants, years and "Proceedings of the", "(Oral)",
and a journal's ISO 4 abbreviation.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from curator.services import history, importing, venues
from curator.store.catalog import open_catalog
from curator.venues.labels import iso4
from run import timed

WORDS = [
    "learning",
    "vision",
    "language",
    "speech",
    "robotics",
    "systems",
    "data",
    "mining",
    "knowledge",
    "retrieval",
    "graphics",
    "security",
    "networks",
    "databases",
    "theory",
    "algorithms",
    "optimization",
    "logic",
    "semantics",
    "computation",
    "neural",
    "statistical",
    "distributed",
    "parallel",
    "software",
    "verification",
    "music",
    "biology",
    "chemistry",
    "economics",
    "ethics",
    "interaction",
    "reasoning",
    "planning",
    "control",
    "signal",
]
HEADS = ("International Conference on", "Workshop on", "Transactions on", "Symposium on")


def venue_labels(rng: random.Random, n_venues: int) -> list[list[str]]:
    """For each venue, the labels listings use for it."""
    seen: set[str] = set()
    venues_: list[list[str]] = []
    while len(venues_) < n_venues:
        head = rng.choice(HEADS)
        topic = " ".join(w.title() for w in rng.sample(WORDS, rng.randint(2, 3)))
        name = f"{head} {topic}"
        if name in seen:
            continue
        seen.add(name)
        acronym = "".join(w[0] for w in name.split() if w not in ("on",)).upper()
        year = rng.randint(2015, 2024)
        labels = [name]
        if head != "Workshop on":
            labels.append(acronym)
        if head == "Transactions on":
            labels.append(iso4(name))  # "Trans. Mach. Learn."
        labels += [name.upper(), f"Proceedings of the {name}", f"{name} {year}",
                   f"{name} (Oral)"]  # fmt: skip
        venues_.append(rng.sample(labels, rng.randint(1, len(labels))))
    return venues_


def bib(n_works: int, n_venues: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    pool = venue_labels(rng, n_venues)
    entries = []
    for i in range(n_works):
        labels = rng.choice(pool)
        label = rng.choice(labels)
        field = "journal" if label.startswith("Transactions") else "booktitle"
        entries.append(
            f"@inproceedings{{w{i},\n  title = {{Study number {i} of {rng.choice(WORDS)}}},\n"
            f"  author = {{Author {i % 997} and Other {i % 89}}},\n"
            f"  {field} = {{{label}}},\n  year = {2010 + i % 15}\n}}\n"
        )
    return "\n".join(entries)


def main(n_works: int, n_venues: int) -> None:
    print(f"venues: {n_works:,} works over {n_venues:,} venues written many ways (seeded)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "venues.bib"
        path.write_text(bib(n_works, n_venues))
        catalog = open_catalog(Path(tmp) / "v.sqlite")
        timed("import", lambda: importing.run_to_end(importing.import_files(catalog, [path])))
        listed = timed("list venues with labels and counts", lambda: venues.list_venues(catalog))
        print(f"  {'venues (one per distinct label key)':<48} {len(listed):10,}")
        found = timed("suggestions (all rules)", lambda: venues.suggestions(catalog))
        sure = sum(1 for x in found if x.band == "sure")
        print(f"  {'suggestions / sure':<48} {len(found):>6,} / {sure:,}")
        timed("parent links", lambda: venues.parent_links(catalog))
        biggest = max(listed, key=lambda v: v.works)
        timed(f"rename the biggest venue ({biggest.works:,} works)",
              lambda: venues.rename(catalog, biggest.id, biggest.name + " (renamed)"))  # fmt: skip
        timed("undo the rename", lambda: history.undo(catalog))
        timed("accept all sure suggestions (one event)", lambda: venues.accept_all_sure(catalog))
        timed("undo accept all sure", lambda: history.undo(catalog))
        catalog.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak resident memory':<48} {peak:10.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--venues", type=int, default=1_000)
    args = parser.parse_args()
    main(args.works, args.venues)
