"""Exported files checked by the real clients: pdflatex + bibtex, and pdflatex + biblatex/biber.

Every check must pass without errors, and the only warnings allowed are about entries the export
itself listed as incomplete (a work with no year gets BibTeX's "empty year" warning, as promised).
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.export.bibtex import ExportOptions
from curator.export.latex import Charset
from curator.services import candidates, exporting, importing, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import Catalog, open_catalog
from tests.export.strategies import TYPESETTABLE_PIECES, typesettable_text
from tests.services.test_exporting import add_work, venue_strategy, work_strategy
from tests.texcheck import TexRun, check_with_biber, check_with_bibtex, missing_tools

REAL_WORLD = Path(__file__).parents[1] / "fixtures" / "bibtex"
# Cyrillic letters cannot be typeset by pdflatex with T1 fonts, whoever writes the .bib.
TYPESETTABLE = sorted(p for p in REAL_WORLD.glob("*.bib") if "cyrillic" not in p.name)
CHECKS = {"bibtex": check_with_bibtex, "biber": check_with_biber}
_KEY_IN_WARNING = re.compile(r"(?:in|entry|Entry) '?([A-Za-z0-9_:\-.+/]+)'?")
# plain.bst's complaints about fields given together, or one without another: what the source
# file said, which the export keeps (biblatex entries give author and editor together).
_FIELD_COMBINATION = re.compile(
    r"Warning--(can't use both \w+ and \w+ fields|there's a number but no \w+) in "
)


@pytest.fixture(autouse=True, scope="module")
def _tools() -> None:
    assert not missing_tools(), f"missing {missing_tools()}: run scripts/ensure-tex.sh"


def export(catalog: Catalog, path: Path, charset: Charset) -> tuple[Path, list[str], set[str]]:
    """The file, every key in it, and the keys the export listed as incomplete."""
    plan = exporting.plan(catalog)
    options = ExportOptions(charset=charset, abstracts=True)
    exporting.run_to_end(exporting.export_bibtex(catalog, plan, path, options))
    exported = exporting.plan(catalog)  # the keys given on the way
    keys = [works.work(catalog, i).citation_key or "" for i in exported.ids]
    return path, keys, {gap.citation_key or "" for gap in exported.gaps}


def unexplained(run: TexRun, incomplete: set[str]) -> list[str]:
    """BibTeX and Biber warnings not about an entry the export called incomplete, nor about
    fields the source file itself gave together (`_FIELD_COMBINATION`)."""
    tool_warnings = [
        w
        for w in run.warnings
        if (w.startswith("Warning--") or "WARN" in w) and not _FIELD_COMBINATION.match(w)
    ]
    return [w for w in tool_warnings if not set(_KEY_IN_WARNING.findall(w)) & incomplete]


def check_all(
    jobs: dict[str, tuple[Path, list[str], set[str]]],
    tmp: Path,
    tools: dict[str, list[str]] | None = None,
) -> None:
    """Every file through both tool chains, or those `tools[name]` names (in parallel), then
    every assertion."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {
            (name, tool): pool.submit(CHECKS[tool], bib, keys, tmp / f"{tool}-{name}")
            for name, (bib, keys, _) in jobs.items()
            for tool in (tools or {}).get(name, list(CHECKS))
        }
    for (name, tool), future in futures.items():
        run = future.result()
        bib, _, incomplete = jobs[name]
        context = f"{name} with {tool}:\n{run.summary()}\n--- {bib.name}:\n{bib.read_text()[:3000]}"
        assert run.ok, context
        assert unexplained(run, incomplete) == [], f"{unexplained(run, incomplete)}\n{context}"


def test_sample_catalog_after_merges(seeded: Catalog, tmp_path: Path) -> None:
    candidates.auto_merge(seeded)
    jobs = {
        charset.value: export(seeded, tmp_path / f"sample-{charset.value}.bib", charset)
        for charset in Charset
    }
    assert len(jobs["utf8"][1]) > 40
    check_all(jobs, tmp_path)


def hostile_catalog(path: Path) -> Catalog:
    """One work per hostile piece, in every field at once, plus a work made of all of them."""
    catalog = open_catalog(path)
    pieces = [*TYPESETTABLE_PIECES, "".join(TYPESETTABLE_PIECES)]
    for number, piece in enumerate(pieces):
        text = f"W{number} {piece} end"
        fields = {
            "title": text, "abstract": text, "authors": [f"Ann {piece} Lee", piece, "Bo Li"],
            "year": 2000 + number % 25, "month": 1 + number % 12, "notes": text,
            "doi": f"10.1000/x{number}_%#~", "url": f"https://example.org/{number}?a=%20&b=_{{}}",
        }  # fmt: skip
        kind = ("journal", "conference", "workshop", "preprint", "other")[number % 5]
        add_work(catalog, fields, (f"Venue {piece} {number}", kind))
    return catalog


def test_every_hostile_value_in_every_field(tmp_path: Path) -> None:
    catalog = hostile_catalog(tmp_path / "hostile.sqlite")
    try:
        jobs = {
            cs.value: export(catalog, tmp_path / f"hostile-{cs.value}.bib", cs) for cs in Charset
        }
    finally:
        catalog.close()
    assert "@preamble" in jobs["utf8"][0].read_text()  # as text, inside values
    check_all(jobs, tmp_path)


_typesettable_work = st.tuples(
    work_strategy(typesettable_text, with_extra=False),  # other fields are written verbatim
    venue_strategy(typesettable_text),
)


@given(
    data=st.lists(_typesettable_work, min_size=1, max_size=8),
    charset=st.sampled_from(Charset),
)
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_hostile_works(data: list, charset: Charset, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("random-tex")
    catalog = open_catalog(tmp / "random.sqlite")
    try:
        for fields, venue in data:
            add_work(catalog, fields, venue)
        jobs = {"random": export(catalog, tmp / "random.bib", charset)}
    finally:
        catalog.close()
    check_all(jobs, tmp)


def test_real_world_files_imported_then_exported(tmp_path: Path) -> None:
    """UTF-8 for biber, LaTeX escapes for classic bibtex, as the export dialog advises: pdflatex
    cannot print every UTF-8 character bibtex copies into the .bbl (P̄ in xampl.bib)."""
    jobs, tools = {}, {}
    for source in TYPESETTABLE:
        catalog = open_catalog(tmp_path / f"{source.stem}.sqlite")
        try:
            run = importing.run_to_end(importing.import_files(catalog, [source], "bibtex"))
            assert run.ok and run.reports[0].counts["imported"] > 0, run.failures
            for charset, tool in ((Charset.UTF8, "biber"), (Charset.LATEX, "bibtex")):
                name = f"{source.stem}-{charset.value}"
                jobs[name] = export(catalog, tmp_path / f"{name}.bib", charset)
                tools[name] = [tool]
        finally:
            catalog.close()
    check_all(jobs, tmp_path, tools)


def test_the_sample_listings_are_what_we_ship() -> None:
    assert sample_listing_paths()  # the sample catalog above is the one the app opens


def test_keys_of_merged_works_still_cite_with_biblatex(seeded: Catalog, tmp_path: Path) -> None:
    """Documents written before a merge cite both works' keys: biber finds both (`ids`)."""
    first = tmp_path / "before.bib"
    export(seeded, first, Charset.UTF8)  # every work gets its key
    candidates.auto_merge(seeded)
    planned = [works.work(seeded, i) for i in exporting.plan(seeded).ids]
    merged = [w for w in planned if dict(w.extra).get("ids")]
    assert merged
    old_keys = [k.strip() for w in merged for k in dict(w.extra)["ids"].split(",")]
    bib, keys, _ = export(seeded, tmp_path / "after.bib", Charset.UTF8)
    assert not set(old_keys) & set(keys)  # no alias is another entry's key
    run = check_with_biber(bib, old_keys, tmp_path / "biber-aliases")
    assert run.ok, run.summary()
