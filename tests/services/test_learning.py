"""The librarian's decisions are labels: the next scan learns from them and says so."""

from __future__ import annotations

from pathlib import Path

from curator.domain.matching import Candidate
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


def scores(catalog: Catalog, cache: candidates.ScanCache) -> dict[tuple[int, int], Candidate]:
    return {c.works: c for c in candidates.candidates(catalog, cache=cache)}


def test_merges_teach_the_next_scan(catalog: Catalog, tmp_path: Path) -> None:
    assert importing.run_to_end(importing.import_files(catalog, [listing(tmp_path)])).ok
    pairs = scraped_pairs(catalog)
    cache = candidates.ScanCache()
    before = scores(catalog, cache)
    assert candidates.learned_from(cache) == "Weights learned from this catalog"
    for a, b in pairs[:4]:  # the librarian merges four of them
        decisions.merge(catalog, [a, b])
    after = scores(catalog, cache)
    said = "Weights learned from this catalog and 4 of your decisions"
    assert candidates.learned_from(cache) == said
    for pair in pairs[4:]:
        assert after[pair].score > before[pair].score
        assert any(r.endswith("learned, with your decisions)") for r in after[pair].reasons)


def test_not_duplicate_decisions_take_pairs_like_them_out_of_likely(
    catalog: Catalog, tmp_path: Path
) -> None:
    """The scraped copies are in fact other reports: each "not duplicates" lowers the rest,
    and after seven the last three are no longer proposed as duplicates."""
    assert importing.run_to_end(importing.import_files(catalog, [listing(tmp_path)])).ok
    pairs = scraped_pairs(catalog)
    cache = candidates.ScanCache()
    rest = pairs[7:]
    found = scores(catalog, cache)
    assert all(found[p].band.is_duplicate for p in rest)
    for n, (a, b) in enumerate(pairs[:7], start=1):
        decisions.distinct(catalog, a, b)
        now = scores(catalog, cache)
        assert (a, b) not in now  # a decided pair never comes back
        assert all(now[p].score < found[p].score for p in rest)
        found = now
        assert candidates.learned_from(cache).endswith(f"and {n} of your decisions")
    assert not any(found[p].band.is_duplicate for p in rest)
