"""Helpers for the store fault tests: real tmpfs mounts, child processes, folder digests (synthetic data only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))

from synthetic import synthetic_record, tree_digest  # noqa: E402,F401  (re-exported for the tests)

ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


@contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` (e.g. ``"256k"``) at ``where``; skip (with the reason) if mounting is refused."""
    where.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)], capture_output=True, text=True
    )
    if res.returncode != 0:
        reason = f"cannot mount a tmpfs here ({res.stderr.strip() or res.returncode}); disk-full case not run"
        print(reason)
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount(where: Path, options: str) -> None:
    """Remount a tmpfs with new options (``ro``, ``rw``, ``size=2m``)."""
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True, capture_output=True)


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``summit-ledger`` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "toolkit.commands.main", *args], capture_output=True, text=True, cwd=REPO, env=ENV, timeout=timeout
    )


def child(*args: str, **kw) -> subprocess.Popen:
    """Start ``store_child.py`` with ``args``."""
    return subprocess.Popen(
        [sys.executable, str(HERE / "store_child.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=ENV,
        **kw,
    )


def scratch_data(dst: Path) -> Path:
    """A copy of the real codebook, summits and documents with no annotations."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("codebook.yaml", "summits.yaml"):
        shutil.copy(REPO / "data" / name, dst / name)
    shutil.copytree(REPO / "data" / "documents", dst / "documents", dirs_exist_ok=True)
    (dst / "annotations").mkdir(exist_ok=True)
    return dst


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def write_ops(path: Path, name: str, n: int, *, edits: int = 0, deletes: int = 0) -> None:
    """A log of ``n`` synthetic upserts, then ``edits`` re-upserts and ``deletes`` deletes (history to compact)."""
    from toolkit.store import op_id_for, op_line

    chunks, pos = [], 0

    def add(op: dict) -> None:
        nonlocal pos
        op = {"at": "2026-01-01T00:00:00Z", **op}
        op["op_id"] = op_id_for(op, pos)
        line = op_line(op)
        pos += len(line)
        chunks.append(line)

    for i in range(n):
        add({"op": "upsert", **synthetic_record(name, i)})
    for i in range(edits):
        add({"op": "upsert", **synthetic_record(name, i), "note": f"synthetic edit {i}"})
    for i in range(n - deletes, n):
        add({"op": "delete", "id": synthetic_record(name, i)["id"], "annotator": name})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(chunks))
