"""``summit-ledger add-summit --id ... --date ... ``: append a summit to summits.yaml."""

from __future__ import annotations

import argparse

from toolkit.corpus.articles import add_summit
from toolkit.corpus.summits import FORMATS, Summit

HELP = "add a summit (leader meeting, call or delegation talks) to summits.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id", required=True, help="YYYY-MM-DD-slug, e.g. 2021-12-30-phone")
    parser.add_argument("--date", required=True, help="ISO date, YYYY-MM-DD")
    parser.add_argument("--place", required=True)
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--parties", required=True, nargs="+", metavar="ACTOR", help="at least two codebook actors")
    parser.add_argument("--label", required=True, help="short label for charts, e.g. 'Phone call Dec 2021'")
    parser.add_argument(
        "--source",
        required=True,
        action="append",
        dest="sources",
        metavar="URL",
        help="a source for the facts (repeat for several)",
    )
    parser.add_argument("--leader", action="append", dest="leaders", default=None, metavar="NAME")
    parser.add_argument("--summary", default="", help="one or two sentences in your own words")
    parser.add_argument("--data", help="the project folder")


def run(args: argparse.Namespace) -> int:
    summit = add_summit(
        id=args.id,
        date=args.date,
        place=args.place,
        format=args.format,
        parties=args.parties,
        label=args.label,
        sources=args.sources,
        leaders=args.leaders or (),
        summary=args.summary,
        data=args.data,
    )
    if not isinstance(summit, Summit):  # add_summit loads the stored summit back
        raise TypeError(f"add_summit returned {type(summit).__name__}, not a Summit")
    print(f"added summit {summit.id}: {summit.label} ({summit.format}, {summit.place}; {' – '.join(summit.parties)})")
    return 0
