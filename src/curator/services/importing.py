"""Use case: import listing files into the catalog, one atomic transaction per file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session

from curator.domain.catalog import default_entry_type
from curator.domain.errors import CuratorError
from curator.domain.fields import WORK_FIELDS
from curator.domain.progress import Progress, drain
from curator.domain.records import BlockStatus, ParsedRecord, ParseResult
from curator.domain.report import BlockOutcome, ImportReport
from curator.domain.venues import venue_key, with_note
from curator.events import log
from curator.events.imports import Import, ImportPayload
from curator.importers import FORMATS, parse_listing
from curator.store import queries
from curator.store import venues as venue_store
from curator.store.catalog import Catalog
from curator.store.writes import (
    Created,
    add_batch,
    finish_batch,
    insert_records,
    insert_works,
    venue_for_label,
)

CHUNK = 2000  # records written between two progress reports


@dataclass(slots=True)
class ImportRun:
    """The outcome of importing several files: a report per file read, a message per failure."""

    reports: list[ImportReport] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def read_listing(path: Path) -> tuple[str, str]:
    """The text of a listing file and the hash of its bytes, or a message saying what is wrong."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CuratorError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise CuratorError(f"{path}: is a folder, not a listing file") from exc
    except PermissionError as exc:
        raise CuratorError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise CuratorError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CuratorError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); "
            "save it as UTF-8 and import it again"
        ) from exc
    if "\x00" in text:
        raise CuratorError(f"{path}: looks like a binary file, not a text listing")
    return text, hashlib.sha256(data).hexdigest()


def import_files(
    catalog: Catalog, paths: Iterable[Path | str], format: str | None = None
) -> Generator[Progress, None, ImportRun]:
    """Import each file in its own transaction, yielding progress.

    Closing the generator (cancel) rolls back the file being written; files already
    imported stay imported. A file that cannot be read or recognised is reported in
    `failures` and nothing of it is written.
    """
    files = [Path(p) for p in paths]
    run = ImportRun()
    for index, path in enumerate(files):
        yield Progress(index, len(files), f"Reading {path.name}")
        try:
            report = yield from _import_one(catalog, path, format, index, len(files))
        except CuratorError as exc:
            run.failures.append(str(exc))
            continue
        run.reports.append(report)
    yield Progress(len(files), len(files), "Done")
    return run


def run_to_end(gen: Generator[Progress, None, ImportRun]) -> ImportRun:
    """Drive an import generator without showing progress (command line, tests)."""
    return drain(gen)


def _import_one(
    catalog: Catalog, path: Path, format: str | None, index: int, total: int
) -> Generator[Progress, None, ImportReport]:
    text, file_hash = read_listing(path)
    result = parse_listing(text, source=path.name, format=format)
    rejected = [p for p in result.problems if p.status == BlockStatus.REJECTED]
    if not result.records and rejected:
        first = rejected[0]
        raise CuratorError(
            f"{path.name}: read as {FORMATS[result.format].label}, but no record could be read "
            f"({len(rejected)} block(s) rejected; line {first.first_line}: {first.reason})"
        )
    yield Progress(index, total, f"Writing {path.name}")
    with catalog.write() as session:
        report = ImportReport(
            source_file=path.name,
            source_path=str(path.resolve()),
            format=result.format,
            format_label=FORMATS[result.format].label,
        )
        new = _classify(session, path.name, result, report)
        if new:
            yield from _write_new(session, path, file_hash, new, report, (index, total))
        report.outcomes.sort(key=lambda o: (o.first_line, o.last_line))
    return report


def _classify(
    session: Session, source_file: str, result: ParseResult, report: ImportReport
) -> list[ParsedRecord]:
    """Sort parsed records into new, unchanged and verbatim repeats; record problems."""
    known = queries.record_hashes(session, source_file)
    seen: dict[str, ParsedRecord] = {}
    new: list[ParsedRecord] = []
    for rec in result.records:
        digest = rec.content_hash
        if digest in known:
            rid, wid = known[digest]
            report.outcomes.append(
                BlockOutcome(
                    BlockStatus.UNCHANGED,
                    rec.first_line,
                    rec.last_line,
                    f"already in the catalog as record {rid}",
                    rec.title,
                    rid,
                    wid,
                )
            )
        elif digest in seen:
            first = seen[digest]
            report.outcomes.append(
                BlockOutcome(
                    BlockStatus.SKIPPED,
                    rec.first_line,
                    rec.last_line,
                    f"repeats lines {first.first_line}-{first.last_line} verbatim",
                    rec.title,
                )
            )
        else:
            seen[digest] = rec
            new.append(rec)
    for p in result.problems:
        report.outcomes.append(BlockOutcome(p.status, p.first_line, p.last_line, p.reason))
    return new


def _write_new(
    session: Session,
    path: Path,
    file_hash: str,
    new: list[ParsedRecord],
    report: ImportReport,
    position: tuple[int, int],
) -> Generator[Progress, None, None]:
    batch = add_batch(session, path.name, report.source_path, file_hash, report.format)
    report.batch_id = batch
    created = Created()
    work_ids: list[int] = []
    record_ids: list[int] = []
    taken = {}
    if any(r.citation_key for r in new):  # keys, and the keys merged works answer to (ids)
        taken = {**queries.alias_keys(session), **queries.citation_keys(session)}
    notes = venue_store.alias_notes(session)
    venue_of = _venue_resolver(session, created)
    for start in range(0, len(new), CHUNK):
        chunk = new[start : start + CHUNK]
        venue_ids = [venue_of(r) for r in chunk]
        chunk = _claim_keys(chunk, taken)
        kinds = queries.venue_kinds(session)
        rows = [_work_row(r, v, kinds, notes) for r, v in zip(chunk, venue_ids, strict=True)]
        wids = insert_works(session, rows)
        rids = insert_records(
            session,
            [_record_row(r, batch, w, path.name) for r, w in zip(chunk, wids, strict=True)],
        )
        work_ids += wids
        record_ids += rids
        for rec, wid, rid in zip(chunk, wids, rids, strict=True):
            report.outcomes.append(
                BlockOutcome(
                    BlockStatus.IMPORTED,
                    rec.first_line,
                    rec.last_line,
                    "; ".join(rec.comments) if rec.entry_type else "",
                    rec.title,
                    rid,
                    wid,
                )
            )
        yield Progress(
            position[0], position[1], f"Writing {path.name}: {start + len(chunk)} records"
        )
    _finish_batch(session, batch, report, work_ids, record_ids, created)


def _venue_resolver(session: Session, created: Created) -> Callable[[ParsedRecord], int | None]:
    """A record's venue by its label, one query per distinct label in the file."""
    known: dict[str, int] = {}

    def venue_of(rec: ParsedRecord) -> int | None:
        if not rec.venue:
            return None
        key = venue_key(rec.venue)
        if key not in known:
            known[key] = venue_for_label(session, rec.venue, created, rec.venue_kind)
        return known[key]

    return venue_of


def _finish_batch(
    session: Session,
    batch: int,
    report: ImportReport,
    work_ids: list[int],
    record_ids: list[int],
    created: Created,
) -> None:
    finish_batch(session, batch, report.counts, report.to_json()["blocks"])
    payload = ImportPayload(
        batch_id=batch,
        source_file=report.source_file,
        work_ids=work_ids,
        record_ids=record_ids,
        venues_created=created.venues,
        aliases_created=created.aliases,
    )
    log.record(session, Import(payload), f"Import {report.source_file}: {len(record_ids)} records")


def _claim_keys(records: list[ParsedRecord], taken: dict[str, int]) -> list[ParsedRecord]:
    """Each record keeps its file's citation key unless another work has it already; then the
    record says so, and the export will choose a new key."""
    claimed = []
    for rec in records:
        key = rec.citation_key
        if key and key.casefold() in taken:
            owner = f"work {taken[key.casefold()]}" if taken[key.casefold()] else "another entry"
            note = f"citation key {key!r} is already used by {owner}; the export will choose one"
            rec = replace(rec, citation_key=None, comments=(*rec.comments, note))
        elif key:
            taken[key.casefold()] = 0
        claimed.append(rec)
    return claimed


def _work_row(
    rec: ParsedRecord, venue_id: int | None, kinds: dict[int, str], alias_notes: dict[str, str]
) -> dict[str, Any]:
    """The work a new record becomes; a label the librarian annotated ("NeurIPS (Spotlight)"
    filed under NeurIPS) leaves its presentation note on the work."""
    kind = kinds.get(venue_id) if venue_id is not None else None
    explicit = rec.entry_type and rec.entry_type != default_entry_type(kind)
    note = alias_notes.get(venue_key(rec.venue)) if rec.venue else None
    row = {f.name: _stored(getattr(rec, f.name)) for f in WORK_FIELDS if f.kind != "reference"}
    row.update(
        venue_id=venue_id,
        entry_type=rec.entry_type if explicit else None,
        notes=with_note(rec.notes, note) if note else rec.notes,
        extra=dict(rec.extra),
    )
    return row


def _stored(value: Any) -> Any:
    """A parsed value as a column holds it (a JSON list for a tuple of names)."""
    return list(value) if isinstance(value, tuple) else value


def _record_row(rec: ParsedRecord, batch_id: int, work_id: int, source_file: str) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "work_id": work_id,
        "source_file": source_file,
        "ordinal": rec.ordinal,
        "first_line": rec.first_line,
        "last_line": rec.last_line,
        "raw": rec.raw,
        "content_hash": rec.content_hash,
        **{f.record: _stored(getattr(rec, f.name)) for f in WORK_FIELDS if f.record},
        "date": rec.date,
        "comments": list(rec.comments),
    }
