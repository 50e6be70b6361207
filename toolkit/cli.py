"""The ``summit-ledger`` command. Each sub-command lives in ``toolkit.commands``;
this module only dispatches and turns the toolkit's errors into one clear
message and exit code 1 (no tracebacks)."""
from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["main", "COMMANDS"]

#: sub-command name -> module in toolkit.commands
COMMANDS: dict[str, str] = {
    "validate": "validate",
    "figures": "figures",
    "agreement": "agreement",
    "adjudicate": "adjudicate",
    "add-article": "add_article",
    "add-summit": "add_summit",
    "import": "import_",
    "export": "export",
    "reanchor": "reanchor",
    "migrate": "migrate",
    "class": "class_",
}


def build_parser(only: "str | None" = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that sub-command's module is imported."""
    parser = argparse.ArgumentParser(prog="summit-ledger", description="Summit Ledger: annotate and chart summit grievances and goodwill.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        mod = importlib.import_module(f"toolkit.commands.{module}")
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: "list[str] | None" = None) -> int:
    from .errors import SummitLedgerError

    argv = sys.argv[1:] if argv is None else list(argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(first if first in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except SummitLedgerError as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            for p in problems:
                print(f"error: {p}", file=sys.stderr)
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
