"""The annotation store: one append-only JSON Lines operation log per annotator.

Layout: ``<root>/<annotator>.jsonl`` where ``root`` is one annotation set
(``data/annotations/<set>/``). Every line is one operation::

    {"op": "upsert", "op_id": ..., "at": ..., <every annotation field>}
    {"op": "delete", "op_id": ..., "at": ..., "id": ..., "annotator": ...}

An undo is an ordinary upsert or delete that restores the earlier state and
carries ``"undoes": <op_id>``. The current state is the last operation per id.

Writes take a file lock, then do one ``write`` of one whole line, ``flush``
and ``fsync``. A torn last line (a crash mid-write leaves bytes with no
newline) is reported by :meth:`Store.read` and, before the next append, moved
to ``<annotator>.jsonl.torn`` — never silently dropped.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from filelock import FileLock, Timeout

from ._io import atomic_write_text, content_hash, loads_json
from .annotation import check_annotator, now_iso, record_from_op, record_kind, validate_record
from .errors import DataError, Problem, StoreError
from .classroom.identity import check_writer

__all__ = ["Store", "LogState", "TornLine", "OPS"]

OPS = ("upsert", "delete")
LOCK_TIMEOUT = 30.0


@dataclass(frozen=True)
class TornLine:
    """An incomplete last line found at the end of a log."""

    file: str
    line: int
    nbytes: int
    preview: str

    def __str__(self) -> str:
        return (f"{self.file}, line {self.line}: incomplete last line ({self.nbytes} bytes, no newline), "
                f"probably from a crash mid-write; it is set aside to {Path(self.file).name}.torn on the next save")


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
    events: dict[str, dict] = field(default_factory=dict)
    ops: int = 0
    problems: list[Problem] = field(default_factory=list)
    torn: TornLine | None = None
    undo_stack: list[dict] = field(default_factory=list)


def _op_id(op: dict) -> str:
    return content_hash({k: v for k, v in op.items() if k != "op_id"}, 16)


class Store:
    """One annotation set on disk.

    Parameters
    ----------
    root : str or Path
        The set's folder (created on first write).
    codebook, documents, summits : optional
        When given, every upsert is validated against them before it is written
        (nothing invalid is ever appended), and :meth:`read` reports records
        that break them.

    Examples
    --------
    >>> store = Store("data/annotations/alice")          # doctest: +SKIP
    >>> store.upsert(record)                              # doctest: +SKIP
    >>> store.undo("alice")                               # doctest: +SKIP
    """

    def __init__(self, root: "str | Path", *, codebook=None, documents=None, summits=None) -> None:
        self.root = Path(root)
        self.codebook = codebook
        self.documents = documents
        self.summits = summits
        self._locks: dict[str, FileLock] = {}

    # ------------------------------------------------------------------ paths
    def log_path(self, annotator: str) -> Path:
        """The log file of ``annotator`` (the name is checked: it becomes a file name)."""
        if (msg := check_annotator(annotator)):
            raise StoreError(msg)
        return self.root / f"{annotator}.jsonl"

    def annotators(self) -> list[str]:
        """Annotators with a log in this set, sorted."""
        if not self.root.exists():
            return []
        return sorted(p.stem for p in self.root.glob("*.jsonl") if check_annotator(p.stem) is None)

    def _lock(self, path: Path) -> FileLock:
        # One FileLock object per log, reused: building one costs about as much as an fsync.
        key = str(path) + ".lock"
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = FileLock(key, timeout=LOCK_TIMEOUT)
        return lock

    # ----------------------------------------------------------------- writes
    def _append(self, path: Path, op: dict) -> dict:
        check_writer(op.get("annotator"), path)  # on a JupyterHub: only the logged-in student's own name
        op = dict(op)
        op.setdefault("at", now_iso())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock(path):
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    size = os.fstat(fd).st_size
                    if size and os.pread(fd, 1, size - 1) != b"\n":
                        self._set_aside_torn_locked(path)
                        size = os.fstat(fd).st_size
                    # The op id hashes the operation and where it lands in the log, so two
                    # identical operations (same content, same second) still get distinct ids.
                    op["op_id"] = _op_id({**op, "_pos": size})
                    ordered = {"op": op.pop("op"), "op_id": op.pop("op_id"), "at": op.pop("at"), **op}
                    line = (json.dumps(ordered, ensure_ascii=False, separators=(", ", ": ")) + "\n").encode("utf-8")
                    written = os.write(fd, line)
                    if written != len(line):  # pragma: no cover - regular files write whole
                        raise OSError(f"short write ({written} of {len(line)} bytes)")
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except Timeout:
            raise StoreError(f"{path}: another process holds the lock for more than {LOCK_TIMEOUT:.0f} s; try again") from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot save ({exc.strerror or exc}); nothing was written — "
                             "check that the folder exists and is writable") from None
        return ordered

    def _set_aside_torn_locked(self, path: Path) -> TornLine | None:
        """If ``path`` ends without a newline, move the tail to ``path.torn`` (caller holds the lock)."""
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
            # scan back for the last newline
            pos = size
            block = 1 << 16
            cut = 0
            while pos > 0:
                step = min(block, pos)
                pos -= step
                fh.seek(pos)
                chunk = fh.read(step)
                i = chunk.rfind(b"\n")
                if i >= 0:
                    cut = pos + i + 1
                    break
            fh.seek(cut)
            tail = fh.read()
            with open(str(path) + ".torn", "ab") as side:
                side.write(tail + b"\n")
                side.flush()
                os.fsync(side.fileno())
            fh.truncate(cut)
            fh.flush()
            os.fsync(fh.fileno())
        return TornLine(str(path), 0, len(tail), tail[:80].decode("utf-8", "replace"))

    def set_aside_torn(self, annotator: str) -> TornLine | None:
        """Move an incomplete last line of ``annotator``'s log to ``<log>.torn`` now."""
        path = self.log_path(annotator)
        with self._lock(path):
            return self._set_aside_torn_locked(path)

    def upsert(self, record: dict, *, undoes: str | None = None) -> dict:
        """Append an upsert of ``record`` to its annotator's log.

        Raises
        ------
        ValidationError
            If the record is invalid (nothing is written).
        StoreError
            If the log cannot be written.

        Returns
        -------
        dict
            The operation as written (with ``op_id``).
        """
        problems = validate_record(record, file="<new annotation>", codebook=self.codebook,
                                   documents=self.documents, summits=self.summits)
        if problems:
            from .errors import ValidationError

            raise ValidationError(problems)
        op = {"op": "upsert", **record_from_op(record)}
        if undoes:
            op["undoes"] = undoes
        return self._append(self.log_path(record["annotator"]), op)

    def delete(self, annotation_id: str, annotator: str, *, undoes: str | None = None) -> dict:
        """Append a delete of ``annotation_id`` to ``annotator``'s log.

        Raises
        ------
        StoreError
            If no live annotation has that id.
        """
        state = self.read(annotator)
        if annotation_id not in state.annotations and annotation_id not in state.events:
            raise StoreError(f"{self.log_path(annotator)}: no live annotation with id {annotation_id!r} to delete")
        op = {"op": "delete", "id": annotation_id, "annotator": annotator}
        if undoes:
            op["undoes"] = undoes
        return self._append(self.log_path(annotator), op)

    def undo(self, annotator: str) -> dict | None:
        """Reverse ``annotator``'s last operation that is not yet undone.

        The reversal is itself appended (history is kept). Returns the new
        operation, or None when there is nothing to undo.
        """
        state = self.read(annotator)
        if not state.undo_stack:
            return None
        last = state.undo_stack[-1]
        before = last.get("_before")
        if before is None:
            op = {"op": "delete", "id": last["id"], "annotator": annotator, "undoes": last["op_id"]}
            return self._append(self.log_path(annotator), op)
        return self._append(self.log_path(annotator), {"op": "upsert", **before, "undoes": last["op_id"]})

    # ------------------------------------------------------------------ reads
    def iter_ops(self, annotator: str) -> Iterator[tuple[int, Any, Problem | None]]:
        """Yield ``(line_number, operation_or_None, problem_or_None)`` for every line of a log."""
        path = self.log_path(annotator)
        if not path.exists():
            return
        with open(path, "rb") as fh:
            data = fh.read()
        lines = data.split(b"\n")
        last = len(lines)
        for n, raw in enumerate(lines, start=1):
            if n == last:
                break  # after the final newline: empty, or a torn tail (handled by read)
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield n, None, Problem(str(path), n, None, "not valid UTF-8")
                continue
            try:
                yield n, loads_json(text), None
            except json.JSONDecodeError as exc:
                yield n, None, Problem(str(path), n, None, f"not valid JSON ({exc.msg} at column {exc.colno})")

    def read(self, annotator: str) -> LogState:
        """Replay ``annotator``'s log; bad lines are reported in ``problems`` and skipped."""
        path = self.log_path(annotator)
        state = LogState()
        if not path.exists():
            return state
        where = str(path)
        live_line: dict[str, int] = {}
        for n, op, problem in self.iter_ops(annotator):
            if problem is not None:
                state.problems.append(problem)
                continue
            if not isinstance(op, dict):
                state.problems.append(Problem(where, n, None, "expected a JSON object"))
                continue
            kind = op.get("op")
            if kind not in OPS:
                state.problems.append(Problem(where, n, "op", f"{kind!r} is not an operation; use 'upsert' or 'delete'"))
                continue
            aid = op.get("id")
            if not isinstance(aid, str) or not aid:
                state.problems.append(Problem(where, n, "id", "missing or not a string"))
                continue
            if kind == "upsert":
                rec = record_from_op(op)  # the fields of its kind (mention or event)
                # Offsets are checked against the text only for the live state (below): an older
                # upsert may hold positions in a previous text, kept as history by re-anchoring.
                probs = validate_record(rec, file=where, line=n, codebook=self.codebook, summits=self.summits)
                if not probs and rec["annotator"] != annotator:
                    probs = [Problem(where, n, "annotator", f"{rec['annotator']!r} in the log of {annotator!r}")]
                if probs:
                    state.problems.extend(probs)
                    continue
            table = state.events if aid in state.events else state.annotations
            before = table.get(aid)
            if kind == "upsert":
                table = state.events if record_kind(rec) == "event" else state.annotations
                table[aid] = rec
                live_line[aid] = n
            else:
                if aid not in table:
                    state.problems.append(Problem(where, n, "id", f"delete of {aid!r}, which is not live here"))
                    continue
                del table[aid]
            state.ops += 1
            op_id = op.get("op_id") or f"line{n}"
            target = op.get("undoes")
            if target:
                # Remove the newest entry with that op_id, and only it: two identical saves in the
                # same second share an op_id, and one undo must not swallow both.
                for j in range(len(state.undo_stack) - 1, -1, -1):
                    if state.undo_stack[j]["op_id"] == target:
                        del state.undo_stack[j]
                        break
            else:
                state.undo_stack.append({"op_id": op_id, "id": aid, "_before": before})
        if self.documents is not None:
            for aid, rec in list(state.annotations.items()):
                probs = validate_record(rec, file=where, line=live_line.get(aid), documents=self.documents)
                if probs:
                    state.problems.extend(probs)
                    del state.annotations[aid]
        # A tail with no newline: a torn write.
        size = path.stat().st_size
        if size:
            with open(path, "rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":
                    fh.seek(0)
                    data = fh.read()
                    cut = data.rfind(b"\n") + 1
                    state.torn = TornLine(where, data[:cut].count(b"\n") + 1, size - cut,
                                          data[cut:cut + 80].decode("utf-8", "replace"))
        return state

    def history(self, annotation_id: str, annotator: str) -> list[dict]:
        """Every valid operation on ``annotation_id`` in ``annotator``'s log, oldest first."""
        return [op for _, op, p in self.iter_ops(annotator)
                if p is None and isinstance(op, dict) and op.get("id") == annotation_id]

    def annotations(self, annotator: str | None = None) -> list[dict]:
        """Live annotations of one annotator, or of every annotator in the set."""
        names = [annotator] if annotator else self.annotators()
        out: list[dict] = []
        for name in names:
            out.extend(self.read(name).annotations.values())
        return out

    def problems(self) -> list[Problem]:
        """Every problem in every log of the set (bad lines and torn tails)."""
        out: list[Problem] = []
        for name in self.annotators():
            st = self.read(name)
            out.extend(st.problems)
            if st.torn:
                out.append(Problem(st.torn.file, st.torn.line, None, str(st.torn).split(": ", 1)[1]))
        return out

    # ------------------------------------------------------------- compaction
    def compact(self, annotator: str) -> Path:
        """Rewrite ``annotator``'s log as one upsert per live annotation.

        The full old log is kept beside it as ``<annotator>.jsonl.<hash>.bak``;
        the new log replaces the old atomically, under the lock. Refuses to
        compact a log with bad lines (fix them first, so nothing is lost).

        Returns
        -------
        Path
            The backup of the old log.
        """
        path = self.log_path(annotator)
        check_writer(annotator, path)
        with self._lock(path):
            state = self.read(annotator)
            if state.problems or state.torn:
                raise DataError(state.problems or [Problem(str(path), state.torn.line, None, "torn last line")])
            old = path.read_bytes() if path.exists() else b""
            backup = path.with_name(f"{path.name}.{content_hash(old.decode('utf-8', 'replace'), 12)}.bak")
            if not backup.exists():
                with open(backup, "wb") as fh:
                    fh.write(old)
                    fh.flush()
                    os.fsync(fh.fileno())
            lines = []
            for rec in [*state.annotations.values(), *state.events.values()]:
                op = {"op": "upsert", "at": rec.get("created", now_iso()), **rec}
                op["op_id"] = _op_id(op)
                lines.append(json.dumps({"op": op.pop("op"), "op_id": op.pop("op_id"), "at": op.pop("at"), **op},
                                        ensure_ascii=False, separators=(", ", ": ")))
            atomic_write_text(path, "".join(line + "\n" for line in lines))
        return backup

    def write_all(self, records: Iterable[dict]) -> int:
        """Upsert many records (each validated, each its own line); returns the count."""
        n = 0
        for rec in records:
            self.upsert(rec)
            n += 1
        return n
