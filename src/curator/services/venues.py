"""Use cases for venues: the Venues view, explained suggestions, and every venue change
(rename, merge, split, kind, short name, parent, reject) as one undoable event.

A change is a list of steps (`events.venues`), each applied as it is planned (a later step
sees what an earlier one did), then recorded together as one event.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from curator.domain.catalog import AliasView, LabelRecord, VenueKind, VenueRecord, VenueView
from curator.domain.errors import CuratorError, ValidationError
from curator.domain.normalize import clean_line
from curator.domain.progress import Progress, drain
from curator.domain.report import counted
from curator.domain.venues import guess_venue_kind, venue_key, with_note
from curator.events import log
from curator.events import venues as steps_
from curator.events.base import AliasRow, VenueRow
from curator.events.venues import EditStep, MergeStep, RejectStep, SplitStep, Step, VenuePayload
from curator.services import backups
from curator.store import venues as store
from curator.store.catalog import Catalog
from curator.venues.suggest import (
    MergedEvidence,
    ParentLink,
    Suggestion,
    VenueFacts,
    presentation_notes,
    suggest,
    suggest_parents,
)

MAX_NAME = 300
MAX_SHORT = 40


# --- reading ---------------------------------------------------------------------------------


def list_venues(catalog: Catalog, search: str | None = None) -> list[VenueView]:
    with catalog.read() as s:
        views = _views(s)
    return [v for v in views if v.matches(search)] if search else views


def _views(s: Session) -> list[VenueView]:
    rows = store.venues(s)
    names = {v.id: v.name for v in rows}
    works = store.work_counts(s)
    records = store.label_record_counts(s)
    labels: dict[int, list[AliasView]] = {}
    for a in store.aliases(s):
        labels.setdefault(a.venue_id, []).append(AliasView(a.label, records[a.label_key], a.note))
    return [
        VenueView(
            v.id or 0,
            v.name,
            v.short_name,
            v.kind,
            v.parent_id,
            names.get(v.parent_id) if v.parent_id else None,
            works.get(v.id or 0, 0),
            tuple(labels.get(v.id or 0, ())),
        )
        for v in rows
    ]


def find_venue(catalog: Catalog, ref: str) -> int:
    """A venue by id, name or any of its labels, as a librarian would type it."""
    text = ref.strip()
    with catalog.read() as s:
        if text.isascii() and text.isdigit():
            return store.get_venue(s, int(text)).id or 0
        alias = store.alias_for(s, ref)
        if alias is not None:
            return alias.venue_id
        venue = store.venue_named(s, clean_line(ref))
        if venue is not None:
            return venue.id or 0
    raise CuratorError(f"no venue is called {ref!r}; see `curator venues`")


def suggestions(catalog: Catalog, duplicates: Iterable[tuple[int, int]] = ()) -> list[Suggestion]:
    """Clusters of venues that are probably one, best first, minus what was rejected.

    `duplicates`: pairs of works the duplicate scan calls sure or likely; venues such pairs
    keep pairing become a suggestion too ("12 papers have sure or likely duplicates under both
    'WWW' and ...").
    """
    with catalog.read() as s:
        return _suggestions(s, duplicates)


def _suggestions(s: Session, duplicates: Iterable[tuple[int, int]] = ()) -> list[Suggestion]:
    facts = _facts(s)
    evidence = [MergedEvidence(a, b, n) for (a, b), n in store.labels_on_merged_works(s).items()]
    evidence += [
        MergedEvidence(a, b, n, duplicates=True)
        for (a, b), n in store.venues_of_duplicate_groups(s, duplicates).items()
    ]
    rejected = [frozenset(r.keys) for r in store.rejections(s)]
    return suggest(facts, evidence, rejected)


def parent_links(catalog: Catalog) -> list[ParentLink]:
    """Workshops without a parent whose label names a conference in the catalog."""
    with catalog.read() as s:
        return suggest_parents(_facts(s))


def _facts(s: Session) -> list[VenueFacts]:
    return [
        VenueFacts(
            v.id,
            v.name,
            v.kind,
            tuple(dict.fromkeys([v.name, *(a.label for a in v.aliases)])),
            v.works,
            v.short_name,
            v.parent_id,
        )
        for v in _views(s)
    ]


# --- changes ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VenueChange:
    event_id: int
    summary: str
    venue_id: int | None = None  # the venue the change leaves (merged into, split off)


def rename(catalog: Catalog, venue_id: int, name: str) -> VenueChange:
    with catalog.write() as s:
        old = store.get_venue(s, venue_id).name
        step = _edit_step(s, venue_id, {"name": _clean_name(name)})
        return _record(s, f"Rename venue {old!r} to {step.after['name']!r}", [step], venue_id)


def set_short_name(catalog: Catalog, venue_id: int, short_name: str | None) -> VenueChange:
    short = clean_line(short_name or "") or None
    if short and len(short) > MAX_SHORT:
        raise ValidationError("short_name", f"a short name has at most {MAX_SHORT} characters")
    with catalog.write() as s:
        name = store.get_venue(s, venue_id).name
        step = _edit_step(s, venue_id, {"short_name": short})
        return _record(s, f"Short name of {name!r}: {short or 'none'}", [step], venue_id)


def set_kind(catalog: Catalog, venue_id: int, kind: str) -> VenueChange:
    if kind not in {k.value for k in VenueKind}:
        choices = ", ".join(k.value for k in VenueKind)
        raise ValidationError("kind", f"{kind!r} is not a venue kind; choose one of {choices}")
    with catalog.write() as s:
        name = store.get_venue(s, venue_id).name
        step = _edit_step(s, venue_id, {"kind": kind})
        return _record(s, f"Kind of {name!r}: {kind}", [step], venue_id)


def set_parent(catalog: Catalog, venue_id: int, parent_id: int | None) -> VenueChange:
    with catalog.write() as s:
        venue = store.get_venue(s, venue_id)
        parent = store.get_venue(s, parent_id).name if parent_id is not None else None
        _check_parent(s, venue_id, parent_id)
        step = _edit_step(s, venue_id, {"parent_id": parent_id})
        text = f"{venue.name!r} is part of {parent!r}" if parent else f"{venue.name!r}: no parent"
        return _record(s, text, [step], venue_id)


def merge(
    catalog: Catalog, venue_ids: Sequence[int], into: int | None = None, name: str | None = None
) -> VenueChange:
    """Make several venues one: works and labels go to the survivor, which may be renamed."""
    if len(set(venue_ids)) < 2:
        raise CuratorError(
            "merging needs two different venues or more; to change one venue's name, rename it"
        )
    with catalog.write() as s:
        target = into if into is not None else _biggest(s, venue_ids)
        renamed = [v for v in venue_ids if v != target or name is not None]
        labels = [a.label for v in renamed for a in store.aliases(s, v)]  # notes kept
        steps = _merge_steps(s, venue_ids, target, name, presentation_notes(labels))
        merged = steps[0]
        assert isinstance(merged, MergeStep)
        names = ", ".join(repr(r.name) for r in merged.absorbed)
        final = store.get_venue(s, target).name
        return _record(s, f"Merge venues {names} into {final!r}", steps, target)


def split(catalog: Catalog, label: str, name: str | None = None) -> VenueChange:
    """File a label (and the works whose records carry only it) under a venue of its own."""
    with catalog.write() as s:
        alias = store.alias_for(s, label)
        if alias is None:
            raise CuratorError(f"no venue has the label {label!r}")
        source = store.get_venue(s, alias.venue_id)
        if len(store.aliases(s, source.id)) < 2:
            raise CuratorError(f"{alias.label!r} is the only label of {source.name!r}")
        new_name = _split_name(s, source, alias, name)
        kind, parent = _split_kind(source, alias.label, new_name)
        row = VenueRow(id=store.next_venue_id(s), name=new_name, kind=kind, parent_id=parent)
        works = store.works_with_label(s, source.id or 0, alias.label_key)
        step = SplitStep(source=source.id or 0, venue=row, alias=alias.id or 0, works=works)
        steps_.do_step(s, step)
        text = f"Split {alias.label!r} off {source.name!r} ({counted(len(works), 'work')})"
        return _record(s, text, [step], row.id)


def _split_name(s: Session, source: VenueRecord, alias: LabelRecord, name: str | None) -> str:
    """The split venue's name: its label, or one of its own that no venue or label holds."""
    new_name = _clean_name(name or alias.label)
    _check_name_free(s, new_name, allowed={source.id or 0}, key_owner=source.id)
    if venue_key(new_name) == venue_key(source.name):
        raise CuratorError(
            f"{new_name!r} is the name of the venue it would leave; give the new venue "
            "another name, or rename the old one first"
        )
    taken = store.alias_for(s, new_name)
    if taken is not None and taken.id != alias.id:
        raise CuratorError(
            f"{taken.label!r} is a label of {source.name!r} and would stay so; give the "
            "new venue a name of its own"
        )
    return new_name


def _split_kind(source: VenueRecord, label: str, name: str) -> tuple[str, int | None]:
    """The kind and parent of a venue split off `source`: the kind its label names, if any
    (a workshop whose label names the conference it leaves becomes part of it), else the
    source's."""
    kind = guess_venue_kind(label)
    if kind in (VenueKind.OTHER, source.kind):
        return source.kind, source.parent_id
    conference = VenueFacts(source.id or 0, source.name, source.kind, (), 0, source.short_name)
    workshop = VenueFacts(-1, name, kind.value, (label,), 0)
    named = suggest_parents([conference, workshop])
    return kind.value, (source.id if named else None)


def accept(catalog: Catalog, suggestion: Suggestion, canonical: str | None = None) -> VenueChange:
    """Do what a suggestion proposes, under the librarian's choice of name."""
    with catalog.write() as s:
        steps = _accept_steps(s, suggestion, canonical)
        return _record(s, _accept_summary(suggestion, s, steps), steps, _target_of(steps))


def accept_all_sure(
    catalog: Catalog, duplicates: Iterable[tuple[int, int]] = ()
) -> VenueChange | None:
    """Accept every sure suggestion in one undoable step; None when there is none.
    `duplicates`: the same pairs the suggestions were listed with."""
    return drain(accept_all_sure_steps(catalog, duplicates))


def accept_all_sure_steps(
    catalog: Catalog, duplicates: Iterable[tuple[int, int]] = ()
) -> Generator[Progress, None, VenueChange | None]:
    """`accept_all_sure` yielding progress: a large catalog has hundreds to accept. Closing the
    generator early rolls the whole step back."""
    with catalog.write() as s:
        sure = [x for x in _suggestions(s, duplicates) if x.band == "sure"]
        if sure:  # read by another connection: the catalog as it was before this step
            backups.before(catalog, "accepting all sure venues")
        steps: list[Step] = []
        accepted = 0
        for n, suggestion in enumerate(sure):
            if n % 20 == 0:
                yield Progress(n, len(sure), f"Accepting suggestion {n + 1} of {len(sure)}")
            try:
                steps += _accept_steps(s, suggestion, None)
            except CuratorError:  # refused before writing (its name belongs to another venue)
                continue
            accepted += 1
        if not steps:
            return None
        return _record(s, f"Accept {accepted} sure venue suggestions", steps, None)


def reject(catalog: Catalog, suggestion: Suggestion) -> VenueChange:
    """Remember that these labels are not one venue; they are never suggested together again."""
    with catalog.write() as s:
        _check_current(s, suggestion)
        keys = sorted({venue_key(label) for label in suggestion.labels})
        step = RejectStep(keys=keys, id=store.add_rejection(s, keys))
        text = "Not one venue: " + ", ".join(repr(label) for label in suggestion.labels)
        return _record(s, text, [step], None)


def link_parent(catalog: Catalog, link: ParentLink) -> VenueChange:
    return set_parent(catalog, link.workshop_id, link.parent_id)


# --- planning the steps ------------------------------------------------------------------------


def _record(s: Session, summary: str, steps: list[Step], venue_id: int | None) -> VenueChange:
    event_id = log.record(s, steps_.VenueChange(VenuePayload(steps=steps)), summary)
    return VenueChange(event_id, summary, venue_id)


def _clean_name(name: str) -> str:
    clean = clean_line(name or "")
    if not clean:
        raise ValidationError("name", "a venue needs a name")
    if len(clean) > MAX_NAME:
        raise ValidationError("name", f"a venue name has at most {MAX_NAME} characters")
    return clean


def _check_name_free(s: Session, name: str, allowed: set[int], key_owner: int | None) -> None:
    """No other venue may have this name or this label: that would be a merge, not a rename."""
    venue = store.venue_named(s, name)
    if venue is not None and venue.id not in allowed:
        raise CuratorError(f"venue {venue.id} is already called {name!r}; merge them instead")
    alias = store.alias_for(s, name)
    if alias is not None and alias.venue_id not in allowed | {key_owner}:
        owner = store.get_venue(s, alias.venue_id).name
        raise CuratorError(
            f"{name!r} is a label of venue {alias.venue_id} ({owner!r}); merge them instead"
        )


def _edit_step(s: Session, venue_id: int, after: dict[str, Any]) -> EditStep:
    venue = store.get_venue(s, venue_id)
    if "name" in after:
        _check_name_free(s, after["name"], allowed={venue_id}, key_owner=venue_id)
    before = {f: getattr(venue, f) for f in after}
    if before == after:
        raise CuratorError(f"venue {venue_id} already has that {', '.join(after)}")
    created = []
    if "name" in after and store.alias_for(s, after["name"]) is None:
        label = after["name"]
        created.append(AliasRow(label_key=venue_key(label), label=label, venue_id=venue_id))
    step = EditStep(venue=venue_id, before=before, after=after, aliases=created)
    steps_.do_step(s, step)
    return step


def _check_parent(s: Session, venue_id: int, parent_id: int | None) -> None:
    seen = {venue_id}
    while parent_id is not None:
        if parent_id in seen:
            raise CuratorError("a venue cannot be part of itself (directly or through others)")
        seen.add(parent_id)
        parent_id = store.get_venue(s, parent_id).parent_id


def _check_no_loop(s: Session, ids: list[int], target: int) -> None:
    """The survivor takes the merged venues' workshops: it must not end up part of itself."""
    seen = {target}
    parent = store.get_venue(s, target).parent_id
    while parent is not None:
        parent = target if parent in ids else parent
        if parent in seen:
            raise CuratorError(
                f"{store.get_venue(s, target).name!r} is part of a venue that is part of one "
                "being merged; unlink them first"
            )
        seen.add(parent)
        parent = store.get_venue(s, parent).parent_id


def _biggest(s: Session, venue_ids: Sequence[int]) -> int:
    counts = store.work_counts(s, venue_ids)
    return min(venue_ids, key=lambda v: (-counts.get(v, 0), v))


def _merge_steps(
    s: Session,
    venue_ids: Iterable[int],
    target: int,
    name: str | None,
    notes: Sequence[tuple[str, str]],
) -> list[Step]:
    ids = list(dict.fromkeys(venue_ids))
    if target not in ids:
        raise CuratorError(f"venue {target} is not one of the venues being merged")
    if len(ids) < 2 and not notes and _same_name(s, target, name):
        raise CuratorError("nothing to change: one venue, already under that name")
    rows = [store.get_venue(s, v) for v in ids]
    if name is not None:  # checked before anything is written: a refusal leaves no trace
        _check_name_free(s, _clean_name(name), allowed=set(ids), key_owner=None)
    for venue in rows:
        if venue.parent_id in ids:
            raise CuratorError(
                f"{venue.name!r} is part of another venue being merged; unlink it first"
            )
    _check_no_loop(s, ids, target)
    step = _merge_step(s, target, [v for v in rows if v.id != target], notes)
    steps_.do_step(s, step)
    steps: list[Step] = [step]
    if name is not None and _clean_name(name) != store.get_venue(s, target).name:
        steps.append(_edit_step(s, target, {"name": _clean_name(name)}))
    return steps


def _same_name(s: Session, venue_id: int, name: str | None) -> bool:
    return name is None or _clean_name(name) == store.get_venue(s, venue_id).name


def _merge_step(
    s: Session, target: int, absorbed: list[VenueRecord], notes: Sequence[tuple[str, str]]
) -> MergeStep:
    alias_notes: dict[int, tuple[str | None, str | None]] = {}
    work_notes: dict[int, tuple[str | None, str | None]] = {}
    for label, note in notes:
        alias = store.alias_for(s, label)
        if alias is None:
            continue
        alias_notes[alias.id or 0] = (alias.note, note)
        wids = store.works_with_label(s, alias.venue_id, alias.label_key)
        for wid, old in store.work_notes(s, wids).items():
            work_notes[wid] = (old, with_note(old, note))
    ids = [v.id or 0 for v in absorbed]
    return MergeStep(
        into=target,
        absorbed=[VenueRow(**store.venue_row(v)) for v in absorbed],
        works={v: store.works_of(s, v) for v in ids},
        aliases={v: [a.id or 0 for a in store.aliases(s, v)] for v in ids},
        children={v: store.children_of(s, v) for v in ids},
        alias_notes=alias_notes,
        work_notes=work_notes,
    )


def _accept_steps(s: Session, suggestion: Suggestion, canonical: str | None) -> list[Step]:
    _check_current(s, suggestion)
    ids = list(suggestion.venue_ids)
    target = _biggest(s, ids)
    name = canonical if canonical is not None else suggestion.canonical
    steps = _merge_steps(s, ids, target, name, suggestion.notes)
    venue = store.get_venue(s, target)
    extra: dict[str, Any] = {}
    if suggestion.short_name and not venue.short_name:
        extra["short_name"] = suggestion.short_name
    if suggestion.kind != venue.kind and suggestion.kind != VenueKind.OTHER:
        extra["kind"] = suggestion.kind
    if extra:
        steps.append(_edit_step(s, target, extra))
    return steps


def _check_current(s: Session, suggestion: Suggestion) -> None:
    for vid, label in zip(suggestion.venue_ids, suggestion.labels, strict=True):
        venue = store.find_venue(s, vid)
        if venue is None or venue.name != label:
            raise CuratorError(
                f"this suggestion is out of date ({label!r} has changed since); "
                "refresh the suggestions"
            )


def _target_of(steps: list[Step]) -> int | None:
    first = steps[0]
    if isinstance(first, MergeStep):
        return first.into
    return first.venue if isinstance(first, EditStep) else None


def _accept_summary(suggestion: Suggestion, s: Session, steps: list[Step]) -> str:
    target = _target_of(steps)
    final = store.get_venue(s, target).name if target else suggestion.canonical
    others = [label for label in suggestion.labels if label != final]
    if not others:
        return f"Venue {final!r}: {', '.join(suggestion.rules)}"
    return f"Venues {', '.join(map(repr, others))} are {final!r}"
