"""Use cases: merge, distinct, related, unmerge, and undo/redo over the event log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from curator.domain.errors import CuratorError, ValidationError
from curator.domain.merge import Choice, MergeSide, default_choices, keep_keys
from curator.domain.validation import validate_changes
from curator.services import history as log
from curator.services import recovery, venues, works
from curator.store import queries, snapshots
from curator.store import venues as venue_store
from curator.store.catalog import Catalog
from curator.store.tables import Venue, Work
from curator.store.venues import live_venue_id
from curator.store.writes import Created, add_event, set_citation_keys, venue_for_label


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
) -> MergeOutcome:
    """Make several works one; every value not chosen stays in the records and the event."""
    clean = validate_changes(overrides or {})
    with catalog.write() as s:
        _check_mergeable(s, ids, keep, force)
        if clean.get("citation_key"):
            works.check_key_free(s, clean["citation_key"], other_than=ids)
        payload, choices = plan(s, ids, keep, clean)
        apply_merge(s, payload)
        title = payload["after"]["title"] or "untitled"
        event = add_event(s, "merge", f"Merge {len(ids)} works: {title[:60]}", payload)
        return MergeOutcome(payload["survivor"], tuple(payload["absorbed"]), event.id or 0, choices)


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
) -> tuple[dict[str, Any], dict[str, Choice]]:
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
    payload = {
        "survivor": survivor,
        "absorbed": [w for w in ids if w != survivor],
        "before": {str(w): before[w] for w in ids},
        "after": after,
        "records": {str(w): owned[w] for w in ids},
        "choices": {f: {"from": c.from_work, "rule": c.rule} for f, c in choices.items()},
        "created": venue_store.created_rows(s, created.venues, created.aliases),
    }
    return payload, choices


def _venue_kind(s: Session, venue_id: int | None) -> str | None:
    venue = s.get(Venue, venue_id) if venue_id else None
    return venue.kind if venue else None


def apply_merge(s: Session, payload: dict[str, Any]) -> None:
    survivor = payload["survivor"]
    if payload.get("created"):  # a venue typed for the merge (older merges did not record it)
        venue_store.restore_created(s, payload["created"])
    for wid in payload["absorbed"]:
        snapshots.move_records(s, payload["records"][str(wid)], survivor)
        snapshots.delete_work(s, wid)
    snapshots.restore(s, payload["after"])


def restore_merge(s: Session, payload: dict[str, Any]) -> None:
    """Put every work of a merge back exactly as it was before, records included."""
    survivor = payload["survivor"]
    for wid in payload["absorbed"]:
        if s.get(Work, wid) is not None:
            raise CuratorError(f"work {wid} exists again; this merge was already undone")
    owned = set(snapshots.records_of(s, [survivor])[survivor])
    for wid in payload["absorbed"]:
        missing = set(payload["records"][str(wid)]) - owned
        if missing:
            raise CuratorError(
                f"records of work {wid} have moved on since (a later merge); undo that first"
            )
    _check_keys_free(s, payload)
    snapshots.restore(s, payload["before"][str(survivor)])  # first: it may hold their key
    for wid in payload["absorbed"]:
        snapshots.restore(s, payload["before"][str(wid)])
        snapshots.move_records(s, payload["records"][str(wid)], wid)
    if payload.get("created"):
        venue_store.drop_created(s, payload["created"])


def _check_keys_free(s: Session, payload: dict[str, Any]) -> None:
    """The works come back with their citation keys: refuse if another work took one since."""
    ids = [int(w) for w in payload["before"]]
    for wid, before in payload["before"].items():
        key = before.get("citation_key")
        other = queries.work_with_citation_key(s, key, other_than=ids) if key else None
        if other is not None:
            raise CuratorError(
                f"work {other} now has the citation key {key!r} that work {wid} had; "
                "change that key first"
            )


def unmerge(catalog: Catalog, work_id: int, event_id: int | None = None) -> list[int]:
    """Undo the latest merge into `work_id` still in effect (or the merge `event_id`).

    Returns the works restored.
    """
    with catalog.write() as s:
        queries.get_work(s, work_id)
        found = log.latest_merge_into(s, work_id, event_id)
        if found is None:
            raise CuratorError(f"work {work_id} is not the result of a merge in effect")
        event_id, merge_payload = found
        now = snapshots.snapshot(s, work_id)
        restore_merge(s, merge_payload)
        restored = [work_id, *merge_payload["absorbed"]]
        add_event(
            s,
            "unmerge",
            f"Unmerge work {work_id} into {len(restored)} works",
            {"merge_event": event_id, "merge": merge_payload, "survivor_now": now},
        )
        return restored


# --- distinct and related --------------------------------------------------------------------


def distinct(catalog: Catalog, a: int, b: int) -> int:
    """Not duplicates: remembered so the pair never comes back as a candidate."""
    return _decide(catalog, "distinct", a, b)


def related(catalog: Catalog, a: int, b: int) -> int:
    """Different versions of one paper: linked, not merged, not offered again."""
    return _decide(catalog, "related", a, b)


def _decide(catalog: Catalog, kind: str, a: int, b: int) -> int:
    if a == b:
        raise CuratorError(f"a work cannot be {kind} from itself")
    with catalog.write() as s:
        for wid in (a, b):
            queries.get_work(s, wid)
        for pair in decided_pairs(s, [a, b]):
            raise CuratorError(f"works {pair[0]} and {pair[1]} are already decided")
        prints = snapshots.fingerprints(s, [a, b])
        if a not in prints or b not in prints:
            raise ValidationError("works", "a work without source records cannot be decided")
        fp_a, fp_b = min(prints[a]), min(prints[b])
        decision = snapshots.add_decision(s, kind, fp_a, fp_b, a, b)
        payload = {"decision_id": decision, "kind": kind, "works": [a, b], "fp": [fp_a, fp_b]}
        words = "not duplicates" if kind == "distinct" else "related versions"
        event = add_event(s, kind, f"Works {a} and {b}: {words}", payload)
        return event.id or 0


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


# --- undo and redo ---------------------------------------------------------------------------


def undo(catalog: Catalog) -> str:
    with catalog.write() as s:
        event = log.undo_target(s)
        _inverse(event.kind)(s, event.payload)
        add_event(s, "undo", f"Undo: {event.summary}", {"target": event.id})
        return event.summary


def redo(catalog: Catalog) -> str:
    with catalog.write() as s:
        event = log.redo_target(s)
        _forward(event.kind)(s, event.payload)
        add_event(s, "redo", f"Redo: {event.summary}", {"target": event.id})
        return event.summary


def next_steps(catalog: Catalog) -> tuple[str | None, str | None]:
    """What undo and redo would do now, in words; None where there is nothing (undoable)."""
    with catalog.read() as s:
        undo_event, redo_event = log.next_steps(s)
        undo_text = undo_event.summary if undo_event and undo_event.kind in _INVERSE else None
        return undo_text, redo_event.summary if redo_event else None


def _set_fields(values_key: str) -> Callable[[Session, dict[str, Any]], None]:
    def apply(s: Session, payload: dict[str, Any]) -> None:
        work = queries.get_work(s, payload["work_id"])
        created = payload.get("created")  # older edit events did not record them
        if created and values_key == "after":
            venue_store.restore_created(s, created)
        for field, value in payload[values_key].items():
            if field == "venue":
                work.venue_id = live_venue_id(s, value["id"]) if value else None
            else:
                setattr(work, field, value)
        s.add(work)
        s.flush()
        if created and values_key == "before":
            venue_store.drop_created(s, created)

    return apply


def _set_keys(forward: bool) -> Callable[[Session, dict[str, Any]], None]:
    """Citation keys an export gave (forward) or took back (undo)."""

    def apply(s: Session, payload: dict[str, Any]) -> None:
        keys = {int(wid): key for wid, key in payload["keys"].items()}
        set_citation_keys(s, dict(keys) if forward else dict.fromkeys(keys))

    return apply


def _re_decide(s: Session, payload: dict[str, Any]) -> None:
    a, b = payload["works"]
    payload_fp = payload["fp"]
    snapshots.add_decision(s, payload["kind"], payload_fp[0], payload_fp[1], a, b)


def _undecide(s: Session, payload: dict[str, Any]) -> None:
    for d in snapshots.decisions(s):
        if [d.fp_a, d.fp_b] == payload["fp"] and d.kind == payload["kind"]:
            snapshots.remove_decision(s, d.id or 0)


def _unmerge_again(s: Session, payload: dict[str, Any]) -> None:
    restore_merge(s, payload["merge"])


def _merge_again(s: Session, payload: dict[str, Any]) -> None:
    apply_merge(s, {**payload["merge"], "after": payload["survivor_now"]})


def _each_merge(step: Callable[[Session, dict[str, Any]], None], reverse: bool) -> Callable:
    def run(s: Session, payload: dict[str, Any]) -> None:
        merges = payload["merges"]
        for merge_payload in reversed(merges) if reverse else merges:
            step(s, merge_payload)

    return run


_FORWARD: dict[str, Callable[[Session, dict[str, Any]], None]] = {
    "edit": _set_fields("after"),
    "merge": apply_merge,
    "auto-merge": _each_merge(apply_merge, reverse=False),
    "unmerge": _unmerge_again,
    "distinct": _re_decide,
    "related": _re_decide,
    "keys": _set_keys(forward=True),
    "venue": venues.redo_change,
    "recover": recovery.redo_recover,
}
_INVERSE: dict[str, Callable[[Session, dict[str, Any]], None]] = {
    "edit": _set_fields("before"),
    "merge": restore_merge,
    "auto-merge": _each_merge(restore_merge, reverse=True),
    "unmerge": _merge_again,
    "distinct": _undecide,
    "related": _undecide,
    "keys": _set_keys(forward=False),
    "venue": venues.undo_change,
    "recover": recovery.undo_recover,
}


def _forward(kind: str) -> Callable[[Session, dict[str, Any]], None]:
    return _FORWARD[kind]


def _inverse(kind: str) -> Callable[[Session, dict[str, Any]], None]:
    if kind not in _INVERSE:
        raise CuratorError(f"the last change ({kind}) cannot be undone yet")
    return _INVERSE[kind]
