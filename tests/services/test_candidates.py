"""Candidates on the seed listings, against the hand-labelled truth in seed_duplicates.json."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from curator.domain.matching import Band, Candidate
from curator.domain.progress import drain
from curator.services import candidates, decisions, history, works
from curator.store.catalog import Catalog

TRUTH = Path(__file__).parents[1] / "fixtures" / "seed_duplicates.json"


def true_pairs(catalog: Catalog) -> set[tuple[int, int]]:
    by_place = {(r.source_file, r.ordinal): r.work_id for r in works.records(catalog)}
    pairs: set[tuple[int, int]] = set()
    for group in json.loads(TRUTH.read_text())["groups"]:
        ids = sorted(by_place[(f, o)] for f, o in group["records"])
        pairs |= set(combinations(ids, 2))
    return pairs


def test_every_true_pair_is_a_candidate(seeded: Catalog) -> None:
    found = {(c.a, c.b) for c in candidates.candidates(seeded)}
    truth = true_pairs(seeded)
    assert len(truth) == 31
    missed = truth - found
    assert not missed, f"missed {len(missed)} of {len(truth)} true pairs: {sorted(missed)}"


def test_sure_pairs_are_all_true(seeded: Catalog) -> None:
    truth = true_pairs(seeded)
    sure = [c for c in candidates.candidates(seeded, band=Band.SURE)]
    assert sure, "identical copies across the two author pages are sure"
    wrong = [c for c in sure if (c.a, c.b) not in truth]
    assert not wrong, [(c.a, c.b, c.reasons) for c in wrong]


def test_candidates_carry_readable_reasons(seeded: Catalog) -> None:
    for c in candidates.candidates(seeded):
        assert 0.0 <= c.score <= 1.0 and c.a < c.b
        assert c.reasons and all(isinstance(r, str) and r for r in c.reasons)


def test_decided_pairs_never_come_back(seeded: Catalog) -> None:
    first = candidates.candidates(seeded)[0]
    decisions.distinct(seeded, first.a, first.b)
    assert (first.a, first.b) not in {(c.a, c.b) for c in candidates.candidates(seeded)}


def test_scan_yields_progress_and_can_be_cancelled(seeded: Catalog) -> None:
    gen = candidates.scan(seeded)
    first = next(gen)
    assert first.total >= 0
    gen.close()
    assert drain(candidates.scan(seeded))


def test_auto_merge_merges_sure_groups_in_one_undoable_step(seeded: Catalog) -> None:
    before = len(works.rows(seeded))
    sure = {c.works for c in candidates.candidates(seeded, band=Band.SURE)}
    n_groups, n_works = candidates.auto_merge(seeded)
    assert n_groups >= 1 and n_works >= 2
    assert len(works.rows(seeded)) == before - (n_works - n_groups)
    left = {w.id for w in works.rows(seeded)}
    assert all(not {a, b} <= left for a, b in sure)  # each sure pair is one work now
    cache = candidates.ScanCache()
    truth = true_pairs(seeded)  # by the records' works now
    # the catalog without those groups teaches other weights: what is sure now is still true
    assert all(c.works in truth for c in candidates.candidates(seeded, Band.SURE, cache=cache))
    # the engine's own merges are not taught back to it as the librarian's decisions
    assert candidates.learned_from(cache) == "Weights learned from this catalog"
    history.undo(seeded)
    assert len(works.rows(seeded)) == before


def test_auto_merge_only_for_sure(seeded: Catalog) -> None:
    with pytest.raises(Exception, match="sure"):
        candidates.auto_merge(seeded, Band.LIKELY)


def test_the_group_around_a_pair_follows_strong_pairs_only_up_to_a_limit() -> None:
    def pair(a: int, b: int, band: Band) -> Candidate:
        return Candidate(a, b, 0.9, band, ())

    found = [pair(1, 2, Band.SURE), pair(2, 3, Band.LIKELY), pair(3, 4, Band.SURE),
             pair(4, 5, Band.POSSIBLE), pair(7, 8, Band.SURE)]  # fmt: skip
    assert candidates.group_around(found[0], found, limit=6) == [1, 2, 3, 4]
    assert candidates.group_around(found[0], found, limit=3) == [1, 2, 3]
    assert candidates.group_around(found[3], found, limit=6) == [4, 5]  # possible: the pair only


def test_merge_groups_says_which_groups_it_merged_and_skips_one_decided_distinct(
    seeded: Catalog,
) -> None:
    found = candidates.groups(candidates.candidates(seeded, band=Band.SURE))
    assert len(found) >= 2
    kept_apart = found[0]
    decisions.distinct(seeded, kept_apart[0], kept_apart[1])
    done = candidates.merge_groups(seeded, found)
    assert done.event_id is not None and done.n_groups == len(found) - 1
    assert sorted(sorted(ids) for _, ids in done.merged) == sorted(found[1:])
    assert all(survivor in ids for survivor, ids in done.merged)
    assert done.n_works == sum(len(g) for g in found[1:])
    assert candidates.merge_groups(seeded, [kept_apart]) == candidates.GroupsMerged(None, ())
