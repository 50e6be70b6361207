"""The shipped annotation sets are valid, and the reference is as complete as promised."""

from __future__ import annotations

from collections import Counter

from toolkit.corpus import segment
from toolkit.store import Store


def test_reference_is_valid_and_has_at_least_15_records(data_root, codebook, documents, summits, seed):
    store = Store(data_root / "annotations" / "reference", codebook=codebook, documents=documents, summits=summits)
    state = store.read("reference")
    assert state.problems == [] and state.torn is None
    recs = list(state.annotations.values())
    assert len(recs) >= 15
    stances = Counter(r["stance"] for r in recs)
    assert stances["grievance"] > 0 and stances["goodwill"] > 0
    for r in recs:
        assert seed.text[r["start"] : r["end"]] == r["quote"]
        assert r["quote"] == r["quote"].strip()
        assert r["summit_id"] in ("2021-12-07-video", "2021-06-16-geneva")


def test_every_shipped_set_is_valid(data_root, codebook, documents, summits):
    sets = [p for p in (data_root / "annotations").iterdir() if p.is_dir()]
    assert sets
    for set_dir in sets:
        store = Store(set_dir, codebook=codebook, documents=documents, summits=summits)
        assert store.problems() == [], set_dir


def test_reference_spans_fall_inside_sentences(data_root, seed):
    segs = segment(seed)
    recs = Store(data_root / "annotations" / "reference").read("reference").annotations.values()
    for r in recs:
        assert any(s.start <= r["start"] and r["end"] <= s.end for s in segs), r["quote"]
