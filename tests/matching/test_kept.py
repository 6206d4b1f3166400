"""A kept scan's bytes: read back exactly as written, refused whole when anything is not as
this code writes it; the settings change with the engine's code."""

from __future__ import annotations

import json
import zlib

import pytest

from curator.domain.matching import Band, Candidate
from curator.matching import kept
from curator.matching.model import DEFAULT, Model

FOUND = [
    Candidate(1, 2, 0.9987654321, Band.SURE, ("same arXiv id 2310.10631", "titles identical"),
              ("arXiv id 2310.10631",)),
    Candidate(3, 40, 0.41, Band.POSSIBLE, ("titles 91% alike — “quoted”",), ()),
    Candidate(5, 6, 0.8, Band.RELATED, ("another version, not a copy: an erratum",), ()),
]  # fmt: skip
LEARNED = Model(
    -3.25,
    tuple(tuple(w + 0.125 for w in row) for row in DEFAULT.weights),
    tuple(tuple("learned" for _ in row) for row in DEFAULT.origins),
    decisions=7,
)


@pytest.mark.parametrize("model", [DEFAULT, LEARNED])
def test_a_result_reads_back_exactly(model: Model) -> None:
    back = kept.decode(kept.encode(FOUND, model))
    assert back is not None
    assert back.candidates == FOUND and back.model == model
    assert (back.model is DEFAULT) == (model is DEFAULT)  # "default weights" is told by identity


def test_a_result_is_compact() -> None:
    many = [Candidate(i, i + 1, 0.5, Band.LIKELY, ("titles 93% alike", "years one apart"), ())
            for i in range(10_000)]  # fmt: skip
    assert len(kept.encode(many, DEFAULT)) < 20 * len(many)


def doc(**changes: object) -> bytes:
    raw = json.loads(zlib.decompress(kept.encode(FOUND, LEARNED)))
    raw.update(changes)
    return zlib.compress(json.dumps(raw).encode())


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"garbage",
        zlib.compress(b"[1, 2]"),
        zlib.compress(b"{not json"),
        zlib.compress("\udcff".encode("utf-8", "surrogatepass")),
        doc(format=2),
        doc(model=[0.0, [[0.0]], [["default"]], 0]),  # another shape of comparisons
        doc(model=[0.0, list(DEFAULT.weights), list(DEFAULT.origins), "seven"]),
        doc(candidates=[[2, 1, 0.5, "sure", [], []]]),  # not smaller id first
        doc(candidates=[[1, 2, 0.5, "certain", [], []]]),  # no such band
        doc(candidates=[[1, 2, "high", "sure", [], []]]),
        doc(candidates=[[1, 2, 0.5, "sure", [3], []]]),
        doc(candidates=[[1, 2, 0.5, "sure"]]),
        doc(candidates=None),
    ],
)
def test_anything_not_as_written_is_refused_whole(blob: bytes) -> None:
    assert kept.decode(blob) is None


def test_the_settings_name_the_code_and_change_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    made = kept.settings()
    assert made == kept.settings() and made.startswith(f"scan {kept.FORMAT}; code ")
    engine_modules = kept._engine_modules()
    assert {"curator.matching.engine", "curator.matching.kept", "curator.domain.folding"} <= (
        engine_modules
    )
    assert kept.settings(["curator.store.queries"]) != made  # what reads the catalog counts
    kept._code_hash.cache_clear()
    real = kept._code_of
    monkeypatch.setattr(
        kept, "_code_of", lambda name: real(name) + (b"#" if name.endswith("scoring") else b"")
    )
    try:
        assert kept.settings() != made
    finally:
        kept._code_hash.cache_clear()
