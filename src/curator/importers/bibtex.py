"""BibTeX files: each entry becomes a record; macros, comments and broken blocks are reported."""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)

from curator.domain.arxiv import normalize_arxiv_id
from curator.domain.bibfields import MODELLED, Extra, keeps, one_line, ordered
from curator.domain.catalog import ENTRY_TYPES, VenueKind
from curator.domain.errors import ValidationError
from curator.domain.fields import validate_field
from curator.domain.normalize import MONTH_NAMES
from curator.domain.records import BlockProblem, BlockStatus, ParsedRecord, ParseResult
from curator.domain.venues import guess_venue_kind
from curator.importers._bibtex_pieces import Piece, entry_chunks, text_lines
from curator.importers._bibtex_values import STANDARD_MACROS, Macros, resolve
from curator.importers.latex import decode_bibtex_value
from curator.importers.limits import MAX_ENTRY_CHARS, MAX_VALUE_CHARS

__all__ = [
    "CHUNK_ENTRIES",
    "STANDARD_MACROS",
    "BibtexImporter",
    "BibtexReader",
    "entry_chunks",
    "resolve",
    "text_lines",
]
# Entry types outside curator's list, read as the nearest one it has.
TYPE_ALIASES = {
    "conference": "inproceedings",
    "online": "misc",
    "electronic": "misc",
    "www": "misc",
    "software": "misc",
    "dataset": "misc",
    "report": "techreport",
    "thesis": "phdthesis",
    "inbook": "incollection",
    "booklet": "misc",
    "manual": "misc",
    "proceedings": "book",
    "collection": "book",
    "article-journal": "article",
}
# Fields that name the venue, in order of preference, and the kind of venue they imply.
VENUE_FIELDS = (
    ("journal", VenueKind.JOURNAL),
    ("journaltitle", VenueKind.JOURNAL),
    ("booktitle", VenueKind.CONFERENCE),
    ("institution", VenueKind.OTHER),
    ("school", VenueKind.OTHER),
    ("howpublished", None),
)
_ENTRY_START = re.compile(r"^[^\S\n]*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?")
_VERBATIM_ESCAPE = re.compile(r"\\([%_#&~$])")
_BREAK = re.compile(r"\r\n|\r|\n")
_FEED = re.compile(r"\n")

# bibtexparser logs every failed block at WARNING; they are reported to the librarian instead.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


class BibtexImporter:
    """A .bib file, read with bibtexparser 2; every block is imported, skipped or rejected."""

    name = "bibtex"
    label = "BibTeX file"

    def sniff(self, text: str) -> float:
        starts = len(_ENTRY_START.findall(text))
        if not starts:
            return 0.0
        lines = sum(1 for line in text.splitlines() if line.strip())
        return min(1.0, 0.6 + 30 * starts / max(lines, 1))

    def parse(self, text: str) -> ParseResult:
        text = text.removeprefix("\ufeff")
        result = ParseResult(format=self.name)
        for part in BibtexReader().read(text_lines(text), CHUNK_ENTRIES):
            result.records += part.records
            result.problems += part.problems
        result.records.sort(key=lambda r: r.ordinal)
        return result


CHUNK_ENTRIES = 2000  # entries parsed at once: a million-entry file is read in pieces


class BibtexReader:
    """Reads a BibTeX file piece by piece, keeping what spans pieces: the @string macros, the
    citation keys already used, the books and proceedings seen (a crossref may name one that
    came before), and the entries waiting for the crossref parent BibTeX wants after them
    (finished as soon as it comes, or when the file ends)."""

    def __init__(self) -> None:
        self.macros = Macros()
        self._keys: set[str] = set()
        self._ordinal = 0
        self._children: dict[str, list[tuple[int, _Entry]]] = {}  # waiting, by parent key
        self._parents: dict[str, _Entry] = {}  # books and proceedings seen so far

    def read(self, lines: Iterable[str], size: int | None = None) -> Iterator[ParseResult]:
        """The records and problems of a file's lines, a piece of `size` entries at a time
        (a block over MAX_ENTRY_CHARS rejected in its place), then those `finish` gives."""
        pieces: Iterator[Piece | BlockProblem] = entry_chunks(lines, size or CHUNK_ENTRIES)
        for piece in pieces:
            if isinstance(piece, BlockProblem):
                yield ParseResult(format=BibtexImporter.name, problems=[piece])
            else:
                yield self.feed(piece[1], piece[0])
        yield self.finish()

    def feed(self, text: str, first_line: int = 1) -> ParseResult:
        """The records and problems of a piece of the file (line numbers in the whole file)."""
        result = ParseResult(format=BibtexImporter.name)
        self.macros.read += len(text)
        entries: list[_Entry] = []
        for block, where in _located(text, first_line):
            _read_block(block, self.macros, result, entries, where)
        for entry in entries:
            self._ordinal += 1
            self._claim_key(entry)
            parent = entry.fields.get("crossref", "").strip().casefold()
            if parent and parent in self._parents:  # a book or proceedings seen before
                _inherit(entry, self._parents[parent], self.macros)
                result.records.append(_record(entry, self._ordinal))
            elif parent:  # BibTeX's way: the parent comes after its children
                self._children.setdefault(parent, []).append((self._ordinal, entry))
            else:
                result.records.append(_record(entry, self._ordinal))
            self._remember_parent(entry, result)
        return result

    def finish(self) -> ParseResult:
        """The entries whose crossref parent never came after them."""
        records = []
        for key, children in self._children.items():
            for ordinal, entry in children:
                if key in self._keys:
                    entry.comments.append(
                        f"crossref {key!r} names an earlier entry that is not a book or "
                        "proceedings: not followed (BibTeX follows a crossref only to an entry "
                        "after it)"
                    )
                else:
                    _inherit(entry, None, self.macros)
                records.append(_record(entry, ordinal))
        self._children = {}
        return ParseResult(format=BibtexImporter.name, records=records)

    def _claim_key(self, entry: _Entry) -> None:
        """A key used by an earlier entry stays with that entry (BibTeX keys ignore case)."""
        key = (entry.key or "").casefold()
        if key and key in self._keys:
            entry.comments.append(
                f"citation key {entry.key!r} is used by an earlier entry; not kept"
            )
            entry.key = None
        elif key:
            self._keys.add(key)

    def _remember_parent(self, entry: _Entry, result: ParseResult) -> None:
        """Children waiting for this entry are finished now (into `result`); a book or
        proceedings is kept for children that name it later."""
        key = (entry.key or "").casefold()
        if not key:
            return
        for ordinal, child in self._children.pop(key, []):
            _inherit(child, entry if child is not entry else None, self.macros)
            result.records.append(_record(child, ordinal))
        if entry.entry_type == "book":  # proceedings and collections read as books
            self._parents.setdefault(key, entry)


@dataclass(slots=True)
class _Entry:
    """An entry whose values are resolved, waiting for its crossref parent (which BibTeX wants
    after it in the file)."""

    fields: dict[str, str]
    entry_type: str
    key: str | None
    where: tuple[int, int, str]
    comments: list[str]


# What a crossref child takes from its parent: what describes the book or proceedings, never
# the parent's own title, authors, identifiers or notes (DBLP files crossref many papers to one
# proceedings with a DOI; inheriting it made them all look like one paper).
_INHERITED = frozenset(
    [
        "booktitle",
        "booktitleaddon",
        "maintitle",
        "journal",
        "journaltitle",
        "year",
        "month",
        "date",
        "publisher",
        "editor",
        "series",
        "volume",
        "address",
        "location",
        "organization",
        "institution",
        "school",
    ]
)


def _inherit(entry: _Entry, parent: _Entry | None, macros: Macros) -> None:
    """BibTeX's crossref: a child takes each field it lacks from the entry it names (what it
    copies counted against the file's budget, as macros are)."""
    if parent is None or parent is entry:
        name = entry.fields["crossref"].strip()
        entry.comments.append(f"crossref {name.casefold()!r} is not an entry of this file")
        return
    taken = {k: v for k, v in parent.fields.items() if k in _INHERITED and k not in entry.fields}
    if "title" in parent.fields and "booktitle" not in entry.fields:
        taken.setdefault("booktitle", parent.fields["title"])
    size = sum(map(len, taken.values()))
    if not macros.copy(size):
        reason = macros.over_budget(size).replace("its macros", "its crossref")
        entry.comments.append(f"crossref {parent.key!r} not followed: {reason}")
        return
    entry.fields.update(taken)
    entry.comments.append(f"fields it lacks taken from its crossref {parent.key!r}")


def _located(text: str, first_line: int) -> list[tuple[Block, tuple[int, int, str]]]:
    """bibtexparser's blocks of a piece, each with its first and last line and raw text. Text
    it skips after a block it failed to parse ("@x(,=,\n{": the "{") joins that block."""
    locate = _Locator(text, first_line - 1)
    found = [
        (block, locate(raw, block.start_line or 0, isinstance(block, ParsingFailedBlock)))
        for block in parse_string(text, parse_stack=[]).blocks
        if (raw := (block.raw or "").strip())
    ]
    located = []
    for index, (block, (start, end)) in enumerate(found):
        if isinstance(block, ParsingFailedBlock):
            following = found[index + 1][1][0] if index + 1 < len(found) else len(text)
            end = max(end, start + len(text[start:following].rstrip()))
        located.append((block, (*locate.lines(start, end), text[start:end])))
    return located


class _Locator:
    """Where raw spans lie, found in file order, and their line numbers (LF, CRLF or CR, as
    the other importers count); `before` lines of the file come before `text`."""

    def __init__(self, text: str, before: int = 0) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _BREAK.finditer(text))]  # where each line starts
        self.feeds = [0, *(m.end() for m in _FEED.finditer(text))]  # lines as bibtexparser counts
        self.cursor = 0
        self.before = before

    def __call__(self, raw: str, line: int, failed: bool) -> tuple[int, int]:
        """Where `raw`, the next block, starts and ends; bibtexparser says it starts on its
        (0-based, LF-counted) `line`. A block it failed to parse may end with the "@name" it
        stopped at, where it starts the next block ("@x(\n@" then "@\n@y" share the "@"):
        the next block is looked for from there, but never before its own line."""
        hint = self.feeds[min(max(line, 0), len(self.feeds) - 1)]
        offset = self.text.find(raw, max(hint, self.cursor))
        if offset < 0:
            offset = max(self.text.find(raw, self.cursor), self.cursor)
        end = offset + len(raw)
        restart = raw.rfind("@") if failed else -1
        self.cursor = offset + restart if restart > 0 else end
        return offset, end

    def lines(self, start: int, end: int) -> tuple[int, int]:
        first = bisect.bisect_right(self.starts, start)
        last = bisect.bisect_right(self.starts, end - 1)
        return first + self.before, last + self.before


def _read_block(
    block: Block,
    macros: Macros,
    result: ParseResult,
    entries: list[_Entry],
    where: tuple[int, int, str],
) -> None:
    first, last, raw = where
    if isinstance(block, (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock)):
        entry = block.ignore_error_block
        if isinstance(entry, Entry):
            note = _repeated_fields(entry) if isinstance(block, DuplicateFieldKeyBlock) else None
            _read_entry(entry, macros, result, entries, (first, last, raw), note)
            return
    if isinstance(block, Entry):
        _read_entry(block, macros, result, entries, (first, last, raw), None)
        return
    outcome = _not_an_entry(block, macros, first)
    if outcome is not None:
        result.problems.append(BlockProblem(outcome[0], first, last, outcome[1], raw))


def _not_an_entry(block: Block, macros: Macros, line: int) -> tuple[BlockStatus, str] | None:
    """What became of a block that is not a publication."""
    if isinstance(block, ParsingFailedBlock):
        return BlockStatus.REJECTED, _failure_reason(block)
    if isinstance(block, String):
        try:
            macros.define(block.key, block.value, line)
        except ValueError as exc:
            return BlockStatus.REJECTED, f"@string {block.key}: {exc}"
        return BlockStatus.SKIPPED, f"@string {block.key}: a macro, used to read the entries"
    if isinstance(block, Preamble):
        return BlockStatus.SKIPPED, "@preamble: LaTeX for the document, not a publication"
    if isinstance(block, ExplicitComment):
        return BlockStatus.SKIPPED, "@comment: a comment, not a publication"
    if isinstance(block, ImplicitComment):
        return BlockStatus.SKIPPED, "text between entries, which BibTeX ignores"
    return None


def _repeated_fields(entry: Entry) -> str:
    seen: set[str] = set()
    repeated = []
    for field in entry.fields:
        key = field.key.casefold()
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return f"field {', '.join(repeated)} given twice; the first value is used, as BibTeX does"


def _failure_reason(block: ParsingFailedBlock) -> str:
    message = " ".join(str(block.error or "").split())
    if not message:
        return "not a complete BibTeX entry (unbalanced braces or quotes?)"
    return re.sub(r"^Parsing of `.*?` block \(line \d+\) aborted on line \d+ due to ", "", message)


def _read_entry(
    entry: Entry,
    macros: Macros,
    result: ParseResult,
    entries: list[_Entry],
    where: tuple[int, int, str],
    note: str | None,
) -> None:
    first, last, raw = where
    comments = [note] if note else []
    try:
        fields = _fields(entry, macros, comments)
    except ValueError as exc:
        reason = f"@{entry.entry_type}{{{entry.key}}}, {exc}"
        result.problems.append(BlockProblem(BlockStatus.REJECTED, first, last, reason, raw))
        return
    entry_type = entry.entry_type.casefold()
    mapped = TYPE_ALIASES.get(entry_type, entry_type)
    if mapped not in ENTRY_TYPES:
        mapped = "misc"
    if mapped != entry_type:
        comments.append(f"entry type @{entry_type} read as @{mapped}")
    entries.append(_Entry(fields, mapped, entry.key, where, comments))


def _fields(entry: Entry, macros: Macros, comments: list[str]) -> dict[str, str]:
    """The entry's values, resolved within the caps on a value, an entry and the text a file
    may copy from its macros; ValueError with the field (or the entry's) reason if not."""
    fields: dict[str, str] = {}
    length = borrowed = 0
    for field in entry.fields:
        key = field.key.casefold()
        if key in fields:  # "Volume" and "volume": BibTeX reads the first
            comments.append(f"field {field.key} repeats {key}: the first is kept")
            continue
        try:
            fields[key], took = resolve(field.value, macros, MAX_VALUE_CHARS, "a value")
        except ValueError as exc:
            raise ValueError(f"field {key}: {exc}") from None
        length, borrowed = length + len(fields[key]), borrowed + took
        if length > MAX_ENTRY_CHARS:
            raise ValueError(
                f"its values come to {length:,} characters by field {key}, over the "
                f"{MAX_ENTRY_CHARS:,} one entry may have"
            )
    if borrowed and not macros.copy(borrowed):
        raise ValueError(macros.over_budget(borrowed))
    return fields


def _record(entry: _Entry, ordinal: int) -> ParsedRecord:
    fields, entry_type, key, comments = entry.fields, entry.entry_type, entry.key, entry.comments
    first, last, raw = entry.where
    text = {k: decode_bibtex_value(v) or None for k, v in fields.items() if k in _TEXT_FIELDS}
    authors, incomplete = _names(fields.get("author", ""))
    year, month = _date(fields, comments)
    venue, kind, venue_field = _venue(text, entry_type)
    arxiv = _arxiv(fields)
    if venue and arxiv and venue == f"arXiv:{arxiv}" and entry_type in ("misc", "unpublished"):
        venue = kind = None  # written by curator's export for a preprint without a venue
    notes = "\n\n".join(n for n in (text.get("annote"), text.get("annotation")) if n) or None
    doi = _checked("doi", _verbatim(fields.get("doi")), comments)
    url = _checked("url", _verbatim(fields.get("url")), comments)
    citation_key = _checked("citation_key", key, comments)
    extra = _extra(fields, _read(fields, venue_field, arxiv), comments)
    return ParsedRecord(
        ordinal=ordinal,
        first_line=first,
        last_line=last,
        raw=raw,
        title=text.get("title"),
        abstract=text.get("abstract"),
        authors=authors,
        authors_incomplete=incomplete,
        venue=venue,
        date=f"{year:04d}-{month:02d}" if year and month else (f"{year:04d}" if year else None),
        year=year,
        month=month,
        arxiv_id=arxiv,
        doi=doi,
        url=url,
        comments=tuple(comments),
        entry_type=entry_type,
        citation_key=citation_key,
        venue_kind=kind,
        notes=notes,
        extra=extra,
    )


_ALWAYS_READ = frozenset(
    ("author", "title", "abstract", "annote", "annotation", "year", "month", "doi", "url",
     "crossref")  # resolved (its fields copied) or reported by _inherit_crossrefs
)  # fmt: skip
_ARXIV_FIELDS = ("eprint", "archiveprefix", "eprinttype")  # primaryclass (cs.LG) is kept


def _read(fields: dict[str, str], venue_field: str | None, arxiv: str | None) -> set[str]:
    """The fields this entry's work was made from; a date with a day is kept too."""
    read = set(_ALWAYS_READ) | {venue_field} - {None}
    if arxiv:
        read.update(_ARXIV_FIELDS)
        if "/" in arxiv:  # an old-style id: the export writes its primaryclass from the id
            read.add("primaryclass")
    if "year" not in fields and re.fullmatch(r"\s*\d{4}(?:-\d{1,2})?\s*", fields.get("date", "")):
        read.add("date")
    return read  # type: ignore[return-value]


def _extra(fields: dict[str, str], read: set[str], comments: list[str]) -> Extra:
    """Every field not read into the work, as BibTeX source under its name: kept, exported."""
    kept = {}
    for name, value in fields.items():
        if name in read:
            continue
        if name in MODELLED:  # a second venue field ("booktitle" of an @article)
            comments.append(f"{name} {value!r} not kept: the work has one venue")
        elif not keeps(name):
            comments.append(f"field {name!r} not kept: not a BibTeX field name")
        elif text := one_line(value):
            kept[name] = text
    return ordered(kept)


_TEXT_FIELDS = frozenset(
    [
        "title",
        "abstract",
        "annote",
        "annotation",
        "journal",
        "journaltitle",
        "booktitle",
        "institution",
        "school",
        "howpublished",
        "publisher",
    ]
)


def _names(value: str) -> tuple[tuple[str, ...], bool]:
    """Authors as "First von Last Jr" and whether the list ends in "and others"."""
    names = [" ".join(n.split()) for n in split_multiple_persons_names(value) if n.strip()]
    incomplete = bool(names) and names[-1] == "others"
    if incomplete:
        names.pop()
    people = []
    for name in names:
        try:
            parts = parse_single_name_into_parts(name, strict=False)
            words = [*parts.first, *parts.von, *parts.last, *parts.jr]
        except Exception:  # a name BibTeX itself would complain about: keep it whole
            words = [name]
        person = decode_bibtex_value(" ".join(words))
        if person:
            people.append(person)
    return tuple(people), incomplete


def _date(fields: dict[str, str], comments: list[str]) -> tuple[int | None, int | None]:
    year = month = None
    if "year" in fields:
        found = _YEAR.match(fields["year"])
        if found:
            year = int(found.group(1))
        else:
            comments.append(f"year {fields['year']!r} is not a year")
    elif "date" in fields:
        found = _DATE.match(fields["date"])
        if found:
            year = int(found.group(1))
            month = int(found.group(2)) if found.group(2) else None
    if "month" in fields:
        month = _month(fields["month"])
        if month is None:
            comments.append(f"month {fields['month']!r} is not a month")
    if month is not None and not 1 <= month <= 12:
        month = None
    return year, month


def _month(value: str) -> int | None:
    text = value.strip().rstrip(".").casefold()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    for number, name in enumerate(MONTH_NAMES, start=1):
        if len(text) >= 3 and name.startswith(text):
            return number
    return None


def _venue(
    text: dict[str, str | None], entry_type: str
) -> tuple[str | None, str | None, str | None]:
    """(label, kind it implies, the field it came from)."""
    for field, kind in VENUE_FIELDS:
        label = text.get(field)
        if label:
            if kind is VenueKind.CONFERENCE and guess_venue_kind(label) is VenueKind.WORKSHOP:
                kind = VenueKind.WORKSHOP
            return label, (kind.value if kind else None), field
    if entry_type == "book" and text.get("publisher"):
        return text["publisher"], None, "publisher"
    return None, None, None


def _arxiv(fields: dict[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().casefold()
    eprint = fields.get("eprint")
    if eprint and prefix in ("arxiv", ""):
        return normalize_arxiv_id(eprint.strip())
    return None


def _checked(field: str, value: str | None, comments: list[str]) -> str | None:
    """`value` as the catalog stores it, or None with a comment when the catalog cannot."""
    if not value:
        return None
    try:
        checked: str | None = validate_field(field, value)
        return checked
    except ValidationError as exc:
        comments.append(f"not kept: {exc}")
        return None


def _verbatim(value: str | None) -> str | None:
    """DOIs and URLs are written almost verbatim; only \\% style escapes are undone."""
    if value is None:
        return None
    text = _VERBATIM_ESCAPE.sub(r"\1", " ".join(value.split()))
    if text.startswith("{") and text.endswith("}") and _balanced(text[1:-1]):
        text = text[1:-1]  # url = {{https://...}}
    return text or None


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0
