"""``summit-ledger init DIR [--demo]``: create a project folder."""

from __future__ import annotations

import argparse

HELP = "create a project folder: summit-ledger.toml, codebook, summits, documents/, annotations/ and the notebooks"
#: This command makes a project: the CLI neither adds --project nor looks for one first.
NO_PROJECT = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="the new project folder (must not exist, or be empty)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="also copy the seed article, its reference and independent annotations, and the briefs",
    )
    parser.add_argument("--name", help="the project's name (default: the folder's name)")


def run(args: argparse.Namespace) -> int:
    from toolkit.commands.scaffold import init_project

    root = init_project(args.folder, demo=args.demo, name=args.name)
    kind = "demo project" if args.demo else "project"
    print(f"created {kind} {root}")
    print(f"  cd {args.folder} && summit-ledger validate        # check it")
    print("  jupyter lab notebooks/                          # open the notebooks (they find the project)")
    if not args.demo:
        print("  summit-ledger add-article FILE --id ID --summit SUMMIT_ID   # add your first article")
        print("  (the copied notebooks walk through the seed article: `init --demo` includes it)")
    return 0
