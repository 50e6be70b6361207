"""``summit-ledger reanchor DOC_ID``: re-anchor a document's annotations after its text changed."""

from __future__ import annotations

import argparse

from toolkit.store.reanchor import MARGIN, MIN_SCORE, reanchor_document

HELP = "re-anchor every annotation of a document whose text changed; list the orphaned ones for review"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("document_id")
    parser.add_argument(
        "--min-score",
        type=float,
        default=MIN_SCORE,
        help=f"lowest score (0-1) at which a moved passage is accepted (default {MIN_SCORE})",
    )
    parser.add_argument(
        "--margin", type=float, default=MARGIN, help=f"lead the best passage needs over the next one (default {MARGIN})"
    )
    parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
    parser.add_argument("--data", help="the project folder (default: found by discovery)")


def run(args: argparse.Namespace) -> int:
    import math

    from toolkit.errors import DataError

    for name in ("min_score", "margin"):
        value = getattr(args, name)
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise DataError.at("--" + name.replace("_", "-"), None, name, f"{value} must be a number between 0 and 1")
    rep = reanchor_document(args.document_id, data=args.data, min_score=args.min_score, margin=args.margin, dry_run=args.dry_run)
    for problem in rep.problems:
        print(f"warning: {problem}")
    for set_name, annotator, a in rep.results:
        if a.method in ("quote", "fuzzy"):
            print(
                f"moved    {set_name}/{annotator} {a.id}: {a.old_start}-{a.old_end} -> {a.start}-{a.end} "
                f"({a.method}, score {a.score:.2f})"
            )
    for set_name, annotator, a in rep.orphaned:
        print(f"ORPHANED {set_name}/{annotator} {a.id}: {a.old_quote[:60]!r} — {a.reason}")
    print(rep.summary())
    if rep.orphaned:
        print(
            f"{len(rep.orphaned)} annotation{'s' * (len(rep.orphaned) != 1)} need review: find them with "
            "ledger[ledger.status == 'orphaned'], fix the span or delete the record"
        )
    return 0
