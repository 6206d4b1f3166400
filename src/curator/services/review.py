"""Use cases of the review screen: works side by side, the default merge, the librarian's picks.

The window holds no rule of its own: what each side shows, which side a merge takes by default
and why, and how a pick becomes a merge all live here, so the command line could do the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from curator.domain import bibfields
from curator.domain.catalog import RecordView, WorkView
from curator.domain.errors import CuratorError, NotFoundError
from curator.domain.fields import FIELDS as REGISTRY
from curator.domain.merge import Choice
from curator.services import decisions, works
from curator.store import eventlog, queries
from curator.store.catalog import Catalog


def _one_field(field: str) -> Callable[[str], dict[str, Any]]:
    return lambda text: {field: text}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One row of the comparison: what it shows and which editable fields a pick sets."""

    key: str
    label: str
    fields: tuple[str, ...]  # the editable fields a pick copies from the chosen side
    choice: str  # the merge plan's field whose default choice this row follows
    show: Callable[[WorkView], str]
    read: Callable[[str], dict[str, Any]] | None = None  # typed text -> fields (default: first)

    def parse(self, text: str) -> dict[str, Any]:
        return (self.read or _one_field(self.fields[0]))(text)


def _date_text(year: int | None, month: int | None) -> str:
    if year is None:
        return ""
    return f"{year}-{month:02d}" if month else str(year)


def _read_date(text: str) -> dict[str, Any]:
    """ "2023-10" -> year 2023, month 10; "2023" -> year 2023 and no month."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-/.]\s*(\d{1,2}))?\s*", text)
    if not match:
        return {"year": text}  # validation says what is wrong with it
    return {"year": match.group(1), "month": match.group(2)}


_ET_AL = re.compile(r"(?:;|,|\band\b)?\s*(?:et al\.?|others)\s*$", re.IGNORECASE)


def _authors(w: WorkView) -> str:
    names = "; ".join(w.authors)
    return f"{names}; et al." if w.authors_incomplete and names else names


def _read_authors(text: str) -> dict[str, Any]:
    """Names separated by ";", and a final "et al." marking the list incomplete."""
    cut = _ET_AL.search(text)
    names = text[: cut.start()] if cut else text
    return {"authors": names, "authors_incomplete": bool(cut)}


def _row(name: str, choice: str | None = None) -> FieldSpec:
    """A row showing one field of the registry as stored."""
    label = REGISTRY[name].label
    return FieldSpec(name, label, (name,), choice or name, lambda w: getattr(w, name) or "")


FIELDS = (
    _row("title"),
    FieldSpec(
        "authors",
        REGISTRY["authors"].label,
        ("authors", "authors_incomplete"),
        "authors",
        _authors,
        _read_authors,
    ),
    _row("venue", choice="venue_id"),
    FieldSpec(
        "date",
        REGISTRY["year"].label,
        ("year", "month"),
        "year",
        lambda w: _date_text(w.year, w.month),
        _read_date,
    ),
    _row("arxiv_id"),
    _row("doi"),
    _row("url"),
    _row("abstract"),
    _row("notes"),
    FieldSpec(
        "extra", REGISTRY["extra"].label, ("extra",), "extra", lambda w: bibfields.as_text(w.extra)
    ),
)
FIELD_KEYS = tuple(spec.key for spec in FIELDS)


@dataclass(frozen=True, slots=True)
class FieldRow:
    spec: FieldSpec
    values: tuple[str, ...]  # what each side holds, as shown
    default: int | None  # the side a merge takes by default; None when values are combined
    default_text: str  # the merged value by default
    rule: str  # why ("published venue beats arXiv")

    @property
    def identical(self) -> bool:
        return len(set(self.values)) == 1


@dataclass(frozen=True, slots=True)
class Comparison:
    """Works that may be one publication, field by field, with the merge's default picks."""

    works: tuple[WorkView, ...]
    records: tuple[tuple[RecordView, ...], ...]  # each side's source records
    rows: tuple[FieldRow, ...]
    survivor: int  # the work that stays when merged

    def row(self, key: str) -> FieldRow:
        return next(r for r in self.rows if r.spec.key == key)


def compare(catalog: Catalog, ids: list[int]) -> Comparison:
    """The works `ids` side by side, in that order, with the merge's default picks."""
    with catalog.read() as s:
        for wid in ids:
            queries.get_work(s, wid)  # raises NotFoundError for an unknown id
        views = {w.id: w for w in queries.work_views(s, ids)}
        payload, choices = decisions.plan(s, ids, None, {})
        records = tuple(tuple(queries.record_views(s, wid)) for wid in ids)
    sides = tuple(views[wid] for wid in ids)
    rows = []
    for spec in FIELDS:
        choice = choices[spec.choice]
        values = tuple(spec.show(w) for w in sides)
        # a row of several fields (year and month) may take them from different works
        sources = {choices[f].from_work for f in spec.fields if f in choices}
        if choice.from_work is None or len(sources) > 1:  # combined from several works
            default = None
            text = _combined_text(spec.key, choice, choices)
        else:
            default = ids.index(choice.from_work)
            text = values[default]
        rows.append(FieldRow(spec, values, default, text, choice.rule))
    return Comparison(sides, records, tuple(rows), payload.survivor)


def _combined_text(key: str, choice: Choice, choices: dict[str, Choice]) -> str:
    """What a row shows for a value the merge puts together from several works."""
    if key == "date":
        return _date_text(choices["year"].value, choices["month"].value)
    if key == "extra":
        return bibfields.as_text(bibfields.ordered(choice.value or {}))
    return str(choice.value or "")


def overrides(
    comparison: Comparison, picks: dict[str, int], typed: dict[str, str] | None = None
) -> dict[str, Any]:
    """The merge overrides for the librarian's picks (row key -> side) and typed values.

    A pick equal to the default adds nothing, so the merge event records the engine's rule.
    """
    out: dict[str, Any] = {}
    for key, side in picks.items():
        row = comparison.row(key)
        if side == row.default:
            continue
        work = comparison.works[side]
        for field in row.spec.fields:
            out[field] = getattr(work, field)
    for key, value in (typed or {}).items():
        out.update(comparison.row(key).spec.parse(value))
    return out


def merge(
    catalog: Catalog,
    comparison: Comparison,
    picks: dict[str, int],
    typed: dict[str, str] | None = None,
) -> decisions.MergeOutcome:
    """Merge the compared works with the librarian's picks; the default for every other field."""
    ids = [w.id for w in comparison.works]  # no `keep`: the plan stays the one shown
    versions = {w.id: w.version for w in comparison.works}  # checked again as it writes
    try:
        now: Comparison | None = compare(catalog, ids)
    except NotFoundError:  # merged away: the check below says by whom
        now = None
    with catalog.read() as s:  # a work changed or merged away: say by whom, and when
        works.check_versions(s, versions)
    if now != comparison:
        raise CuratorError(
            "these works changed since they were shown (an edit or another decision); "
            "they are shown again as they are now"
        )
    chosen = overrides(comparison, picks, typed)
    return decisions.merge(catalog, ids, overrides=chosen, versions=versions)


# --- progress ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """Candidate pairs one decision took out of the review queue: `pairs` of them, by the
    event `event_id` (for a merge, the work `survivor` an unmerge would split again)."""

    event_id: int
    pairs: int
    survivor: int | None = None


def reviewed(catalog: Catalog, resolved: list[Resolved]) -> int:
    """The pairs the decisions `resolved` took out of the queue, counting only decisions in
    effect: an undone decision (or a merge split again) no longer counts, a redone one does."""
    if not resolved:
        return 0
    first = min(r.event_id for r in resolved)
    with catalog.read() as s:
        done = set(eventlog.ids_in_state(s, "done", after=first - 1))
        merged = {
            (r.event_id, r.survivor)
            for r in resolved
            if r.survivor is not None
            and r.event_id in done
            and eventlog.merge_in_effect(s, r.survivor, r.event_id) is not None
        }
    return sum(
        r.pairs
        for r in resolved
        if r.event_id in done and (r.survivor is None or (r.event_id, r.survivor) in merged)
    )
