"""Where the built-in sample listings live, in an installed package or a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from curator.domain.errors import CuratorError


def _candidates() -> list[Path]:
    # The wheel and the app bundle ship the checkout's seeds/ as curator/sample_listings/
    # (pyproject's package-dir); an editable install reads seeds/ where it is.
    installed = Path(str(resources.files("curator") / "sample_listings"))
    return [installed, Path(__file__).resolve().parents[3] / "seeds"]


def sample_listing_paths() -> list[Path]:
    for folder in _candidates():
        files = sorted(p for p in folder.glob("*.txt") if p.is_file()) if folder.is_dir() else []
        if files:
            return files
    raise CuratorError(
        "the built-in sample listings are missing from this installation: reinstall curator"
    )
