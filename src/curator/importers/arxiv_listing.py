"""arXiv listings: records closed by an `arXiv:ID`, with or without titles, ids glued or not."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from curator.domain.arxiv import match_arxiv_id
from curator.domain.normalize import (
    clean_whitespace,
    looks_like_author_list,
    parse_date,
    split_authors,
)
from curator.domain.records import BlockProblem, BlockStatus, ParsedRecord, ParseResult
from curator.importers._lines import (
    Line,
    LineIndex,
    clean_abstract,
    clean_title,
    finish,
    id_year_month,
    nonblank,
    split_lines,
    too_big,
)

_ID_PREFIX = re.compile(r"arxiv\s*:\s*|https?://arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_CATEGORY = re.compile(r"\s*\[[\w.\- ]{1,24}\]")
_DATED = re.compile(
    r"^(?:created|submitted|published|announced|date)(?:\s+on)?\s*:?\s*(?P<date>.{4,40})$",
    re.IGNORECASE,
)
_OWN_URL = re.compile(
    r"^(?:also\s+)?(?:available|published|online|read it)\s+(?:at|from|on|in)\s*:?\s*"
    r"(?P<url>https?://\S+?)[.,;]?$",
    re.IGNORECASE,
)
_DOI = re.compile(
    r"^(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/\S+?)\.?$", re.I
)
_PROSE_CHARS = 200  # items this long next to the abstract continue it
_TITLE_CHARS = 150  # a lone item shorter than this, without a full stop, is a title


@dataclass(frozen=True, slots=True)
class _Piece:
    """A trimmed span of one line: either an arXiv id or text."""

    start: int
    end: int
    text: str
    arxiv_id: str | None = None


class ArxivListingImporter:
    """Reads arXiv-style listings where each record ends with its `arXiv:ID`."""

    name = "arxiv"
    label = "arXiv listing (records closed by arXiv:ID lines)"

    def sniff(self, text: str) -> float:
        lines = split_lines(text)
        total = len(nonblank(lines))
        groups = [g for g in _groups(_pieces(lines))[0] if any(_is_item(p) for p in g)]
        if not total or not groups:
            return 0.0
        index = LineIndex(lines)
        covered: set[int] = set()
        for group in groups:
            covered.update(
                range(index.number_at(group[0].start), index.number_at(group[-1].end - 1) + 1)
            )
        return min(1.0, len(covered) / total)

    def parse(self, text: str) -> ParseResult:
        lines = split_lines(text)
        index = LineIndex(lines)
        groups, trailing = _groups(_pieces(lines))
        records: list[ParsedRecord] = []
        problems: list[BlockProblem] = []
        for group in groups:
            built = _record(text, index, group)
            if isinstance(built, ParsedRecord):
                records.append(built)
            else:
                problems.append(built)
        if trailing:
            reason = (
                "text after the last arXiv id is not closed by an id (the file may be truncated)"
                if groups
                else "no arXiv id found: each record must end with an arXiv:ID"
            )
            problems.append(_problem(text, index, trailing, reason))
        return finish(self.name, records, problems)


# --- splitting the file into ids and text ---------------------------------------------------------


def _pieces(lines: Sequence[Line]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for line in lines:
        if line.blank:
            continue
        lead = len(line.text) - len(line.text.lstrip())
        start, end = line.start + lead, line.start + len(line.text.rstrip())
        body = line.text[lead : end - line.start]
        found = _read_id(body)
        if found is None:
            pieces.append(_Piece(start, end, body))
            continue
        arxiv_id, used = found
        pieces.append(_Piece(start, start + used, body[:used], arxiv_id))
        rest = body[used:]
        if rest.strip():
            skip = len(rest) - len(rest.lstrip())
            pieces.append(_Piece(start + used + skip, end, rest[skip:]))
    return pieces


def _read_id(body: str) -> tuple[str, int] | None:
    """(id, characters used) when `body` opens with `arXiv:ID` (plus an optional [category])."""
    if not _ID_PREFIX.match(body):
        return None
    found = match_arxiv_id(body)
    if found is None:
        return None
    arxiv_id, rest = found
    category = _CATEGORY.match(rest)
    used = len(body) - len(rest) + (category.end() if category else 0)
    return arxiv_id, used


def _groups(pieces: Sequence[_Piece]) -> tuple[list[list[_Piece]], list[_Piece]]:
    """Records as runs of pieces each closed by an id (and the date line that follows it)."""
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    position = 0
    while position < len(pieces):
        piece = pieces[position]
        current.append(piece)
        position += 1
        if piece.arxiv_id is None:
            continue
        following = pieces[position] if position < len(pieces) else None
        if following is not None and following.arxiv_id is None and _dated(following.text):
            current.append(following)
            position += 1
        groups.append(current)
        current = []
    return groups, current


def _dated(text: str) -> tuple[str, int, int | None] | None:
    """The date of a `Created: 2022-09-21` line (or a line that is only a full date)."""
    match = _DATED.match(text.strip())
    if match:
        return parse_date(match.group("date"))
    found = parse_date(text) if len(text) <= 40 else None
    return found if found and found[2] is not None else None


def _is_item(piece: _Piece) -> bool:
    """Text that is neither an id nor a date line: a title, authors, abstract or comment."""
    return piece.arxiv_id is None and not _dated(piece.text)


# --- one record -----------------------------------------------------------------------------------


def _problem(text: str, index: LineIndex, pieces: Sequence[_Piece], reason: str) -> BlockProblem:
    start, end = pieces[0].start, pieces[-1].end
    return BlockProblem(
        BlockStatus.REJECTED,
        index.number_at(start),
        index.number_at(end - 1),
        reason,
        text[start:end],
    )


def _record(text: str, index: LineIndex, group: Sequence[_Piece]) -> ParsedRecord | BlockProblem:
    start, end = group[0].start, group[-1].end
    refused = too_big(text, start, end, (index.number_at(start), index.number_at(end - 1)))
    if refused is not None:
        return refused
    arxiv_id = next(p.arxiv_id for p in group if p.arxiv_id)
    dates = [d for d in (_dated(p.text) for p in group if p.arxiv_id is None) if d]
    items = [clean_whitespace(p.text) for p in group if _is_item(p)]
    if not items:
        return _problem(text, index, group, f"arXiv:{arxiv_id} has no title or abstract before it")
    title, authors, abstract, comments = _classify(items)
    iso, year, month = dates[0] if dates else (None, None, None)
    id_year, id_month = id_year_month(arxiv_id)
    if year is None or (month is None and year == id_year):
        year, month = year or id_year, id_month
    return ParsedRecord(
        ordinal=0,
        first_line=index.number_at(start),
        last_line=index.number_at(end - 1),
        raw=text[start:end],
        title=clean_title(title),
        abstract=clean_abstract(abstract),
        authors=split_authors(authors) if authors else (),
        authors_incomplete=authors is None,
        date=iso,
        year=year,
        month=month,
        arxiv_id=arxiv_id,
        doi=_first(_DOI, comments, "doi"),
        url=_first(_OWN_URL, comments, "url"),
        comments=tuple(comments),
    )


def _classify(items: Sequence[str]) -> tuple[str | None, str | None, list[str], list[str]]:
    """(title, author line, abstract paragraphs, comments) of a record's text items.

    The abstract is the longest item that is not an author list (with long prose items next to
    it); items before it are the title and authors, items after it are comments.
    """
    is_authors = [looks_like_author_list(item) for item in items]
    prose = [i for i, item in enumerate(items) if not is_authors[i]]
    if not prose:
        return None, items[0], [], list(items[1:])
    best = max(prose, key=lambda i: len(items[i]))
    if best == prose[0] and _is_title(items[best]):
        lo, hi = best + 1, best  # no abstract: the lone short item is the title
    else:
        lo, hi = _widen(items, is_authors, best)
    author_at = next((i for i in range(lo) if is_authors[i]), None)
    others = [items[i] for i in range(lo) if i != author_at]
    title = others[0] if others else None
    authors = items[author_at] if author_at is not None else None
    return title, authors, list(items[lo : hi + 1]), [*others[1:], *items[hi + 1 :]]


def _is_title(item: str) -> bool:
    return len(item) < _TITLE_CHARS and not item.endswith((".", "!"))


def _widen(items: Sequence[str], is_authors: Sequence[bool], best: int) -> tuple[int, int]:
    """Extend the abstract over neighbouring long prose items (abstracts in several paragraphs)."""
    lo = hi = best
    while lo > 0 and not is_authors[lo - 1] and len(items[lo - 1]) >= _PROSE_CHARS:
        lo -= 1
    while hi + 1 < len(items) and not is_authors[hi + 1] and len(items[hi + 1]) >= _PROSE_CHARS:
        hi += 1
    return lo, hi


def _first(pattern: re.Pattern[str], comments: Sequence[str], group: str) -> str | None:
    for comment in comments:
        match = pattern.match(comment)
        if match:
            return match.group(group)
    return None
