"""How an annotation set was made: the ``set.yaml`` declaration beside its logs.

A reliability figure means little without knowing who or what coded. Every
set folder ``annotations/<set>/`` may hold a ``set.yaml``::

    description: two coding sessions of the seed article   # optional
    coders:
      coder-a:                       # one entry per annotator log in the folder
        kind: model                  # person | model | model-assisted | rule
        who: a language-model coding session      # free text
        training: the codebook only               # what the coder was given / taught
        codebook_version: "1.0.0"
        saw_reference: false         # did the coder see the reference coding?
        date: 2026-11-28             # when the coding was done (YYYY-MM-DD)
        notes: ...                   # optional

``summit-ledger validate`` checks the file when it exists (every field, and an
entry for every log in the folder) and **warns** when a set has none: a
student's or a new study's folder is still valid data, but its agreement
figures are printed with "how made: not declared". The agreement CLI and
notebook print each coder's declaration next to the coefficients.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from toolkit._io import read_yaml
from toolkit.errors import DataError, Problem

__all__ = [
    "CoderKind",
    "CODER_KINDS",
    "FILE_NAME",
    "CoderDeclaration",
    "SetDeclaration",
    "load_declaration",
    "check_declaration",
    "describe_coder",
    "find_declarations",
    "declarations_frame",
]

CoderKind = Literal["person", "model", "model-assisted", "rule"]
CODER_KINDS: tuple[str, ...] = get_args(CoderKind)
FILE_NAME = "set.yaml"
_REQUIRED = ("kind", "who", "training", "codebook_version", "saw_reference", "date")
_OPTIONAL = ("notes",)


@dataclass(frozen=True)
class CoderDeclaration:
    """How one annotator's log in a set was made."""

    annotator: str
    kind: str
    who: str
    training: str
    codebook_version: str
    saw_reference: bool
    date: str
    notes: str = ""


@dataclass(frozen=True)
class SetDeclaration:
    """The parsed ``set.yaml`` of one set folder."""

    path: str
    description: str
    coders: dict[str, CoderDeclaration]


def _date(value: Any) -> str | None:
    if isinstance(value, _dt.datetime):
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _parse(path: Path, raw: Any) -> tuple[SetDeclaration | None, list[Problem]]:
    from toolkit.records.annotation import check_annotator

    problems: list[Problem] = []
    file = str(path)
    if not isinstance(raw, dict):
        return None, [Problem(file, None, None, "expected a mapping with a 'coders' key")]
    for key in raw:
        if key not in ("description", "coders"):
            problems.append(Problem(file, getattr(raw, "line", None), str(key), "unknown key; use description, coders"))
    description = raw.get("description", "")
    if not isinstance(description, str):
        problems.append(Problem(file, getattr(raw, "line", None), "description", "expected text"))
        description = ""
    coders_raw = raw.get("coders")
    if not isinstance(coders_raw, dict) or not coders_raw:
        problems.append(
            Problem(
                file,
                getattr(raw, "line", None),
                "coders",
                "expected a mapping of annotator name -> declaration, with at least one entry",
            )
        )
        return None, problems
    coders: dict[str, CoderDeclaration] = {}
    for name, entry in coders_raw.items():
        line = getattr(entry, "line", getattr(coders_raw, "line", None))
        if msg := check_annotator(name):
            problems.append(Problem(file, line, "coders", msg))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(file, line, str(name), "expected a mapping of kind, who, training, ..."))
            continue
        bad = len(problems)
        for key in entry:
            if key not in _REQUIRED + _OPTIONAL:
                problems.append(
                    Problem(file, line, str(key), f"unknown key for coder {name!r}; use {', '.join(_REQUIRED + _OPTIONAL)}")
                )
        for key in _REQUIRED:
            if key not in entry:
                problems.append(Problem(file, line, key, f"missing for coder {name!r}"))
        if len(problems) > bad:
            continue
        if entry["kind"] not in CODER_KINDS:
            problems.append(Problem(file, line, "kind", f"{entry['kind']!r} unknown; use one of {', '.join(CODER_KINDS)}"))
        for key in ("who", "training", "codebook_version", "notes"):
            if key in entry and not isinstance(entry[key], str):
                problems.append(Problem(file, line, key, f"expected text (quote version numbers), got {entry[key]!r}"))
        if not isinstance(entry["saw_reference"], bool):
            problems.append(Problem(file, line, "saw_reference", f"expected true or false, got {entry['saw_reference']!r}"))
        date = _date(entry["date"])
        if date is None:
            problems.append(Problem(file, line, "date", f"expected a date YYYY-MM-DD, got {entry['date']!r}"))
        if len(problems) > bad:
            continue
        coders[name] = CoderDeclaration(
            annotator=name,
            kind=entry["kind"],
            who=entry["who"],
            training=entry["training"],
            codebook_version=entry["codebook_version"],
            saw_reference=entry["saw_reference"],
            date=str(date),
            notes=entry.get("notes", ""),
        )
    if problems:
        return None, problems
    return SetDeclaration(path=file, description=description, coders=coders), []


def check_declaration(set_dir: str | Path, annotators: list[str] | None = None) -> tuple[SetDeclaration | None, list[Problem]]:
    """Read and check ``<set_dir>/set.yaml``.

    Parameters
    ----------
    set_dir : str or Path
    annotators : list of str, optional
        Annotators whose logs are in the folder; each needs an entry.

    Returns
    -------
    (SetDeclaration or None, list of Problem)
        ``(None, [])`` when the folder has no ``set.yaml``.
    """
    path = Path(set_dir) / FILE_NAME
    if not path.exists():
        return None, []
    try:
        raw = read_yaml(path)
    except DataError as exc:
        return None, list(exc.problems)
    except ValueError as exc:  # the YAML loader turns an impossible date such as 2026-13-01 into a ValueError
        return None, [Problem(str(path), None, "date", f"not a valid date: {exc}")]
    decl, problems = _parse(path, raw)
    if decl is not None and annotators is not None:
        missing = [a for a in annotators if a not in decl.coders]
        if missing:
            return None, [
                Problem(
                    str(path),
                    None,
                    "coders",
                    f"no declaration for annotator(s) {', '.join(missing)}; add an entry for every log in the folder",
                )
            ]
    return decl, problems


def load_declaration(set_dir: str | Path) -> SetDeclaration | None:
    """The declaration of a set folder, or None when it has none.

    Raises
    ------
    DataError
        The file exists but is invalid (every problem, with file and line).
    """
    decl, problems = check_declaration(set_dir)
    if problems:
        raise DataError(problems)
    return decl


def describe_coder(decl: CoderDeclaration | None) -> str:
    """One line for printing next to a coefficient."""
    if decl is None:
        return "how made: not declared (no set.yaml entry)"
    seen = "saw the reference" if decl.saw_reference else "did not see the reference"
    return f"{decl.kind}: {decl.who}; trained on {decl.training}; codebook {decl.codebook_version}; {seen}; coded {decl.date}"


def find_declarations(sources: Iterable[str | Path]) -> dict[str, CoderDeclaration]:
    """Every coder declared in a ``set.yaml`` at or below the given folders (or beside a given file).

    Raises
    ------
    DataError
        A ``set.yaml`` found is invalid.
    """
    found: dict[str, CoderDeclaration] = {}
    folders: list[Path] = []
    for src in map(Path, sources):
        if src.is_file():
            folders.append(src.parent)
        elif src.is_dir():
            folders += sorted({p.parent for p in src.rglob(FILE_NAME)})
    for folder in folders:
        decl = load_declaration(folder)
        if decl is not None:
            for name, coder in decl.coders.items():
                found.setdefault(name, coder)
    return found


def declarations_frame(declarations: Mapping[str, CoderDeclaration | None], coders: Iterable[str] | None = None):
    """A table (pandas DataFrame) of declarations, one row per coder; undeclared coders say so."""
    import pandas as pd

    names = list(coders) if coders is not None else sorted(declarations)
    cols = ["kind", "who", "training", "codebook_version", "saw_reference", "date", "notes"]
    rows = []
    for c in names:
        d = declarations.get(c)
        rows.append(
            {
                "annotator": c,
                **({k: getattr(d, k) for k in cols} if d is not None else {"kind": "not declared", **{k: "" for k in cols[1:]}}),
            }
        )
    return pd.DataFrame(rows, columns=["annotator", *cols]).set_index("annotator")
