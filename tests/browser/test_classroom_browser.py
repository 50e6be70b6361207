"""The class notebooks in a real JupyterLab: a student's check before and after the key is released, and the
instructor's grade export.

The Lab kernels get the environment a class JupyterHub gives them (``SUMMIT_LEDGER_CLASS``, ``JUPYTERHUB_USER``
or ``SUMMIT_LEDGER_ROLE=instructor``). The students' work is SYNTHETIC: passages of the seed article coded by the
test in a temporary class folder.
"""

from __future__ import annotations

import csv
import io

import pytest
from _lab import wait_until

from toolkit.classroom import grading, instructor, load_reference
from toolkit.classroom.course import ClassFolder
from toolkit.classroom.student import StudentWork

SEED = "2021-12-07-biden-putin-video-summit"
STUDENTS = ["student1", "student2", "student3"]


@pytest.fixture
def course(tmp_path, data_root, monkeypatch):
    for k in ("JUPYTERHUB_USER", "SUMMIT_LEDGER_ROLE"):
        monkeypatch.delenv(k, raising=False)
    c = ClassFolder(tmp_path / "class")
    instructor.create_assignment(c, "week1", [SEED], data=data_root, deadline="2099-01-01")
    c.set_state("week1", "open")
    reference = sorted(load_reference("reference", data=data_root), key=lambda r: r["start"])
    for k, name in enumerate(STUDENTS):
        session = StudentWork(c, "week1", name).annotator().session
        for r in reference[k::3]:
            session.select(r["start"], r["end"])
            for f in ("stance", "issue", "actor", "target", "intensity"):
                session.set_code(f, r[f])
            session.save()
    return c


def _press_check(page, expect: str = "") -> str:
    """Press "Check my work" and wait until the result shows (and holds ``expect``, when given)."""
    page.click(".sl-check-my-work")
    wait_until(
        page,
        """(expect) => { const e = document.querySelector('.sl-check-result .sl-feedback');
                        return e && e.innerText.trim().length > 0 && e.innerText.includes(expect); }""",
        arg=expect,
        timeout=60_000,
    )
    return page.inner_text(".sl-check-result")


def test_student_check_before_and_after_the_key_is_released(
    page, page_log, start_lab, notebook_workspace, run_notebook_in_lab, course
):
    server = start_lab(notebook_workspace, {"SUMMIT_LEDGER_CLASS": str(course.root), "JUPYTERHUB_USER": "student1"})
    run_notebook_in_lab(page, server, "teaching/student_exercise.ipynb", timeout=180_000)
    before = _press_check(page)
    assert "answer key is not released" in before and "passage(s) coded" in before
    assert "Passages the reference coded and you did not" not in before
    key_notes = [r["note"] for r in instructor.reference_for(course, "week1", released=False) if r["note"]]
    assert not any(n[:40] in page.content() for n in key_notes)  # nothing of the key on the page
    instructor.release(course, "week1", now=True)  # the instructor releases it
    after = _press_check(page, expect="compared with the reference")
    assert "compared with the reference" in after and "Passages the reference coded and you did not" in after
    checks = StudentWork(course, "week1", "student1").checks()
    assert [c["released"] for c in checks][:1] == [False] and checks[-1]["released"] is True
    assert not page_log.page_errors


def test_instructor_downloads_the_grades_csv(page, page_log, start_lab, notebook_workspace, run_notebook_in_lab, course):
    server = start_lab(
        notebook_workspace,
        {"SUMMIT_LEDGER_CLASS": str(course.root), "SUMMIT_LEDGER_ASSIGNMENT": "week1", "SUMMIT_LEDGER_ROLE": "instructor"},
    )
    run_notebook_in_lab(page, server, "teaching/instructor.ipynb", timeout=240_000)
    link = page.wait_for_selector("a.sl-download", timeout=60_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "grades-week1.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    files = instructor.collect(course, "week1", snapshot=False)
    expected = grading.grade_table(files, instructor.reference_for(course, "week1", released=False), course.load("week1"))
    assert [r["student"] for r in rows] == STUDENTS
    assert [float(r["score"]) for r in rows] == list(expected.score)
    # the projection view on the same page shows pseudonyms, not names
    projection = page.inner_text(".sl-projection")
    assert "Coder 01" in projection and not any(n in projection for n in STUDENTS)
    assert not page_log.page_errors
