"""A scan's result as bytes to keep in the catalog, read back only by code that would compute
the same: compact (zlib-compressed JSON), versioned, and refused whole when anything in it is
not as this code writes it (damaged, or written by another curator)."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import marshal
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.machinery import ModuleSpec
from importlib.metadata import PackageNotFoundError, version
from pkgutil import iter_modules
from typing import Any

from curator.domain.matching import Band, Candidate

from .model import COMPARISONS, DEFAULT, Model

FORMAT = 1  # the shape written below; another is refused
ENGINE_PACKAGE = __package__ or "curator.matching"
_SHAPE = tuple(len(c.levels) for c in COMPARISONS)


@dataclass(frozen=True, slots=True)
class KeptResult:
    candidates: list[Candidate]  # as the engine returned them, best first
    model: Model  # the weights they were scored with


def encode(candidates: Sequence[Candidate], model: Model) -> bytes:
    doc = {
        "format": FORMAT,
        "model": [model.prior, model.weights, model.origins, model.decisions],
        "candidates": [[c.a, c.b, c.score, c.band.value, c.reasons, c.keys] for c in candidates],
    }
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode(), 6)


def decode(blob: bytes) -> KeptResult | None:
    """The result in `blob`, or None when it cannot be read as this code wrote it."""
    try:
        doc = json.loads(zlib.decompress(blob))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            return None
        model = _model(doc["model"])
        found = [_candidate(row) for row in doc["candidates"]]
    except (zlib.error, ValueError, TypeError, KeyError, IndexError):
        return None  # ValueError: bad JSON, UTF-8 or band; the rest: a shape not ours
    if model is None or any(c is None for c in found):
        return None
    return KeptResult([c for c in found if c is not None], model)


def _model(raw: Any) -> Model | None:
    prior, weights, origins, decisions = raw
    if not (_number(prior) and isinstance(decisions, int) and not isinstance(decisions, bool)):
        return None
    if [len(w) for w in weights] != list(_SHAPE) or [len(o) for o in origins] != list(_SHAPE):
        return None
    if not all(_number(x) for w in weights for x in w):
        return None
    if not all(isinstance(x, str) for o in origins for x in o):
        return None
    model = Model(
        float(prior),
        tuple(tuple(float(x) for x in w) for w in weights),
        tuple(tuple(o) for o in origins),
        decisions,
    )
    return DEFAULT if model == DEFAULT else model  # "default weights" is told by identity


def _candidate(row: Any) -> Candidate | None:
    a, b, score, band, reasons, keys = row
    ints = all(isinstance(x, int) and not isinstance(x, bool) for x in (a, b))
    texts = all(isinstance(x, str) for x in (*reasons, *keys))
    if not (ints and a < b and _number(score) and texts):
        return None
    return Candidate(a, b, float(score), Band(band), tuple(reasons), tuple(keys))


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


# --- what would change a result -------------------------------------------------------------


def settings(feeds: Iterable[str] = ()) -> str:
    """What identifies the code that makes a scan's result: this format, a hash of the
    engine's source (every module of this package, the domain modules they use) and of the
    modules named in `feeds` (those that read the catalog for it), and the versions of what
    it leans on (rapidfuzz's scorers, the Unicode tables that fold text). Two programs with
    the same settings compute the same result from the same catalog."""
    try:
        fuzz = version("rapidfuzz")
    except PackageNotFoundError:
        fuzz = "?"
    code = _code_hash(tuple(sorted(feeds)))
    return f"scan {FORMAT}; code {code}; rapidfuzz {fuzz}; unicode {unicodedata.unidata_version}"


@cache
def _code_hash(feeds: tuple[str, ...]) -> str:
    names = sorted(_engine_modules() | set(feeds))
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + _code_of(name) + b"\0")
    return digest.hexdigest()[:20]


def _engine_modules() -> set[str]:
    """This package's modules, and the curator.domain modules they import (transitively)."""
    spec = importlib.util.find_spec(ENGINE_PACKAGE)
    places = spec.submodule_search_locations if spec is not None else None
    todo = [ENGINE_PACKAGE, *(f"{ENGINE_PACKAGE}.{m.name}" for m in iter_modules(places or []))]
    found: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += [m for m in _imports(name) if m.startswith("curator.domain")]
    return found


def _imports(name: str) -> list[str]:
    """The curator modules a module's source imports (`from x import y`: x, and x.y if y is
    a module)."""
    source = _source(name)
    if source is None:
        return []
    package = name if _is_package(name) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            found += [base, *(f"{base}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [m for m in found if m.startswith("curator.") and _spec(m) is not None]


def _spec(name: str) -> ModuleSpec | None:
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):  # "curator.domain.matching.Band": not a module
        return None


def _is_package(name: str) -> bool:
    spec = _spec(name)
    return spec is not None and spec.submodule_search_locations is not None


def _source(name: str) -> str | None:
    spec = _spec(name)
    loader = getattr(spec, "loader", None)
    get_source = getattr(loader, "get_source", None)
    return get_source(name) if get_source is not None else None


def _code_of(name: str) -> bytes:
    """A module's source; its compiled code where it ships without one."""
    source = _source(name)
    if source is not None:
        return source.encode()
    spec = _spec(name)
    get_code = getattr(getattr(spec, "loader", None), "get_code", None)
    code = get_code(name) if get_code is not None else None
    return marshal.dumps(code) if code is not None else b"?"
