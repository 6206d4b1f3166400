"""The review screen's use cases: side by side with default picks, picks becoming a merge."""

from __future__ import annotations

import pytest

from curator.domain.errors import CuratorError, NotFoundError
from curator.services import decisions, history, review, works
from curator.store.catalog import Catalog

from .test_decisions import ids_titled, llemma


def test_compare_shows_every_side_and_the_default_pick(seeded: Catalog) -> None:
    ids = llemma(seeded)
    shown = review.compare(seeded, ids)
    assert [w.id for w in shown.works] == ids
    assert [r.spec.key for r in shown.rows] == list(review.FIELD_KEYS)
    venue = shown.row("venue")
    assert venue.rule == "published venue beats arXiv"
    assert venue.default is not None
    assert venue.default_text == venue.values[venue.default] != ""
    title = shown.row("title")
    assert title.default is not None and title.values[title.default]  # titled beats untitled
    assert all(len(records) >= 1 for records in shown.records)
    assert shown.survivor in ids


def test_a_pick_overrides_the_default_and_the_rest_follow_the_rules(seeded: Catalog) -> None:
    ids = llemma(seeded)
    shown = review.compare(seeded, ids)
    venue = shown.row("venue")
    other = next(i for i, v in enumerate(venue.values) if v != venue.default_text)
    assert review.overrides(shown, {"venue": venue.default}) == {}
    outcome = review.merge(seeded, shown, {"venue": other}, {"notes": "checked by hand"})
    merged = works.work(seeded, outcome.survivor)
    assert (merged.venue or "") == venue.values[other]
    assert merged.notes == "checked by hand"
    assert merged.title == shown.row("title").default_text
    assert {r.id for rs in shown.records for r in rs} == set(merged.record_ids)


def test_undo_names_the_step_and_an_import_is_a_step_too(seeded: Catalog) -> None:
    last_import = history.next_steps(seeded)[0]
    assert last_import is not None and last_import.startswith("Import 004_")
    ids = llemma(seeded)
    review.merge(seeded, review.compare(seeded, ids), {})
    undo_text, redo_text = history.next_steps(seeded)
    assert undo_text is not None and undo_text.startswith("Merge 3 works:")
    assert redo_text is None
    history.undo(seeded)
    assert history.next_steps(seeded) == (last_import, undo_text)


def test_compare_refuses_unknown_works(seeded: Catalog) -> None:
    with pytest.raises(NotFoundError):
        review.compare(seeded, [llemma(seeded)[0], 99999])


def test_typed_values_are_read_back_into_every_field_of_the_row(seeded: Catalog) -> None:
    ids = llemma(seeded)
    shown = review.compare(seeded, ids)
    found = review.overrides(
        shown, {}, {"authors": "Ada Lovelace; Alan Turing; et al.", "date": "2021-05"}
    )
    assert found == {
        "authors": "Ada Lovelace; Alan Turing",
        "authors_incomplete": True,
        "year": "2021",
        "month": "05",
    }
    merged = works.work(seeded, review.merge(seeded, shown, {}, {"date": "2021"}).survivor)
    assert (merged.year, merged.month) == (2021, None)


def test_a_merge_refuses_works_changed_since_they_were_shown(seeded: Catalog) -> None:
    ids = llemma(seeded)
    shown = review.compare(seeded, ids)
    works.edit_work(seeded, ids[0], {"title": "Llemma, corrected by hand"})
    before = len(works.works(seeded))
    with pytest.raises(
        CuratorError, match=r"was changed from the command line at \d\d:\d\d since you opened it"
    ):
        review.merge(seeded, shown, {"title": 1})
    assert len(works.works(seeded)) == before


def test_other_fields_follow_the_venue_and_can_be_picked(seeded: Catalog) -> None:
    """Volume and pages describe one version: the merge takes them from the work whose venue
    it keeps, never a mixture of two versions."""
    ids = llemma(seeded)
    venue_side = review.compare(seeded, ids).row("venue").default
    assert venue_side is not None
    other = next(i for i in range(len(ids)) if i != venue_side)
    works.edit_work(seeded, ids[venue_side], {"extra": "volume = 1\nnote = To appear"})
    works.edit_work(seeded, ids[other], {"extra": "volume = 9\npages = 10--20"})
    shown = review.compare(seeded, ids)
    row = shown.row("extra")
    assert (row.default, row.rule) == (venue_side, "follows the venue")
    assert row.default_text == "volume = 1\nnote = To appear"
    outcome = review.merge(seeded, shown, {})
    merged = dict(works.work(seeded, outcome.survivor).extra)
    assert merged == {"volume": "1", "note": "To appear"}
    history.undo(seeded)
    picked = review.merge(seeded, review.compare(seeded, ids), {"extra": other})
    assert dict(works.work(seeded, picked.survivor).extra) == {"volume": "9", "pages": "10--20"}
    history.undo(seeded)
    assert dict(works.work(seeded, ids[other]).extra) == {"volume": "9", "pages": "10--20"}


def test_reviewed_pairs_follow_undo_redo_and_unmerge(seeded: Catalog) -> None:
    """The queue's progress counts what decisions in effect took out of it: an undone
    decision no longer counts, a redone one counts again, a merge split again no longer."""
    a, b, c = llemma(seeded)
    group = decisions.decide(seeded, "related", [a, b, c])
    merged = decisions.merge(seeded, ids_titled(seeded, "ReLoRA"))
    done = [
        review.Resolved(group.event_id, 3),
        review.Resolved(merged.event_id, 1, merged.survivor),
    ]
    assert review.reviewed(seeded, done) == 4
    history.undo(seeded)  # the merge
    assert review.reviewed(seeded, done) == 3
    history.undo(seeded)  # the group's three pairs
    assert review.reviewed(seeded, done) == 0
    history.redo(seeded)
    history.redo(seeded)
    assert review.reviewed(seeded, done) == 4
    decisions.unmerge(seeded, merged.survivor)
    assert review.reviewed(seeded, done) == 3
    assert review.reviewed(seeded, []) == 0
