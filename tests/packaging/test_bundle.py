"""The one-folder app bundle: what it carries beside Python and Qt, and the one path that runs a
second process (a big BibTeX import reads in a spawned child: in a frozen app that child is the
bundle's executable again)."""

from __future__ import annotations

import email
from pathlib import Path

from curator.services.importing import STREAM_AT
from curator.ui.icons import APP_ID, ICON_SIZES
from tests.packaging.conftest import VERSION, App, run, titles_in, user_env

ENTRY = """@article{{key{i},
  title = {{Reading large listings in pieces, part {i}}},
  author = {{Doe, Jane and Roe, Richard}},
  journal = {{Journal of Catalogs}},
  year = {{2024}},
  abstract = {{{pad}}}
}}
"""


def test_bundle_carries_the_samples_icon_and_version(bundle: App) -> None:
    internal = bundle.cli.parent / "_internal"
    assert sorted((internal / "curator" / "sample_listings").glob("*.txt"))
    hicolor = internal / "curator" / "resources" / "icons" / "hicolor"
    for size in ICON_SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    (metadata,) = internal.glob("curator-*.dist-info/METADATA")
    assert email.message_from_string(metadata.read_text())["Version"] == VERSION


def test_bundle_imports_a_big_bibtex_file_in_a_second_process(
    bundle: App, elsewhere: Path, tmp_path: Path
) -> None:
    pad = "words that make the entry long " * 120
    n, size = 0, 0
    with (elsewhere / "big.bib").open("w", encoding="utf-8") as out:
        while size <= STREAM_AT:  # past it, the file is read by a spawned process
            entry = ENTRY.format(i=n, pad=pad)
            out.write(entry)
            size += len(entry.encode())
            n += 1
    env = user_env(tmp_path / "home")
    ran = run([bundle.cli, "--db", "big.sqlite", "import", "big.bib"], elsewhere, env)
    assert ran.code == 0, ran.err
    assert f"{n} imported" in ran.out, ran.out
    assert "Traceback" not in ran.err


def test_bundle_opens_a_catalog_on_a_postgresql_server(
    bundle: App, pg_database: str, elsewhere: Path, tmp_path: Path, sample_titles: list[str]
) -> None:
    """psycopg and its C library travel in the bundle too (the `postgresql` extra)."""
    env = user_env(tmp_path / "home")
    seeded = run([bundle.cli, "--db", pg_database, "seed"], elsewhere, env)
    assert seeded.code == 0, seeded.err
    assert titles_in(bundle, elsewhere, env, "--db", pg_database) == sample_titles
