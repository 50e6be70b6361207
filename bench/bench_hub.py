"""A class of 30 simulated students on a real JupyterHub: spawn time, save latency, records kept.

Not a test. Run: ``.venv/bin/python bench/bench_hub.py [--students 30] [--saves 10] [--login both] [--json FILE]``.

It starts ``deploy/jupyterhub/jupyterhub_config.py`` with a temporary class
folder, once per login: ``dummy`` (one shared password, every server run by
the simple local spawner as the hub's account; the baseline) and ``pam``
(real system accounts made for the run with ``useradd`` and removed after it,
each server run as its student by the local process spawner; needs root);
``both`` runs the two and prints their ratio. It asks the hub to start every student's server at once and times each
until the hub reports it ready; then, in every student's kernel at the same
time, codes passages of the real seed article through the annotator's session
and times each save (select, code, validate, lock, append, fsync) inside the
kernel. The students and their codings are SYNTHETIC (reference spans re-coded
by the script), live in a temporary folder and are deleted afterwards. Every
save the kernel acknowledged (the record it returned) is counted against the
records found on disk afterwards: none may be lost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
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
times, acked = [], []
for start, end, codes in PLAN:
    t = time.perf_counter()
    s.select(start, end)
    for f, v in codes.items():
        s.set_code(f, v)
    acked.append(s.save()["id"])
    times.append(time.perf_counter() - t)
(work.folder / ".bench.json").write_text(json.dumps({"times": times, "acked": acked}))
print(json.dumps({"times": times, "acked": acked}))
"""


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(q / 100 * (len(v) - 1))))]


def run(login: str, n_students: int, n_saves: int, proxy: str) -> dict:
    """One class of ``n_students`` on a hub with ``login`` (dummy or pam); the measurements."""
    import shutil

    from tests.hub.accounts import make_accounts, new_base, reachable_environment

    reference = load_reference("reference", data=REPO / "data")
    base = new_base()
    accounts = None
    try:
        python, config, extra = None, None, {}
        if login == "pam":
            python = reachable_environment(base)
            config = base / "src" / "deploy" / "jupyterhub" / "jupyterhub_config.py"
            accounts = make_accounts(base / "homes", n_students)
            names, instructors = accounts.students, [accounts.instructor]
            extra = {"SUMMIT_LEDGER_INSTRUCTOR_GROUP": accounts.group}
        else:
            names, instructors = [f"synthetic{k:02d}" for k in range(1, n_students + 1)], ["teacher"]
        course = ClassFolder(base / "class")
        instructor.create_assignment(course, "bench", [SEED], data=REPO / "data")
        course.set_state("bench", "open")
        (base / "hub").mkdir()
        hub = Hub(
            base / "hub",
            course.root,
            names,
            instructors,
            proxy,
            auth=login,
            python=python,
            config=config,
            passwords=accounts.passwords if accounts else None,
            env_extra=extra,
        )
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

            restarted: list[str] = []

            def setup(n: str) -> None:  # kernels start a few at a time, as students arrive over a minute
                try:
                    kernels[n] = hub.start_kernel(n, tokens[n])
                except Exception as exc:  # noqa: BLE001 - a server that died: start it again, once, and say so
                    print(f"warning: {n}: {exc}; starting the server again", file=sys.stderr)
                    restarted.append(n)
                    hub.spawn(n)
                    hub.wait_ready(n, timeout=900, poll=1.0)
                    kernels[n] = hub.start_kernel(n, tokens[n])
                hub.execute(n, tokens[n], kernels[n], f"SEED = {SEED!r}\n" + SETUP, timeout=900)

            with ThreadPoolExecutor(4) as pool:
                list(pool.map(setup, names))
            start_at = time.time() + 5

            def student(k_n):
                k, n = k_n
                plan = [
                    [r["start"], r["end"], {f: r[f] for f in ("stance", "issue", "actor", "target", "intensity")}]
                    for r in (reference[(k + j) % len(reference)] for j in range(n_saves))
                ]
                code = f"PLAN = {json.dumps(plan)}\nSTART_AT = {start_at!r}\n" + TIMED
                try:
                    hub.execute(n, tokens[n], kernels[n], code, timeout=900)
                except Exception as exc:  # a dropped websocket: the kernel still writes its timings
                    print(f"warning: {n}: {exc}; reading its timings file", file=sys.stderr)
                    time.sleep(20)
                return json.loads((course.student_dir("bench", n) / ".bench.json").read_text())

            t1 = time.monotonic()
            with ThreadPoolExecutor(len(names)) as pool:
                results = dict(zip(names, pool.map(student, enumerate(names))))
            annotate_wall = time.monotonic() - t1
        except BaseException:
            saved = REPO / "bench" / "out" / f"hub-{login}-failed.log"
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(hub.log_tail(500_000))
            print(f"the hub's log is in {saved}", file=sys.stderr)
            raise
        finally:
            hub.stop()
        files = instructor.collect(course, "bench", snapshot=False)
        acked = {n: set(r["acked"]) for n, r in results.items()}
        on_disk = {n: {rec["id"] for rec in files.records.get(n, [])} for n in names}
        saves = [x for r in results.values() for x in r["times"]]
    finally:
        left = accounts.remove() if accounts else []
        shutil.rmtree(base, ignore_errors=True)
        if left:
            print(f"warning: not removed: {left}", file=sys.stderr)
    return {
        "login": login,
        "students": n_students,
        "saves_per_student": n_saves,
        "spawn_s": {q: round(pct(spawn, q), 2) for q in (50, 90, 99)} | {"max": round(max(spawn), 2)},
        "all_ready_s": round(all_ready, 1),
        "save_ms": {q: round(1000 * pct(saves, q), 1) for q in (50, 90, 99)}
        | {"max": round(1000 * max(saves), 1), "mean": round(1000 * statistics.mean(saves), 1)},
        "annotate_wall_s": round(annotate_wall, 1),
        "servers_restarted": sorted(restarted),
        "records_acknowledged": sum(len(v) for v in acked.values()),
        "records_on_disk": sum(len(v) for v in on_disk.values()),
        "acknowledged_not_on_disk": sum(len(acked[n] - on_disk[n]) for n in names),
    }


def main() -> int:
    import os

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--saves", type=int, default=10, help="saves per student")
    ap.add_argument("--login", choices=["dummy", "pam", "both"], default="both" if os.geteuid() == 0 else "dummy")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    proxy = find_proxy()
    if proxy is None:
        print("configurable-http-proxy not found; set SUMMIT_LEDGER_PROXY or install node and npm", file=sys.stderr)
        return 2
    logins = ["dummy", "pam"] if args.login == "both" else [args.login]
    runs = [run(login, args.students, args.saves, proxy) for login in logins]
    print(f"{args.students} students, {args.saves} saves each (synthetic), 2 cores shared")
    for rows in runs:
        print(
            f"[{rows['login']}] spawn (request -> ready): p50 {rows['spawn_s'][50]} s  p90 {rows['spawn_s'][90]} s  "
            f"p99 {rows['spawn_s'][99]} s  max {rows['spawn_s']['max']} s;  all ready after {rows['all_ready_s']} s"
        )
        print(
            f"[{rows['login']}] save (select, code, save; in the kernel, all at once): p50 {rows['save_ms'][50]} ms  "
            f"p90 {rows['save_ms'][90]} ms  p99 {rows['save_ms'][99]} ms  max {rows['save_ms']['max']} ms"
        )
        print(
            f"[{rows['login']}] records acknowledged {rows['records_acknowledged']}, on disk {rows['records_on_disk']}, "
            f"acknowledged but not on disk {rows['acknowledged_not_on_disk']}; "
            f"servers that died after ready and were started again: {len(rows['servers_restarted'])}"
        )
    if len(runs) == 2:
        d, p = runs
        print(
            f"ratio pam/dummy (baseline = dummy, same run): all ready {p['all_ready_s'] / d['all_ready_s']:.2f}x, "
            f"save p50 {p['save_ms'][50] / d['save_ms'][50]:.2f}x, p99 {p['save_ms'][99] / d['save_ms'][99]:.2f}x"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(runs, indent=1))
    lost = sum(r["acknowledged_not_on_disk"] for r in runs)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
