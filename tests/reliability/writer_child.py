"""A writer process for the crash and concurrency tests (synthetic records only).

Run as ``python writer_child.py ROOT SPEC [--tear-at N]`` where ``SPEC`` is a
comma-separated list of ``annotator:first:count`` jobs. Jobs are interleaved
round-robin, one upsert at a time, through :meth:`toolkit.store.Store.upsert`.
After each upsert *returns* the record's id is printed and flushed: a printed
id is an acknowledged write.

With ``--tear-at N`` the N-th write (0-based) is cut in half and the process
kills itself with SIGKILL mid-write, the way a power cut or OOM kill would
leave a log.
"""
from __future__ import annotations

import os
import signal
import sys


def synthetic_record(annotator: str, i: int) -> dict:
    """The i-th synthetic record of ``annotator``; its content is a function of (annotator, i)."""
    return {
        "id": f"{annotator}-{i:06d}", "document_id": "synthetic-doc",
        "start": i, "end": i + 5 + i % 7, "quote": f"synthetic quote {i}",
        "prefix": "", "suffix": "",
        "issue": ("cyber", "ukraine-security", "sanctions")[i % 3],
        "stance": ("grievance", "goodwill")[i % 2],
        "actor": "US", "target": "Russia", "intensity": 1 + i % 3,
        "summit_id": "2021-12-07-video", "annotator": annotator,
        "created": "2026-01-01T00:00:00Z", "note": f"synthetic record {i} \u2014 \u00e9\u00e0 \U0001f30d",
        "status": "anchored", "origin": "manual",
    }


def main(argv: list[str]) -> int:
    from toolkit import store as store_mod
    from toolkit.store import Store

    root, spec = argv[0], argv[1]
    tear_at = int(argv[argv.index("--tear-at") + 1]) if "--tear-at" in argv else -1
    jobs = []
    for part in spec.split(","):
        name, first, count = part.split(":")
        jobs.append((name, int(first), int(count)))
    if tear_at >= 0:
        real_write = os.write
        calls = {"n": 0}

        def tearing_write(fd: int, data: bytes) -> int:
            if calls["n"] == tear_at:
                real_write(fd, data[: max(1, len(data) // 2)])
                os.kill(os.getpid(), signal.SIGKILL)
            calls["n"] += 1
            return real_write(fd, data)

        store_mod.os.write = tearing_write  # the store module's view of os.write only
    store = Store(root)
    out = sys.stdout
    longest = max(count for _, _, count in jobs)
    for k in range(longest):
        for name, first, count in jobs:
            if k < count:
                rec = synthetic_record(name, first + k)
                store.upsert(rec)
                out.write(rec["id"] + "\n")
                out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
