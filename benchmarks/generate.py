"""A seeded generator of realistic listings, for measuring curator at catalog scale."""

from __future__ import annotations

import random

WORDS = [
    "language",
    "model",
    "scaling",
    "laws",
    "neural",
    "networks",
    "transformer",
    "attention",
    "sparse",
    "autoencoder",
    "interpretable",
    "features",
    "reinforcement",
    "learning",
    "human",
    "feedback",
    "alignment",
    "evaluation",
    "benchmark",
    "memorization",
    "representation",
    "mathematics",
    "reasoning",
    "retrieval",
    "diffusion",
    "contrastive",
    "pretraining",
    "finetuning",
    "robustness",
    "adversarial",
    "backdoor",
    "detection",
    "multilingual",
    "tokenizer",
    "recurrent",
    "efficient",
    "context",
    "window",
    "extension",
    "concept",
    "erasure",
    "emergent",
    "predictable",
    "dataset",
    "open",
    "source",
    "training",
    "dynamics",
    "optimization",
    "gradient",
]
FIRST = [
    "Stella",
    "Alex",
    "Laura",
    "Akbir",
    "Sara",
    "Tim",
    "Edward",
    "Quentin",
    "Nora",
    "Hailey",
    "Lintang",
    "Aviya",
    "Jason",
]
LAST = [
    "Biderman",
    "Loftus",
    "Ruis",
    "Khan",
    "Hooker",
    "Rocktäschel",
    "Grefenstette",
    "Anthony",
    "Belrose",
    "Schoelkopf",
]


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def arxiv_listing(n_records: int, seed: int = 7) -> str:
    """An arXiv listing with titles and authors on a quarter of the records, like the seeds."""
    rng = random.Random(seed)
    blocks = []
    for i in range(n_records):
        lines = []
        if rng.random() < 0.25:
            lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).title())
            authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 8))]
            lines.append(", ".join(authors))
            lines.append("")
        abstract = " ".join(_sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(4, 9)))
        lines.append(abstract)
        lines.append("")
        if rng.random() < 0.3:
            lines.append(f"{rng.randint(4, 40)} pages, {rng.randint(1, 20)} figures")
            lines.append("")
        yy, mm = rng.randint(15, 25), rng.randint(1, 12)
        lines.append(f"arXiv:{yy:02d}{mm:02d}.{i % 100000:05d}")
        lines.append(f"Created: 20{yy:02d}-{mm:02d}-{rng.randint(1, 28):02d}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
