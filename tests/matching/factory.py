"""Small hand-made works for the duplicate engine's tests."""

from __future__ import annotations

from dataclasses import replace

from curator.domain.matching import WorkFeatures

ABSTRACT = (
    "We present Llemma, a large language model for mathematics. We continue pretraining Code "
    "Llama on Proof-Pile-2, a mixture of scientific papers, web data containing mathematics, and "
    "mathematical code. On the MATH benchmark Llemma outperforms all known open base models, as "
    "well as the unreleased Minerva model suite on an equi-parameter basis."
)
REWORDED = (
    "On the MATH benchmark Llemma beats every known open base model and the unreleased Minerva "
    "suite at equal parameter counts. We introduce Llemma, a large language model for "
    "mathematics, obtained by continued pretraining of Code Llama on Proof-Pile-2, a mixture of "
    "scientific papers, web data containing mathematics, and mathematical code."
)


def work(
    id: int, title: str | None = "Llemma: An Open Language Model for Mathematics", **kw
) -> WorkFeatures:
    base = WorkFeatures(
        id=id,
        title=title,
        abstract=ABSTRACT,
        authors=("Zhangir Azerbayev", "Hailey Schoelkopf", "Stella Biderman"),
        year=2023,
        venue=None,
        venue_kind=None,
        arxiv_id=None,
        doi=None,
    )
    return replace(base, **kw)


def filler(id: int, seed: int) -> WorkFeatures:
    """An unrelated paper with its own words, so word frequencies look like a catalog's."""
    words = [f"w{seed}x{i}" for i in range(40)] + ["model", "data", "results", "method"]
    return WorkFeatures(
        id,
        f"Study {seed} of topic t{seed}",
        " ".join(words),
        (f"Author{seed} Person",),
        2000 + seed % 20,
        None,
        None,
        None,
        None,
    )


def catalog(size: int = 30) -> list[WorkFeatures]:
    return [filler(100 + i, i) for i in range(size)]
