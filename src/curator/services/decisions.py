"""Use cases of duplicate review: merge, distinct, related, unmerge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from curator.domain.errors import CuratorError, ValidationError
from curator.domain.fields import validate_changes
from curator.domain.merge import Choice, MergeSide, default_choices, keep_keys
from curator.events import log
from curator.events.base import CreatedRows
from curator.events.decisions import DecidedPair, DecisionPayload, Distinct, Related
from curator.events.merges import ChoiceNote, Merge, MergePayload, Unmerge, UnmergePayload
from curator.services import works
from curator.store import queries, snapshots
from curator.store import venues as venue_store
from curator.store.catalog import Catalog
from curator.store.writes import Created, venue_for_label


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    survivor: int
    absorbed: tuple[int, ...]
    event_id: int
    choices: dict[str, Choice]


# --- merge ---------------------------------------------------------------------------------


def merge(
    catalog: Catalog,
    ids: list[int],
    keep: int | None = None,
    overrides: dict[str, Any] | None = None,
    force: bool = False,
    versions: dict[int, int] | None = None,
) -> MergeOutcome:
    """Make several works one; every value not chosen stays in the records and the event.
    With `versions` (work id -> its row version when shown), refused if any of them changed
    since (`ChangedSinceOpened`): the merge decides on what the librarian saw."""
    clean = validate_changes(overrides or {})
    with catalog.write() as s:
        works.check_versions(s, versions or {})  # first: a work merged away says by whom
        _check_mergeable(s, ids, keep, force)
        if clean.get("citation_key"):
            works.check_key_free(s, clean["citation_key"], other_than=ids)
        payload, choices = plan(s, ids, keep, clean)
        title = payload.after["title"] or "untitled"
        event_id = log.execute(s, Merge(payload), f"Merge {len(ids)} works: {title[:60]}")
        return MergeOutcome(payload.survivor, tuple(payload.absorbed), event_id, choices)


def _check_mergeable(s: Session, ids: list[int], keep: int | None, force: bool) -> None:
    if len(ids) != len(set(ids)):
        raise CuratorError("a work cannot be merged with itself; give each id once")
    if len(ids) < 2:
        raise CuratorError("merging needs at least two works")
    for wid in ids:
        queries.get_work(s, wid)
    if keep is not None and keep not in ids:
        raise CuratorError(f"--keep {keep} is not one of the works being merged")
    if not force:
        for a, b in decided_pairs(s, ids, kinds=("distinct",)):
            raise CuratorError(
                f"works {a} and {b} were decided not to be duplicates; use --force to merge anyway"
            )


def plan(
    s: Session, ids: list[int], keep: int | None, overrides: dict[str, Any]
) -> tuple[MergePayload, dict[str, Choice]]:
    before = {wid: snapshots.snapshot(s, wid) for wid in ids}
    owned = snapshots.records_of(s, ids)
    sides = [
        MergeSide(wid, before[wid], _venue_kind(s, before[wid]["venue_id"]), len(owned[wid]))
        for wid in ids
    ]
    choices = default_choices(sides, keep)
    created = Created()
    for field, value in overrides.items():
        if field == "venue":
            value = venue_for_label(s, value, created) if value else None
            field = "venue_id"
        choices[field] = Choice(value, None, "set by the librarian")
    keep_keys(choices, sides)
    survivor = keep if keep is not None else min(ids, key=lambda w: (-len(owned[w]), w))
    after = dict(before[survivor])
    after.update({field: choice.value for field, choice in choices.items()})
    payload = MergePayload(
        survivor=survivor,
        absorbed=[w for w in ids if w != survivor],
        before={w: before[w] for w in ids},
        after=after,
        records={w: owned[w] for w in ids},
        choices={f: ChoiceNote(from_work=c.from_work, rule=c.rule) for f, c in choices.items()},
        created=CreatedRows.model_validate(
            venue_store.created_rows(s, created.venues, created.aliases)
        ),
    )
    return payload, choices


def _venue_kind(s: Session, venue_id: int | None) -> str | None:
    return venue_store.venue_kind(s, venue_id)


def unmerge(catalog: Catalog, work_id: int, event_id: int | None = None) -> list[int]:
    """Undo the latest merge into `work_id` still in effect (or the merge `event_id`).

    Returns the works restored.
    """
    with catalog.write() as s:
        queries.get_work(s, work_id)
        found = log.latest_merge_into(s, work_id, event_id)
        if found is None:
            raise CuratorError(f"work {work_id} is not the result of a merge in effect")
        event_id, merge = found
        now = snapshots.snapshot(s, work_id)
        typed = venue_store.created_rows(
            s, [v.id for v in merge.created.venues], [a.id or 0 for a in merge.created.aliases]
        )
        payload = UnmergePayload(
            merge_event=event_id,
            merge=merge,
            survivor_now=now,
            created_now=CreatedRows.model_validate(typed),
        )
        command = Unmerge(payload)
        restored = [work_id, *merge.absorbed]
        log.execute(s, command, f"Unmerge work {work_id} into {len(restored)} works")
        return restored


# --- distinct and related --------------------------------------------------------------------

WORDS = {"distinct": "not duplicates", "related": "related versions"}


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision recorded: its event, the pairs it names, every pair of works it now covers
    (a work holding a copy of a decided record is covered too), and the pairs of the works
    decided that a decision covered before (left as they were)."""

    event_id: int
    pairs: tuple[tuple[int, int], ...]
    covered: frozenset[tuple[int, int]]
    before: frozenset[tuple[int, int]] = frozenset()

    @property
    def n_before(self) -> int:
        return len(self.before)


def distinct(catalog: Catalog, a: int, b: int) -> int:
    """Not duplicates: remembered so the pair never comes back as a candidate."""
    return _decide_pair(catalog, "distinct", a, b)


def related(catalog: Catalog, a: int, b: int) -> int:
    """Different versions of one paper: linked, not merged, not offered again."""
    return _decide_pair(catalog, "related", a, b)


def _decide_pair(catalog: Catalog, kind: str, a: int, b: int) -> int:
    if a == b:
        raise CuratorError(f"a work cannot be {kind} from itself")
    return decide(catalog, kind, [a, b]).event_id


def decide(catalog: Catalog, kind: str, ids: list[int]) -> Decided:
    """Decide every pair of the works `ids` that no decision covers yet, in one undoable step:
    a group of works that are distinct publications, or versions of one paper (`kind`
    "distinct" or "related"). Pairs decided before keep their decision."""
    if kind not in WORDS:
        raise CuratorError(f"unknown decision {kind!r}: distinct or related")
    if len(ids) != len(set(ids)):
        raise CuratorError("a work cannot be decided about itself; give each id once")
    if len(ids) < 2:
        raise CuratorError("a decision needs at least two works")
    with catalog.write() as s:
        for wid in ids:
            queries.get_work(s, wid)
        before = set(decided_pairs(s, ids))
        if len(ids) == 2 and before:
            a, b = sorted(ids)
            raise CuratorError(f"works {a} and {b} are already decided")
        prints = snapshots.fingerprints(s, ids)
        if any(wid not in prints for wid in ids):
            raise ValidationError("works", "a work without source records cannot be decided")
        chosen = _fingerprint_pairs(ids, prints, before)
        if not chosen:
            raise CuratorError(f"every pair of works {listed(ids)} is already decided")
        (first, fps), *more = chosen
        payload = DecisionPayload(
            kind=kind,
            works=list(first),
            fp=list(fps),
            more=[DecidedPair(works=list(p), fp=list(f)) for p, f in more],
        )
        command = Distinct(payload) if kind == "distinct" else Related(payload)
        event_id = log.execute(s, command, _summary(kind, ids, len(before)))
        covered = _covered(s, [fps for _, fps in chosen])
        return Decided(event_id, tuple(p for p, _ in chosen), frozenset(covered), frozenset(before))


def _fingerprint_pairs(
    ids: list[int], prints: dict[int, set[str]], decided: set[tuple[int, int]]
) -> list[tuple[tuple[int, int], tuple[str, str]]]:
    """The pairs to record, each with one record's fingerprint on either side; a pair that a
    pair already chosen covers (two works holding copies of one record) is not recorded twice."""
    chosen: list[tuple[tuple[int, int], tuple[str, str]]] = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if (min(a, b), max(a, b)) in decided:
                continue
            if any(
                (x in prints[a] and y in prints[b]) or (y in prints[a] and x in prints[b])
                for _, (x, y) in chosen
            ):
                continue
            chosen.append(((a, b), (min(prints[a]), min(prints[b]))))
    return chosen


def _covered(s: Session, fps: list[tuple[str, str]]) -> set[tuple[int, int]]:
    owners = snapshots.owners_of(s, {fp for pair in fps for fp in pair})
    return {
        (min(x, y), max(x, y))
        for fp_a, fp_b in fps
        for x in owners.get(fp_a, ())
        for y in owners.get(fp_b, ())
        if x != y
    }


def listed(items: Sequence[object]) -> str:
    """1, 32 and 48: works named in a sentence (the log, the command line, the window)."""
    text = [str(i) for i in items]
    return text[0] if len(text) == 1 else f"{', '.join(text[:-1])} and {text[-1]}"


def pairs_decided(n_works: int, decided_before: int) -> str:
    """What a group decision took in: "all 3 pairs", or "2 pairs; 1 decided before"."""
    n = n_works * (n_works - 1) // 2
    if not decided_before:
        return f"all {n} pairs"
    return f"{n - decided_before} pairs; {decided_before} decided before"


def _summary(kind: str, ids: list[int], decided_before: int) -> str:
    words = WORDS[kind]
    if len(ids) == 2:
        return f"Works {ids[0]} and {ids[1]}: {words}"
    return f"Works {listed(ids)}: {words} ({pairs_decided(len(ids), decided_before)})"


def undecided_pairs(catalog: Catalog, ids: list[int]) -> list[tuple[int, int]]:
    """The pairs of the works `ids` that no decision covers yet: what `decide` would decide."""
    with catalog.read() as s:
        before = set(decided_pairs(s, ids))
    return [
        (min(a, b), max(a, b))
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if (min(a, b), max(a, b)) not in before
    ]


def decided_pairs(
    s: Session, ids: list[int], kinds: tuple[str, ...] = ("distinct", "related")
) -> list[tuple[int, int]]:
    """The pairs among `ids` that a decision of one of `kinds` covers."""
    prints = snapshots.fingerprints(s, ids)
    found = []
    for d in snapshots.decisions(s):
        if d.kind not in kinds:
            continue
        left = [w for w in ids if d.fp_a in prints.get(w, ())]
        right = [w for w in ids if d.fp_b in prints.get(w, ())]
        found += [(min(x, y), max(x, y)) for x in left for y in right if x != y]
    return sorted(set(found))
