"""``summit-ledger export FORMAT --out FILE``: write annotations (or the ledger) for other tools."""

from __future__ import annotations

import argparse

from toolkit.formats.exporter import EXPORT_FORMATS, LEDGER_FORMATS, export_annotations, export_ledger

HELP = "export annotation sets to doccano, Label Studio, W3C, CSV, or the ledger to Parquet / flat CSV"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=EXPORT_FORMATS)
    parser.add_argument("--out", required=True, help="the file to write")
    parser.add_argument(
        "--set", action="append", dest="sets", metavar="NAME", help="annotation set to export (repeat for several; default: all)"
    )
    parser.add_argument(
        "--document",
        action="append",
        dest="documents",
        metavar="ID",
        help="only this document (repeat for several; span formats only)",
    )
    parser.add_argument(
        "--variant", choices=("label", "entities"), default="label", help="doccano only: span shape to write (default: label)"
    )
    parser.add_argument(
        "--raw",
        action="store_true",
        help="csv and ledger-csv: write cells exactly as stored; by default a cell starting with "
        "= + - @, tab or CR gets a leading apostrophe so a spreadsheet shows it as text",
    )
    parser.add_argument(
        "--ls-email-domain",
        metavar="DOMAIN",
        help="labelstudio only: write completed_by as <annotator>@DOMAIN, for a Label Studio whose "
        "users have those addresses (default: leave it out; Label Studio files the annotations "
        "under the user who imports them)",
    )
    parser.add_argument("--data", help="the project folder (default: found by discovery)")
    parser.add_argument(
        "--strict", action="store_true", help="fail (exit 1, nothing written) when any annotation line or log file is left out"
    )


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from toolkit.errors import DataError, skipped_report

    if Path(args.out).is_dir():
        raise DataError.at(args.out, None, "out", "is a folder; give the name of the file to write")
    if args.format in LEDGER_FORMATS:
        from toolkit.ledger.build import load_ledger

        ledger = load_ledger(args.data, sets=args.sets)
        skipped = ledger.attrs.get("problems", [])
        if skipped and args.strict:
            raise DataError(skipped)
        rep = export_ledger(args.format, ledger, args.out, raw=args.raw)
        rep.problems = list(skipped)
    else:
        rep = export_annotations(
            args.format,
            args.out,
            data=args.data,
            sets=args.sets,
            document_ids=args.documents,
            variant=args.variant,
            raw=args.raw,
            email_domain=args.ls_email_domain,
            strict=args.strict,
        )
    for line in skipped_report(rep.problems, what="annotations"):
        print(line, file=sys.stderr)
    print(rep.summary())
    return 0
