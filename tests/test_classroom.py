"""Tests for toolkit.classroom: hub identity guard, withheld key, assignments, practice, grades, projection.

The students here are SYNTHETIC: their records are passages of the seed
article coded by the test (copies of the reference's spans, some with changed
codes), written to a temporary class folder, never to data/.
"""

from __future__ import annotations

import csv
import json
import os
import stat

import pandas as pd
import pytest

from toolkit.classroom import Feedback, IdentityError, check_writer, grading, hub_annotator, hub_user, instructor, load_reference
from toolkit.classroom.course import ClassFolder
from toolkit.classroom.export import safe_cell, write_csv
from toolkit.classroom.projection import projection_html, pseudonyms
from toolkit.classroom.student import AssignmentClosed, Check, StudentWork
from toolkit.errors import DataError
from toolkit.records import make_annotation
from toolkit.store import Store

SEED = "2021-12-07-biden-putin-video-summit"
CODES = ("stance", "issue", "actor", "target", "intensity")


@pytest.fixture(autouse=True)
def no_hub(monkeypatch):
    for k in ("JUPYTERHUB_USER", "SUMMIT_LEDGER_ROLE", "SUMMIT_LEDGER_CLASS", "SUMMIT_LEDGER_ASSIGNMENT"):
        monkeypatch.delenv(k, raising=False)


@pytest.fixture
def course(tmp_path, data_root):
    c = ClassFolder(tmp_path / "class")
    instructor.create_assignment(c, "week1", [SEED], data=data_root, deadline="2099-01-01")
    return c


@pytest.fixture(scope="module")
def reference(data_root):
    return sorted(load_reference("reference", data=data_root), key=lambda r: r["start"])


def code(work, records):
    """Save ``records``' spans and codes as ``work``'s student, through the annotator session."""
    session = work.annotator().session
    for r in records:
        session.select(r["start"], r["end"])
        for f in CODES:
            session.set_code(f, r[f])
        session.save()
    return session


# ------------------------------------------------------------------ identity
def test_hub_identity_and_the_store_guard(monkeypatch, tmp_path, seed, codebook, documents, summits):
    assert hub_user() is None and hub_annotator() is None
    check_writer("anyone")  # outside a hub: no restriction
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    assert hub_user() == hub_annotator() == "alice"
    store = Store(tmp_path, codebook=codebook, documents=documents, summits=summits)
    rec = make_annotation(
        seed, 126, 188, issue="relations-dialogue", stance="goodwill", actor="US", target="Russia", intensity=2, annotator="bob"
    )
    with pytest.raises(IdentityError) as err:
        store.upsert(rec)
    assert err.value.hub_user == "alice" and err.value.annotator == "bob" and "nothing was written" in str(err.value)
    assert not (tmp_path / "bob.jsonl").exists()
    store.upsert({**rec, "annotator": "alice"})  # her own name is fine
    monkeypatch.setenv("SUMMIT_LEDGER_ROLE", "instructor")
    store.upsert(rec)  # the instructor's server may write any name
    monkeypatch.delenv("SUMMIT_LEDGER_ROLE")
    monkeypatch.setenv("JUPYTERHUB_USER", "a.b@uni.edu")
    with pytest.raises(IdentityError, match="ask your instructor"):
        hub_annotator()


# ------------------------------------------------------------- the withheld key
def test_key_is_withheld_until_released(course, reference, data_root):
    assert not (course.project / "annotations").exists()
    assert not any(course.project.rglob("*.jsonl"))
    assert stat.S_IMODE(course.key_dir("week1").stat().st_mode) == 0o700
    course.set_state("week1", "open")
    work = StudentWork(course, "week1", "student1")
    code(work, reference[:4])
    check = work.check(pressed=True)
    assert isinstance(check, Check)
    text = check.to_text()
    assert "not released" in text and "4 passage(s) coded" in text
    for r in reference:  # nothing of the key: no note, no code of a passage the student did not code
        assert r["note"] not in text and r["note"] not in check._repr_html_()
    with pytest.raises(DataError, match="has not passed"):
        instructor.release(course, "week1")
    a = instructor.release(course, "week1", now=True)
    assert a.release == "key" and a.released_at
    fb = work.check(pressed=True)
    assert isinstance(fb, Feedback) and fb.scores.loc["overlap", "tp"] == 4
    assert [c["released"] for c in work.checks()] == [False, True]
    log = (work.folder / ".checks.jsonl").read_bytes()
    work.check(pressed=True)
    assert (work.folder / ".checks.jsonl").read_bytes().startswith(log)  # appended, never rewritten


def test_feedback_only_release_and_closing(course, reference):
    course.set_state("week1", "open")
    work = StudentWork(course, "week1", "student2")
    code(work, reference[:2])
    course.set_state("week1", "closed")
    with pytest.raises(AssignmentClosed, match="closed"):
        code(work, reference[2:3])
    instructor.release(course, "week1", "feedback", now=True)
    assert not course.released_dir("week1").exists()
    check = work.check()
    assert isinstance(check, Check) and "Your instructor's feedback" in check.to_text()
    assert "found 2 of the reference's" in (work.folder / "feedback.txt").read_text()


# ------------------------------------------------------------- assignments
def test_groups_by_article_and_outlet(course):
    a = instructor.assign(course, "week1", "reuters", ["student1", "student2"], outlets=["Reuters"])
    assert a.articles_for("student1") == [SEED] and a.group_of("student2") == "reuters"
    assert a.group_of("student3") is None
    a = instructor.assign(course, "week1", "other", ["student2"], articles=[SEED])
    assert a.groups["reuters"].members == ["student1"] and a.groups["other"].members == ["student2"]
    with pytest.raises(DataError, match="no article's source"):
        instructor.assign(course, "week1", "x", ["s"], outlets=["No Such Outlet"])
    with pytest.raises(DataError, match="not allowed"):
        instructor.assign(course, "week1", "x", ["../evil"], articles=[SEED])
    with pytest.raises(DataError, match="use 1-40"):
        course.load("../week1")


def test_practice_round_gives_immediate_feedback(course, reference):
    a = instructor.set_practice(course, "week1", SEED, 2, 4)
    doc = instructor.practice_document(course, a)
    full = course.project / "documents" / f"{SEED}.txt"
    assert doc.text in full.read_text(encoding="utf-8")  # a real passage, not invented text
    key = instructor.practice_key(course, a)
    assert key and all(r["end"] <= len(doc.text) for r in key)
    course.set_state("week1", "open")
    work = StudentWork(course, "week1", "student1")
    store = work.practice_store()
    first = key[0]
    store.upsert(make_annotation(doc, first["start"], first["end"], annotator="student1", **{f: first[f] for f in CODES}))
    fb = work.check_practice()
    assert fb.scores.loc["overlap", "tp"] == 1 and fb.scores.loc["overlap", "fn"] == len(key) - 1
    with pytest.raises(DataError, match="codes nothing"):
        instructor.set_practice(course, "week1", SEED, 1, 1)


# ------------------------------------------------------------------ grades
def test_rubric_confusion_and_csv(course, reference, tmp_path):
    course.set_state("week1", "open")
    perfect = StudentWork(course, "week1", "student1")
    code(perfect, reference)
    flipped = StudentWork(course, "week1", "student2")
    # same passages, actor and target swapped on the first five with two different sides (a direction error)
    directed = [r["id"] for r in reference if r["actor"] != r["target"]][:5]
    code(flipped, [{**r, "actor": r["target"], "target": r["actor"]} if r["id"] in directed else r for r in reference])
    files = instructor.collect(course, "week1")
    key = instructor.reference_for(course, "week1", released=False)
    a = course.load("week1")
    table = grading.grade_table(files, key, a).set_index("student")
    assert table.loc["student1", "span_f1"] == 1.0 and table.loc["student1", "score"] == 100.0
    swapped = len(directed)
    assert swapped == 5
    assert table.loc["student2", "agree_actor"] == round(1 - swapped / len(reference), 3)
    assert table.loc["student2", "span_f1"] == 1.0 and table.loc["student2", "score"] < 100
    long = grading.confusion_long(files, key, a)
    wrong = long[(long.student == "student2") & (long.variable == "direction") & (long.key != long.student_value)]
    assert wrong.passages.sum() == swapped
    path = write_csv(pd.DataFrame({"student": ["=HYPERLINK(1)", "ok"], "score": [-1.5, 2.0]}), tmp_path / "g.csv")
    rows = list(csv.reader(path.open()))
    assert rows[1] == ["'=HYPERLINK(1)", "-1.5"] and rows[2] == ["ok", "2.0"]
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell(3) == 3
    with pytest.raises(DataError, match="unknown rubric part"):
        instructor.create_assignment(course, "week2", [SEED], data=None, weights={"vibes": 1})


def test_projection_shows_pseudonyms_only(course, reference):
    names = ["student1", "student2", "student3"]
    course.set_state("week1", "open")
    for k, n in enumerate(names):
        code(StudentWork(course, "week1", n), reference[k::3])
    files = instructor.collect(course, "week1")
    grades = grading.grade_table(files, instructor.reference_for(course, "week1", released=False), course.load("week1"))
    mapping = pseudonyms(names, "week1")
    assert mapping == pseudonyms(list(reversed(names)), "week1") and len(set(mapping.values())) == 3
    page = projection_html(grades, mapping)
    assert "Coder 01" in page and not any(n in page for n in names)


def test_collect_reads_each_student_folder_and_skips_strays(course, reference):
    course.set_state("week1", "open")
    code(StudentWork(course, "week1", "student1"), reference[:1])
    stray = course.work_dir("week1") / "student1" / "student9.jsonl"
    stray.write_text((course.work_dir("week1") / "student1" / "student1.jsonl").read_text())
    files = instructor.collect(course, "week1")
    assert files.annotators == ["student1"]
    assert [f.status for f in files.files if f.path.endswith("student9.jsonl")] == ["skipped"]
    assert (course.collected_dir("week1") / "student1.jsonl").exists()
    status = pd.read_csv(course.collected_dir("week1") / "status.csv")
    assert set(status.status) == {"ok", "skipped"}


def test_student_work_from_the_hub_environment(course, monkeypatch):
    course.set_state("week1", "open")
    monkeypatch.setenv("SUMMIT_LEDGER_CLASS", str(course.root))
    monkeypatch.setenv("JUPYTERHUB_USER", "student4")
    work = StudentWork.from_environment()
    assert work.student == "student4" and work.assignment_id == "week1" and list(work.documents) == [SEED]
    work.store()
    assert stat.S_IMODE(work.folder.stat().st_mode) == 0o700
    monkeypatch.delenv("JUPYTERHUB_USER")
    with pytest.raises(DataError, match="no student name"):
        StudentWork.from_environment()


def test_prepare_student_folder_modes(course):
    course.set_state("week1", "open")
    d = course.prepare_student("week1", "student5")
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    d = course.prepare_student("week1", "student6", uid=os.getuid(), gid=os.getgid())
    assert stat.S_IMODE(d.stat().st_mode) == 0o2770 and d.stat().st_uid == os.getuid()


def test_the_students_copy_of_the_exercise_has_no_outputs(repo_root, tmp_path, reference):
    from toolkit.classroom.course import copy_notebook_without_outputs

    shipped = repo_root / "notebooks" / "teaching" / "student_exercise.ipynb"
    stored = shipped.read_text(encoding="utf-8")
    # nothing of the reference is shown on load, not even off the class server (make exercise)
    assert not any(r["note"][:40] in stored for r in reference if r["note"])
    copy = copy_notebook_without_outputs(shipped, tmp_path / "student_exercise.ipynb")
    nb = json.loads(copy.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"]) and len(nb["cells"]) == len(json.loads(stored)["cells"])
    assert not any(r["note"][:40] in copy.read_text(encoding="utf-8") for r in reference if r["note"])


def test_a_missing_assignment_field_is_named_from_the_key_not_the_message(course):
    path = course.assignment_dir("week1") / "assignment.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("articles:") and not line.startswith("- ")) + "\n"
    )
    with pytest.raises(DataError) as err:
        course.load("week1")
    assert [p.field for p in err.value.problems] == ["articles"]
