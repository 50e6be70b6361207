"""The project's event-data cache: ``eventdata/`` holds one Parquet file per added source file, and a log.

``add_files`` reads the files in their published layout, writes each one's
directed events to ``eventdata/<dataset>/<name>-<sha>.parquet`` (temp file,
fsync, rename) and appends one JSON line per file to ``eventdata/added.jsonl``
with its checksum, rows and unreadable lines. It reads, decides and writes
under one lock; either every file is added or none (an error in one file
leaves the cache as it was). Adding a file already added (same bytes) is a
no-op.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import fsync_dir, sha256_file, write_fully
from toolkit.eventdata.readers import ReadReport, checked_files, connect, detect, directed, file_reports, read_raw

__all__ = ["CACHE_DIR", "Added", "add_files", "cached_events", "cached_files"]

CACHE_DIR = "eventdata"
LOG_NAME = "added.jsonl"


@dataclass
class Added:
    """What one ``add_files`` call did."""

    dataset: str
    added: list[Path]
    skipped: list[Path]
    rows: int
    report: ReadReport


def _log(root: Path) -> list[dict[str, Any]]:
    path = root / CACHE_DIR / LOG_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def add_files(project_root: str | os.PathLike[str], paths: Iterable[str | os.PathLike[str]], dataset: str | None = None) -> Added:
    """Add event-data files to the project's cache; see the module docstring."""
    from filelock import FileLock

    root = Path(project_root)
    files = checked_files(paths)
    if not files:
        raise ValueError("no files to add")
    kind = dataset or detect(files)
    if kind == "gdelt-mentions":
        raise ValueError("GDELT mentions files are not events; add the matching .export.CSV files")
    cache = root / CACHE_DIR
    (cache / kind).mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache / ".lock"), timeout=60):
        known = {e["sha256"] for e in _log(root)}
        todo: list[tuple[Path, str]] = []
        skipped = []
        for f in files:
            digest = sha256_file(f)
            if digest in known:
                skipped.append(f)
            else:
                todo.append((f, digest))
                known.add(digest)
        report = ReadReport()
        written: list[tuple[Path, Path, dict[str, Any]]] = []
        total = 0
        try:
            for f, digest in todo:
                con = connect()
                raw, tag = read_raw(con, kind, [f])
                events = directed(raw, kind)
                target = cache / kind / f"{f.name}-{digest[:12]}.parquet"
                tmp = target.with_name(f".{target.name}.tmp")
                con.to_parquet(events, tmp)
                rep = file_reports(con, tag, kind, [f])[0]
                rows = int(con.raw_sql(f"SELECT count(*) FROM read_parquet('{tmp}')").fetchone()[0])
                dup, undated = con.raw_sql(
                    f"SELECT count(*) - count(DISTINCT event_id), count(*) FILTER (WHERE date IS NULL) FROM read_parquet('{tmp}')"
                ).fetchone()
                dup, undated = int(dup), int(undated)
                con.disconnect()
                _fsync(tmp)
                report.files.append(rep)
                report.duplicates += dup
                report.undated += undated
                total += rows
                entry = {
                    "file": str(f),
                    "name": f.name,
                    "dataset": kind,
                    "sha256": digest,
                    "parquet": str(target.relative_to(root)),
                    "rows": rows,
                    "unreadable": rep.unreadable,
                    "first_problem": str(rep.first_problem) if rep.first_problem else None,
                    "duplicate_ids": dup,
                    "undated": undated,
                }
                written.append((tmp, target, entry))
        except BaseException:
            for tmp, _, _ in written:
                tmp.unlink(missing_ok=True)
            for f, digest in todo:
                (cache / kind / f".{f.name}-{digest[:12]}.parquet.tmp").unlink(missing_ok=True)
            raise
        for tmp, target, _ in written:
            os.replace(tmp, target)
        fsync_dir(cache / kind)
        if written:
            _append_log(cache / LOG_NAME, [e for _, _, e in written])
    return Added(kind, [t for _, t, _ in written], skipped, total, report)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append_log(path: Path, entries: Sequence[dict[str, Any]]) -> None:
    data = "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        write_fully(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def cached_files(project_root: str | os.PathLike[str], dataset: str | None = None) -> list[Path]:
    """The Parquet files in the cache (of one dataset, or all), in the order they were added."""
    root = Path(project_root)
    out = []
    for e in _log(root):
        if dataset is None or e["dataset"] == dataset:
            p = root / e["parquet"]
            if p.is_file() and not p.is_symlink():
                out.append(p)
    return out


def cached_events(project_root: str | os.PathLike[str], dataset: str | None = None, *, con: Any = None) -> Any:
    """The cached directed events as one Ibis table (DuckDB reads the Parquet files out of core)."""
    files = cached_files(project_root, dataset)
    if not files:
        from toolkit.errors import DataError

        where = Path(project_root) / CACHE_DIR
        raise DataError.at(where, None, None, "no event data added yet; run `summit-ledger events add FILE`")
    con = con or connect()
    return con.read_parquet([str(f) for f in files])
