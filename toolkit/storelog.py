"""Reading and replaying one append-only operation log (used by :mod:`toolkit.store`).

A log line is one JSON object: an operation (``"op": "upsert" | "delete"``)
on a record. Records come in *kinds* (``"kind"`` field; absent means
``"mention"``, a coded span). Each kind registers how its records are taken
from an operation line and validated (:func:`register_kind`), so the store
itself stays generic.

:class:`Replay` folds operations one at a time; the store keeps one per log
and feeds it only the bytes appended since the last look, so a read, an undo
or a delete never replays the whole log again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._io import content_hash, loads_json
from .annotation import EVENT_FIELDS, FIELDS, OPTIONAL_FIELDS, validate_record
from .errors import DataError, Problem, ValidationError

__all__ = [
    "OPS",
    "OP_KEYS",
    "LogIndex",
    "LogState",
    "RecordKind",
    "Replay",
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
    # events (codebook 2.0): validate_record hands them to toolkit.events.validate_event
    "event": RecordKind("event", validate_record, EVENT_FIELDS),
}


def register_kind(kind: RecordKind) -> None:
    """Register (or replace) a record kind, e.g. ``"event"`` records of :mod:`toolkit.events`."""
    if not isinstance(kind, RecordKind):
        raise TypeError(f"expected a RecordKind, got {type(kind).__name__}")
    _KINDS[kind.name] = kind


def record_kind(obj: dict) -> RecordKind | str:
    """The registered kind of a record or upsert line, or an error message."""
    name = obj.get("kind", "mention")
    if isinstance(name, str) and name in _KINDS:
        return _KINDS[name]
    return f"{name!r} is not a known record kind; known: {', '.join(sorted(_KINDS))}"


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
        Live event records (``"kind": "event"``) by id; see :mod:`toolkit.events`.
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


class Replay:
    """The state of one log, folded operation by operation.

    Parameters
    ----------
    path : str
        The log (for problem messages).
    annotator : str
        Whose log it is; every record must carry this annotator.
    codebook, summits :
        Checked for every upsert as it is folded.
    documents :
        Checked only for *live* records (history may hold offsets in an older text).
    """

    def __init__(self, path: str, annotator: str, *, codebook=None, documents=None, summits=None) -> None:
        self.path = path
        self.annotator = annotator
        self.codebook, self.documents, self.summits = codebook, documents, summits
        self.live: dict[str, dict] = {}
        self.live_line: dict[str, int] = {}
        self.doc_problems: dict[str, list[Problem]] = {}
        self.problems: list[Problem] = []
        self.ops = 0
        self.undo_stack: list[dict] = []
        self.last_op: dict | None = None
        self.lines = 0  # complete lines consumed

    def feed(self, data: bytes) -> None:
        """Fold the complete lines of ``data`` (bytes that follow what was fed before)."""
        for n, op, problem in parse_lines(data, self.path, self.lines + 1):
            if problem is not None:
                self.problems.append(problem)
            else:
                self.fold(n, op)
        self.lines += data.count(b"\n")

    def check(self, op: Any, n: int | None) -> tuple[str, dict | None, list[Problem]]:
        """Check one operation against the current state; returns ``(id, record, problems)``."""
        where = self.path

        def bad(field_: str | None, msg: str) -> tuple[str, None, list[Problem]]:
            return "", None, [Problem(where, n, field_, msg)]

        if not isinstance(op, dict):
            return bad(None, "expected a JSON object")
        verb = op.get("op")
        if verb not in OPS:
            return bad("op", f"{verb!r} is not an operation; use 'upsert' or 'delete'")
        aid = op.get("id")
        if not isinstance(aid, str) or not aid:
            return bad("id", "missing or not a string")
        if verb == "delete":
            if aid not in self.live:
                return bad("id", f"delete of {aid!r}, which is not live here")
            return aid, None, []
        kind = record_kind(op)
        if isinstance(kind, str):
            return bad("kind", kind)
        rec = kind.record(op)
        probs = kind.validate(rec, file=where, line=n, codebook=self.codebook, documents=None, summits=self.summits)
        if not probs and rec.get("annotator") != self.annotator:
            probs = [Problem(where, n, "annotator", f"{rec.get('annotator')!r} in the log of {self.annotator!r}")]
        return aid, (None if probs else rec), probs

    def fold(self, n: int, op: Any) -> bool:
        """Apply one parsed line; a bad one is recorded in :attr:`problems`. Returns whether it applied."""
        aid, rec, probs = self.check(op, n)
        if probs:
            self.problems.extend(probs)
            return False
        before = self.live.get(aid)
        if rec is not None:
            self.live[aid] = rec
            self.live_line[aid] = n
            if self.documents is not None:
                kind = record_kind(rec)
                assert not isinstance(kind, str)
                dp = kind.validate(rec, file=self.path, line=n, documents=self.documents)
                if dp:
                    self.doc_problems[aid] = dp
                else:
                    self.doc_problems.pop(aid, None)
        else:
            del self.live[aid]
            self.live_line.pop(aid, None)
            self.doc_problems.pop(aid, None)
        self.ops += 1
        self.last_op = op
        op_id = op.get("op_id") or f"line{n}"
        target = op.get("undoes")
        if target:
            # Remove the newest entry with that op_id, and only it: two identical saves in the
            # same second share an op_id, and one undo must not swallow both.
            for j in range(len(self.undo_stack) - 1, -1, -1):
                if self.undo_stack[j]["op_id"] == target:
                    del self.undo_stack[j]
                    break
        else:
            self.undo_stack.append({"op_id": op_id, "id": aid, "_before": before})
        return True

    def state(self) -> LogState:
        """A snapshot (the caller may change it freely)."""
        if self.doc_problems:
            live = {k: v for k, v in self.live.items() if k not in self.doc_problems}
        else:
            live = dict(self.live)
        problems = list(self.problems)
        for probs in self.doc_problems.values():
            problems.extend(probs)
        events = {k: v for k, v in live.items() if v.get("kind") == "event"}
        if events:
            live = {k: v for k, v in live.items() if k not in events}
        return LogState(live, self.ops, problems, None, list(self.undo_stack), events)


def op_id_for(op: dict, pos: int) -> str:
    """The id of an operation landing at byte ``pos`` of its log (two identical saves differ)."""
    return content_hash({**{k: v for k, v in op.items() if k != "op_id"}, "_pos": pos}, 16)


class LogIndex:
    """What the store knows of one log file: its identity, bytes folded, and the replay."""

    def __init__(self, replay: Replay) -> None:
        self.replay = replay
        self.ident: tuple[int, int] | None = None
        self.offset = 0  # bytes folded (always just after a newline)
        self.stamp: tuple[int, int] | None = None  # (size, mtime_ns) last seen
        self.torn: TornLine | None = None
        self.pending_newline = False  # the last line folded is complete but has no newline yet
        self.version = 0

    def catch_up(self, path: Path) -> tuple[int, int]:
        """Fold the bytes appended to ``path`` since the last look; returns the new (size, mtime_ns)."""
        with open(path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read()
            stamp = (self.offset + len(data), os.fstat(fh.fileno()).st_mtime_ns)
        if self.pending_newline and data[:1] == b"\n":
            data = data[1:]  # the newline a writer added after a complete last line
            self.offset += 1
        self.pending_newline = False
        cut = data.rfind(b"\n") + 1
        self.replay.feed(data[:cut])
        self.offset += cut
        tail = data[cut:]
        self.torn = None
        if tail and complete_line(tail):
            # A whole record that only lacks its newline is kept, never set aside.
            self.replay.feed(tail + b"\n")
            self.offset += len(tail)
            self.pending_newline = True
        elif tail:
            self.torn = TornLine(str(path), self.replay.lines + 1, len(tail), tail[:80].decode("utf-8", "replace"))
        return stamp

    def fold_written(self, ops: list[dict], ident: tuple[int, int], stamp: tuple[int, int]) -> None:
        """Fold operations this process has just appended; the file is now ``stamp[0]`` bytes."""
        for op in ops:
            self.replay.fold(self.replay.lines + 1, op)
            self.replay.lines += 1
        self.ident, self.offset, self.stamp, self.torn = ident, stamp[0], stamp, None
        self.pending_newline = False


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
    if state.problems or state.torn:
        raise DataError(
            state.problems
            or [
                Problem(
                    str(path),
                    state.torn.line,
                    None,  # type: ignore[union-attr]
                    "torn last line; save once (it is set aside) or remove it",
                )
            ]
        )
