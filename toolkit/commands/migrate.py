"""``summit-ledger migrate``: upgrade annotation logs to the project's codebook by appending operations."""

from __future__ import annotations

import argparse

from toolkit.paths import data_dir
from toolkit.store.migrate import migrate_project

HELP = (
    "upgrade annotation logs coded under an older codebook by appending operations (nothing is rewritten); "
    "list what needs a person's decision"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", "--data", dest="project", help="the project (data) folder; default: discovered")
    parser.add_argument(
        "--set", dest="sets", action="append", metavar="NAME", help="annotation set to migrate (repeat for several; default: all)"
    )
    parser.add_argument("--dry-run", action="store_true", help="report, append nothing")


def run(args: argparse.Namespace) -> int:
    root = data_dir(args.project)
    try:
        rep = migrate_project(root, args.sets, dry_run=args.dry_run)
    except ValueError as exc:
        print(f"error: {exc}")
        return 1
    verb = "would append" if args.dry_run else "appended"
    print(
        f"{verb} {len(rep.appended)} operation{'s' * (len(rep.appended) != 1)}; "
        f"{rep.up_to_date} record{'s' * (rep.up_to_date != 1)} already at the codebook's version"
    )
    for d in rep.decisions:
        print(f"decide: {d}")
    if rep.decisions:
        print(f"{len(rep.decisions)} decision{'s' * (len(rep.decisions) != 1)} left to a person")
    return 0
