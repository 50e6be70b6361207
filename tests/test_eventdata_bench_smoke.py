"""A small run of bench/bench_eventdata.py: both sides run, in their own processes, and give the same counts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


@pytest.mark.slow
def test_bench_runs_at_a_small_size() -> None:
    import bench_eventdata

    (row,) = bench_eventdata.run(rows=20_000, repeat=1)  # raises if the two sides disagree
    assert row["metric"] == "event data: per-summit balance" and row["ours_s"] > 0 and row["baseline_s"] > 0
    assert "peak RSS ours" in row["note"]
