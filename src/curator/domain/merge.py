"""Default field choices when works are merged: simple rules a librarian can read and override."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from curator.domain.bibfields import key_aliases
from curator.domain.catalog import VenueKind

MERGE_FIELDS = (
    "title", "abstract", "authors", "authors_incomplete", "venue_id", "year", "month",
    "arxiv_id", "doi", "url", "entry_type", "citation_key", "notes", "extra",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MergeSide:
    """One work going into a merge: its stored values, its venue's kind, its record count."""

    id: int
    values: dict[str, Any]
    venue_kind: str | None
    n_records: int


@dataclass(frozen=True, slots=True)
class Choice:
    value: Any
    from_work: int | None  # None when combined from several works
    rule: str


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _published(side: MergeSide) -> bool:
    return side.venue_kind not in (None, VenueKind.PREPRINT)


def preference(sides: Sequence[MergeSide], keep: int | None) -> list[MergeSide]:
    """Kept work first, then works at a published venue, then the best-sourced, then oldest."""
    return sorted(sides, key=lambda s: (s.id != keep, not _published(s), -s.n_records, s.id))


def _first(order: list[MergeSide], field: str, rule: str) -> Choice:
    for side in order:
        if not _empty(side.values.get(field)):
            return Choice(side.values[field], side.id, rule)
    return Choice(order[0].values.get(field), order[0].id, "empty everywhere")


def _venue(order: list[MergeSide]) -> Choice:
    published = [s for s in order if _published(s) and s.values.get("venue_id")]
    if published:
        return Choice(
            published[0].values["venue_id"], published[0].id, "published venue beats arXiv"
        )
    return _first(order, "venue_id", "non-empty beats empty")


def _authors(order: list[MergeSide]) -> Choice:
    def rank(side: MergeSide) -> tuple[bool, int]:
        return (bool(side.values.get("authors_incomplete")), -len(side.values.get("authors") or []))

    best = min(order, key=rank)  # min() keeps the preferred order among ties
    return Choice(list(best.values.get("authors") or []), best.id, "longer author list wins")


def _notes(order: list[MergeSide]) -> Choice:
    notes: list[str] = []
    for side in order:
        note = side.values.get("notes")
        if note and note not in notes:
            notes.append(note)
    if len(notes) > 1:
        return Choice("\n\n".join(notes), None, "notes of every work kept")
    return _first(order, "notes", "non-empty beats empty")


def keep_keys(choices: dict[str, Choice], sides: Sequence[MergeSide]) -> None:
    """The merged works' other citation keys become `ids` of the merged work, so documents
    that cite them still find it (biblatex)."""
    chosen = choices["citation_key"].value
    extra = dict(choices["extra"].value or {})
    folded = (chosen or "").casefold()
    aliases = [k for k in key_aliases(extra) if k.casefold() != folded]  # never its own key
    seen = {k.casefold() for k in [*aliases, chosen or ""]}
    for side in sides:
        for key in [side.values.get("citation_key"), *key_aliases(side.values.get("extra"))]:
            if key and key.casefold() not in seen:
                seen.add(key.casefold())
                aliases.append(key)
    if aliases != key_aliases(extra):
        extra["ids"] = ", ".join(aliases)
        if not aliases:
            del extra["ids"]
        rule = f"{choices['extra'].rule}; the other works' keys kept as ids"
        choices["extra"] = Choice(extra, None, rule)


def default_choices(sides: Sequence[MergeSide], keep: int | None = None) -> dict[str, Choice]:
    """The merged work's value for every field, with the rule that picked it."""
    order = preference(sides, keep)
    choices: dict[str, Choice] = {}
    rules: dict[str, Callable[[list[MergeSide]], Choice]] = {
        "venue_id": _venue,
        "authors": _authors,
        "notes": _notes,
    }
    for field in MERGE_FIELDS:
        if field in rules:
            choices[field] = rules[field](order)
        elif field == "title":
            choices[field] = _first(order, field, "titled beats untitled")
        elif field not in ("authors_incomplete", "year", "month", "extra"):
            choices[field] = _first(order, field, "non-empty beats empty")
    author_side = next(s for s in order if s.id == choices["authors"].from_work)
    choices["authors_incomplete"] = Choice(
        bool(author_side.values.get("authors_incomplete")), author_side.id, "follows the authors"
    )
    _date(order, choices)
    return choices


def _date(order: list[MergeSide], choices: dict[str, Choice]) -> None:
    """Year and month come from the work whose venue was chosen, when it has them; so do the
    other BibTeX fields (volume, pages, publisher): they describe that one version, and are
    never mixed with another version's."""
    venue_side = next((s for s in order if s.id == choices["venue_id"].from_work), None)
    for fields, key in ((("year", "month"), "year"), (("extra",), "extra")):
        if venue_side and venue_side.values.get(key):
            for field in fields:
                choices[field] = Choice(
                    venue_side.values.get(field), venue_side.id, "follows the venue"
                )
        else:
            for field in fields:
                choices[field] = _first(order, field, "non-empty beats empty")
