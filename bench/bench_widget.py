"""Benchmark: one annotator action, server side, with many annotations already stored.

The action is what a user does once per coded span: a selection arrives from
the browser (UTF-16 offsets), stance, issue, actor, target and intensity are
chosen on the widget's controls, Save is pressed (validation, one appended
and fsync'd line), and the widget redraws (the session folds its own
operation into memory, patches only the highlight runs it changed, updates
the progress line and the controls) and the run message is serialised to
JSON as it is sent to the browser. It is timed from the
selection message to the serialised runs, in the kernel's process; browser
rendering is not included.

All data is SYNTHETIC, generated at run time with a seeded RNG under a
temporary folder and deleted afterwards: 1,000, 10,000 and 100,000
annotations (``--quick``: 1,000 and 2,000) of random spans of the real seed
article by one made-up annotator, each with the note ``synthetic benchmark
record``.

Rows (``run()``), one per size:

- ``annotator: code a span + save + redraw``: median of ``repeat`` actions
  with N annotations already in the annotator's log, vs the same action on an
  empty log, measured in the same run (so the ratio is the cost of N stored
  annotations). Goal: median <= 20 ms at 10k, and flat from 1k to 100k.

Run alone: ``.venv/bin/python bench/bench_widget.py [--quick]``.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED_DOC = "2021-12-07-biden-putin-video-summit"
GOAL_S = 0.02  # issue 7's goal: <= 20 ms server side with 10k stored


def _synthetic_log(store, document, codebook, n: int, annotator: str, rng: random.Random) -> None:
    """Write ``n`` synthetic upserts to ``annotator``'s log in the store's line format."""
    from toolkit.records import make_annotation
    from toolkit.store import op_id_for, op_line

    issues, actors = list(codebook.issues), list(codebook.actors)
    text = document.text
    path = store.log_path(annotator)
    path.parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    pos = 0
    with open(path, "wb") as fh:
        while len(seen) < n:
            a = rng.randrange(0, len(text) - 40)
            b = a + rng.randrange(5, 40)
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a >= b:
                continue
            actor, target = rng.sample(actors[:5], 2)
            rec = make_annotation(
                document,
                a,
                b,
                issue=rng.choice(issues),
                stance=rng.choice(["grievance", "goodwill"]),
                actor=actor,
                target=target,
                intensity=rng.randint(1, 3),
                annotator=annotator,
                note="synthetic benchmark record",
                created="2026-01-01T00:00:00Z",
            )
            if rec["id"] in seen:
                continue
            seen.add(rec["id"])
            op = {"op": "upsert", "at": "2026-01-01T00:00:00Z", **rec}
            op["op_id"] = op_id_for(op, pos)
            line = op_line(op)  # the store's own line format, from its public encoder
            pos += len(line)
            fh.write(line)


def _time_actions(root: Path, n_stored: int, repeat: int, seed: int) -> list[float]:
    from toolkit.codebook import load_codebook
    from toolkit.corpus import load_documents, load_summits
    from toolkit.paths import data_dir
    from toolkit.store import Store
    from toolkit.widgets.annotator import Annotator

    data = data_dir()
    codebook = load_codebook(data / "codebook.yaml")
    summits = load_summits(data / "summits.yaml", codebook)
    docs = load_documents(data / "documents", summits)
    doc = docs[SEED_DOC]
    store = Store(root, codebook=codebook, documents=docs, summits=summits)
    rng = random.Random(seed)
    if n_stored:
        _synthetic_log(store, doc, codebook, n_stored, "bench", rng)
    widget = Annotator(doc, codebook, store, annotator="bench", summits=summits)
    assert len(widget.session.annotations()) == n_stored
    times = []
    stances, issues = list(codebook.stances), list(codebook.issues)
    for i in range(repeat):
        a = 50 + 97 * i % (len(doc.text) - 100)
        t = time.perf_counter()
        widget._on_view_msg(widget.view, {"type": "select", "start": a, "end": a + 25}, [])
        widget.stance.value = stances[i % 2]
        widget._issue_buttons[issues[i % len(issues)]].click()
        widget.actor.value = "US"
        widget.target.value = "Russia"
        widget.intensity.value = 1 + i % 3
        widget.save_button.click()
        payload = json.dumps(widget.view.sent)
        times.append(time.perf_counter() - t)
        if "Saved" not in widget.message.value:
            raise RuntimeError(f"the benchmark action did not save: {widget.message.value}")
        assert payload
    assert len(widget.session.annotations()) == n_stored + repeat
    return times


def run(quick: bool = False, repeat: int = 15) -> list[dict]:
    """Measure the annotator action; returns rows for ``bench/run.py``.

    Returns
    -------
    list of dict
        Keys ``metric, size, ours_s, baseline_s, ratio, goal, met, note``.
    """
    sizes = (1_000, 2_000) if quick else (1_000, 10_000, 100_000)
    rows = []
    with tempfile.TemporaryDirectory(prefix="summit-ledger-bench-widget-") as tmp:
        base = _time_actions(Path(tmp) / "empty", 0, repeat, 1)
        med0 = statistics.median(base)
        for n in sizes:
            ours = _time_actions(Path(tmp) / f"full{n}", n, repeat, 2)
            med = statistics.median(ours)
            rows.append(
                {
                    "metric": "annotator: code a span + save + redraw (server side)",
                    "size": f"{n:,} stored",
                    "ours_s": med,
                    "baseline_s": med0,
                    "ratio": med / med0 if med0 else None,
                    "goal": f"median <= {GOAL_S} s, flat 1k-100k",
                    "met": med <= GOAL_S if not quick else None,
                    "note": f"baseline: same action on an empty log; {repeat} actions, max {max(ours):.3f} s",
                }
            )
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(json.dumps(r, indent=2))
