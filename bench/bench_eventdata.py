"""Benchmark: per-summit machine balance over SYNTHETIC GDELT 2.0 export files vs a bare DuckDB GROUP BY.

The files are generated at run time (:func:`toolkit.eventdata.sample.write_gdelt_sample`,
made-up rows in GDELT's 61-column layout, 5% of them US-Russia) under a
temporary folder and deleted afterwards; never committed.

Row (``run()``): ``event data: per-summit balance`` — the toolkit's path
(:func:`toolkit.eventdata.readers.read_events` + :func:`toolkit.eventdata.balance.machine_balance`
with 1000 cluster-bootstrap draws, then the per-file report of unread lines)
vs a hand-written DuckDB query over the same files in the same run (the two must
give the same per-summit counts, or the run fails): one
``read_csv`` with the same column types, the same dyad and window filter, and
``GROUP BY`` summit with ``count(DISTINCT GLOBALEVENTID)`` per side. Each side
runs in a fresh child process (imports excluded from the time); the peak
memory is that child's maximum resident set. Median of 3 runs, the two sides
alternated. The toolkit's query reads more columns than the bare one (the
source URL, for the cluster intervals) and keeps a report of unread lines. Goal: ratio <= 1.5, peak <= 2 GB.

Run alone: ``.venv/bin/python bench/bench_eventdata.py [--quick] [--rows N]``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATA = REPO / "data" / "summits.yaml"
GOAL_RATIO = 1.5
GOAL_PEAK_MB = 2048


def _summits():
    from toolkit.corpus import load_summits

    return load_summits(DATA)


def _ours(files: list[str]) -> dict:
    from toolkit.eventdata.balance import machine_balance
    from toolkit.eventdata.readers import file_reports, read_events

    summits = _summits()
    t0 = time.perf_counter()
    events, con, tag = read_events(files)
    table = machine_balance(events, summits, n_boot=1000)
    unread = sum(r.unreadable for r in file_reports(con, tag, "gdelt", [Path(f) for f in files]))
    return {
        "seconds": time.perf_counter() - t0,
        "n": table["n"].tolist(),
        "goodwill": table["goodwill"].tolist(),
        "unread": unread,
    }


def _baseline(files: list[str]) -> dict:
    import duckdb

    from toolkit.eventdata.layouts import GDELT_EVENT_TYPES
    from toolkit.eventdata.query import summit_days

    kinds = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR"}
    cols = "{" + ", ".join(f"'{c}': '{kinds[t]}'" for c, t in GDELT_EVENT_TYPES.items()) + "}"
    runs = summit_days(_summits())
    case = " ".join(f"WHEN SQLDATE BETWEEN {a:%Y%m%d} AND {b:%Y%m%d} THEN '{sid}'" for a, b, sid in runs)
    paths = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    sql = f"""
      SELECT CASE {case} END AS summit_id,
             count(DISTINCT GLOBALEVENTID) AS n,
             count(DISTINCT GLOBALEVENTID) FILTER (WHERE QuadClass IN (1, 2) AND EventCode <> '---') AS goodwill,
             count(DISTINCT GLOBALEVENTID) FILTER (WHERE QuadClass IN (3, 4) AND EventCode <> '---') AS grievance
      FROM read_csv({paths}, delim='\t', header=false, quote='', escape='', auto_detect=false, columns={cols})
      WHERE ((Actor1CountryCode = 'USA' AND Actor2CountryCode = 'RUS') OR (Actor1CountryCode = 'RUS' AND Actor2CountryCode = 'USA'))
        AND SQLDATE BETWEEN {runs[0][0]:%Y%m%d} AND {runs[-1][1]:%Y%m%d}
      GROUP BY 1 HAVING summit_id IS NOT NULL ORDER BY 1
    """
    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = con.execute(sql).fetchall()
    return {"seconds": time.perf_counter() - t0, "n": [r[1] for r in rows], "goodwill": [r[2] for r in rows]}


def _child(side: str, files: list[str]) -> tuple[dict, float]:
    """Run one side in a fresh interpreter; its result and peak resident memory in MB."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--worker", side, *files], stdout=subprocess.PIPE, text=True, cwd=str(REPO)
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{side} failed with exit code {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def run(quick: bool = False, rows: int | None = None, repeat: int = 3) -> list[dict]:
    """Measure; return rows ``{metric, size, ours_s, baseline_s, ratio, goal, met, note}``."""
    n = rows or (1_000_000 if quick else 10_000_000)
    tmp = Path(tempfile.mkdtemp(prefix="bench-eventdata-"))
    try:
        t0 = time.perf_counter()
        # made in a child process: a child's peak memory counts from its parent's at fork, so the parent stays small
        made_out = subprocess.run(
            [sys.executable, __file__, "--generate", str(tmp), str(n)], check=True, capture_output=True, text=True, cwd=str(REPO)
        ).stdout
        files = json.loads(made_out.strip().splitlines()[-1])
        made = time.perf_counter() - t0
        size_mb = sum(Path(f).stat().st_size for f in files) / 1e6
        _child("baseline", files)  # warm the page cache for both sides alike
        times: dict[str, list[float]] = {"baseline": [], "ours": []}
        peaks: dict[str, float] = {"baseline": 0.0, "ours": 0.0}
        results: dict[str, dict] = {}
        for _ in range(repeat):  # alternate the sides, so load from other work on the machine falls on both
            for side in ("baseline", "ours"):
                res, peak = _child(side, files)
                times[side].append(res["seconds"])
                peaks[side] = max(peaks[side], peak)
                results[side] = res
        ours, base = results["ours"], results["baseline"]
        if [x for x in ours["n"] if x] != base["n"] or [g for g, x in zip(ours["goodwill"], ours["n"]) if x] != base["goodwill"]:
            raise RuntimeError(f"the two sides disagree: {ours} vs {base}")
        ours_s, base_s = statistics.median(times["ours"]), statistics.median(times["baseline"])
        ours_peak, base_peak = peaks["ours"], peaks["baseline"]
        ratio = ours_s / base_s
        return [
            {
                "metric": "event data: per-summit balance",
                "size": f"{n / 1e6:g}M synthetic GDELT rows, 10 files, {size_mb:,.0f} MB",
                "ours_s": ours_s,
                "baseline_s": base_s,
                "ratio": ratio,
                "goal": f"ratio <= {GOAL_RATIO}, peak <= 2 GB",
                "met": ratio <= GOAL_RATIO and ours_peak <= GOAL_PEAK_MB,
                "note": (
                    f"vs bare DuckDB GROUP BY, same files, same run; peak RSS ours {ours_peak:,.0f} MB, "
                    f"baseline {base_peak:,.0f} MB; median of {repeat} alternated runs; {sum(ours['n'])} dyad events in windows; "
                    f"unread lines {ours['unread']}; files made in {made:.0f} s"
                ),
            }
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        from toolkit.eventdata.sample import write_gdelt_sample

        paths = write_gdelt_sample(sys.argv[2], rows=int(sys.argv[3]), files=10, dyad_share=0.05)
        print(json.dumps([str(p) for p in paths]))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        side, files = sys.argv[2], sys.argv[3:]
        print(json.dumps((_ours if side == "ours" else _baseline)(files)))
        return
    quick = "--quick" in sys.argv
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else None
    for r in run(quick=quick, rows=rows):
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        print(f"{r['metric']} | {r['size']} | ours {r['ours_s']:.2f} s | baseline {r['baseline_s']:.2f} s | ratio {ratio} | "
              f"{r['goal']} | {'met' if r['met'] else 'NOT met'} | {r['note']}")  # fmt: skip


if __name__ == "__main__":
    main()
