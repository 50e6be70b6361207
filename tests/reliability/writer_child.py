"""A writer process for the crash and concurrency tests (synthetic records only).

Run as ``python writer_child.py ROOT SPEC [--tear-at N] [--barrier DIR:N]`` where ``SPEC`` is a
comma-separated list of ``annotator:first:count`` jobs. Jobs are interleaved
round-robin, one upsert at a time, through :meth:`toolkit.store.Store.upsert`.
After each upsert *returns* the record's id is printed and flushed: a printed
id is an acknowledged write.

With ``--tear-at N`` the N-th write (0-based) is cut in half and the process
kills itself with SIGKILL mid-write, the way a power cut or OOM kill would
leave a log. With ``--barrier DIR:N`` the writer waits until N writers have
started, and records the interval it wrote in (``DIR/interval-<pid>``).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from synthetic import synthetic_record  # noqa: E402,F401  (re-exported for the tests)


def main(argv: list[str]) -> int:
    from toolkit.store import Store
    from toolkit.store import core as store_mod

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
    barrier = argv[argv.index("--barrier") + 1] if "--barrier" in argv else None
    if barrier:
        # Start together: announce, then wait until every writer has announced; record when we ran.
        folder, count = barrier.rsplit(":", 1)
        Path(folder, f"ready-{os.getpid()}").touch()
        deadline = time.monotonic() + 120
        while len(list(Path(folder).glob("ready-*"))) < int(count) and time.monotonic() < deadline:
            time.sleep(0.005)
        began = time.time()
    longest = max(count for _, _, count in jobs)
    for k in range(longest):
        for name, first, count in jobs:
            if k < count:
                rec = synthetic_record(name, first + k)
                store.upsert(rec)
                out.write(rec["id"] + "\n")
                out.flush()
    if barrier:
        Path(folder, f"interval-{os.getpid()}").write_text(f"{began} {time.time()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
