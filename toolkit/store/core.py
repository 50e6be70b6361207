"""The annotation store: one append-only JSON Lines operation log per annotator.

Layout: ``<root>/<annotator>.jsonl`` where ``root`` is one annotation set
(``data/annotations/<set>/``). Every line is one operation::

    {"op": "upsert", "op_id": ..., "at": ..., <every record field>}
    {"op": "delete", "op_id": ..., "at": ..., "id": ..., "annotator": ...}

An undo is an ordinary upsert or delete that restores the earlier state and
carries ``"undoes": <op_id>``. The current state is the last operation per id.
Records have a kind (``"kind"``, default ``"mention"``), validated by the
kind's registered validator (:mod:`toolkit.store.log`).

Every mutation reads, decides and writes under the log's file lock
(:mod:`toolkit.store.lock`; :meth:`Store.upsert`, :meth:`Store.delete`, :meth:`Store.undo`,
:meth:`Store.transact`, :meth:`Store.append_many`, :meth:`Store.compact`).
An append is one ``write`` of whole lines, then ``fsync``; a failed write is
cut back so no partial line stays. A torn last line (a crash mid-write) is
reported by :meth:`Store.read` and, before the next append, moved to
``<annotator>.jsonl.torn``, never silently dropped. Batches and compaction go
through temp file + fsync + rename + folder fsync (:mod:`toolkit.store.batch`).

The store keeps an index per log (live records, undo stack, last operation;
:mod:`toolkit.store.index`), fed only the bytes appended since it last looked,
so undo, delete and reads never replay the log. :attr:`Store.token` (any log)
and :meth:`Store.change_token` (one log) change whenever that index changes,
so callers can tell cheaply whether anything moved.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from filelock import FileLock

from toolkit._io import os_error_text, write_fully
from toolkit.errors import Problem, StoreError
from toolkit.records.annotation import check_annotator, now_iso
from toolkit.records.identity import check_writer
from toolkit.store.batch import append_batch, check_changes, compact, recover
from toolkit.store.index import LogIndex, Replay, StoreIndex
from toolkit.store.lock import LogLocks
from toolkit.store.log import OPS, LogState, TornLine, encode_line, op_id_for, parse_lines, set_aside_torn, upsert_op

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.documents import Document
    from toolkit.corpus.summits import Summit

__all__ = ["OPS", "LogState", "Store", "TornLine", "encode_line", "op_id_for"]


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

    def __init__(
        self,
        root: str | Path,
        *,
        codebook: Codebook | None = None,
        documents: Mapping[str, Document] | None = None,
        summits: Mapping[str, Summit] | None = None,
    ) -> None:
        self.root = Path(root)
        self.codebook = codebook
        self.documents = documents
        self.summits = summits
        self._locks = LogLocks(self.root)
        self._index = StoreIndex(self._replay)

    # ------------------------------------------------------------------ paths
    def log_path(self, annotator: str) -> Path:
        """The log file of ``annotator`` (the name is checked: it becomes a file name)."""
        if msg := check_annotator(annotator):
            raise StoreError(msg)
        return self.root / f"{annotator}.jsonl"

    def log_files(self) -> tuple[list[str], list[Problem]]:
        """Annotators with a log here, and a problem for each ``.jsonl`` file that is not read.

        A file whose name is not a valid annotator name (``Coder A.jsonl``) is
        never read; it is reported so that its records are not lost silently.
        """
        if not self.root.is_dir():
            return [], []
        recover(self)
        names, problems = [], []
        for p in sorted(self.root.glob("*.jsonl")):
            if check_annotator(p.stem) is None:
                names.append(p.stem)
            else:
                problems.append(
                    Problem(
                        str(p),
                        None,
                        "annotator",
                        f"file name {p.stem!r} is not a valid annotator name (1-64 letters, digits, "
                        "'-' or '_'), so its records are not read; rename the file",
                    )
                )
        return names, problems

    def annotators(self) -> list[str]:
        """Annotators with a log in this set, sorted (see :meth:`log_files` for files left out)."""
        return self.log_files()[0]

    def lock(self, annotator: str) -> FileLock:
        """The file lock of ``annotator``'s log (one object per log, reused)."""
        return self._locks.lock(self.log_path(annotator))

    @contextmanager
    def locked(self, *annotators: str, writing: bool = True) -> Iterator[None]:
        """Hold the locks of these logs (taken in sorted order, so two batches never deadlock).

        With ``writing`` (the default), each name is first checked by
        :func:`toolkit.records.identity.check_writer`: on a JupyterHub a
        student writes only under their own name.
        """
        names = sorted(set(annotators))
        if writing:
            for name in names:
                check_writer(name, self.log_path(name))
        with self._locks.hold([self.log_path(n) for n in names], self._index.mutex):
            yield

    # ------------------------------------------------------------------ index
    @property
    def token(self) -> int:
        """A number that changes whenever this store's view of any log changes (its own appends included).

        Appends made through this object change it at once; appends by other
        processes are seen by the next :meth:`refresh` (or any read).
        """
        return self._index.token

    def version(self, annotator: str) -> int:
        """Like :attr:`token`, for one log only (as of the last look at it)."""
        return self._index.version(annotator)

    def change_token(self, annotator: str) -> int:
        """One log's version after looking at the file (one ``stat``): equal tokens mean nothing changed."""
        self.refresh(annotator)
        return self._index.version(annotator)

    def appended_over(self, annotator: str) -> int:
        """The change token ``annotator``'s log had just before this store's last append to it.

        A caller that saw this token before writing knows its append was the
        only change since; anything else (another process wrote in between)
        means it should read the log again. 0 when the log was not read yet.
        """
        return self._index.base(annotator)

    def refresh(self, annotator: str) -> LogIndex:
        """Bring the index of one log up to date (one ``stat``; reads only the bytes appended since)."""
        return self._index.refresh(annotator, self.log_path(annotator))

    def adopt(self, annotator: str, ops: list[dict], size: int, *, checked: bool = False) -> None:
        """Fold ``ops`` just written by a whole-file rewrite that appended them (caller holds the lock).

        ``checked``: every op was built by :meth:`upsert_op` of this store (or
        is a delete of a live id decided under the lock), so it is not validated again.
        """
        context = (self.codebook, self.documents, self.summits) if checked else None
        self._index.adopt(annotator, self.log_path(annotator), ops, size, checked=context)

    def _replay(self, annotator: str, path: Path) -> Replay:
        return Replay(str(path), annotator, codebook=self.codebook, documents=self.documents, summits=self.summits)

    def snapshot(self, annotator: str) -> LogState:
        """The state of one log now (no recovery of an interrupted batch; see :meth:`read`)."""
        with self._index.mutex:
            idx = self.refresh(annotator)
            state = idx.replay.state()
            state.torn = idx.torn
            return state

    def live(self, annotator: str) -> Mapping[str, dict]:
        """Live records of one log by id, read-only and without copying (refreshed first).

        Records that break the documents given to the store are included here;
        :meth:`read` leaves them out and reports them.
        """
        return MappingProxyType(self.refresh(annotator).replay.live)

    def last_op(self, annotator: str) -> dict | None:
        """The last valid operation in ``annotator``'s log (None for an empty log)."""
        return self.refresh(annotator).replay.last_op

    # ----------------------------------------------------------------- writes
    def _commit_locked(self, annotator: str, ops: list[dict]) -> list[dict]:
        """Append ``ops`` in one write (caller holds the lock).

        A log this store has not looked at yet is not read just to append to
        it (its index is built by the first read); a known one is brought up
        to date and the new operations are folded in.
        """
        path = self.log_path(annotator)
        known = self._index.known(annotator)
        if known:
            self.refresh(annotator)
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"{path}: cannot save ({os_error_text(exc)}); nothing was written; check that the folder exists and is writable"
            ) from None
        written: list[dict] = []
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                set_aside_torn(path)  # or, for a complete last line, add its newline
                if known:
                    self.refresh(annotator)
                size = os.fstat(fd).st_size
            lines, pos = [], size
            for op in ops:
                op = {**op, "at": op.get("at") or now_iso()}
                op["op_id"] = op_id_for(op, pos)
                line = encode_line(op, path)
                pos += len(line)
                lines.append(line)
                written.append(op)
            try:
                write_fully(fd, b"".join(lines))
                os.fsync(fd)
            except BaseException:
                os.ftruncate(fd, size)  # never leave part of a batch or half a line behind
                raise
            stamp = (pos, os.fstat(fd).st_mtime_ns)
        except OSError as exc:
            raise StoreError(
                f"{path}: cannot save ({os_error_text(exc)}); nothing was written; "
                "check that the folder exists and is writable and the disk is not full"
            ) from None
        finally:
            os.close(fd)
        self._index.appended(annotator, path, written, stamp)
        return written

    def upsert_op(self, record: dict, *, undoes: str | None = None) -> dict:
        """The upsert operation that would write ``record``; raises ValidationError if it is invalid."""
        return upsert_op(record, undoes=undoes, codebook=self.codebook, documents=self.documents, summits=self.summits)

    def upsert(self, record: dict, *, undoes: str | None = None) -> dict:
        """Append an upsert of ``record`` to its annotator's log.

        Raises
        ------
        ValidationError
            If the record is invalid (nothing is written).
        StoreError
            If the log cannot be written (nothing is written).

        Returns
        -------
        dict
            The operation as written (with ``op_id``).
        """
        op = self.upsert_op(record, undoes=undoes)
        name = record["annotator"]
        with self.locked(name):
            return self._commit_locked(name, [op])[0]

    def delete(self, annotation_id: str, annotator: str, *, undoes: str | None = None) -> dict:
        """Append a delete of ``annotation_id`` to ``annotator``'s log (checked and written under the lock).

        Raises
        ------
        StoreError
            If no live annotation has that id.
        """
        with self.locked(annotator):
            if annotation_id not in self.refresh(annotator).replay.live:
                raise StoreError(f"{self.log_path(annotator)}: no live annotation with id {annotation_id!r} to delete")
            op = {"op": "delete", "id": annotation_id, "annotator": annotator}
            if undoes:
                op["undoes"] = undoes
            return self._commit_locked(annotator, [op])[0]

    def undo(self, annotator: str) -> dict | None:
        """Reverse ``annotator``'s last operation that is not yet undone (decided and written under the lock).

        The reversal is itself appended (history is kept). Returns the new
        operation, or None when there is nothing to undo.
        """
        with self.locked(annotator):
            stack = self.refresh(annotator).replay.undo_stack
            if not stack:
                return None
            last = stack[-1]
            before = last.get("_before")
            if before is None:
                op = {"op": "delete", "id": last["id"], "annotator": annotator, "undoes": last["op_id"]}
            else:
                op = {"op": "upsert", **before, "undoes": last["op_id"]}
            return self._commit_locked(annotator, [op])[0]

    def transact(self, annotator: str, decide: Callable[[LogState], Iterable[dict] | None]) -> list[dict]:
        """Read, decide and append under one lock.

        ``decide`` gets the log's current state (a snapshot) and returns the
        changes to make: records to upsert, or operations
        (``{"op": "delete", "id": ...}``). They are checked together, then
        appended in one write; if any is invalid nothing is written.

        Returns
        -------
        list of dict
            The operations written.
        """
        with self.locked(annotator):
            idx = self.refresh(annotator)
            state = idx.replay.state()
            changes = list(decide(state) or ())
            ops = check_changes(self, annotator, changes, set(idx.replay.live))
            return self._commit_locked(annotator, ops) if ops else []

    def append_many(self, records: Iterable[dict], *, skip: Callable[[dict, dict | None], bool] | None = None) -> list[dict]:
        """Upsert many records, all or nothing; ``skip`` decides under the lock what not to write.

        See :func:`toolkit.store.batch.append_batch`. Returns the operations written.
        """
        return append_batch(self, list(records), skip=skip)

    def write_all(self, records: Iterable[dict]) -> int:
        """Upsert many records at once, all or nothing; returns the count."""
        return len(self.append_many(records))

    # ------------------------------------------------------------------ reads
    def iter_ops(self, annotator: str) -> Iterator[tuple[int, Any, Problem | None]]:
        """Yield ``(line_number, operation_or_None, problem_or_None)`` for every complete line of a log."""
        path = self.log_path(annotator)
        if not path.exists():
            return
        yield from parse_lines(path.read_bytes(), str(path))

    def read(self, annotator: str) -> LogState:
        """The state of ``annotator``'s log (a snapshot); bad lines are reported in ``problems`` and skipped."""
        recover(self)
        return self.snapshot(annotator)

    def history(self, annotation_id: str, annotator: str) -> list[dict]:
        """Every valid operation on ``annotation_id`` in ``annotator``'s log, oldest first."""
        return [
            op for _, op, p in self.iter_ops(annotator) if p is None and isinstance(op, dict) and op.get("id") == annotation_id
        ]

    def annotations(self, annotator: str | None = None) -> list[dict]:
        """Live annotations of one annotator, or of every annotator in the set."""
        names = [annotator] if annotator else self.annotators()
        out: list[dict] = []
        for name in names:
            out.extend(self.read(name).annotations.values())
        return out

    def problems(self) -> list[Problem]:
        """Every problem in the set: bad lines, torn tails, and log files that are not read."""
        names, out = self.log_files()
        for name in names:
            st = self.read(name)
            out.extend(st.problems)
            if st.torn:
                out.append(st.torn.problem())
        return out

    def compact(self, annotator: str) -> Path:
        """Rewrite ``annotator``'s log as one upsert per live annotation (see :func:`toolkit.store.batch.compact`).

        Returns
        -------
        Path
            The verified backup of the old log.
        """
        return compact(self, annotator)
