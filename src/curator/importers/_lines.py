"""Lines, text spans and field clean-up shared by the listing importers."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from curator.domain.arxiv import arxiv_year_month
from curator.domain.normalize import clean_whitespace, dedupe_paragraphs, drop_url_placeholders
from curator.domain.records import BlockProblem, BlockStatus, ParsedRecord, ParseResult
from curator.importers.latex import latex_to_text
from curator.importers.limits import MAX_ENTRY_CHARS, over_entry_cap

_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the file: its 1-based number, its character span (without the line break)."""

    number: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Split on LF, CRLF or CR, keeping each line's offsets into `text` (skipping a leading BOM)."""
    lines: list[Line] = []
    start = 1 if text.startswith("\ufeff") else 0
    for number, match in enumerate(_BREAK.finditer(text, start), start=1):
        lines.append(Line(number, start, match.start(), text[start : match.start()]))
        start = match.end()
    lines.append(Line(len(lines) + 1, start, len(text), text[start:]))
    return lines


def nonblank(lines: Iterable[Line]) -> list[Line]:
    return [line for line in lines if not line.blank]


def paragraphs(lines: Iterable[Line]) -> list[list[Line]]:
    """Groups of consecutive non-blank lines."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                groups.append(current)
            current = []
        else:
            current.append(line)
    if current:
        groups.append(current)
    return groups


class LineIndex:
    """Finds the line that holds a character offset, for spans that begin or end mid-line."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self._lines = lines
        self._starts = [line.start for line in lines]

    def number_at(self, offset: int) -> int:
        return self._lines[bisect.bisect_right(self._starts, offset) - 1].number


def lines_raw(text: str, lines: Sequence[Line]) -> str:
    """The untouched text from the first to the last of `lines`."""
    return text[lines[0].start : lines[-1].end]


def problem(status: BlockStatus, text: str, lines: Sequence[Line], reason: str) -> BlockProblem:
    """A skipped or rejected block made of whole lines (blank lines at either end are left out)."""
    kept = nonblank(lines) or list(lines)
    return BlockProblem(status, kept[0].number, kept[-1].number, reason, lines_raw(text, kept))


# --- field clean-up -------------------------------------------------------------------------------


def clean_title(value: str | None) -> str | None:
    """A title as one line of readable text."""
    if not value:
        return None
    return latex_to_text(clean_whitespace(value)) or None


def clean_abstract(parts: Iterable[str]) -> str | None:
    """Paragraphs joined by a blank line: repeats dropped, LaTeX decoded, placeholders removed."""
    cleaned: list[str] = []
    for part in dedupe_paragraphs(clean_whitespace(p) for p in parts):
        paragraph = drop_url_placeholders(latex_to_text(part))
        if paragraph:
            cleaned.append(paragraph)
    return "\n\n".join(dedupe_paragraphs(cleaned)) or None


def id_year_month(arxiv_id: str | None) -> tuple[int | None, int | None]:
    """The year and month an arXiv id encodes, or (None, None)."""
    found = arxiv_year_month(arxiv_id) if arxiv_id else None
    return found if found else (None, None)


# --- finishing a parse ----------------------------------------------------------------------------


def finish(
    format_name: str, records: Sequence[ParsedRecord], problems: Sequence[BlockProblem]
) -> ParseResult:
    """Number the records 1..n in file order and sort the problems by line; a record over
    MAX_ENTRY_CHARS (a pasted document as its abstract) is rejected, as in a .bib file.

    Verbatim repeats stay records: the import service compares them with each other and with
    the catalog, and reports them as skipped or unchanged.
    """
    kept = [r for r in records if len(r.raw) <= MAX_ENTRY_CHARS]
    refused = [
        BlockProblem(BlockStatus.REJECTED, r.first_line, r.last_line, _too_big(r), r.raw)
        for r in records
        if len(r.raw) > MAX_ENTRY_CHARS
    ]
    numbered = [dataclasses.replace(r, ordinal=n) for n, r in enumerate(kept, start=1)]
    ordered = sorted([*problems, *refused], key=lambda p: (p.first_line, p.last_line))
    return ParseResult(format=format_name, records=numbered, problems=ordered)


def _too_big(record: ParsedRecord) -> str:
    return _too_big_reason(record.raw)


def _too_big_reason(raw: str) -> str:
    words = " ".join(raw[:200].split())[:40]
    return f"the entry starting {words!r}… {over_entry_cap(len(raw))}"


def too_big(text: str, start: int, end: int, lines: tuple[int, int]) -> BlockProblem | None:
    """The rejection of an entry spanning text[start:end] if it is over MAX_ENTRY_CHARS, found
    before its text is cleaned (splitting 50 MB into words alone takes a gigabyte)."""
    if end - start <= MAX_ENTRY_CHARS:
        return None
    raw = text[start:end]
    return BlockProblem(BlockStatus.REJECTED, *lines, _too_big_reason(raw), raw)
