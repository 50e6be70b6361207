"""Adversarial suite, area *re-anchoring*: edits that try to keep an annotation on the wrong passage.

The seed article's text is edited in a scratch copy (deleting a coded
passage, sliding another occurrence of the same words onto its offsets,
replacing the whole text, ...). An annotation may stay anchored only on a
passage that is its quote in its context; otherwise it is orphaned for review
(issue 10, defect 7). The edited texts are synthetic variations of the real
article, made at run time and never stored.
"""

from __future__ import annotations

import pytest
from adversarial import DATA, SEED, copy_data, reference_records, refused, run, snapshot
from rapidfuzz.distance import Levenshtein

from toolkit.corpus import anchor

SIDE_MIN = 0.35  # toolkit.store.reanchor.SIDE_MIN: least similarity of each side's context for a short quote

SEED_TEXT = (DATA / "documents" / f"{SEED}.txt").read_text(encoding="utf-8")
RECORDS = sorted(reference_records(), key=lambda r: (r["start"], r["id"]))


def context_similarity(text: str, rec: dict, s: int, e: int) -> tuple[float, float]:
    p = Levenshtein.normalized_similarity(rec["prefix"], text[max(0, s - len(rec["prefix"])) : s]) if rec["prefix"] else 1.0
    x = Levenshtein.normalized_similarity(rec["suffix"], text[e : e + len(rec["suffix"])]) if rec["suffix"] else 1.0
    return p, x


def test_the_next_ukraine_does_not_inherit_the_annotation(tmp_path, capsys):
    """Defect 7: deleting text[331:598] slid another "Ukraine" onto the old offsets; it was kept with score 1.0."""
    from toolkit.store import Store

    data = copy_data(tmp_path / "data")
    path = data / "documents" / f"{SEED}.txt"
    path.write_text(SEED_TEXT[:331] + SEED_TEXT[598:], encoding="utf-8")
    victim = next(r for r in RECORDS if (r["start"], r["end"]) == (331, 338))
    assert victim["quote"] == "Ukraine"
    res = run(["reanchor", SEED, "--data", data], capsys)
    assert res.rc == 0, res.err
    assert f"ORPHANED reference/reference {victim['id']}" in res.out
    live = {r["id"]: r for r in Store(data / "annotations" / "reference").annotations()}
    assert live[victim["id"]]["status"] == "orphaned"


@pytest.mark.parametrize("rec", RECORDS, ids=[f"{r['start']}-{r['end']}-{r['id'][:6]}" for r in RECORDS])
def test_deleting_a_coded_passage_never_leaves_it_on_another(rec):
    """Each reference passage deleted in turn: its annotation is orphaned, or found again in its own context."""
    text = SEED_TEXT[: rec["start"]] + SEED_TEXT[rec["end"] :]
    a = anchor(rec, text)
    if a.status == "orphaned":
        return
    assert text[a.start : a.end] == a.quote
    p, x = context_similarity(text, rec, a.start, a.end)
    if len(rec["quote"]) < 32:
        assert min(p, x) >= SIDE_MIN, (a, p, x)
    if a.method == "position":
        assert (p, x) == (1.0, 1.0), a


@pytest.mark.parametrize("rec", RECORDS[:8], ids=[f"{r['start']}-{r['end']}" for r in RECORDS[:8]])
def test_same_length_replacement_on_the_old_offsets(rec):
    """The coded words replaced by other words of the same length: never 'in place'."""
    filler = "x" * len(rec["quote"])
    text = SEED_TEXT[: rec["start"]] + filler + SEED_TEXT[rec["end"] :]
    a = anchor(rec, text)
    assert not (a.status == "anchored" and (a.start, a.end) == (rec["start"], rec["end"]))


def test_unchanged_text_keeps_every_annotation_in_place():
    assert all(anchor(r, SEED_TEXT).method == "position" for r in RECORDS)


def test_unrelated_text_orphans_everything():
    text = "Synthetic replacement text about nothing in particular.\n" * 40
    assert all(anchor(r, text).status == "orphaned" for r in RECORDS)


def test_moved_paragraphs_are_found_again():
    paras = SEED_TEXT.split("\n\n")
    text = "\n\n".join(paras[::-1])
    results = [anchor(r, text) for r in RECORDS]
    found = [a for a in results if a.status == "anchored"]
    assert len(found) >= len(RECORDS) - 4  # short quotes whose neighbours changed may be left for review
    for r, a in zip(RECORDS, results):
        if a.status == "anchored":
            assert text[a.start : a.end] == r["quote"] or a.method == "fuzzy"


def test_a_second_copy_makes_it_ambiguous():
    rec = next(r for r in RECORDS if len(r["quote"]) > 40)
    block = SEED_TEXT[max(0, rec["start"] - 40) : rec["end"] + 40]
    text = SEED_TEXT[: rec["start"]] + "X" + SEED_TEXT[rec["start"] + 1 :] + "\n" + block + "\n" + block + "\n"
    assert anchor(rec, text).status == "orphaned"


def test_empty_text_is_one_error(tmp_path, capsys):
    data = copy_data(tmp_path / "data")
    (data / "documents" / f"{SEED}.txt").write_bytes(b"")
    res = run(["reanchor", SEED, "--data", data], capsys)
    assert "Traceback" not in res.err and res.rc in (0, 1)


def test_unknown_document(tmp_path, capsys):
    data = copy_data(tmp_path / "data")
    refused(
        ["reanchor", "2021-12-08-nowhere", "--data", data],
        capsys,
        data,
        file=data / "documents" / "2021-12-08-nowhere.yaml",
        field="id",
        match="no document",
    )


@pytest.mark.parametrize(
    "option,value",
    [
        ("--min-score", "nan"),
        ("--min-score", "2"),
        ("--min-score", "-1"),
        ("--margin", "nan"),
        ("--margin", "-0.5"),
        ("--margin", "inf"),
    ],
)
def test_thresholds_out_of_range(option, value, tmp_path, capsys):
    data = copy_data(tmp_path / "data")
    refused(
        ["reanchor", SEED, option, value, "--data", data],
        capsys,
        data,
        field=option.lstrip("-").replace("-", "_"),
        match=r"between 0 and 1",
    )


def test_dry_run_writes_nothing(tmp_path, capsys):
    data = copy_data(tmp_path / "data")
    (data / "documents" / f"{SEED}.txt").write_text(SEED_TEXT[:331] + SEED_TEXT[598:], encoding="utf-8")
    before = snapshot(data)
    res = run(["reanchor", SEED, "--dry-run", "--data", data], capsys)
    assert res.rc == 0 and "would write" in res.out
    assert snapshot(data) == before
