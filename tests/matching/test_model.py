"""The weights: estimated from the catalog's own pairs, and from the librarian's answers."""

from collections import Counter

from curator.matching.model import COMPARISONS, DEFAULT, INDEX, LEVEL, Origin, Pattern, estimate


def pattern(**levels: str) -> Pattern:
    """A level pattern: the named levels, nothing to compare elsewhere."""
    out = [0] * len(COMPARISONS)
    for name, level in levels.items():
        out[INDEX[name]] = LEVEL[name][level]
    return tuple(out)


COPY = pattern(title="identical", authors="same", year="same")
OTHER = pattern(title="loose", authors="none", year="far")
RANDOM = Counter({OTHER: 9_000, pattern(title="different", authors="none", year="far"): 1_000})


def test_too_few_pairs_keep_the_hand_set_weights() -> None:
    assert estimate(Counter({COPY: 3}), RANDOM) is DEFAULT


def test_weights_follow_the_catalog() -> None:
    """Where copies and others are clearly apart, copies score high and others low, and each
    weight says it was learned."""
    model = estimate(Counter({COPY: 300, OTHER: 700}), RANDOM)
    assert model.log_odds(COPY) > 5 > -5 > model.log_odds(OTHER)
    assert 0.2 < 1 / (1 + 2.718**-model.prior) < 0.4  # the share of copies among candidates
    weight, origin = model.weight("title", LEVEL["title"]["identical"])
    assert weight > 0 and origin == Origin.LEARNED


def test_decisions_fix_what_the_catalog_cannot_tell() -> None:
    """A pattern the catalog alone cannot place (alike titles, same year, nothing else) is
    pushed up by merges of such pairs and down by not-duplicate decisions."""
    unsure = pattern(title="alike", year="same")
    pairs = Counter({COPY: 300, OTHER: 700, unsure: 100})
    alone = estimate(pairs, RANDOM).log_odds(unsure)
    merged = estimate(pairs, RANDOM, Counter({(unsure, True): 40}))
    apart = estimate(pairs, RANDOM, Counter({(unsure, False): 40}))
    assert apart.log_odds(unsure) < alone < merged.log_odds(unsure)
    assert merged.weight("title", LEVEL["title"]["alike"])[1] == Origin.DECISIONS
    assert merged.decisions == 40


def test_a_level_no_pair_showed_keeps_its_hand_set_weight() -> None:
    model = estimate(Counter({COPY: 300, OTHER: 700}), RANDOM)
    for comparison in ("ids", "abstract", "place"):  # no pair here has ids, abstracts, pages
        for level, name in enumerate(COMPARISONS[INDEX[comparison]].levels):
            weight, origin = model.weight(comparison, level)
            assert origin == Origin.DEFAULT, name
            assert weight == COMPARISONS[INDEX[comparison]].defaults[level]


def test_a_closer_title_never_weighs_less_than_a_looser_one() -> None:
    """Even where a catalog's few alike-titled pairs are all other works and its looser ones
    copies, the learned weights keep the levels in order."""
    odd = Counter({
        COPY: 300, OTHER: 700,
        pattern(title="alike", authors="none", year="far"): 60,
        pattern(title="similar", authors="same", year="same"): 60,
    })  # fmt: skip
    weights = estimate(odd, RANDOM).weights[INDEX["title"]]
    order = [LEVEL["title"][n] for n in ("identical", "near", "alike", "similar", "loose")]
    assert [weights[lv] for lv in order] == sorted((weights[lv] for lv in order), reverse=True)


def test_an_agreement_never_counts_against_a_pair() -> None:
    """A catalog whose copies all carry other venue labels and whose other works share one:
    "same venue" learns nothing worse than zero, "different venues" nothing better."""
    copies = pattern(title="identical", authors="same", year="same", venue="different")
    others = pattern(title="loose", authors="none", year="far", venue="same")
    model = estimate(Counter({copies: 300, others: 700}), RANDOM)
    assert model.weight("venue", LEVEL["venue"]["same"])[0] == 0.0
    assert model.weight("venue", LEVEL["venue"]["different"])[0] == 0.0
