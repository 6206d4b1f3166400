"""Author names as BibTeX reads them: "von Last, Jr, First", one list joined by " and "."""

from __future__ import annotations

from curator.domain.names import split_name
from curator.export.latex import Charset, encode

_NAME_PUNCTUATION = frozenset(".-'’")


def bibtex_name(name: str, charset: Charset = Charset.UTF8) -> str:
    """One author in BibTeX's "von Last, Jr, First" form.

    A name BibTeX could misread (a comma, the word "and" or "others", symbols) is written as
    one braced unit, which BibTeX prints as it is and never splits.
    """
    name = " ".join(name.split())
    if not _plain(name):
        # Biber makes an initial of the first character; from a symbol it made broken LaTeX
        # ("`{" for \textasciigrave{}). \relax first gives it nothing to break.
        encoded = encode(name, charset)
        plain_start = name[:1].isalnum() and encoded[:1] not in "\\{"
        return "{" + ("" if plain_start else "\\relax ") + encoded + "}"
    parts = split_name(name)
    first, von, last, jr = (
        " ".join(encode(w, charset) for w in part)
        for part in (parts.first, parts.von, parts.last, parts.jr)
    )
    family = f"{von} {last}" if von else last
    if jr:
        return f"{family}, {jr}, {first}"
    return f"{family}, {first}" if first else family


def bibtex_names(authors: tuple[str, ...], incomplete: bool, charset: Charset) -> str:
    """The author field: names joined by " and ", with "and others" for an incomplete list."""
    names = [bibtex_name(a, charset) for a in authors]
    if incomplete:
        names.append("others")
    return " and ".join(names)


def _plain(name: str) -> bool:
    """Words that start with a letter, with the odd hyphen, apostrophe or period: BibTeX and
    Biber split such a name well. Anything else ("and", "others", "--", symbols) is kept whole."""
    words = name.split()
    if any(w.casefold() in ("and", "others") for w in words) or "--" in name or "''" in name:
        return False
    return all(
        w[:1].isalpha() and all(c.isalnum() or c in _NAME_PUNCTUATION for c in w) for w in words
    )
