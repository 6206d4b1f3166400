"""Lab pages: entries of title line, date line, optional venue line and abstract, no blank lines."""

from __future__ import annotations

import re
from collections.abc import Sequence

from curator.domain.normalize import clean_whitespace, parse_date
from curator.domain.records import BlockProblem, BlockStatus, ParsedRecord, ParseResult
from curator.importers._lines import (
    Line,
    clean_abstract,
    clean_title,
    finish,
    lines_raw,
    nonblank,
    problem,
    split_lines,
    too_big,
)

_MAX_TITLE_CHARS = 300
_MAX_VENUE_CHARS = 120
_MAX_VENUE_WORDS = 14
_HEADING_WORDS = re.compile(
    r"\b(?:publications?|papers?|preprints?|articles?|talks?|research|news|archive|"
    r"selected|recent|older|projects?|theses)\b",
    re.IGNORECASE,
)


class LabPageImporter:
    """Reads a lab's publication list: title, then a date line, then venue and abstract."""

    name = "lab-page"
    label = "lab page (title line followed by a date line)"

    def sniff(self, text: str) -> float:
        lines = nonblank(split_lines(text))
        starts = _record_starts(lines)
        if not lines or not starts:
            return 0.0
        return (len(lines) - starts[0]) / len(lines)

    def parse(self, text: str) -> ParseResult:
        lines = nonblank(split_lines(text))
        starts = _record_starts(lines)
        if not starts:
            if not lines:
                return finish(self.name, [], [])
            reason = "no entry found: no title line is followed by a date line"
            return finish(self.name, [], [problem(BlockStatus.REJECTED, text, lines, reason)])
        problems = _preamble(text, lines[: starts[0]])
        records: list[ParsedRecord] = []
        ends = [*starts[1:], len(lines)]
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            entry = lines[start:end]
            last = index == len(starts) - 1
            if not last and len(entry) > 3 and is_heading(entry[-1].stripped):
                reason = "section heading"
                problems.append(problem(BlockStatus.SKIPPED, text, entry[-1:], reason))
                entry = entry[:-1]
            span = (entry[0].start, entry[-1].end, (entry[0].number, entry[-1].number))
            refused = too_big(text, *span)
            if refused is not None:
                problems.append(refused)
            else:
                records.append(_record(text, entry))
        return finish(self.name, records, problems)


def is_date_line(line: str) -> bool:
    """A line that is only a date precise to the month or day ("17 Dec 2023", "2023-12")."""
    if len(line) > 40:
        return False
    found = parse_date(line)
    return found is not None and found[2] is not None


def _looks_like_title(line: str) -> bool:
    # A title may end with a full stop; a sentence-long line is an abstract, not a title.
    return len(line) <= _MAX_TITLE_CHARS and not line.endswith((",", ";", ":"))


def _is_year_line(line: str) -> bool:
    return re.fullmatch(r"(?:19|20)\d{2}", line) is not None


def _starts_entry(lines: Sequence[Line], index: int) -> bool:
    """Whether lines[index] is a title: the line after it is a date (or a bare year)."""
    title, after = lines[index].stripped, lines[index + 1].stripped
    if is_date_line(title) or _is_year_line(title) or not _looks_like_title(title):
        return False
    if is_date_line(after):
        return True
    if not _is_year_line(after):
        return False
    # "2023" above "Title" above "17 Dec 2023" is a year heading, not this line's date.
    ahead = [line.stripped for line in lines[index + 2 : index + 4]]
    return not any(is_date_line(line) for line in ahead)


def _record_starts(lines: Sequence[Line]) -> list[int]:
    """Indexes (among non-blank lines) of title lines: a title is the line before a date line."""
    return [index for index in range(len(lines) - 1) if _starts_entry(lines, index)]


def is_heading(line: str) -> bool:
    """A short section heading such as "Recent Publications" or "2023"."""
    if len(line) > 60:  # before splitting: a line may be megabytes of words
        return False
    words = line.split()
    if not words or len(words) > 6 or line.endswith((".", ",", ";")):
        return False
    return bool(_HEADING_WORDS.search(line) or re.fullmatch(r"(?:19|20)\d{2}", line))


def _preamble(text: str, lines: Sequence[Line]) -> list[BlockProblem]:
    """Lines before the first entry: section headings and page preamble, each skipped."""
    problems: list[BlockProblem] = []
    run: list[Line] = []
    for line in lines:
        if is_heading(line.stripped):
            if run:
                problems.append(problem(BlockStatus.SKIPPED, text, run, "page preamble"))
                run = []
            problems.append(problem(BlockStatus.SKIPPED, text, [line], "section heading"))
        else:
            run.append(line)
    if run:
        problems.append(problem(BlockStatus.SKIPPED, text, run, "page preamble"))
    return problems


def looks_like_venue(line: str) -> bool:
    """A short label such as "NeurIPS Workshop (Backdoors In DL)", not a sentence."""
    if len(line) > _MAX_VENUE_CHARS or len(line.split()) > _MAX_VENUE_WORDS:
        return False
    return not line.endswith((".", "!", "?", ",", ";")) and ". " not in line


def _record(text: str, entry: Sequence[Line]) -> ParsedRecord:
    title, when, rest = entry[0].stripped, entry[1].stripped, [line.stripped for line in entry[2:]]
    venue = None
    if rest and looks_like_venue(rest[0]) and (len(rest) > 1 or len(rest[0]) <= 80):
        venue, rest = clean_whitespace(rest[0]), rest[1:]
    found = parse_date(when)
    iso, year, month = found if found else (None, None, None)
    return ParsedRecord(
        ordinal=0,
        first_line=entry[0].number,
        last_line=entry[-1].number,
        raw=lines_raw(text, entry),
        title=clean_title(title),
        abstract=clean_abstract(rest),
        venue=venue,
        date=iso,
        year=year,
        month=month,
    )
