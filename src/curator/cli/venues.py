"""Command-line faces of venue curation: list, suggestions, accept/reject, rename, merge,
split, kind, short name, parent. Every change is one undoable event (`curator undo`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from curator.cli.output import EXIT_OK, Subcommands, print_json
from curator.domain.catalog import VenueKind, VenueView
from curator.domain.errors import CuratorError
from curator.domain.report import counted
from curator.services import candidates, venues
from curator.services.catalogs import Catalog
from curator.services.venues import VenueChange
from curator.venues.suggest import Suggestion

VENUE = "venue id, name or label"


DUPLICATES = (
    "also venues that likely duplicate works keep pairing (runs a duplicate scan); "
    "give it to venue-accept and venue-reject too, so N means the same suggestion"
)


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("venues", help="list venues with their kind, labels and works")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--search", metavar="TEXT", help="only venues whose name or labels contain it")
    p.set_defaults(run=cmd_venues)

    p = sub.add_parser("venue-suggestions", help="labels that are probably one venue, explained")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--links", action="store_true", help="workshops to link to their conference")
    p.add_argument("--duplicates", action="store_true", help=DUPLICATES)
    p.set_defaults(run=cmd_suggestions)

    p = sub.add_parser("venue-accept", help="accept a suggestion (number from venue-suggestions)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("number", nargs="?", type=int, metavar="N", help="suggestion number")
    which.add_argument("--all-sure", action="store_true", help="accept every sure suggestion")
    p.add_argument("--name", metavar="NAME", help="canonical name instead of the proposed one")
    p.add_argument("--duplicates", action="store_true", help=DUPLICATES)
    p.set_defaults(run=cmd_accept)

    p = sub.add_parser("venue-reject", help="these labels are not one venue (remembered)")
    p.add_argument("number", type=int, metavar="N", help="suggestion number")
    p.add_argument("--duplicates", action="store_true", help=DUPLICATES)
    p.set_defaults(run=cmd_reject)

    p = sub.add_parser("venue-rename", help="give a venue its canonical name")
    p.add_argument("venue", metavar="VENUE", help=VENUE)
    p.add_argument("name", metavar="NAME")
    p.set_defaults(run=cmd_rename)

    p = sub.add_parser("venue-merge", help="make venues one; works and labels follow")
    p.add_argument("venues", nargs="+", metavar="VENUE", help=VENUE)
    p.add_argument("--into", metavar="VENUE", help="the venue that survives (default: most works)")
    p.add_argument("--name", metavar="NAME", help="the merged venue's name")
    p.set_defaults(run=cmd_merge)

    p = sub.add_parser("venue-split", help="file a label under a venue of its own")
    p.add_argument("label", metavar="LABEL")
    p.add_argument("--name", metavar="NAME", help="the new venue's name (default: the label)")
    p.set_defaults(run=cmd_split)

    p = sub.add_parser("venue-set-kind", help="conference, workshop, journal, preprint or other")
    p.add_argument("venue", metavar="VENUE", help=VENUE)
    p.add_argument("kind", choices=[k.value for k in VenueKind])
    p.set_defaults(run=cmd_set_kind)

    p = sub.add_parser("venue-set-short", help="set (or with '' clear) a venue's short name")
    p.add_argument("venue", metavar="VENUE", help=VENUE)
    p.add_argument("short_name", metavar="SHORT")
    p.set_defaults(run=cmd_set_short)

    p = sub.add_parser("venue-set-parent", help="link a workshop to its conference ('' unlinks)")
    p.add_argument("venue", metavar="VENUE", help=VENUE)
    p.add_argument("parent", metavar="PARENT", help=VENUE + ", or '' for none")
    p.set_defaults(run=cmd_set_parent)


def venue_json(v: VenueView) -> dict[str, Any]:
    return {"id": v.id, "name": v.name, "short_name": v.short_name, "kind": v.kind,
            "parent": v.parent_name, "parent_id": v.parent_id, "works": v.works,
            "aliases": [{"label": a.label, "records": a.records, "note": a.note}
                        for a in v.aliases]}  # fmt: skip


def suggestion_json(number: int, x: Suggestion) -> dict[str, Any]:
    return {"number": number, "venues": list(x.venue_ids), "labels": list(x.labels),
            "canonical": x.canonical, "short_name": x.short_name, "kind": x.kind,
            "score": x.score, "band": x.band, "reasons": list(x.reasons), "rules": list(x.rules),
            "notes": [{"label": label, "note": note} for label, note in x.notes]}  # fmt: skip


def _done(change: VenueChange) -> int:
    print(f"{change.summary} (event {change.event_id}; `curator undo` reverts it)")
    return EXIT_OK


def cmd_venues(catalog: Catalog, args: argparse.Namespace) -> int:
    found = venues.list_venues(catalog, args.search)
    if args.json:
        print_json([venue_json(v) for v in found])
        return EXIT_OK
    for v in found:
        short = f" ({v.short_name})" if v.short_name else ""
        parent = f", part of {v.parent_name}" if v.parent_name else ""
        print(f"{v.id:>5}  {v.kind:<10} {v.name}{short}{parent}  [{counted(v.works, 'work')}]")
        for a in v.aliases:
            if a.label != v.name or a.note:
                note = f"  note: {a.note}" if a.note else ""
                print(f"{'':>17}label: {a.label}  [{counted(a.records, 'record')}]{note}")
    print(counted(len(found), "venue"), file=sys.stderr)
    return EXIT_OK


def cmd_suggestions(catalog: Catalog, args: argparse.Namespace) -> int:
    if args.links:
        return _print_links(catalog, args.json)
    found = _suggestions(catalog, args)
    if args.json:
        print_json([suggestion_json(n, x) for n, x in enumerate(found, 1)])
        return EXIT_OK
    for n, x in enumerate(found, 1):
        print(f"{n:>3}. {x.score:.2f} {x.band:<6} {' | '.join(x.labels)}  ->  {x.canonical}")
        for reason in x.reasons:
            print(f"{'':>15}{reason}")
    print(counted(len(found), "suggestion"), file=sys.stderr)
    return EXIT_OK


def _print_links(catalog: Catalog, as_json: bool) -> int:
    links = venues.parent_links(catalog)
    if as_json:
        print_json([{"workshop": x.workshop_id, "parent": x.parent_id, "reason": x.reason}
                     for x in links])  # fmt: skip
        return EXIT_OK
    for x in links:
        print(f"venue {x.workshop_id} -> {x.parent_id}: {x.reason}")
    print(f"{counted(len(links), 'link')} (curator venue-set-parent VENUE PARENT)", file=sys.stderr)
    return EXIT_OK


def _suggestions(catalog: Catalog, args: argparse.Namespace) -> list[Suggestion]:
    pairs = candidates.strong_pairs(catalog) if args.duplicates else []
    return venues.suggestions(catalog, pairs)


def _suggestion(catalog: Catalog, args: argparse.Namespace) -> Suggestion:
    number: int = args.number
    found = _suggestions(catalog, args)
    if not 1 <= number <= len(found):
        raise CuratorError(
            f"there is no suggestion {number}; `curator venue-suggestions` lists {len(found)}"
        )
    return found[number - 1]


def cmd_accept(catalog: Catalog, args: argparse.Namespace) -> int:
    if args.all_sure:
        if args.name:
            raise CuratorError("--name goes with one suggestion, not --all-sure")
        pairs = candidates.strong_pairs(catalog) if args.duplicates else []
        change = venues.accept_all_sure(catalog, pairs)
        if change is None:
            raise CuratorError("no sure venue suggestions")
        return _done(change)
    return _done(venues.accept(catalog, _suggestion(catalog, args), args.name))


def cmd_reject(catalog: Catalog, args: argparse.Namespace) -> int:
    return _done(venues.reject(catalog, _suggestion(catalog, args)))


def cmd_rename(catalog: Catalog, args: argparse.Namespace) -> int:
    return _done(venues.rename(catalog, venues.find_venue(catalog, args.venue), args.name))


def cmd_merge(catalog: Catalog, args: argparse.Namespace) -> int:
    ids = [venues.find_venue(catalog, ref) for ref in args.venues]
    into = venues.find_venue(catalog, args.into) if args.into else None
    if into is not None and into not in ids:
        ids.append(into)
    return _done(venues.merge(catalog, ids, into, args.name))


def cmd_split(catalog: Catalog, args: argparse.Namespace) -> int:
    return _done(venues.split(catalog, args.label, args.name))


def cmd_set_kind(catalog: Catalog, args: argparse.Namespace) -> int:
    return _done(venues.set_kind(catalog, venues.find_venue(catalog, args.venue), args.kind))


def cmd_set_short(catalog: Catalog, args: argparse.Namespace) -> int:
    venue = venues.find_venue(catalog, args.venue)
    return _done(venues.set_short_name(catalog, venue, args.short_name or None))


def cmd_set_parent(catalog: Catalog, args: argparse.Namespace) -> int:
    venue = venues.find_venue(catalog, args.venue)
    parent = venues.find_venue(catalog, args.parent) if args.parent.strip() else None
    return _done(venues.set_parent(catalog, venue, parent))
