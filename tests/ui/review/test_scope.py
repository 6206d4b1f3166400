"""What the decision buttons say they decide, and how many queue pairs a merge settles."""

from __future__ import annotations

from curator.domain.matching import Band, Candidate
from curator.ui.review.deciding import merged_away
from curator.ui.review.scope import Scope, named


def test_a_pair_says_only_the_verb_and_a_group_says_its_pairs() -> None:
    pair = Scope((1, 32), 1)
    assert [pair.label(a) for a in ("merge", "distinct", "related")] == [
        "Merge", "Not duplicates", "Related versions",
    ]  # fmt: skip
    assert pair.done("not duplicates") == "#1 and #32: not duplicates."
    group = Scope((1, 32, 48), 3)
    assert group.label("merge") == "Merge 3 works"
    assert group.label("distinct") == "Not duplicates: all 3 pairs"
    assert group.done("related versions") == "#1, #32 and #48: related versions (all 3 pairs)."
    assert "all 3 pairs among works #1, #32 and #48" in group.tip("distinct", "Not duplicates")
    some = Scope((1, 32, 48, 50), 5)  # one of the six decided before
    assert some.label("related") == "Related versions: 5 open pairs"
    assert Scope((1, 32, 48), 1).pairs() == "1 open pair"
    assert named([7]) == "#7"


def test_a_merge_settles_the_pairs_among_its_works_and_folds_the_others() -> None:
    def pair(a: int, b: int) -> Candidate:
        return Candidate(a, b, 0.9, Band.SURE, ())

    queue = [pair(1, 2), pair(1, 3), pair(2, 3), pair(2, 9), pair(3, 9), pair(1, 7), pair(8, 9)]
    # 1, 2, 3 become one: their 3 pairs settle; 9's two pairs with them become one
    assert merged_away(queue, [1, 2, 3]) == 3 + 1
    assert merged_away(queue, [2, 3]) == 1 + 2  # 1-2 and 1-3 fold into one, 2-9 and 3-9 too
    assert merged_away(queue, [8, 9]) == 1  # 2-9 and 3-9: other works, each its own pair
    assert merged_away([], [1, 2]) == 0
