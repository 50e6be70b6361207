"""The line format of the store's operation logs: record kinds, encoding, parsing, torn tails.

A log line is one JSON object: an operation (``"op": "upsert" | "delete"``)
on a record. Records come in *kinds* (``"kind"`` field; absent means
``"mention"``, a coded span). Each kind registers how its records are taken
from an operation line and validated (:func:`register_kind`), so the store
itself stays generic.

Folding the lines into live records is :mod:`toolkit.store.index`'s job; the
write paths are :mod:`toolkit.store` (appends) and :mod:`toolkit.store.batch`
(whole-file batches and compaction).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit._io import content_hash, loads_json
from toolkit.errors import DataError, Problem, ValidationError
from toolkit.records.annotation import EVENT_FIELDS, FIELDS, OPTIONAL_FIELDS, validate_record

__all__ = [
    "OPS",
    "OP_KEYS",
    "LogState",
    "RecordKind",
    "TornLine",
    "complete_line",
    "encode_line",
    "op_id_for",
    "op_line",
    "parse_lines",
    "record_kind",
    "refuse_dirty",
    "register_kind",
    "set_aside_torn",
    "upsert_op",
]

OPS = ("upsert", "delete")
#: Keys of an operation line that are not part of the record.
OP_KEYS = ("op", "op_id", "at", "undoes")

Validator = Callable[..., "list[Problem]"]


@dataclass(frozen=True)
class RecordKind:
    """How records of one kind are taken from a log line and checked.

    Attributes
    ----------
    name : str
        The value of the ``kind`` field (``"mention"`` when absent).
    validate : callable
        ``validate(rec, *, file, line, codebook, documents, summits) -> list[Problem]``.
    fields : tuple of str or None
        The record's fields; None keeps every key that is not an operation key.
    """

    name: str
    validate: Validator
    fields: tuple[str, ...] | None = None

    def record(self, op: dict) -> dict:
        """The record an upsert line carries."""
        if self.fields is None:
            return {k: v for k, v in op.items() if k not in OP_KEYS}
        rec = {k: op[k] for k in self.fields if k in op}
        rec.setdefault("note", "")
        return rec


_KINDS: dict[str, RecordKind] = {
    "mention": RecordKind("mention", validate_record, (*FIELDS, *(f for f in OPTIONAL_FIELDS if f != "kind"))),
    # events (codebook 2.0): validate_record hands them to toolkit.records.events.validate_event
    "event": RecordKind("event", validate_record, EVENT_FIELDS),
}


def register_kind(kind: RecordKind) -> None:
    """Register (or replace) a record kind, e.g. ``"event"`` records of :mod:`toolkit.records.events`."""
    if not isinstance(kind, RecordKind):
        raise TypeError(f"expected a RecordKind, got {type(kind).__name__}")
    _KINDS[kind.name] = kind


def record_kind(obj: dict) -> RecordKind | str:
    """The registered kind of a record or upsert line, or an error message."""
    name = obj.get("kind", "mention")
    if isinstance(name, str) and name in _KINDS:
        return _KINDS[name]
    return f"{name!r} is not a known record kind; known: {', '.join(sorted(_KINDS))}"


def upsert_op(record: dict, *, undoes: str | None = None, **context: Any) -> dict:
    """The upsert operation that writes ``record``, checked by its kind's validator.

    ``context`` is what the validator checks against (``codebook``,
    ``documents``, ``summits``). Raises TypeError for a non-dict and
    ValidationError, listing every problem, for an invalid record.
    """
    if not isinstance(record, dict):
        raise TypeError(f"a record must be a dict, not {type(record).__name__}")
    kind = record_kind(record)
    if isinstance(kind, str):
        raise ValidationError([Problem("<new annotation>", None, "kind", kind)])
    problems = kind.validate(record, file="<new annotation>", **context)
    if problems:
        raise ValidationError(problems)
    op = {"op": "upsert", **kind.record(record)}
    if undoes:
        op["undoes"] = undoes
    return op


def op_line(op: dict) -> bytes:
    """One operation as a log line (``op``, ``op_id``, ``at`` first), UTF-8, with its newline."""
    ordered = {
        "op": op["op"],
        "op_id": op["op_id"],
        "at": op["at"],
        **{k: v for k, v in op.items() if k not in ("op", "op_id", "at")},
    }
    return (json.dumps(ordered, ensure_ascii=False, separators=(", ", ": ")) + "\n").encode("utf-8")


@dataclass(frozen=True)
class TornLine:
    """An incomplete last line found at the end of a log."""

    file: str
    line: int
    nbytes: int
    preview: str

    def problem(self) -> Problem:
        """The same, as a :class:`Problem`."""
        return Problem(
            self.file,
            self.line,
            None,
            f"incomplete last line ({self.nbytes} bytes, no newline), "
            "probably from a crash mid-write; it is set aside on the next save",
        )

    def __str__(self) -> str:
        return (
            f"{self.file}, line {self.line}: incomplete last line ({self.nbytes} bytes, no newline), "
            f"probably from a crash mid-write; it is set aside to {Path(self.file).name}.torn on the next save"
        )


@dataclass
class LogState:
    """What one log holds after replay.

    Attributes
    ----------
    annotations : dict of str to dict
        Live mention records by id, in order of first appearance.
    events : dict of str to dict
        Live event records (``"kind": "event"``) by id; see :mod:`toolkit.records.events`.
    ops : int
        Valid operations read.
    problems : list of Problem
        Lines that could not be used (bad JSON, missing fields, ...).
    torn : TornLine or None
    undo_stack : list of dict
        Operations that :meth:`Store.undo` would reverse, oldest first.
    """

    annotations: dict[str, dict] = field(default_factory=dict)
    ops: int = 0
    problems: list[Problem] = field(default_factory=list)
    torn: TornLine | None = None
    undo_stack: list[dict] = field(default_factory=list)
    events: dict[str, dict] = field(default_factory=dict)


def parse_lines(data: bytes, path: str, first_line: int = 1) -> Iterator[tuple[int, Any, Problem | None]]:
    """Yield ``(line_number, object_or_None, problem_or_None)`` for each complete line of ``data``.

    Bytes after the last newline (a torn tail) are not yielded.
    """
    lines = data.split(b"\n")
    for n, raw in enumerate(lines[:-1], start=first_line):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield n, None, Problem(path, n, None, "not valid UTF-8")
            continue
        try:
            yield n, loads_json(text), None  # strict: no duplicate keys, bounded integers and nesting
        except json.JSONDecodeError as exc:
            yield n, None, Problem(path, n, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
        except RecursionError:
            yield n, None, Problem(path, n, None, "not usable JSON (nested too deeply)")
        except ValueError as exc:  # e.g. an integer with thousands of digits
            yield n, None, Problem(path, n, None, f"not usable JSON ({str(exc)[:80]})")


def op_id_for(op: dict, pos: int) -> str:
    """The id of an operation landing at byte ``pos`` of its log (two identical saves differ)."""
    return content_hash({**{k: v for k, v in op.items() if k != "op_id"}, "_pos": pos}, 16)


def set_aside_torn(path: Path) -> TornLine | None:
    """If ``path`` ends without a newline, move the tail to ``path.torn`` (the caller holds the log's lock).

    A tail that parses (a whole record missing only its newline) gets its newline instead.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    with open(path, "rb+") as fh:
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return None
        pos, cut = size, 0
        while pos > 0:  # scan back for the last newline
            step = min(1 << 16, pos)
            pos -= step
            fh.seek(pos)
            i = fh.read(step).rfind(b"\n")
            if i >= 0:
                cut = pos + i + 1
                break
        fh.seek(cut)
        tail = fh.read()
        if complete_line(tail):
            fh.seek(size)
            fh.write(b"\n")
            fh.flush()
            os.fsync(fh.fileno())
            return None
        with open(str(path) + ".torn", "ab") as side:
            side.write(tail + b"\n")
            side.flush()
            os.fsync(side.fileno())
        fh.truncate(cut)
        fh.flush()
        os.fsync(fh.fileno())
    return TornLine(str(path), 0, len(tail), tail[:80].decode("utf-8", "replace"))


def encode_line(op: dict, path: str | Path) -> bytes:
    """An operation as a log line; a string that cannot be UTF-8 (a lone surrogate) is a ValidationError."""
    try:
        return op_line(op)
    except UnicodeEncodeError:
        bad = next((k for k, v in op.items() if isinstance(v, str) and not _utf8_ok(v)), None)
        raise ValidationError(
            [Problem(str(path), None, bad, "contains a lone surrogate (not valid Unicode text); nothing was written")]
        ) from None
    except (TypeError, ValueError) as exc:
        raise ValidationError([Problem(str(path), None, None, f"cannot be written as JSON ({exc})")]) from None


def complete_line(tail: bytes) -> bool:
    """True when ``tail`` (bytes after the last newline) is a whole JSON value, only missing its newline."""
    try:
        json.loads(tail.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def _utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_dirty(state: LogState, path: Path) -> None:
    """Raise DataError when a log has bad lines or a torn tail (it must be fixed before a rewrite)."""
    if state.problems:
        raise DataError(state.problems)
    if state.torn is not None:
        raise DataError([Problem(str(path), state.torn.line, None, "torn last line; save once (it is set aside) or remove it")])
