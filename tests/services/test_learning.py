"""The librarian's decisions are labels: the next scan learns from them and says so."""

from __future__ import annotations

from pathlib import Path

from curator.services import candidates, decisions, importing, works
from curator.store.catalog import Catalog

TOPICS = [
    "river", "glacier", "aquifer", "wetland", "estuary", "delta", "lagoon", "fjord", "tundra",
    "steppe", "savanna", "canyon", "plateau", "moraine", "peatland", "mangrove", "atoll", "karst",
]  # fmt: skip


def entry(key: str, title: str, authors: str, year: int) -> str:
    fields = f"title = {{{title}}}, author = {{{authors}}}, year = {{{year}}}"
    return f"@article{{{key},\n  {fields}\n}}\n"


def listing(tmp_path: Path) -> Path:
    """Unrelated papers, and copies of papers a scraper took from author pages: a word of the
    title lost, the year one off, only the page owner named. The catalog alone cannot tell
    whether such pairs are one work; the librarian can."""
    parts = []
    for i, topic in enumerate(TOPICS):
        title = f"Sediment transport and carbon burial in {topic} systems of Europe {i}a"
        parts.append(entry(f"a{i}", title, f"Author{i}, Ann and Writer{i}, Bo", 2000 + i))
    for i, topic in enumerate(TOPICS[:10]):
        full = f"Long-term monitoring of nitrogen loads in the {topic} basins of Lappland{i}"
        short = f"Monitoring of nitrogen loads in {topic} basins of Lappland{i}"
        parts.append(entry(f"p{i}", full, f"Lind{i}, Eva and Berg{i}, Olle", 2015))
        parts.append(entry(f"q{i}", short, f"Lind{i}, E.", 2016))
    path = tmp_path / "listing.bib"
    path.write_text("\n".join(parts))
    return path


def scraped_pairs(catalog: Catalog) -> list[tuple[int, int]]:
    """(full copy, scraped copy) of each paper, by their titles."""
    ids = {w.title: w.id for w in works.rows(catalog)}
    return [
        (ids[f"Long-term monitoring of nitrogen loads in the {t} basins of Lappland{i}"],
         ids[f"Monitoring of nitrogen loads in {t} basins of Lappland{i}"])
        for i, t in enumerate(TOPICS[:10])
    ]  # fmt: skip


def scores(catalog: Catalog) -> dict[tuple[int, int], float]:
    return {(c.a, c.b): c.score for c in candidates.candidates(catalog)}


def test_merges_teach_the_next_scan_to_find_pairs_like_them(
    catalog: Catalog, tmp_path: Path
) -> None:
    assert importing.run_to_end(importing.import_files(catalog, [listing(tmp_path)])).ok
    pairs = scraped_pairs(catalog)
    taught, rest = pairs[:4], pairs[4:]
    before = scores(catalog)
    assert candidates.learned_from(catalog) == "Weights learned from this catalog"
    assert not any(p in before for p in rest), "the catalog alone does not find them"
    for a, b in taught:  # the librarian finds four by hand and merges them
        decisions.merge(catalog, [a, b])
    after = scores(catalog)
    assert all(after.get(p, 0.0) >= 0.25 for p in rest), "the rest are now worth a look"
    said = "Weights learned from this catalog and 4 of your decisions"
    assert candidates.learned_from(catalog) == said
    found = next(c for c in candidates.candidates(catalog) if (c.a, c.b) == rest[0])
    assert any(r.endswith("learned, with your decisions)") for r in found.reasons)


def test_not_duplicate_decisions_lower_pairs_like_them(catalog: Catalog, tmp_path: Path) -> None:
    assert importing.run_to_end(importing.import_files(catalog, [listing(tmp_path)])).ok
    pairs = scraped_pairs(catalog)
    for a, b in pairs[:4]:
        decisions.merge(catalog, [a, b])
    taught = scores(catalog)
    rest = pairs[4:]
    for a, b in rest[:3]:  # on second thought, these are different reports
        decisions.distinct(catalog, a, b)
    after = scores(catalog)
    assert not set(rest[:3]) & set(after)  # decided pairs never come back
    assert all(after.get(p, 0.0) < taught[p] for p in rest[3:])
