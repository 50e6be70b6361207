"""The annotation record and its selectors."""

from __future__ import annotations

from toolkit.records import annotation_id, check_annotator, make_annotation, selectors, validate_record


def test_selectors_carry_32_characters_of_context(seed):
    sel = selectors(seed.text, 1061, 1109)
    assert sel["quote"] == "Russia has asked NATO to stop expanding eastward"
    assert sel["prefix"] == seed.text[1061 - 32 : 1061] and len(sel["prefix"]) == 32
    assert sel["suffix"] == seed.text[1109:1141]


def test_selectors_clip_at_the_edges(seed):
    sel = selectors(seed.text, 0, 7)
    assert sel["prefix"] == "" and sel["quote"] == "Russian"
    end = len(seed.text)
    assert selectors(seed.text, end - 5, end)["suffix"] == ""


def test_ids_are_deterministic_and_code_sensitive():
    a = annotation_id("d", "alice", 1, 5, "cyber", "grievance", "US", "Russia")
    assert a == annotation_id("d", "alice", 1, 5, "cyber", "grievance", "US", "Russia")
    assert a != annotation_id("d", "alice", 1, 5, "cyber", "goodwill", "US", "Russia")
    assert len(a) == 12 and int(a, 16) >= 0


def test_make_annotation_defaults_to_the_documents_summit(seed, codebook, documents, summits):
    rec = make_annotation(
        seed,
        1061,
        1109,
        issue="nato-expansion",
        stance="grievance",
        actor="Russia",
        target="NATO",
        intensity=2,
        annotator="alice",
    )
    assert rec["summit_id"] == "2021-12-07-video" and rec["origin"] == "manual"
    assert validate_record(rec, codebook=codebook, documents=documents, summits=summits) == []


def test_every_broken_field_is_reported(seed, codebook, documents, summits):
    rec = make_annotation(
        seed,
        1061,
        1109,
        issue="nato-expansion",
        stance="grievance",
        actor="Russia",
        target="NATO",
        intensity=2,
        annotator="alice",
    )
    cases = {
        "issue": {"issue": "weather"},
        "stance": {"stance": "neutral"},
        "actor": {"actor": "Mars"},
        "intensity": {"intensity": 7},
        "summit_id": {"summit_id": "1999-01-01-nowhere"},
        "end": {"end": len(seed.text) + 10},
        "quote": {"quote": "something else"},
        "start": {"start": "12"},
        "document_id": {"document_id": "unknown-doc"},
        "annotator": {"annotator": "../x"},
    }
    for field, change in cases.items():
        probs = validate_record(
            {**rec, **change}, file="f.jsonl", line=3, codebook=codebook, documents=documents, summits=summits
        )
        assert probs, field
        assert probs[0].field == field and probs[0].file == "f.jsonl" and probs[0].line == 3, (field, probs)


def test_reversed_offsets_are_refused(seed):
    rec = make_annotation(
        seed, 10, 20, issue="cyber", stance="grievance", actor="US", target="Russia", intensity=1, annotator="alice"
    )
    probs = validate_record({**rec, "start": 20, "end": 10})
    assert [p.field for p in probs] == ["end"]


def test_annotator_names():
    assert check_annotator("student_07") is None
    for bad in ("", "../x", ".hidden", "a/b", "x" * 65, 3):
        assert check_annotator(bad) is not None
