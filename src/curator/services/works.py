"""Use cases on works: list and search them, read one with its sources, edit it."""

from __future__ import annotations

from array import array
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from curator.domain import bibfields
from curator.domain.bibfields import key_aliases
from curator.domain.catalog import RecordView, WorkOrder, WorkRow, WorkView
from curator.domain.clock import utcnow
from curator.domain.errors import ChangedSinceOpened, Clash, ValidationError
from curator.domain.fields import EDITABLE_FIELDS, validate_changes
from curator.domain.progress import Progress
from curator.events import log, since
from curator.events.base import CreatedRows, WorkSnapshot
from curator.events.who import credit
from curator.events.works import EditPayload, EditWork
from curator.store import queries, snapshots
from curator.store import venues as venue_store
from curator.store.catalog import Catalog
from curator.store.writes import Created, venue_for_label


def rows(catalog: Catalog, search: str | None = None) -> list[WorkRow]:
    with catalog.read() as s:
        return queries.work_rows(s, search)


@dataclass(frozen=True, slots=True)
class Query:
    """What the catalog table shows: the works a search finds, in an order."""

    search: str = ""
    order: WorkOrder = WorkOrder.ID
    descending: bool = False


def ordered_ids(catalog: Catalog, query: Query = Query(), first: int | None = None) -> array[int]:
    """The ids a query finds, in its order (a million works: 8 MB, well under a second);
    only the `first` ones if given."""
    with catalog.read() as s:
        return queries.ordered_work_ids(
            s, query.search or None, query.order, query.descending, first
        )


def find(
    catalog: Catalog, query: Query, first: int | None = None
) -> Generator[Progress, None, array[int]]:
    """`ordered_ids` as a background job: the window searches off its own thread."""
    yield Progress(0, 1, "Searching")
    return ordered_ids(catalog, query, first)


def rows_of(catalog: Catalog, ids: Sequence[int]) -> list[WorkRow]:
    """The table rows of some works (a page of the table), in the order of `ids`."""
    with catalog.read() as s:
        found = {r.id: r for r in queries.work_rows(s, ids=list(ids))}
    return [found[i] for i in ids if i in found]


def row(catalog: Catalog, work_id: int) -> WorkRow:
    """One table row, to refresh the table after an edit without reloading it."""
    with catalog.read() as s:
        found = queries.work_rows(s, ids=[work_id])
        if not found:
            queries.get_work(s, work_id)  # raises NotFoundError
        return found[0]


def works(catalog: Catalog, search: str | None = None) -> list[WorkView]:
    with catalog.read() as s:
        return queries.work_views(s, queries.work_ids(s, search))


def work(catalog: Catalog, work_id: int) -> WorkView:
    with catalog.read() as s:
        return queries.work_view(s, work_id)


def records(catalog: Catalog, work_id: int | None = None) -> list[RecordView]:
    with catalog.read() as s:
        if work_id is not None:
            queries.get_work(s, work_id)
        return queries.record_views(s, work_id)


def stats(catalog: Catalog) -> dict[str, int]:
    with catalog.read() as s:
        return queries.counts(s)


def venue_names(catalog: Catalog) -> list[str]:
    with catalog.read() as s:
        return queries.venue_names(s)


def edit_work(
    catalog: Catalog, work_id: int, changes: dict[str, Any], opened: WorkView | None = None
) -> WorkView:
    """Apply validated changes in one transaction and log them; a bad value changes nothing.

    Other BibTeX fields may be named like the usual ones (`volume`: a usual BibTeX field, or
    one the work has); a typo ("titel") is still refused.

    `opened` is the work as the editor showed it (a window passes it): if someone changed the
    work since (its row version moved on), the changes are saved only where they do not
    overwrite theirs; a field both changed raises `ChangedSinceOpened`, with both values, and
    nothing is saved until the librarian chooses (optimistic concurrency: checked inside the
    write transaction, so no one writes in between).
    """
    with catalog.write() as s:
        if opened is not None:
            _check_unchanged(s, opened, changes)
        row = snapshots.snapshot(s, work_id)  # raises NotFoundError
        clean = validate_changes(_other_fields_as_extra(row["extra"] or {}, changes))
        if clean.get("citation_key"):
            check_key_free(s, clean["citation_key"], other_than=[work_id])
        _keep_aliases_apart(s, row, clean)
        created = Created()
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for field, value in clean.items():
            old, new = _current(s, row, field), _new(s, field, value, created)
            if old != new:
                before[field], after[field] = old, new
        if after:
            rows = venue_store.created_rows(s, created.venues, created.aliases)
            payload = EditPayload(
                work_id=work_id,
                before=before,
                after=after,
                created=CreatedRows(**rows),
                updated_at=(datetime.fromisoformat(row["updated_at"]), utcnow()),
            )
            log.execute(s, EditWork(payload), f"Edit {', '.join(after)} of work {work_id}")
        return queries.work_view(s, work_id)


def check_versions(s: Session, versions: dict[int, int]) -> None:
    """Refuse to go on if any work (id -> the row version it was shown at) changed since: a
    merge decided on what the librarian saw."""
    now = {w.id: w for w in queries.work_views(s, versions, missing_ok=True)}
    gone = [w for w in versions if w not in now]  # merged away: the bigger news
    if gone:
        raise _changed(s, gone[0], None)
    for work_id, version in versions.items():
        if now[work_id].version != version:
            raise _changed(s, work_id, now[work_id])


def _changed(
    s: Session,
    work_id: int,
    now: WorkView | None,
    clashes: tuple[Clash, ...] = (),
    kept: dict[str, Any] | None = None,
) -> ChangedSinceOpened:
    """The refusal, naming the last step that touched the work: who made it, and when."""
    step = since.last_touching(s, ("work", work_id))
    by = credit(step.by) if step else "by someone else"
    at = step.at if step else None
    return ChangedSinceOpened(work_id, by, at, clashes, now, kept)


def _check_unchanged(s: Session, opened: WorkView, changes: dict[str, Any]) -> None:
    """Refuse changes to fields someone else changed since `opened` was read."""
    now = queries.work_views(s, [opened.id], missing_ok=True)
    if now and now[0].version == opened.version:
        return
    if not now:
        raise _changed(s, opened.id, None)
    clashes = tuple(
        Clash(field, shown(opened, field), theirs, value)
        for field, value in changes.items()
        if shown(opened, field) != (theirs := shown(now[0], field)) and not _same(value, theirs)
    )
    if clashes:
        clashing = {c.field for c in clashes}
        kept = {f: v for f, v in changes.items() if f not in clashing}
        raise _changed(s, opened.id, now[0], clashes, kept)


def _same(typed: Any, stored: Any) -> bool:
    """Both typed the same value: no clash ("" for none, a list of names for a tuple)."""
    if isinstance(stored, tuple) and isinstance(typed, str):  # other fields, as text
        return bibfields.parse(typed) == dict(stored)
    if isinstance(stored, tuple):
        return list(typed or []) == list(stored)
    return typed == stored or (typed in ("", None) and stored in ("", None))


def shown(work: WorkView, field: str) -> Any:
    """A field of a work as an editor compares it: a registry field as the view holds it (the
    entry type only if set by hand), another BibTeX field from its other fields."""
    if field == "entry_type":
        return work.entry_type if work.entry_type_overridden else None
    if field in EDITABLE_FIELDS:
        return getattr(work, field)
    return dict(work.extra).get(field)


def _other_fields_as_extra(current: dict[str, str], changes: dict[str, Any]) -> dict[str, Any]:
    """`volume=27` edits the work's other fields, on top of `extra=...` if given."""
    known = set(bibfields.ORDER) | set(current)
    kept = {f: v for f, v in changes.items() if f not in EDITABLE_FIELDS and f in known}
    if not kept:
        return dict(changes)
    extra = bibfields.parse(changes["extra"]) if "extra" in changes else dict(current)
    for field, value in kept.items():
        if value is None:
            extra.pop(field, None)
        else:
            extra[field] = value
    return {**{f: v for f, v in changes.items() if f not in kept}, "extra": extra}


def _venue_value(s: Session, venue_id: int | None) -> dict[str, Any] | None:
    """A work's venue as an edit records it: its id and its name then."""
    venue = venue_store.find_venue(s, venue_id) if venue_id else None
    return {"id": venue.id, "name": venue.name} if venue else None


def _current(s: Session, row: WorkSnapshot, field: str) -> Any:
    if field == "venue":
        return _venue_value(s, row["venue_id"])
    value = row[field]
    return list(value) if field == "authors" else value


def _new(s: Session, field: str, value: Any, created: Created) -> Any:
    """The value an edit will store; a venue typed by name is found or made."""
    if field == "venue":
        return _venue_value(s, venue_for_label(s, value, created)) if value is not None else None
    return list(value) if field == "authors" else value


def _keep_aliases_apart(s: Session, row: WorkSnapshot, clean: dict[str, Any]) -> None:
    """A work's `ids` (other keys it answers to) never hold its own key, nor another work's
    key or alias: biber would skip them. Taking an alias as the key drops it from `ids`."""
    if "citation_key" not in clean and "extra" not in clean:
        return
    key = clean.get("citation_key", row["citation_key"]) or ""
    extra = dict(clean.get("extra", row["extra"]) or {})
    aliases = key_aliases(extra)
    folded = {key.casefold()}
    kept = []
    for alias in aliases:  # not its own key, and each once
        if alias.casefold() not in folded:
            folded.add(alias.casefold())
            kept.append(alias)
    if "extra" in clean:
        for alias in kept:
            other = queries.work_with_citation_key(s, alias, other_than=[row["id"]])
            if other is not None:
                raise ValidationError("extra", f"ids: {alias!r} is a key of work {other}")
    if kept != aliases:
        if kept:
            extra["ids"] = ", ".join(kept)
        else:
            extra.pop("ids")
        clean["extra"] = extra


def check_key_free(s, key: str, other_than: list[int]) -> None:  # type: ignore[no-untyped-def]
    """A key is given to one work only (ignoring case, aliases counted): refuse it if taken."""
    other = queries.work_with_citation_key(s, key, other_than=other_than)
    if other is not None:
        raise ValidationError("citation_key", f"{key!r} is already used by work {other}")
