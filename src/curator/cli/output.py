"""What every command prints: exit statuses, JSON, and works, records and reports as text."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from curator.domain.catalog import RecordView, WorkView
from curator.domain.fields import WORK_FIELDS
from curator.domain.report import ImportReport

EXIT_OK, EXIT_USER_ERROR, EXIT_BUG = 0, 1, 2

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[Any]  # what each area adds its commands to
else:
    Subcommands = argparse._SubParsersAction


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def work_json(w: WorkView) -> dict[str, Any]:
    data = asdict(w)
    data["authors"] = list(w.authors)
    data["record_ids"] = list(w.record_ids)
    data["extra"] = dict(w.extra)
    return data


def record_json(r: RecordView) -> dict[str, Any]:
    data = asdict(r)
    data["authors"] = list(r.authors)
    data["comments"] = list(r.comments)
    return data


def _shown() -> tuple[str, ...]:
    """`curator show`'s lines, in the registry's order; other fields follow by name."""
    names = ["id"]
    for field in WORK_FIELDS:
        if field.kind not in ("flag", "fields"):  # incompleteness is said with the authors
            names += [field.name, "venue_kind"] if field.name == "venue" else [field.name]
    return tuple(names)


_SHOWN = _shown()


def print_work(w: WorkView) -> None:
    data = work_json(w)
    data["authors"] = "; ".join(w.authors) + (" (incomplete)" if w.authors_incomplete else "")
    for key in _SHOWN:
        value = data[key]
        print(f"{key:>13}: {'' if value is None else value}")
    for name, value in w.extra:
        print(f"{name:>13}: {value}")


def print_report(report: ImportReport) -> None:
    print(report.summary())
    for o in report.outcomes:
        if o.status.value in ("skipped", "rejected"):
            print(f"  {o.lines}: {o.status.value}: {o.reason}")
