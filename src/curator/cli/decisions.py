"""Command-line faces of duplicate review: candidates, merge, distinct, related, undo, history."""

from __future__ import annotations

import argparse
import sys

from curator.cli.output import EXIT_OK, Subcommands, print_json
from curator.cli.works import parse_assignments
from curator.domain.clock import local
from curator.domain.errors import CuratorError
from curator.domain.matching import Band
from curator.domain.report import counted
from curator.services import candidates, decisions, history
from curator.services.catalogs import Catalog


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("candidates", help="list duplicate candidates, best first")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--band", choices=[b.value for b in Band], help="this band or better")
    p.add_argument("--min-score", type=float, metavar="X", help="only scores of at least X")
    p.set_defaults(run=cmd_candidates)

    p = sub.add_parser("merge", help="merge works into one (undoable)")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument("--keep", type=int, metavar="ID", help="the work that survives")
    p.add_argument("--set", dest="changes", action="append", default=[], metavar="FIELD=VALUE",
                   help="choose a value for the merged work (repeatable)")  # fmt: skip
    p.add_argument("--force", action="store_true", help="merge even works decided distinct")
    p.set_defaults(run=cmd_merge)

    for name, text in (("distinct", "mark works as not duplicates, every pair of them"),
                       ("related", "mark works as versions of one paper")):  # fmt: skip
        p = sub.add_parser(name, help=text, description=f"{text[0].upper()}{text[1:]}: two "
                           "works, or a group decided in one undoable step; pairs decided "
                           "before keep their decision.")  # fmt: skip
        p.add_argument("ids", nargs="+", type=int, metavar="ID", help="two works or more")
        p.set_defaults(run=cmd_decide, decision=name)

    p = sub.add_parser("unmerge", help="undo the latest merge into a work")
    p.add_argument("work_id", type=int, metavar="ID")
    p.set_defaults(run=cmd_unmerge)
    for name, last in (("undo", "latest change"), ("redo", "change undone last")):
        p = sub.add_parser(name, help=f"{name} your {last} made from the command line")
        p.add_argument("--any", dest="anyone", action="store_true",
                       help=f"{name} the catalog's {last}, whoever made it (a window, "
                       "another user)")  # fmt: skip
        p.set_defaults(run=cmd_undo_redo, step=name)
    p = sub.add_parser("history", help="list past changes")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_history)
    p = sub.add_parser("auto-merge", help="merge every sure group in one undoable step")
    p.add_argument("--band", required=True, choices=[Band.SURE.value])
    p.set_defaults(run=cmd_auto_merge)


def cmd_candidates(catalog: Catalog, args: argparse.Namespace) -> int:
    band = Band(args.band) if args.band else None
    found = candidates.candidates(catalog, band=band, min_score=args.min_score)
    if args.json:
        data = [{"works": [c.a, c.b], "score": round(c.score, 4), "band": c.band.value,
                 "reasons": list(c.reasons)} for c in found]  # fmt: skip
        print_json(data)
        return EXIT_OK
    for c in found:
        print(f"{c.a:>6} {c.b:>6}  {c.score:.3f}  {c.band.value:<8} {'; '.join(c.reasons)}")
    origin = f", from {found.kept}" if found.kept else ""  # the catalog unchanged since it
    print(counted(len(found), "candidate") + origin, file=sys.stderr)
    return EXIT_OK


def cmd_merge(catalog: Catalog, args: argparse.Namespace) -> int:
    overrides = parse_assignments(args.changes)
    outcome = decisions.merge(catalog, args.ids, args.keep, overrides, args.force)
    absorbed = ", ".join(map(str, outcome.absorbed))
    works = "work" if len(outcome.absorbed) == 1 else "works"
    print(f"merged {works} {absorbed} into work {outcome.survivor} (event {outcome.event_id})")
    for field, choice in outcome.choices.items():
        source = f"work {choice.from_work}" if choice.from_work is not None else "combined"
        print(f"  {field:>18}: from {source} ({choice.rule})")
    return EXIT_OK


def cmd_decide(catalog: Catalog, args: argparse.Namespace) -> int:
    ids = args.ids
    if len(ids) == 2:
        a, b = ids
        act = decisions.distinct if args.decision == "distinct" else decisions.related
        event = act(catalog, a, b)
        print(f"works {a} and {b} marked {args.decision} (event {event})")
        return EXIT_OK
    done = decisions.decide(catalog, args.decision, ids)
    pairs = decisions.pairs_decided(len(ids), done.n_before)
    print(f"works {decisions.listed(ids)} marked {args.decision}: {pairs} (event {done.event_id})")
    return EXIT_OK


def cmd_unmerge(catalog: Catalog, args: argparse.Namespace) -> int:
    restored = decisions.unmerge(catalog, args.work_id)
    print(f"restored works {', '.join(map(str, restored))}")
    return EXIT_OK


def cmd_undo_redo(catalog: Catalog, args: argparse.Namespace) -> int:
    """Undo or redo the user's own last command-line change; with --any, the catalog's
    whoever made it. Another program's change is never taken unasked."""
    step = history.undo if args.step == "undo" else history.redo
    try:
        summary = step(catalog, anyone=args.anyone)
    except history.NotYours as exc:
        raise CuratorError(f"{exc}; `curator {args.step} --any` takes it") from None
    print(f"{args.step}: {summary}")
    return EXIT_OK


def cmd_history(catalog: Catalog, args: argparse.Namespace) -> int:
    """Every change with who made it: a user's name, "a window", "the command line", or
    "earlier" (made before curator recorded who made each change)."""
    entries = history.history(catalog)
    if args.json:
        data = [{"id": e.id, "kind": e.kind, "summary": e.summary, "state": e.state,
                 "created_at": e.created_at.isoformat(), "by": e.by, "user": e.user,
                 "session": e.session} for e in entries]  # fmt: skip
        print_json(data)
        return EXIT_OK
    width = max((len(e.by) for e in entries), default=0)
    for e in entries:
        when = local(e.created_at)  # stored in UTC; shown on the librarian's own clock
        print(f"{e.id:>5}  {when:%Y-%m-%d %H:%M}  {e.state:<7} {e.by:<{width}}  {e.summary}")
    return EXIT_OK


def cmd_auto_merge(catalog: Catalog, args: argparse.Namespace) -> int:
    n_groups, n_works = candidates.auto_merge(catalog, Band(args.band))
    if not n_groups:
        raise CuratorError("no sure groups to merge")
    groups = counted(n_groups, "group")
    print(f"merged {counted(n_works, 'work')} in {groups} (one step: `curator undo` reverts it)")
    return EXIT_OK
