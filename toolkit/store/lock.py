"""The file locks of a store's logs (used by :mod:`toolkit.store`).

Every mutation of a log reads, decides and appends while holding that log's
lock, a ``<log>.lock`` file beside it. A batch that touches several logs
takes their locks in sorted order, so two batches never wait on each other
in a circle. Failing to take a lock (another process holds it too long, or
the folder is not writable) is a :class:`~toolkit.errors.StoreError` that
says nothing was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from toolkit._io import os_error_text
from toolkit.errors import StoreError

__all__ = ["LOCK_TIMEOUT", "LogLocks"]

#: Seconds to wait for another process to release a log's lock.
LOCK_TIMEOUT = 30.0


class LogLocks:
    """One reusable :class:`filelock.FileLock` per log of one folder."""

    def __init__(self, root: Path, timeout: float = LOCK_TIMEOUT) -> None:
        self.root = root
        self.timeout = timeout
        self._locks: dict[str, FileLock] = {}

    def lock(self, log: Path) -> FileLock:
        """The lock of the log at ``log`` (the same object every time)."""
        key = str(log) + ".lock"
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = FileLock(key, timeout=self.timeout)
        return lock

    @contextmanager
    def hold(self, logs: list[Path], inner: AbstractContextManager[object]) -> Iterator[None]:
        """Hold the locks of ``logs`` (taken in sorted order), then ``inner`` (the in-process mutex)."""
        logs = sorted(set(logs), key=lambda p: p.stem)  # by annotator name, the same order in every process
        taken: list[FileLock] = []
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for log in logs:
                lock = self.lock(log)
                lock.acquire()
                taken.append(lock)
        except Timeout:
            _release(taken)
            raise StoreError(
                f"{logs[len(taken)]}: another process holds the lock for more than {self.timeout:.0f} s; "
                "try again; nothing was written"
            ) from None
        except OSError as exc:
            _release(taken)
            raise StoreError(
                f"{exc.filename or self.root}: cannot lock the log ({os_error_text(exc)}); "
                "nothing was written; check that the folder is writable"
            ) from None
        except BaseException:
            _release(taken)
            raise
        try:
            with inner:
                yield
        finally:
            _release(taken)


def _release(taken: list[FileLock]) -> None:
    for lock in reversed(taken):
        lock.release()
