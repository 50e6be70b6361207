"""``summit-ledger adjudicate SET_OR_DIR [...] --adjudicator NAME``: decide between coders, write a cited set."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = (
    "adjudicate two or more coders' sets: list each disagreement on the article, choose a version (or "
    "prefer one coder), and append the decided records, each citing its sources, to a new set"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders",
        nargs="+",
        metavar="SET_OR_DIR",
        help="the coders' sets: set names under the project's annotations/ folder, folders or .jsonl files",
    )
    parser.add_argument("--adjudicator", required=True, help="your annotator name (the decided records get it)")
    parser.add_argument(
        "--out",
        default="adjudicated",
        metavar="SET",
        help="the set to write to, under the project's annotations/ folder (default: adjudicated)",
    )
    parser.add_argument("--list", action="store_true", help="only list the items to decide; write nothing")
    parser.add_argument("--prefer", metavar="CODER", help="decide every disagreement by this coder's version, without asking")
    parser.add_argument(
        "--no-accept-agreed", action="store_true", help="do not take the passages every coder coded identically without asking"
    )
    parser.add_argument(
        "--kind",
        choices=("person", "model", "model-assisted", "rule"),
        help="how the adjudication is made, for the new set's set.yaml (written if missing)",
    )
    parser.add_argument(
        "--context", type=int, default=120, metavar="CHARS", help="characters of article shown around each passage (default 120)"
    )
    parser.add_argument(
        "--project",
        "--data",
        dest="data",
        metavar="DATA_DIR",
        default=None,
        help="the project folder (default: the nearest folder upward holding summit-ledger.toml)",
    )


def _show(session, item, width: int) -> None:
    before, passage, after = session.context(item.index, width)
    print(f"\n[{item.index}] {item.status} in {item.document_id} [{item.start}:{item.end}]")
    print(f"  …{before}[[{passage}]]{after}…".replace("\n", " "))
    for k, v in enumerate(item.versions):
        print(f"  {k}) {v.label()}")


def _write_declaration(set_dir: Path, args: argparse.Namespace, codebook_version: str, coders: list[str]) -> None:
    import datetime as _dt

    import yaml

    from toolkit._io import atomic_write_text
    from toolkit.records.disclosure import FILE_NAME

    path = set_dir / FILE_NAME
    if path.exists():
        return
    if args.kind is None:
        print(
            f"note: {path} not written; pass --kind to declare how the adjudication was made "
            "(validate warns until the set declares it)"
        )
        return
    entry = {
        "kind": args.kind,
        "who": f"adjudicator {args.adjudicator} with summit-ledger adjudicate",
        "training": f"decided between the sets of {', '.join(coders)}",
        "codebook_version": codebook_version,
        "saw_reference": "reference" in coders,
        "date": _dt.date.today().isoformat(),
    }
    set_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, yaml.safe_dump({"coders": {args.adjudicator: entry}}, sort_keys=False, allow_unicode=True))


def run(args: argparse.Namespace) -> int:
    import re

    from toolkit.classroom import collect_class
    from toolkit.paths import data_dir
    from toolkit.records.annotation import ANNOTATOR_PATTERN
    from toolkit.records.disclosure import FILE_NAME
    from toolkit.session.adjudication import AdjudicationSession
    from toolkit.store.open import store_at

    if not re.fullmatch(ANNOTATOR_PATTERN, args.out):
        print(f"error: --out {args.out!r} is not a set name: use letters, digits, '-' or '_'", file=sys.stderr)
        return 2
    root = data_dir(args.data)
    sources = [
        root / "annotations" / f if not Path(f).exists() and (root / "annotations" / f).exists() else Path(f)
        for f in args.folders
    ]
    files = collect_class(sources, data=root, progress=False)
    for f in files.files:
        if f.status != "ok" and Path(f.path).name != FILE_NAME:
            print(f"warning: {f.path}: {f.status}: {f.message}", file=sys.stderr)
    try:
        session = AdjudicationSession(files.all_records(), files.documents, adjudicator=args.adjudicator)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.no_accept_agreed and not args.list:
        session.accept_agreed()
    print(session.summary())
    todo = [it for it in session.disagreements if it.index in {u.index for u in session.undecided()}]
    if args.list:
        for it in todo:
            _show(session, it, args.context)
        return 0
    if args.prefer:
        try:
            session.prefer(args.prefer)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    else:
        print("For each item type a version number, r (no passage), s (skip) or q (stop).")
        for it in todo:
            _show(session, it, args.context)
            while True:
                try:
                    answer = input("> ").strip().lower()
                except EOFError:
                    answer = "q"
                if answer in ("q", "s"):
                    break
                if answer == "r":
                    session.reject(it.index)
                    break
                if answer.isdigit() and int(answer) < len(it.versions):
                    session.choose(it.index, int(answer))
                    break
                print(f"  type 0-{len(it.versions) - 1}, r, s or q")
            if answer == "q":
                break
    set_dir = root / "annotations" / args.out
    store = store_at(files.project, set_dir)
    written = session.write(store)
    _write_declaration(set_dir, args, str(files.codebook.version), session.coders)
    print(session.summary())
    print(f"{written} record(s) appended to {store.log_path(args.adjudicator)}, each citing its sources")
    return 0
