"""What a student's notebook uses on a class server: their articles, their folder, "Check my work".

>>> work = StudentWork.from_environment()          # doctest: +SKIP
>>> work.annotator()                                # the widget, saving as the hub user   # doctest: +SKIP
>>> work.check()                                    # respects the release of the key     # doctest: +SKIP

Before the key is released, "Check my work" says only what it can without
the key: how much of each article the student has coded, lines that could not
be used, work on articles not assigned, passages longer than a sentence. After
release it gives the full feedback. Every check is appended to the student's
``.checks.jsonl`` (one fsync'd line each; nothing is ever rewritten).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.classroom.course import CHECK_LOG, Assignment, ClassFolder
from toolkit.classroom.presentation import Section, sections_html, sections_text
from toolkit.classroom.student_feedback import feedback
from toolkit.corpus.documents import segment
from toolkit.corpus.folder import ProjectFolder, as_folder
from toolkit.errors import DataError
from toolkit.records.annotation import now_iso
from toolkit.records.identity import hub_annotator
from toolkit.store.core import Store
from toolkit.store.open import store_at

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.summits import Summit
from toolkit.classroom.instructor import practice_document, practice_key, reference_for

__all__ = ["AssignmentClosed", "AssignmentStore", "Check", "StudentWork", "CHECK_LOG", "set_suggestions"]


class AssignmentClosed(DataError):
    """A save while the assignment is not open."""


class AssignmentStore(Store):
    """A student's store that saves only while the assignment is open."""

    def __init__(self, root: str | Path, course: ClassFolder, assignment: str, *, project: ProjectFolder) -> None:
        super().__init__(Path(root), codebook=project.codebook, documents=project.documents, summits=project.summits)
        self.course, self.assignment = course, assignment

    def _require_open(self) -> None:
        a = self.course.load(self.assignment)
        if a.state != "open":
            raise AssignmentClosed.at(
                self.root, None, "state", f"assignment {a.id!r} is {a.state}, so nothing can be saved now; ask your instructor"
            )

    def upsert(self, record: dict, *, undoes: str | None = None) -> dict:
        self._require_open()
        return super().upsert(record, undoes=undoes)

    def delete(self, annotation_id: str, annotator: str, *, undoes: str | None = None) -> dict:
        self._require_open()
        return super().delete(annotation_id, annotator, undoes=undoes)

    def undo(self, annotator: str) -> dict | None:
        self._require_open()
        return super().undo(annotator)


@dataclass
class Check:
    """The result of "Check my work" before the key is released (nothing in it comes from the key)."""

    student: str
    assignment: str
    sections: list[Section] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_text(self) -> str:
        return sections_text(self.sections)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return sections_html(self.sections, css_class="sl-feedback sl-check")


def set_suggestions(widget: Any, on: bool) -> None:
    """Turn the annotator's keyword suggestions of the issue on or off (the instructor's choice).

    Works with both forms of the session: a ``suggestion_mode`` of
    ``"preselect"``/``"off"``, or a boolean ``suggestions`` attribute.
    """
    session = widget.session
    if hasattr(session, "suggestion_mode"):
        session.suggestion_mode = "preselect" if on else "off"
    else:
        session.suggestions = bool(on)


def _current_assignment(course: ClassFolder) -> str:
    """The assignment a student works on: the one open; with none open, the one they took part in.

    After the instructor closes an assignment (and releases its key), the
    student's notebook still opens it, so they can read their feedback.
    """
    names = course.assignments()
    states = {a: course.load(a).state for a in names}
    open_ = [a for a in names if states[a] == "open"]
    if len(open_) == 1:
        return open_[0]
    if not open_:
        user = hub_annotator()
        mine = [a for a in names if states[a] == "closed" and (user is None or course.student_dir(a, user).exists())]
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise DataError.at(
                course.root, None, "assignment", "no assignment is open yet; your instructor opens it, then run the page again"
            )
    raise DataError.at(
        course.root,
        None,
        "assignment",
        f"{len(open_) or len(names)} assignments could be yours; ask your instructor which one (SUMMIT_LEDGER_ASSIGNMENT)",
    )


class StudentWork:
    """One student's view of one assignment.

    Parameters
    ----------
    course : ClassFolder or path
    assignment : str
    student : str, optional
        Default: the JupyterHub user (:func:`toolkit.records.identity.hub_annotator`).
    """

    def __init__(self, course: ClassFolder | str | Path, assignment: str, student: str | None = None) -> None:
        self.course = course if isinstance(course, ClassFolder) else ClassFolder(course)
        name = student if student is not None else hub_annotator()
        if name is None:
            raise DataError.at(
                "<student>", None, "student", "no student name: not on a JupyterHub (JUPYTERHUB_USER unset) and none given"
            )
        self.student: str = name
        self.assignment_id = assignment
        self.folder = self.course.student_dir(assignment, self.student)
        self.project = as_folder(self.course.project)

    @classmethod
    def from_environment(cls) -> StudentWork:
        """From ``SUMMIT_LEDGER_CLASS`` and ``SUMMIT_LEDGER_ASSIGNMENT`` (the latter defaults to the one open)."""
        root = os.environ.get("SUMMIT_LEDGER_CLASS")
        if not root:
            raise DataError.at("<environment>", None, "SUMMIT_LEDGER_CLASS", "not set: this server is not set up for a class")
        course = ClassFolder(root)
        aid = os.environ.get("SUMMIT_LEDGER_ASSIGNMENT") or _current_assignment(course)
        return cls(course, aid)

    @property
    def codebook(self) -> Codebook:
        return self.project.codebook

    @property
    def summits(self) -> Mapping[str, Summit]:
        return self.project.summits

    @property
    def assignment(self) -> Assignment:
        return self.course.load(self.assignment_id)

    @property
    def documents(self) -> dict:
        """The articles this student codes."""
        docs = self.project.documents
        return {d: docs[d] for d in self.assignment.articles_for(self.student)}

    def _ensure_folder(self) -> Path:
        if not self.folder.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)
        return self.folder

    def store(self) -> AssignmentStore:
        """The store the student's annotator writes to (``work/<id>/<student>/<student>.jsonl``)."""
        return AssignmentStore(self._ensure_folder(), self.course, self.assignment_id, project=self.project)

    def annotator(self, **kw: Any):
        """The annotator widget on this student's articles, named after the student; suggestions as the instructor set."""
        from toolkit.widgets.annotator import Annotator

        widget = Annotator(self.project, self.store(), documents=self.documents, annotator=self.student, **kw)
        set_suggestions(widget, self.assignment.suggestions)
        return widget

    # -------------------------------------------------------------- practice
    def practice_project(self) -> ProjectFolder:
        """The project seen with the practice passage as its only document."""
        doc = practice_document(self.course, self.assignment)
        if doc is None:
            raise DataError.at(
                self.course.assignment_dir(self.assignment_id), None, "practice", "this assignment has no practice round"
            )
        return self.project.with_documents({doc.id: doc})

    def practice_store(self, project: ProjectFolder | None = None) -> Store:
        folder = self._ensure_folder() / ".practice"
        folder.mkdir(exist_ok=True)
        return store_at(project or self.practice_project(), folder)

    def practice_annotator(self, **kw: Any):
        """The annotator on the practice passage (feedback is immediate: see :meth:`check_practice`)."""
        from toolkit.widgets.annotator import Annotator

        practice = self.practice_project()
        widget = Annotator(practice, self.practice_store(practice), annotator=self.student, **kw)
        set_suggestions(widget, self.assignment.suggestions)
        return widget

    def check_practice(self, *, pressed: bool = False):
        """Feedback on the practice passage against its reference (shown at once; it is not graded).

        Only a press of the "Check my practice" button (``pressed=True``) writes a log line.
        """
        practice = self.practice_project()
        mine = self.practice_store(practice).annotations(self.student)
        if pressed:
            self._log("practice", len(mine), released=True)
        return feedback(mine, practice_key(self.course, self.assignment), practice, annotator=self.student)

    # ----------------------------------------------------------------- check
    def _log(self, kind: str, records: int, *, released: bool) -> None:
        line = (
            json.dumps(
                {
                    "at": now_iso(),
                    "student": self.student,
                    "assignment": self.assignment_id,
                    "kind": kind,
                    "records": records,
                    "released": released,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        # 0640: the instructors' group (set on the folder by the hub) counts the checks; no classmate can
        fd = os.open(self._ensure_folder() / CHECK_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o640)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def checks(self) -> list[dict]:
        """Every check this student made, oldest first."""
        path = self.folder / CHECK_LOG
        if not path.exists():
            return []
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]

    def check(self, *, pressed: bool = False):
        """ "Check my work": full feedback once the key is released, otherwise what can be said without it.

        Only a real press of the button (:class:`toolkit.widgets.CheckMyWork` passes ``pressed=True``) is
        logged in ``.checks.jsonl`` and counted in the grade table; any other call (a script, Run All)
        shows the same and logs nothing.
        """
        a = self.assignment
        state = self.store().read(self.student)
        mine = list(state.annotations.values())
        if a.release == "key":
            if pressed:
                self._log("check", len(mine), released=True)
            fb = feedback(
                mine,
                reference_for(self.course, a.id, released=True),
                self.project,
                annotator=self.student,
            )
            fb.notes[:0] = [f"Line {p.line}: {p.message}" for p in state.problems]
            return fb
        if pressed:
            self._log("check", len(mine), released=False)
        sections = self._coverage(a, mine, state.problems)
        if a.release == "feedback" and (self.folder / "feedback.txt").exists():
            text = (self.folder / "feedback.txt").read_text(encoding="utf-8")
            sections.append(Section("Your instructor's feedback", tuple(text.splitlines())))
        return Check(self.student, a.id, sections, {"records": len(mine), "problems": len(state.problems)})

    def _coverage(self, a: Assignment, mine: list[dict], problems: list) -> list[Section]:
        docs = self.documents
        out = [
            Section(f"Check for {self.student}: {a.title}", level=4),
            Section(
                "",
                (
                    "The answer key is not released yet, so this check cannot say whether your passages "
                    "match it. It says how much you have coded and what the codebook rules catch.",
                ),
            ),
        ]
        lines = []
        for d in docs.values():
            segs = segment(d)
            coded = {s.index for r in mine if r["document_id"] == d.id for s in segs if s.start < r["end"] and r["start"] < s.end}
            n = sum(r["document_id"] == d.id for r in mine)
            lines.append(
                f"{d.title}: {n} passage(s) coded, touching {len(coded)} of {len(segs)} sentences "
                f"({100 * len(coded) // max(1, len(segs))}%)."
            )
        out.append(Section("Coverage", tuple(lines)))
        notes = [f"Line {p.line}: {p.message}" + (f" (field '{p.field}')" if p.field else "") for p in problems]
        other = sum(r["document_id"] not in docs for r in mine)
        if other:
            notes.append(f"{other} passage(s) are on articles not assigned to you; they will not be graded.")
        for r in mine:
            d = docs.get(r["document_id"])
            if d is not None:
                n_sent = sum(1 for s in segment(d) if s.start < r["end"] and r["start"] < s.end)
                if n_sent > 1:
                    notes.append(
                        f"The passage “{r['quote'][:60]}…” spans {n_sent} sentences; the codebook asks "
                        "for the shortest clause that states the stance."
                    )
        out.append(Section("Codebook checks", tuple(notes) or ("No problems found.",)))
        return out
