"""The import report: what became of every block of every imported file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curator.domain.records import BlockStatus


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, agreeing: '1 work', '2 works', '0 entries', '12,500 works'
    (`plural` when the noun does not just take an s)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


@dataclass(frozen=True, slots=True)
class BlockOutcome:
    status: BlockStatus
    first_line: int
    last_line: int
    reason: str = ""
    title: str | None = None
    record_id: int | None = None
    work_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The outcome as the batch's report stores it (asdict deep-copies: 3 s at 100k)."""
        return {
            "status": self.status.value,
            "first_line": self.first_line,
            "last_line": self.last_line,
            "reason": self.reason,
            "title": self.title,
            "record_id": self.record_id,
            "work_id": self.work_id,
        }

    @property
    def lines(self) -> str:
        if self.first_line == self.last_line:
            return f"line {self.first_line}"
        return f"lines {self.first_line}-{self.last_line}"


@dataclass(slots=True)
class ImportReport:
    """One file's import: its style, its batch (if anything was written) and every block."""

    source_file: str
    source_path: str
    format: str
    format_label: str
    outcomes: list[BlockOutcome] = field(default_factory=list)
    batch_id: int | None = None
    refused: str | None = None  # why nothing of it was kept: none of its blocks is a record

    def count(self, status: BlockStatus) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status.value: self.count(status) for status in BlockStatus}

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.source_file} ({self.format_label}): {c['imported']} imported, "
            f"{c['unchanged']} unchanged, {c['skipped']} skipped, {c['rejected']} rejected"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source_file": self.source_file,
            "source_path": self.source_path,
            "format": self.format,
            "batch_id": self.batch_id,
            "refused": self.refused,
            "counts": self.counts,
            "blocks": [o.to_json() for o in self.outcomes],
        }
