"""Benchmark: Krippendorff's α for 30 annotators x 10k units, built from annotation records.

SYNTHETIC data, generated at run time with a seeded RNG and never written to
disk: a made-up article of 667 sentences (667 x 15 issues = 10,005 units) and
30 annotators who each code a perturbed copy of one shared set of spans.

Rows (``run()``), each timed as the median of ``repeat`` runs:

- ``alpha from records``: :func:`toolkit.agreement.build_units` (records ->
  sentence x issue units, sentences already segmented) + nominal
  :func:`toolkit.agreement.unit_alpha`;
- ``alpha from records, cold``: the same with the sentence segmenter's cache
  cleared first (pysbd runs on the whole article);
- ``pairwise kappa matrix``: 435 pairs of Cohen's κ on the same units.

The same-run baseline is ``krippendorff.alpha`` alone on the very matrix our
code built (coders x units, NaN for missing, nominal, same value domain): the
cost of the coefficient with no record handling at all. ``ratio`` =
ours / baseline. The script also checks that both give the same α.

Run alone: ``.venv/bin/python bench/bench_agreement.py``.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N_ANNOTATORS = 30
N_SENTENCES = 667
ISSUES = [
    "ukraine-security",
    "nato-expansion",
    "military-exercises",
    "sanctions",
    "energy-nord-stream",
    "cyber",
    "election-interference",
    "diplomatic-presence",
    "syria",
    "regional-other",
    "relations-dialogue",
    "strategic-stability",
    "human-rights",
    "iran",
    "law-enforcement",
]
WORDS = [
    "leaders",
    "talks",
    "border",
    "troops",
    "sanctions",
    "pipeline",
    "officials",
    "summit",
    "security",
    "dialogue",
    "warned",
    "offered",
    "accused",
    "agreed",
    "demanded",
    "relations",
    "pressure",
    "allies",
]


def synthetic_corpus(seed: int = 7):
    """A SYNTHETIC document and records: (document, records). Nothing here is real news."""
    from toolkit.corpus import Document

    rng = random.Random(seed)
    sentences = []
    for k in range(N_SENTENCES):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
        sentences.append(f"Synthetic sentence {k} says the " + " ".join(words) + ".")
    # paragraphs of about 8 sentences, so the segmenter sees realistic lines
    paras = [" ".join(sentences[i : i + 8]) for i in range(0, N_SENTENCES, 8)]
    text = "\n".join(paras)
    doc = Document(id="synthetic-bench", title="Synthetic benchmark article", text=text, summit_id="synthetic")
    starts = []
    pos = 0
    for s in sentences:
        pos = text.index(s, pos)
        starts.append((pos, pos + len(s)))
        pos += len(s)
    truth = []
    for a, b in starts:
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            lo = rng.randint(a, b - 10)
            truth.append(
                (lo, rng.randint(lo + 5, b), rng.choice(ISSUES), rng.choice(["grievance", "goodwill"]), rng.randint(1, 3))
            )
    records = []
    for n in range(N_ANNOTATORS):
        name = f"synthetic-{n:02d}"
        for i, (a, b, issue, stance, inten) in enumerate(truth):
            if rng.random() < 0.15:
                continue
            if rng.random() < 0.1:
                stance = "goodwill" if stance == "grievance" else "grievance"
            if rng.random() < 0.05:
                issue = rng.choice(ISSUES)
            records.append(
                {
                    "id": f"{name}-{i}",
                    "document_id": doc.id,
                    "start": a,
                    "end": b,
                    "issue": issue,
                    "stance": stance,
                    "intensity": inten,
                    "annotator": name,
                    "status": "anchored",
                }
            )
    return doc, records


def _median_time(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def run(repeat: int = 5) -> list[dict]:
    """Time the agreement pipeline against ``krippendorff.alpha`` alone.

    Returns
    -------
    list of dict
        Rows with keys ``metric, size, ours_s, baseline_s, ratio, goal``.
    """
    import krippendorff

    from toolkit.agreement import STANCE_VALUES, build_units, pairwise_matrix, unit_alpha
    from toolkit.corpus import documents as corpus

    doc, records = synthetic_corpus()
    docs = {doc.id: doc}
    corpus.segment(doc)  # warm the segmenter for the warm row
    units = build_units(records, docs, ISSUES)
    n_units = units.stance.shape[0]
    matrix = units.codes().astype(float)
    matrix[matrix < 0] = np.nan
    domain = np.arange(len(STANCE_VALUES), dtype=float)

    def baseline():
        return krippendorff.alpha(reliability_data=matrix, value_domain=domain, level_of_measurement="nominal")

    def ours():
        return unit_alpha(build_units(records, docs, ISSUES))

    def cold():
        corpus._segment_text.cache_clear()
        return unit_alpha(build_units(records, docs, ISSUES))

    base_s, base_alpha = _median_time(baseline, repeat)
    ours_s, ours_alpha = _median_time(ours, repeat)
    cold_s, _ = _median_time(cold, max(1, repeat // 2))
    pair_s, _ = _median_time(lambda: pairwise_matrix(units, "cohen"), max(1, repeat // 2))
    if not np.isclose(base_alpha, ours_alpha):
        raise AssertionError(f"alpha differs: ours {ours_alpha} vs krippendorff.alpha {base_alpha}")
    size = f"{N_ANNOTATORS} annotators x {n_units} units ({len(records)} records)"
    return [
        {
            "metric": "alpha from records",
            "size": size,
            "ours_s": ours_s,
            "baseline_s": base_s,
            "ratio": ours_s / base_s,
            "goal": "<= 0.2 s total (baseline: krippendorff.alpha on the built matrix)",
        },
        {
            "metric": "alpha from records, cold",
            "size": size,
            "ours_s": cold_s,
            "baseline_s": base_s,
            "ratio": cold_s / base_s,
            "goal": "< 10 s including sentence segmentation",
        },
        {
            "metric": "pairwise kappa matrix",
            "size": f"{N_ANNOTATORS * (N_ANNOTATORS - 1) // 2} pairs x {n_units} units",
            "ours_s": pair_s,
            "baseline_s": base_s,
            "ratio": pair_s / base_s,
            "goal": "< 2 s",
        },
    ]


if __name__ == "__main__":
    rows = run()
    print(f"{'metric':28} {'size':52} {'ours_s':>8} {'base_s':>8} {'ratio':>7}  goal")
    for r in rows:
        print(f"{r['metric']:28} {r['size']:52} {r['ours_s']:8.3f} {r['baseline_s']:8.3f} {r['ratio']:7.2f}  {r['goal']}")
