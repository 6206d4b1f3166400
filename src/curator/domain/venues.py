"""Venue labels as written on listings: how to key them and what kind of venue they name."""

from __future__ import annotations

import re

from curator.domain.catalog import VenueKind

_CONFERENCES = {
    "aaai",
    "acl",
    "aistats",
    "coling",
    "colm",
    "colt",
    "conll",
    "cvpr",
    "eacl",
    "eccv",
    "emnlp",
    "facct",
    "iccv",
    "iclr",
    "icml",
    "ijcai",
    "interspeech",
    "icassp",
    "kdd",
    "naacl",
    "neurips",
    "nips",
    "sigir",
    "uai",
    "www",
    "lrec",
    "corl",
    "rss",
    "iros",
    "icra",
}
_JOURNAL_WORDS = ("journal", "transactions", "letters", "tmlr", "jmlr", "magazine", "review of")
_CONFERENCE_WORDS = ("conference", "proceedings", "symposium", "congress")
_PREPRINT_WORDS = ("arxiv", "preprint", "rxiv", "e-print", "computing research repository")
_PREPRINT_NAMES = {"corr", "ssrn"}  # whole words: "Corrosion Science" is a journal


def venue_key(label: str) -> str:
    """The form under which a label is remembered: case and spacing do not make a new venue."""
    return " ".join(label.split()).casefold()


def guess_venue_kind(label: str) -> VenueKind:
    """A first guess at the kind of venue a label names; the librarian can change it."""
    key = venue_key(label)
    words = set(re.findall(r"[a-z]+", key))
    if words & _PREPRINT_NAMES or any(w in key for w in _PREPRINT_WORDS):
        return VenueKind.PREPRINT
    if "workshop" in words or "workshops" in words:
        return VenueKind.WORKSHOP
    if any(w in key for w in _JOURNAL_WORDS):
        return VenueKind.JOURNAL
    if words & _CONFERENCES or any(w in key for w in _CONFERENCE_WORDS):
        return VenueKind.CONFERENCE
    return VenueKind.OTHER


def presentation_line(note: str) -> str:
    """How a presentation kind taken off a venue label is kept in a work's notes."""
    return f"Presentation: {note}"


def with_note(notes: str | None, note: str) -> str:
    """`notes` with the presentation line added once."""
    line = presentation_line(note)
    if notes and line in notes.splitlines():
        return notes
    return f"{notes}\n{line}" if notes else line
