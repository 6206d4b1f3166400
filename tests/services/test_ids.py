"""No id is ever handed out twice: a merged-away work's id stays its own, so unmerge works."""

from __future__ import annotations

from pathlib import Path

from curator.services import decisions, history, importing, works
from curator.store.catalog import Catalog


def _import(catalog: Catalog, *paths: Path) -> list[int]:
    run = importing.run_to_end(importing.import_files(catalog, paths))
    assert run.ok, run.failures
    return [o.work_id for r in run.reports for o in r.outcomes if o.work_id is not None]


def test_a_new_import_never_takes_the_id_of_a_merged_away_work(
    catalog: Catalog, seed_paths: list[Path]
) -> None:
    """The sequence a new user hit: two files, a merge keeping the lower id (so the highest id
    goes), a third file, then unmerge from History."""
    _import(catalog, seed_paths[0])
    second = _import(catalog, seed_paths[1])
    top = max(second)
    outcome = decisions.merge(catalog, [min(second), top], keep=min(second))
    assert outcome.absorbed == (top,)
    third = _import(catalog, seed_paths[2])
    assert min(third) > top
    merge_entry = next(e for e in history.history(catalog) if e.kind == "merge")
    restored = decisions.unmerge(catalog, min(second), merge_entry.id)
    assert sorted(restored) == sorted([min(second), top])
    assert works.work(catalog, top).id == top
