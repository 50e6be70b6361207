"""The store's in-memory index: each log folded once, then fed only what was appended (used by :mod:`toolkit.store`).

:class:`Replay` folds a log's operations one at a time into the live records
by id, the undo stack and the last operation. :class:`LogIndex` adds what
the store knows of the file (its identity, the bytes folded, a torn tail).
:class:`StoreIndex` keeps one per log and a change token: a number that moves
whenever any log's index moves, so a reader can tell cheaply whether anything
changed. Appends made through the store are folded from the operations
written (never read back); appends by other processes are read from the
file, only the bytes after those already folded. A file that was replaced
(compaction, a batch) or shrank is replayed from the start.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit._io import os_error_text
from toolkit.errors import Problem, StoreError
from toolkit.store.log import OPS, LogState, RecordKind, TornLine, complete_line, parse_lines, record_kind

if TYPE_CHECKING:  # pragma: no cover - types only
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.documents import Document
    from toolkit.corpus.summits import Summit

__all__ = ["Context", "LogIndex", "Replay", "StoreIndex"]

#: What records are validated against: ``(codebook, documents, summits)``, each possibly None.
Context = tuple[Any, Any, Any]


def _kind(op: dict) -> RecordKind:
    kind = record_kind(op)
    assert not isinstance(kind, str), kind  # only for operations already checked
    return kind


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

    def __init__(
        self,
        path: str,
        annotator: str,
        *,
        codebook: Codebook | None = None,
        documents: Mapping[str, Document] | None = None,
        summits: Mapping[str, Summit] | None = None,
    ) -> None:
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

    def checked_against(self, context: Context | None) -> bool:
        """Whether ``context`` (codebook, documents, summits) is exactly what this replay checks against."""
        return context is not None and all(a is b for a, b in zip(context, (self.codebook, self.documents, self.summits)))

    def fold(self, n: int, op: Any, *, checked: bool = False) -> bool:
        """Apply one parsed line; a bad one is recorded in :attr:`problems`. Returns whether it applied.

        ``checked`` is only for operations the store has just written under
        the log's lock after checking them against this replay's own
        codebook, documents and summits (an upsert built by the store's
        validator for this annotator, a delete of a live id): they are
        applied without being validated a second time.
        """
        if checked:
            aid = op["id"]
            rec = None if op["op"] == "delete" else _kind(op).record(op)
        else:
            aid, rec, probs = self.check(op, n)
            if probs:
                self.problems.extend(probs)
                return False
        before = self.live.get(aid)
        if rec is not None:
            self.live[aid] = rec
            self.live_line[aid] = n
            if checked:
                self.doc_problems.pop(aid, None)
            elif self.documents is not None:
                dp = _kind(rec).validate(rec, file=self.path, line=n, documents=self.documents)
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
        self.base = 0  # the version just before this process's last append

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

    def fold_written(
        self, ops: list[dict], ident: tuple[int, int], stamp: tuple[int, int], *, checked: Context | None = None
    ) -> None:
        """Fold operations this process has just appended; the file is now ``stamp[0]`` bytes.

        ``checked`` is the context the store validated every one of ``ops``
        against under the lock (see :meth:`Replay.fold`); when it is this
        replay's own, they are not validated again.
        """
        trusted = self.replay.checked_against(checked)
        for op in ops:
            self.replay.fold(self.replay.lines + 1, op, checked=trusted)
            self.replay.lines += 1
        self.ident, self.offset, self.stamp, self.torn = ident, stamp[0], stamp, None
        self.pending_newline = False


class StoreIndex:
    """One :class:`LogIndex` per log of a store, and the store's change token.

    Parameters
    ----------
    replay : callable
        ``replay(annotator, path)`` makes an empty :class:`Replay` for a log
        (it carries the codebook, documents and summits the store checks).
    """

    def __init__(self, replay: Callable[[str, Path], Replay]) -> None:
        self._replay = replay
        self._logs: dict[str, LogIndex] = {}
        self.mutex = threading.RLock()
        self.token = 0

    def known(self, annotator: str) -> bool:
        """Whether this log has been read (its index exists)."""
        return annotator in self._logs

    def version(self, annotator: str) -> int:
        """The token as of the last change seen in one log (0 for a log not read yet)."""
        idx = self._logs.get(annotator)
        return idx.version if idx is not None else 0

    def base(self, annotator: str) -> int:
        """The log's version just before this process's last append to it (0 when none was folded)."""
        idx = self._logs.get(annotator)
        return idx.base if idx is not None else 0

    def _bump(self, idx: LogIndex | None = None) -> None:
        self.token += 1
        if idx is not None:
            idx.version = self.token

    def refresh(self, annotator: str, path: Path) -> LogIndex:
        """Bring one log's index up to date (one ``stat``; reads only the bytes appended since)."""
        with self.mutex:
            idx = self._logs.get(annotator)
            try:
                st: os.stat_result | None = os.stat(path)
            except FileNotFoundError:
                st = None
            except OSError as exc:
                raise StoreError(f"{path}: cannot read the log ({os_error_text(exc)})") from None
            ident = None if st is None else (st.st_dev, st.st_ino)
            stamp = None if st is None else (st.st_size, st.st_mtime_ns)
            if idx is not None and idx.ident == ident and idx.stamp == stamp:
                return idx
            if idx is None or idx.ident != ident or (st is not None and st.st_size < idx.offset):
                idx = self._logs[annotator] = LogIndex(self._replay(annotator, path))
                idx.ident = ident
            if st is not None:
                try:
                    stamp = idx.catch_up(path)
                except OSError as exc:
                    raise StoreError(f"{path}: cannot read the log ({os_error_text(exc)})") from None
            idx.stamp = stamp
            self._bump(idx)
            return idx

    def appended(
        self, annotator: str, path: Path, ops: list[dict], stamp: tuple[int, int], *, checked: Context | None = None
    ) -> None:
        """Fold ``ops`` this process has just appended to a log (caller holds its lock).

        ``stamp`` is the file's ``(size, mtime_ns)`` after the write. A log
        not read yet stays unread (its index is built by the first look).
        ``checked``: see :meth:`LogIndex.fold_written`.
        """
        with self.mutex:
            idx = self._logs.get(annotator)
            if idx is not None:
                st = os.stat(path)
                idx.fold_written(ops, (st.st_dev, st.st_ino), stamp, checked=checked)
                idx.base = idx.version
            self._bump(idx)

    def adopt(self, annotator: str, path: Path, ops: list[dict], size: int, *, checked: Context | None = None) -> None:
        """Fold ``ops`` written by a whole-file rewrite that appended them (caller holds the lock).

        When the file is not what was expected (``size`` bytes), the index is
        dropped and the next look replays the log. ``checked``: see
        :meth:`LogIndex.fold_written`.
        """
        with self.mutex:
            st = os.stat(path)
            if annotator in self._logs and st.st_size == size:
                self.appended(annotator, path, ops, (size, st.st_mtime_ns), checked=checked)
                return
            self._logs.pop(annotator, None)
            self._bump()
