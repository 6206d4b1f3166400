"""The store on its own: ids, transactions, the full-text index its triggers keep, rows taken
and put back, and the event log's rows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from curator.domain.catalog import WorkOrder
from curator.store import eventlog, queries, snapshots
from curator.store.authors import Author
from curator.store.catalog import Catalog
from curator.store.ids import next_id
from curator.store.rows import put_rows, take_rows
from curator.store.tables import Work
from curator.store.writes import Created, insert_works, venue_for_label


def _work(title: str, **values: object) -> dict[str, object]:
    return {"title": title, "authors": ["Ada Lovelace"], "authors_incomplete": False, **values}


def _search(catalog: Catalog, words: str) -> list[int]:
    with catalog.read() as s:
        return queries.work_ids(s, words)


def test_ids_run_on_past_deleted_rows(catalog: Catalog) -> None:
    with catalog.write() as s:
        ids = insert_works(s, [_work("one"), _work("two"), _work("three")])
        assert ids == [1, 2, 3]
        s.execute(text("DELETE FROM work WHERE id = 3"))
        assert next_id(s, Work) == 4
        assert insert_works(s, [_work("four")]) == [4]


def test_a_write_is_all_or_nothing(catalog: Catalog) -> None:
    with pytest.raises(RuntimeError), catalog.write() as s:
        insert_works(s, [_work("lost")])
        raise RuntimeError("the disk went away")
    assert _search(catalog, "lost") == []
    with catalog.write() as s:  # and the id the rollback took back is free again: nothing used it
        kept = insert_works(s, [_work("kept")])
    # (a server's counter is not rolled back: the id is skipped there, never reused either)
    assert kept == ([2] if catalog.is_server else [1])


def test_the_full_text_index_follows_inserts_edits_venue_names_and_deletes(
    catalog: Catalog,
) -> None:
    with catalog.write() as s:
        venue = venue_for_label(s, "NeurIPS", Created())
        (wid,) = insert_works(s, [_work("Sparse quokkas", venue_id=venue, notes="shelf 3")])
    assert _search(catalog, "quokkas") == [wid]
    assert _search(catalog, "lovelace") == [wid]
    assert _search(catalog, "shelf") == [wid]
    assert _search(catalog, "neurips") == [wid]
    with catalog.write() as s:
        s.execute(text("UPDATE work SET title = 'Dense wombats' WHERE id = :w"), {"w": wid})
        s.execute(text("UPDATE venue SET name = 'Neural Information Processing Systems'"))
    assert _search(catalog, "quokkas") == []
    assert _search(catalog, "wombats") == [wid]
    assert _search(catalog, "neural information") == [wid]
    with catalog.write() as s:
        s.execute(text("DELETE FROM work WHERE id = :w"), {"w": wid})
    assert _search(catalog, "wombats") == []


def test_citation_keys_are_searched_by_any_part(catalog: Catalog) -> None:
    with catalog.write() as s:
        (wid,) = insert_works(s, [_work("x", citation_key="DBLP:conf/nips/VaswaniSPUJGKP17")])
    assert _search(catalog, "conf/nips") == [wid]
    assert _search(catalog, "vaswani") == [wid]


def test_a_search_finds_words_by_their_start_ignoring_case_and_accents(catalog: Catalog) -> None:
    """The same words find the same works on both engines (FTS5; a tsvector on a server)."""
    with catalog.write() as s:
        venue = venue_for_label(s, "Proc. VLDB Endowment", Created())
        müller, doi, other = insert_works(
            s,
            [
                _work("Éléments de géométrie", authors=["Jürgen Müller"], venue_id=venue),
                _work("Graphs", doi="10.1145/3366423.3380123", arxiv_id="2301.12345"),
                _work("state-of-the-art O'Brien", notes="see “Smith”, p. 4"),
            ],
        )
    assert _search(catalog, "Muller") == [müller]
    assert _search(catalog, "mül elem geometrie") == [müller]
    assert _search(catalog, "JÜRG") == [müller]
    assert _search(catalog, "vldb endow") == [müller]
    assert _search(catalog, "3366423") == [doi]
    assert _search(catalog, "12345") == [doi]
    assert _search(catalog, "arXiv:2301.12345") == [doi]
    assert _search(catalog, "art brien smith") == [other]
    assert _search(catalog, "tate") == []  # a word's start, not any part of it
    assert _search(catalog, "graphs muller") == []  # every word, in one work
    assert _search(catalog, "") == [müller, doi, other]


def test_rows_taken_come_back_exactly(catalog: Catalog) -> None:
    with catalog.write() as s:
        ids = insert_works(s, [_work("one", extra={"volume": "2"}), _work("two")])
        before = s.execute(text("SELECT * FROM work ORDER BY id")).all()
        taken = take_rows(s, "work", ids)
        assert s.execute(text("SELECT count(*) FROM work")).scalar_one() == 0
        put_rows(s, "work", taken)
        assert s.execute(text("SELECT * FROM work ORDER BY id")).all() == before
    assert _search(catalog, "one") == [ids[0]]
    with pytest.raises(ValueError, match="not taken"), catalog.write() as s:
        take_rows(s, "event", [1])


def test_the_event_log_keeps_where_each_change_stands(catalog: Catalog) -> None:
    with catalog.write() as s:
        ada = Author("ada", "cli:host")
        first = eventlog.append(s, "edit", "first", {"version": 2}, "done", ada)
        second = eventlog.append(s, "edit", "second", {"version": 2}, "done", ada)
        eventlog.append(s, "undo", "Undo: second", {"target": second}, None, ada)
        eventlog.set_state(s, second, "undone")
        newest, oldest = eventlog.newest_done(s), eventlog.oldest_undone(s)
        assert newest is not None and newest.id == first
        assert oldest is not None and oldest.id == second
        eventlog.void_undone(s)
        assert eventlog.oldest_undone(s) is None
        rows = eventlog.history_rows(s, newest=2)
        assert [(r.summary, r.state) for r in rows] == [("second", "void"), ("Undo: second", None)]
        assert eventlog.count(s) == 3


def test_the_changes_an_undo_would_pass_come_with_their_payloads_oldest_first(
    catalog: Catalog,
) -> None:
    with catalog.write() as s:
        ada = Author("ada", "cli:host")
        ids = [eventlog.append(s, "edit", f"e{n}", {"n": n}, "done", ada) for n in range(4)]
        eventlog.set_state(s, ids[2], "undone")
        later = list(eventlog.rows_in_state(s, "done", after=ids[0]))
        assert [(r.id, r.payload, r.author, r.session) for r in later] == [
            (ids[1], {"n": 1}, "ada", "cli:host"),
            (ids[3], {"n": 3}, "ada", "cli:host"),
        ]
        assert [r.summary for r in eventlog.rows_in_state(s, "undone", before=ids[3])] == ["e2"]
        assert eventlog.newest_id(s) == ids[3]


@pytest.mark.parametrize("order", list(WorkOrder))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("search", [None, "language"])
def test_ordered_ids_sort_as_a_librarian_reads_with_unknowns_last(
    seeded: Catalog, order: WorkOrder, descending: bool, search: str | None
) -> None:
    """Each order (indexed or not) against the same rule written in Python."""
    with seeded.read() as s:
        found = list(queries.ordered_work_ids(s, search, order, descending))
        rows = queries.work_rows(s, search)
    values = {
        WorkOrder.TITLE: lambda r: r.title and r.title.casefold(),
        WorkOrder.AUTHORS: lambda r: r.authors[0].casefold() if r.authors else None,
        WorkOrder.VENUE: lambda r: r.venue and r.venue.casefold(),
        WorkOrder.YEAR: lambda r: r.year,
        WorkOrder.ARXIV: lambda r: r.arxiv_id,
        WorkOrder.SOURCES: lambda r: r.n_records,
        WorkOrder.ID: lambda r: r.id,
    }[order]
    known = sorted((r for r in rows if values(r) is not None), key=lambda r: (values(r), r.id))
    unknown = sorted((r for r in rows if values(r) is None), key=lambda r: r.id)
    if descending:
        known.reverse()
        unknown.reverse()
    assert len(found) == len(rows) > 0
    assert found == [r.id for r in known + unknown]


@pytest.mark.parametrize("filtered_up_to", [500, 1])
def test_the_owners_of_a_few_hashes_or_of_many_are_the_same(
    seeded: Catalog, filtered_up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshots, "HASHES_FILTERED_UP_TO", filtered_up_to)
    with seeded.read() as s:
        every = snapshots.fingerprints(s)
        chosen = {wid: next(iter(prints)) for wid, prints in list(every.items())[:3]}
        owners = snapshots.owners_of(s, set(chosen.values()) | {"not a hash"})
    expected = {d: sorted(w for w, p in every.items() if d in p) for d in chosen.values()}
    assert {d: sorted(ws) for d, ws in owners.items()} == expected
    assert any(len(ws) > 1 for ws in expected.values())  # a record two files both hold
