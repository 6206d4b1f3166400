"""BibTeX files: each entry becomes a record; macros, comments and broken blocks are reported."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator

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

from curator.domain.catalog import ENTRY_TYPES
from curator.domain.records import BlockProblem, BlockStatus, ParseResult
from curator.importers._bibtex_pieces import Piece, entry_chunks, located, text_lines
from curator.importers._bibtex_record import ResolvedEntry, to_record
from curator.importers._bibtex_record import _names as _names  # read by tests/export
from curator.importers._bibtex_values import STANDARD_MACROS, Macros, resolve
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
_ENTRY_START = re.compile(r"^[^\S\n]*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)

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
        self._children: dict[str, list[tuple[int, ResolvedEntry]]] = {}  # waiting, by parent key
        self._parents: dict[str, ResolvedEntry] = {}  # books and proceedings seen so far

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
        entries: list[ResolvedEntry] = []
        for block, where in located(text, first_line):
            _read_block(block, self.macros, result, entries, where)
        for entry in entries:
            self._ordinal += 1
            self._claim_key(entry)
            parent = entry.fields.get("crossref", "").strip().casefold()
            if parent and parent in self._parents:  # a book or proceedings seen before
                _inherit(entry, self._parents[parent], self.macros)
                result.records.append(to_record(entry, self._ordinal))
            elif parent:  # BibTeX's way: the parent comes after its children
                self._children.setdefault(parent, []).append((self._ordinal, entry))
            else:
                result.records.append(to_record(entry, self._ordinal))
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
                records.append(to_record(entry, ordinal))
        self._children = {}
        return ParseResult(format=BibtexImporter.name, records=records)

    def _claim_key(self, entry: ResolvedEntry) -> None:
        """A key used by an earlier entry stays with that entry (BibTeX keys ignore case)."""
        key = (entry.key or "").casefold()
        if key and key in self._keys:
            entry.comments.append(
                f"citation key {entry.key!r} is used by an earlier entry; not kept"
            )
            entry.key = None
        elif key:
            self._keys.add(key)

    def _remember_parent(self, entry: ResolvedEntry, result: ParseResult) -> None:
        """Children waiting for this entry are finished now (into `result`); a book or
        proceedings is kept for children that name it later."""
        key = (entry.key or "").casefold()
        if not key:
            return
        for ordinal, child in self._children.pop(key, []):
            _inherit(child, entry if child is not entry else None, self.macros)
            result.records.append(to_record(child, ordinal))
        if entry.entry_type == "book":  # proceedings and collections read as books
            self._parents.setdefault(key, entry)


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


def _inherit(entry: ResolvedEntry, parent: ResolvedEntry | None, macros: Macros) -> None:
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


def _read_block(
    block: Block,
    macros: Macros,
    result: ParseResult,
    entries: list[ResolvedEntry],
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
    entries: list[ResolvedEntry],
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
    entries.append(ResolvedEntry(fields, mapped, entry.key, where, comments))


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
