"""A hostile student against `summit-ledger class`, and mistakes in the instructor's input.

Every attack here is one a student can make with the files of their own
folder: a link to the key or to a system file, a FIFO, a device, a bad folder
name, bytes that are not UTF-8. Each must end as one line in that student's
status, with the rest of the class collected and graded. The hanging attacks
run the command in a child process with a time limit, so a regression fails
instead of hanging the suite. The students' annotations are SYNTHETIC:
passages of the seed article coded by the test in a temporary class folder.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import stat
import subprocess
import sys

import pytest

from toolkit.classroom import grading, instructor, load_reference
from toolkit.classroom.course import ClassFolder
from toolkit.classroom.student import StudentWork
from toolkit.commands import main
from toolkit.errors import DataError

SEED = "2021-12-07-biden-putin-video-summit"
CODES = ("stance", "issue", "actor", "target", "intensity")


@pytest.fixture
def course(tmp_path, data_root, monkeypatch):
    for k in ("JUPYTERHUB_USER", "SUMMIT_LEDGER_ROLE", "SUMMIT_LEDGER_ASSIGNMENT"):
        monkeypatch.delenv(k, raising=False)
    c = ClassFolder(tmp_path / "class")
    instructor.create_assignment(c, "week1", [SEED], data=data_root)
    c.set_state("week1", "open")
    reference = sorted(load_reference("reference", data=data_root), key=lambda r: r["start"])
    session = StudentWork(c, "week1", "alice").annotator().session
    for r in reference[::4]:
        session.select(r["start"], r["end"])
        for f in CODES:
            session.set_code(f, r[f])
        session.save()
    return c


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``summit-ledger ARGS`` in a child process that may not take longer than ``timeout`` seconds."""
    return subprocess.run(
        [sys.executable, "-m", "toolkit.commands.main", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def key_file(course: ClassFolder):
    return course.key_dir("week1") / "reference.jsonl"


def mallory(course: ClassFolder):
    d = course.work_dir("week1") / "mallory"
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_a_link_to_the_key_is_not_collected(course, capsys):
    os.symlink(key_file(course), mallory(course) / "mallory.jsonl")
    assert main(["class", "collect", str(course.root), "week1"]) == 0
    out = capsys.readouterr().out
    assert "symbolic link" in out and "1 student log(s) copied" in out
    collected = course.collected_dir("week1")
    assert sorted(p.name for p in collected.glob("*.jsonl")) == ["alice.jsonl"]
    assert key_file(course).read_bytes() not in b"".join(p.read_bytes() for p in collected.iterdir())
    # the copies are the instructor's alone
    assert stat.S_IMODE(collected.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in collected.iterdir()} == {0o600}


def test_a_link_to_a_system_file_is_not_collected(course, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secret\n")
    os.chmod(secret, 0o600)
    os.symlink(secret, mallory(course) / "mallory.jsonl")
    files = instructor.collect(course, "week1")
    line = [f for f in files.files if "mallory" in f.path]
    assert len(line) == 1 and line[0].status == "unreadable" and "link" in line[0].message
    assert files.annotators == ["alice"]
    assert not any(b"secret" in p.read_bytes() for p in course.collected_dir("week1").iterdir())


def test_a_linked_student_folder_is_not_read(course, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(course.student_dir("week1", "alice"), elsewhere)
    (elsewhere / "alice.jsonl").rename(elsewhere / "eve.jsonl")
    os.symlink(elsewhere, course.work_dir("week1") / "eve")
    files = instructor.collect(course, "week1")
    assert files.annotators == ["alice"]
    assert any("eve" in f.path and "symbolic link" in f.message for f in files.files)


def test_a_fifo_as_log_does_not_hang_collect(course):
    os.mkfifo(mallory(course) / "mallory.jsonl")
    done = cli("class", "collect", str(course.root), "week1", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "named pipe" in done.stdout and "1 student log(s) copied" in done.stdout


def test_a_fifo_as_check_log_does_not_hang_grade(course, tmp_path):
    os.mkfifo(mallory(course) / ".checks.jsonl")
    done = cli("class", "grade", str(course.root), "week1", "--out", str(tmp_path / "g.csv"), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "named pipe" in done.stderr
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert [r["student"] for r in rows] == ["alice", "mallory"]


def test_dev_zero_as_check_log_is_not_read(course, tmp_path):
    os.symlink("/dev/zero", mallory(course) / ".checks.jsonl")
    # a file far over the limit, as a plain file: refused by its size, not read
    big = mallory(course) / "mallory.jsonl"
    with open(big, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)
    done = cli("class", "grade", str(course.root), "week1", "--out", str(tmp_path / "g.csv"), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "symbolic link" in done.stderr and "over the limit" in done.stderr


def test_a_bad_folder_name_and_bad_bytes_are_one_line_each(course, tmp_path):
    bad = os.fsencode(course.work_dir("week1")) + b"/mal\xfflory"
    os.mkdir(bad)
    with open(bad + b"/mal\xfflory.jsonl", "wb") as fh:
        fh.write(b"{}\n")
    d = mallory(course)
    (d / "mallory.jsonl").write_bytes(b'{"op": "upsert", "annotator": "mallory", "note": "\xff\xfe"}\n')
    (d / ".checks.jsonl").write_bytes(b"\xff\xfe\x00garbage\n")
    done = cli("class", "grade", str(course.root), "week1", "--out", str(tmp_path / "g.csv"), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "unexpected" not in done.stderr
    assert "mal\\xfflory" in done.stderr and "not UTF-8" in done.stderr
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    assert sorted(rows) == ["alice", "mallory"]
    assert "not UTF-8" in rows["mallory"]["note"] and rows["mallory"]["checks"] == "0"
    collected = instructor.collect(course, "week1")
    assert collected.annotators == ["alice"]


def test_a_key_inside_the_project_stays_out_of_the_students_copy(tmp_path, data_root, capsys):
    project = tmp_path / "proj"
    shutil.copytree(data_root, project)
    keys = project / "keys"
    keys.mkdir()
    shutil.copy(project / "annotations" / "reference" / "reference.jsonl", keys / "reference.jsonl")
    c = tmp_path / "class"
    assert (
        main(
            [
                "class",
                "create",
                str(c),
                "week1",
                "--project",
                str(project),
                "--articles",
                SEED,
                "--reference",
                str(keys / "reference.jsonl"),
            ]
        )
        == 0
    )
    key = (keys / "reference.jsonl").read_bytes()
    students = ClassFolder(c).project
    assert (students / "codebook.yaml").exists()
    for p in students.rglob("*"):
        assert not (p.is_file() and p.read_bytes() == key), p
    assert not (students / "keys" / "reference.jsonl").exists()


@pytest.mark.parametrize(
    "weights, says",
    [
        ("span_f1=nan", "weight of span_f1"),
        ("span_f1=-1,agreement=0.3,coverage=0.2", "weight of span_f1"),
        ("evil=1", "unknown rubric part"),
        ("span_f1=1e400", "weight of span_f1"),
        ("span_f1=0,agreement=0,coverage=0", "add up to 0"),
    ],
)
def test_bad_weights_are_refused_plainly(tmp_path, data_root, capsys, weights, says):
    c = tmp_path / "class"
    with pytest.raises(SystemExit) as exc:
        main(["class", "create", str(c), "week1", "--project", str(data_root), "--articles", SEED, "--weights", weights])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "unexpected" not in err
    assert not c.exists()


def test_bad_weights_in_the_assignment_file_are_named(course, capsys):
    path = course.assignment_dir("week1") / "assignment.yaml"
    path.write_text(path.read_text().replace("weights:\n", "weights: abc\nold_weights:\n"))
    assert main(["class", "status", str(course.root), "week1"]) != 0
    err = capsys.readouterr().err
    assert "assignment.yaml" in err and "weights" in err and "unexpected" not in err
    with pytest.raises(DataError, match="weights"):
        course.load("week1")


def test_a_refused_deadline_leaves_nothing_behind(tmp_path, data_root, capsys):
    c = tmp_path / "class"
    assert main(["class", "create", str(c), "week1", "--project", str(data_root), "--articles", SEED, "--deadline", "soon"]) != 0
    assert "not a date" in capsys.readouterr().err
    assert not (c / "project").exists()


def test_practice_passages_are_not_graded(course, data_root):
    a = instructor.set_practice(course, "week1", SEED, 2, 4)
    key = instructor.reference_for(course, "week1", released=False)
    p = a.practice
    inside = [r for r in key if p.start < r["end"] and r["start"] < p.end]
    assert inside, "the practice passage must hold key passages for this test"
    graded = grading.graded(key, a, "alice")
    assert len(graded) == len(key) - len(inside)
    # a student who copies the practice key gains nothing: the same score as without those passages
    files = instructor.collect(course, "week1", snapshot=False)
    with_copy = {**files.records, "bob": [dict(r, annotator="bob") for r in inside]}
    files.records = with_copy
    table = grading.grade_table(files, key, a).set_index("student")
    assert table.loc["bob", "score"] == 0.0 and table.loc["bob", "passages"] == 0


def test_every_roster_student_has_a_row(course, tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("alice\nbob  # never logged in\n\ncarol\n")
    assert main(["class", "grade", str(course.root), "week1", "--out", str(tmp_path / "g.csv"), "--roster", str(roster)]) == 0
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8"))}
    assert sorted(rows) == ["alice", "bob", "carol"]
    assert rows["bob"]["score"] == "0.0" and "never logged in" in rows["bob"]["note"]
    assert float(rows["alice"]["score"]) > 0 and rows["alice"]["note"] == ""


def test_checks_count_real_presses_only(course, tmp_path, monkeypatch):
    from toolkit.widgets import CheckMyWork

    instructor.set_practice(course, "week1", SEED, 2, 4)
    work = StudentWork(course, "week1", "alice")
    work.check()  # a scripted call (or Run All): not a press
    work.check(pressed=False)
    work.check_practice()  # a scripted practice check: not logged at all
    assert work.checks() == []

    def page_check():  # what the exercise's "Check my work" cell passes to the button (called on a press only)
        return work.check(pressed=True)

    button = CheckMyWork(page_check)
    assert work.checks() == []  # showing the button is no press
    button.button.click()  # one real press, as the browser's click reaches the kernel
    assert [c["kind"] for c in work.checks()] == ["check"]
    work.check_practice(pressed=True)  # the practice button: logged, never counted
    assert main(["class", "grade", str(course.root), "week1", "--out", str(tmp_path / "g.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert rows[0]["student"] == "alice" and rows[0]["checks"] == "1"


def test_the_student_sees_feedback_after_close_and_release(course, monkeypatch):
    assert main(["class", "close", str(course.root), "week1"]) == 0
    assert main(["class", "release", str(course.root), "week1", "--now"]) == 0
    monkeypatch.setenv("SUMMIT_LEDGER_CLASS", str(course.root))
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    work = StudentWork.from_environment()
    assert work.assignment_id == "week1"
    assert "compared with the reference" in work.check().to_text()


def test_the_exercise_logs_a_check_only_from_its_buttons(repo_root):
    import json

    nb = json.loads((repo_root / "notebooks" / "teaching" / "student_exercise.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    # the "Check my work" cell hands the button a function the button calls on a press; nothing else calls it
    assert "def check():" in code and "work.check(pressed=True)" in code and "CheckMyWork(check)" in code
    assert re.findall(r"(?<![\w.])check\(", code) == ["check("]  # its definition, never a call
    # the practice button says it was pressed; no other call of either check is logged
    assert code.count("check_practice(") == code.count("check_practice(pressed=True)") == 1
    assert "work.check()" not in code
