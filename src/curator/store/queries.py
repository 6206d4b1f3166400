"""Reading the catalog: lean rows for big tables, full views for one work, full-text search."""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from curator.domain.bibfields import key_aliases, ordered
from curator.domain.catalog import (
    RecordView,
    WorkOrder,
    WorkRow,
    WorkView,
    default_entry_type,
)
from curator.domain.errors import NotFoundError
from curator.domain.fields import WORK_FIELDS
from curator.domain.matching import WorkFeatures
from curator.store.catalog import driver, on_server, pg_driver
from curator.store.tables import MAX_ROW_ID, SourceRecord, Venue, Work

_WORD = re.compile(r"\w+", re.UNICODE)


def _matching_ids_clause(search: str | None, walk: bool = False) -> tuple[str, dict[str, object]]:
    """Works where every word typed starts a word of their text or is part of their citation
    key (`conf/nips` finds `DBLP:conf/nips/VaswaniSPUJGKP17`). Keys are not in the full-text
    index: a first export gives thousands at once.

    With `walk`, the ids found are only checked, never looked up: the query walks the index
    of its order instead, and a LIMIT stops it after a screenful."""
    column = "+w.id" if walk else "w.id"
    search = re.sub(r"\barxiv:\s*", "", search or "", flags=re.IGNORECASE)
    words = _WORD.findall(search)
    if not words:
        return "", {}
    params: dict[str, object] = {}
    parts = []
    for n, word in enumerate(words):
        params[f"q{n}"] = f'"{word}"*'
        params[f"k{n}"] = "%" + word.replace("_", "\\_") + "%"
        parts.append(
            f"({column} IN (SELECT rowid FROM work_fts WHERE work_fts MATCH :q{n}) "
            f"OR {column} IN (SELECT id FROM work WHERE citation_key LIKE :k{n} ESCAPE '\\'))"
        )
    return "WHERE " + " AND ".join(parts), params


def _matching_ids_clause_pg(search: str | None) -> tuple[str, dict[str, object]]:
    """`_matching_ids_clause` on a server: the same words found the same way, in the
    tsvector index (`schema_pg`: every word typed starts a word of the text, accents and case
    ignored) or as part of the citation key (ILIKE: SQLite's LIKE ignores case)."""
    search = re.sub(r"\barxiv:\s*", "", search or "", flags=re.IGNORECASE)
    words = _WORD.findall(search)
    if not words:
        return "", {}
    params: dict[str, object] = {}
    parts = []
    for n, word in enumerate(words):
        params[f"q{n}"] = word
        params[f"k{n}"] = "%" + word.replace("_", "\\_") + "%"
        # The query as a subquery: computed once (the function cannot be inlined, so as a
        # plain call it ran for every row a 1-letter search read: 229 ms vs 37 ms at 100k).
        parts.append(
            f"(w.id IN (SELECT id FROM work_fts WHERE doc @@ "
            f"(SELECT curator_prefix_query(%(q{n})s))) "
            f"OR w.id IN (SELECT id FROM work WHERE citation_key ILIKE %(k{n})s))"
        )
    return "WHERE " + " AND ".join(parts), params


def work_rows(
    session: Session, search: str | None = None, ids: list[int] | None = None
) -> list[WorkRow]:
    """The table's rows in id order, filtered by full-text search (or by ids) when asked.

    Runs on the raw sqlite3 cursor: at 100k rows SQLAlchemy's row processing alone would
    cost more than the query.
    """
    server = on_server(session)
    where, params = (_matching_ids_clause_pg if server else _matching_ids_clause)(search)
    if ids is not None:
        where = f"WHERE w.id IN ({','.join(str(int(i)) for i in ids)})" if ids else "WHERE 1 = 0"
    sql = f"""
        SELECT w.id, w.title, {"w.authors::text" if server else "w.authors"},
               w.authors_incomplete, v.name, w.year, w.arxiv_id,
               (SELECT count(*) FROM sourcerecord r WHERE r.work_id = w.id),
               CASE WHEN w.title IS NULL THEN substr(w.abstract, 1, 160) END
        FROM work w
        LEFT JOIN venue v ON v.id = w.venue_id
        {where}
        ORDER BY w.id"""
    if server:
        rows = pg_driver(session).execute(sql.encode(), params).fetchall()
    else:
        rows = driver(session).execute(sql, params).fetchall()  # sqlite3 reads :q from the dict
    loads = json.loads
    return [
        WorkRow(i, t, tuple(loads(a)) if a != "[]" else (), bool(inc), v, y, ax, n, head)
        for i, t, a, inc, v, y, ax, n, head in rows
    ]


# What each order sorts on, ascending; ties in id order. Works without the value come last
# either way: the same expression IS NULL finds them. Title, first author, year, arXiv id and
# venue are indexed (schema v6), so a million ids come back in well under a second.
_ORDER_KEYS: dict[WorkOrder, tuple[str, str | None]] = {  # (the value, NULL when unknown)
    WorkOrder.TITLE: ("w.title COLLATE NOCASE", "w.title"),
    WorkOrder.AUTHORS: (
        "json_extract(w.authors, '$[0]') COLLATE NOCASE",
        "json_extract(w.authors, '$[0]')",
    ),
    WorkOrder.VENUE: (
        "(SELECT name FROM venue WHERE id = w.venue_id) COLLATE NOCASE",
        "w.venue_id",
    ),
    WorkOrder.YEAR: ("w.year", "w.year"),
    WorkOrder.ARXIV: ("w.arxiv_id", "w.arxiv_id"),
    WorkOrder.SOURCES: ("(SELECT count(*) FROM sourcerecord r WHERE r.work_id = w.id)", None),
    WorkOrder.ID: ("w.id", None),
}
# The same orders on a server: lower(... COLLATE "C") folds ASCII letters only and sorts by
# code point, as NOCASE does; the expressions are those of the indexes (`schema_pg`).
_ORDER_KEYS_PG: dict[WorkOrder, tuple[str, str | None]] = {
    **_ORDER_KEYS,
    WorkOrder.TITLE: ('lower(w.title COLLATE "C")', "w.title"),
    WorkOrder.AUTHORS: ('lower((w.authors ->> 0) COLLATE "C")', "w.authors ->> 0"),
    WorkOrder.VENUE: (
        '(SELECT lower(name COLLATE "C") FROM venue WHERE id = w.venue_id)',
        "w.venue_id",
    ),
    WorkOrder.ARXIV: ('w.arxiv_id COLLATE "C"', "w.arxiv_id"),
}


def ordered_work_ids(
    session: Session,
    search: str | None = None,
    order: WorkOrder = WorkOrder.ID,
    descending: bool = False,
    limit: int | None = None,
) -> array[int]:
    """The ids of the works a search finds, in a table order: what the catalog table pages
    through (8 bytes a work; the rows themselves are read a page at a time). With `limit`,
    the first ones only: a screenful to show while the rest are counted.

    Works with the value and works without it are two queries, so each can walk an index."""
    server = on_server(session)
    if server:
        where, params = _matching_ids_clause_pg(search)
        value, unknown = _ORDER_KEYS_PG[order]
    else:
        where, params = _matching_ids_clause(search, walk=limit is not None)
        value, unknown = _ORDER_KEYS[order]
    direction = "DESC" if descending else "ASC"
    also = f"{where} AND" if where else "WHERE"
    found: array[int] = array("q")
    cursor: Any = pg_driver(session) if server else driver(session)
    ordered = f"ORDER BY {value} {direction}, w.id {direction}"
    queries = [f"SELECT w.id FROM work w {where} {ordered}"]
    if unknown is not None:
        queries = [
            f"SELECT w.id FROM work w {also} {unknown} IS NOT NULL {ordered}",
            f"SELECT w.id FROM work w {also} {unknown} IS NULL ORDER BY w.id {direction}",
        ]
    for sql in queries:
        if limit is not None:
            if len(found) >= limit:
                break
            sql += f" LIMIT {int(limit) - len(found)}"
        rows = cursor.execute(sql.encode() if server else sql, params)
        while batch := rows.fetchmany(50_000):
            found.extend(i for (i,) in batch)
    return found


def work_ids(session: Session, search: str | None = None) -> list[int]:
    return list(ordered_work_ids(session, search))


def get_work(session: Session, work_id: int) -> Work:
    work = session.get(Work, work_id) if 0 < work_id <= MAX_ROW_ID else None
    if work is None:
        raise NotFoundError(f"no work with id {work_id}")
    return work


def work_views(session: Session, ids: Iterable[int], missing_ok: bool = False) -> list[WorkView]:
    """The works of `ids` in that order; a work that is gone is left out with `missing_ok`,
    else NotFoundError."""
    ids = list(ids)
    if not ids:
        return []
    venues = {v.id: v for v in session.exec(select(Venue))}
    views = []
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        record_ids: dict[int, list[int]] = {}
        for rid, wid in session.execute(
            select(SourceRecord.id, SourceRecord.work_id)
            .where(col(SourceRecord.work_id).in_(chunk))
            .order_by(col(SourceRecord.id))
        ):
            record_ids.setdefault(wid, []).append(rid)
        works = {w.id: w for w in session.exec(select(Work).where(col(Work.id).in_(chunk)))}
        for wid in chunk:
            if wid in works:
                views.append(view_of(works[wid], venues, record_ids.get(wid, [])))
            elif not missing_ok:
                raise NotFoundError(f"no work with id {wid}")
    return views


def work_view(session: Session, work_id: int) -> WorkView:
    work = get_work(session, work_id)
    venue = session.get(Venue, work.venue_id) if work.venue_id else None
    rids = session.exec(
        select(SourceRecord.id)
        .where(SourceRecord.work_id == work_id)
        .order_by(col(SourceRecord.id))
    ).all()
    return view_of(work, {venue.id: venue} if venue else {}, [r for r in rids if r is not None])


def view_of(work: Work, venues: dict[int | None, Venue], record_ids: list[int]) -> WorkView:
    venue = venues.get(work.venue_id) if work.venue_id else None
    kind = venue.kind if venue else None
    plain = {f.name: _viewed(getattr(work, f.name)) for f in WORK_FIELDS if f.name not in _RESOLVED}
    return WorkView(
        id=work.id or 0,
        **plain,
        venue=venue.name if venue else None,
        venue_id=venue.id if venue else None,
        venue_kind=kind,
        entry_type=work.entry_type or default_entry_type(kind),
        entry_type_overridden=work.entry_type is not None,
        record_ids=tuple(record_ids),
        extra=ordered(work.extra or {}),
        version=work.version,
    )


# Fields a view shows resolved (a venue by name, the entry type its kind gives, other fields in
# entry order); every other field of the registry is shown as stored.
_RESOLVED = ("venue", "entry_type", "extra")


def _viewed(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def record_views(session: Session, work_id: int | None = None) -> list[RecordView]:
    stmt = select(SourceRecord).order_by(col(SourceRecord.id))
    if work_id is not None:
        stmt = stmt.where(SourceRecord.work_id == work_id)
    return [_record_view(r) for r in session.exec(stmt)]


def _record_view(r: SourceRecord) -> RecordView:
    said = {f.name: _viewed(getattr(r, f.record)) for f in WORK_FIELDS if f.record}
    return RecordView(
        id=r.id or 0,
        work_id=r.work_id,
        batch_id=r.batch_id,
        source_file=r.source_file,
        ordinal=r.ordinal,
        first_line=r.first_line,
        last_line=r.last_line,
        raw=r.raw,
        content_hash=r.content_hash,
        date=r.date,
        comments=tuple(r.comments),
        **said,
    )


def counts(session: Session) -> dict[str, int]:
    return {
        "works": session.exec(select(func.count()).select_from(Work)).one(),
        "records": session.exec(select(func.count()).select_from(SourceRecord)).one(),
        "venues": session.exec(select(func.count()).select_from(Venue)).one(),
    }


def has_works(session: Session) -> bool:
    return session.exec(select(Work.id).limit(1)).first() is not None


def venue_names(session: Session) -> list[str]:
    return list(session.exec(select(Venue.name).order_by(col(Venue.name))))


def record_hashes(session: Session, source_file: str) -> dict[str, tuple[int, int]]:
    """content hash -> (record id, work id) for every record already read from `source_file`."""
    stmt = select(SourceRecord.content_hash, SourceRecord.id, SourceRecord.work_id).where(
        SourceRecord.source_file == source_file
    )
    return {digest: (rid, wid) for digest, rid, wid in session.execute(stmt)}


def work_with_citation_key(session: Session, key: str, other_than: Iterable[int]) -> int | None:
    """Another work with this key, ignoring case (BibTeX does: `Smith` and `smith` clash), as
    its key or as one of the other keys it answers to."""
    other_than = list(other_than)
    stmt = select(Work.id).where(
        func.lower(Work.citation_key) == key.lower(),
        col(Work.id).not_in(other_than),
    )
    found = session.exec(stmt).first()
    if found is None:
        alias_of = alias_keys(session).get(key.casefold())
        found = alias_of if alias_of not in other_than else None
    return found


def work_features(session: Session) -> list[WorkFeatures]:
    """What the duplicate engine compares, for every work, in one lean query."""
    return [features for features, _ in feature_rows(session)]


def feature_rows(
    session: Session, ids: Collection[int] | None = None
) -> list[tuple[WorkFeatures, int]]:
    """What the duplicate engine compares, with each work's row version, in id order: for
    every work, or for the works `ids` that still exist."""
    if ids is not None and not ids:
        return []
    if on_server(session):
        where, params = (b"", ()) if ids is None else (b"WHERE w.id = ANY(%s)", (list(ids),))
        rows = pg_driver(session).execute(_FEATURES_PG % where, params).fetchall()
    else:
        among = "" if ids is None else "WHERE w.id IN (SELECT value FROM json_each(?))"
        params_ = () if ids is None else (json.dumps(sorted(ids)),)
        rows = driver(session).execute(_FEATURES.format(where=among), params_).fetchall()
    return [
        (WorkFeatures(i, t, ab, tuple(json.loads(a)), y, vn, vk, ax, doi, vol, pp, et), version)
        for i, t, ab, a, y, vn, vk, ax, doi, vol, pp, et, version in rows
    ]


_FEATURES = """
    SELECT w.id, w.title, w.abstract, w.authors, w.year, v.name, v.kind, w.arxiv_id, w.doi,
           json_extract(w.extra, '$.volume'), json_extract(w.extra, '$.pages'), w.entry_type,
           w.version
    FROM work w LEFT JOIN venue v ON v.id = w.venue_id {where} ORDER BY w.id"""
_FEATURES_PG = b"""
    SELECT w.id, w.title, w.abstract, w.authors::text, w.year, v.name, v.kind, w.arxiv_id, w.doi,
           w.extra ->> 'volume', w.extra ->> 'pages', w.entry_type, w.version
    FROM work w LEFT JOIN venue v ON v.id = w.venue_id %s ORDER BY w.id"""


def work_ids_at_venues(session: Session, venue_ids: Collection[int]) -> list[int]:
    """The works whose venue is one of `venue_ids` (a renamed venue: what they read changed)."""
    if not venue_ids:
        return []
    found = session.exec(select(Work.id).where(col(Work.venue_id).in_(sorted(venue_ids))))
    return [wid for wid in found if wid is not None]


def work_tally(session: Session) -> tuple[int, int, int]:
    """(works, sum of their ids, sum of their row versions): a copy of the works kept
    elsewhere that was told of every change since it was read has the same."""
    row = session.execute(
        text("SELECT count(*), coalesce(sum(id), 0), coalesce(sum(version), 0) FROM work")
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def merged_record_pairs(session: Session) -> list[tuple[WorkFeatures, WorkFeatures]]:
    """For each work a librarian merged from several records: its first record paired with
    each other one, as the engine compares them (records keep no volume or pages of their own).
    Groups merged by "Merge all sure groups" are left out: the engine's own answers would
    only teach it what it already believes."""
    sql = """
        SELECT r.work_id, r.title, r.abstract, r.authors, r.year, r.venue_label, r.arxiv_id, r.doi
        FROM sourcerecord r
        WHERE r.work_id IN (SELECT work_id FROM sourcerecord GROUP BY work_id HAVING COUNT(*) > 1)
          AND r.work_id NOT IN (
              SELECT json_extract(m.value, '$.survivor')
              FROM event e, json_each(e.payload, '$.merges') m
              WHERE e.kind = 'auto-merge' AND e.state = 'done')
        ORDER BY r.work_id, r.id"""
    if on_server(session):
        rows: Iterable[Any] = pg_driver(session).execute(_MERGED_RECORDS_PG)
    else:
        rows = driver(session).execute(sql)
    first: dict[int, WorkFeatures] = {}
    pairs: list[tuple[WorkFeatures, WorkFeatures]] = []
    for wid, t, ab, a, y, venue, ax, doi in rows:
        record = WorkFeatures(wid, t, ab, tuple(json.loads(a)), y, venue, None, ax, doi)
        if wid in first:
            pairs.append((first[wid], record))
        else:
            first[wid] = record
    return pairs


_MERGED_RECORDS_PG = b"""
    SELECT r.work_id, r.title, r.abstract, r.authors::text, r.year, r.venue_label, r.arxiv_id,
           r.doi
    FROM sourcerecord r
    WHERE r.work_id IN (SELECT work_id FROM sourcerecord GROUP BY work_id HAVING COUNT(*) > 1)
      AND r.work_id NOT IN (
          SELECT (m.value ->> 'survivor')::bigint
          FROM event e, json_array_elements(e.payload -> 'merges') AS m(value)
          WHERE e.kind = 'auto-merge' AND e.state = 'done')
    ORDER BY r.work_id, r.id"""


def citation_keys(session: Session) -> dict[str, int]:
    """Every citation key in the catalog, case-folded as BibTeX compares them, and its work."""
    rows = session.exec(
        select(Work.citation_key, Work.id).where(col(Work.citation_key).is_not(None))
    )
    return {key.casefold(): wid for key, wid in rows if key and wid is not None}


def venue_kinds(session: Session) -> dict[int, str]:
    """Each venue's kind, by venue id."""
    return {vid: kind for vid, kind in session.exec(select(Venue.id, Venue.kind)) if vid}


def alias_keys(session: Session) -> dict[str, int]:
    """Every other key a work answers to (`ids` kept by a merge), folded, -> that work."""
    ids = "extra ->> 'ids'" if on_server(session) else "json_extract(extra, '$.ids')"
    rows = session.execute(text(f"SELECT id, {ids} FROM work WHERE {ids} IS NOT NULL"))
    return {k.casefold(): wid for wid, ids in rows for k in key_aliases({"ids": str(ids)})}


def keys_by_work(session: Session) -> dict[int, str]:
    """Every work's citation key as stored, by work id (works without one are left out)."""
    stmt = select(Work.id, Work.citation_key).where(col(Work.citation_key).is_not(None))
    return {wid: key for wid, key in session.exec(stmt) if key and wid}


def bibtex_raws_of_bare_works(session: Session) -> dict[int, list[str]]:
    """work id -> raw text of its BibTeX records, oldest first, for works with no other
    fields (imported before curator kept them)."""
    extra = "w.extra::text" if on_server(session) else "w.extra"  # json has no '='
    rows = session.execute(
        text(
            "SELECT r.work_id, r.raw FROM sourcerecord r JOIN work w ON w.id = r.work_id "
            f"WHERE {extra} = '{{}}' AND ltrim(r.raw) LIKE '@%' ORDER BY r.work_id, r.id"
        )
    )
    found: dict[int, list[str]] = {}
    for wid, raw in rows:
        found.setdefault(wid, []).append(raw)
    return found
