"""How alike two works are: each comparison's level, its weight, and the evidence in words.

`compare` puts a pair at one level of every comparison in `model.COMPARISONS` (fast: no text);
`explain` says the same in words for the pairs worth showing. The weights come from a `Model`:
the hand-set defaults, or the ones estimated from the catalog (`model.estimate`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from curator.domain.folding import fold
from curator.domain.matching import Band, WorkFeatures

from .model import DEFAULT, INDEX, LEVEL, Model, Pattern, sigmoid
from .normalize import (
    STOPWORDS,
    PageSpan,
    Tokens,
    authors_look_complete,
    first_page,
    name_words,
    page_span,
    repair,
    series_marks,
    split_title,
    strip_annotations,
    surname_key,
    surname_keys,
    title_numbers,
    tokens_of,
    volume_key,
)

TITLE_FULL_CHARS = 30  # shorter identical titles ("Editorial") are their own, weaker level
ABSTRACT_MIN_WORDS = 12  # shorter abstracts ("No abstract available") are not compared
FUZZY_SURNAME = 0.8  # "Fahlmann" and "Fahlman", "Thurn" and "Thrun" are one name
CONFLICT_CAP = 0.95  # a pair with two different DOIs or arXiv ids is never sure
UNTITLED_CAP = 0.95  # nor a pair with no title or abstract to compare, unless its ids agree


@dataclass(frozen=True, slots=True)
class Bands:
    sure: float = 0.995
    likely: float = 0.70
    possible: float = 0.25


BANDS = Bands()


def band_of(score: float, bands: Bands = BANDS) -> Band | None:
    """The band of a score, or None below `possible`."""
    if score >= bands.sure:
        return Band.SURE
    if score >= bands.likely:
        return Band.LIKELY
    if score >= bands.possible:
        return Band.POSSIBLE
    return None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A work's fields in the forms the scorer compares, computed once per work."""

    title: str
    raw_title: str
    notice: str  # "erratum", "reply", "comment"... when the work is one, else ""
    title_parts: tuple[str, ...]  # informative main title and subtitle
    numbers: frozenset[str]
    series: frozenset[str]  # the part of a series the title names ("part ii")
    abstract: frozenset[str]  # distinct content words
    abstract_hash: int
    surnames: frozenset[str]
    authors: tuple[str, ...]  # as given: their words are looked at only when surnames differ
    authors_complete: bool
    arxiv: str
    doi: str
    year: int | None
    venue: str
    form: str  # "report" (technical report, thesis), "paper" (journal, proceedings), ""
    volume: str
    page: str
    span: PageSpan | None


def prepare(work: WorkFeatures, tokens: Tokens | None = None) -> Prepared:
    """The comparable forms of a work; pass the blocking's `tokens` to avoid folding twice."""
    tokens = tokens or tokens_of(work)
    raw_title = strip_annotations(repair(work.title))
    return Prepared(
        title=tokens.title,
        raw_title=raw_title,
        notice=notice_kind(tokens.title),
        title_parts=_title_parts(raw_title, tokens.title),
        numbers=title_numbers(tokens.title),
        series=series_marks(tokens.title),
        abstract=frozenset(tokens.abstract_words),
        abstract_hash=tokens.abstract_hash,
        surnames=surname_keys(work.authors),
        authors=work.authors,
        authors_complete=authors_look_complete(work.authors),
        arxiv=tokens.arxiv,
        doi=tokens.doi,
        year=work.year,
        venue=fold(work.venue),
        form=_form(work),
        volume=volume_key(work.volume),
        page=first_page(work.pages),
        span=page_span(work.pages),
    )


_NOTICE = re.compile(
    r"^(?:(erratum|corrigendum|correction|retraction|retracted|reply|response|comment|commentary)"
    r"\b|.*\b(?:(erratum|corrigendum|correction|retraction) (?:to|of|for|on|in)|"
    r"(reply|response|comment|commentary) (?:to|on)) )"
)


def notice_kind(folded_title: str) -> str:
    """What kind of notice a title announces ("Erratum: ...", "Reply to ...", "Comment on
    ..."), "" for a paper: a notice and the paper it is about are related, not one work."""
    found = _NOTICE.match(folded_title)
    if not found:
        return ""
    word = next(g for g in found.groups() if g)
    return {
        "corrigendum": "erratum",
        "correction": "erratum",
        "retracted": "retraction",
        "response": "reply",
        "commentary": "comment",
    }.get(word, word)


_REPORTS = frozenset(["techreport", "phdthesis", "mastersthesis", "thesis", "report"])
_PAPERS = frozenset(["article", "inproceedings", "conference"])
_PAPER_VENUES = frozenset(["journal", "conference", "workshop"])


def _form(work: WorkFeatures) -> str:
    """What kind of publication a work is, where its type or venue says so."""
    kind = (work.entry_type or "").casefold()
    if kind in _REPORTS:
        return "report"
    if kind in _PAPERS or (work.venue_kind or "") in _PAPER_VENUES:
        return "paper"
    return ""


def _title_parts(raw: str | None, title: str) -> tuple[str, ...]:
    """The main title and subtitle when each is informative enough to stand for the whole."""
    return tuple(p for p in split_title(raw) if p and p != title and _informative(p))


def _informative(text: str) -> bool:
    return sum(1 for t in text.split() if t not in STOPWORDS) >= 2 and len(text) >= 10


# --- levels ---------------------------------------------------------------------------------------

_IDS, _TITLE, _NUMBERS, _ABSTRACT = (
    LEVEL["ids"],
    LEVEL["title"],
    LEVEL["numbers"],
    LEVEL["abstract"],
)
_NOTICE_LEVEL = LEVEL["notice"]
_FORM = LEVEL["form"]
_AUTHORS, _YEAR, _VENUE, _PLACE = LEVEL["authors"], LEVEL["year"], LEVEL["venue"], LEVEL["place"]


def compare(a: Prepared, b: Prepared) -> Pattern:
    """The level of each comparison, in the order of `model.COMPARISONS`."""
    title = _title_level(a, b)
    return (
        _ids_level(a, b),
        title,
        _numbers_level(a, b),
        _NOTICE_LEVEL["same" if a.notice == b.notice else "differ"] if a.title and b.title else 0,
        _abstract_level(a, b),
        _authors_level(a, b, careful=title in _CLOSE_TITLES)[0],
        _year_level(a, b),
        (_VENUE["same"] if a.venue == b.venue else _VENUE["different"])
        if a.venue and b.venue
        else 0,
        _FORM["same" if a.form == b.form else "report_and_paper"] if a.form and b.form else 0,
        _place_level(a, b),
    )


def _numbers_level(a: Prepared, b: Prepared) -> int:
    if not a.title or not b.title:
        return 0
    if a.numbers == b.numbers:
        return _NUMBERS["same"]
    if a.series != b.series:  # "Part I" and "Part II", or a part and the whole
        return _NUMBERS["differ"]
    return _NUMBERS["differ" if a.numbers and b.numbers else "one_only"]


def _ids_level(a: Prepared, b: Prepared) -> int:
    if (a.arxiv and a.arxiv == b.arxiv) or (a.doi and a.doi == b.doi):
        return _IDS["same"]
    if (a.arxiv and b.arxiv) or (a.doi and b.doi):
        return _IDS["different"]
    return 0


_PART_SCALE = 0.97  # a title's main part or subtitle alone is a little less than the title


def title_similarity(a: Prepared, b: Prepared) -> tuple[float, bool]:
    """Best similarity of the titles, or of one title with the other's main part or subtitle.

    Returns (similarity, whether a part was used). Parts count only when informative, so
    "Introduction: Part I" never matches "Introduction" through its main part.
    """
    best = Indel.normalized_similarity(a.title, b.title)
    part_used = False
    if best >= _PART_SCALE:  # a part can only match worse
        return best, part_used
    for mine, other in ((a, b), (b, a)):
        for part in mine.title_parts:
            sim = _PART_SCALE * Indel.normalized_similarity(part, other.title)
            if sim > best:
                best, part_used = sim, True
    return best, part_used


def _title_level(a: Prepared, b: Prepared) -> int:
    if not a.title or not b.title:
        return 0
    if a.title == b.title:
        short = len(a.title) < TITLE_FULL_CHARS
        return _TITLE["identical_short" if short else "identical"]
    return _title_level_of(title_similarity(a, b)[0])


_CLOSE_TITLES = frozenset(
    _TITLE[name] for name in ("identical", "identical_short", "near", "alike", "similar")
)


def _title_level_of(sim: float) -> int:
    for floor, name in ((0.95, "near"), (0.88, "alike"), (0.80, "similar"), (0.60, "loose")):
        if sim >= floor:
            return _TITLE[name]
    return _TITLE["different"]


def abstract_similarity(a: Prepared, b: Prepared) -> float:
    """Dice overlap of the abstracts' content words: shuffled sentences still match."""
    if a.abstract_hash == b.abstract_hash:
        return 1.0
    return 2 * len(a.abstract & b.abstract) / (len(a.abstract) + len(b.abstract))


def _abstract_level(a: Prepared, b: Prepared) -> int:
    if min(len(a.abstract), len(b.abstract)) < ABSTRACT_MIN_WORDS:
        return 0
    if a.abstract_hash == b.abstract_hash:
        return _ABSTRACT["identical"]
    sim = abstract_similarity(a, b)
    for floor, name in ((0.85, "near"), (0.65, "alike"), (0.45, "similar"), (0.30, "loose")):
        if sim >= floor:
            return _ABSTRACT[name]
    return _ABSTRACT["different"]


def common_authors(
    a: frozenset[str],
    b: frozenset[str],
    a_names: tuple[str, ...] = (),
    b_names: tuple[str, ...] = (),
) -> int:
    """How many surnames two lists share, a typo apart ("Fahlmann" = "Fahlman"), or written
    in the other order ("Wu, Ching-yi" and "Ching-yi, Wu", "Wang Wei"): a surname left over
    on one side counts when it is a word of the other side's names (`a_names`, `b_names`)."""
    common = a & b
    rest = sorted(b - common)
    found = len(common)
    unmatched = []
    for name in sorted(a - common):
        for other in rest:
            if min(len(name), len(other)) >= 4 and Indel.normalized_similarity(
                name, other, score_cutoff=FUZZY_SURNAME
            ):
                rest.remove(other)
                found += 1
                break
        else:
            unmatched.append(name)
    if unmatched and rest and a_names and b_names:  # name order, one person to one person
        found += _same_people_reordered(unmatched, rest, a_names, b_names)
    return found


def _same_people_reordered(
    mine: list[str], theirs: list[str], a_names: tuple[str, ...], b_names: tuple[str, ...]
) -> int:
    """Surnames left unmatched on each side that are one person written in the other order:
    X's surname is a word of Y's name and Y's surname a word of X's ("Wu, Ching-yi" and
    "Ching-yi, Wu"); each name is used once."""
    a_people = [(surname_key(n), name_words(n)) for n in a_names if surname_key(n) in mine]
    b_people = [(surname_key(n), name_words(n)) for n in b_names if surname_key(n) in theirs]
    found = 0
    for key_a, words_a in a_people:
        for i, (key_b, words_b) in enumerate(b_people):
            if key_a in words_b and key_b in words_a:
                del b_people[i]
                found += 1
                break
    return found


def _authors_level(a: Prepared, b: Prepared, careful: bool) -> tuple[int, int]:
    """(level, names in common); `careful`: also names written in the other order (costly,
    so only for pairs whose titles are close)."""
    if not a.surnames or not b.surnames:
        return 0, 0
    if careful:
        common = common_authors(a.surnames, b.surnames, a.authors, b.authors)
    else:
        common = common_authors(a.surnames, b.surnames)
    fewest = min(len(a.surnames), len(b.surnames))
    if a.authors_complete and b.authors_complete:
        if common == 0:
            return _AUTHORS["none"], 0
        if common == len(a.surnames) == len(b.surnames):
            return _AUTHORS["same"], common
        return _AUTHORS["most" if common * 2 >= fewest else "some"], common
    if common == 0:
        return _AUTHORS["none_cut"], 0
    return _AUTHORS["shorter_all" if common == fewest else "some"], common


def _year_level(a: Prepared, b: Prepared) -> int:
    if a.year is None or b.year is None:
        return 0
    gap = abs(a.year - b.year)
    return _YEAR[("same", "one_apart", "two_apart")[gap] if gap < 3 else "far"]


def _place_level(a: Prepared, b: Prepared) -> int:
    """Volume and pages: two printings of one article agree; a paper and its later version, a
    conference abstract and the journal paper, or two reviews of one book do not."""
    pages = a.span.agrees(b.span) if a.span is not None and b.span is not None else None
    volumes = bool(a.volume and b.volume)
    if pages is False:
        return _PLACE["pages_differ"]
    if volumes and a.volume != b.volume:
        return _PLACE["volume_differs"]
    if pages and volumes:
        assert a.span is not None and b.span is not None
        same = a.span.first == b.span.first and a.span.is_range and b.span.is_range
        return _PLACE["same" if same else "overlap"]
    return 0


# --- words ----------------------------------------------------------------------------------------

Evidence = list[tuple[float, str]]  # (log-odds, reason)


def explain(a: Prepared, b: Prepared, pattern: Pattern, model: Model = DEFAULT) -> Evidence:
    """Each comparison that had something to compare: its weight and, in words, its level."""
    out: Evidence = []
    for name, level in zip(LEVEL, pattern, strict=True):
        if level:
            weight, origin = model.weight(name, level)
            if abs(weight) < 0.5 and name in _QUIET:
                continue
            text = _WORDS[name](a, b, level)
            out.append((weight, f"{text} ({weight:+.1f}, {origin})"))
    if _untitled(pattern):
        out.append((0.0, "no title or abstract to compare (never sure on the rest alone)"))
    return out


def _notice_words(a: Prepared, b: Prepared, level: int) -> str:
    if level == _NOTICE_LEVEL["same"]:
        return f"both {a.notice}s" if a.notice else "neither is an erratum, reply or comment"
    if a.notice and b.notice:
        return f"{_a(a.notice)} vs {_a(b.notice)}"
    return f"one is {_a(a.notice or b.notice)}"


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _ids_words(a: Prepared, b: Prepared, level: int) -> str:
    if level == _IDS["same"]:
        return f"same arXiv id {a.arxiv}" if a.arxiv and a.arxiv == b.arxiv else f"same DOI {a.doi}"
    if a.arxiv and b.arxiv and a.arxiv != b.arxiv:
        return f"different arXiv ids: {a.arxiv} vs {b.arxiv}"
    return f"different DOIs: {a.doi} vs {b.doi}"


def _title_words(a: Prepared, b: Prepared, level: int) -> str:
    if level in (_TITLE["identical"], _TITLE["identical_short"]):
        return "titles identical" + (
            " (a short title)" if level == _TITLE["identical_short"] else ""
        )
    sim, part_used = title_similarity(a, b)
    shown = f"'{a.raw_title}' vs '{b.raw_title}'"
    if level == _TITLE["different"]:
        return f"titles differ ({_percent(sim)} alike): {shown}"
    how = " (one is the other's main title or subtitle)" if part_used else ""
    return f"titles {_percent(sim)} alike{how}: {shown}"


_QUIET = frozenset(("numbers", "notice", "venue", "form"))  # said only when they weigh something


def _percent(similarity: float) -> str:
    """Rounded down: two texts that differ never read "100% alike" (1e-9: 0.2 is 20%,
    though 1 - 4/5 is 0.19999999999999996)."""
    return f"{math.floor(similarity * 100 + 1e-9)}%"


def _numbers_words(a: Prepared, b: Prepared, level: int) -> str:
    if level == _NUMBERS["same"]:
        return "title numbers agree" if a.numbers else "no numbers in either title"
    shown = " vs ".join(", ".join(sorted(n)) or "none" for n in (a.numbers, b.numbers))
    return f"title numbers differ: {shown}"


def _abstract_words(a: Prepared, b: Prepared, level: int) -> str:
    if level == _ABSTRACT["identical"]:
        return "abstracts identical"
    sim = abstract_similarity(a, b)
    if level == _ABSTRACT["different"]:
        return f"abstracts differ ({_percent(sim)} alike)"
    return f"abstracts {_percent(sim)} alike (words in common)"


def _authors_words(a: Prepared, b: Prepared, level: int) -> str:
    _, common = _authors_level(a, b, careful=_title_level(a, b) in _CLOSE_TITLES)
    fewest = min(len(a.surnames), len(b.surnames))
    if level == _AUTHORS["none"]:
        return f"no authors in common ({len(a.surnames)} vs {len(b.surnames)} authors)"
    if level == _AUTHORS["none_cut"]:
        return "no authors in common (one list may be incomplete)"
    if level in (_AUTHORS["shorter_all"], _AUTHORS["some"]) and not (
        a.authors_complete and b.authors_complete
    ):
        return f"{common} of {fewest} authors in common (one list may be incomplete)"
    return f"{common} of {fewest} authors in common"


def _year_words(a: Prepared, b: Prepared, level: int) -> str:
    if level == _YEAR["same"]:
        return f"same year {a.year}"
    low, high = sorted((a.year or 0, b.year or 0))
    if level == _YEAR["one_apart"]:
        return f"years one apart: {low} vs {high}"
    return f"years differ: {low} vs {high}"


def _venue_words(a: Prepared, b: Prepared, level: int) -> str:
    return "same venue" if level == _VENUE["same"] else "different venues"


def _form_words(a: Prepared, b: Prepared, level: int) -> str:
    if level == _FORM["same"]:
        return f"both {a.form}s"
    return "a report or thesis and a paper in a journal or proceedings"


def _place_words(a: Prepared, b: Prepared, level: int) -> str:
    if level == _PLACE["pages_differ"]:
        return f"pages differ: {a.page} vs {b.page}"
    if level == _PLACE["volume_differs"]:
        return f"volumes differ: {a.volume} vs {b.volume}"
    if level == _PLACE["same"]:
        return f"same volume and first page: {a.volume}, p. {a.page}"
    return f"same volume, pages overlap: {a.volume}, p. {a.span} and p. {b.span}"


_WORDS = {
    "ids": _ids_words,
    "title": _title_words,
    "numbers": _numbers_words,
    "notice": _notice_words,
    "abstract": _abstract_words,
    "authors": _authors_words,
    "year": _year_words,
    "venue": _venue_words,
    "form": _form_words,
    "place": _place_words,
}


# --- vetoes: a version, not a copy ---

_VETOES = (  # (comparison, level, why)
    ("ids", "different", "different identifiers"),
    ("numbers", "differ", "another part or number in the title"),
    ("notice", "differ", "a notice about the other (erratum, reply, comment)"),
    ("year", "two_apart", "years apart"),
    ("year", "far", "years apart"),
    ("form", "report_and_paper", "a report or thesis and a published paper"),
    ("place", "pages_differ", "other pages"),
    ("place", "volume_differs", "another volume"),
)


VETO_AT_MOST = -2.0  # log-odds: the level makes two works at least seven times likelier
# vetoes on what people type by hand and get wrong (a volume, pages, an entry type), checked
# against the catalog; a part number, a notice, other ids or years apart always hold
_CHECKED_VETOES = frozenset(("place", "form"))
# one DOI or arXiv id: one publication, whatever the years, pages or entry types say
_ID_OVERRULES = frozenset(("year", "place", "form"))
# the same volume and pages: one printed article, whatever a typo did to a number in its title
_PLACE_OVERRULES = frozenset(("numbers",))


def vetoes(pattern: Pattern, model: Model = DEFAULT) -> list[tuple[str, str]]:
    """Why a pair that looks alike is another version of one study rather than a copy, as
    (comparison, why): such a pair goes to the related band, never to likely or sure. The
    same DOI or arXiv id overrules other years or pages (an online-first date, an article
    number); the same volume and pages overrule a number in the title ("p16" typed "p6").
    A volume, pages or entry-type veto holds only where the catalog itself finds the level
    strong evidence of two works (`VETO_AT_MOST`): citations typed by hand disagree on volumes
    so often that there a different volume says little, and the model's weight shows it."""
    overruled: frozenset[str] = frozenset()
    if pattern[INDEX["ids"]] == _IDS["same"]:
        overruled = _ID_OVERRULES
    elif pattern[INDEX["place"]] == _PLACE["same"]:
        overruled = _PLACE_OVERRULES
    return [
        (name, why)
        for name, level, why in _VETOES
        if pattern[INDEX[name]] == LEVEL[name][level]
        and name not in overruled
        and (
            name not in _CHECKED_VETOES or model.weight(name, LEVEL[name][level])[0] <= VETO_AT_MOST
        )
    ]


# --- the score ------------------------------------------------------------------------------------


def probability(log_odds: float, pattern: Pattern) -> float:
    """The score of a pair: the logistic of its log-odds; never sure with conflicting ids,
    nor on authors, year and venue alone (the same authors write several papers a year; a
    librarian looks before merging those)."""
    value = sigmoid(log_odds)
    if pattern[INDEX["ids"]] == _IDS["different"]:
        return min(value, CONFLICT_CAP)
    if _untitled(pattern):
        return min(value, UNTITLED_CAP)
    return value


def _untitled(pattern: Pattern) -> bool:
    """Whether a pair had neither titles nor abstracts nor ids in common to compare."""
    return (
        not pattern[INDEX["title"]]
        and not pattern[INDEX["abstract"]]
        and (pattern[INDEX["ids"]] != _IDS["same"])
    )


def score_prepared(
    a: Prepared, b: Prepared, model: Model = DEFAULT, adjust: float = 0.0
) -> tuple[float, float, Evidence]:
    """(score, log-odds, evidence) of a pair; `adjust` is added to the log-odds (the title's
    term-frequency adjustment, which the evidence should already list)."""
    pattern = compare(a, b)
    odds = model.log_odds(pattern) + adjust
    return probability(odds, pattern), odds, explain(a, b, pattern, model)


def score(a: WorkFeatures, b: WorkFeatures, model: Model = DEFAULT) -> tuple[float, list[str]]:
    """Score two works from scratch with `model`'s weights: (score in [0, 1], readable reasons)."""
    value, _, found = score_prepared(prepare(a), prepare(b), model)
    return value, [reason for _, reason in found]
