"""A small run of bench/bench_ledger.py: the load row, its kernel-time note and the phases come out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


@pytest.mark.slow
def test_ledger_bench_runs_at_a_small_size() -> None:
    import bench_ledger

    rows = bench_ledger.run(n=20_000, repeat=2)  # 12 MB: above the fast path's threshold
    load, *phases = rows
    assert load["metric"] == "load + validate ledger" and load["size"].startswith("20,000 records")
    assert load["ours_s"] > 0 and load["baseline_s"] > 0 and load["met"] in (True, False)
    assert load["note"].startswith("kernel CPU per call: ours ") and "baseline " in load["note"]
    assert [p["metric"].split(":")[0].strip() for p in phases] == ["phase"] * 3
