"""The bad-input corpus's harness: the case type, the helpers that break files, and the runner.

The cases live by theme in ``bad_input_logs.py`` (annotation logs),
``bad_input_project.py`` (codebook, summits, documents, briefs) and
``bad_input_imports.py`` (import formats and ``add-article``);
``test_bad_input.py`` runs every one of them (see its docstring for the promise
each case must keep). :func:`all_cases` lists the whole corpus, for any test
that needs to go over every case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adversarial import CONSEQUENCE, DATA, SEED, VERDICT, reference_op, snapshot

from toolkit.commands.main import main

__all__ = [
    "CONSEQUENCE",
    "DATA",
    "DROP",
    "SEED",
    "VERDICT",
    "Case",
    "Corpus",
    "all_cases",
    "append",
    "nlines",
    "op",
    "parse_problems",
    "replace_once",
    "run_case",
    "snapshot",
    "student_log",
    "validate",
]


# ----------------------------------------------------------------- helpers
def nlines(path: Path) -> int:
    return path.read_bytes().count(b"\n")


def append(path: Path, text: str) -> int:
    """Append ``text`` (which starts a new line); return the 1-based line it starts on."""
    raw = path.read_bytes() if path.exists() else b""
    assert not raw or raw.endswith(b"\n")
    path.write_bytes(raw + text.encode("utf-8"))
    return raw.count(b"\n") + 1


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the single occurrence of ``old``; return the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}; the case needs updating"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def student_log(data: Path, *bad_lines: dict | str | bytes, name: str = "student-1") -> Path:
    """A log in set ``class`` with one good line, then ``bad_lines``."""
    good = {**reference_op(), "annotator": name}
    log = data / "annotations" / "class" / f"{name}.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    out = json.dumps(good).encode() + b"\n"
    for bad in bad_lines:
        if isinstance(bad, dict):
            bad = json.dumps(bad)
        if isinstance(bad, str):
            bad = bad.encode("utf-8")
        out += bad + b"\n"
    log.write_bytes(out)
    return log


def op(**changes) -> dict:
    rec = {**reference_op(), "annotator": "student-1", **changes}
    return {k: v for k, v in rec.items() if v is not DROP}


DROP = object()


def validate(data: Path) -> list[str]:
    return ["validate", str(data)]


# -------------------------------------------------------------------- cases
@dataclass(frozen=True)
class Case:
    """One broken input.

    ``setup(data, work)`` breaks something and returns ``(argv, file, line,
    field)``: the CLI arguments, and where the one error must point.
    ``match`` is a regular expression the message must match.
    """

    id: str
    setup: Callable[[Path, Path], tuple[list[str], Path, int | None, str | None]]
    match: str
    known_gap: str | None = None  # a reported shortfall: the case is xfail(strict) until it is fixed


class Corpus(list[Case]):
    """The cases of one theme; ``@corpus.case(id, match)`` adds the decorated setup function."""

    def case(self, id: str, match: str, known_gap: str | None = None):
        def deco(fn):
            self.append(Case(id, fn, match, known_gap))
            return fn

        return deco


def all_cases() -> list[Case]:
    """Every case of the corpus, theme by theme."""
    import bad_input_imports
    import bad_input_logs
    import bad_input_project

    return [*bad_input_logs.CASES, *bad_input_project.CASES, *bad_input_imports.CASES]


# ------------------------------------------------------------------ runner
def parse_problems(out: str, err: str) -> tuple[list[str], list[str]]:
    """Problem lines the CLI printed (validate indents them; other commands say 'error: ')."""
    lines = [ln[4:] for ln in out.splitlines() if ln.startswith("    ")]
    lines += [ln[len("error: ") :] for ln in err.splitlines() if ln.startswith("error: ")]
    consequences = [ln for ln in lines if ln.endswith(CONSEQUENCE) or VERDICT.search(ln)]
    return [ln for ln in lines if ln not in consequences], consequences


def run_case(c: Case, dirs, capsys):
    data, work = dirs
    argv, file, line, field = c.setup(data, work)
    capsys.readouterr()
    before = snapshot(data, work)
    rc = main(argv)
    out, err = capsys.readouterr()
    return argv, file, line, field, before, rc, out, err
