"""Use case: import listing files into the catalog, one atomic transaction per file."""

from __future__ import annotations

import codecs
import hashlib
import multiprocessing
import queue
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from sqlmodel import Session

from curator.domain.bibfields import key_aliases
from curator.domain.catalog import default_entry_type
from curator.domain.errors import CuratorError
from curator.domain.fields import WORK_FIELDS
from curator.domain.progress import Progress, drain
from curator.domain.records import BlockStatus, ParsedRecord, ParseResult
from curator.domain.report import BlockOutcome, ImportReport, counted
from curator.domain.venues import venue_key, with_note
from curator.events import log
from curator.events.imports import Import, ImportPayload
from curator.importers import FORMATS, bibtex, detect_format, parse_listing
from curator.importers.bibtex import BibtexReader, text_lines
from curator.services import backups
from curator.store import queries
from curator.store import venues as venue_store
from curator.store.catalog import Catalog
from curator.store.writes import (
    Created,
    add_batch,
    bulk_load,
    finish_batch,
    insert_records,
    insert_works,
    venue_for_label,
)

CHUNK = 2000  # records written between two progress reports
FILL_FULL_TEXT_AT = 5000  # a file with more new records fills the full-text index once
STREAM_AT = 32 << 20  # bytes: a bigger BibTeX file is read and written a piece at a time
BIBTEX = "bibtex"
READ_AHEAD = 4  # pieces read ahead of the writing: memory stays bounded


@dataclass(slots=True)
class ImportRun:
    """The outcome of importing several files: a report per file read, a message per failure.
    A file read but refused (no block of it is a record) has both: its report says what became
    of each block, and `refused`."""

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
    if sum(map(_size, files)) > backups.LARGE_IMPORT and _has_works(catalog):
        yield Progress(0, len(files), "Backing up the catalog")  # once for the whole run
        names = files[0].name if len(files) == 1 else f"{len(files)} files"
        backups.before(catalog, f"importing {names}")
    for index, path in enumerate(files):
        yield Progress(index, len(files), f"Reading {path.name}")
        try:
            report = yield from _import_one(catalog, path, format, index, len(files))
        except _Refused as exc:
            run.failures.append(str(exc))
            run.reports.append(exc.report)
            continue
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
    listing = _Listing.open(path, format)
    yield Progress(index, total, f"Reading {path.name}")
    with catalog.write() as session, ExitStack() as undone_at_the_end:
        report = ImportReport(
            source_file=path.name,
            source_path=str(path.resolve()),
            format=listing.format,
            format_label=FORMATS[listing.format].label,
        )
        writer = _Writer(session, path, report, listing.streamed, undone_at_the_end)
        known = queries.record_hashes(session, path.name)
        seen: dict[str, _Seen] = {}
        records = 0
        parts = listing.parts()
        undone_at_the_end.callback(parts.close)  # a failure or a cancel stops the reader too
        for part in parts:
            records += len(part.records)
            new = _classify(part, report, known, seen)
            if new:
                yield from writer.write(new, (index, total))
        _refuse_unreadable(path, listing, records, report)
        writer.finish(listing.hash)
        report.outcomes.sort(key=lambda o: (o.first_line, o.last_line))
    return report


def _has_works(catalog: Catalog) -> bool:
    with catalog.read() as s:
        return queries.has_works(s)


class _Refused(CuratorError):
    """A file read, but none of its blocks is a record: nothing of it is kept, and its report
    (each block with its lines and why) goes with the message."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = replace(report, refused=message)


def _refuse_unreadable(path: Path, listing: _Listing, records: int, report: ImportReport) -> None:
    """A file in which no record could be read (every block rejected or skipped, as a text
    listing read as BibTeX is) is an error, and nothing of it is kept."""
    if records:
        return
    problems = sorted(report.outcomes, key=lambda o: (o.first_line, o.last_line))
    report.outcomes = problems
    rejected = [o for o in problems if o.status is BlockStatus.REJECTED]
    found = "no record could be read" if rejected else "no publication entries were found"
    said = f"{path.name}: read as {FORMATS[listing.format].label}, but {found}"
    if not problems:
        raise _Refused(said, report)
    kinds = ((len(rejected), "rejected"), (len(problems) - len(rejected), "skipped"))
    (n, word), *more = [(n, word) for n, word in kinds if n]
    tally = ", ".join([f"{counted(n, 'block')} {word}", *(f"{m} {w}" for m, w in more)])
    first = (rejected or problems)[0]
    raise _Refused(f"{said} ({tally}; {first.lines}: {first.reason})", report)


@dataclass(slots=True)
class _Listing:
    """A file to import: read whole, or (a big BibTeX file) in pieces as it is written, so
    memory does not grow with the file."""

    path: Path
    format: str
    whole: ParseResult | None = None
    hash: str = ""  # of the file's bytes; a file read in pieces has it once read

    @property
    def streamed(self) -> bool:
        return self.whole is None

    @classmethod
    def open(cls, path: Path, format: str | None) -> _Listing:
        if _size(path) > STREAM_AT:
            head = _FileLines(path).head()
            if format == BIBTEX or (format is None and detect_format(head) == BIBTEX):
                return cls(path, BIBTEX)
        text, file_hash = read_listing(path)
        if not text.lstrip("\ufeff").strip():
            raise CuratorError(f"{path.name}: the file is empty; there is nothing to import")
        whole = parse_listing(text, source=path.name, format=format)
        return cls(path, whole.format, whole, file_hash)

    def parts(self) -> Generator[ParseResult, None, None]:
        """The file's records and problems: all at once, or a piece at a time as a process of
        its own reads them (parsing on one core while this one writes: 100k generated entries
        in 20 s instead of 26 s, and memory bounded by the pieces read ahead)."""
        if self.whole is not None:
            yield self.whole
            return
        context = multiprocessing.get_context("spawn")  # never fork a process with threads
        pieces = context.Queue(maxsize=READ_AHEAD)
        args = (str(self.path), bibtex.CHUNK_ENTRIES, pieces)
        reader = context.Process(target=_read_in_pieces, args=args, daemon=True)
        reader.start()
        try:
            while True:
                kind, value = _next_piece(pieces, reader, self.path.name)
                if kind == "part":
                    yield value
                elif kind == "done":
                    self.hash = value
                    return
                elif kind in ("error", "stopped"):
                    raise CuratorError(value)
                else:
                    raise RuntimeError(f"reading {self.path.name} failed: {value}")
        finally:
            if reader.is_alive():
                reader.terminate()  # cancelled, or failed here: the reader stops too
            reader.join()


def _read_in_pieces(path: str, chunk_entries: int, out: multiprocessing.Queue[Any]) -> None:
    """In a process of its own: read a big BibTeX file a piece at a time, sending each piece's
    records and problems, then the hash of its bytes, or what is wrong with it."""
    try:
        lines = _FileLines(Path(path))
        for part in BibtexReader().read(lines, chunk_entries):
            _send(out, ("part", part))
        _send(out, ("done", lines.hash.hexdigest()))
    except CuratorError as exc:
        _send(out, ("error", str(exc)))
    except _Orphaned:  # the import that wanted the pieces is gone (killed): so is this reader
        out.cancel_join_thread()  # what is still buffered for it is dropped, not waited on
    except Exception as exc:  # a bug: the traceback goes to this process's stderr
        traceback.print_exc()
        _send(out, ("bug", f"{exc.__class__.__name__}: {exc}"))


class _Orphaned(Exception):
    """The process that started the reader is gone: nobody will take what it reads."""


def _send(out: multiprocessing.Queue[Any], message: tuple[str, Any]) -> None:
    """Put a message for the importing process, waiting while the queue is full, but never
    for a process that is gone (killed mid-import: it can take nothing more)."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            out.put(message, timeout=1)
            return
        except queue.Full:
            if parent is not None and not parent.is_alive():
                raise _Orphaned from None


def _next_piece(
    pieces: multiprocessing.Queue[Any], reader: multiprocessing.process.BaseProcess, name: str
) -> tuple[str, Any]:
    """The next message from the reader; an error if it died without saying why."""
    while True:
        try:
            return cast(tuple[str, Any], pieces.get(timeout=1))
        except queue.Empty:
            if not reader.is_alive() and pieces.empty():
                return "stopped", (
                    f"{name}: the process reading it stopped (exit code {reader.exitcode}); "
                    "is the computer short of memory?"
                )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0  # read_listing says what is wrong


class _FileLines:
    """The lines of a UTF-8 file, read a megabyte at a time, with the hash of its bytes;
    what is wrong with it said as `read_listing` says it. A line longer than a read is handed
    on in parts (never split between CR and LF), so a 50 MB line is never copied whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hash = hashlib.sha256()

    def head(self, size: int = 1 << 18) -> str:
        """The beginning of the file, to tell its format."""
        try:
            with self.path.open("rb") as f:
                return f.read(size).decode("utf-8-sig", errors="replace")
        except OSError:
            return ""

    def __iter__(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        rest, offset = "", 0
        try:
            file = self.path.open("rb")
        except OSError as exc:
            raise CuratorError(f"{self.path}: cannot be read ({exc.strerror})") from exc
        with file:
            while block := file.read(1 << 20):
                self.hash.update(block)
                text = rest + self._decode(decoder, block, offset)
                offset += len(block)
                end = len(text) - 1 if text.endswith("\r") else len(text)  # "\r\n" split?
                cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1 or end
                yield from text_lines(text[:cut])
                rest = text[cut:]
            yield from text_lines(rest + self._decode(decoder, b"", offset, final=True))

    def _decode(
        self, decoder: codecs.IncrementalDecoder, block: bytes, offset: int, final: bool = False
    ) -> str:
        try:
            held = len(decoder.getstate()[0])  # bytes of a character the last block began
            text = decoder.decode(block, final)
        except UnicodeDecodeError as exc:
            raise CuratorError(
                f"{self.path}: not UTF-8 text (bad byte at offset {offset - held + exc.start}); "
                "save it as UTF-8 and import it again"
            ) from exc
        if "\x00" in text:
            raise CuratorError(f"{self.path}: looks like a binary file, not a text listing")
        return text


def _classify(
    result: ParseResult,
    report: ImportReport,
    known: dict[str, tuple[int, int]],
    seen: dict[str, _Seen],
) -> list[tuple[ParsedRecord, str]]:
    """Sort parsed records into new, unchanged and verbatim repeats (of records imported from
    this file before, `known`, or read earlier in it, `seen`); record problems. The new ones
    come with their content hash (a sha256 of the raw text: computed once)."""
    new: list[tuple[ParsedRecord, str]] = []
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
            seen[digest] = _Seen(rec.first_line, rec.last_line)
            new.append((rec, digest))
    for p in result.problems:
        report.outcomes.append(BlockOutcome(p.status, p.first_line, p.last_line, p.reason))
    return new


@dataclass(frozen=True, slots=True)
class _Seen:
    """Where a record was read, to say where its verbatim repeats come from (the record itself
    is not kept: a million of them would not fit)."""

    first_line: int
    last_line: int


class _Writer:
    """Writes a file's new records as works and source records, a chunk at a time, into one
    transaction; the batch, the event and the full-text index are finished at the end."""

    def __init__(
        self, session: Session, path: Path, report: ImportReport, big: bool, stack: ExitStack
    ) -> None:
        self.session, self.path, self.report, self.big = session, path, report, big
        self.stack = stack  # what a big import changed for itself, put back however it ends
        self.batch = 0  # made with the first new record: a file with none leaves no trace
        self.created = Created()
        self.work_ids: list[int] = []
        self.record_ids: list[int] = []
        self.keys: set[str] = set()  # the citation keys (and `ids`) its works hold
        self.taken: dict[str, int] | None = None  # citation keys in use, read when first needed
        self.notes = venue_store.alias_notes(session)
        self.venues: dict[str, int] = {}  # label key -> the venue its records went to
        self.venue_of = _venue_resolver(session, self.created, self.venues)
        self._bulk = False

    def write(
        self, new: list[tuple[ParsedRecord, str]], position: tuple[int, int]
    ) -> Generator[Progress, None, None]:
        """Write new records (each with its content hash) a chunk at a time."""
        session = self.session
        if not self.batch:
            report = self.report
            self.batch = add_batch(session, self.path.name, report.source_path, "", report.format)
            report.batch_id = self.batch
        if not self._bulk and (self.big or len(new) >= FILL_FULL_TEXT_AT):
            self._bulk = True
            self.stack.enter_context(bulk_load(session))
        if self.taken is None and any(r.citation_key for r, _ in new):
            # the keys in use, read when first needed, then claimed chunk after chunk
            self.taken = {**queries.alias_keys(session), **queries.citation_keys(session)}
        for start in range(0, len(new), CHUNK):
            chunk = [r for r, _ in new[start : start + CHUNK]]
            digests = [d for _, d in new[start : start + CHUNK]]
            venue_ids = [self.venue_of(r) for r in chunk]
            chunk = _claim_keys(chunk, self.taken if self.taken is not None else {})
            kinds = queries.venue_kinds(session)
            rows = [
                _work_row(r, v, kinds, self.notes) for r, v in zip(chunk, venue_ids, strict=True)
            ]
            wids = insert_works(session, rows)
            rows = [
                _record_row(r, d, self.batch, w, self.path.name)
                for r, d, w in zip(chunk, digests, wids, strict=True)
            ]
            rids = insert_records(session, rows)
            self.work_ids += wids
            self.record_ids += rids
            self.keys.update(_keys_of(chunk))
            for rec, wid, rid in zip(chunk, wids, rids, strict=True):
                self.report.outcomes.append(
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
                position[0],
                position[1],
                f"Writing {self.path.name}: records written: {len(self.record_ids):,}",
            )

    def finish(self, file_hash: str) -> None:
        if not self.batch:
            return  # nothing new: no batch, no step to undo
        self.stack.close()  # the full-text index filled, its trigger and the page cache back
        report = self.report
        blocks = (o.to_json() for o in report.outcomes)
        finish_batch(self.session, self.batch, report.counts, blocks, file_hash)
        payload = ImportPayload(
            batch_id=self.batch,
            source_file=report.source_file,
            work_ids=self.work_ids,
            record_ids=self.record_ids,
            venues_created=self.created.venues,
            aliases_created=self.created.aliases,
            venues_used=sorted(set(self.venues.values())),
            aliases_used=sorted(self.created.labels),
            keys=sorted(self.keys),
        )
        summary = f"Import {report.source_file}: {counted(len(self.record_ids), 'record')}"
        log.record(self.session, Import(payload), summary)


def _venue_resolver(
    session: Session, created: Created, known: dict[str, int]
) -> Callable[[ParsedRecord], int | None]:
    """A record's venue by its label, one query per distinct label in the file (`known`
    fills with each label's venue)."""

    def venue_of(rec: ParsedRecord) -> int | None:
        if not rec.venue:
            return None
        key = venue_key(rec.venue)
        if key not in known:
            known[key] = venue_for_label(session, rec.venue, created, rec.venue_kind)
        return known[key]

    return venue_of


def _keys_of(records: list[ParsedRecord]) -> set[str]:
    """The citation keys the records keep and the other keys (`ids`) they answer to."""
    keys = {r.citation_key for r in records if r.citation_key}
    return keys.union(*(key_aliases(dict(r.extra)) for r in records))


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


def _record_row(
    rec: ParsedRecord, digest: str, batch_id: int, work_id: int, source_file: str
) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "work_id": work_id,
        "source_file": source_file,
        "ordinal": rec.ordinal,
        "first_line": rec.first_line,
        "last_line": rec.last_line,
        "raw": rec.raw,
        "content_hash": digest,
        **{f.record: _stored(getattr(rec, f.name)) for f in WORK_FIELDS if f.record},
        "date": rec.date,
        "comments": list(rec.comments),
    }
