"""Other BibTeX fields for works imported before curator kept them (catalog version 3 and
older): read again from each work's own .bib records, in one undoable step."""

from __future__ import annotations

from collections.abc import Generator

from curator.domain.progress import Progress, drain
from curator.events import log
from curator.events.works import RecoverFields, RecoverPayload
from curator.importers.bibtex import BibtexImporter
from curator.services import backups
from curator.store import queries
from curator.store.catalog import Catalog

STEP = 1000  # works between progress reports


def recover_other_fields(catalog: Catalog) -> int:
    """`recover_other_fields_steps` without progress: the number of works that got fields."""
    return drain(recover_other_fields_steps(catalog))


def recover_other_fields_steps(catalog: Catalog) -> Generator[Progress, None, int]:
    """Works without other fields whose records include a BibTeX entry get that entry's
    volume, pages, publisher... (the first entry that has any). An entry that used a macro
    defined elsewhere in its file cannot be read alone and is passed over."""
    with catalog.write() as s:
        candidates = queries.bibtex_raws_of_bare_works(s)
        if candidates:  # read by another connection: the catalog as it was before this step
            backups.before(catalog, "recovering fields")
        found: dict[int, dict[str, str]] = {}
        for n, (wid, raws) in enumerate(candidates.items()):
            if n % STEP == 0:
                yield Progress(n, len(candidates), f"Reading work {n + 1} of {len(candidates)}")
            extra = next((e for e in map(_extra_of, raws) if e), None)
            if extra:
                found[wid] = extra
        if found:
            works = f"{len(found)} work{'s' if len(found) != 1 else ''}"
            summary = f"Recover other BibTeX fields of {works} from their records"
            log.execute(s, RecoverFields(RecoverPayload(works=found)), summary)
        return len(found)


def _extra_of(raw: str) -> dict[str, str]:
    records = BibtexImporter().parse(raw).records
    return dict(records[0].extra) if records else {}
