"""Where the built-in sample listings live, in a source checkout or an installed package."""

from __future__ import annotations

from pathlib import Path

from curator.domain.errors import CuratorError

_CANDIDATES = (
    Path(__file__).resolve().parent.parent / "sample_listings",  # bundled into a package
    Path(__file__).resolve().parents[3] / "seeds",  # source checkout: <repo>/seeds
)


def sample_listing_paths() -> list[Path]:
    for folder in _CANDIDATES:
        files = sorted(p for p in folder.glob("*.txt") if p.is_file()) if folder.is_dir() else []
        if files:
            return files
    raise CuratorError("the built-in sample listings are missing from this installation")
