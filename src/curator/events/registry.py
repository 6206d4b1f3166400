"""Every kind of change, in one place: the log loads a stored event through this table."""

from __future__ import annotations

from typing import Any

from curator.events.base import Command
from curator.events.decisions import Distinct, Related
from curator.events.imports import Import
from curator.events.merges import AutoMerge, Merge, Unmerge
from curator.events.venues import VenueChange
from curator.events.works import EditWork, GiveKeys, RecoverFields

COMMANDS: dict[str, type[Command[Any]]] = {
    command.kind: command
    for command in (
        Import,
        EditWork,
        GiveKeys,
        RecoverFields,
        Merge,
        AutoMerge,
        Unmerge,
        Distinct,
        Related,
        VenueChange,
    )
}


def load(kind: str, payload: dict[str, Any]) -> Command[Any]:
    """The command a stored event holds, its payload brought to the current shape."""
    return COMMANDS[kind].load(payload)
