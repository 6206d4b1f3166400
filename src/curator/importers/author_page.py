"""Author pages: entries of "VENUE OWNER" header, title and abstract, each closed by "Read More"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from curator.domain.arxiv import match_arxiv_id
from curator.domain.normalize import (
    clean_whitespace,
    is_name_word,
    looks_like_author_list,
    looks_like_person_name,
    split_authors,
)
from curator.domain.records import BlockProblem, BlockStatus, ParsedRecord, ParseResult
from curator.importers._lines import (
    Line,
    clean_abstract,
    clean_title,
    finish,
    id_year_month,
    lines_raw,
    nonblank,
    paragraphs,
    problem,
    split_lines,
    too_big,
)

_READ_MORE = re.compile(r"^read\s+more\b[\s.…»>→]*$", re.IGNORECASE)
# Capitalised words that end a venue label, never a person's name ("ICML Workshop Jo Doe").
_VENUE_WORDS = frozenset(
    re.findall(
        r"\w+",
        """Workshop Workshops Findings Conference Journal Symposium Proceedings Spotlight Oral
        Poster Track Tutorial Letters Transactions Nature Science Intelligence Learning Machine
        Computing Language Languages Processing Systems Neural Annual International Meeting
        Society Association Press Preprint Communications Magazine Advances Computational
        Linguistics Vision Recognition Information Artificial Submitted Accepted Award Highlight
        Demo Papers Volume Chapter Thesis Blog Report Technical""",
    )
)
_MAX_HEADER_CHARS = 300
_MAX_TITLE_CHARS = 300
_MAX_OWNER_WORDS = 4
_CITATION = re.compile(
    r'^(?P<authors>[^"“”]{3,}?)[.,]\s+["“](?P<title>[^"”]{3,})["”]\s*'
    r"(?P<rest>.*\b(?:19|20)\d{2}[a-z]?)\s*\.?$"
)
_ARXIV_MENTION = re.compile(r"arXiv\s*:\s*|arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;])")


@dataclass(frozen=True, slots=True)
class _Block:
    lines: list[Line]  # from after the previous "Read More" to this one (inclusive)
    closed: bool


@dataclass(frozen=True, slots=True)
class _Entry:
    preamble: list[Line]  # paragraphs before the header: skipped
    half: str | None  # half of the doubled header line, if any
    items: list[list[Line]]  # title and abstract paragraphs (and citations)
    lines: list[Line]  # from the header (or title) to "Read More"


@dataclass(frozen=True, slots=True)
class _Citation:
    text: str
    authors: tuple[str, ...]
    arxiv_id: str | None
    doi: str | None


class AuthorPageImporter:
    """Reads a researcher's page where each entry ends with a "Read More" link."""

    name = "author-page"
    label = "author page (entries ending in a 'Read More' line)"

    def sniff(self, text: str) -> float:
        lines = split_lines(text)
        total = len(nonblank(lines))
        if not total:
            return 0.0
        entries = [_entry(b) for b in _blocks(lines) if b.closed]
        covered = sum(len(nonblank(e.lines)) for e in entries if e.items)
        return covered / total

    def parse(self, text: str) -> ParseResult:
        blocks = _blocks(split_lines(text))
        owners = _owner_support(blocks)
        records: list[ParsedRecord] = []
        problems: list[BlockProblem] = []
        for block in blocks:
            record, found = _read_block(text, block, owners)
            problems.extend(found)
            if record is not None:
                records.append(record)
        return finish(self.name, records, problems)


def _blocks(lines: Sequence[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[Line] = []
    for line in lines:
        current.append(line)
        if _READ_MORE.match(line.stripped):
            blocks.append(_Block(current, True))
            current = []
    if nonblank(current):
        blocks.append(_Block(current, False))
    return blocks


# --- the doubled "VENUE OWNER VENUE OWNER" header ------------------------------------------------


def doubled_half(line: str) -> str | None:
    """The half of a line made of two equal halves ("ICLR Jo Doe ICLR Jo Doe" -> "ICLR Jo Doe")."""
    if len(line) > _MAX_HEADER_CHARS:  # before splitting: a line may be megabytes of words
        return None
    words = line.split()
    half = len(words) // 2
    if not words or len(words) % 2:
        return None
    return " ".join(words[:half]) if words[:half] == words[half:] else None


def owner_candidate(half: str) -> str | None:
    """The trailing run of name-like words of a header half, if it can be a person's name."""
    words = half.split()
    run: list[str] = []
    for word in reversed(words):
        if word in _VENUE_WORDS or not is_name_word(word) or len(run) == _MAX_OWNER_WORDS:
            break
        run.insert(0, word)
    if len(run) < 2 and len(run) != len(words):
        return None
    name = " ".join(run)
    return name if run and looks_like_person_name(name) else None


def split_header(half: str, support: dict[str, int]) -> tuple[str | None, str | None]:
    """(venue label, owner) of a header half, using the owners seen elsewhere as a check."""
    candidates = [o for o in support if half == o or half.endswith(" " + o)]
    own = owner_candidate(half)
    if own and own not in candidates:
        candidates.append(own)
    if not candidates:
        return half, None
    owner = max(candidates, key=lambda o: (support.get(o, 0), -len(o)))
    venue = half[: len(half) - len(owner)].strip()
    return venue or None, owner


def _owner_support(blocks: Sequence[_Block]) -> dict[str, int]:
    """For each owner candidate in the file, how many headers end with it."""
    halves = [h for h in (_header(paragraphs(b.lines[:-1]))[1] for b in blocks) if h]
    candidates = {c for c in (owner_candidate(h) for h in halves) if c}
    return {c: sum(1 for h in halves if h == c or h.endswith(" " + c)) for c in candidates}


def _header(groups: Sequence[Sequence[Line]]) -> tuple[int, str | None]:
    """(index of the paragraph it opens, half of the header) among the first two paragraphs."""
    for index, group in enumerate(groups[:2]):
        half = doubled_half(group[0].stripped)
        if half:
            return index, half
    return 0, None


# --- one entry ------------------------------------------------------------------------------------


def _read_block(
    text: str, block: _Block, support: dict[str, int]
) -> tuple[ParsedRecord | None, list[BlockProblem]]:
    if not block.closed:
        reason = "entry is not closed by a 'Read More' line (the file may be truncated)"
        return None, [problem(BlockStatus.REJECTED, text, block.lines, reason)]
    entry = _entry(block)
    problems: list[BlockProblem] = []
    if entry.preamble:
        reason = "text before an entry header (page preamble or section heading)"
        problems.append(problem(BlockStatus.SKIPPED, text, entry.preamble, reason))
    first, last = entry.lines[0], entry.lines[-1]
    refused = too_big(text, first.start, last.end, (first.number, last.number))
    if refused is not None:
        return None, [*problems, refused]
    if not entry.items:
        reason = "entry has no title or abstract before 'Read More'"
        return None, [*problems, problem(BlockStatus.REJECTED, text, entry.lines, reason)]
    venue, owner = split_header(entry.half, support) if entry.half else (None, None)
    return _record(text, entry.lines, entry.items, venue, owner), problems


def _entry(block: _Block) -> _Entry:
    """Split a closed block into preamble, header, title/abstract items and the entry's lines."""
    groups = paragraphs(block.lines[:-1])
    start, half = _header(groups)
    preamble = [line for group in groups[:start] for line in group]
    groups = groups[start:]
    items = [[line] for line in groups[0][1:]] + groups[1:] if half else groups
    lines = [line for group in groups for line in group] + [block.lines[-1]]
    return _Entry(preamble, half, items, lines)


def _record(
    text: str,
    lines: Sequence[Line],
    items: Sequence[Sequence[Line]],
    venue: str | None,
    owner: str | None,
) -> ParsedRecord:
    texts = [clean_whitespace(" ".join(line.stripped for line in item)) for item in items]
    title = texts[0] if len(texts[0]) <= _MAX_TITLE_CHARS else None
    body = texts[1:] if title is not None else texts
    citations = [c for c in (_read_citation(t) for t in body) if c]
    cited = {c.text for c in citations}
    authors: tuple[str, ...] = (owner,) if owner else ()
    incomplete, arxiv_id, doi = True, None, None
    own = next((c for c in citations if owner is None or _names_match(owner, c.authors)), None)
    if own is not None:
        authors, incomplete, arxiv_id, doi = own.authors, False, own.arxiv_id, own.doi
    year, month = id_year_month(arxiv_id)
    return ParsedRecord(
        ordinal=0,
        first_line=lines[0].number,
        last_line=lines[-1].number,
        raw=lines_raw(text, lines),
        title=clean_title(title),
        abstract=clean_abstract(t for t in body if t not in cited),
        authors=authors,
        authors_incomplete=incomplete,
        venue=venue,
        year=year,
        month=month,
        arxiv_id=arxiv_id,
        doi=doi,
        comments=tuple(c.text for c in citations),
    )


def _names_match(owner: str, authors: Sequence[str]) -> bool:
    key = clean_whitespace(owner).casefold()
    return any(clean_whitespace(a).casefold() == key for a in authors)


def _read_citation(paragraph: str) -> _Citation | None:
    """A reference like `A, B, and C. "Title." arXiv preprint arXiv:2210.14986, 2022.`, or None.

    The paragraph must open with a list of people's names and end with a year, so ordinary
    abstract sentences that quote something are not mistaken for citations.
    """
    match = _CITATION.match(paragraph)
    if not match:
        return None
    written = match.group("authors")
    single = looks_like_person_name(written) and len(written.split()) >= 2
    if not (single or looks_like_author_list(written)):
        return None
    return _Citation(
        text=paragraph,
        authors=split_authors(written),
        arxiv_id=_arxiv_in(match.group("rest")),
        doi=(m.group(1) if (m := _DOI.search(match.group("rest"))) else None),
    )


def _arxiv_in(text: str) -> str | None:
    for mention in _ARXIV_MENTION.finditer(text):
        found = match_arxiv_id(text[mention.end() :])
        if found:
            return found[0]
    return None
