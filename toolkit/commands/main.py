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
    "init": "init",
    "add-articles": "add_articles",
    "events": "events",
    "lab": "lab",
}

#: Commands that write into the project they found; each names it first (on stderr).
WRITING = frozenset({"add-article", "add-articles", "add-summit", "import", "reanchor", "migrate", "adjudicate"})

PROJECT_HELP = (
    "the project folder (default: $SUMMIT_LEDGER_PROJECT, else the nearest folder upward holding "
    "summit-ledger.toml); --data is the old name"
)


def _project_option(parser: argparse.ArgumentParser) -> str:
    """Give a sub-command ``--project DIR`` with ``--data`` as its alias; return the destination name.

    Commands that declare one of the two keep their declaration; the other
    spelling is added pointing at the same destination.
    """
    actions = {s: a for a in parser._actions for s in a.option_strings}
    if "--project" in actions and "--data" in actions:
        return actions["--project"].dest
    if "--data" in actions:
        parser.add_argument("--project", dest=actions["--data"].dest, metavar="DIR", help=PROJECT_HELP)
        actions["--data"].help = argparse.SUPPRESS
        return actions["--data"].dest
    if "--project" in actions:
        parser.add_argument("--data", dest=actions["--project"].dest, metavar="DIR", help=argparse.SUPPRESS)
        return actions["--project"].dest
    parser.add_argument("--project", "--data", dest="data", metavar="DIR", help=PROJECT_HELP)
    return "data"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that sub-command's module is imported."""
    parser = argparse.ArgumentParser(
        prog="summit-ledger", description="Summit Ledger: annotate and chart summit grievances and goodwill."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        mod = importlib.import_module(f"toolkit.commands.{module}")
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run, _module=mod)
        if not getattr(mod, "NO_PROJECT", False):
            p.set_defaults(_project_dest=_project_option(p))
    return parser


def _os_message(exc: OSError) -> str:
    """One line for an operating-system error: the path, and what went wrong in plain words."""
    import errno

    plain = {
        errno.EACCES: "permission denied (check the folder's permissions)",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "no space left on the device; free some space and run the command again",
        errno.EISDIR: "is a folder; give a file name",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.ENOENT: "no such file or folder",
        errno.EDQUOT: "disk quota exceeded",
        errno.ENAMETOOLONG: "file name too long",
        errno.ELOOP: "too many symbolic links",
    }
    reason = plain.get(exc.errno or -1) or exc.strerror or type(exc).__name__
    # a rename names the temp file first and the user's file second: the user's file is the one to name
    where = exc.filename2 if exc.filename2 is not None else exc.filename
    return f"{where}: {reason}" if where is not None else reason


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"note: {_bounded(str(message))}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Errors never show a traceback: the toolkit's own errors print one
    ``error:`` line per problem, operating-system errors one line naming the
    path, and anything unexpected one line saying so. ``--debug`` (anywhere on
    the line) lets unexpected errors propagate with their traceback.
    """
    from toolkit.errors import SummitLedgerError

    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(first if first in COMMANDS else None)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    parser.add_argument("--version", action="version", version=f"summit-ledger {_version()}")
    if first in COMMANDS:
        _refuse_unknown_options(parser, first, argv)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        dest = getattr(args, "_project_dest", None)
        if dest is not None and getattr(args._module, "FINDS_PROJECT", True):
            # One discovery for every command (see toolkit.paths): the command writes only inside it.
            from toolkit.project import Project

            project = Project.discover(getattr(args, dest))  # refuses an unsafe project (toolkit.paths.check_project_safe)
            setattr(args, dest, project.root)
            args.project = project
            if args.command in WRITING:  # say where the command writes, before it does
                print(f"project: {project.root}", file=sys.stderr)
        import warnings

        with warnings.catch_warnings():
            warnings.showwarning = _note  # a warning on the command line is a plain note, not a source line
            return int(args._run(args) or 0)
    except SummitLedgerError as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            for p in problems:
                print(f"error: {_bounded(str(p))}", file=sys.stderr)
        else:
            print(f"error: {_bounded(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if debug:
            raise
        print(f"error: {_os_message(exc)}", file=sys.stderr)
        return 1
    except RecursionError:
        if debug:
            raise
        print("error: the input is nested too deeply to read", file=sys.stderr)
        return 1
    except MemoryError:
        if debug:
            raise
        print("error: out of memory while reading the input; is a file far larger than expected?", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        if debug:
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {_bounded(str(exc))} "
            "(please report it; rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("summit-ledger")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
        return "(not installed)"


def _refuse_unknown_options(parser: argparse.ArgumentParser, command: str, argv: list[str]) -> None:
    """Report a mistyped option as such (``--outt``), before argparse complains about a missing ``--out``."""
    import difflib

    def choices(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        return next((dict(a.choices) for a in p._actions if isinstance(a, argparse._SubParsersAction)), {})

    sub = choices(parser)[command]
    tokens = argv[: argv.index("--")] if "--" in argv else argv
    # an action of the command (`class grade`) has options of its own: follow the path the tokens name
    for token in tokens:
        if not token.startswith("-") and token in choices(sub):
            sub = choices(sub)[token]
    known = [s for a in sub._actions for s in a.option_strings] + ["--debug"]
    for token in tokens:
        if not token.startswith("--") or token == "--":
            continue
        name = token.split("=", 1)[0]
        if name in known or sum(o.startswith(name) for o in known) == 1:  # argparse accepts a unique prefix
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; see summit-ledger {command} --help"
        sub.error(f"unknown option {name}{hint}")


def _bounded(text: str, limit: int = 2000) -> str:
    """An error line cut to ``limit`` characters: no input value is ever echoed without bound."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
