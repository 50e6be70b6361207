"""Work done once per test run and shared by every pytest-xdist worker (a built wheel, converted notebooks)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock


def shared_tmp(tmp_path_factory) -> Path:
    """A temporary folder every pytest-xdist worker of this run sees (the run's own one when not under xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` of the run's shared temporary folder, filled by ``make(folder)`` once per test run.

    The first worker to ask makes it under a file lock; the others wait and get the same folder.
    A folder left half-made by a failed attempt is emptied and made again.
    """
    shared = shared_tmp(tmp_path_factory)
    out, done = shared / name, shared / f"{name}.done"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.is_file():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            make(out)
            done.touch()
    return out


#: Where tests leave lines for the run's terminal summary (a passing test's own output is not shown).
SUMMARY_NOTES = "summary-notes"


def note_for_summary(tmp_path_factory, name: str, text: str) -> None:
    """Keep ``text`` under ``name`` for the end of the run's terminal summary (e.g. a journey's step times)."""
    folder = shared_tmp(tmp_path_factory) / SUMMARY_NOTES
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def summary_notes(config) -> list[tuple[str, str]]:
    """The notes kept by :func:`note_for_summary` in this run, by name (read in the main pytest process)."""
    folder = config._tmp_path_factory.getbasetemp() / SUMMARY_NOTES  # the workers' shared folder is its child's parent
    if not folder.is_dir():
        return []
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
