"""``summit-ledger import FORMAT FILE --set NAME``: import another tool's annotations."""

from __future__ import annotations

import argparse

from toolkit.formats.importer import IMPORT_FORMATS, import_file

HELP = "import annotations from doccano, Label Studio, W3C Web Annotation, CSV or Parquet (all or nothing)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=IMPORT_FORMATS)
    parser.add_argument("file")
    parser.add_argument("--set", required=True, dest="set_name", help="annotation set to import into")
    parser.add_argument("--document", help="document id of every span, when the file does not say")
    parser.add_argument("--map", dest="label_map", help="label-mapping YAML: foreign labels -> codes")
    parser.add_argument("--annotator", help="annotator name for every span (overrides the file)")
    parser.add_argument(
        "--annotator-map",
        action="append",
        dest="annotator_map",
        metavar="SOURCE=NAME",
        help="annotator name for one identity the file records (e-mail, user id), e.g. "
        "alice@uni-b.edu=alice-b; repeat for several, or give a YAML file of source: name",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid records and report each skipped one (default: import nothing on any error)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    parser.add_argument("--data", help="the project folder (default: found by discovery)")


def run(args: argparse.Namespace) -> int:
    rep = import_file(
        args.format,
        args.file,
        set_name=args.set_name,
        data=args.data,
        document=args.document,
        label_map=args.label_map,
        annotator=args.annotator,
        skip_invalid=args.skip_invalid,
        dry_run=args.dry_run,
        annotator_map=args.annotator_map,
    )
    for line in rep.repaired:
        print(f"repaired: {line}")
    for line in rep.notices:
        print(f"note: {line}")
    for problem in rep.skipped:
        print(f"skipped: {problem}")
    print(rep.summary())
    return 0
