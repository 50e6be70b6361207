"""Benchmark: balance tables, their bootstrap, and chart spec size, on a SYNTHETIC ledger.

The ledger is generated at run time with a seeded RNG (never written to disk,
never real data): 1M rows over 200 made-up summits and 20 made-up issues, both
stances, intensities 1-3, three made-up annotators.

Rows (``run()``), each the median of ``repeat`` timings:

- ``balance table, summit x issue``: :func:`toolkit.measures.balance.balance_table`
  (``by="issue"``, weight ``intensity``, no bootstrap) vs a bare pandas
  ``groupby(["summit_id", "issue", "stance"])["intensity"].sum()`` on the same
  frame, measured in this run. Goal: ratio <= 3.
- ``Jeffreys intervals (default)``: the same table with its default Jeffreys
  intervals. Goal: ratio <= 3.
- ``bootstrap 1000 resamples, events``: ``interval="bootstrap"``, one
  annotator, events resampled within summits. Goal: <= 5 s. The note gives
  the floor measured in the same run: numpy's multinomial draws of the same
  shape alone (1000 x 200 summits x 120 event types, each a chain of
  binomial draws), which an exact resampling of the clusters cannot skip.
- ``bootstrap 1000 resamples, annotators``: three annotators, resampled as
  clusters. Goal: <= 5 s.
- ``chart spec size (each chart)``: the charts built from the tables of 1k and
  of 1M rows over 20 summits x 15 issues: spec bytes per chart in ``note``.
  Goal: at most two data rows per summit x issue in any dataset (a point and a
  line segment: more segments appear when more cells have enough evidence)
  and each < 200 KB. Spec size grows with summits x issues, never with rows.

Run alone: ``.venv/bin/python bench/bench_balance.py [--quick]``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import median_time  # noqa: E402  (bench/ is on sys.path when run as a script)

N_SUMMITS = 200
N_ISSUES = 20
# spec size: a corpus of 20 summits coded with the codebook's 15 issues
SPEC_SUMMITS = 20
SPEC_ISSUES = 15


def synthetic_ledger(
    n_rows: int, n_summits: int = N_SUMMITS, n_issues: int = N_ISSUES, n_annotators: int = 1, seed: int = 11
) -> pd.DataFrame:
    """A SYNTHETIC ledger (made-up summits, issues and annotators), columns as the real one needs."""
    rng = np.random.default_rng(seed)
    s = rng.integers(0, n_summits, n_rows)
    i = rng.integers(0, n_issues, n_rows)
    s[: n_summits * n_issues] = np.repeat(np.arange(n_summits), n_issues)[:n_rows]  # every cell has a row
    i[: n_summits * n_issues] = np.tile(np.arange(n_issues), n_summits)[:n_rows]
    stance = np.where(rng.random(n_rows) < 0.45, "goodwill", "grievance")
    intensity = rng.integers(1, 4, n_rows)
    dates = pd.date_range("2000-01-01", periods=n_summits, freq="7D")
    sid = np.array([f"{d:%Y-%m-%d}-synthetic-{k}" for k, d in enumerate(dates)], dtype=object)
    iid = np.array([f"synthetic-issue-{k:02d}" for k in range(n_issues)], dtype=object)
    ann = np.array([f"synthetic-{k}" for k in range(n_annotators)], dtype=object)
    score = np.where(stance == "goodwill", np.array([0, 3.5, 4.0, 6.0])[intensity], np.array([0, -2.0, -6.0, -7.0])[intensity])
    return pd.DataFrame(
        {
            "evidence": "span",
            "summit_id": sid[s],
            "summit_label": sid[s],
            "summit_date": dates[s],
            "summit_format": "video",
            "issue": iid[i],
            "issue_label": iid[i],
            "stance": stance,
            "actor": "US",
            "target": "Russia",
            "intensity": intensity,
            "score": score,
            "annotator": ann[rng.integers(0, n_annotators, n_rows)],
            "set": "synthetic",
            "status": "anchored",
        }
    )


def _row(metric, size, ours, baseline, goal, met, note=""):
    return {
        "metric": metric,
        "size": size,
        "ours_s": ours,
        "baseline_s": baseline,
        "ratio": ours / baseline if ours is not None and baseline else None,
        "goal": goal,
        "met": met,
        "note": note,
    }


def run(quick: bool = False, repeat: int = 3) -> list[dict]:
    """Measure; return rows ``{metric, size, ours_s, baseline_s, ratio, goal, met, note}``."""
    from toolkit.measures import balance_table

    n = 100_000 if quick else 1_000_000
    size = (
        f"{n // 1000}k rows / {N_SUMMITS} summits / {N_ISSUES} issues"
        if quick
        else f"1M rows / {N_SUMMITS} summits / {N_ISSUES} issues"
    )
    led = synthetic_ledger(n)

    def baseline():
        return led.groupby(["summit_id", "issue", "stance"], sort=False)["intensity"].sum()

    # one untimed call of each first: one-time imports (scipy.stats) and the allocator's first page faults on
    # 1M-row arrays are not per-call costs; both sides get the same warm-up
    baseline()
    balance_table(led, by="issue", weight="intensity")
    base = median_time(baseline, repeat)
    rows = []
    ours = median_time(lambda: balance_table(led, by="issue", weight="intensity", n_boot=0), repeat)
    rows.append(
        _row(
            "balance table, summit x issue",
            size,
            ours,
            base,
            "ratio <= 2",
            ours / base <= 2,
            "vs bare pandas groupby sum, same run",
        )
    )
    jef = median_time(lambda: balance_table(led, by="issue", weight="intensity"), repeat)
    rows.append(
        _row(
            "Jeffreys intervals (default)",
            size,
            jef,
            base,
            "ratio <= 3",
            jef / base <= 3,
            "Beta quantiles per cell, vs the same groupby",
        )
    )
    # warm-up on a slice: one-time imports (scipy.sparse) are not what this row measures
    balance_table(led.iloc[:5000], by="issue", weight="intensity", n_boot=10, interval="bootstrap")
    boot = median_time(lambda: balance_table(led, by="issue", weight="intensity", n_boot=1000, seed=0, interval="bootstrap"), 1)
    floor = median_time(lambda: _bare_multinomial(n), 1)
    rows.append(
        _row(
            "bootstrap 1000 resamples, events",
            size,
            boot,
            base,
            "<= 5 s",
            boot <= 5,
            f"{N_SUMMITS * N_ISSUES} cells; events of identical content drawn as one multinomial; "
            f"floor: the bare numpy multinomial draws alone took {floor:.3f} s in this run",
        )
    )
    led3 = synthetic_ledger(n, n_annotators=3)
    boot3 = median_time(lambda: balance_table(led3, by="issue", weight="intensity", n_boot=1000, seed=0, interval="bootstrap"), 1)
    rows.append(
        _row(
            "bootstrap 1000 resamples, annotators",
            size + ", 3 annotators",
            boot3,
            base,
            "<= 5 s",
            boot3 <= 5,
            "annotators resampled as clusters",
        )
    )
    rows.append(_spec_size_row(n, quick))
    return rows


def _bare_multinomial(n_rows: int, n_boot: int = 1000) -> None:
    """The draws the events bootstrap cannot avoid: per resample and summit, one multinomial over its event types.

    Each summit holds about ``n_rows / N_SUMMITS`` events of ``N_ISSUES x 2 stances x 3 intensities`` types.
    """
    rng = np.random.default_rng(0)
    types = N_ISSUES * 2 * 3
    totals = np.full(N_SUMMITS, n_rows // N_SUMMITS)
    probs = np.full((N_SUMMITS, types), 1 / types)
    for _ in range(0, n_boot, 100):
        rng.multinomial(totals, probs, size=(100, N_SUMMITS))


def _spec_size_row(n_big: int, quick: bool) -> dict:
    """Spec bytes of each chart for 1k and for ``n_big`` rows over 20 summits x 15 issues."""
    from toolkit.charts.figures import all_charts
    from toolkit.measures import balance_table

    sizes: dict[int, dict[str, int]] = {}
    build = {}
    for n in (1_000, n_big):
        led = synthetic_ledger(n, n_summits=SPEC_SUMMITS, n_issues=SPEC_ISSUES)
        st = balance_table(led)
        it = balance_table(led, by="issue")
        t = time.perf_counter()
        specs = {k: c.to_dict() for k, c in all_charts(st, it).items()}
        rows_ok = all(len(v) <= 2 * SPEC_SUMMITS * SPEC_ISSUES for sp in specs.values() for v in sp["datasets"].values())
        build[n] = time.perf_counter() - t
        sizes[n] = {k: len(json.dumps(s)) for k, s in specs.items()}
    biggest = max(sizes[n_big].values())
    label = f"{n_big // 1000}k" if quick else "1M"
    per_chart = ", ".join(f"{k} {sizes[1_000][k] / 1024:.0f}/{sizes[n_big][k] / 1024:.0f} KB" for k in sizes[1_000])
    return _row(
        "chart spec size (each chart)",
        f"1k vs {label} rows, {SPEC_SUMMITS} summits x {SPEC_ISSUES} issues",
        build[n_big],
        None,
        "at most 2 rows per summit x issue in any dataset, < 200 KB",
        rows_ok and biggest < 200_000,
        f"spec KB at 1k/{label} rows: {per_chart}; time = building the 4 specs at {label} rows",
    )


def main() -> None:
    quick = "--quick" in sys.argv
    rows = run(quick=quick)
    print("| metric | size | ours | baseline | ratio | goal | met | note |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        base = f"{r['baseline_s']:.3f} s" if r["baseline_s"] is not None else "-"
        print(
            f"| {r['metric']} | {r['size']} | {r['ours_s']:.3f} s | {base} | {ratio} | "
            f"{r['goal']} | {'yes' if r['met'] else 'no'} | {r['note']} |"
        )
    print("All data SYNTHETIC, generated at run time.")


if __name__ == "__main__":
    main()
