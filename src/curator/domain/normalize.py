"""Pure text clean-up for importers and matching: whitespace, placeholders, names and dates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date


def clean_whitespace(text: str) -> str:
    """Collapse every run of whitespace (newlines, tabs, no-break spaces) into one space."""
    return " ".join(text.split())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Multi-line text as the catalog keeps it: no control characters, single spaces, lines
    trimmed, paragraphs separated by exactly one blank line, composed characters (NFC)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    paragraphs = []
    for part in re.split(r"\n[^\S\n]*\n\s*", text):
        lines = [line for line in (" ".join(raw.split()) for raw in part.split("\n")) if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def clean_line(text: str) -> str:
    """One line of text: no control characters, whitespace runs as single spaces, NFC."""
    return " ".join(unicodedata.normalize("NFC", _CONTROL.sub("", text)).split())


def split_paragraphs(text: str) -> list[str]:
    """The blank-line separated paragraphs of `text`, each with its whitespace cleaned."""
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [p for p in (clean_whitespace(part) for part in parts) if p]


def dedupe_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Drop empty paragraphs and paragraphs repeated verbatim (after whitespace normalisation)."""
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        key = clean_whitespace(paragraph)
        if key and key not in seen:
            seen.add(key)
            kept.append(paragraph)
    return kept


# --- arXiv's "this https URL" placeholders -------------------------------------------------------

_PLACEHOLDER = re.compile(r"\bthis\s+https?\s+URL\b", re.IGNORECASE)
_PLACEHOLDER_PHRASE = re.compile(
    r"\s*(?:\b(?:at|on|from|via|in|under|here)\s*:?\s*)?this\s+https?\s+URL\b",
    re.IGNORECASE,
)
_PLACEHOLDER_ASIDE = re.compile(
    r"\s*\([^()]{0,60}?\bthis\s+https?\s+URL\b[^()]{0,20}\)", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[A-Z\"“(\[])")
_POINTER_WORDS = re.compile(
    r"\b(?:available|released?|releases|found|accessible|hosted|see|visit|code|data|dataset|"
    r"page|homepage|website|repository|repo|github|demo|project|download(?:ed)?|provided|"
    r"obtained|models?|checkpoints|weights|link|url|online)\b",
    re.IGNORECASE,
)


def drop_url_placeholders(text: str) -> str:
    """Remove arXiv's "this https URL" placeholders.

    A sentence that only points at the placeholder ("Code is available at this https URL.") is
    dropped whole; elsewhere the placeholder and the preposition before it are removed.
    """
    if not _PLACEHOLDER.search(text):
        return text
    text = _PLACEHOLDER_ASIDE.sub("", text)
    sentences = [_drop_placeholder_sentence(s) for s in _split_sentences(text)]
    kept = " ".join(s for s in sentences if s)
    return _tidy_punctuation(kept)


def _split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def _drop_placeholder_sentence(sentence: str) -> str:
    if not _PLACEHOLDER.search(sentence):
        return sentence
    rest = _PLACEHOLDER_PHRASE.sub("", sentence)
    words = re.findall(r"\w+", rest)
    pointer = _POINTER_WORDS.search(rest) or rest.rstrip().endswith(":")
    if len(words) <= 10 and pointer:
        return ""
    return rest.strip()


def _tidy_punctuation(text: str) -> str:
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[.!?])", "", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    return clean_whitespace(text)


# --- people ---------------------------------------------------------------------------------------

# Lower-case words allowed inside a name ("Gerard de Melo", "Maartje ter Hoeve").
_PARTICLES = frozenset(
    {
        *("van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das"),
        *("le", "la", "ter", "ten", "bin", "ibn", "al", "el", "y", "zu"),
    }
)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.){1,3}$|^[^\W\d_]\.-[^\W\d_]\.$")
_NAME_PREFIXES = ("Mc", "Mac", "O'", "O’", "D'", "D’", "De", "Di", "Da", "Le", "La", "Van", "Von")


def is_name_word(word: str) -> bool:
    """Whether `word` can be part of a person's name: Capitalised, an initial, or caseless script.

    "Stella", "Garriga-Alonso", "McKay", "LeCun", "J." and "J.-P." are; "NeurIPS", "ICLR",
    "arXiv" and "(Findings)" are not.
    """
    if _INITIALS.match(word):
        return word[0].isupper()
    return all(_is_name_segment(segment) for segment in word.split("-"))


def _is_name_segment(segment: str) -> bool:
    if not segment or not all(c.isalpha() or c in "'’" for c in segment):
        return False
    if not any(c.isupper() or c.islower() for c in segment):
        return segment.isalpha()  # a caseless script such as Chinese
    if _capitalised(segment):
        return True
    return any(
        segment.startswith(prefix) and _capitalised(segment[len(prefix) :])
        for prefix in _NAME_PREFIXES
    )


def _capitalised(text: str) -> bool:
    return len(text) >= 2 and text[0].isupper() and not any(c.isupper() for c in text[1:])


def looks_like_person_name(text: str) -> bool:
    """Whether `text` reads like one person's name ("Adrià Garriga-Alonso", "Zijie J. Zhao")."""
    words = text.split()
    if not 1 <= len(words) <= 6 or not is_name_word(words[0]):
        return False
    if not all(is_name_word(w) or w in _PARTICLES for w in words):
        return False
    return any(len(w.rstrip(".")) > 1 for w in words)


def split_authors(text: str) -> tuple[str, ...]:
    """Split a written author list ("A, B, and C"; "A; B & C"; "A and B") into names."""
    text = clean_whitespace(text).replace(" & ", " and ")
    parts = text.split(";") if ";" in text else text.split(",")
    names: list[str] = []
    for part in parts:
        for piece in re.split(r"(?:^|\s+)and\s+", part.strip()):
            name = re.sub(r"\s*\bet\s+al\b\.?$", "", piece.strip().strip(","))
            if not name or name.lower() == "others":
                continue
            names.append(_drop_final_period(name))
    return tuple(names)


def _drop_final_period(name: str) -> str:
    last = name.split()[-1]
    if last.endswith(".") and len(last) > 2 and not _INITIALS.match(last):
        return name[:-1]
    return name


def looks_like_author_list(text: str) -> bool:
    """Whether `text` is a list of several people's names, not a title or a sentence."""
    separators = text.count(",") + text.count(";") + text.count(" and ") + 1
    if separators * 6 < len(text.split()):  # prose: far fewer separators than names need
        return False
    names = split_authors(text)
    if len(names) < 2 or sum(1 for n in names if " " in n) * 2 < len(names):
        return False
    allowed = len(names) // 5  # a few odd names are tolerated, sentences fail fast
    for name in names:
        if not looks_like_person_name(name):
            allowed -= 1
            if allowed < 0:
                return False
    return True


# --- dates ----------------------------------------------------------------------------------------

# English month names, written here rather than taken from `calendar`: calendar.month_name
# follows the process locale, which Qt sets from the desktop, and BibTeX's month macros and
# listings are English whatever the librarian's desktop speaks.
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {
    **{name: number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
_MON = r"(?P<mon>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_FORMS = [
    re.compile(rf"^{_YEAR}[-/.](?P<month>\d{{1,2}})[-/.]{_DAY}$"),
    re.compile(rf"^{_YEAR}[-/](?P<month>\d{{1,2}})$"),
    re.compile(rf"^{_YEAR}$"),
    re.compile(rf"^{_DAY}\s+{_MON},?\s+{_YEAR}$"),
    re.compile(rf"^{_MON}\s+{_DAY},?\s+{_YEAR}$"),
    re.compile(rf"^{_MON},?\s+{_YEAR}$"),
]


def parse_date(text: str) -> tuple[str, int, int | None] | None:
    """Read a written date into (ISO string, year, month or None); None if it is not a date.

    Understands "17 Dec 2023", "Dec 17, 2023", "December 2023", "2022-09-21", "2023-12", "2023".
    """
    text = clean_whitespace(text).rstrip(".")
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            return _checked_date(match.groupdict())
    return None


def _checked_date(parts: dict[str, str | None]) -> tuple[str, int, int | None] | None:
    year = int(parts["year"] or 0)
    if not 1900 <= year <= 2099:
        return None
    if parts.get("mon") is not None:
        month: int | None = _MONTHS.get((parts["mon"] or "").lower())
        if month is None:
            return None
    elif parts.get("month") is not None:
        month = int(parts["month"] or 0)
    else:
        return f"{year:04d}", year, None
    if not 1 <= month <= 12:
        return None
    if parts.get("day") is None:
        return f"{year:04d}-{month:02d}", year, month
    try:
        day = date(year, month, int(parts["day"] or 0))
    except ValueError:
        return None
    return day.isoformat(), year, month
