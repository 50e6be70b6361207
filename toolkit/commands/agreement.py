"""``summit-ledger agreement DIR [DIR ...] [--reference SET_OR_DIR]``: agreement of a group of annotators."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = ("agreement between the annotator files in one or more folders: Krippendorff's alpha, pairwise Cohen's "
        "kappa, the sentences with most disagreement, and (with --reference) each annotator's span scores")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folders", nargs="+", metavar="DIR",
                        help="folder(s) of <annotator>.jsonl files (searched recursively), single files, "
                             "or set names under data/annotations/")
    parser.add_argument("--reference", metavar="SET_OR_DIR",
                        help="reference annotation (set name, folder or .jsonl file) to score each annotator against")
    parser.add_argument("--top", type=int, default=5, help="how many disagreement sentences to list (default 5)")
    parser.add_argument("--data", metavar="DATA_DIR", default=None,
                        help="data folder with codebook, summits and documents (default: the repository's data/)")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def run(args: argparse.Namespace) -> int:
    from ..paths import data_dir
    from ..teaching import class_view, collect_class, load_reference

    root = data_dir(args.data)
    sources = []
    for f in args.folders:
        p = Path(f)
        if not p.exists() and (root / "annotations" / f).exists():
            p = root / "annotations" / f
        sources.append(p)
    files = collect_class(sources, data=root, progress=False if args.no_progress else None)
    for f in files.files:
        if f.status != "ok":
            print(f"warning: {f.path}: {f.status}: {f.message}", file=sys.stderr)
            for p in f.problems[:5]:
                print(f"    {p}", file=sys.stderr)
            if len(f.problems) > 5:
                print(f"    ... and {len(f.problems) - 5} more", file=sys.stderr)
    reference = None
    if args.reference:
        reference = load_reference(args.reference, data=root, codebook=files.codebook, documents=files.documents,
                                   summits=files.summits)
    view = class_view(files, reference=reference, source=", ".join(str(s) for s in sources))
    used = sum(f.status in ("ok", "partial", "renamed") for f in files.files)
    print(f"{len(files.files)} files read, {used} used")
    print(view.to_text(top=args.top))
    if view.feedback is not None:
        print()
        print(f"Span scores against the reference ({args.reference}; overlap matching, exact F1 alongside):")
        if view.feedback.empty:
            print("  (no annotator other than the reference)")
        else:
            print(view.feedback.round(3).to_string(index=False, na_rep="n/a"))
    return 0
