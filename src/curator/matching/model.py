"""The weights of evidence: Fellegi-Sunter comparison levels, estimated from the catalog.

Each comparison (title, authors, year...) puts a pair at one of its levels ("titles identical",
"years one apart"). A level's weight is log(m / u): m is how often true duplicates show that
level, u how often other candidate pairs do. Both are estimated by expectation-maximisation
over the candidate pairs the blocking found, the share of duplicates among them too; u starts
from random pairs of the catalog (how often unrelated works agree by chance) and m from the
hand-set weights, each a prior worth a few pseudo-pairs, so a small catalog keeps sensible
weights and a large one speaks for itself. u is learned among candidates, not taken from random
pairs alone, because the score is asked of candidates only: blocking already chose them for
alike titles, and counting that evidence twice made every alike title sure. Pairs a librarian
decided (merged, not duplicates, related) enter the estimate with their answer fixed.

Level 0 of every comparison is "nothing to compare" (a field missing on either side) and weighs
nothing: a missing field is not evidence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

Pattern = tuple[int, ...]  # one level per comparison


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str
    levels: tuple[str, ...]  # level 0 is "nothing to compare"
    defaults: tuple[float, ...]  # hand-set log-odds per level: the prior, never the answer


def _comparison(name: str, **levels: float) -> Comparison:
    return Comparison(name, ("none", *levels), (0.0, *levels.values()))


# Level names are keys; what a reason says is written by the scorer, which knows the values.
COMPARISONS = (
    _comparison("ids", same=10.0, different=-7.0),
    _comparison(
        "title",
        identical=5.0,
        identical_short=2.5,  # under 30 characters: "Editorial", "Introduction"
        near=3.0,  # >= 95% alike
        alike=1.6,  # >= 88%
        similar=0.5,  # >= 80%
        loose=0.0,  # >= 60%
        different=-3.0,
    ),
    # "Part I" vs "Part II", "GPT-3" vs "GPT-4"; a number in one title only may be a dropped part
    _comparison("numbers", same=0.0, one_only=-1.0, differ=-7.0),
    _comparison("notice", same=0.0, differ=-5.0),  # an erratum, reply or comment vs the paper
    _comparison(
        "abstract", identical=10.0, near=8.0, alike=4.5, similar=1.0, loose=0.0, different=-3.5
    ),
    _comparison(
        "authors",
        same=2.0,  # both lists complete, the same names
        most=1.3,  # both complete, at least half of the shorter in common
        some=0.5,
        none=-4.0,  # both complete, no name in common
        shorter_all=1.0,  # a list may be cut (one name, "et al."); all of the shorter shared
        none_cut=0.0,  # an author page lists only its owner: no sign either way
    ),
    _comparison("year", same=0.7, one_apart=0.0, two_apart=-3.0, far=-6.0),
    _comparison("venue", same=0.4, different=0.0),
    # a technical report or thesis and a paper in a journal or proceedings: two versions
    _comparison("form", same=0.0, report_and_paper=-2.5),
    # same: the same volume and page range (one printed article); overlap: same volume, pages
    # that overlap or one page only ("359" in "356-359")
    _comparison("place", same=2.0, overlap=1.0, pages_differ=-4.0, volume_differs=-2.0),
)
INDEX = {c.name: i for i, c in enumerate(COMPARISONS)}
LEVEL = {c.name: {name: n for n, name in enumerate(c.levels)} for c in COMPARISONS}

DEFAULT_PRIOR = -4.0  # log-odds that a candidate pair is a duplicate, before any evidence
LIMIT = 12.0  # no level weighs more than this either way
PRIOR_PAIRS = 20.0  # how many pseudo-pairs the hand-set weights count for (m)
PRIOR_SHARE_PAIRS = 100.0  # and candidate pairs for the share of duplicates among candidates
PRIOR_U_PAIRS = 200.0  # and random pairs for u, so a level few candidates show keeps its weight
ROUNDS = 40
TOLERANCE = 1e-4  # EM stops when no probability moves more than this


class Origin:
    """Where a weight came from, as a reason says it."""

    DEFAULT = "default"
    LEARNED = "learned"
    DECISIONS = "learned, with your decisions"


@dataclass(frozen=True, slots=True)
class Model:
    prior: float
    weights: tuple[tuple[float, ...], ...]  # per comparison, per level (level 0 weighs 0)
    origins: tuple[tuple[str, ...], ...]
    decisions: int = 0  # labelled pairs the weights were learned with

    def log_odds(self, pattern: Pattern) -> float:
        return self.prior + sum(w[level] for w, level in zip(self.weights, pattern, strict=True))

    def weight(self, comparison: str, level: int) -> tuple[float, str]:
        i = INDEX[comparison]
        return self.weights[i][level], self.origins[i][level]


DEFAULT = Model(
    DEFAULT_PRIOR,
    tuple(c.defaults for c in COMPARISONS),
    tuple((Origin.DEFAULT,) * len(c.levels) for c in COMPARISONS),
)


def estimate(
    candidates: Mapping[Pattern, int],
    random: Mapping[Pattern, int],
    labelled: Mapping[tuple[Pattern, bool], int] | None = None,
    merged: Mapping[Pattern, int] | None = None,
    *,
    min_pairs: int = 100,
) -> Model:
    """Weights for this catalog by EM over `candidates` (pattern -> count), u starting from
    `random` pairs. Candidates whose answer is known (`labelled`: (pattern, is-duplicate) ->
    count) are fixed at that answer; `merged` pairs (records a merge made one work) are known
    duplicates that are no longer candidates, so they teach m but not the share of duplicates.

    With fewer than `min_pairs` candidate and labelled pairs, the defaults stand. A level too
    few pairs showed keeps its hand-set weight.
    """
    labelled = labelled or {}
    merged = merged or {}
    n_labelled = sum(labelled.values()) + sum(merged.values())
    if sum(candidates.values()) + n_labelled < min_pairs or not random:
        return DEFAULT
    random_u = _u_probabilities(random)
    u = [list(row) for row in random_u]
    prior_m = [_prior_m(c) for c in COMPARISONS]
    m = [list(p) for p in prior_m]
    share = start = sigmoid(DEFAULT_PRIOR)
    for _ in range(ROUNDS):
        weights = _weights(m, u)
        logit = math.log(share / (1 - share))
        same = [[0.0] * len(c.levels) for c in COMPARISONS]
        other = [[0.0] * len(c.levels) for c in COMPARISONS]
        matched = total = 0.0
        for pattern, n in candidates.items():
            p = sigmoid(logit + sum(w[lv] for w, lv in zip(weights, pattern, strict=True)))
            matched += p * n
            total += n
            _count(same, pattern, p * n)
            _count(other, pattern, (1 - p) * n)
        for (pattern, is_same), n in labelled.items():
            _count(same if is_same else other, pattern, float(n))
            matched += n if is_same else 0
            total += n
        for pattern, n in merged.items():
            _count(same, pattern, float(n))
        new_m = [_normalise(c, PRIOR_PAIRS, pm) for c, pm in zip(same, prior_m, strict=True)]
        new_u = [_normalise(c, PRIOR_U_PAIRS, pu) for c, pu in zip(other, random_u, strict=True)]
        new_share = (matched + PRIOR_SHARE_PAIRS * start) / (total + PRIOR_SHARE_PAIRS)
        converged = abs(new_share - share) < TOLERANCE and all(
            abs(x - y) < TOLERANCE
            for a, b in zip(m + u, new_m + new_u, strict=True)
            for x, y in zip(a, b, strict=True)
        )
        m, u, share = new_m, new_u, new_share
        if converged:
            break
    origins = _origins(candidates, labelled, merged)
    learned = _weights(m, u)
    mixed = [  # a level too few pairs showed keeps its hand-set weight, the order still holds
        [
            w if origin != Origin.DEFAULT else c.defaults[lv]
            for lv, (w, origin) in enumerate(zip(row, origin_row, strict=True))
        ]
        for c, row, origin_row in zip(COMPARISONS, learned, origins, strict=True)
    ]
    final = tuple(tuple(row) for row in _constrain(mixed))
    return Model(
        prior=math.log(share / (1 - share)),
        weights=final,
        origins=origins,
        decisions=n_labelled,
    )


def sigmoid(x: float) -> float:
    """The probability of log-odds `x` (clamped, so no overflow)."""
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, x))))


def _count(counts: list[list[float]], pattern: Pattern, amount: float) -> None:
    for row, level in zip(counts, pattern, strict=True):
        if level:
            row[level] += amount


def _u_probabilities(random: Mapping[Pattern, int]) -> list[list[float]]:
    """Per comparison, the share of each level among random pairs that have the fields, with
    a few pseudo-pairs spread as the hand-set weights imply (a level they call strong
    evidence is rare by chance): a comparison random pairs rarely have keeps sane weights."""
    counts = [[0.0] * len(c.levels) for c in COMPARISONS]
    for pattern, n in random.items():
        _count(counts, pattern, float(n))
    return [
        _normalise(row, PRIOR_PAIRS, _prior_u(c))
        for row, c in zip(counts, COMPARISONS, strict=True)
    ]


def _prior_u(comparison: Comparison) -> list[float]:
    return _spread(comparison, -0.5)


def _prior_m(comparison: Comparison) -> list[float]:
    """m before any pair is seen: the hand-set weights' order, softened."""
    return _spread(comparison, 0.5)


def _spread(comparison: Comparison, scale: float) -> list[float]:
    """Shares of levels 1.. in proportion to exp(scale * hand-set weight): the prior of m
    (scale 1/2) and of u (scale -1/2), whose log ratio gives back the hand-set order."""
    raw = [0.0] + [math.exp(scale * w) for w in comparison.defaults[1:]]
    total = sum(raw)
    return [x / total for x in raw]


def _normalise(row: list[float], strength: float, prior: list[float]) -> list[float]:
    """Shares of levels 1.. (level 0 stays 0), with `strength` pseudo-counts spread as `prior`."""
    out = [0.0] * len(row)
    total = sum(row[1:]) + strength
    for level in range(1, len(row)):
        out[level] = (row[level] + strength * prior[level]) / total
    return out


def _weights(m: list[list[float]], u: list[list[float]]) -> list[list[float]]:
    """log(m / u) per level, clamped, in order and with its sign (`_constrain`)."""
    return _constrain(
        [
            [0.0] + [_clamp(math.log(mi[lv] / ui[lv])) for lv in range(1, len(mi))]
            for mi, ui in zip(m, u, strict=True)
        ]
    )


def _constrain(weights: list[list[float]]) -> list[list[float]]:
    """Ordered levels kept in order, then each level's sign kept (in place; returned)."""
    for name, order in ORDERED.items():
        row = weights[INDEX[name]]
        levels = [LEVEL[name][level] for level in order]
        for level, value in zip(levels, _decreasing([row[lv] for lv in levels]), strict=True):
            row[level] = value
    for (name, level_name), sign in SIGNS.items():
        row, at = weights[INDEX[name]], LEVEL[name][level_name]
        row[at] = max(0.0, row[at] * sign) * sign
    return weights


# Levels that say more (or less) of the same thing: a closer title never weighs less than a
# looser one, whatever a small or odd catalog suggests.
ORDERED = {
    "title": ("identical", "near", "alike", "similar", "loose", "different"),
    "abstract": ("identical", "near", "alike", "similar", "loose", "different"),
    "authors": ("same", "most", "some", "none"),
    "year": ("same", "one_apart", "two_apart", "far"),
}


# An agreement is never evidence against a pair (+1), a disagreement never evidence for it (-1),
# whatever a small catalog's noise says; levels not listed may weigh either way.
SIGNS = {
    **{(c, level): 1 for c, levels in {
        "ids": ("same",),
        "title": ("identical", "identical_short", "near", "alike"),
        "numbers": ("same",),
        "notice": ("same",),
        "abstract": ("identical", "near", "alike"),
        "authors": ("same", "most", "shorter_all"),
        "year": ("same",),
        "venue": ("same",),
        "form": ("same",),
        "place": ("same", "overlap"),
    }.items() for level in levels},
    **{(c, level): -1 for c, levels in {
        "ids": ("different",),
        "title": ("different",),
        "numbers": ("one_only", "differ"),
        "notice": ("differ",),
        "abstract": ("different",),
        "authors": ("none", "none_cut"),
        "year": ("two_apart", "far"),
        "venue": ("different",),
        "form": ("report_and_paper",),
        "place": ("pages_differ", "volume_differs"),
    }.items() for level in levels},
}  # fmt: skip


def _decreasing(values: list[float]) -> list[float]:
    """The closest non-increasing sequence (pool adjacent violators, equal weights)."""
    blocks: list[list[float]] = []  # [total, count]
    for v in values:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    return [total / count for total, count in blocks for _ in range(int(count))]


def _clamp(x: float) -> float:
    return max(-LIMIT, min(LIMIT, x))


def _origins(
    candidates: Mapping[Pattern, int],
    labelled: Mapping[tuple[Pattern, bool], int],
    merged: Mapping[Pattern, int],
) -> tuple[tuple[str, ...], ...]:
    """A level's weight is learned when enough pairs showed it, and with the librarian's
    decisions when some of theirs did."""
    seen = [Counter[int]() for _ in COMPARISONS]
    decided = [Counter[int]() for _ in COMPARISONS]
    for pattern, n in candidates.items():
        for row, level in zip(seen, pattern, strict=True):
            row[level] += n
    decided_patterns = [*((p, n) for (p, _), n in labelled.items()), *merged.items()]
    for pattern, n in decided_patterns:
        for row, level in zip(decided, pattern, strict=True):
            row[level] += n
    out = []
    for c, s, d in zip(COMPARISONS, seen, decided, strict=True):
        origins = [Origin.DEFAULT]
        for level in range(1, len(c.levels)):
            if d[level]:
                origins.append(Origin.DECISIONS)
            elif s[level] >= 5:
                origins.append(Origin.LEARNED)
            else:
                origins.append(Origin.DEFAULT)
        out.append(tuple(origins))
    return tuple(out)
