"""``summit-ledger add-articles MANIFEST.csv``: add many articles at once, all or nothing."""

from __future__ import annotations

import argparse

HELP = (
    "add every article listed in a manifest CSV (file, id, summit_id, title, outlet, country, language, "
    "published, url, source_kind[, sampling_note]); files are text or saved HTML pages; any bad row adds nothing"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "manifest", metavar="MANIFEST.csv", help="the manifest; file paths (text files or saved HTML pages) are relative to it"
    )
    parser.add_argument("--base", metavar="DIR", help="the folder the files lie in (default: the manifest's folder)")
    parser.add_argument("--fetch", action="store_true", help="fetch the page at the row's url when its file is empty")
    parser.add_argument(
        "--allow-duplicate", action="store_true", help="add texts nearly the same as a stored one (re-published wire stories)"
    )
    parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def run(args: argparse.Namespace) -> int:
    from toolkit.corpus.manifest import add_articles

    rep = add_articles(
        args.manifest,
        project=args.project,
        progress=False if args.no_progress else None,
        dry_run=args.dry_run,
        base=args.base,
        fetch=args.fetch,
        allow_duplicate=args.allow_duplicate,
    )
    for doc_id, changes in rep.changes.items():
        for change in changes:
            print(f"  {doc_id}: normalised: {change}")
    print(rep.summary())
    return 0
