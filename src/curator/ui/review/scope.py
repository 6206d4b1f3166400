"""What Merge, Not duplicates and Related apply to, in words: the works side by side (a whole
group, or the one pair chosen) and the pairs among them that are still open."""

from __future__ import annotations

from dataclasses import dataclass

from curator.services.decisions import listed

# (action, what its button says): the verb, then the scope for a group
VERBS = {"merge": "Merge", "distinct": "Not duplicates", "related": "Related versions"}


def named(ids: tuple[int, ...] | list[int]) -> str:
    """#1, #32 and #48"""
    return listed([f"#{i}" for i in ids])


@dataclass(frozen=True, slots=True)
class Scope:
    """The works a decision takes in, and how many of their pairs no decision covers yet."""

    ids: tuple[int, ...]
    open_pairs: int

    @property
    def is_group(self) -> bool:
        return len(self.ids) > 2

    @property
    def n_pairs(self) -> int:
        return len(self.ids) * (len(self.ids) - 1) // 2

    def pairs(self) -> str:
        """ "all 3 pairs", or "2 open pairs" when some were decided before."""
        if self.open_pairs == self.n_pairs:
            return f"all {self.n_pairs} pairs"
        return f"{self.open_pairs} open pair{'' if self.open_pairs == 1 else 's'}"

    def label(self, action: str) -> str:
        """A button's words: "Merge 3 works", "Not duplicates: all 3 pairs"; for a pair,
        only the verb."""
        verb = VERBS[action]
        if not self.is_group:
            return verb
        if action == "merge":
            return f"{verb} {len(self.ids)} works"
        return f"{verb}: {self.pairs()}"

    def tip(self, action: str, description: str) -> str:
        """A button's tooltip: what it does, and to which works."""
        if not self.is_group:
            return f"{description} (works {named(self.ids)})"
        if action == "merge":
            return f"{description}: works {named(self.ids)} become one"
        return f"{description}: {self.pairs()} among works {named(self.ids)}, in one step"

    def done(self, words: str) -> str:
        """What the status line says after a decision: "#1, #32 and #48: not duplicates
        (all 3 pairs)."; "#1 and #32: related versions." for a pair."""
        scope = f" ({self.pairs()})" if self.is_group else ""
        return f"{named(self.ids)}: {words}{scope}."
