"""Undo is exact: merge -> unmerge, merge -> undo -> redo -> undo, edit -> undo -> redo -> undo,
import and venue steps undone and redone leave every table's rows as they were (compared in a
canonical order, not as file bytes), over works and field values hypothesis chooses."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from curator.cli import main
from tests.reliability.conftest import (
    FIGURES,
    State,
    catalog_state,
    copy_catalog,
    query,
    scale,
    schema,
    tag_for,
    user_env,
    write_listing,
)

pytestmark = pytest.mark.reliability

EXAMPLES = scale(10, 150)  # per property
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
COUNTS: dict[str, int] = {}


def cli(db: Path, *args: str) -> tuple[int, str]:
    """The command line in this process (the same `main` the script runs): code and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(db), *args])
    assert "Traceback" not in err.getvalue() and code in (0, 1), (code, err.getvalue())
    return code, err.getvalue()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """The sample listings and two generated ones (venues with sure suggestions), closed."""
    folder = tmp_path_factory.mktemp("identity")
    path = folder / "catalog.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        for name, value in user_env(folder / "home").items():
            mp.setenv(name, value)
        assert cli(path, "seed")[0] == 0
        for n, size in ((1, 40), (2, 25)):
            assert cli(path, "import", str(write_listing(folder, tag_for(n), size)))[0] == 0
    return path, [w for (w,) in query(path, "SELECT id FROM work ORDER BY id")]


class Copies:
    """The template copied afresh for each hypothesis example, always to the same path: a new
    path would be a new catalog to the app, backed up when first opened."""

    def __init__(self, template: Path, folder: Path) -> None:
        self.template, self.path = template, folder / "catalog.sqlite"

    def fresh(self) -> Path:
        for leftover in self.path.parent.glob(f"{self.path.name}-*"):
            leftover.unlink()  # a refused command's process ends cleanly: none expected
        return copy_catalog(self.template, self.path)


@pytest.fixture
def copies(template: tuple[Path, list[int]], tmp_path: Path) -> Copies:
    return Copies(template[0], tmp_path)


def state(path: Path) -> tuple[State, set[tuple[str, str, str | None]]]:
    return catalog_state(path), schema(path)


def count(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1
    FIGURES["identity"] = ", ".join(f"{n} {k}" for k, n in sorted(COUNTS.items()))


# --- field values a librarian might type ------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    str.strip
)
_NAME = st.from_regex(r"[A-Z][a-z]{1,8} [A-Z][a-zé]{1,10}", fullmatch=True)
VALUES: dict[str, st.SearchStrategy[str]] = {
    "title": _TEXT,
    "notes": _TEXT,
    "abstract": _TEXT,
    "venue": st.one_of(st.sampled_from(["NeurIPS", "ICML", "Symposium on Aac Systems"]), _TEXT),
    "authors": st.lists(_NAME, min_size=1, max_size=4).map("; ".join),
    "year": st.integers(1900, 2030).map(str),
    "month": st.integers(1, 12).map(str),
    "doi": st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9.]{1,12}", fullmatch=True),
    "url": st.from_regex(r"https://example\.org/[a-z0-9]{1,12}", fullmatch=True),
    "extra": st.sampled_from(["volume=7", "pages=1--9", "publisher=ACM", ""]),
}
CHANGES = st.dictionaries(st.sampled_from(sorted(VALUES)), st.just(""), max_size=3).flatmap(
    lambda d: st.fixed_dictionaries({k: VALUES[k] for k in d})
)


def sets(changes: dict[str, str]) -> list[str]:
    return [arg for field, value in changes.items() for arg in ("--set", f"{field}={value}")]


@st.composite
def merges(draw: st.DrawFn, ids: list[int]) -> tuple[list[int], int, dict[str, str]]:
    picks = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=4, unique=True))
    return picks, draw(st.sampled_from(picks)), draw(CHANGES)


def merged(db: Path, plan: tuple[list[int], int, dict[str, str]]) -> bool:
    """Merge as planned; a refused merge (a value the field does not take) changes nothing."""
    picks, keep, changes = plan
    before = state(db)
    code, _ = cli(db, "merge", *map(str, picks), "--keep", str(keep), "--force", *sets(changes))
    if code:
        assert state(db) == before, "a refused merge changed the catalog"
    return code == 0


# --- the properties ---------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_merge_then_unmerge_gives_back_every_row(
    template: tuple[Path, list[int]], copies: Copies, data: st.DataObject
) -> None:
    db = copies.fresh()
    plan = data.draw(merges(template[1]))
    before = state(db)
    assume(merged(db, plan))
    after_merge = state(db)
    assert after_merge != before
    assert cli(db, "unmerge", str(plan[1]))[0] == 0
    assert state(db) == before, "unmerge did not give back the catalog as it was"
    assert cli(db, "undo")[0] == 0  # the unmerge
    assert state(db) == after_merge, "undoing the unmerge did not bring the merge back exactly"
    assert cli(db, "undo")[0] == 0  # the merge
    assert state(db) == before
    count("merge -> unmerge")


@SETTINGS
@given(data=st.data())
def test_merge_undo_redo_undo_gives_back_every_row(
    template: tuple[Path, list[int]], copies: Copies, data: st.DataObject
) -> None:
    db = copies.fresh()
    plan = data.draw(merges(template[1]))
    before = state(db)
    assume(merged(db, plan))
    after_merge = state(db)
    for step, expected in (("undo", before), ("redo", after_merge), ("undo", before)):
        assert cli(db, step)[0] == 0
        assert state(db) == expected, f"{step} did not give the catalog back exactly"
    count("merge -> undo -> redo -> undo")


@SETTINGS
@given(data=st.data())
def test_edit_undo_redo_undo_gives_back_every_row(
    template: tuple[Path, list[int]], copies: Copies, data: st.DataObject
) -> None:
    db = copies.fresh()
    work = data.draw(st.sampled_from(template[1]))
    changes = data.draw(CHANGES.filter(bool))
    before = state(db)
    code, _ = cli(db, "edit", str(work), *sets(changes))
    if code:
        assert state(db) == before, "a refused edit changed the catalog"
        return
    edited = state(db)
    if edited == before:  # the values it already had ({'extra': ''} on a work with none):
        return  # no step was made, so an undo would rightly take the one before it
    for step, expected in (("undo", before), ("redo", edited), ("undo", before)):
        assert cli(db, step)[0] == 0
        assert state(db) == expected, f"{step} of an edit did not give the catalog back exactly"
    count("edit -> undo -> redo -> undo")


@pytest.mark.parametrize("step", ["import", "venue-accept"])
def test_import_and_venue_steps_undo_and_redo_exactly(
    template: tuple[Path, list[int]], copies: Copies, tmp_path: Path, step: str
) -> None:
    db = copies.fresh()
    before = state(db)
    if step == "import":
        args = ["import", str(write_listing(tmp_path, tag_for(7), 300))]
    else:
        args = ["venue-accept", "--all-sure"]
    assert cli(db, *args)[0] == 0
    after = state(db)
    for move, expected in (("undo", before), ("redo", after), ("undo", before)):
        assert cli(db, move)[0] == 0
        assert state(db) == expected, f"{move} of {step} did not give the catalog back exactly"
    count(f"{step} -> undo -> redo -> undo")
