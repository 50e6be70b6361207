"""A real JupyterHub on localhost: five students log in, annotate in their own kernels, and stay in their own files.

Marked ``slow``: it starts the hub, the proxy (configurable-http-proxy from
npm), five single-user servers and five kernels (about a minute on 2 cores).
The students' annotations are SYNTHETIC: passages of the seed article chosen
by the test, coded with codes chosen by the test; they live in a temporary
class folder and are never written to data/.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("jupyterhub")
pytest.importorskip("websocket")

from toolkit.classroom import (
    instructor,  # noqa: E402
    load_reference,  # noqa: E402
)
from toolkit.classroom.course import ClassFolder  # noqa: E402

from .harness import Hub  # noqa: E402

pytestmark = pytest.mark.slow
SEED = "2021-12-07-biden-putin-video-summit"
STUDENTS = [f"student{k}" for k in range(1, 6)]

# Runs in each student's kernel: the exercise's own calls (StudentWork, the annotator widget's session),
# then two attempts to write under a classmate's name. Prints one JSON line.
KERNEL_CODE = """
import json, os
from toolkit.classroom.student import StudentWork
from toolkit.records.identity import IdentityError
from toolkit.records.annotation import make_annotation
from toolkit.store import Store

work = StudentWork.from_environment()
widget = work.annotator()
s = widget.session
exercise = json.load(open("student_exercise.ipynb"))
s.select(PLAN[0][0], PLAN[0][1])
out = {"student": work.student, "annotator": s.annotator, "suggestions": len(s.draft.suggestions), "saved": [],
       "exercise_outputs": sum(len(c.get("outputs", [])) for c in exercise["cells"]), "refused": []}
for start, end, codes in PLAN:
    s.select(start, end)
    for field, value in codes.items():
        s.set_code(field, value)
    out["saved"].append(s.save()["id"])
doc = work.documents[next(iter(work.documents))]
forged = make_annotation(doc, PLAN[0][0], PLAN[0][1], annotator=OTHER, **PLAN[0][2])
other_dir = work.folder.parent / OTHER
for label, store in [("own folder", work.store()), ("classmate's folder", Store(other_dir, codebook=work.codebook,
                                                                                  documents=doc and {doc.id: doc}))]:
    try:
        store.upsert(forged)
        out["refused"].append([label, False, ""])
    except IdentityError as exc:
        out["refused"].append([label, True, str(exc)])
try:
    s.set_annotator(OTHER)
    s.select(PLAN[0][0], PLAN[0][1])
    for field, value in PLAN[0][2].items():
        s.set_code(field, value)
    s.save()
    out["refused"].append(["widget under another name", False, ""])
except Exception as exc:
    out["refused"].append(["widget under another name", True, type(exc).__name__])
check = work.check(pressed=True)  # as the "Check my work" button calls it
out["check"] = check.to_text()
print(json.dumps(out))
"""


def plan_for(k: int, reference: list[dict]) -> list:
    """Student k codes every fifth reference passage from k on, with the reference's codes (synthetic work)."""
    rows = reference[k::5][:3]
    return [[r["start"], r["end"], {f: r[f] for f in ("stance", "issue", "actor", "target", "intensity")}] for r in rows]


def test_five_students_on_a_real_hub(tmp_path, proxy, data_root):
    course = ClassFolder(tmp_path / "class")
    instructor.create_assignment(course, "week1", [SEED], data=data_root)
    course.set_state("week1", "open")
    reference = sorted(load_reference("reference", data=data_root), key=lambda r: r["start"])
    hub = Hub(tmp_path, course.root, STUDENTS, ["teacher"], proxy)
    try:
        # every student logs in through the login form; a wrong password does not get in
        for name in STUDENTS:
            assert hub.login(name).login_status == 302, hub.log_tail()
        assert hub.login("student1", "not-the-password").login_status != 302
        tokens = {name: hub.user_token(name) for name in STUDENTS}
        for name in STUDENTS:
            hub.spawn(name)
        for name in STUDENTS:
            hub.wait_ready(name)

        def annotate(k_name):
            k, name = k_name
            other = STUDENTS[(k + 1) % len(STUDENTS)]
            code = f"PLAN = {json.dumps(plan_for(k, reference))}\nOTHER = {other!r}\n" + KERNEL_CODE
            kernel = hub.start_kernel(name, tokens[name])
            return json.loads(hub.execute(name, tokens[name], kernel, code).strip().splitlines()[-1])

        with ThreadPoolExecutor(len(STUDENTS)) as pool:
            results = list(pool.map(annotate, enumerate(STUDENTS)))
    finally:
        hub.stop()
    assert hub.proc.poll() is not None
    for k, (name, res) in enumerate(zip(STUDENTS, results)):
        assert res["student"] == res["annotator"] == name
        assert res["suggestions"] == 0 and res["exercise_outputs"] == 0  # no stored output quotes the key
        assert len(res["saved"]) == len(plan_for(k, reference)) > 0
        assert [r[1] for r in res["refused"]] == [True, True, True], res["refused"]
        assert "answer key is not released" in res["check"]
        # the file holds exactly its owner's records
        log = course.student_dir("week1", name) / f"{name}.jsonl"
        ops = [json.loads(line) for line in log.read_text().splitlines()]
        assert {op["annotator"] for op in ops} == {name}
        assert sorted(op["id"] for op in ops) == sorted(res["saved"])
        # every check was logged
        checks = [json.loads(x) for x in (log.parent / ".checks.jsonl").read_text().splitlines()]
        assert [c["kind"] for c in checks] == ["check"] and checks[0]["released"] is False
    # nobody wrote into a classmate's folder, and the instructor collects every log in one call
    assert sorted(p.name for p in course.work_dir("week1").iterdir()) == STUDENTS
    files = instructor.collect(course, "week1")
    assert files.annotators == STUDENTS and {f.status for f in files.files} == {"ok"}
    assert sorted(p.name for p in course.collected_dir("week1").glob("*.jsonl")) == [f"{n}.jsonl" for n in STUDENTS]
