"""Venue curation: each change is one undoable event applied to every work, labels are kept
so the next import lands on the fixed venue, and suggestions are explained and remembered."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from curator.domain.errors import CuratorError, ValidationError
from curator.events.base import Command
from curator.events.works import EditWork
from curator.export.bibtex import ExportOptions
from curator.services import candidates, decisions, exporting, history, importing, venues, works
from curator.store.catalog import Catalog, open_catalog
from curator.store.schema import SCHEMA_VERSION
from tests.catalog_state import content
from tests.conftest import FIXTURES


def state(catalog: Catalog) -> tuple[list[dict], list[dict]]:
    """Every venue with its labels, and every work field by field."""
    return (
        [asdict(v) for v in venues.list_venues(catalog)],
        [content(w) for w in works.works(catalog)],
    )


def vid(catalog: Catalog, name: str) -> int:
    return venues.find_venue(catalog, name)


def venue_of(catalog: Catalog, work_id: int) -> str | None:
    return works.work(catalog, work_id).venue


def works_at(catalog: Catalog, name: str) -> list[int]:
    return [w.id for w in works.works(catalog) if w.venue == name]


def import_bib(catalog: Catalog, tmp: Path, booktitle: str, title: str = "A New Paper") -> int:
    path = tmp / f"{abs(hash((booktitle, title)))}.bib"
    path.write_text(
        f"@inproceedings{{new{abs(hash(title))},\n  title = {{{title}}},\n"
        f"  author = {{Ada Lovelace}},\n  booktitle = {{{booktitle}}},\n  year = 2024\n}}\n"
    )
    run = importing.run_to_end(importing.import_files(catalog, [path]))
    assert run.ok, run.failures
    return run.reports[0].outcomes[0].work_id or 0


def spotlight(catalog: Catalog):
    found = [x for x in venues.suggestions(catalog) if "NeurIPS (Spotlight)" in x.labels]
    assert len(found) == 1
    return found[0]


def test_venues_list_kinds_labels_and_counts(seeded: Catalog) -> None:
    listed = {v.name: v for v in venues.list_venues(seeded)}
    assert listed["ICLR"].kind == "conference" and listed["ICLR"].works == 4
    assert listed["arXiv"].kind == "preprint"
    backdoors = listed["NeurIPS Workshop (Backdoors in DL)"]
    assert backdoors.kind == "workshop"
    # both spellings of the label were filed under one venue at import, and counted
    assert sum(a.records for a in backdoors.aliases) == 3
    assert [v.name for v in venues.list_venues(seeded, "backdoors in")] == [backdoors.name]
    assert venues.list_venues(seeded, "no such venue") == []


def test_rename_is_one_event_for_every_work_and_undoes(seeded: Catalog, tmp_path: Path) -> None:
    before = state(seeded)
    iclr = works_at(seeded, "ICLR")
    full = "International Conference on Learning Representations"
    change = venues.rename(seeded, vid(seeded, "ICLR"), full)
    assert works_at(seeded, full) == iclr
    assert len(iclr) == 4
    # the old label is kept: a new listing that says "ICLR" lands on the renamed venue
    new = import_bib(seeded, tmp_path, "ICLR")
    assert venue_of(seeded, new) == full
    # search finds works by the new name (the full-text index follows the rename)
    assert {r.id for r in works.rows(seeded, "representations")} >= set(iclr)
    assert change.event_id > 0
    history.undo(seeded)  # the import came after: undone first, nothing out of order
    assert state(seeded)[0] != before[0]
    history.undo(seeded)
    assert state(seeded) == before


def test_rename_undo_redo_restore_exactly(seeded: Catalog) -> None:
    before = state(seeded)
    venues.rename(seeded, vid(seeded, "ICLR"), "Int. Conf. on Learning Representations")
    after = state(seeded)
    history.undo(seeded)
    assert state(seeded) == before
    history.redo(seeded)
    assert state(seeded) == after


def test_rename_to_another_venue_or_label_is_refused(seeded: Catalog) -> None:
    before = state(seeded)
    with pytest.raises(CuratorError, match="merge them instead"):
        venues.rename(seeded, vid(seeded, "ICLR"), "NeurIPS")
    with pytest.raises(CuratorError, match="merge them instead"):
        venues.rename(seeded, vid(seeded, "ICLR"), "neurips workshop (backdoors in dl)")
    with pytest.raises(ValidationError, match="needs a name"):
        venues.rename(seeded, vid(seeded, "ICLR"), "   ")
    with pytest.raises(CuratorError, match="no venue"):
        venues.find_venue(seeded, "Nowhere Symposium")
    assert state(seeded) == before


def test_merge_moves_works_and_labels_and_undoes(seeded: Catalog, tmp_path: Path) -> None:
    before = state(seeded)
    emnlp, findings = vid(seeded, "EMNLP"), vid(seeded, "EMNLP (Findings)")
    moved = works_at(seeded, "EMNLP (Findings)")
    venues.merge(seeded, [emnlp, findings], into=emnlp, name="Empirical Methods in NLP")
    assert set(works_at(seeded, "Empirical Methods in NLP")) >= set(moved)
    merged = venues.list_venues(seeded, "Empirical Methods")[0]
    assert {a.label for a in merged.aliases} >= {"EMNLP", "EMNLP (Findings)"}
    history.undo(seeded)
    assert state(seeded) == before
    history.redo(seeded)
    new = import_bib(seeded, tmp_path, "EMNLP (Findings)")
    assert venue_of(seeded, new) == "Empirical Methods in NLP"


def test_accepting_a_decorated_label_keeps_the_presentation_as_a_note(
    seeded: Catalog, tmp_path: Path
) -> None:
    before = state(seeded)
    suggestion = spotlight(seeded)
    assert suggestion.canonical == "NeurIPS" and suggestion.band == "sure"
    assert suggestion.reasons
    spot = works_at(seeded, "NeurIPS (Spotlight)")
    venues.accept(seeded, suggestion)
    assert "NeurIPS (Spotlight)" not in {v.name for v in venues.list_venues(seeded)}
    for wid in spot:
        assert venue_of(seeded, wid) == "NeurIPS"
        assert "Presentation: Spotlight" in (works.work(seeded, wid).notes or "")
    assert not [x for x in venues.suggestions(seeded) if "NeurIPS (Spotlight)" in x.labels]
    # the fix is remembered for the next import of a file that uses the label
    new = import_bib(seeded, tmp_path, "NeurIPS (Spotlight)")
    assert venue_of(seeded, new) == "NeurIPS"
    assert works.work(seeded, new).notes == "Presentation: Spotlight"
    other = import_bib(seeded, tmp_path, "NeurIPS", "Another One")
    assert works.work(seeded, other).notes is None
    # and the export writes the canonical name
    plan = exporting.plan(seeded, ids=[new])
    text = exporting.run_to_end(exporting.export_bibtex(seeded, plan, None, ExportOptions())).text
    assert "booktitle = {NeurIPS}" in text
    assert state(seeded)[0] != before[0]


def test_a_plain_merge_keeps_the_presentation_as_a_note_too(seeded: Catalog) -> None:
    before = state(seeded)
    spot, plain = works_at(seeded, "NeurIPS (Spotlight)"), works_at(seeded, "NeurIPS")
    neurips = vid(seeded, "NeurIPS")
    venues.merge(seeded, [neurips, vid(seeded, "NeurIPS (Spotlight)")], into=neurips)
    for wid in spot:
        assert "Presentation: Spotlight" in (works.work(seeded, wid).notes or "")
    assert plain and all("Presentation" not in (works.work(seeded, w).notes or "") for w in plain)
    history.undo(seeded)
    assert state(seeded) == before


def test_accept_with_an_edited_name_then_undo(seeded: Catalog) -> None:
    before = state(seeded)
    venues.accept(seeded, spotlight(seeded), "Neural Information Processing Systems")
    names = {v.name for v in venues.list_venues(seeded)}
    assert "Neural Information Processing Systems" in names and "NeurIPS" not in names
    history.undo(seeded)
    assert state(seeded) == before


def test_reject_is_remembered_and_undoable(seeded: Catalog) -> None:
    suggestion = spotlight(seeded)
    venues.reject(seeded, suggestion)
    assert not [x for x in venues.suggestions(seeded) if "NeurIPS (Spotlight)" in x.labels]
    history.undo(seeded)
    assert spotlight(seeded) == suggestion


def test_a_stale_suggestion_is_refused(seeded: Catalog) -> None:
    suggestion = spotlight(seeded)
    venues.rename(seeded, vid(seeded, "NeurIPS (Spotlight)"), "NeurIPS Spotlight Track")
    before = state(seeded)
    with pytest.raises(CuratorError, match="out of date"):
        venues.accept(seeded, suggestion)
    with pytest.raises(CuratorError, match="out of date"):
        venues.reject(seeded, suggestion)
    assert state(seeded) == before


def test_accept_all_sure_is_one_event(seeded: Catalog) -> None:
    before = state(seeded)
    sure = [x for x in venues.suggestions(seeded) if x.band == "sure"]
    assert sure
    change = venues.accept_all_sure(seeded)
    assert change is not None
    assert not [x for x in venues.suggestions(seeded) if x.band == "sure"]
    history.undo(seeded)
    assert state(seeded) == before
    assert venues.accept_all_sure(seeded) is not None
    assert venues.accept_all_sure(seeded) is None


def test_split_a_label_off_takes_its_works_and_undoes(seeded: Catalog, tmp_path: Path) -> None:
    emnlp = vid(seeded, "EMNLP")
    findings = works_at(seeded, "EMNLP (Findings)")
    venues.merge(seeded, [emnlp, vid(seeded, "EMNLP (Findings)")], into=emnlp)
    change = venues.split(seeded, "emnlp (findings)", "Findings of EMNLP")
    assert works_at(seeded, "Findings of EMNLP") == findings
    assert change.venue_id == vid(seeded, "Findings of EMNLP")
    new = import_bib(seeded, tmp_path, "EMNLP (Findings)")
    assert venue_of(seeded, new) == "Findings of EMNLP"


def test_a_workshop_split_off_its_conference_is_a_workshop_of_it(seeded: Catalog) -> None:
    """A workshop merged into its conference by mistake gets its kind back when split off."""
    neurips, solar = vid(seeded, "NeurIPS"), vid(seeded, "NeurIPS Workshop (SoLaR)")
    venues.merge(seeded, [neurips, solar], into=neurips)
    change = venues.split(seeded, "NeurIPS Workshop (SoLaR)")
    split = venues.list_venues(seeded, "solar")[0]
    assert (split.id, split.kind, split.parent_name) == (change.venue_id, "workshop", "NeurIPS")
    # a workshop of another conference is a workshop, but not part of the venue it leaves
    venues.merge(seeded, [neurips, vid(seeded, "ICML Workshop")], into=neurips)
    venues.split(seeded, "ICML Workshop")
    split = venues.list_venues(seeded, "icml workshop")[0]
    assert (split.kind, split.parent_name) == ("workshop", None)


def test_split_undo_and_refusals(seeded: Catalog) -> None:
    emnlp = vid(seeded, "EMNLP")
    venues.merge(seeded, [emnlp, vid(seeded, "EMNLP (Findings)")], into=emnlp)
    merged = state(seeded)
    venues.split(seeded, "EMNLP (Findings)")
    history.undo(seeded)
    assert state(seeded) == merged
    with pytest.raises(CuratorError, match="only label"):
        venues.split(seeded, "ICLR")
    with pytest.raises(CuratorError, match="no venue has the label"):
        venues.split(seeded, "Nowhere")
    with pytest.raises(CuratorError, match="name of the venue"):
        venues.split(seeded, "EMNLP (Findings)", "EMNLP")
    with pytest.raises(CuratorError, match="name of the venue"):
        venues.split(seeded, "EMNLP (Findings)", "emnlp")
    venues.rename(seeded, emnlp, "Empirical Methods in NLP")
    with pytest.raises(CuratorError, match="is a label of 'Empirical Methods in NLP'"):
        venues.split(seeded, "EMNLP (Findings)", "EMNLP")
    history.undo(seeded)
    assert state(seeded) == merged


def test_undo_of_an_edit_takes_back_the_venue_it_created(seeded: Catalog) -> None:
    before = state(seeded)
    iclr = works_at(seeded, "ICLR")[0]
    works.edit_work(seeded, iclr, {"venue": "Brand New Venue"})
    history.undo(seeded)
    assert state(seeded) == before  # no empty "Brand New Venue" left behind
    history.redo(seeded)
    assert venue_of(seeded, iclr) == "Brand New Venue"
    assert venues.list_venues(seeded, "brand new")[0].works == 1


def _as_version_1_edit(command: EditWork) -> dict[str, Any]:
    """An edit event as curator wrote it before catalog version 4: no created rows, no version."""
    return {k: v for k, v in Command.dump(command).items() if k not in ("created", "version")}


@pytest.mark.parametrize("logged_before_this_version", [False, True])
def test_a_label_given_to_a_split_venue_later_does_not_block_undo(
    seeded: Catalog, logged_before_this_version: bool
) -> None:
    neurips = vid(seeded, "NeurIPS")
    venues.merge(seeded, [neurips, vid(seeded, "NeurIPS (Spotlight)")], into=neurips)
    merged = state(seeded)
    venues.split(seeded, "NeurIPS (Spotlight)", "Spotlight Track")
    split = state(seeded)
    with pytest.MonkeyPatch.context() as patch:
        if logged_before_this_version:  # its event does not say what it created: undo leaves it
            patch.setattr(EditWork, "dump", _as_version_1_edit)
        # the editor files a work under the new venue's name: a label the split did not make
        works.edit_work(seeded, works_at(seeded, "ICLR")[0], {"venue": "Spotlight Track"})
    edited = state(seeded)
    history.undo(seeded)
    history.undo(seeded)
    assert state(seeded) == merged
    history.redo(seeded)
    assert state(seeded) == split
    history.redo(seeded)
    if logged_before_this_version:  # the typed label is gone; every work is as edited
        assert state(seeded)[1] == edited[1]
    else:
        assert state(seeded) == edited


def test_a_work_merge_under_a_split_venue_name_undoes_and_redoes(seeded: Catalog) -> None:
    neurips = vid(seeded, "NeurIPS")
    venues.merge(seeded, [neurips, vid(seeded, "NeurIPS (Spotlight)")], into=neurips)
    venues.split(seeded, "NeurIPS (Spotlight)", "Spotlight Track")
    split = state(seeded)
    two = works_at(seeded, "ICLR")[:2]
    decisions.merge(seeded, two, overrides={"venue": "Spotlight Track"})
    merged = state(seeded)
    history.undo(seeded)
    assert state(seeded) == split
    history.undo(seeded)
    history.redo(seeded)
    history.redo(seeded)
    assert state(seeded) == merged


def test_kind_short_name_and_parent(seeded: Catalog) -> None:
    before = state(seeded)
    iclr = vid(seeded, "ICLR")
    venues.set_kind(seeded, iclr, "journal")
    assert all(w.entry_type == "article" for w in works.works(seeded) if w.venue == "ICLR")
    venues.set_short_name(seeded, iclr, "ICLR")
    solar, neurips = vid(seeded, "NeurIPS Workshop (SoLaR)"), vid(seeded, "NeurIPS")
    venues.set_parent(seeded, solar, neurips)
    assert venues.list_venues(seeded, "solar")[0].parent_name == "NeurIPS"
    with pytest.raises(CuratorError, match="part of itself"):
        venues.set_parent(seeded, neurips, solar)
    with pytest.raises(ValidationError, match="not a venue kind"):
        venues.set_kind(seeded, iclr, "podcast")
    with pytest.raises(CuratorError, match="already has"):
        venues.set_kind(seeded, iclr, "journal")
    for _ in range(3):
        history.undo(seeded)
    assert state(seeded) == before


def test_merging_a_parent_moves_its_workshops(seeded: Catalog) -> None:
    solar, neurips = vid(seeded, "NeurIPS Workshop (SoLaR)"), vid(seeded, "NeurIPS")
    venues.set_parent(seeded, solar, neurips)
    before = state(seeded)
    venues.merge(
        seeded,
        [vid(seeded, "NeurIPS (Spotlight)"), neurips],
        into=vid(seeded, "NeurIPS (Spotlight)"),
    )
    assert venues.list_venues(seeded, "solar")[0].parent_name == "NeurIPS (Spotlight)"
    history.undo(seeded)
    assert state(seeded) == before
    with pytest.raises(CuratorError, match="part of another venue"):
        venues.merge(seeded, [solar, neurips])


def test_a_merge_that_would_make_a_parent_loop_is_refused(seeded: Catalog) -> None:
    solar, neurips = vid(seeded, "NeurIPS Workshop (SoLaR)"), vid(seeded, "NeurIPS")
    spot = vid(seeded, "NeurIPS (Spotlight)")
    venues.set_parent(seeded, solar, spot)
    venues.set_parent(seeded, neurips, solar)  # odd, but the librarian's to make
    before = state(seeded)
    with pytest.raises(CuratorError, match="part of a venue that is part of one being merged"):
        venues.merge(seeded, [neurips, spot], into=neurips)
    assert state(seeded) == before


def test_unmerging_works_after_their_venue_was_merged(seeded: Catalog) -> None:
    """A work snapshot names a venue merged away since: the unmerge finds where it went."""
    spot = works_at(seeded, "NeurIPS (Spotlight)")[0]
    iclr = works_at(seeded, "ICLR")[0]
    decisions.merge(seeded, [iclr, spot], keep=iclr)
    venues.merge(seeded, [vid(seeded, "NeurIPS"), vid(seeded, "NeurIPS (Spotlight)")])
    restored = decisions.unmerge(seeded, iclr)
    assert set(restored) == {iclr, spot}
    assert venue_of(seeded, spot) == "NeurIPS"
    assert venue_of(seeded, iclr) == "ICLR"
    # a venue created afterwards never takes the merged venue's id
    new = venues.find_venue(seeded, "NeurIPS")
    work = works.edit_work(seeded, iclr, {"venue": "Brand New Venue"})
    assert vid(seeded, "Brand New Venue") not in (new, vid(seeded, "ICLR"))
    assert work.venue == "Brand New Venue"


def test_a_merged_label_typed_in_the_editor_lands_on_the_venue(seeded: Catalog) -> None:
    venues.accept(seeded, spotlight(seeded))
    work = works.edit_work(seeded, works_at(seeded, "ICLR")[0], {"venue": "neurips (spotlight)"})
    assert work.venue == "NeurIPS"


def test_a_version_2_catalog_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "catalogs" / "v2-sample.sqlite", path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == ("2",)
    catalog = open_catalog(path)
    try:
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
        assert len(venues.list_venues(catalog)) == 11
        venues.accept(catalog, spotlight(catalog))
        assert history.undo(catalog).startswith("Venues")
        n_works = len(works.works(catalog))
        history.undo(catalog)  # the merge of works 1 and 2 made before the upgrade
        assert len(works.works(catalog)) == n_works + 1
    finally:
        catalog.close()


def test_the_librarians_merges_are_evidence(seeded: Catalog, tmp_path: Path) -> None:
    """Works merged as duplicates that carried two labels make those labels a suggestion."""
    long_name = "Advances in Neural Information Processing Systems"
    pairs = []
    for wid in works_at(seeded, "NeurIPS")[:2]:
        title = works.work(seeded, wid).title or "untitled"
        pairs.append((wid, import_bib(seeded, tmp_path, long_name, title)))
    assert not [x for x in venues.suggestions(seeded) if long_name in x.labels]
    decisions.merge(seeded, list(pairs[0]))
    one = next(x for x in venues.suggestions(seeded) if long_name in x.labels)
    assert {"NeurIPS", long_name} <= set(one.labels) and "merged-works" in one.rules
    assert f"1 merged work had 'NeurIPS' on one side and '{long_name}' on the other" in one.reasons
    decisions.merge(seeded, list(pairs[1]))
    two = next(x for x in venues.suggestions(seeded) if long_name in x.labels)
    assert two.score > one.score and "2 merged works" in " ".join(two.reasons)
    venues.accept(seeded, two)
    assert {w.venue for w in works.works(seeded) if w.id in (pairs[0][0], pairs[1][0])} == {
        two.canonical
    }


def test_likely_duplicates_across_two_labels_make_them_a_suggestion(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Four papers listed under "NeurIPS" and again, from another listing, under the long
    name, not merged yet: the pairs the duplicate scan finds tie the two labels (the window
    passes its scan's pairs; `curator venue-suggestions --duplicates` runs a scan)."""
    long_name = "Advances in Neural Information Processing Systems"
    topics = ["sparse attention", "reward models", "protein folding", "weather forecasting"]
    for label in ("NeurIPS", long_name):
        entries = [
            f"@inproceedings{{p{n}, title = {{Scaling laws for {topic} in deep networks}},"
            f" author = {{Ada Lovelace and Alan Turing{n}}}, booktitle = {{{label}}},"
            f" year = {2019 + n}}}"
            for n, topic in enumerate(topics)
        ]
        path = tmp_path / f"{len(label)}.bib"
        path.write_text("\n".join(entries))
        assert importing.run_to_end(importing.import_files(catalog, [path])).ok
    assert not [x for x in venues.suggestions(catalog) if long_name in x.labels]
    pairs = candidates.strong_pairs(catalog)
    assert len(pairs) == 4
    found = next(x for x in venues.suggestions(catalog, pairs) if long_name in x.labels)
    assert found.rules == ("duplicate-pairs",) and found.band != "sure"
    said = f"4 papers have sure or likely duplicates under both 'NeurIPS' and '{long_name}'"
    assert found.reasons == (said,)


def test_a_paper_with_many_copies_counts_once_as_venue_evidence(
    catalog: Catalog, tmp_path: Path
) -> None:
    """One paper listed three times under each of two labels: nine duplicate pairs, one
    paper, too little for a suggestion on its own."""
    entries = [
        f"@inproceedings{{c{n}, title = {{Scaling laws for sparse attention in deep networks}},"
        f" author = {{Ada Lovelace and Alan Turing}}, booktitle = {{{label}}}, year = 2021,"
        f" note = {{copy {n}}}}}"
        for n, label in enumerate(["WWW"] * 3 + ["The Web Conference"] * 3)
    ]
    path = tmp_path / "copies.bib"
    path.write_text("\n".join(entries))
    assert importing.run_to_end(importing.import_files(catalog, [path])).ok
    pairs = candidates.strong_pairs(catalog)
    assert len(pairs) >= 9
    assert not [x for x in venues.suggestions(catalog, pairs) if "duplicate" in " ".join(x.rules)]
