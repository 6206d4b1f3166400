"""Merges lose nothing and come undone exactly; decisions are remembered; undo/redo walk the log."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from curator.domain.errors import CuratorError, NotFoundError, ValidationError
from curator.domain.progress import drain
from curator.services import decisions, history, importing, venues, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import Catalog, open_catalog
from tests.catalog_state import content, tables_state


def state(catalog: Catalog) -> tuple[list[dict], dict[int, int]]:
    """Every work field by field, and which work owns each record."""
    all_works = [content(w) for w in works.works(catalog)]
    owners = {r.id: r.work_id for r in works.records(catalog)}
    return all_works, owners


def n_events(catalog: Catalog) -> int:
    with catalog.read() as s:
        return s.execute(text("SELECT count(*) FROM event")).scalar_one()


def ids_titled(catalog: Catalog, words: str) -> list[int]:
    return [r.id for r in works.rows(catalog, words)]


def llemma(catalog: Catalog) -> list[int]:
    found = [w.id for w in works.works(catalog, "llemma") if "Llemma" in f"{w.title}{w.abstract}"]
    assert len(found) == 3
    return found


def test_merge_moves_records_and_follows_the_rules(seeded: Catalog) -> None:
    ids = llemma(seeded)
    records_before = sum(len(works.work(seeded, i).record_ids) for i in ids)
    outcome = decisions.merge(seeded, ids)
    merged = works.work(seeded, outcome.survivor)
    assert len(merged.record_ids) == records_before == 3
    for gone in outcome.absorbed:
        with pytest.raises(NotFoundError):
            works.work(seeded, gone)
    assert merged.title == "Llemma: An Open Language Model For Mathematics"  # titled beats untitled
    assert merged.venue == "NeurIPS Workshop (Math-AI)"  # a published venue beats none
    assert merged.arxiv_id == "2310.10631"  # non-empty beats empty
    assert outcome.choices["venue_id"].rule == "published venue beats arXiv"


def test_overrides_and_keep(seeded: Catalog) -> None:
    ids = llemma(seeded)
    outcome = decisions.merge(seeded, ids, keep=ids[2], overrides={"year": "2024", "venue": "ICLR"})
    merged = works.work(seeded, ids[2])
    assert outcome.survivor == ids[2]
    assert (merged.year, merged.venue) == (2024, "ICLR")


def test_a_citation_key_taken_over_in_a_merge_comes_back_on_unmerge(seeded: Catalog) -> None:
    a, b, c = llemma(seeded)
    works.edit_work(seeded, a, {"citation_key": "azerbayev2023llemma"})
    works.edit_work(seeded, c, {"citation_key": "other2023"})
    before = state(seeded)
    with pytest.raises(ValidationError, match="already used by work"):
        decisions.merge(seeded, [a, b], keep=b, overrides={"citation_key": "other2023"})
    outcome = decisions.merge(
        seeded, [a, b], keep=b, overrides={"citation_key": "azerbayev2023llemma"}
    )
    assert works.work(seeded, outcome.survivor).citation_key == "azerbayev2023llemma"
    decisions.unmerge(seeded, b)
    assert state(seeded) == before


def test_merged_keys_stay_citable_and_unmerge_gives_them_back(seeded: Catalog) -> None:
    a, b, c = llemma(seeded)
    works.edit_work(seeded, a, {"citation_key": "ka"})
    works.edit_work(seeded, b, {"citation_key": "kb"})
    before = state(seeded)
    decisions.merge(seeded, [a, b], keep=a, overrides={"citation_key": "kb"})
    assert dict(works.work(seeded, a).extra)["ids"] == "ka"  # citing ka still finds it
    with pytest.raises(ValidationError, match=f"'ka' is already used by work {a}"):
        works.edit_work(seeded, c, {"citation_key": "ka"})
    decisions.unmerge(seeded, a)
    assert state(seeded) == before


def test_aliases_never_clash_with_keys(seeded: Catalog, tmp_path: Path) -> None:
    a, b, c = llemma(seeded)
    for wid, key in ((a, "ka"), (b, "kb"), (c, "kc")):
        works.edit_work(seeded, wid, {"citation_key": key})
    decisions.merge(seeded, [a, b], keep=a)  # a keeps ka, answers to kb too
    # merging again under the alias as key: the key is not also an alias of itself
    decisions.merge(seeded, [a, c], keep=a, overrides={"citation_key": "kb"})
    assert works.work(seeded, a).citation_key == "kb"
    assert dict(works.work(seeded, a).extra)["ids"] == "ka, kc"
    # taking an alias as the key drops it from ids; typed ids may not name another work's key
    works.edit_work(seeded, a, {"citation_key": "ka"})
    assert dict(works.work(seeded, a).extra)["ids"] == "kc"
    other = next(w.id for w in works.works(seeded) if w.id not in (a, b, c))
    works.edit_work(seeded, other, {"citation_key": "kz"})
    with pytest.raises(ValidationError, match=f"ids: 'kz' is a key of work {other}"):
        works.edit_work(seeded, a, {"extra": "ids = kc, kz"})
    with pytest.raises(ValidationError, match=f"ids: 'kc' is a key of work {a}"):
        works.edit_work(seeded, other, {"extra": "ids = kc"})
    # an imported entry keyed like an alias does not take it: the export gives it another
    bib = tmp_path / "again.bib"
    bib.write_text("@misc{kc, title = {Another}, author = {A. B}, year = 2020}\n")
    run = importing.run_to_end(importing.import_files(seeded, [bib]))
    outcome = run.reports[0].outcomes[0]
    assert "'kc' is already used by work" in outcome.reason
    assert works.work(seeded, outcome.work_id or 0).citation_key is None


def test_unmerge_is_refused_when_another_work_took_a_key_it_would_give_back(
    seeded: Catalog,
) -> None:
    a, b, c = llemma(seeded)
    works.edit_work(seeded, a, {"citation_key": "ka"})
    works.edit_work(seeded, b, {"citation_key": "kb"})
    decisions.merge(seeded, [a, b], keep=a, overrides={"citation_key": "kb"})
    works.edit_work(seeded, a, {"citation_key": "kz"})  # the merged work's key changes...
    works.edit_work(seeded, c, {"citation_key": "kb"})  # ...and another work takes kb
    merged = state(seeded)
    with pytest.raises(CuratorError, match=f"work {c} now has the citation key 'kb'"):
        decisions.unmerge(seeded, a)
    assert state(seeded) == merged


def test_a_venue_typed_for_a_merge_goes_with_its_undo(seeded: Catalog) -> None:
    before = venues.list_venues(seeded)
    ids = llemma(seeded)[:2]
    outcome = decisions.merge(seeded, ids, overrides={"venue": "Totally New Venue"})
    new_id = venues.find_venue(seeded, "Totally New Venue")
    history.undo(seeded)
    assert venues.list_venues(seeded) == before
    history.redo(seeded)
    assert venues.find_venue(seeded, "Totally New Venue") == new_id
    assert works.work(seeded, outcome.survivor).venue == "Totally New Venue"
    decisions.unmerge(seeded, outcome.survivor)
    assert venues.list_venues(seeded) == before


def test_unmerge_restores_every_field_even_after_other_edits(seeded: Catalog) -> None:
    before = state(seeded)
    ids = llemma(seeded)
    outcome = decisions.merge(seeded, ids, overrides={"title": "Llemma (merged)"})
    other = next(r.id for r in works.rows(seeded) if r.id not in ids)
    works.edit_work(seeded, other, {"notes": "edited after the merge"})
    restored = decisions.unmerge(seeded, outcome.survivor)
    assert sorted(restored) == sorted(ids)
    after_works, after_owners = state(seeded)
    expected_works, expected_owners = before
    for w in expected_works:
        if w["id"] == other:
            w["notes"] = "edited after the merge"
    assert after_owners == expected_owners
    assert after_works == expected_works


def test_undo_and_redo_walk_the_log(seeded: Catalog) -> None:
    before = state(seeded)
    outcome = decisions.merge(seeded, llemma(seeded))
    merged = state(seeded)
    assert "Merge 3 works" in history.undo(seeded)
    assert state(seeded) == before
    history.redo(seeded)
    assert state(seeded) == merged
    history.undo(seeded)
    history.redo(seeded)
    with pytest.raises(CuratorError, match="nothing to redo"):
        history.redo(seeded)
    assert works.work(seeded, outcome.survivor).id == outcome.survivor


def test_undo_of_an_edit_and_history(seeded: Catalog) -> None:
    wid = works.rows(seeded)[0].id
    old = works.work(seeded, wid).title
    works.edit_work(seeded, wid, {"title": "Changed", "venue": "Some New Venue"})
    history.undo(seeded)
    assert works.work(seeded, wid).title == old
    entries = history.history(seeded)
    assert [e.kind for e in entries[-2:]] == ["edit", "undo"]
    assert entries[-2].state == "undone"


def test_an_import_is_undone_and_redone_like_any_step(
    catalog: Catalog, seed_paths: list[Path]
) -> None:
    """Undo takes the file's works, records, batch and new venues out; redo puts the very same
    rows back; the import before it is untouched."""
    importing.run_to_end(importing.import_files(catalog, seed_paths[:1]))
    before = tables_state(catalog)
    importing.run_to_end(importing.import_files(catalog, seed_paths[1:3]))
    after = tables_state(catalog)
    assert history.undo(catalog).startswith(f"Import {seed_paths[2].name}")
    assert history.undo(catalog).startswith(f"Import {seed_paths[1].name}")
    assert tables_state(catalog) == before
    history.redo(catalog)
    history.redo(catalog)
    assert tables_state(catalog) == after
    assert [e.state for e in history.history(catalog) if e.kind == "import"] == ["done"] * 3


def test_unmerge_then_undo_brings_the_merge_back(seeded: Catalog) -> None:
    ids = llemma(seeded)
    outcome = decisions.merge(seeded, ids)
    works.edit_work(seeded, outcome.survivor, {"notes": "after merge"})
    merged = state(seeded)
    decisions.unmerge(seeded, outcome.survivor)
    history.undo(seeded)  # undo the unmerge
    assert state(seeded) == merged


def test_distinct_is_remembered_and_blocks_merge(seeded: Catalog) -> None:
    a, b, _ = llemma(seeded)
    decisions.distinct(seeded, a, b)
    with pytest.raises(CuratorError, match="decided not to be duplicates"):
        decisions.merge(seeded, [a, b])
    with pytest.raises(CuratorError, match="already decided"):
        decisions.related(seeded, a, b)
    outcome = decisions.merge(seeded, [a, b], force=True)
    assert outcome.survivor in (a, b)


def test_decisions_survive_reimport(seeded: Catalog) -> None:
    a, b, _ = llemma(seeded)
    decisions.related(seeded, a, b)
    importing.run_to_end(importing.import_files(seeded, sample_listing_paths()))
    with seeded.read() as s:
        assert decisions.decided_pairs(s, [a, b]) == [(min(a, b), max(a, b))]


@pytest.mark.parametrize(
    ("ids", "keep", "message"),
    [([1, 1], None, "itself"), ([1], None, "at least two"), ([1, 9999], None, "no work"),
     ([1, 2], 3, "not one of")],
)  # fmt: skip
def test_bad_merges_change_nothing(
    seeded: Catalog, ids: list[int], keep: int | None, message: str
) -> None:
    before, events = state(seeded), n_events(seeded)
    with pytest.raises(CuratorError, match=message):
        decisions.merge(seeded, ids, keep=keep)
    assert state(seeded) == before and n_events(seeded) == events


def test_bad_decisions_change_nothing(seeded: Catalog) -> None:
    events = n_events(seeded)
    with pytest.raises(CuratorError, match="itself"):
        decisions.distinct(seeded, 3, 3)
    with pytest.raises(NotFoundError):
        decisions.related(seeded, 3, 9999)
    with pytest.raises(CuratorError, match="not the result of a merge"):
        decisions.unmerge(seeded, 3)
    assert n_events(seeded) == events


_TEMPLATE: dict[str, Path] = {}


def _fresh_catalog(tmp: Path) -> Catalog:
    """A copy of one seeded catalog file: hypothesis examples need a fresh one each, fast."""
    if "path" not in _TEMPLATE:
        base = tmp / "template.sqlite"
        cat = open_catalog(base)
        importing.run_to_end(importing.import_files(cat, sample_listing_paths()))
        cat.close()  # the last connection to close folds the WAL into the file
        _TEMPLATE["path"] = base
    target = tmp / f"c{len(list(tmp.iterdir()))}.sqlite"
    shutil.copy(_TEMPLATE["path"], target)
    return open_catalog(target)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.integers(min_value=1, max_value=65), min_size=2, max_size=6, unique=True),
    keep_index=st.integers(min_value=0, max_value=5),
    title=st.one_of(st.none(), st.text(min_size=1, max_size=30).filter(str.strip)),
)
def test_merge_then_unmerge_is_identity(
    tmp_path_factory, picks: list[int], keep_index: int, title: str | None
) -> None:  # type: ignore[no-untyped-def]
    catalog = _fresh_catalog(tmp_path_factory.getbasetemp())
    try:
        before = state(catalog)
        keep = picks[keep_index % len(picks)]
        overrides = {"title": title} if title else {}
        outcome = decisions.merge(catalog, picks, keep=keep, overrides=overrides, force=True)
        assert outcome.survivor == keep
        decisions.unmerge(catalog, keep)
        assert state(catalog) == before
        history.undo(catalog)
        history.undo(catalog)
        assert state(catalog) == before
    finally:
        catalog.close()


def test_undo_of_an_edit_gives_back_when_the_work_was_last_changed(seeded: Catalog) -> None:
    wid = works.rows(seeded)[0].id
    with seeded.write() as s:  # a work last changed long ago
        s.execute(
            text("UPDATE work SET updated_at = '2020-01-01 00:00:00.000000' WHERE id = :w"),
            {"w": wid},
        )
    before = tables_state(seeded)
    works.edit_work(seeded, wid, {"notes": "touched"})
    history.undo(seeded)
    assert tables_state(seeded) == before


def test_a_venue_typed_for_a_merge_and_merged_away_since_stays_merged(seeded: Catalog) -> None:
    """Unmerge, undo of the unmerge, then undo of the venue merge: each exact, none fails."""
    a, b, _ = llemma(seeded)
    outcome = decisions.merge(seeded, [a, b], keep=a, overrides={"venue": "Fresh Venue"})
    fresh = venues.find_venue(seeded, "Fresh Venue")
    other = next(v.id for v in venues.list_venues(seeded) if v.id != fresh)
    venues.merge(seeded, [other, fresh], into=other)
    merged = tables_state(seeded)
    decisions.unmerge(seeded, outcome.survivor)
    history.undo(seeded)  # the unmerge: the typed venue stays merged into the other
    assert tables_state(seeded) == merged
    assert history.undo(seeded).startswith("Merge venues 'Fresh Venue'")


def test_undoing_an_unmerge_keeps_what_was_done_to_a_typed_venue_since(seeded: Catalog) -> None:
    a, b, _ = llemma(seeded)
    outcome = decisions.merge(seeded, [a, b], keep=a, overrides={"venue": "Fresh Venue"})
    fresh = venues.find_venue(seeded, "Fresh Venue")
    parent = next(v.id for v in venues.list_venues(seeded) if v.name == "NeurIPS")
    venues.set_kind(seeded, fresh, "workshop")
    venues.set_parent(seeded, fresh, parent)
    before = tables_state(seeded)
    decisions.unmerge(seeded, outcome.survivor)
    history.undo(seeded)
    assert tables_state(seeded) == before


def test_undo_takes_the_step_it_was_shown_or_none(seeded: Catalog) -> None:
    """The window names a step in its menu; if another change came first, nothing is undone."""
    wid = works.rows(seeded)[0].id
    works.edit_work(seeded, wid, {"notes": "first"})
    shown = history.next_step_events(seeded)[0].event_id  # type: ignore[union-attr]
    works.edit_work(seeded, wid, {"notes": "second"})  # e.g. an import that ran first
    before = tables_state(seeded)
    with pytest.raises(CuratorError, match="has changed since it was shown"):
        drain(history.undo_steps(seeded, expected=shown))
    assert tables_state(seeded) == before
    latest = history.next_step_events(seeded)[0].event_id  # type: ignore[union-attr]
    drain(history.undo_steps(seeded, expected=latest))
    assert works.work(seeded, wid).notes == "first"


def test_a_catalog_whose_only_import_was_undone_is_not_new(
    catalog: Catalog, seed_paths: list[Path]
) -> None:
    """The window fills a new catalog with the sample listings; that must never void a redo."""
    assert history.is_new(catalog)
    importing.run_to_end(importing.import_files(catalog, seed_paths[:1]))
    history.undo(catalog)
    assert works.stats(catalog)["works"] == 0
    assert not history.is_new(catalog)


def decided(catalog: Catalog, ids: list[int], kind: str = "distinct") -> list[tuple[int, int]]:
    with catalog.read() as s:
        return decisions.decided_pairs(s, ids, kinds=(kind,))


def test_a_group_decision_is_one_step_and_its_undo_takes_back_every_pair(
    seeded: Catalog,
) -> None:
    ids = llemma(seeded)
    everything = tables_state(seeded)
    events = n_events(seeded)
    assert len(decisions.undecided_pairs(seeded, ids)) == 3
    done = decisions.decide(seeded, "distinct", ids)
    assert n_events(seeded) == events + 1  # one step
    a, b, c = sorted(ids)
    assert decided(seeded, ids) == [(a, b), (a, c), (b, c)] == sorted(done.covered)
    assert decisions.undecided_pairs(seeded, ids) == []
    first, second, third = ids
    assert history.next_steps(seeded)[0] == (
        f"Works {first}, {second} and {third}: not duplicates (all 3 pairs)"
    )
    after = tables_state(seeded)
    history.undo(seeded)
    assert decided(seeded, ids) == [] and tables_state(seeded) == everything
    history.redo(seeded)
    assert tables_state(seeded) == after  # the same decisions, ids and times


def test_a_group_decision_leaves_pairs_decided_before_as_they_were(seeded: Catalog) -> None:
    a, b, c = llemma(seeded)
    decisions.distinct(seeded, a, b)
    done = decisions.decide(seeded, "related", [a, b, c])
    assert sorted(done.pairs) == sorted([(a, c), (b, c)])
    assert decided(seeded, [a, b]) == [(min(a, b), max(a, b))]  # still not duplicates
    assert len(decided(seeded, [a, b, c], "related")) == 2
    assert history.next_steps(seeded)[0].endswith("related versions (2 pairs; 1 decided before)")
    with pytest.raises(CuratorError, match=r"every pair of works .* is already decided"):
        decisions.decide(seeded, "distinct", [a, b, c])
    history.undo(seeded)
    assert decided(seeded, [a, b, c], "related") == []
    assert decided(seeded, [a, b]) == [(min(a, b), max(a, b))]


def test_works_holding_copies_of_one_record_are_decided_once(seeded: Catalog) -> None:
    """Two works with the same record (a listing imported twice): one decision row covers
    both, and the step says which pairs it covers."""
    ids = ids_titled(seeded, "Detecting Backdoors with Meta-Models")
    assert len(ids) == 3
    done = decisions.decide(seeded, "distinct", ids)
    a, b, c = sorted(ids)
    assert sorted(done.covered) == [(a, b), (a, c), (b, c)] == decided(seeded, ids)
    assert len(done.pairs) < 3  # a copy's pair was covered by another's decision


@pytest.mark.parametrize(
    ("kind", "ids", "message"),
    [("distinct", [3, 3, 4], "once"), ("related", [3], "at least two"),
     ("merged", [3, 4], "unknown decision"), ("distinct", [3, 4, 9999], "no work")],
)  # fmt: skip
def test_bad_group_decisions_change_nothing(
    seeded: Catalog, kind: str, ids: list[int], message: str
) -> None:
    events = n_events(seeded)
    with pytest.raises(CuratorError, match=message):
        decisions.decide(seeded, kind, ids)
    assert n_events(seeded) == events
