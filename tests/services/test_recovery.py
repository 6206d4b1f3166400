"""Works imported before curator kept other BibTeX fields get them back from their records."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from curator.services import history, importing, recovery, works
from curator.store.catalog import Catalog


def test_fields_are_read_again_from_the_bib_records_in_one_undoable_step(
    seeded: Catalog, tmp_path: Path
) -> None:
    bib = tmp_path / "old.bib"
    bib.write_text(
        "@string{cj = {The Computer Journal}}\n"
        "@article{knuth1984, author = {D. E. Knuth}, title = {Literate Programming},\n"
        "  journal = {The Computer Journal}, year = 1984, volume = 27, pages = {97--111}}\n"
        "@article{macro, author = {A. B}, title = {Uses A Macro}, journal = cj, year = 1990,\n"
        "  volume = 3}\n"
    )
    assert importing.run_to_end(importing.import_files(seeded, [bib])).ok
    by_title = {w.title: w.id for w in works.works(seeded)}
    knuth, macro = by_title["Literate Programming"], by_title["Uses A Macro"]
    with seeded.write() as s:  # as a catalog made before version 4 holds them
        s.execute(text("UPDATE work SET extra = '{}'"))
    before = [w.extra for w in works.works(seeded)]
    assert recovery.recover_other_fields(seeded) == 1
    assert dict(works.work(seeded, knuth).extra) == {"volume": "27", "pages": "97--111"}
    assert works.work(seeded, macro).extra == ()  # its entry cannot be read without its file
    assert recovery.recover_other_fields(seeded) == 0  # nothing left to recover
    assert history.undo(seeded).startswith("Recover other BibTeX fields of 1 work ")
    assert [w.extra for w in works.works(seeded)] == before
    history.redo(seeded)
    assert dict(works.work(seeded, knuth).extra)["volume"] == "27"
