"""A child process for the store fault tests (synthetic data only).

``python store_child.py ACTION ROOT NAME [ARG]``:

* ``undo ROOT NAME N`` - undo N times, printing each undone op id;
* ``delete ROOT NAME FIRST COUNT`` - delete synthetic records FIRST..FIRST+COUNT-1,
  printing ``ok <id>`` or ``refused <id>``;
* ``compact ROOT NAME`` - compact the log (prints ``ready`` first);
* ``hold ROOT NAME SECONDS`` - a transaction that reads, sleeps, then rewrites
  every live record's note (a stand-in for a long re-anchoring run).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str]) -> int:
    from synthetic import synthetic_record

    from toolkit.errors import StoreError
    from toolkit.store import Store

    action, root, name = argv[0], argv[1], argv[2]
    store = Store(root)
    out = sys.stdout
    if action == "undo":
        for _ in range(int(argv[3])):
            op = store.undo(name)
            out.write(f"{op['undoes'] if op else 'none'}\n")
            out.flush()
    elif action == "delete":
        first, count = int(argv[3]), int(argv[4])
        for i in range(first, first + count):
            aid = synthetic_record(name, i)["id"]
            try:
                store.delete(aid, name)
                out.write(f"ok {aid}\n")
            except StoreError:
                out.write(f"refused {aid}\n")
            out.flush()
    elif action == "compact":
        out.write("ready\n")
        out.flush()
        store.compact(name)
        out.write("done\n")
    elif action == "hold":

        def decide(state):
            out.write("holding\n")
            out.flush()
            time.sleep(float(argv[3]))
            return [{**rec, "note": rec["note"] + " (held)"} for rec in state.annotations.values()]

        store.transact(name, decide)
        out.write("done\n")
    else:
        raise SystemExit(f"unknown action {action!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
