"""Groups of works that are one publication, from scored pairs, without chaining.

Joining every strong pair's works (connected components) lets one recurring title ("Editorial")
or one sloppy record chain unrelated papers into a single group. Here groups grow by average
linkage: the strongest pairs are taken first, and two groups join only when the pairs compared
between them are, on average, strong enough, and none of them says the two are different
publications (a veto: different DOIs, different part numbers, other pages...). Pairs never
compared (blocking did not bring them together) count for nothing either way, so a paper cited
100 times forms one group even though each copy met only its neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Link = tuple[int, int, float]  # (work, work, log-odds that they are one publication)


@dataclass(frozen=True, slots=True)
class Linkage:
    """When two groups may join: both in log-odds."""

    join: float = 0.85  # mean over the pairs compared between them (0.85 = probability 0.70)
    veto: float = -6.0  # any compared pair this sure they differ keeps the groups apart


LINKAGE = Linkage()


class _Links:
    """Sum, count and minimum of the log-odds between two groups."""

    __slots__ = ("count", "lowest", "total")

    def __init__(self, value: float) -> None:
        self.total, self.count, self.lowest = value, 1, value

    def add(self, other: _Links) -> None:
        self.total += other.total
        self.count += other.count
        self.lowest = min(self.lowest, other.lowest)


def cluster(
    strong: Iterable[Link], compared: Iterable[Link], linkage: Linkage = LINKAGE
) -> dict[int, int]:
    """The group of each work in a `strong` link: work -> smallest work id of its group.

    `strong` are the links that may join groups (sure and likely pairs); `compared` are every
    scored pair worth weighing (strong ones included), the evidence between groups.
    """
    owner: dict[int, int] = {}  # work -> group key
    members: dict[int, list[int]] = {}
    between: dict[int, dict[int, _Links]] = {}
    for a, b, value in compared:
        for x in (a, b):
            if x not in owner:
                owner[x] = x
                members[x] = [x]
                between[x] = {}
        found = between[a].get(b)
        if found is None:
            between[a][b] = between[b][a] = _Links(value)
        else:  # the same pair twice: weigh both
            found.add(_Links(value))
    for a, b, _value in sorted(strong, key=lambda link: -link[2]):
        ga, gb = owner.get(a, a), owner.get(b, b)
        if ga == gb:
            continue
        between_them = between.get(ga, {}).get(gb)
        if between_them is None or between_them.lowest <= linkage.veto:
            continue
        if between_them.total / between_them.count < linkage.join:
            continue
        _join(ga, gb, owner, members, between)
    return {work: min(members[group]) for work, group in owner.items() if len(members[group]) > 1}


def _join(
    ga: int,
    gb: int,
    owner: dict[int, int],
    members: dict[int, list[int]],
    between: dict[int, dict[int, _Links]],
) -> None:
    """Move the smaller group into the larger one, with the links of its members."""
    if len(members[ga]) < len(members[gb]):
        ga, gb = gb, ga
    for work in members[gb]:
        owner[work] = ga
    members[ga].extend(members.pop(gb))
    del between[ga][gb]
    for other, links in between.pop(gb).items():
        if other == ga:
            continue
        del between[other][gb]
        mine = between[ga].get(other)
        if mine is None:
            between[ga][other] = between[other][ga] = links
        else:
            mine.add(links)
