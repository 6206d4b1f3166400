"""Bibliographic fields curator keeps as they came: volume, pages, publisher, editor, note...

Curator models what it curates (title, authors, venue, date, identifiers); every other field of
a BibTeX entry is kept on the work under its BibTeX name, as BibTeX source text (`97--111`,
`Universit{\\"a}t`, `\\url{...}`), shown and edited as such, and written back verbatim, so an
imported .bib loses nothing on its way out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from curator.domain.errors import ValidationError

# The usual ones, in the order an entry lists them; any other field name follows, sorted.
ORDER = (
    "editor",
    "volume",
    "number",
    "pages",
    "chapter",
    "edition",
    "series",
    "publisher",
    "organization",
    "institution",
    "school",
    "address",
    "howpublished",
    "type",
    "note",
    "isbn",
    "issn",
    "language",
    "keywords",
)
# Fields curator writes from its own columns on export: never kept beside them. (An arXiv
# work's eprint is written from its arXiv id; another eprint, a PubMed id, is kept.)
MODELLED = frozenset(
    ("author", "title", "journal", "booktitle", "year", "month", "doi", "url", "abstract",
     "annote", "crossref")
)  # fmt: skip
MAX_FIELDS = 200
MAX_VALUE = 100_000
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_LINE = re.compile(r"^\s*([^=\s]+)\s*=\s*(.*)$")

Extra = tuple[tuple[str, str], ...]


def one_line(value: str) -> str:
    """A BibTeX value on one line, meaning kept: BibTeX reads line breaks as spaces, and a
    blank line (a paragraph) is written \\par."""
    paragraphs = re.split(r"\n\s*\n", value.strip())
    return " \\par ".join(" ".join(p.split()) for p in paragraphs if p.strip())


def key_aliases(extra: Mapping[str, str] | None) -> list[str]:
    """The other citation keys a work answers to: biblatex's `ids = {old1, old2}`."""
    return [k.strip() for k in (extra or {}).get("ids", "").split(",") if k.strip()]


def keeps(name: str) -> bool:
    """Whether a BibTeX field is one curator keeps as it came (not one it models)."""
    return bool(_NAME.fullmatch(name)) and name not in MODELLED


def ordered(fields: Mapping[str, str]) -> Extra:
    """The fields in entry order: the usual ones first, then the rest by name."""
    rank = {name: i for i, name in enumerate(ORDER)}
    names = sorted(fields, key=lambda n: (rank.get(n, len(ORDER)), n))
    return tuple((n, fields[n]) for n in names)


def as_text(extra: Iterable[tuple[str, str]]) -> str:
    """One "name = value" line per field, as the editor shows them."""
    return "\n".join(f"{name} = {value}" for name, value in extra)


def parse(value: object) -> dict[str, str]:
    """Fields from "name = value" lines (or a mapping), checked: a bad line changes nothing."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        pairs: Iterable[tuple[object, object]] = value.items()
    elif isinstance(value, (list, tuple)):  # pairs, as a WorkView holds them
        pairs = value
    else:
        pairs = _lines(str(value))
    fields: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        name = str(raw_name).strip().lower()
        text = one_line(str(raw_value))
        _check(name, text, fields)
        if text:
            fields[name] = text
    return dict(ordered(fields))


def _lines(text: str) -> list[tuple[str, str]]:
    pairs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise ValidationError("extra", f"line {n}: {line.strip()!r} is not 'name = value'")
        pairs.append((match.group(1), match.group(2)))
    return pairs


def _balanced(text: str) -> bool:
    """As BibTeX counts braces: every one, escaped or not (`\\{` is a brace to BibTeX too)."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _check(name: str, text: str, fields: dict[str, str]) -> None:
    if not _NAME.fullmatch(name):  # what keeps() accepts, with a reason for what it does not
        raise ValidationError("extra", f"{name!r} is not a BibTeX field name (letters first)")
    if name in MODELLED:
        raise ValidationError("extra", f"{name!r} has a field of its own; edit it there")
    if name in fields:
        raise ValidationError("extra", f"{name!r} is given twice")
    if not _balanced(text):
        raise ValidationError(
            "extra", f"{name}: braces do not balance in {text!r} (BibTeX counts every one)"
        )
    if len(text) > MAX_VALUE:
        raise ValidationError("extra", f"{name} has {len(text)} characters (at most {MAX_VALUE})")
    if len(fields) >= MAX_FIELDS:
        raise ValidationError("extra", f"at most {MAX_FIELDS} other fields")
