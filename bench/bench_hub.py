"""A class of 30 simulated students on a real JupyterHub: spawn time and save latency percentiles.

Not a test. Run: ``.venv/bin/python bench/bench_hub.py [--students 30] [--saves 10] [--json FILE]``.

It starts ``deploy/jupyterhub/jupyterhub_config.py`` (dummy authenticator, the
simple local spawner, configurable-http-proxy from npm) with a temporary class
folder; asks the hub to start every student's server at once and times each
until the hub reports it ready; then, in every student's kernel at the same
time, codes passages of the real seed article through the annotator's session
and times each save (select, code, validate, lock, append, fsync) inside the
kernel. The students and their codings are SYNTHETIC (reference spans re-coded
by the script), live in a temporary folder and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hub.harness import Hub, find_proxy  # noqa: E402
from toolkit.classroom import instructor, load_reference  # noqa: E402
from toolkit.classroom.course import ClassFolder  # noqa: E402

SEED = "2021-12-07-biden-putin-video-summit"
SETUP = """
import json, time
from toolkit.classroom.student import StudentWork
work = StudentWork.from_environment()
s = work.annotator().session     # the annotator widget's session, suggestions as the instructor set (off)
print("ready")
"""
TIMED = """
while time.time() < START_AT:   # every student starts saving at the same moment
    time.sleep(0.01)
times = []
for start, end, codes in PLAN:
    t = time.perf_counter()
    s.select(start, end)
    for f, v in codes.items():
        s.set_code(f, v)
    s.save()
    times.append(time.perf_counter() - t)
(work.folder / ".bench.json").write_text(json.dumps(times))
print(json.dumps(times))
"""


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(q / 100 * (len(v) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--saves", type=int, default=10, help="saves per student")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    proxy = find_proxy()
    if proxy is None:
        print("configurable-http-proxy not found; set SUMMIT_LEDGER_PROXY or install node and npm", file=sys.stderr)
        return 2
    names = [f"synthetic{k:02d}" for k in range(1, args.students + 1)]
    reference = load_reference("reference", data=REPO / "data")
    with tempfile.TemporaryDirectory(prefix="summit-hub-bench-") as tmp:
        work = Path(tmp)
        course = ClassFolder(work / "class")
        instructor.create_assignment(course, "bench", [SEED], data=REPO / "data")
        course.set_state("bench", "open")
        hub = Hub(work, course.root, names, ["teacher"], proxy)
        try:
            t0 = time.monotonic()
            sent = {}
            for n in names:
                sent[n] = time.monotonic()
                hub.spawn(n)

            def spawned(n: str) -> float:
                hub.wait_ready(n, timeout=900, poll=1.0)
                return time.monotonic() - sent[n]

            with ThreadPoolExecutor(len(names)) as pool:
                spawn = list(pool.map(spawned, names))
            all_ready = time.monotonic() - t0
            tokens = {n: hub.user_token(n) for n in names}

            kernels = {}

            def setup(n: str) -> None:  # kernels start a few at a time, as students arrive over a minute
                kernels[n] = hub.start_kernel(n, tokens[n])
                hub.execute(n, tokens[n], kernels[n], f"SEED = {SEED!r}\n" + SETUP, timeout=900)

            with ThreadPoolExecutor(4) as pool:
                list(pool.map(setup, names))
            start_at = time.time() + 5

            def student(k_n):
                k, n = k_n
                plan = [
                    [r["start"], r["end"], {f: r[f] for f in ("stance", "issue", "actor", "target", "intensity")}]
                    for r in (reference[(k + j) % len(reference)] for j in range(args.saves))
                ]
                code = f"PLAN = {json.dumps(plan)}\nSTART_AT = {start_at!r}\n" + TIMED
                try:
                    hub.execute(n, tokens[n], kernels[n], code, timeout=900)
                except Exception as exc:  # a dropped websocket: the kernel still writes its timings
                    print(f"warning: {n}: {exc}; reading its timings file", file=sys.stderr)
                    time.sleep(20)
                path = course.student_dir("bench", n) / ".bench.json"
                return json.loads(path.read_text())

            t1 = time.monotonic()
            with ThreadPoolExecutor(len(names)) as pool:
                saves = [x for per in pool.map(student, enumerate(names)) for x in per]
            annotate_wall = time.monotonic() - t1
        except BaseException:
            saved = REPO / "bench" / "out" / "hub-failed.log"
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(hub.log_tail(500_000))
            print(f"the hub's log is in {saved}", file=sys.stderr)
            raise
        finally:
            hub.stop()
        files = instructor.collect(course, "bench", snapshot=False)
        assert files.annotators == names and all(len(files.records[n]) > 0 for n in names)
    rows = {
        "students": args.students,
        "saves_per_student": args.saves,
        "spawn_s": {q: round(pct(spawn, q), 2) for q in (50, 90, 99)} | {"max": round(max(spawn), 2)},
        "all_ready_s": round(all_ready, 1),
        "save_ms": {q: round(1000 * pct(saves, q), 1) for q in (50, 90, 99)}
        | {"max": round(1000 * max(saves), 1), "mean": round(1000 * statistics.mean(saves), 1)},
        "annotate_wall_s": round(annotate_wall, 1),
    }
    print(f"{args.students} students, {args.saves} saves each (synthetic), 2 cores shared")
    print(
        f"spawn (request -> ready):  p50 {rows['spawn_s'][50]} s  p90 {rows['spawn_s'][90]} s  "
        f"p99 {rows['spawn_s'][99]} s  max {rows['spawn_s']['max']} s;  all {args.students} ready after "
        f"{rows['all_ready_s']} s"
    )
    print(
        f"save (select, code, save; in the kernel, all students at once):  p50 {rows['save_ms'][50]} ms  "
        f"p90 {rows['save_ms'][90]} ms  p99 {rows['save_ms'][99]} ms  max {rows['save_ms']['max']} ms"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
