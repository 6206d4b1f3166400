"""The one registry of a work's fields: name, label, how a typed value is checked, and which
source-record column carries it. Validation, import, the views, the command line and the review
screen derive their field lists from `WORK_FIELDS`; adding a field means an entry here, a
migration (`store/schema.py`) and the typed attribute on `WorkView` (a test checks they agree).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from curator.domain import bibfields
from curator.domain.arxiv import normalize_arxiv_id
from curator.domain.catalog import ENTRY_TYPES
from curator.domain.errors import ValidationError
from curator.domain.normalize import clean_line, clean_text

MIN_YEAR, MAX_YEAR = 1450, 2100
_DOI = re.compile(r"^10\.\d{4,9}/[^\s{}\\]+$")  # no braces or backslashes: BibTeX would choke
_KEY = re.compile(r"^[A-Za-z0-9_:\-.+/]+$")
_URL = re.compile(r"^(https?|ftp)://\S+$", re.IGNORECASE)


def _text(field: str, value: Any) -> str | None:
    if value is None:
        return None
    return clean_text(str(value)) or None


def _one_line(field: str, value: Any) -> str | None:
    if value is None:
        return None
    return clean_line(str(value)) or None


def _authors(field: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = re.split(r"\s*(?:;|\n|\band\b)\s*", value)
    else:
        parts = [str(v) for v in value]
    names = tuple(name for name in (clean_line(p) for p in parts if p) if name)
    for name in names:
        if len(name) > 200:
            raise ValidationError(field, f"an author name is {len(name)} characters long")
    return names


def _flag(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().casefold()
    if text in ("1", "true", "yes", "y", "on"):
        return True
    if text in ("0", "false", "no", "n", "off", ""):
        return False
    raise ValidationError(field, f"expected yes or no, got {value!r}")


def _int_in(low: int, high: int, what: str) -> Callable[[str, Any], int | None]:
    def check(field: str, value: Any) -> int | None:
        text = _text(field, value)
        if text is None:
            return None
        if not re.fullmatch(r"\d+", text):
            raise ValidationError(field, f"{text!r} is not {what}")
        number = int(text)
        if not low <= number <= high:
            raise ValidationError(field, f"{number} is not {what} ({low}-{high})")
        return number

    return check


def _arxiv(field: str, value: Any) -> str | None:
    text = _text(field, value)
    if text is None:
        return None
    normal = normalize_arxiv_id(text)
    if normal is None:
        raise ValidationError(
            field, f"{text!r} is not an arXiv id (expected e.g. 2401.12345 or hep-th/9901001)"
        )
    return normal


def _doi(field: str, value: Any) -> str | None:
    text = _text(field, value)
    if text is None:
        return None
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.IGNORECASE)
    if not _DOI.match(text):
        raise ValidationError(field, f"{text!r} is not a DOI (expected 10.NNNN/...)")
    return text


def _url(field: str, value: Any) -> str | None:
    text = _text(field, value)
    if text is None:
        return None
    if not _URL.match(text):
        raise ValidationError(field, f"{text!r} is not a web address (http://... or https://...)")
    # Braces and backslashes are not valid in a URL and would break BibTeX: percent-encode them.
    return text.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _entry_type(field: str, value: Any) -> str | None:
    text = _text(field, value)
    if text is None:
        return None
    text = text.lower().lstrip("@")
    if text not in ENTRY_TYPES:
        raise ValidationError(field, f"{text!r} is not one of {', '.join(ENTRY_TYPES)}")
    return text


def _citation_key(field: str, value: Any) -> str | None:
    text = _text(field, value)
    if text is None:
        return None
    if not _KEY.match(text):
        raise ValidationError(
            field, f"{text!r} may only hold letters, digits and _ : - . + / (no spaces or braces)"
        )
    return text


Validator = Callable[[str, Any], Any]


@dataclass(frozen=True, slots=True)
class WorkField:
    """One field of a work as every layer sees it."""

    name: str  # the work's attribute, the column (a venue: venue_id), what --set names
    label: str  # what the window and `curator show` call it
    validate: Validator  # a typed value -> the value stored, or ValidationError
    record: str | None = None  # the source record's column holding what a listing said
    kind: str = "text"  # text, long_text, names, flag, number, choice, reference, fields


WORK_FIELDS: tuple[WorkField, ...] = (
    WorkField("title", "Title", _one_line, record="title"),
    WorkField("authors", "Authors", _authors, record="authors", kind="names"),
    WorkField("authors_incomplete", "Authors incomplete", _flag, "authors_incomplete", "flag"),
    WorkField("venue", "Venue", _one_line, record="venue_label", kind="reference"),
    WorkField("year", "Year", _int_in(MIN_YEAR, MAX_YEAR, "a plausible year"), "year", "number"),
    WorkField("month", "Month", _int_in(1, 12, "a month number"), "month", "number"),
    WorkField("arxiv_id", "arXiv", _arxiv, record="arxiv_id"),
    WorkField("doi", "DOI", _doi, record="doi"),
    WorkField("url", "URL", _url, record="url"),
    WorkField("entry_type", "Entry type", _entry_type, kind="choice"),
    WorkField("citation_key", "Citation key", _citation_key),
    WorkField("notes", "Notes", _text, kind="long_text"),
    WorkField("abstract", "Abstract", _text, record="abstract", kind="long_text"),
    WorkField("extra", "Other fields", lambda field, value: bibfields.parse(value), kind="fields"),
)
FIELDS = {f.name: f for f in WORK_FIELDS}
EDITABLE_FIELDS = tuple(FIELDS)
# Fields a work and the record it came from both hold, as the same value (the venue is a
# label on the record and a reference on the work).
COPIED_FROM_RECORD = tuple(f for f in WORK_FIELDS if f.record and f.kind != "reference")


def validate_field(field: str, value: Any) -> Any:
    """The value to store for `field`, or ValidationError saying what is wrong."""
    spec = FIELDS.get(field)
    if spec is None:
        raise ValidationError(
            field,
            f"not an editable field; choose one of {', '.join(EDITABLE_FIELDS)} "
            "(extra holds other BibTeX fields: volume, pages, publisher...)",
        )
    return spec.validate(field, value)


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """All changes checked at once, so a rejected edit changes nothing."""
    return {field: validate_field(field, value) for field, value in changes.items()}
