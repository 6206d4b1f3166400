"""The most text one block of an imported file may hold: caps no real bibliography reaches,
so a hostile file (a doubling chain of @string macros, a pasted 50 MB value) is rejected block
by block with a reason, never a hang or a machine out of memory."""

from __future__ import annotations

# One field's text. An abstract is a few kB: the longest value in the test fixtures and in the
# 1.5 MB of .bib behind the matching benchmarks is under 3 kB. 100 kB is a pasted document.
MAX_VALUE_CHARS = 100_000
# A macro only ever becomes (part of) a value, so none may be longer than a value.
MAX_MACRO_CHARS = MAX_VALUE_CHARS
# All of a file's macros together. A journal-abbreviation file such as IEEEabrv.bib defines
# about a thousand macros in under 100 kB; 10 MB is a hundred such files.
MAX_MACROS_CHARS = 10_000_000
# Text that entries copy from elsewhere in the file (macros, crossref parents) may come to
# this much plus EXPANSION_PER_CHAR characters for each character of the file read so far:
# real files expand a few abbreviations (well under one character per character), while one
# 100 kB macro named by a million tiny entries would fill 100 GB.
EXPANSION_FREE = 10_000_000
EXPANSION_PER_CHAR = 4
# One entry's raw text: in a .bib file from its "@type{" line to the next one (text between
# entries included), in a listing the record's lines. The longest entry in the fixtures, the
# seeds and the matching benchmarks is under 3 kB; 1 MB leaves room for ten values at their
# cap and is still read in milliseconds.
MAX_ENTRY_CHARS = 1_000_000
# A piece of a .bib file parsed at once also ends after this many characters, so the entries
# per piece do not multiply the entry cap into gigabytes (2,000 real entries are about 1 MB).
PIECE_CHARS = 16_000_000


def over_entry_cap(chars: int) -> str:
    """The end of the reason an entry over MAX_ENTRY_CHARS is rejected with."""
    return (
        f"is {chars:,} characters long, over the {MAX_ENTRY_CHARS:,} one entry may have "
        "(a value pasted by mistake?); it is not read, the rest of the file is"
    )
