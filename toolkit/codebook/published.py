"""The published tables the codebook cites, read from the data kept in ``toolkit/codebook/tables/``.

- :func:`goldstein_table` / :func:`goldstein`: the Goldstein value of every CAMEO code, from
  GDELT's ``CAMEO.goldsteinscale.txt`` (one row per code; a sub-code has its own value,
  not its root's).
- :func:`quad_class`: the CAMEO quad class of a code by its root (:data:`QUAD_CLASSES`), as
  GDELT's ``QuadClass`` (split ``"gdelt"``: roots 01–05, 06–09, 10–14, 15–20) or as ICEWS
  cleaning code has it (split ``"icews"``: 01–05, 06–08, 09–13, 14–20).
- :func:`plover_types`, :func:`plover_modes`, :func:`plover_contexts`, :func:`plover_score`:
  the lists and scores of the PLOVER manual (:data:`PLOVER_VERSION`, from
  openeventdata/PLOVER at :data:`PLOVER_COMMIT`).

The files' sources are described in ``toolkit/codebook/tables/README.md``. An unknown code raises
:class:`toolkit.errors.CodebookError` naming the table it was looked up in.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.errors import CodebookError, Problem

__all__ = [
    "TABLES_DIR",
    "GOLDSTEIN_FILE",
    "PLOVER_FILE",
    "QUAD_CLASSES",
    "QUAD_SPLITS",
    "PLOVER_VERSION",
    "PLOVER_COMMIT",
    "goldstein_table",
    "goldstein",
    "quad_class",
    "plover_types",
    "plover_modes",
    "plover_contexts",
    "plover_score",
    "plover_quad_category",
]

TABLES_DIR = Path(__file__).resolve().parent / "tables"
GOLDSTEIN_FILE = TABLES_DIR / "CAMEO.goldsteinscale.txt"
PLOVER_FILE = TABLES_DIR / "PLOVER-2.0.json"

#: GDELT's QuadClass numbers and their names.
QUAD_CLASSES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

#: The two root-code splits in use: the last root of quad classes 1, 2 and 3 (the rest is 4).
QUAD_SPLITS: dict[str, tuple[int, int, int]] = {
    "gdelt": (5, 9, 14),
    "icews": (5, 8, 13),
}

_HEADER = "CAMEOEVENTCODE\tGOLDSTEINSCALE"
_MAX_BYTES = 1 << 20


def _read_text(path: Path) -> str:
    with path.open("rb") as f:
        raw = f.read(_MAX_BYTES + 1)
    if len(raw) > _MAX_BYTES:
        raise CodebookError.at(path, None, None, "the table is larger than 1 MiB; it is not the published file")
    return raw.decode("utf-8")


@cache
def _goldstein() -> dict[str, float]:
    lines = _read_text(GOLDSTEIN_FILE).splitlines()
    if not lines or lines[0] != _HEADER:
        raise CodebookError.at(GOLDSTEIN_FILE, 1, None, f"expected the header {_HEADER!r}")
    table: dict[str, float] = {}
    problems: list[Problem] = []
    for n, line in enumerate(lines[1:], start=2):
        code, sep, value = line.partition("\t")
        if not sep or not code.isdigit() or not 2 <= len(code) <= 4 or code in table:
            problems.append(Problem(str(GOLDSTEIN_FILE), n, "CAMEOEVENTCODE", f"{code!r} is not a new CAMEO code"))
            continue
        try:
            table[code] = float(value)
        except ValueError:
            problems.append(Problem(str(GOLDSTEIN_FILE), n, "GOLDSTEINSCALE", f"{value!r} is not a number"))
    if problems:
        raise CodebookError(problems)
    return table


def goldstein_table() -> dict[str, float]:
    """Every CAMEO code of GDELT's table with its Goldstein value (a fresh copy)."""
    return dict(_goldstein())


def _check_code(code: object) -> str:
    if not isinstance(code, str):
        raise TypeError(f"a CAMEO code is a string such as '057', not {type(code).__name__}")
    return code


def goldstein(code: str) -> float:
    """The published Goldstein value of one CAMEO code (e.g. ``goldstein("163") == -8.0``).

    Raises
    ------
    CodebookError
        When the code is not in the table (the value of a root is never used for a missing sub-code).
    """
    table = _goldstein()
    if _check_code(code) not in table:
        raise CodebookError.at(GOLDSTEIN_FILE, None, "CAMEOEVENTCODE", f"{code!r} is not a CAMEO code of the Goldstein table")
    return table[code]


def quad_class(code: str, *, split: str = "gdelt") -> int:
    """The quad class (1–4, see :data:`QUAD_CLASSES`) of a CAMEO code, by its two-digit root.

    ``split`` chooses the root ranges (:data:`QUAD_SPLITS`); the default is GDELT's QuadClass.
    """
    if split not in QUAD_SPLITS:
        raise ValueError(f"split must be one of {sorted(QUAD_SPLITS)}, not {split!r}")
    if _check_code(code) not in _goldstein():
        raise CodebookError.at(GOLDSTEIN_FILE, None, "CAMEOEVENTCODE", f"{code!r} is not a CAMEO code")
    root = int(code[:2])
    ends = QUAD_SPLITS[split]
    return next((q for q, end in enumerate(ends, start=1) if root <= end), 4)


@cache
def _plover() -> dict[str, Any]:
    data = json.loads(_read_text(PLOVER_FILE))
    if not isinstance(data, dict) or not {"version", "source", "event_types", "modes", "contexts"} <= data.keys():
        raise CodebookError.at(
            PLOVER_FILE, None, None, "not the PLOVER tables file (version, source, event_types, modes, contexts)"
        )
    return data


def _types() -> dict[str, dict[str, Any]]:
    return {str(t["type"]): t for t in _plover()["event_types"]}


def plover_types() -> tuple[str, ...]:
    """The PLOVER event types, in the manual's order (AGREE … ASSAULT)."""
    return tuple(_types())


def _check_type(event_type: str) -> str:
    if not isinstance(event_type, str):
        raise TypeError(f"a PLOVER event type is a string such as 'SANCTION', not {type(event_type).__name__}")
    if event_type not in _types():
        raise CodebookError.at(PLOVER_FILE, None, "event_types", f"{event_type!r} is not a PLOVER {PLOVER_VERSION} event type")
    return event_type


def plover_modes(event_type: str) -> tuple[str, ...]:
    """The modes the manual lists for one event type (empty for types without modes)."""
    _check_type(event_type)
    return tuple(str(m["mode"]) for m in _plover()["modes"] if m["type"] == event_type)


def plover_contexts() -> tuple[str, ...]:
    """The manual's general contexts ("can be used with any category"), in its order."""
    return tuple(str(c["context"]) for c in _plover()["contexts"])


def plover_score(event_type: str, mode: str | None = None) -> float | None:
    """The manual's conflict–cooperation score of a type, or of a type's mode (None where it gives none)."""
    _check_type(event_type)
    if mode is None:
        score = _types()[event_type]["score"]
    else:
        row = next((m for m in _plover()["modes"] if m["type"] == event_type and m["mode"] == mode), None)
        if row is None:
            raise CodebookError.at(
                PLOVER_FILE, None, "modes", f"{mode!r} is not a mode of {event_type} in PLOVER {PLOVER_VERSION}"
            )
        score = row["score"]
    return None if score is None else float(score)


def plover_quad_category(event_type: str) -> str:
    """The quad category the manual's section on ``event_type`` gives (e.g. ``"verbal conflict"``)."""
    return str(_types()[_check_type(event_type)]["quad_category"])


PLOVER_VERSION: str = str(_plover()["version"])
PLOVER_COMMIT: str = str(_plover()["source"]["commit"])
