"""Editing and searching works: validated, atomic, logged with before and after."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from curator.domain.errors import NotFoundError, ValidationError
from curator.services import works
from curator.store.catalog import Catalog
from tests.catalog_state import decoded


def _events(catalog: Catalog, kind: str) -> list[dict]:
    with catalog.read() as s:
        rows = s.execute(text("SELECT payload FROM event WHERE kind = :k ORDER BY id"), {"k": kind})
        return [decoded(r[0]) for r in rows]


def _first_id(catalog: Catalog) -> int:
    return works.rows(catalog)[0].id


def test_edit_changes_fields_and_logs_before_and_after(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    before = works.work(seeded, wid)
    after = works.edit_work(
        seeded,
        wid,
        {"year": "2023", "title": "  A   new title ", "authors": "Ada Lovelace; Alan Turing"},
    )
    assert after.year == 2023
    assert after.title == "A new title"
    assert after.authors == ("Ada Lovelace", "Alan Turing")
    (event,) = _events(seeded, "edit")
    assert event["work_id"] == wid
    assert event["before"]["title"] == before.title
    assert event["after"] == {
        "year": 2023,
        "title": "A new title",
        "authors": ["Ada Lovelace", "Alan Turing"],
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("year", "23"),
        ("year", "3023"),
        ("year", "soon"),
        ("month", "13"),
        ("arxiv_id", "2401.1"),
        ("arxiv_id", "not-an-id"),
        ("doi", "doi please"),
        ("url", "www.example.com"),
        ("entry_type", "poster"),
        ("citation_key", "has space"),
        ("colour", "red"),
    ],
)
def test_rejected_edit_changes_nothing(seeded: Catalog, field: str, value: str) -> None:
    wid = _first_id(seeded)
    before = works.work(seeded, wid)
    with pytest.raises(ValidationError) as info:
        works.edit_work(seeded, wid, {"title": "Should not be saved", field: value})
    assert field in str(info.value)
    assert works.work(seeded, wid) == before
    assert _events(seeded, "edit") == []


def test_arxiv_id_is_normalised(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    assert works.edit_work(seeded, wid, {"arxiv_id": "arXiv:2310.10631v2"}).arxiv_id == "2310.10631"


def test_editing_venue_links_a_venue(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    edited = works.edit_work(seeded, wid, {"venue": "Transactions on Machine Learning Research"})
    assert edited.venue == "Transactions on Machine Learning Research"
    assert edited.venue_kind == "journal"
    assert edited.entry_type == "article"
    cleared = works.edit_work(seeded, wid, {"venue": None})
    assert cleared.venue is None


def test_citation_keys_are_unique(seeded: Catalog) -> None:
    a, b = (r.id for r in works.rows(seeded)[:2])
    works.edit_work(seeded, a, {"citation_key": "biderman2023llemma"})
    with pytest.raises(ValidationError, match="already used"):
        works.edit_work(seeded, b, {"citation_key": "biderman2023llemma"})


def test_entry_type_override_and_back_to_automatic(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    assert works.edit_work(seeded, wid, {"entry_type": "techreport"}).entry_type == "techreport"
    auto = works.edit_work(seeded, wid, {"entry_type": None})
    assert not auto.entry_type_overridden


def test_edit_with_no_real_change_logs_nothing(seeded: Catalog) -> None:
    w = works.work(seeded, _first_id(seeded))
    works.edit_work(seeded, w.id, {"title": w.title})
    assert _events(seeded, "edit") == []


def test_unknown_work_is_not_found(seeded: Catalog) -> None:
    with pytest.raises(NotFoundError):
        works.edit_work(seeded, 99999, {"year": "2020"})
    with pytest.raises(NotFoundError):
        works.work(seeded, 99999)


def test_search_uses_words_prefixes_ids_and_accents(seeded: Catalog) -> None:
    found = [works.work(seeded, r.id) for r in works.rows(seeded, "pink eleph")]
    assert len(found) >= 3  # two author pages and the untitled arXiv record
    assert all("Pink Elephant" in f"{w.title} {w.abstract}" for w in found)
    assert [r.arxiv_id for r in works.rows(seeded, "2310.10631")] == ["2310.10631"]
    assert works.rows(seeded, "Rocktaschel")  # matches Rocktäschel in an author list
    assert works.rows(seeded, "zzzzunlikely") == []
    assert len(works.rows(seeded, "   ")) == len(works.rows(seeded))


def test_search_follows_edits(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    works.edit_work(seeded, wid, {"notes": "shelved under quokka"})
    assert [r.id for r in works.rows(seeded, "quokka")] == [wid]


def test_edit_logs_the_venue_it_created(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    works.edit_work(seeded, wid, {"venue": "Journal of Curiosities"})
    (event,) = _events(seeded, "edit")
    assert len(event["created"]["venues"]) == 1 and len(event["created"]["aliases"]) == 1


def test_the_event_log_cannot_be_rewritten(seeded: Catalog) -> None:
    with pytest.raises(Exception, match="append-only"), seeded.write() as s:
        s.execute(text("DELETE FROM event"))
    with pytest.raises(Exception, match="append-only"), seeded.write() as s:
        s.execute(text("UPDATE event SET summary = 'x'"))


def test_search_finds_a_citation_key_whole_or_by_its_start(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    works.edit_work(seeded, wid, {"citation_key": "DBLP:conf/nips/Smith_2020"})
    title_word = (works.work(seeded, wid).title or "").split()[0]
    for typed in (
        "DBLP:conf/nips/Smith_2020",
        "SMITH_2020",
        "conf/nips",
        "smith",
        f"smith {title_word}",
    ):
        assert wid in [r.id for r in works.rows(seeded, typed)], typed
    assert works.rows(seeded, "smith_2021") == []
    assert works.rows(seeded, "smith zzzzunlikely") == []
    assert works.rows(seeded, "smith__020") == []  # _ is no wildcard
    works.edit_work(seeded, wid, {"citation_key": "jones2020"})
    assert wid not in [r.id for r in works.rows(seeded, "smith")]


def test_search_accepts_an_arxiv_prefix(seeded: Catalog) -> None:
    assert [r.arxiv_id for r in works.rows(seeded, "arXiv:2310.10631")] == ["2310.10631"]


def test_empty_flag_clears_it(seeded: Catalog) -> None:
    wid = _first_id(seeded)
    works.edit_work(seeded, wid, {"authors_incomplete": True})
    assert works.edit_work(seeded, wid, {"authors_incomplete": None}).authors_incomplete is False
