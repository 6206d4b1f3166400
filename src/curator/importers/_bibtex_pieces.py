"""A BibTeX file cut into pieces of whole blocks, as bibtexparser would split it (a block over
the size one entry may have cut out and rejected before bibtexparser ever sees it), and the
lines each block bibtexparser returns lies on."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import Block, ParsingFailedBlock

from curator.domain.records import BlockProblem, BlockStatus
from curator.importers.limits import MAX_ENTRY_CHARS, PIECE_CHARS, over_entry_cap

_HEAD = 40  # characters of a rejected block quoted in its reason

# Where bibtexparser starts a new block even inside an unclosed one: "@type{" or "@type(" at
# the start of a line. A file cut there parses exactly as it does whole.
_BLOCK_LINE = re.compile(r"[ \t]*@\w*[ \t]*[{(]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_BREAK = re.compile(r"\r\n|\r|\n")
_FEED = re.compile(r"\n")

Piece = tuple[int, str]  # the number of its first line, its text


def text_lines(text: str) -> Iterator[str]:
    """The lines of a text with their line breaks (LF, CRLF or CR, as `split_lines` counts)."""
    return (m.group() for m in _LINE.finditer(text))


class _Block:
    """The block being read: its lines, or (once over the cap) only its size and first words."""

    def __init__(self, first: int, limit: int) -> None:
        self.first, self.last, self.limit = first, first, limit
        self.lines: list[str] = []
        self.chars = 0
        self.head = ""
        self.raw = ""

    def add(self, line: str, number: int) -> None:
        self.chars += len(line)
        self.last = number
        if self.head:
            return  # over the cap: only counted
        self.lines.append(line)
        if self.chars > self.limit:
            self.raw = "".join(self.lines)[: _HEAD * 4]  # kept: the start of the block
            self.head = " ".join(self.raw.split())[:_HEAD] or "(blank)"
            self.lines = []

    def problem(self) -> BlockProblem:
        reason = f"the block starting {self.head!r}… {over_entry_cap(self.chars)}"
        return BlockProblem(BlockStatus.REJECTED, self.first, self.last, reason, self.raw)


class _Pieces:
    """Whole blocks gathered into pieces of `size` entries (or PIECE_CHARS characters)."""

    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        self.lines: list[str] = []
        self.first, self.chars, self.entries = 0, 0, 0
        self.block = _Block(1, limit)

    def start_block(self, number: int) -> Iterator[Piece | BlockProblem]:
        """A new block at line `number`: the one before it joins the piece or is rejected."""
        yield from self.end_block()
        if self.entries >= self.size or self.chars >= PIECE_CHARS:
            yield from self.flush()
        self.entries += 1
        self.block = _Block(number, self.limit)

    def end_block(self) -> Iterator[Piece | BlockProblem]:
        block = self.block
        if block.head:
            yield from self.flush()  # the piece before it keeps its own line numbers
            yield block.problem()
        elif block.lines:
            self.first = self.first or block.first
            self.lines += block.lines
            self.chars += block.chars
        self.block = _Block(block.last, self.limit)

    def flush(self) -> Iterator[Piece]:
        if self.lines:
            yield self.first, "".join(self.lines)
        self.lines, self.first, self.chars, self.entries = [], 0, 0, 0


def entry_chunks(
    lines: Iterable[str], size: int, limit: int = MAX_ENTRY_CHARS
) -> Iterator[Piece | BlockProblem]:
    """The text in pieces of `size` entries, each with the number of its first line, and each
    block over `limit` characters as a rejection in its place.

    A piece ends where bibtexparser would start a new block anyway: "@type{" at the start of a
    line, which for it follows a line feed (a lone CR does not start a line). `lines` may hand
    a long line on in parts: only an item ending in a line break ends a line.
    """
    pieces = _Pieces(size, limit)
    number, after_feed = 1, True
    for line in lines:
        if after_feed and _BLOCK_LINE.match(line):
            yield from pieces.start_block(number)
        pieces.block.add(line, number)
        after_feed = line.endswith("\n")
        number += after_feed or line.endswith("\r")
    yield from pieces.end_block()
    yield from pieces.flush()


def located(text: str, first_line: int) -> list[tuple[Block, tuple[int, int, str]]]:
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
