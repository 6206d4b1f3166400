"""arXiv identifiers: recognise them in any written form and read the date they encode."""

from __future__ import annotations

import re

# New-style ids: YYMM.NNNN (until 2014-12) or YYMM.NNNNN (from 2015-01), optional version.
_NEW_ID = re.compile(r"(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?P<version>v\d+)?")
# Old-style ids: archive(.SUBJ)/YYMMNNN, e.g. hep-th/9901001 or math.GT/0309136.
_OLD_ID = re.compile(
    r"(?P<archive>[a-z][a-z\-]*(?:\.[A-Z]{2})?)/(?P<yymm>\d{4})(?P<num>\d{3})(?P<version>v\d+)?"
)
_PREFIX = re.compile(r"^\s*(?:arxiv\s*:\s*|https?://arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)


def _digits_for(yymm: str) -> int:
    """arXiv switched from four to five digits after the dot in January 2015."""
    return 5 if yymm >= "1501" else 4


def match_arxiv_id(text: str) -> tuple[str, str] | None:
    """Read an arXiv id at the start of `text` (after an optional `arXiv:` prefix).

    Returns (id without version, the rest of the text). Ids glued to the text that
    follows them ("arXiv:2403.07918We propose...") are split by arXiv's own rule for
    the number of digits, so a following digit is never swallowed.
    """
    prefix = _PREFIX.match(text)
    body = text[prefix.end() :] if prefix else text
    m = re.match(r"(\d{4})\.", body)
    if m:
        yymm = m.group(1)
        if not _plausible_yymm(yymm):
            return None
        n = _digits_for(yymm)
        m2 = re.match(rf"\d{{4}}\.(\d{{{n}}})(v\d+)?", body)
        if not m2:
            return None
        return f"{yymm}.{m2.group(1)}", body[m2.end() :]
    m = _OLD_ID.match(body)
    if m and _plausible_yymm(m.group("yymm"), old=True):
        return f"{m.group('archive')}/{m.group('yymm')}{m.group('num')}", body[m.end() :]
    return None


def normalize_arxiv_id(text: str | None) -> str | None:
    """The canonical id (no prefix, no version) if `text` is exactly an arXiv id, else None."""
    if not text:
        return None
    found = match_arxiv_id(text.strip())
    if found is None or found[1].strip():
        return None
    return found[0]


def arxiv_year_month(arxiv_id: str) -> tuple[int, int] | None:
    """The year and month of first submission that an arXiv id encodes."""
    m = re.search(r"(\d{2})(\d{2})(?:\.|\d{3}$)", arxiv_id)
    if not m:
        return None
    yy, mm = int(m.group(1)), int(m.group(2))
    year = 1900 + yy if yy >= 91 else 2000 + yy
    return year, mm


def _plausible_yymm(yymm: str, old: bool = False) -> bool:
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12:
        return False
    if old:
        return yy >= 91 or yy <= 7
    return yy >= 7
