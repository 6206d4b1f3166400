"""A first guess at a venue's kind from its label, before the librarian says otherwise."""

from __future__ import annotations

import pytest

from curator.domain.venues import guess_venue_kind


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("arXiv", "preprint"),
        ("arXiv preprint arXiv:2301.00001", "preprint"),
        ("bioRxiv", "preprint"),
        ("CoRR", "preprint"),
        ("Computing Research Repository", "preprint"),
        ("SSRN Electronic Journal", "preprint"),
        ("Corrosion Science", "other"),  # "corr" only as a word
        ("Correspondence in Medicine", "other"),
        ("NeurIPS Workshop (SoLaR)", "workshop"),
        ("Journal of Machine Learning Research", "journal"),
        ("ICML", "conference"),
        ("Proceedings of the 40th International Conference on Machine Learning", "conference"),
        ("Nature", "other"),
    ],
)
def test_guess_venue_kind(label: str, kind: str) -> None:
    assert guess_venue_kind(label) == kind
