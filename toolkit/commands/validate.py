"""``summit-ledger validate [DATA_DIR]``: check every file in a data folder."""
from __future__ import annotations

import argparse

from ..paths import REPO_ROOT
from ..validate import validate_data

HELP = "check codebook, summits, documents, briefs and annotations; exit 1 on any problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", nargs="?", default=str(REPO_ROOT / "data"),
                        help="the data folder (default: the repository's data/)")


def run(args: argparse.Namespace) -> int:
    reports = validate_data(args.data_dir)
    bad = 0
    for rep in reports:
        mark = "ok " if rep.ok else "ERR"
        if rep.ok and rep.warnings:
            print(f"WRN {rep.file}: {rep.summary}: {'; '.join(rep.warnings)}")
        else:
            print(f"{mark} {rep.file}: {rep.summary}")
        for problem in rep.problems:
            print(f"    {problem}")
            bad += 1
    files_bad = sum(not r.ok for r in reports)
    print(f"{len(reports)} files checked, {files_bad} with problems, {bad} problem{'s' * (bad != 1)} in all")
    return 1 if bad else 0
