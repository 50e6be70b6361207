"""Benchmark: importing N spans from a CSV against loading the same N records from a log.

Data is SYNTHETIC, generated at run time under a temporary folder and deleted afterwards:
valid codings of random spans of the real seed article, each noted as a synthetic
record (``tests/synthetic.py``), written as a CSV in the toolkit's import shape.

Rows (``run()``):

- ``import N spans (csv)``: :func:`toolkit.formats.importer.import_file` (read the CSV,
  check each span against the text, build and validate each record, write one batch)
  vs reading back the log it wrote with a fresh :meth:`toolkit.store.Store.read`
  (replay and validate the same N records), both in this run. Goal: ratio <= 3.
- its phases (read candidates, build + validate, write the batch), each against the
  same baseline, to show where the time goes.

Run alone: ``.venv/bin/python bench/bench_import.py [--quick] [--n N]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from bench_ledger import _data, _row  # noqa: E402  (bench/ is on sys.path when run as a script)
from synthetic import write_csv  # noqa: E402  (shared with the tests)


def run(quick: bool = False, n: int | None = None, profile: bool = False) -> list[dict]:
    """Rows for ``bench/run.py``: the import ratio (and, with ``profile``, the top of a cProfile)."""
    from toolkit.formats.importer import import_file
    from toolkit.project import as_project
    from toolkit.store import Store

    n = n or (20_000 if quick else 100_000)
    tmp = Path(tempfile.mkdtemp(prefix="summit-ledger-bench-import-"))
    try:
        data = _data(tmp)
        csv_path = tmp / "synthetic.csv"
        write_csv(csv_path, n, "synthetic")
        project = as_project(data)
        project.codebook  # noqa: B018  (load the project's files outside the timings)
        what = f"{n:,} spans ({csv_path.stat().st_size / 1e6:.0f} MB csv)"
        prof = cProfile.Profile() if profile else None
        t = time.perf_counter()
        if prof:
            prof.enable()
        report = import_file("csv", csv_path, set_name="synthetic", data=data)
        if prof:
            prof.disable()
        ours = time.perf_counter() - t
        assert len(report.written) == n, f"wrote {len(report.written)}, expected {n}"
        folder = data / "annotations" / "synthetic"
        t = time.perf_counter()
        state = Store(folder, codebook=project.codebook, documents=project.documents, summits=project.summits).read("synthetic")
        base = time.perf_counter() - t
        assert len(state.annotations) == n and not state.problems
        rows = [_row("import spans (csv) vs load from log", what, ours, base, "<= 3x Store.read", ours / base <= 3)]
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20k spans instead of 100k")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--profile", action="store_true", help="print the top of a cProfile of the import")
    args = ap.parse_args(argv)
    for r in run(quick=args.quick, n=args.n, profile=args.profile):
        met = "met" if r["met"] else "NOT met"
        print(
            f"{r['metric']:40} {r['size']:26} ours {r['ours_s']:8.3f} s  log load {r['baseline_s']:8.3f} s  {r['ratio']:5.2f}x  {r['goal']} {met}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
