"""Ids a user types that become file or folder names, checked in one place.

Document, summit, annotation-set and annotator ids all end up in a path
(``documents/<id>.yaml``, ``annotations/<set>/<annotator>.jsonl``). Each is
checked here with :func:`re.fullmatch` *before* any path is built, so ``../x``,
``/etc/passwd``, ``abc\\n`` (``$`` would accept the newline), ``a/b`` or a lone
``.`` never reach the file system. Document, summit and set ids are ASCII
slugs; annotator names are people's names, so they may use letters of any
script (``Élise``), checked on the name's shape: each letter or digit becomes
``a`` and each combining mark ``m`` before the pattern is matched.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from pathlib import Path
from typing import Literal

from toolkit.errors import DataError

__all__ = [
    "now_iso",
    "normalize_annotator",
    "check_annotator",
    "IdKind",
    "ID_PATTERNS",
    "ISO_DATE",
    "id_problem",
    "check_id",
    "parse_iso_date",
]

IdKind = Literal["document", "summit", "set", "annotator"]

#: What each kind of id may look like (always matched in full, ASCII only).
ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "document": re.compile(r"[a-z0-9][a-z0-9-]{0,120}", re.ASCII),
    "summit": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9][a-z0-9-]{0,100}", re.ASCII),
    "set": re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII),
    # annotator names: see _annotator_problem (letters of any script); this ASCII form is what exports may use
    "annotator": re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII),
}

_RULES: dict[str, str] = {
    "document": "a lower-case slug (letters, digits, '-'), e.g. 2021-12-08-kremlin-readout",
    "summit": "YYYY-MM-DD then a lower-case slug, e.g. 2021-06-16-geneva",
    "set": "1-64 letters, digits, '-' or '_', starting with a letter or digit",
    "annotator": "1-64 letters, digits, '-' or '_', starting with a letter or digit (it becomes the file name <name>.jsonl)",
}

#: An annotator name's shape (see the module docstring), matched in full.
_NAME_SHAPE = re.compile(r"a[am_-]{0,63}")
#: Alphabets with letters that look alike; one name may not mix them (``аlice`` with a Cyrillic ``а``).
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))})

#: Longest shown part of a rejected value (a pasted blob must not flood the terminal).
SHOW = 80


def shown(value: object) -> str:
    """``repr`` of ``value``, cut to :data:`SHOW` characters."""
    r = repr(value)
    return r if len(r) <= SHOW else r[: SHOW - 1] + "…"


def _shape(name: str) -> str:
    out = []
    for ch in name:
        cat = unicodedata.category(ch)
        out.append("a" if cat[0] == "L" or cat == "Nd" else "m" if cat[0] == "M" else ch if ch in "-_" else "?")
    return "".join(out)


def _annotator_problem(name: object) -> str | None:
    if not isinstance(name, str) or not _NAME_SHAPE.fullmatch(_shape(name)):
        return (
            f"annotator name {shown(name)} is not allowed: use 1 to 64 letters (any alphabet) or digits, "
            "'-' or '_', starting with a letter or digit (it becomes the file name <name>.jsonl)"
        )
    if unicodedata.normalize("NFC", name) != name:
        return (
            f"annotator name {shown(name)} is not allowed: it is not in Unicode NFC form "
            f"(type it again, or use {unicodedata.normalize('NFC', name)!r})"
        )
    if name.casefold() in _RESERVED:
        return f"annotator name {shown(name)} is not allowed: it is a reserved device name on Windows"
    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in name if c.isalpha()} & _LOOKALIKE_SCRIPTS
    if len(scripts) > 1:
        return (
            f"annotator name {shown(name)} is not allowed: it mixes {' and '.join(sorted(s.title() for s in scripts))} "
            "letters, which look alike (write the whole name in one alphabet)"
        )
    return None


def id_problem(kind: IdKind, value: object) -> str | None:
    """The reason ``value`` is not a valid ``kind`` id, or None when it is."""
    if kind == "annotator":
        return _annotator_problem(value)
    try:
        pattern = ID_PATTERNS[kind]
    except KeyError:
        raise ValueError(f"unknown id kind {kind!r}; use one of {', '.join(ID_PATTERNS)}") from None
    if isinstance(value, str) and pattern.fullmatch(value):
        return None
    return f"{kind} {'name' if kind in ('set', 'annotator') else 'id'} {shown(value)} is not allowed: use {_RULES[kind]}"


def check_id(
    kind: IdKind, value: object, *, file: str | Path = "<input>", line: int | None = None, field: str | None = None
) -> str:
    """Return ``value`` if it is a valid ``kind`` id; otherwise raise one :class:`DataError`.

    Parameters
    ----------
    kind : {"document", "summit", "set", "annotator"}
    value : object
        What the user gave.
    file, line, field
        Where the error points (the command-line option when the id came from one).

    Raises
    ------
    DataError
        When ``value`` is not a string matching the kind's pattern in full.
    """
    msg = id_problem(kind, value)
    if msg is not None:
        raise DataError.at(file, line, field or kind, msg)
    return value  # type: ignore[return-value]


#: A calendar date exactly as the data files write it (``date.fromisoformat`` also takes 20220301 or 2022-W09-2).
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_iso_date(value: object) -> _dt.date | None:
    """``value`` as a date if it is a date, or text that is exactly ``YYYY-MM-DD`` and a real day; else None."""
    if isinstance(value, _dt.datetime):
        return None
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def now_iso() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_annotator(name: str) -> str:
    """A typed name in the one form it is stored and checked in: trimmed, Unicode NFC."""
    return unicodedata.normalize("NFC", name.strip())


def check_annotator(name: object) -> str | None:
    """Return an error message if ``name`` cannot be an annotator name (it becomes a file name).

    Allowed: 1-64 characters, letters of any script (``Élise``, ``Анна``, ``李明``), their combining
    marks, digits, ``-`` and ``_``, starting with a letter or digit, in Unicode NFC form (use
    :func:`normalize_annotator` on typed input). No dot, slash, space or control character can
    occur, so ``<name>.jsonl`` stays inside its folder; Windows device names are refused. The rule
    lives in :mod:`toolkit.ids`, with the other ids that become paths.
    """
    return _checked_annotator(name) if type(name) is str else id_problem("annotator", name)


@functools.lru_cache(maxsize=1024)
def _checked_annotator(name: str) -> str | None:
    """The check of a name, kept: a log or an import repeats the same few names on every record."""
    return id_problem("annotator", name)
