"""docs/teaching.md, Part A, run as written: every numbered step's commands, in order, on a temporary class folder.

Steps 1 and 5 (install, start the hub) and the hub side of step 7 are run for
real by tests/hub/test_jupyterhub.py; here they are checked against the files
they name. The students of step 7 are SYNTHETIC: passages of the seed article
coded by the test, saved through the same calls the exercise notebook makes.
"""

from __future__ import annotations

import csv
import re
import shlex

import pytest

from toolkit.classroom import load_reference
from toolkit.classroom.student import StudentWork
from toolkit.commands.main import main

CLASS = "/srv/summit-class"
ROSTER = "/srv/summit-roster.txt"


def guide_steps(repo_root) -> dict[int, list[str]]:
    """Step number -> the shell commands of its code block(s), comments dropped."""
    text = (repo_root / "docs" / "teaching.md").read_text(encoding="utf-8")
    part_a = text.split("## Part A", 1)[1].split("## Part B", 1)[0]
    steps: dict[int, list[str]] = {}
    for m in re.finditer(r"\*\*Step (\d+)\.(.*?)(?=\*\*Step \d+\.|\Z)", part_a, flags=re.S):
        blocks = re.findall(r"```shell\n(.*?)```", m.group(2), flags=re.S)
        steps[int(m.group(1))] = [
            line.split("  #")[0].strip()
            for b in blocks
            for line in b.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    return steps


def run(command: str, class_dir) -> int:
    argv = shlex.split(command.replace(CLASS, str(class_dir)).replace(ROSTER, str(class_dir.parent / "roster.txt")))
    assert argv[0] == "summit-ledger", command
    return main(argv[1:])


def test_the_guide_has_numbered_steps_from_install_to_grades(repo_root):
    steps = guide_steps(repo_root)
    assert sorted(steps) == list(range(1, 12))
    assert any("summit-ledger[hub]" in c for c in steps[1]) and any("configurable-http-proxy" in c for c in steps[1])
    assert "hub = [" in (repo_root / "pyproject.toml").read_text()
    config = (repo_root / "deploy" / "jupyterhub" / "jupyterhub_config.py").read_text()
    for var in re.findall(r"(SUMMIT_LEDGER_\w+)=", " ".join(steps[5])):
        assert var in config, var
    assert any("deploy/jupyterhub/jupyterhub_config.py" in c for c in steps[5])
    assert (repo_root / "deploy" / "jupyterhub" / "README.md").exists()


def test_part_a_runs_as_written(repo_root, data_root, tmp_path, monkeypatch, capsys):
    for k in ("JUPYTERHUB_USER", "SUMMIT_LEDGER_ROLE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("SUMMIT_LEDGER_DATA", str(data_root))
    monkeypatch.chdir(tmp_path)
    class_dir = tmp_path / "srv-class"
    (tmp_path / "roster.txt").write_text("student1\nstudent2\nstudent3\nstudent4\n")  # student4 never logs in
    steps = guide_steps(repo_root)
    for step in (2, 3, 4, 6):
        for command in steps[step]:
            assert run(command, class_dir) == 0, (step, command, capsys.readouterr().err)
    # step 7, the students (synthetic work through the exercise's own calls)
    reference = sorted(load_reference("reference", data=data_root), key=lambda r: r["start"])
    students = ["student1", "student2", "student3"]
    for k, name in enumerate(students):
        work = StudentWork(class_dir, "week1", name)
        session = work.annotator().session
        nord = next(r for r in reference if r["issue"] == "energy-nord-stream")
        session.select(nord["start"], nord["end"])  # a passage whose words the keyword index knows
        assert session.draft.suggestions == () and session.draft.issue is None  # off unless --suggestions
        for r in reference[k::2]:
            session.select(r["start"], r["end"])
            for f in ("stance", "issue", "actor", "target", "intensity"):
                session.set_code(f, r[f])
            session.save()
        assert "not released" in work.check(pressed=True).to_text()  # a press of "Check my work"
    for step in (8, 9, 10):  # close and collect, grade, release
        for command in steps[step]:
            assert run(command, class_dir) == 0, (step, command, capsys.readouterr().err)
    out = capsys.readouterr().out
    assert "3 student log(s) copied" in out and "4 student(s) graded" in out
    rows = list(csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8")))
    assert [r["student"] for r in rows] == [*students, "student4"]
    assert rows[0]["group"] == "reuters-readers" and rows[2]["group"] == ""
    assert all(0 < float(r["score"]) <= 100 and r["checks"] == "1" for r in rows[:3])
    assert rows[3]["score"] == "0.0" and "never logged in" in rows[3]["note"]
    # after step 9 a student's check gives the full feedback
    assert "Passages the reference coded and you did not" in StudentWork(class_dir, "week1", "student1").check().to_text()


@pytest.mark.parametrize(
    "bad",
    [
        "class open {c} ../x",
        "class create {c} week9 --articles no-such-article",
        "class grade {c} nope --out g.csv",
        "class release {c} week1 --what everything",
    ],
)
def test_class_command_errors_are_one_line(bad, tmp_path, data_root, monkeypatch, capsys):
    monkeypatch.setenv("SUMMIT_LEDGER_DATA", str(data_root))
    argv = shlex.split(bad.format(c=tmp_path / "c"))
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse rejects a bad choice with exit 2
        code = exc.code
    assert code in (1, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error" in err
