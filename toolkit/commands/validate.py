"""``summit-ledger validate [DIR]``: check every file in a project."""

from __future__ import annotations

import argparse

from toolkit.store.validate import validate_data

HELP = "check codebook, summits, documents, briefs and annotations; exit 1 on any problem"
#: The positional DIR may name the project, so this command resolves it itself.
FINDS_PROJECT = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data_dir",
        nargs="?",
        default=None,
        metavar="DIR",
        help="the project folder (default: found like every other command: --project, "
        "$SUMMIT_LEDGER_PROJECT, or the nearest summit-ledger.toml above)",
    )


def run(args: argparse.Namespace) -> int:
    from toolkit.project import Project

    project = Project.discover(args.data_dir or args.data)
    reports = validate_data(project.root)
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
