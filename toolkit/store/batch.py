"""Whole-file writes of the store: all-or-nothing batches and compaction.

A batch (an import) may touch several logs. Each log's new content (old bytes
+ the new lines) is staged in a temp file beside it and fsync'd; a single log
is then renamed into place. For several logs, a journal naming every rename
is written atomically first (that is the commit point), then the renames are
made and the journal removed; a crash after the commit point is rolled
forward by :func:`recover` at the next read or write. Ctrl-C and SIGTERM are
held back from the commit point to the end, so an interrupt leaves either
nothing or everything. A full disk fails while staging: the temp files are
removed and the logs are untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from toolkit._io import atomic_write_bytes, fsync_dir, os_error_text, write_fully
from toolkit.errors import Problem, StoreError, ValidationError
from toolkit.records.annotation import now_iso
from toolkit.store.log import encode_line, op_id_for, refuse_dirty, set_aside_torn

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.store.index import LogIndex
    from toolkit.store.log import LogState

__all__ = ["JOURNAL", "append_batch", "check_changes", "compact", "held_signals", "recover"]

JOURNAL = ".batch-journal.json"
_STAGED = re.compile(r"\.[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.jsonl\.[A-Za-z0-9_]+\.batch")
_LOG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.jsonl")


class Store(Protocol):
    """What a batch needs of the store it writes into (:class:`toolkit.store.Store` has it all)."""

    root: Path

    def log_path(self, annotator: str) -> Path: ...
    def locked(self, *annotators: str, writing: bool = True) -> AbstractContextManager[Any]: ...
    def refresh(self, annotator: str) -> LogIndex: ...
    def adopt(self, annotator: str, ops: list[dict], size: int, *, checked: bool = False) -> None: ...
    def snapshot(self, annotator: str) -> LogState: ...
    def upsert_op(self, record: dict, *, undoes: str | None = None) -> dict: ...


@contextmanager
def held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the duration (delivered right after)."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    except (AttributeError, OSError, ValueError):  # pragma: no cover - no POSIX signal masks
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _journal_entries(path: Path) -> list[tuple[str, str]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        pairs = [(str(a), str(b)) for a, b in raw["renames"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"{path}: unreadable batch journal ({exc}); a batch was interrupted after its commit "
            "point: restore the logs from the staged .batch files it names, then remove it"
        ) from None
    for tmp, log in pairs:
        if not (_STAGED.fullmatch(tmp) and _LOG.fullmatch(log)):
            raise StoreError(
                f"{path}: batch journal names {tmp!r} -> {log!r}, which is not a staged log; "
                "remove the journal by hand after checking the logs"
            )
    return pairs


def recover(store: Store) -> None:
    """Finish a batch whose journal was committed but whose renames were cut short (roll forward)."""
    journal = store.root / JOURNAL
    if not journal.exists():
        return
    pairs = _journal_entries(journal)
    with store.locked(*(Path(log).stem for _, log in pairs), writing=False):
        if not journal.exists():
            return  # another process finished it
        with held_signals():
            for tmp, log in pairs:
                if (store.root / tmp).exists():
                    os.replace(store.root / tmp, store.root / log)
            fsync_dir(store.root)
            journal.unlink()
            fsync_dir(store.root)


def _remove_stale(root: Path, name: str) -> None:
    """Remove staged files of ``name`` left by a batch that died before its commit point (lock held)."""
    for p in root.glob(f".{name}.jsonl.*.batch"):
        try:
            p.unlink()
        except OSError:
            pass


def append_batch(store: Store, records: list[dict], *, skip: Callable[[dict, dict | None], bool] | None = None) -> list[dict]:
    """Upsert ``records`` (any number of annotators), all or nothing.

    ``skip(record, live)`` is asked under the locks, with the live record of
    that id (or None): records it returns True for are not written (e.g.
    already there unchanged). The decision and the write see the same state.

    Raises
    ------
    ValidationError
        When any record is invalid: every problem, nothing written.
    StoreError
        When the logs cannot be written (full disk, permissions); nothing written.
    """
    problems: list[Problem] = []
    by_log: dict[str, list[dict]] = {}
    for n, rec in enumerate(records, 1):
        try:
            op = store.upsert_op(rec)
        except ValidationError as exc:
            problems.extend(Problem(p.file, p.line if p.line is not None else n, p.field, p.message) for p in exc.problems)
            continue
        by_log.setdefault(rec["annotator"], []).append(op)
    if problems:
        raise ValidationError(problems)
    if not by_log:
        return []
    recover(store)
    written: list[dict] = []
    staged: list[tuple[str, Path, Path, list[dict], int]] = []
    with store.locked(*by_log):
        try:
            for name in sorted(by_log):
                path = store.log_path(name)
                _remove_stale(store.root, name)
                set_aside_torn(path)
                live = store.refresh(name).replay.live
                todo = [op for op in by_log[name] if skip is None or not skip(op, live.get(op["id"]))]
                if not todo:
                    continue
                old = path.read_bytes() if path.exists() else b""
                pos, lines, ops = len(old), [], []
                for op in todo:
                    op = {**op, "at": now_iso()}
                    op["op_id"] = op_id_for(op, pos)
                    line = encode_line(op, path)
                    pos += len(line)
                    lines.append(line)
                    ops.append(op)
                fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".batch", dir=store.root)
                staged.append((name, path, Path(tmp_name), ops, pos))
                try:
                    write_fully(fd, old + b"".join(lines))
                    os.fsync(fd)
                    os.fchmod(fd, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
                finally:
                    os.close(fd)
            with held_signals():
                if len(staged) > 1:
                    body = {"renames": [[staged_tmp.name, log.name] for _, log, staged_tmp, *_ in staged]}
                    atomic_write_bytes(store.root / JOURNAL, json.dumps(body).encode("utf-8"))
                for _, log, staged_tmp, *_ in staged:
                    os.replace(staged_tmp, log)
                fsync_dir(store.root)
                if len(staged) > 1:
                    (store.root / JOURNAL).unlink()
                    fsync_dir(store.root)
        except OSError as exc:
            for _, _, staged_tmp, *_ in staged:
                try:
                    staged_tmp.unlink()
                except FileNotFoundError:
                    pass
            where = exc.filename or store.root
            raise StoreError(
                f"{where}: cannot save the batch ({os_error_text(exc)}); nothing was written; "
                "check that the folder is writable and the disk is not full"
            ) from None
        except BaseException:
            for _, _, staged_tmp, *_ in staged:
                try:
                    staged_tmp.unlink()
                except FileNotFoundError:
                    pass
            raise
        for name, _, _, ops, size in staged:
            store.adopt(name, ops, size, checked=True)  # each op came from store.upsert_op above
            written.extend(ops)
    return written


def compact(store: Store, annotator: str) -> Path:
    """Rewrite ``annotator``'s log as one upsert per live record, keeping a verified backup.

    The backup ``<log>.<hash>.bak`` (the first 12 hex digits of the old log's
    sha256) is written with temp file + fsync + rename + folder fsync; an
    existing file of that name is reused only when its bytes hash to that
    name, and otherwise replaced. Then the new log replaces the old the same
    way. Refuses a log with bad lines or a torn tail (fix them first).

    Raises
    ------
    DataError
        The log has problems; nothing changed.
    StoreError
        A file cannot be written (full disk, permissions); the log is unchanged.
    """
    path = store.log_path(annotator)
    recover(store)
    with store.locked(annotator):
        for stale in store.root.glob(f".{path.name}.*.tmp"):  # left by a compaction that was killed
            stale.unlink()
        state = store.snapshot(annotator)
        refuse_dirty(state, path)
        old = path.read_bytes() if path.exists() else b""
        digest = hashlib.sha256(old).hexdigest()[:12]
        backup = path.with_name(f"{path.name}.{digest}.bak")
        lines, pos = [], 0
        for rec in [*state.annotations.values(), *state.events.values()]:
            op = {"op": "upsert", "at": rec.get("created") or now_iso(), **rec}
            op["op_id"] = op_id_for(op, pos)
            line = encode_line(op, path)
            pos += len(line)
            lines.append(line)
        target = backup
        try:
            if not _backup_ok(backup, digest):
                atomic_write_bytes(backup, old, mode=0o644)
            target = path
            atomic_write_bytes(path, b"".join(lines))
        except OSError as exc:
            raise StoreError(
                f"{target}: cannot write ({os_error_text(exc)}); the log {path.name} is unchanged; "
                "free some space or fix the permissions and compact again"
            ) from None
    store.refresh(annotator)
    return backup


def _backup_ok(backup: Path, digest: str) -> bool:
    """True when ``backup`` exists and its bytes hash to the name it carries."""
    try:
        h = hashlib.sha256()
        with open(backup, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except FileNotFoundError:
        return False
    return h.hexdigest()[:12] == digest


def check_changes(store: Store, annotator: str, changes: list[dict], live: set[str]) -> list[dict]:
    """The operations for a transaction's changes, each checked against the state as it will be then."""
    ops: list[dict] = []
    for ch in changes:
        if not isinstance(ch, dict):
            raise TypeError(f"a change must be a dict, not {type(ch).__name__}")
        if ch.get("op") == "delete":
            aid = ch.get("id")
            if aid not in live:
                raise StoreError(f"{store.log_path(annotator)}: no live annotation with id {aid!r} to delete")
            live.discard(aid)
            ops.append(
                {"op": "delete", "id": aid, "annotator": annotator, **({"undoes": ch["undoes"]} if ch.get("undoes") else {})}
            )
            continue
        rec = {k: v for k, v in ch.items() if k not in ("op", "undoes")}
        if rec.get("annotator") != annotator:
            raise ValueError(f"record {rec.get('id')!r} belongs to {rec.get('annotator')!r}, not {annotator!r}")
        ops.append(store.upsert_op(rec, undoes=ch.get("undoes")))
        live.add(rec["id"])
    return ops
