"""Benchmark: load + validate the ledger from one big SYNTHETIC log, against ``pyarrow.json``.

The log is generated at run time under a temporary folder (valid upserts coding
random spans of the real seed article, each noted as a synthetic record; see
``tests/synthetic.py``) and deleted afterwards.

Rows (``run()``):

- ``load + validate ledger``: :func:`toolkit.ledger.load_ledger` (parse, check
  every record against the rule table, the codebook, summits and article text,
  join into the ledger DataFrame) vs ``pyarrow.json.read_json`` of the same
  file, both timed in this run, in turns (median of ``repeat`` each). Goal: ratio <= 1.5.
- one row per phase of the column path (parse, checks, to pandas, ledger
  build), each against the same baseline, so the ratio shows where the time
  goes and what the floor is (parsing alone is the baseline's cost).

Run alone: ``.venv/bin/python bench/bench_ledger.py [--quick] [--n N]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from _timing import paired_runs  # noqa: E402  (bench/ is on sys.path when run as a script)
from synthetic import write_log  # noqa: E402  (shared with the tests)


def _data(tmp: Path) -> Path:
    data = tmp / "data"
    data.mkdir(parents=True)
    for name in ("codebook.yaml", "summits.yaml"):
        shutil.copy(REPO / "data" / name, data / name)
    shutil.copytree(REPO / "data" / "documents", data / "documents")
    (data / "annotations").mkdir()
    return data


def _row(metric: str, size: str, ours: float, base: float, goal: str, met: bool | None, note: str = "") -> dict:
    return {
        "metric": metric,
        "size": size,
        "ours_s": ours,
        "baseline_s": base,
        "ratio": ours / base if base else None,
        "goal": goal,
        "met": met,
        "note": note,
    }


def run(quick: bool = False, n: int | None = None, repeat: int = 3) -> list[dict]:
    """Rows for ``bench/run.py``: the load + validate ratio and its phases."""
    import pyarrow.json as pj

    from toolkit.ledger import build as ledger_mod
    from toolkit.project import as_project
    from toolkit.store import Store, live_frame, read_log_table

    n = n or (100_000 if quick else 1_000_000)
    tmp = Path(tempfile.mkdtemp(prefix="summit-ledger-bench-ledger-"))
    try:
        data = _data(tmp)
        log = data / "annotations" / "synthetic" / "synthetic.jsonl"
        size = write_log(log, n, "synthetic")
        project = as_project(data)
        project.codebook  # noqa: B018  (load the project's files outside the timings)
        what = f"{n:,} records ({size / 1e6:.0f} MB)"

        def load() -> object:
            return ledger_mod.load_ledger(data, sets=["synthetic"], include_briefs=False)

        ledger = load()
        assert len(ledger) == n, f"ledger has {len(ledger)} rows, expected {n}"
        del ledger
        # in turns (parse, load, parse, load, ...): a passing load on the machine slows both sides alike
        runs = paired_runs(lambda: pj.read_json(log), load, repeat)
        base, ours = runs.medians()
        rows = [_row("load + validate ledger", what, ours, base, "<= 1.5x pyarrow.json", ours / base <= 1.5, runs.kernel_note())]

        # Phases of the column path, each timed alone (their sum is a little more than the whole: shared setup).
        store = Store(log.parent, codebook=project.codebook, documents=project.documents, summits=project.summits)
        t = time.perf_counter()
        table = read_log_table(log)
        parse = time.perf_counter() - t
        assert table is not None
        t = time.perf_counter()
        frame = live_frame(table, store, "synthetic")
        checks = time.perf_counter() - t
        assert frame is not None
        t = time.perf_counter()
        ledger_mod.build_ledger(
            [], project.codebook, project.summits, documents=project.documents, _frames=(frame.assign(set="synthetic"),)
        )
        build = time.perf_counter() - t
        for name, secs in (
            ("  phase: parse (pyarrow.json, explicit schema)", parse),
            ("  phase: rule checks + live records (to pandas)", checks),
            ("  phase: build_ledger (joins, labels, sort)", build),
        ):
            rows.append(_row(name, what, secs, base, "(profile)", None))
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100k records instead of 1M")
    ap.add_argument("--n", type=int, default=None, help="number of records (overrides --quick)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"{'metric':50} {'size':24} {'ours s':>9} {'pyarrow s':>10} {'ratio':>7}  goal")
    for r in run(quick=args.quick, n=args.n, repeat=args.repeat):
        met = "" if r["met"] is None else ("met" if r["met"] else "NOT met")
        print(f"{r['metric']:50} {r['size']:24} {r['ours_s']:9.3f} {r['baseline_s']:10.3f} {r['ratio']:6.2f}x  {r['goal']} {met}")
        if r["note"]:
            print(f"  ({r['note']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
