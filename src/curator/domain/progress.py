"""Progress that long-running use cases yield, for a progress bar or a terminal."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    message: str

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


def drain(gen: Generator[Progress, None, T]) -> T:
    """Run a progress generator to its end without showing progress (command line, tests)."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            result: T = stop.value
            return result
