"""Text folded for comparison (accents, case, LaTeX markup and punctuation dropped): shared by
the duplicate engine and the venue engine, so both compare text the same way."""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LATEX = re.compile(r"\\[a-zA-Z]+\s*|[{}$]")
_NON_WORD = re.compile(r"[\W_]+")
_ASCII_PUNCTUATION = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def fold(text: str | None) -> str:
    """NFKD, accents stripped, LaTeX markup dropped, casefolded, punctuation to one space."""
    if not text:
        return ""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if "\\" in text or "{" in text or "$" in text:
        text = _LATEX.sub(" ", text)
    text = text.casefold()
    if text.isascii():  # str.translate is ten times faster than the regular expression
        return " ".join(text.translate(_ASCII_PUNCTUATION).split())
    return " ".join(_NON_WORD.sub(" ", text).split())
