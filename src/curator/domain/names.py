"""People's names, read once: BibTeX's own reading of "First von Last", "von Last, First" and
"von Last, Jr, First", with a trailing "Jr." or "III" kept as a suffix in the first form.

The export writes names from these parts, citation keys take the last name, and the duplicate
engine compares von + last; all three read a name the same way through `split_name`. The
tests hold it to bibtexparser's splitter, which implements BibTeX's rules.
"""

from __future__ import annotations

from dataclasses import dataclass

SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@dataclass(frozen=True, slots=True)
class NameParts:
    first: tuple[str, ...]
    von: tuple[str, ...]
    last: tuple[str, ...]
    jr: tuple[str, ...]

    @property
    def surname(self) -> str:
        """The family name BibTeX sorts and cites by: "von Neumann" -> "Neumann"."""
        return " ".join(self.last)

    @property
    def family(self) -> tuple[str, ...]:
        """The family name with its particles: "von Neumann", "van der Berg"."""
        return self.von + self.last


def split_name(name: str) -> NameParts:
    """The parts of one person's name, as BibTeX reads it."""
    parts = [" ".join(p.split()) for p in name.split(",")]
    if len(parts) == 1:
        return _first_von_last(parts[0].split())
    von, last = _von_last(parts[0].split())
    jr = tuple(parts[1].split()) if len(parts) > 2 else ()
    first = tuple(" ".join(parts[2:] if len(parts) > 2 else parts[1:]).split())
    return NameParts(first, von, last, jr)


def _first_von_last(words: list[str]) -> NameParts:
    """ "First von Last [Jr]": von runs from the first lower-case word to the last one before
    the final word; a name without one is its final word after the first names."""
    jr = (words.pop(),) if len(words) > 2 and words[-1].casefold() in SUFFIXES else ()
    if not words:
        return NameParts((), (), (), jr)
    lower = [i for i, word in enumerate(words[:-1]) if _lower(word)]
    if not lower:
        return NameParts(tuple(words[:-1]), (), (words[-1],), jr)
    start, end = lower[0], lower[-1] + 1
    return NameParts(tuple(words[:start]), tuple(words[start:end]), tuple(words[end:]), jr)


def _von_last(words: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ "von Last" before a comma: the von part is every word up to the last lower-case one."""
    cut = 0
    for i, word in enumerate(words[:-1]):
        if _lower(word):
            cut = i + 1
    return tuple(words[:cut]), tuple(words[cut:])


def _lower(word: str) -> bool:
    first = next((c for c in word if c.isalpha()), "")
    return first.islower()
