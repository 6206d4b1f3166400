"""The field registry is the one list of a work's fields: every layer that keeps its own typed
copy (the table, the views, a parsed record) must agree with it, so a new field cannot be
half-added."""

from __future__ import annotations

from dataclasses import fields

import pytest

from curator.domain.catalog import RecordView, WorkView
from curator.domain.errors import ValidationError
from curator.domain.fields import EDITABLE_FIELDS, FIELDS, WORK_FIELDS, validate_field
from curator.domain.records import ParsedRecord
from curator.store.tables import SourceRecord, Work


def _columns(table: type) -> set[str]:
    return {c.name for c in table.__table__.columns}  # type: ignore[attr-defined]


def test_every_field_is_a_column_of_the_work_table() -> None:
    names = {"venue_id" if f.kind == "reference" else f.name for f in WORK_FIELDS}
    assert names <= _columns(Work)
    # bookkeeping, not fields: the key, the times, and the row version a save is checked against
    assert _columns(Work) - names == {"id", "created_at", "updated_at", "version"}


def test_every_field_is_on_the_view_and_on_a_parsed_record() -> None:
    view = {f.name for f in fields(WorkView)}
    parsed = {f.name for f in fields(ParsedRecord)}
    for field in WORK_FIELDS:
        assert field.name in view, field.name
        assert field.name in parsed, field.name


def test_what_a_record_carries_is_a_column_of_the_record_table_and_its_view() -> None:
    record_view = {f.name for f in fields(RecordView)}
    for field in WORK_FIELDS:
        if field.record:
            assert field.record in _columns(SourceRecord), field.record
            assert field.name in record_view, field.name


def test_each_field_checks_what_is_typed() -> None:
    assert tuple(FIELDS) == EDITABLE_FIELDS
    assert validate_field("year", " 2023 ") == 2023
    assert validate_field("authors", "Ada Lovelace; Alan Turing") == ("Ada Lovelace", "Alan Turing")
    with pytest.raises(ValidationError, match="plausible year"):
        validate_field("year", "3023")
    with pytest.raises(ValidationError, match="not an editable field"):
        validate_field("titel", "x")
