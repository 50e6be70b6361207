"""``summit-ledger events add|fetch|balance``: machine-coded event data (GDELT 2.0, ICEWS, POLECAT) beside human coding."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

HELP = "machine-coded event data: add GDELT/ICEWS/POLECAT files, fetch GDELT exports, per-summit balance of the US-Russia dyad"


def _project(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", "--data", dest="data", metavar="DIR", default=argparse.SUPPRESS, help="the project folder")


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="read event-data files into the project's eventdata/ cache")
    add.add_argument("files", nargs="+", metavar="FILE")
    add.add_argument("--dataset", choices=("gdelt", "icews", "polecat"), help="default: detected from the layout")
    _project(add)
    fetch = sub.add_parser("fetch", help="download GDELT 2.0 event exports (size first, progress, resume, checksums)")
    fetch.add_argument("source", choices=("gdelt",))
    fetch.add_argument("--from", dest="first", type=_date, required=True, metavar="DATE")
    fetch.add_argument("--to", dest="last", type=_date, required=True, metavar="DATE")
    fetch.add_argument("--master-url", default=None, help="the master file list (default: GDELT's own)")
    fetch.add_argument("--yes", action="store_true", help="download without asking after the size estimate")
    fetch.add_argument("--no-add", action="store_true", help="download only; do not add the files to the cache")
    _project(fetch)
    bal = sub.add_parser("balance", help="one row per summit: n, goodwill, grievance, balance, Jeffreys and cluster intervals")
    bal.add_argument("--out", metavar="CSV", help="write the table here (default: print it)")
    bal.add_argument("--dataset", choices=("gdelt", "icews", "polecat"), help="only this dataset (default: all added)")
    bal.add_argument("--backend", choices=("duckdb", "bigquery"), default="duckdb")
    bal.add_argument("--billing-project", help="Google Cloud project billed for --backend bigquery")
    bal.add_argument("--bootstrap", type=int, default=1000, metavar="N", help="cluster bootstrap draws (default 1000)")
    bal.add_argument("--seed", type=int, default=0)
    _project(bal)


def run(args: argparse.Namespace) -> int:
    return {"add": _add, "fetch": _fetch, "balance": _balance}[args.events_command](args)


def _add(args: argparse.Namespace) -> int:
    from toolkit.eventdata.cache import add_files

    done = add_files(args.project.root, args.files, args.dataset)
    print(f"added {len(done.added)} {done.dataset} file(s), {done.rows} rows, to {args.project.root / 'eventdata'}")
    for f in done.skipped:
        print(f"{f}: already added (same bytes), skipped")
    for line in done.report.lines():
        print(f"warning: {line}", file=sys.stderr)
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from toolkit.eventdata.cache import CACHE_DIR, add_files
    from toolkit.eventdata.fetch import MASTER_URL, fetch_gdelt, plan_gdelt

    items = plan_gdelt(args.first, args.last, args.master_url or MASTER_URL)
    total = sum(i.size for i in items)
    print(f"{len(items)} GDELT export file(s) from {args.first} to {args.last}: {total / 1e6:.1f} MB to download (zipped)")
    if not items:
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("run again with --yes to download", file=sys.stderr)
            return 1
        if input("download? [y/N] ").strip().lower() not in ("y", "yes"):
            return 1
    folder = args.project.root / CACHE_DIR / "downloads" / "gdelt"
    with tqdm(total=total, unit="B", unit_scale=True, desc="downloading", file=sys.stderr, disable=None) as bar:
        csvs = fetch_gdelt(items, folder, progress=bar.update)
    print(f"downloaded and checked {len(csvs)} file(s) into {folder}")
    if not args.no_add:
        done = add_files(args.project.root, csvs, "gdelt")
        print(f"added {len(done.added)} file(s), {done.rows} rows; {len(done.skipped)} already added")
        for line in done.report.lines():
            print(f"warning: {line}", file=sys.stderr)
    return 0


def _balance(args: argparse.Namespace) -> int:
    from toolkit.classroom.export import write_csv
    from toolkit.eventdata.balance import balance_from_clusters, machine_balance
    from toolkit.eventdata.cache import cached_events

    summits = args.project.summits
    if args.backend == "bigquery":
        from toolkit.eventdata.bigquery import balance_expression, bigquery_table, connect_bigquery

        if not args.billing_project:
            print("error: --backend bigquery needs --billing-project PROJECT", file=sys.stderr)
            return 2
        con = connect_bigquery(args.billing_project)
        clusters = balance_expression(bigquery_table(con), summits).execute()
        table = balance_from_clusters(clusters, summits, n_boot=args.bootstrap, seed=args.seed)
    else:
        table = machine_balance(cached_events(args.project.root, args.dataset), summits, n_boot=args.bootstrap, seed=args.seed)
    if args.out:
        path = write_csv(table, Path(args.out))
        print(f"wrote {len(table)} summit rows to {path}")
    else:
        cols = ["summit_id", "n", "goodwill", "grievance", "neutral", "balance", "ci_low", "ci_high", "cl_low", "cl_high"]
        print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0
