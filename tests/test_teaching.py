"""Tests for toolkit.classroom: tolerant collection, student feedback, the class view, hot spots.

The class folders here are SYNTHETIC: students made by perturbing the reference
annotation with a seeded RNG, written to a temporary folder by the test itself.
They are never real students' work and are never written to data/.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.agreement import AgreementError, span_scores
from toolkit.classroom import (
    PROGRESS_MIN_FILES,
    balance_comparison,
    class_ledger,
    class_view,
    collect_class,
    feedback,
    feedback_table,
    hotspot_spans,
    hotspots_html,
    load_reference,
)
from toolkit.corpus import Document, segment
from toolkit.errors import DataError
from toolkit.records import make_annotation
from toolkit.store import Store

CREATED = "2026-01-01T00:00:00Z"


def perturb(reference, document, codebook, name, rng):
    """A synthetic student: the reference with dropped spans, moved edges, flipped stances, one extra span."""
    issues = list(codebook.issues)
    out = []
    for r in reference:
        if rng.random() < 0.15:
            continue
        start = max(0, r["start"] + rng.randint(-4, 4))
        end = min(len(document.text), max(start + 1, r["end"] + rng.randint(-4, 4)))
        stance = r["stance"]
        if rng.random() < 0.1:
            stance = "goodwill" if stance == "grievance" else "grievance"
        issue = r["issue"] if rng.random() > 0.05 else rng.choice(issues)
        out.append(
            make_annotation(
                document,
                start,
                end,
                issue=issue,
                stance=stance,
                actor=r["actor"],
                target=r["target"],
                intensity=r["intensity"],
                annotator=name,
                created=CREATED,
                note="synthetic",
            )
        )
    seg = rng.choice(segment(document))
    out.append(
        make_annotation(
            document,
            seg.start,
            seg.end,
            issue=rng.choice(issues),
            stance=rng.choice(["grievance", "goodwill"]),
            actor="US",
            target="Russia",
            intensity=rng.randint(1, 3),
            annotator=name,
            created=CREATED,
            note="synthetic",
        )
    )
    # keep one record per id (a moved edge can collide with another)
    return list({rec["id"]: rec for rec in out}.values())


@pytest.fixture(scope="module")
def reference(data_root):
    return load_reference("reference", data=data_root)


@pytest.fixture(scope="module")
def _synthetic_master(tmp_path_factory, reference, seed, codebook, documents, summits):
    folder = tmp_path_factory.mktemp("class") / "synthetic-class"
    store = Store(folder, codebook=codebook, documents=documents, summits=summits)
    rng = random.Random(20261128)
    for k in range(1, 31):
        store.write_all(perturb(reference, seed, codebook, f"synthetic-{k:02d}", rng))
    return folder


@pytest.fixture
def synthetic_class(tmp_path, _synthetic_master):
    """A synthetic class of 30 students in a temporary folder (labelled synthetic in every file name)."""
    return Path(shutil.copytree(_synthetic_master, tmp_path / "synthetic-class", ignore=shutil.ignore_patterns("*.lock")))


def test_reference_loads_by_set_name_folder_or_file(reference, data_root):
    assert len(reference) == 22
    assert load_reference(data_root / "annotations" / "reference", data=data_root) == reference
    assert load_reference(data_root / "annotations" / "reference" / "reference.jsonl", data=data_root) == reference
    with pytest.raises(DataError, match="no such reference"):
        load_reference("no-such-set", data=data_root)


def test_synthetic_class_of_30_end_to_end(synthetic_class, reference, seed, data_root, capsys):
    """The instructor notebook's steps: collect -> feedback table -> class agreement -> hot spots."""
    files = collect_class(synthetic_class, data=data_root, progress=False)
    assert len(files.annotators) == 30
    assert {f.status for f in files.files} == {"ok"}
    table = feedback_table(files, reference)
    assert len(table) == 30 and table.annotator.iloc[0] == "synthetic-01"
    assert ((table.f1 > 0.5) & (table.f1 <= 1)).all()  # perturbed, not random
    assert (table.exact_f1 <= table.f1).all()  # exact matching can only be stricter
    assert (table.found + table.missed == 22).all()
    # the table agrees with a direct computation for one student
    direct = span_scores(files.records["synthetic-07"], reference, "overlap")
    row = table.set_index("annotator").loc["synthetic-07"]
    assert (row.found, row.extra, row.missed) == (direct["tp"], direct["fp"], direct["fn"])
    view = class_view(files, reference=reference)
    rep = view.report
    assert 0.3 < rep.alpha < 1.0
    assert rep.pairwise.shape == (30, 30)
    assert np.allclose(np.diag(rep.pairwise), 1.0)
    top = rep.sentences.iloc[0]
    assert top.disagreement > 0 and top.detail
    html = hotspots_html(seed, rep.sentences, title="Synthetic class")
    assert html.count('class="sl-span"') >= 1 and "Synthetic class" in html
    text = view.to_text()
    assert "30 annotators" in text and "Pairwise Cohen's kappa" in text
    # balance of the class beside the reference, and the charts the notebook draws from it
    comp = balance_comparison(files, reference, n_boot=200)
    # balance tables count acts of the US<->Russia dyad by default: a joint record once, the mentions of one event
    # once, and acts aimed at a third party (Ukraine, NATO, the West) not at all
    dyad = {"US", "Russia", "US-Russia", "US-Russia-mutual"}
    ref_acts = {r.get("event_id") or r["id"] for r in reference if r["actor"] in dyad and r["target"] in dyad}
    assert comp.reference_n.sum() == len(ref_acts)
    in_dyad = sum(r["actor"] in dyad and r["target"] in dyad for v in files.records.values() for r in v)
    assert comp.class_n.sum() == in_dyad
    assert (comp.class_students <= 30).all() and comp.class_students.max() > 20
    # the reference dates the Nord Stream 2 waiver before Geneva (codebook 2.0); the synthetic class keeps December
    nord = comp[comp["issue"] == "energy-nord-stream"].set_index("summit_label")
    assert nord.loc["Geneva 2021", "reference_balance"] == 1.0
    dec = nord.loc["Video call Dec 2021"]
    assert dec.class_ci_low <= dec.class_balance <= dec.class_ci_high
    from toolkit import charts
    from toolkit.measures import balance_table

    ledger = class_ledger(files, reference)
    assert set(ledger["set"]) == {"class", "reference"}
    spec = charts.heatmap_chart(balance_table(ledger, by="issue", sets="class", n_boot=0)).to_dict()
    assert spec["layer"]
    assert capsys.readouterr().err == ""  # no progress bar when asked for none


def test_progress_bar_for_many_files(synthetic_class, data_root, capsys):
    assert PROGRESS_MIN_FILES <= 30
    collect_class(synthetic_class, data=data_root)
    err = capsys.readouterr().err
    assert "reading annotator files" in err and "30/30" in err


def test_bad_files_are_reported_and_the_rest_is_used(synthetic_class, data_root, seed, codebook):
    folder = synthetic_class
    (folder / "corrupt.jsonl").write_bytes(b'\x00\xff not json at all\n{"op": "upsert"\n')
    (folder / "notes.txt").write_text("not an annotation file")
    (folder / "student (1).jsonl").write_text("")
    # an unknown code on one line of one student's file: that line is skipped, the rest kept
    line = json.loads((folder / "synthetic-03.jsonl").read_text().splitlines()[0])
    line.update(issue="weather", op_id="x", id="bad0000000001")
    with open(folder / "synthetic-03.jsonl", "a") as fh:
        fh.write(json.dumps(line) + "\n")
    # an identical copy in a subfolder, and a different file for the same name (other case)
    sub = folder / "late"
    sub.mkdir()
    shutil.copy(folder / "synthetic-05.jsonl", sub / "synthetic-05.jsonl")
    shutil.copy(folder / "synthetic-06.jsonl", sub / "SYNTHETIC-06.jsonl")
    text = (sub / "SYNTHETIC-06.jsonl").read_text().replace('"synthetic-06"', '"SYNTHETIC-06"')
    (sub / "SYNTHETIC-06.jsonl").write_text("\n".join(text.splitlines()[:-3]) + "\n")

    files = collect_class(folder, data=data_root, progress=False)
    status = {Path(f.path).name: f for f in files.files}
    assert status["corrupt.jsonl"].status == "unreadable"
    assert any(p.line == 1 for p in status["corrupt.jsonl"].problems)
    assert status["notes.txt"].status == "skipped"
    assert status["student (1).jsonl"].status == "unreadable" and "rename" in status["student (1).jsonl"].message
    s3 = status["synthetic-03.jsonl"]
    assert s3.status == "partial" and s3.problems[0].field == "issue" and "weather" in s3.problems[0].message
    dup = [f for f in files.files if f.path.endswith("late/synthetic-05.jsonl")][0]
    assert dup.status == "duplicate"
    renamed = status["SYNTHETIC-06.jsonl"]
    assert renamed.status == "renamed" and renamed.annotator == "SYNTHETIC-06-2"
    assert len(files.annotators) == 31  # 30 + the renamed second file
    assert all(r["annotator"] == "SYNTHETIC-06-2" for r in files.records["SYNTHETIC-06-2"])
    frame = files.status_frame()
    assert list(frame.columns) == ["file", "annotator", "records", "status", "problems", "message"]
    view = class_view(files)
    assert len(view.report.annotators) == 31


def test_class_view_with_too_few_files_names_the_bad_ones(tmp_path, data_root):
    (tmp_path / "broken.jsonl").write_text("{not json\n")
    files = collect_class(tmp_path, data=data_root, progress=False)
    with pytest.raises(AgreementError) as info:
        class_view(files)
    assert "broken.jsonl" in str(info.value) and "at least two" in str(info.value)


def test_feedback_quotes_missed_and_extra_passages_in_context(reference, seed, codebook, documents):
    student = [dict(r, annotator="student") for r in reference if r["issue"] != "sanctions"]
    peskov = next(r for r in reference if r["quote"].startswith("Kremlin spokesman Peskov"))
    student = [r for r in student if r is not peskov and r["id"] != peskov["id"]]
    student.append({**peskov, "annotator": "student", "stance": "grievance", "id": "s-flip"})
    fb = feedback(student, reference, documents=documents, codebook=codebook)
    assert fb.annotator == "student"
    missed_quotes = [m["quote"] for m in fb.missed]
    sanctions = next(r for r in reference if r["issue"] == "sanctions")
    assert sanctions["quote"] in missed_quotes and peskov["quote"] in missed_quotes
    m = fb.missed[missed_quotes.index(sanctions["quote"])]
    assert m["reference"].startswith("grievance · Sanctions") and m["yours"] == []
    assert m["before"].endswith("said Monday that ") and seed.text[sanctions["end"] :].startswith(m["after"])
    assert m["sentence"] == 9
    flipped = fb.missed[missed_quotes.index(peskov["quote"])]
    assert flipped["yours"] and flipped["yours"][0].startswith("grievance")
    extra = fb.extra[0]
    assert extra["yours"].startswith("grievance") and extra["reference"][0].startswith("goodwill")
    text = fb.to_text()
    assert "Passages the reference coded and you did not (2)" in text and sanctions["quote"] in text
    assert fb.scores.loc["overlap", "fn"] == 2 and fb.scores.loc["overlap", "fp"] == 1
    by = fb.by_issue.set_index("issue")
    assert by.loc["sanctions", "recall"] == 0.0 and by.loc["cyber", "f1"] == 1.0


def test_feedback_reports_attribute_differences(reference, documents, codebook):
    student = [dict(r, annotator="student") for r in reference]
    student[0] = {**student[0], "intensity": 3}
    fb = feedback(student, reference, documents=documents, codebook=codebook)
    assert fb.scores.loc["exact", "f1"] == 1.0
    assert len(fb.differences) == 1 and "intensity 3" in fb.differences[0]["yours"]


def test_feedback_html_is_escaped(tmp_path, codebook):
    doc = Document(id="toy", title="Toy", text="Alpha <b>accuses</b> Beta. Beta & Gamma talk.", summit_id="s")
    ref = [
        dict(
            make_annotation(
                doc,
                0,
                24,
                issue="cyber",
                stance="grievance",
                actor="US",
                target="Russia",
                intensity=1,
                annotator="ref",
                created=CREATED,
            ),
            note="<script>alert(1)</script>",
        )
    ]
    student = [
        make_annotation(
            doc,
            26,
            44,
            issue="cyber",
            stance="goodwill",
            actor="US",
            target="Russia",
            intensity=1,
            annotator="stu",
            created=CREATED,
        )
    ]
    fb = feedback(student, ref, documents={"toy": doc}, codebook=codebook)
    page = fb._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>accuses</b>" not in page and "&lt;b&gt;accuses&lt;/b&gt;" in page
    assert "Beta &amp; Gamma" in page
    sentences = pd.DataFrame(
        [{"document_id": "toy", "segment": 0, "start": 0, "end": 25, "disagreement": 1.0, "detail": "cyber: <i>x</i>"}]
    )
    hot = hotspots_html(doc, sentences)
    assert "<i>x</i>" not in hot and "&lt;b&gt;" in hot


def test_hotspot_spans_shade_by_score(seed):
    sentences = pd.DataFrame(
        [
            {"document_id": seed.id, "segment": 0, "start": 0, "end": 10, "disagreement": 2.0, "detail": "a"},
            {"document_id": seed.id, "segment": 1, "start": 20, "end": 30, "disagreement": 1.0, "detail": "b"},
            {"document_id": seed.id, "segment": 2, "start": 40, "end": 50, "disagreement": 0.0, "detail": ""},
        ]
    )
    spans = hotspot_spans(sentences, seed.id, top=1)
    assert spans.start.tolist() == [0, 20]
    assert spans.opacity.tolist() == [0.7, 0.4]
    assert spans.label.iloc[0].startswith("#1 ") and not spans.label.iloc[1].startswith("#")


def test_check_my_work_uses_the_students_file(tmp_path, reference, data_root, codebook, documents, summits):
    from toolkit.classroom import check_my_work

    store = Store(tmp_path, codebook=codebook, documents=documents, summits=summits)
    store.write_all([dict(r, annotator="maria", id="m" + r["id"][1:]) for r in reference[:10]])
    fb = check_my_work("maria", tmp_path, data=data_root, example="reference/reference.jsonl")
    assert fb.annotator == "maria"
    assert fb.scores.loc["exact", "tp"] == 10 and fb.scores.loc["exact", "fn"] == 12
    assert not fb.notes


def test_check_my_work_shows_a_labelled_example_while_nothing_is_saved(tmp_path, data_root):
    from toolkit.classroom import check_my_work

    fb = check_my_work("newcomer", tmp_path, data=data_root, example="reference/reference.jsonl")
    assert fb.annotator == "example coding reference"
    assert "no saved annotations in newcomer.jsonl yet" in fb.notes[0]
    assert fb.to_text().splitlines()[2].startswith("You have no saved annotations")
    anonymous = check_my_work(None, tmp_path, data=data_root, example="reference/reference.jsonl")
    assert anonymous.notes[0].startswith("You have not given your name yet, so this is the feedback")
    with pytest.raises(DataError, match="no name given yet"):
        check_my_work(None, tmp_path, data=data_root)
    plain = check_my_work("newcomer", tmp_path, data=data_root)
    assert plain.annotator == "newcomer" and plain.scores.loc["overlap", "fn"] == 22
    with pytest.raises(DataError, match="not allowed"):
        check_my_work("no spaces please", tmp_path, data=data_root)


def test_reference_in_the_class_folder_is_a_coder_but_gets_no_feedback_row(
    tmp_path, reference, data_root, codebook, documents, summits
):
    store = Store(tmp_path, codebook=codebook, documents=documents, summits=summits)
    store.write_all(reference)
    # a (synthetic) student who handed in an exact copy of the reference under their own name is still a student
    store.write_all([dict(r, annotator="copycat", id="c" + r["id"][1:]) for r in reference])
    files = collect_class(tmp_path, data=data_root, progress=False)
    assert files.annotators == ["copycat", "reference"]
    table = feedback_table(files, reference)
    assert table.annotator.tolist() == ["copycat"] and table.f1.iloc[0] == 1.0
    ledger = class_ledger(files, reference)
    assert sorted(ledger[ledger["set"] == "class"].annotator.unique()) == ["copycat"]
    assert class_view(files).report.alpha == pytest.approx(1.0)
