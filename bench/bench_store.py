"""Benchmark: where the time of one store append goes, next to the disk's fsync floor.

One :meth:`toolkit.store.Store.upsert` is: validate the record, take the log's
file lock (and the in-process mutex), encode one line, ``write`` it, ``fsync``,
fold the operation into the index, release the lock. The ``fsync`` is the
durability promise (a saved annotation survives a power cut) and is not
negotiable, so the goal (median <= 1 ms) can only be met where the disk
syncs in well under 1 ms. This module measures, interleaved in one run in
the same folder (so both see the same disk at the same moment):

- ``bare write + fsync``: ``os.write`` of a line of the same size to an
  ``O_APPEND`` file, then ``os.fsync`` (the floor no durable append beats);
- ``Store.upsert``: the whole append, on that disk;
- ``validate only`` (:meth:`Store.upsert_op`) and ``lock + unlock only``
  (:meth:`Store.locked` with nothing inside): the toolkit's parts;
- ``Store.upsert on a RAM disk`` (``/dev/shm``, where fsync costs nearly
  nothing): the toolkit's own cost with the disk taken out.

All data is SYNTHETIC (``tests/synthetic.py``, generated at run time, deleted
afterwards): a log of N synthetic upserts of the real seed article, then
``repeat`` new synthetic records appended one at a time.

Run alone: ``.venv/bin/python bench/bench_store.py [--quick]``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from synthetic import synthetic_ops, write_log  # noqa: E402  (shared with the tests)

GOAL_S = 0.001


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _records(repeat: int, tag: str) -> list[dict]:
    out = []
    for line in synthetic_ops(repeat, "synthetic", seed=99):
        rec = json.loads(line)
        for k in ("op", "op_id", "at"):
            rec.pop(k)
        out.append({**rec, "id": rec["id"] + tag})
    return out


def _row(metric: str, size: str, times: list[float], base: float | None, goal: str, met: bool | None, note: str) -> dict:
    med = statistics.median(times)
    return {
        "metric": metric,
        "size": size,
        "ours_s": med,
        "baseline_s": base,
        "ratio": med / base if base else None,
        "goal": goal,
        "met": met,
        "note": note,
    }


def run(quick: bool = False, repeat: int = 200) -> list[dict]:
    """Measure one append and its parts; returns rows for ``bench/run.py``.

    Returns
    -------
    list of dict
        Keys ``metric, size, ours_s, baseline_s, ratio, goal, met, note``.
    """
    from toolkit.codebook import load_codebook
    from toolkit.corpus import load_documents, load_summits
    from toolkit.store import Store

    data = REPO / "data"
    codebook = load_codebook(data / "codebook.yaml")
    summits = load_summits(data / "summits.yaml", codebook)
    documents = load_documents(data / "documents", summits)
    n = 10_000 if quick else 100_000
    repeat = 60 if quick else repeat
    size = f"log of {n:,}, {repeat} appends"
    rows = []
    with tempfile.TemporaryDirectory(prefix="summit-ledger-bench-store-") as tmp:
        root = Path(tmp)
        write_log(root / "synthetic.jsonl", n, "synthetic", seed=1)
        store = Store(root, codebook=codebook, documents=documents, summits=summits)
        store.read("synthetic")  # index built once, as in a session
        records = _records(repeat, "d")
        line = (json.dumps(records[0], ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(root / "baseline.bin", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        bare, ours, validate, lock = [], [], [], []
        try:

            def write_fsync() -> None:
                os.write(fd, line)
                os.fsync(fd)

            def lock_only() -> None:
                with store.locked("synthetic"):
                    pass

            for rec in records:  # interleaved: fsync time drifts on a shared machine
                bare.append(_timed(write_fsync))
                ours.append(_timed(lambda r=rec: store.upsert(r)))
                validate.append(_timed(lambda r=rec: store.upsert_op(r)))
                lock.append(_timed(lock_only))
        finally:
            os.close(fd)
        floor = statistics.median(bare)
        p90 = statistics.quantiles(ours, n=10)[-1]
        rows.append(
            _row(
                "store append on disk (Store.upsert), median",
                size,
                ours,
                floor,
                "<= 1 ms",
                statistics.median(ours) <= GOAL_S,
                f"baseline: bare write + fsync of one line, same folder, interleaved; floor {floor * 1e3:.2f} ms; "
                f"p90 {p90 * 1e3:.2f} ms",
            )
        )
        rows.append(_row("  part: validate the record", size, validate, None, "", None, "Store.upsert_op"))
        rows.append(_row("  part: lock + unlock", size, lock, None, "", None, "file lock and in-process mutex"))
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(prefix="summit-ledger-bench-store-", dir=shm) as tmp:
            root = Path(tmp)
            write_log(root / "synthetic.jsonl", n, "synthetic", seed=1)
            store = Store(root, codebook=codebook, documents=documents, summits=summits)
            store.read("synthetic")
            ram = [_timed(lambda r=rec: store.upsert(r)) for rec in _records(repeat, "m")]
            rows.append(
                _row(
                    "store append on a RAM disk (toolkit cost alone)",
                    size,
                    ram,
                    None,
                    "<= 1 ms",
                    statistics.median(ram) <= GOAL_S,
                    "the same upsert on /dev/shm, where fsync is nearly free",
                )
            )
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(
            f"{r['metric']:<48} {r['size']:<28} {r['ours_s'] * 1e3:8.3f} ms"
            + (f"  (baseline {r['baseline_s'] * 1e3:.3f} ms, x{r['ratio']:.2f})" if r["baseline_s"] else "")
            + (f"  met={r['met']}" if r["met"] is not None else "")
            + f"  {r['note']}"
        )
