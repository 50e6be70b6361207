"""Summit Ledger's performance table: ``python bench/run.py [--quick] [--only NAME ...]``.

Every figure is measured in this run, next to a baseline measured in the same
run on the same machine, so the ratio means something on any machine. All data
is SYNTHETIC: generated at run time under a temporary folder (synthetic
annotations of the real seed article, labelled ``synthetic benchmark record``
in their note), deleted afterwards, never committed.

Rows measured here:

- ``load + validate ledger``: :func:`toolkit.ledger.load_ledger` on a set whose
  log holds N upserts (every record checked against the codebook, summits and
  the article text, then joined into the ledger DataFrame) vs
  ``pyarrow.json.read_json`` of the same file. Goal: ratio <= 1.5.
- ``append (fsync)``: one :meth:`toolkit.store.Store.upsert` to a log already
  holding 1k, 100k or 1M records, median of many, vs a bare ``os.write`` +
  ``os.fsync`` of the same bytes in the same folder. Goal: flat in the log
  size, median <= 1 ms.
- ``import toolkit``: a fresh interpreter running ``import toolkit`` vs one
  running ``import pandas`` (median of several). Goal: at most +50 ms.
- ``nbval notebook suite``: wall time of ``pytest --nbval`` over
  ``notebooks/``. Goal: <= 60 s on 2 cores (no baseline).

Rows from other modules (each exposes ``run() -> list[dict]``): ``bench_widget``
(annotator action), ``bench_store`` (one append and its parts, beside the fsync floor), ``bench_balance`` (balance, bootstrap, chart spec size),
``bench_agreement`` (Krippendorff's alpha). A module that is missing or fails
is listed as "not available" with the reason.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

sys.path.insert(0, str(REPO / "tests"))

from _timing import median_time  # noqa: E402  (bench/ is on sys.path when run as a script)
from synthetic import synthetic_ops, write_log  # noqa: E402  (shared with the tests)

OTHER_MODULES = ("bench_widget", "bench_store", "bench_balance", "bench_agreement", "bench_import")


def row(metric: str, size: str, ours: float | None, baseline: float | None, goal: str, met: bool | None, note: str = "") -> dict:
    ratio = ours / baseline if ours is not None and baseline else None
    return {
        "metric": metric,
        "size": size,
        "ours_s": ours,
        "baseline_s": baseline,
        "ratio": ratio,
        "goal": goal,
        "met": met,
        "note": note,
    }


# ------------------------------------------------------------ synthetic data
def scratch_data(tmp: Path) -> Path:
    """A copy of the real codebook, summits and documents (no annotations) to add synthetic sets to."""
    data = tmp / "data"
    data.mkdir(parents=True)
    for name in ("codebook.yaml", "summits.yaml"):
        shutil.copy(REPO / "data" / name, data / name)
    shutil.copytree(REPO / "data" / "documents", data / "documents")
    (data / "annotations").mkdir()
    return data


# ------------------------------------------------------------------ our rows
def bench_load(tmp: Path, n: int) -> list[dict]:
    import pyarrow.json as pj

    from toolkit.ledger import load_ledger

    data = scratch_data(tmp / "load")
    log = data / "annotations" / "synthetic" / "synthetic.jsonl"
    size = write_log(log, n, "synthetic")
    base = median_time(lambda: pj.read_json(log), 3)
    t = time.perf_counter()
    ledger = load_ledger(data, sets=["synthetic"], include_briefs=False)
    ours = time.perf_counter() - t
    assert len(ledger) == n, f"ledger has {len(ledger)} rows, expected {n}"
    ratio = ours / base
    return [
        row("load + validate ledger", f"{n:,} records ({size / 1e6:.0f} MB)", ours, base, "<= 1.5x pyarrow.json", ratio <= 1.5)
    ]


def bench_append(tmp: Path, sizes: list[int], repeat: int) -> list[dict]:
    from toolkit.codebook import load_codebook
    from toolkit.corpus import load_documents, load_summits
    from toolkit.store import Store

    data = REPO / "data"
    codebook = load_codebook(data / "codebook.yaml")
    summits = load_summits(data / "summits.yaml", codebook)
    documents = load_documents(data / "documents", summits)
    rows = []
    new = [json.loads(line) for line in synthetic_ops(repeat, "synthetic", seed=99)]
    for rec in new:
        for k in ("op", "op_id", "at"):
            rec.pop(k)
    for n in sizes:
        root = tmp / f"append-{n}"
        write_log(root / "synthetic.jsonl", n, "synthetic", seed=n)
        store = Store(root, codebook=codebook, documents=documents, summits=summits)
        line = (json.dumps(new[0], ensure_ascii=False) + "\n").encode()
        fd = os.open(root / "baseline.bin", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        times, btimes = [], []
        try:
            # Interleaved, so that both see the same disk: fsync time drifts a lot on shared machines.
            for rec in new:
                rec = {**rec, "id": rec["id"] + "n"}
                t = time.perf_counter()
                store.upsert(rec)
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                os.write(fd, line)
                os.fsync(fd)
                btimes.append(time.perf_counter() - t)
        finally:
            os.close(fd)
        ours = statistics.median(times)
        base = statistics.median(btimes)
        rows.append(
            row(
                "append (fsync), median",
                f"log of {n:,}",
                ours,
                base,
                "flat, <= 1 ms",
                ours <= 0.001,
                f"overhead over fsync {(ours - base) * 1e3:+.2f} ms; p90 {statistics.quantiles(times, n=10)[-1] * 1e3:.2f} ms",
            )
        )
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        # The toolkit's own cost per append, with the disk taken out: the same on a RAM disk (fsync ~ free).
        root = Path(tempfile.mkdtemp(prefix="summit-ledger-bench-", dir=shm))
        try:
            write_log(root / "synthetic.jsonl", sizes[0], "synthetic", seed=1)
            store = Store(root, codebook=codebook, documents=documents, summits=summits)
            times = []
            for rec in new:
                rec = {**rec, "id": rec["id"] + "m"}
                t = time.perf_counter()
                store.upsert(rec)
                times.append(time.perf_counter() - t)
            ours = statistics.median(times)
            rows.append(
                row(
                    "append, RAM disk (toolkit cost alone)",
                    f"log of {sizes[0]:,}",
                    ours,
                    None,
                    "<= 1 ms",
                    ours <= 0.001,
                    "validate + lock + write + fsync on /dev/shm",
                )
            )
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return rows


def bench_import(repeat: int) -> list[dict]:
    def fresh(stmt: str) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", stmt], check=True, cwd=REPO)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    base = fresh("import pandas")
    out = []
    for stmt in ("import toolkit", "import toolkit; toolkit.load_ledger"):
        ours = fresh(stmt)
        out.append(
            row(
                f"`{stmt}` (fresh process)",
                "-",
                ours,
                base,
                "<= import pandas + 50 ms",
                ours - base <= 0.050,
                f"{(ours - base) * 1e3:+.0f} ms vs pandas",
            )
        )
    return out


def bench_nbval() -> list[dict]:
    nbs = sorted((REPO / "notebooks").rglob("*.ipynb"))
    if not nbs:
        return [row("nbval notebook suite", "no notebooks", None, None, "<= 60 s", None, "not available")]
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        "notebooks/sanitize.cfg",
        "notebooks",
    ]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    ours = time.perf_counter() - t
    tail = (proc.stdout.strip().splitlines() or ["?"])[-1]
    return [
        row("nbval notebook suite", f"{len(nbs)} notebooks", ours, None, "<= 60 s", ours <= 60 and proc.returncode == 0, tail)
    ]


def other_module(name: str, quick: bool) -> list[dict]:
    try:
        mod = importlib.import_module(name)
    except ImportError as exc:
        return [row(name, "-", None, None, "-", None, f"not available ({exc})")]
    try:
        params = inspect.signature(mod.run).parameters
        kwargs = {"quick": quick} if "quick" in params else {}
        rows = mod.run(**kwargs)
    except Exception as exc:  # a broken benchmark must not hide the others
        traceback.print_exc()
        return [row(name, "-", None, None, "-", None, f"not available (failed: {type(exc).__name__}: {exc})")]
    out = []
    for r in rows:
        out.append(
            {
                "metric": r.get("metric"),
                "size": r.get("size", "-"),
                "ours_s": r.get("ours_s"),
                "baseline_s": r.get("baseline_s"),
                "ratio": r.get("ratio"),
                "goal": r.get("goal", "-"),
                "met": r.get("met"),
                "note": r.get("note", ""),
            }
        )
    return out


# -------------------------------------------------------------------- table
def fmt_time(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def table(rows: list[dict]) -> str:
    head = ["metric", "size", "ours", "same-run baseline", "ratio", "goal", "met", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ratio = f"{r['ratio']:.2f}x" if isinstance(r.get("ratio"), (int, float)) else "—"
        met = {True: "yes", False: "**no**", None: "—"}[r.get("met")]
        lines.append(
            "| "
            + " | ".join(
                [
                    str(r["metric"]),
                    str(r["size"]),
                    fmt_time(r["ours_s"]),
                    fmt_time(r["baseline_s"]),
                    ratio,
                    str(r["goal"]),
                    met,
                    str(r.get("note") or ""),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


SECTIONS = ("load", "append", "import", "nbval", *OTHER_MODULES)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (100k instead of 1M records) for a fast check")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    only = set(args.only or SECTIONS)
    big = 100_000 if args.quick else 1_000_000
    rows: list[dict] = []
    tmp = Path(tempfile.mkdtemp(prefix="summit-ledger-bench-"))
    try:
        if "load" in only:
            rows += bench_load(tmp, big)
        if "append" in only:
            rows += bench_append(tmp, [1_000, 100_000, big] if not args.quick else [1_000, 10_000, big], 300)
        if "import" in only:
            rows += bench_import(7)
        if "nbval" in only:
            rows += bench_nbval()
        for name in OTHER_MODULES:
            if name in only:
                rows += other_module(name, args.quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"Summit Ledger benchmarks — synthetic data generated at run time, not stored."
        f" Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}{' (--quick sizes)' if args.quick else ''}."
    )
    print()
    print(table(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"cores": os.cpu_count(), "quick": args.quick, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
