"""Measure BibTeX export and import at catalog scale and print the figures (nothing asserted)."""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from curator.export.bibtex import ExportOptions
from curator.export.latex import Charset
from curator.importers import parse_listing
from curator.services import exporting, importing
from curator.store.catalog import open_catalog
from generate import arxiv_listing
from run import timed


def export(catalog, path: Path, options: ExportOptions):  # type: ignore[no-untyped-def]
    plan = exporting.plan(catalog)
    return exporting.run_to_end(exporting.export_bibtex(catalog, plan, path, options))


def main(n: int) -> None:
    print(f"BibTeX export and import, catalog of {n:,} works (arXiv listing, seeded generator)")
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "listing.txt"
        listing.write_text(arxiv_listing(n))
        catalog = open_catalog(Path(tmp) / "a.sqlite")
        importing.run_to_end(importing.import_files(catalog, [listing]))
        plan = timed("plan: load works, find gaps", lambda: exporting.plan(catalog))
        print(f"  {'entries missing fields':<48} {len(plan.gaps):10,}")
        bib = Path(tmp) / "out.bib"
        first = timed("first export (gives every work a key)", lambda: export(
            catalog, bib, ExportOptions(abstracts=True)))  # fmt: skip
        print(f"  {'new keys':<48} {len(first.new_keys):10,}")
        timed("export again, UTF-8, abstracts", lambda: export(
            catalog, bib, ExportOptions(abstracts=True)))  # fmt: skip
        latex = Path(tmp) / "latex.bib"
        timed("export again, LaTeX escapes, abstracts", lambda: export(
            catalog, latex, ExportOptions(charset=Charset.LATEX, abstracts=True)))  # fmt: skip
        print(f"  {'file size (UTF-8)':<48} {bib.stat().st_size / 1e6:10.1f} MB")
        text = bib.read_text(encoding="utf-8")
        parsed = timed("parse the .bib (no catalog)", lambda: parse_listing(text, bib.name))
        print(f"  {'records parsed':<48} {len(parsed.records):10,}")
        other = open_catalog(Path(tmp) / "b.sqlite")
        timed("import the .bib into a new catalog", lambda: importing.run_to_end(
            importing.import_files(other, [bib])))  # fmt: skip
        other.close()
        catalog.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak memory':<48} {peak:10.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=100_000)
    main(parser.parse_args().works)
