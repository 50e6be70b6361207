"""``summit-ledger agreement DIR [DIR ...] [--reference SET_OR_DIR]``: reliability of a group of annotators."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = (
    "reliability of the annotator files in one or more folders: who coded (set.yaml), Krippendorff's alpha "
    "with bootstrap intervals and a decision for every variable, all-unit and coded-unit figures, unitizing "
    "alpha, pairwise Cohen's kappa, the sentences with most disagreement, and (with --reference) span scores"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders",
        nargs="+",
        metavar="DIR",
        help="folder(s) of <annotator>.jsonl files (searched recursively), single files, or set names under the project's annotations/ folder",
    )
    parser.add_argument(
        "--reference",
        metavar="SET_OR_DIR",
        help="reference annotation (set name, folder or .jsonl file) to score each annotator against",
    )
    parser.add_argument("--top", type=int, default=5, help="how many disagreement sentences to list (default 5)")
    parser.add_argument(
        "--bootstrap", type=int, default=20_000, metavar="N", help="bootstrap replicates for the intervals (default 20000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap (default 0)")
    parser.add_argument(
        "--min-overlap",
        type=float,
        default=0.5,
        metavar="SHARE",
        help="span matching: shared share of the shorter span (default 0.5)",
    )
    parser.add_argument(
        "--categories", action="store_true", help="also print per-category alpha and the coincidence table of every variable"
    )
    parser.add_argument(
        "--project",
        "--data",
        dest="data",
        metavar="DATA_DIR",
        default=None,
        help="the project folder (default: the nearest folder upward holding summit-ledger.toml)",
    )
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def run(args: argparse.Namespace) -> int:
    from toolkit.agreement import agreement_report, reliability_report
    from toolkit.classroom import class_view, collect_class, load_reference
    from toolkit.paths import data_dir
    from toolkit.records.disclosure import FILE_NAME, find_declarations

    if args.bootstrap < 100:
        print("error: --bootstrap must be at least 100", file=sys.stderr)
        return 2
    root = data_dir(args.data)
    sources = []
    for f in args.folders:
        p = Path(f)
        if not p.exists() and (root / "annotations" / f).exists():
            p = root / "annotations" / f
        sources.append(p)
    files = collect_class(sources, data=root, progress=False if args.no_progress else None)
    # read the reference before any figure is printed, so a reference that cannot be read stops the command at once
    reference = load_reference(args.reference, data=files.project) if args.reference else None
    for f in files.files:
        if f.status != "ok" and Path(f.path).name != FILE_NAME:
            print(f"warning: {f.path}: {f.status}: {f.message}", file=sys.stderr)
            for prob in f.problems[:5]:
                print(f"    {prob}", file=sys.stderr)
            if len(f.problems) > 5:
                print(f"    ... and {len(f.problems) - 5} more", file=sys.stderr)
    used = sum(f.status in ("ok", "partial", "renamed") for f in files.files)
    print(f"{sum(Path(f.path).name != FILE_NAME for f in files.files)} annotator files read, {used} used")
    issues = list(files.codebook.issues)
    source = ", ".join(str(s) for s in sources)
    rel = reliability_report(
        files.all_records(),
        files.documents,
        issues,
        declarations=find_declarations(sources),
        n_boot=args.bootstrap,
        seed=args.seed,
        min_overlap=args.min_overlap,
        source=source,
    )
    print(rel.to_text(categories=args.categories))
    report = agreement_report(files.all_records(), files.documents, issues, source=source)
    print()
    print("Pairwise Cohen's kappa (stance on sentence x issue units):")
    print(report.pairwise.round(3).to_string(na_rep="n/a"))
    print()
    print(f"Top {args.top} sentences by disagreement (stance and intensity on sentence x issue units):")
    shown = 0
    for row in report.sentences.head(args.top).to_dict("records"):
        if row["disagreement"] <= 0:
            break
        shown += 1
        text = str(row["text"])
        snippet = text if len(text) <= 100 else text[:97] + "..."
        print(f"  {shown}. sentence {int(row['segment']) + 1} (score {row['disagreement']:.2f}): {snippet}")
        print(f"     {row['detail']}")
    if not shown:
        print("  (none)")
    if reference is not None:
        view = class_view(files, reference=reference, source=source)
        print()
        print(f"Span scores against the reference ({args.reference}; overlap matching, exact F1 alongside):")
        if view.feedback is None or view.feedback.empty:
            print("  (no annotator other than the reference)")
        else:
            print(view.feedback.round(3).to_string(index=False, na_rep="n/a"))
            for name, docs in view.feedback.attrs.get("not_compared", {}).items():
                print(f"  {name}: not compared on {', '.join(docs)} (coded by only one of {name} and the reference)")
    return 0
