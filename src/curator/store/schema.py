"""The catalog schema as frozen SQL: a new catalog starts from the version 4 baseline and every
catalog, new or old, goes through the same steps to the current version.

Each step's DDL is written out here and never edited: a step must do tomorrow exactly what it
did the day it shipped, whatever the ORM classes in `tables.py` say by then. Append a step to
change the schema; `tests/store/test_schema.py` checks that a fresh catalog and an old one
brought up to date end with the same tables, columns, indexes and triggers, and that the ORM
classes agree with them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator

from curator.domain.errors import CuratorError

SCHEMA_VERSION = 8
BASELINE_VERSION = 4

# --- triggers, as each version wrote them ----------------------------------------------------

_FTS_VALUES_V4 = """
    new.id,
    coalesce(new.title, ''),
    (SELECT coalesce(group_concat(value, '; '), '') FROM json_each(new.authors)),
    coalesce(new.abstract, ''),
    coalesce((SELECT name || ' ' || coalesce(short_name, '')
              FROM venue WHERE id = new.venue_id), ''),
    trim(coalesce(new.arxiv_id, '') || ' ' || coalesce(new.doi, '')),
    coalesce(new.notes, '')
"""
_FTS_INSERT_V4 = f"""CREATE TRIGGER work_fts_insert AFTER INSERT ON work BEGIN
        INSERT INTO work_fts(rowid, title, authors, abstract, venue, ids, notes)
        VALUES ({_FTS_VALUES_V4});
    END"""
_FTS_UPDATE_V4 = f"""CREATE TRIGGER work_fts_update
    AFTER UPDATE OF title, authors, abstract, venue_id, arxiv_id, doi, notes ON work BEGIN
        DELETE FROM work_fts WHERE rowid = old.id;
        INSERT INTO work_fts(rowid, title, authors, abstract, venue, ids, notes)
        VALUES ({_FTS_VALUES_V4});
    END"""
# The full-text index's insert trigger as the current version has it (a big import drops it
# and fills the index once; see `writes.bulk_load`).
FULL_TEXT_VALUES = _FTS_VALUES_V4
FULL_TEXT_INSERT_TRIGGER = _FTS_INSERT_V4
_TRIGGERS_V4 = (
    _FTS_INSERT_V4,
    """CREATE TRIGGER work_fts_delete AFTER DELETE ON work BEGIN
        DELETE FROM work_fts WHERE rowid = old.id;
    END""",
    _FTS_UPDATE_V4,
    """CREATE TRIGGER venue_fts_update AFTER UPDATE OF name, short_name ON venue BEGIN
        UPDATE work_fts SET venue = new.name || ' ' || coalesce(new.short_name, '')
        WHERE rowid IN (SELECT id FROM work WHERE venue_id = new.id);
    END""",
    """CREATE TRIGGER sourcerecord_immutable BEFORE UPDATE OF
        raw, content_hash, source_file, ordinal, first_line, last_line, title, abstract,
        authors, venue_label, date, year, month, arxiv_id, doi, url, comments ON sourcerecord
    BEGIN
        SELECT RAISE(ABORT, 'source records are immutable');
    END""",
    """CREATE TRIGGER event_no_update BEFORE UPDATE ON event
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
    """CREATE TRIGGER event_no_delete BEFORE DELETE ON event
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
)

# --- version 4: the baseline every new catalog starts from ------------------------------------

BASELINE = (
    'CREATE TABLE meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY ("key"))',
    """CREATE TABLE venue (id INTEGER NOT NULL, name VARCHAR NOT NULL, short_name VARCHAR,
        kind VARCHAR NOT NULL, parent_id INTEGER, PRIMARY KEY (id), UNIQUE (name),
        FOREIGN KEY(parent_id) REFERENCES venue (id))""",
    """CREATE TABLE mergedvenue (id INTEGER NOT NULL, into_id INTEGER NOT NULL,
        PRIMARY KEY (id))""",
    """CREATE TABLE venuerejection (id INTEGER NOT NULL, keys JSON NOT NULL,
        created_at DATETIME NOT NULL, PRIMARY KEY (id))""",
    """CREATE TABLE importbatch (id INTEGER NOT NULL, source_file VARCHAR NOT NULL,
        source_path VARCHAR NOT NULL, file_hash VARCHAR NOT NULL, format VARCHAR NOT NULL,
        imported_at DATETIME NOT NULL, n_imported INTEGER NOT NULL,
        n_unchanged INTEGER NOT NULL, n_skipped INTEGER NOT NULL, n_rejected INTEGER NOT NULL,
        report JSON, PRIMARY KEY (id))""",
    "CREATE INDEX ix_importbatch_source_file ON importbatch (source_file)",
    """CREATE TABLE event (id INTEGER NOT NULL, kind VARCHAR NOT NULL, summary VARCHAR NOT NULL,
        created_at DATETIME NOT NULL, payload JSON NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_event_kind ON event (kind)",
    """CREATE TABLE decision (id INTEGER NOT NULL, kind VARCHAR NOT NULL, fp_a VARCHAR NOT NULL,
        fp_b VARCHAR NOT NULL, work_a INTEGER NOT NULL, work_b INTEGER NOT NULL,
        created_at DATETIME NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_decision_kind ON decision (kind)",
    "CREATE INDEX ix_decision_fp_a ON decision (fp_a)",
    "CREATE INDEX ix_decision_fp_b ON decision (fp_b)",
    """CREATE TABLE venuealias (id INTEGER NOT NULL, label_key VARCHAR NOT NULL,
        label VARCHAR NOT NULL, venue_id INTEGER NOT NULL, note VARCHAR, PRIMARY KEY (id),
        UNIQUE (label_key), FOREIGN KEY(venue_id) REFERENCES venue (id))""",
    "CREATE INDEX ix_venuealias_venue_id ON venuealias (venue_id)",
    """CREATE TABLE work (id INTEGER NOT NULL, title VARCHAR, abstract VARCHAR,
        authors JSON NOT NULL, authors_incomplete BOOLEAN NOT NULL, venue_id INTEGER,
        year INTEGER, month INTEGER, arxiv_id VARCHAR, doi VARCHAR, url VARCHAR,
        entry_type VARCHAR, citation_key VARCHAR, notes VARCHAR,
        extra JSON DEFAULT '{}' NOT NULL, created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL, PRIMARY KEY (id),
        FOREIGN KEY(venue_id) REFERENCES venue (id), UNIQUE (citation_key))""",
    "CREATE INDEX ix_work_arxiv_id ON work (arxiv_id)",
    "CREATE INDEX ix_work_venue_id ON work (venue_id)",
    "CREATE INDEX ix_work_doi ON work (doi)",
    """CREATE TABLE sourcerecord (id INTEGER NOT NULL, batch_id INTEGER NOT NULL,
        work_id INTEGER NOT NULL, source_file VARCHAR NOT NULL, ordinal INTEGER NOT NULL,
        first_line INTEGER NOT NULL, last_line INTEGER NOT NULL, raw VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL, title VARCHAR, abstract VARCHAR, authors JSON NOT NULL,
        authors_incomplete BOOLEAN NOT NULL, venue_label VARCHAR, date VARCHAR, year INTEGER,
        month INTEGER, arxiv_id VARCHAR, doi VARCHAR, url VARCHAR, comments JSON NOT NULL,
        PRIMARY KEY (id), UNIQUE (source_file, content_hash),
        FOREIGN KEY(batch_id) REFERENCES importbatch (id),
        FOREIGN KEY(work_id) REFERENCES work (id))""",
    "CREATE INDEX ix_sourcerecord_work ON sourcerecord (work_id)",
    """CREATE VIRTUAL TABLE work_fts USING fts5(
        title, authors, abstract, venue, ids, notes,
        tokenize = 'unicode61 remove_diacritics 2')""",
    *_TRIGGERS_V4,
)

# --- the steps of catalogs older than the baseline ---------------------------------------------


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Version 2 remembers decisions about candidate pairs (distinct, related)."""
    _run(conn, [ddl for ddl in BASELINE if "decision" in ddl.split("(")[0]])


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """Version 3 curates venues: workshop parents, alias notes, merged ids, rejections."""
    _run(
        conn,
        [
            "ALTER TABLE venue ADD COLUMN parent_id INTEGER REFERENCES venue (id)",
            "ALTER TABLE venuealias ADD COLUMN note VARCHAR",
            *(
                ddl
                for ddl in BASELINE
                if ddl.startswith(("CREATE TABLE mergedvenue", "CREATE TABLE venuerejection"))
            ),
        ],
    )


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    """Version 4 keeps the BibTeX fields curator does not model (volume, pages, publisher...),
    and leaves citation keys out of the full-text index (old keys there stay findable)."""
    _run(
        conn,
        [
            "ALTER TABLE work ADD COLUMN extra JSON NOT NULL DEFAULT '{}'",
            "DROP TRIGGER work_fts_insert",
            _FTS_INSERT_V4,
            "DROP TRIGGER work_fts_update",
            _FTS_UPDATE_V4,
        ],
    )


# --- version 5: ids are never reused; undo state is stored; keys unique ignoring case ------------

_TABLES_V5 = {
    "venue": """CREATE TABLE venue (id INTEGER PRIMARY KEY AUTOINCREMENT,
        name VARCHAR NOT NULL UNIQUE, short_name VARCHAR, kind VARCHAR NOT NULL,
        parent_id INTEGER REFERENCES venue (id))""",
    "venuerejection": """CREATE TABLE venuerejection (id INTEGER PRIMARY KEY AUTOINCREMENT,
        keys JSON NOT NULL, created_at DATETIME NOT NULL)""",
    "importbatch": """CREATE TABLE importbatch (id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_file VARCHAR NOT NULL, source_path VARCHAR NOT NULL, file_hash VARCHAR NOT NULL,
        format VARCHAR NOT NULL, imported_at DATETIME NOT NULL, n_imported INTEGER NOT NULL,
        n_unchanged INTEGER NOT NULL, n_skipped INTEGER NOT NULL, n_rejected INTEGER NOT NULL,
        report JSON)""",
    "event": """CREATE TABLE event (id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind VARCHAR NOT NULL, summary VARCHAR NOT NULL, created_at DATETIME NOT NULL,
        payload JSON NOT NULL, state VARCHAR CHECK (state IN ('done', 'undone', 'void')))""",
    "decision": """CREATE TABLE decision (id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind VARCHAR NOT NULL, fp_a VARCHAR NOT NULL, fp_b VARCHAR NOT NULL,
        work_a INTEGER NOT NULL, work_b INTEGER NOT NULL, created_at DATETIME NOT NULL)""",
    "venuealias": """CREATE TABLE venuealias (id INTEGER PRIMARY KEY AUTOINCREMENT,
        label_key VARCHAR NOT NULL UNIQUE, label VARCHAR NOT NULL,
        venue_id INTEGER NOT NULL REFERENCES venue (id), note VARCHAR)""",
    "work": """CREATE TABLE work (id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR,
        abstract VARCHAR, authors JSON NOT NULL, authors_incomplete BOOLEAN NOT NULL,
        venue_id INTEGER REFERENCES venue (id), year INTEGER, month INTEGER, arxiv_id VARCHAR,
        doi VARCHAR, url VARCHAR, entry_type VARCHAR,
        citation_key VARCHAR COLLATE NOCASE UNIQUE, notes VARCHAR,
        extra JSON DEFAULT '{}' NOT NULL, created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL)""",
    "sourcerecord": """CREATE TABLE sourcerecord (id INTEGER PRIMARY KEY AUTOINCREMENT,
        batch_id INTEGER NOT NULL REFERENCES importbatch (id),
        work_id INTEGER NOT NULL REFERENCES work (id), source_file VARCHAR NOT NULL,
        ordinal INTEGER NOT NULL, first_line INTEGER NOT NULL, last_line INTEGER NOT NULL,
        raw VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, title VARCHAR, abstract VARCHAR,
        authors JSON NOT NULL, authors_incomplete BOOLEAN NOT NULL, venue_label VARCHAR,
        date VARCHAR, year INTEGER, month INTEGER, arxiv_id VARCHAR, doi VARCHAR, url VARCHAR,
        comments JSON NOT NULL, UNIQUE (source_file, content_hash))""",
}
_INDEXES_V5 = (
    "CREATE INDEX ix_importbatch_source_file ON importbatch (source_file)",
    "CREATE INDEX ix_event_kind ON event (kind)",
    "CREATE INDEX ix_event_state ON event (state, id)",
    "CREATE INDEX ix_decision_kind ON decision (kind)",
    "CREATE INDEX ix_decision_fp_a ON decision (fp_a)",
    "CREATE INDEX ix_decision_fp_b ON decision (fp_b)",
    "CREATE INDEX ix_venuealias_venue_id ON venuealias (venue_id)",
    "CREATE INDEX ix_work_arxiv_id ON work (arxiv_id)",
    "CREATE INDEX ix_work_venue_id ON work (venue_id)",
    "CREATE INDEX ix_work_doi ON work (doi)",
    "CREATE INDEX ix_sourcerecord_work ON sourcerecord (work_id)",
)
_TRIGGERS_V5 = (
    *(t for t in _TRIGGERS_V4 if not t.startswith("CREATE TRIGGER event_no_update")),
    # The log is append-only; only a change's undo state moves, and only along the stack.
    """CREATE TRIGGER event_no_update BEFORE UPDATE OF id, kind, summary, created_at, payload
    ON event BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
    """CREATE TRIGGER event_state_moves BEFORE UPDATE OF state ON event
    WHEN NOT ((old.state IS 'done' AND new.state IS 'undone')
              OR (old.state IS 'undone' AND coalesce(new.state, '') IN ('done', 'void')))
    BEGIN SELECT RAISE(ABORT, 'an undo state moves done -> undone -> done or void'); END""",
)


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    """Version 5: no id of a work, venue, label, record, batch, decision or event is ever
    handed out twice (AUTOINCREMENT, counters started past every id the log remembers); each
    change stores whether it is done, undone or void, so undo reads its target, not the whole
    log; citation keys are unique ignoring case in the database itself."""
    marks = _high_water_marks(conn)
    _resolve_key_clashes(conn)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for table, ddl in _TABLES_V5.items():
        old = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        conn.execute(ddl.replace(f"CREATE TABLE {table} ", f"CREATE TABLE {table}_v5 ", 1))
        columns = ", ".join(old)
        conn.execute(f"INSERT INTO {table}_v5 ({columns}) SELECT {columns} FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE {table}_v5 RENAME TO {table}")
    _set_event_states(conn)  # before the triggers: they let a state move only along the stack
    _run(conn, [*_INDEXES_V5, *_TRIGGERS_V5])
    for table, mark in marks.items():
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, mark))


def _high_water_marks(conn: sqlite3.Connection) -> dict[str, int]:
    """The largest id each table has ever handed out: its rows, and the ids the event log
    names that may be gone now (absorbed works, split-off or created venues, merged venues)."""
    marks = {
        table: conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        for table in _TABLES_V5
    }
    merged = conn.execute("SELECT coalesce(max(id), 0) FROM mergedvenue").fetchone()[0]
    marks["venue"] = max(marks["venue"], merged)
    for kind, raw in conn.execute("SELECT kind, payload FROM event"):
        for table, ids in _ids_named(kind, json.loads(raw)):
            marks[table] = max([marks[table], *ids])
    return marks


def _ids_named(kind: str, payload: dict) -> Iterator[tuple[str, Iterable[int]]]:  # type: ignore[type-arg]
    merges = (
        [payload] if kind == "merge" else payload.get("merges", []) if kind == "auto-merge" else []
    )
    for merge in merges:
        yield "work", [int(w) for w in merge.get("before", {})]
    if kind == "import":
        yield "work", payload.get("work_ids", [])
        yield "sourcerecord", payload.get("record_ids", [])
    created = [payload.get("created") or {}]
    created += [m.get("created") or {} for m in merges]
    for rows in created:
        yield "venue", [r["id"] for r in rows.get("venues", []) if r.get("id")]
        yield "venuealias", [r["id"] for r in rows.get("aliases", []) if r.get("id")]
    for step in payload.get("steps", []) if kind == "venue" else []:
        if step.get("op") == "split":
            yield "venue", [step["venue"]["id"]]
        yield (
            "venuealias",
            [r["id"] for r in step.get("aliases", []) if isinstance(r, dict) and r.get("id")],
        )


def _resolve_key_clashes(conn: sqlite3.Connection) -> None:
    """Keys that differ only in case are one key to BibTeX: the oldest work keeps it, the
    others lose it (the next export gives them one) with a note saying which key they had."""
    groups = conn.execute(
        "SELECT lower(citation_key) FROM work WHERE citation_key IS NOT NULL "
        "GROUP BY lower(citation_key) HAVING count(*) > 1"
    ).fetchall()
    for (folded,) in groups:
        rows = conn.execute(
            "SELECT id, citation_key, notes FROM work WHERE lower(citation_key) = ? ORDER BY id",
            (folded,),
        ).fetchall()
        keeper = rows[0]
        for wid, key, notes in rows[1:]:
            note = (
                f"Citation key {key!r} set aside at the upgrade to catalog version 5: work "
                f"{keeper[0]} has {keeper[1]!r}, which BibTeX reads as the same key."
            )
            conn.execute(
                "UPDATE work SET citation_key = NULL, notes = ? WHERE id = ?",
                (f"{notes}\n\n{note}" if notes else note, wid),
            )


def _set_event_states(conn: sqlite3.Connection) -> None:
    """Replay the log once, as every undo used to, and store where each change stands."""
    applied: list[int] = []
    redoable: list[int] = []
    void: list[int] = []
    for event_id, kind, raw in conn.execute("SELECT id, kind, payload FROM event ORDER BY id"):
        if kind == "undo":
            target = json.loads(raw)["target"]
            applied.remove(target)
            redoable.append(target)
        elif kind == "redo":
            target = json.loads(raw)["target"]
            redoable.remove(target)
            applied.append(target)
        else:
            applied.append(event_id)
            void += redoable
            redoable.clear()
    for state, ids in (("done", applied), ("undone", redoable), ("void", void)):
        conn.executemany("UPDATE event SET state = ? WHERE id = ?", [(state, i) for i in ids])


# --- version 6: the catalog table pages through a million works in any order -------------------

_INDEXES_V6 = (
    "CREATE INDEX ix_work_title_nocase ON work (title COLLATE NOCASE)",
    "CREATE INDEX ix_work_first_author ON work (json_extract(authors, '$[0]') COLLATE NOCASE)",
    "CREATE INDEX ix_work_year ON work (year)",
)


def _v5_to_v6(conn: sqlite3.Connection) -> None:
    """Version 6 indexes the orders the catalog table sorts by (title, first author, year), so
    a million works come back sorted without a sort of the whole table."""
    _run(conn, _INDEXES_V6)


# --- version 7: each step says who made it --------------------------------------------------

_EVENT_NO_UPDATE_V7 = """CREATE TRIGGER event_no_update
    BEFORE UPDATE OF id, kind, summary, created_at, payload, author, session ON event
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"""


def _v6_to_v7(conn: sqlite3.Connection) -> None:
    """Version 7 records who made each step: the user's name and the session (a window, or
    the user's command line), so that in a catalog open in several programs undo offers each
    its own steps. Steps made before have neither (shown as "earlier"); who made a step is
    as append-only as the rest of it, and one index finds a session's newest or oldest step
    in a given state."""
    _run(
        conn,
        [
            "ALTER TABLE event ADD COLUMN author VARCHAR",
            "ALTER TABLE event ADD COLUMN session VARCHAR",
            "CREATE INDEX ix_event_session ON event (session, author, state, id)",
            "DROP TRIGGER event_no_update",
            _EVENT_NO_UPDATE_V7,
        ],
    )


# --- version 8: a work's row version; duplicate scans kept for the next librarian -------------

# Every update of a work moves its version on, whatever statement made it (an edit, a merge,
# a venue fix, an undo): what an editor opened is compared with it on save. An update that
# sets the version itself (none does today) is left as it is.
_WORK_VERSION_V8 = """CREATE TRIGGER work_version AFTER UPDATE ON work
    FOR EACH ROW WHEN new.version = old.version
    BEGIN UPDATE work SET version = old.version + 1 WHERE id = new.id; END"""


def _v7_to_v8(conn: sqlite3.Connection) -> None:
    """Version 8 gives each work a row version, moved on by every update, so that two
    librarians editing the same work learn of each other instead of one losing the other's
    change; and keeps the last duplicate scan's results with the catalog version (the newest
    event id) they were computed at, so that a scan is not repeated while nothing changed."""
    _run(
        conn,
        [
            "ALTER TABLE work ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
            _WORK_VERSION_V8,
            """CREATE TABLE scanresult (
                id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
                catalog_version INTEGER NOT NULL,
                settings VARCHAR NOT NULL,
                created_at DATETIME NOT NULL,
                author VARCHAR,
                result BLOB NOT NULL)""",
        ],
    )


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
    6: _v6_to_v7,
    7: _v7_to_v8,
}

# --- running them ----------------------------------------------------------------------------


def _run(conn: sqlite3.Connection, statements: Iterable[str]) -> None:
    for ddl in statements:
        conn.execute(ddl)


def current_version(conn: sqlite3.Connection) -> int | None:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not exists:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def check_readable(version: int | None, source: str) -> None:
    """Refuse a catalog written by a newer curator: its schema is beyond what we know."""
    if version is not None and version > SCHEMA_VERSION:
        raise CuratorError(
            f"{source} was written by a newer curator (catalog version {version}, this "
            f"program reads up to {SCHEMA_VERSION}); update curator to open it."
        )


def migrate(conn: sqlite3.Connection, source: str) -> None:
    """Create a new catalog, or bring an older one up to date, in one transaction.

    `conn` is a plain sqlite3 connection in autocommit mode: foreign keys are switched off
    while tables are rebuilt (SQLite ignores that pragma inside a transaction) and checked
    before the commit.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = current_version(conn)
        check_readable(version, source)
        if version is None:
            _check_empty(conn, source)
            _run(conn, BASELINE)
            version = BASELINE_VERSION
        for step in range(version, SCHEMA_VERSION):
            STEPS[step](conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken:
            raise CuratorError(f"{source}: the upgrade found a broken reference in {broken[0]}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _check_empty(conn: sqlite3.Connection, source: str) -> None:
    if conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
        raise CuratorError(
            f"{source} is an SQLite database but not a curator catalog; choose another file."
        )
