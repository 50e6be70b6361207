"""``summit-ledger add-articles MANIFEST.csv``: add many articles at once, all or nothing."""

from __future__ import annotations

import argparse

HELP = (
    "add every article listed in a manifest CSV (file, id, summit_id, title, outlet, country, language, "
    "published, url, source_kind[, sampling_note]); any bad row adds nothing"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("manifest", metavar="MANIFEST.csv", help="the manifest; file paths are relative to it")
    parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def run(args: argparse.Namespace) -> int:
    from toolkit.corpus.manifest import add_articles

    rep = add_articles(args.manifest, project=args.project, progress=False if args.no_progress else None, dry_run=args.dry_run)
    for doc_id, changes in rep.changes.items():
        for change in changes:
            print(f"  {doc_id}: normalised: {change}")
    print(rep.summary())
    return 0
