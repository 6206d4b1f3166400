"""The event log: changes recorded with who made them and where each stands on the undo stack;
undo and redo for one session (a window, the user's command line) or for the whole catalog.

Each change row stores its state (done, undone, void), so the next undo is the newest done
change and the next redo the oldest undone one: indexed lookups, whatever the log's length.
Undo and redo are rows of their own (the log is append-only); an undo's row keeps what its
change's redo needs back (an import's rows). Every row says who made it (`store.authors`).

A catalog may be open in several programs at once: two windows, a window and `curator`
commands. Undo used to take the catalog's newest change, whoever made it, so one window's
Ctrl+Z took back another's merge. The rules now:

- **Undo takes the session's own newest change still done**; redo the session's own oldest
  undone one. Changes made before the log recorded who made them belong to nobody, so to every
  session, as they did before.
- An own change that is no longer the catalog's newest is undone only if **no later change
  still done touches anything it touched** (`Command.touches`: the same work, venue, venue
  label, citation key, decision). Otherwise undo refuses and names the later change and who
  made it: that change was made on top of this one, and reverting this one under it would fail
  half-way or silently take part of it back (a merge restored over an edit of the merged work).
  Likewise a redo waits while an earlier change it touches is undone. The refusal is `Waits`
  (a `NotYours`: the command line adds that `--any` takes the catalog's step), and
  `next_steps` already offers the catalog's next step, the own one `waiting` on it, so a
  window's menu never keeps offering a step it cannot take.
- `anyone=True` takes the catalog's newest done or oldest undone change whoever made it: the
  plain stack, always safe. The window asks before it takes another's change; the command line
  needs `--any`.
- A new change still ends every redo, whoever undid it: a redo is only ever applied to the
  state its undo left (keeping others' redos would need the same check against every change
  since; losing a redo loses no data).

**Quiet changes** (`Command.quiet`: the citation keys an export gives) are recorded, shown in
the history and touch-checked like any other, but undo passes over them and takes the
session's last change of its own: an export is not an edit, and Ctrl+Z right after one must
not take back the keys just written to a file. A quiet change touches only what it gave (the
keys, and the key column of the works given them), so it seldom stands in anyone's way; when
one does (an edit freed a key that the export then gave to another work; a merge or a key edit
whose undo would write the work's key column back over the key the file cites), `next_steps`
offers it first, with the own step `waiting`. A quiet
change undone is void, never redone (the next export gives keys again); the history undoes
one on its own (`undo_quiet`).

Why that keeps the catalog sound: of two changes that touch something in common, the later is
done only while the earlier is. A new change is made on the current state; undo refuses to
break this, redo refuses to break it, and the plain stack never can. So no change is reverted
or applied again on top of a state its own payload does not describe.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from curator.domain.errors import CuratorError
from curator.events.base import CURRENT, KEY_OF, Command, Touched, shared
from curator.events.merges import MergePayload
from curator.events.registry import COMMANDS, load
from curator.events.who import EARLIER, credit, who
from curator.events.who import thing as _thing_words
from curator.store import authors, eventlog
from curator.store.authors import Author
from curator.store.eventlog import EventRow, HistoryRow, Label

UNDO, REDO = "undo", "redo"
QUIET = frozenset(kind for kind, command in COMMANDS.items() if command.quiet)
_PAGE = 64  # rows of the log read at first when passing over quiet changes


@dataclass(frozen=True, slots=True)
class Step:
    """A change on the undo stack, in words."""

    event_id: int
    kind: str
    summary: str
    by: str = ""  # who made it, as the asking session names it (`who.who`)
    own: bool = True  # the asking session's own (or nobody's): taken without asking
    latest: Step | None = None  # a later change by someone else, the catalog's newest
    # the session's own step that cannot be taken before this one (someone else's, offered
    # instead), with `reason` saying why
    waiting: Step | None = None
    reason: str = ""

    @property
    def note(self) -> str:
        """What a label adds after the step's name: who made it ("by another window",
        "earlier"), unless it was the asking session."""
        return "" if self.own and self.by != EARLIER else credit(self.by)


class NotYours(CuratorError):
    """The session has nothing of its own to undo (or redo), but someone else has."""


class Waits(NotYours):
    """The session's own step waits for a later (for a redo, an earlier) change of someone
    else's that touched the same things: only the catalog's next step can be taken now."""


class KeysFirst(CuratorError):
    """The step waits for the citation keys a later export gave (a quiet change): undo passes
    over those, so they are undone on their own first (`undo_quiet`), not by `anyone`."""


def thing(token: tuple[str, Any]) -> str:
    """What two changes both touched, in words (the key column of a work included)."""
    return f"the citation key of work {token[1]}" if token[0] == KEY_OF else _thing_words(token)


def record(s: Session, command: Command[Any], summary: str) -> int:
    """Append a change already made; it voids whatever was undone (no redo past a change)."""
    eventlog.void_undone(s)
    return eventlog.append(s, command.kind, summary, command.dump(), "done", authors.author_in(s))


def execute(s: Session, command: Command[Any], summary: str) -> int:
    """Make a change and record it."""
    command.apply(s)
    return record(s, command, summary)


def _own(label: Label | EventRow | HistoryRow, me: Author) -> bool:
    """Made by `me`, or by nobody known (before the log recorded who made each step)."""
    return label.author is None or (label.author, label.session) == (me.user, me.session)


def _step(label: Label | EventRow | None, me: Author) -> Step | None:
    if label is None:
        return None
    by = who(label.author, label.session, me, label.id)
    return Step(label.id, label.kind, label.summary, by, _own(label, me))


def next_steps(s: Session) -> tuple[Step | None, Step | None]:
    """What undo and redo would take for the session writing through `s`: its own change if
    it has one it can take, else the catalog's next one (`own` False: someone else's, to be
    asked about; `waiting`: the own change that must wait for it). An own undo under a later
    change of someone else's names that change in `latest`."""
    me = authors.author_in(s)
    own_done, own_undone = eventlog.own_labels(s, me)
    done, undone = eventlog.step_labels(s)
    own_done, done = _loud(s, own_done, me), _loud(s, done, None)
    return _next(s, me, UNDO, own_done, done), _next(s, me, REDO, own_undone, undone)


def _loud(s: Session, label: Label | None, me: Author | None) -> Label | None:
    """`label`, or when it is a quiet change, the newest done change below it that is not
    quiet (`me`'s own, if given): what undo takes. The log is read a page at a time from the
    newest; quiet changes are few and sit near the top (one per export)."""
    if label is None or label.kind not in QUIET:
        return label
    page = _PAGE
    while True:
        rows = eventlog.history_rows(s, page)  # oldest first
        for r in reversed(rows):
            loud = r.state == "done" and r.kind not in QUIET
            if r.id < label.id and loud and (me is None or _own(r, me)):
                return Label(r.id, r.kind, r.summary, r.author, r.session)
        if len(rows) < page:
            return None
        page *= 4


def _next(s: Session, me: Author, what: str, own: Label | None, first: Label | None) -> Step | None:
    """The step `what` would take: the own one, unless a change of another's in between
    touches it; then the catalog's (`first`), with the own one as `waiting`."""
    step = _step(own or first, me)
    if step is None:
        return None
    if own is None or first is None or own.id == first.id:
        return _quiet_first(s, step, me) if what == UNDO else step
    row = eventlog.row(s, own.id)
    assert row is not None
    reason = _conflict(s, row, _between(s, row, what), me, what)
    other = _step(first, me)
    assert other is not None
    if reason is not None:
        return replace(other, waiting=replace(step, reason=reason))
    return replace(step, latest=other) if what == UNDO else step


def _quiet_first(s: Session, step: Step, me: Author) -> Step:
    """`step` (the newest done change that is not quiet), or the quiet change after it that
    must be undone first, with `step` waiting; nothing is read unless quiet changes follow."""
    if not eventlog.ids_in_state(s, "done", after=step.event_id):
        return step
    row = eventlog.row(s, step.event_id)
    assert row is not None
    found = _quiet_in_the_way(row, eventlog.rows_in_state(s, "done", after=row.id), me)
    if found is None:
        return step
    blocker, reason = found
    first = _step(blocker, me)
    assert first is not None
    return replace(first, waiting=replace(step, reason=reason))


def _quiet_in_the_way(
    row: EventRow, later: Iterator[EventRow], me: Author
) -> tuple[EventRow, str] | None:
    """The newest of the quiet changes after `row` that its undo waits on (one touching what
    it touched, or what such a change touched), and why; None if there is none."""
    touched: Touched = load(row.kind, row.payload).touches()
    newest: EventRow | None = None
    reason = ""
    for other in later:
        if other.kind not in QUIET:
            continue
        theirs = load(other.kind, other.payload).touches()
        common = shared(touched, theirs)
        if common is None:
            continue
        touched, newest = touched | theirs, other
        reason = reason or _undo_refusal(row, other, common, me)
    return (newest, reason) if newest is not None else None


def _undo_refusal(row: EventRow, other: EventRow, common: tuple[str, Any], me: Author) -> str:
    """Why `row` cannot be undone past the later `other`, and how to undo that one first."""
    named = credit(who(other.author, other.session, me, other.id))
    first = (
        f"undo those keys first (History › Undo These Keys…, or `curator undo-keys {other.id}`)"
        if other.kind in QUIET
        else "undo that one first"
    )
    return (
        f"cannot undo “{row.summary}”: a later change, #{other.id} “{other.summary}” "
        f"({named}), also changed {thing(common)}; {first}"
    )


def _quiet_row(s: Session, event_id: int | None) -> EventRow | None:
    """The quiet change `event_id`, if it is one and done."""
    if event_id is None or not eventlog.ids_in_state(s, "done", event_id - 1, event_id + 1):
        return None
    row = eventlog.row(s, event_id)
    return row if row is not None and row.kind in QUIET else None


def _expected(row: EventRow | None, expected: int | None, what: str) -> None:
    if expected is not None and (row is None or row.id != expected):
        raise CuratorError(
            f"the step to {what} has changed since it was shown (another change came first); "
            f"look at Edit › {what.capitalize()} again"
        )


def _target_label(s: Session, me: Author, what: str, anyone: bool) -> Label | None:
    """The change `what` (undo or redo) takes: the session's own, or the catalog's next."""
    done, undone = eventlog.step_labels(s) if anyone else eventlog.own_labels(s, me)
    return _loud(s, done, None if anyone else me) if what == UNDO else undone


def _target(s: Session, me: Author, what: str, anyone: bool) -> EventRow | None:
    label = _target_label(s, me, what, anyone)
    return eventlog.row(s, label.id) if label else None


def peek(s: Session, what: str, anyone: bool = False, expected: int | None = None) -> Step | None:
    """The change `undo` or `redo` (with `anyone` or not, or the quiet change `expected`)
    would take now, in words (its payload unread: an import's lists a million ids)."""
    me = authors.author_in(s)
    quiet = _quiet_row(s, expected) if what == UNDO else None
    return _step(quiet, me) if quiet else _step(_target_label(s, me, what, anyone), me)


def _nothing(s: Session, me: Author, what: str) -> CuratorError:
    """Nothing of the session's own to take: say whose change is next, if anyone's."""
    done, undone = eventlog.step_labels(s)
    other = _loud(s, done, None) if what == UNDO else undone
    if other is None:
        return CuratorError(f"nothing to {what}")
    mine = "this window's changes" if me.in_window else "the changes made from the command line"
    named = who(other.author, other.session, me, other.id)
    return NotYours(
        f"nothing to {what} among {mine}: the {'latest' if what == UNDO else 'next'} change "
        f"to {what}, #{other.id} “{other.summary}”, was made {credit(named)}"
    )


def _between(s: Session, row: EventRow, what: str) -> Iterator[EventRow]:
    """The changes `row` would be taken past: later ones done (undo), earlier undone (redo)."""
    if what == UNDO:
        return eventlog.rows_in_state(s, "done", after=row.id)
    return eventlog.rows_in_state(s, "undone", before=row.id)


def _conflict(
    s: Session, row: EventRow, others: Iterator[EventRow], me: Author, what: str
) -> str | None:
    """Why `row` cannot be taken past the changes `others` (one touches what it does), or
    None. Its touches are computed only if there is a change to compare with."""
    found = _first_conflict(row, others, me, what)
    return found[1] if found else None


def _first_conflict(
    row: EventRow, others: Iterator[EventRow], me: Author, what: str
) -> tuple[EventRow, str] | None:
    touched: Touched | None = None
    for other in others:
        touched = load(row.kind, row.payload).touches() if touched is None else touched
        common = shared(touched, load(other.kind, other.payload).touches())
        if common is None:
            continue
        if what == UNDO:
            return other, _undo_refusal(row, other, common, me)
        named = credit(who(other.author, other.session, me, other.id))
        return other, (
            f"cannot redo “{row.summary}” yet: an earlier change, #{other.id} "
            f"“{other.summary}” ({named}), also changed {thing(common)} and is undone; "
            "redo that one first"
        )
    return None


def _refuse_if_touched(s: Session, row: EventRow, me: Author, what: str) -> None:
    """Refuse to take `row` out of order when a change in between touches what it does: a
    later export's keys (`KeysFirst`: undone on their own), or another's change (`Waits`)."""
    found = _first_conflict(row, _between(s, row, what), me, what)
    if found is not None:
        other, reason = found
        raise KeysFirst(reason) if other.kind in QUIET else Waits(reason)


def undo(s: Session, expected: int | None = None, anyone: bool = False) -> Step:
    """Revert the session's newest change that is not quiet (with `anyone`, the catalog's);
    with `expected`, only if it is still that event, or the quiet change `expected` (offered
    first by `next_steps`). Refused if a later change done depends on it."""
    me = authors.author_in(s)
    row = _quiet_row(s, expected)
    if row is None:
        row = _target(s, me, UNDO, anyone)
        _expected(row, expected, UNDO)
    if row is None:
        raise _nothing(s, me, UNDO)
    return _revert(s, row, me)


def undo_quiet(s: Session, event_id: int) -> Step:
    """Revert the quiet change `event_id` (the keys an export gave), from the history:
    refused if a later change done depends on it."""
    row = _quiet_row(s, event_id)
    if row is None:
        found = eventlog.row(s, event_id)
        if found is not None and found.kind in QUIET:
            raise CuratorError(f"#{event_id} “{found.summary}” is undone already")
        raise CuratorError(
            f"#{event_id} is not a change undone on its own (only the citation keys an export "
            "gave are)"
        )
    return _revert(s, row, authors.author_in(s))


def _revert(s: Session, row: EventRow, me: Author) -> Step:
    _refuse_if_touched(s, row, me, UNDO)
    kept = load(row.kind, row.payload).revert(s)
    eventlog.set_state(s, row.id, "undone")
    if row.kind in QUIET:
        eventlog.set_state(s, row.id, "void")  # never redone: the next export gives keys
    payload: dict[str, Any] = {"version": CURRENT, "target": row.id}
    if kept is not None:
        payload["kept"] = kept
    eventlog.append(s, UNDO, f"Undo: {row.summary}", payload, None, me)
    return _taken(row, me)


def redo(s: Session, expected: int | None = None, anyone: bool = False) -> Step:
    """Apply again the session's oldest undone change (with `anyone`, the catalog's). Refused
    while an earlier change it touches is undone."""
    me = authors.author_in(s)
    row = _target(s, me, REDO, anyone)
    _expected(row, expected, REDO)
    if row is None:
        raise _nothing(s, me, REDO)
    _refuse_if_touched(s, row, me, REDO)
    command = load(row.kind, row.payload)
    command.reapply(s, eventlog.kept_by_undo(s, row.id) if command.keeps_on_revert else None)
    eventlog.set_state(s, row.id, "done")
    payload = {"version": CURRENT, "target": row.id}
    eventlog.append(s, REDO, f"Redo: {row.summary}", payload, None, me)
    return _taken(row, me)


def _taken(row: EventRow, me: Author) -> Step:
    step = _step(row, me)
    assert step is not None
    return step


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the history: a change (done, undone) or an undo/redo of one."""

    id: int
    kind: str
    summary: str
    created_at: datetime
    state: str  # "done", "undone", or "" for undo/redo steps themselves
    survivor: int | None = None  # for a merge: the work an unmerge splits again
    by: str = ""  # who made it, as the asking session names it ("earlier": not recorded)
    user: str | None = None  # the login name that made it, if recorded
    session: str | None = None  # "window:<id>" or "cli:<host>", if recorded

    @property
    def quiet(self) -> bool:
        """Passed over by undo; undone on its own from the history (`undo_quiet`)."""
        return self.kind in QUIET


_STATE_WORDS = {"done": "done", "undone": "undone", "void": "undone"}


def entries(s: Session, newest: int | None = None) -> list[Entry]:
    """The history, oldest first (only the `newest` entries if given)."""
    me = authors.author_in(s)
    return [
        Entry(
            r.id,
            r.kind,
            r.summary,
            r.created_at,
            _STATE_WORDS.get(r.state or "", ""),
            r.survivor,
            who(r.author, r.session, me, r.id),
            r.author,
            r.session,
        )
        for r in eventlog.history_rows(s, newest)
    ]


def count(s: Session) -> int:
    return eventlog.count(s)


def newest_id(s: Session) -> int:
    """The newest event's id (0: an empty log)."""
    return eventlog.newest_id(s)


def latest_merge_into(
    s: Session, work_id: int, event_id: int | None = None
) -> tuple[int, MergePayload] | None:
    """The newest merge in effect (done, and not unmerged since) whose surviving work is
    `work_id`, or that merge event's, with its payload."""
    row = eventlog.merge_in_effect(s, work_id, event_id)
    if row is None:
        return None
    command = load(row.kind, row.payload)
    merges = [command.payload] if row.kind == "merge" else command.payload.merges
    return row.id, next(m for m in merges if m.survivor == work_id)
