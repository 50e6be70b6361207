"""A class folder: the students' copy of the project, assignments, the withheld key, each student's folder.

Layout (every path is built from checked names)::

    <class>/project/                          the students' project: codebook, summits, documents; no annotations
    <class>/assignments/<id>/assignment.yaml  articles, groups, state, deadline, release, suggestions, practice
    <class>/assignments/<id>/key/             the reference for the assignment's articles (owner only, 0700)
    <class>/assignments/<id>/released/        the key, copied here when the instructor releases it
    <class>/assignments/<id>/practice/        the reference of the practice passage (students may read it)
    <class>/work/<id>/<student>/              one folder per student: <student>.jsonl, .checks.jsonl, .practice/
    <class>/collected/<id>/                   the instructor's snapshot of every student's log

An assignment moves ``draft`` → ``open`` → ``closed``; students save only
while it is open. The key is released separately, on demand or once the
deadline has passed.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from toolkit._io import atomic_write_text, read_yaml
from toolkit.errors import DataError
from toolkit.records.annotation import check_annotator

__all__ = [
    "ASSIGNMENT_PATTERN",
    "State",
    "Release",
    "Group",
    "Practice",
    "Assignment",
    "ClassFolder",
    "DEFAULT_WEIGHTS",
    "parse_time",
    "copy_notebook_without_outputs",
]

ASSIGNMENT_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
State = Literal["draft", "open", "closed"]
Release = Literal["withheld", "key", "feedback"]
#: Rubric weights when the instructor sets none.
DEFAULT_WEIGHTS: dict[str, float] = {"span_f1": 0.5, "agreement": 0.3, "coverage": 0.2}
_TIME = "%Y-%m-%dT%H:%M:%SZ"


def parse_time(value: str | None, where: str = "--deadline") -> str | None:
    """An ISO date or date-time, returned as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (None stays None)."""
    if value is None:
        return None
    try:
        t = _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise DataError.at(where, None, None, f"{value!r} is not a date; write e.g. 2026-12-01T17:00Z") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.UTC)
    return t.astimezone(_dt.UTC).strftime(_TIME)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime(_TIME)


@dataclass
class Group:
    """Students who get their own articles (instead of the assignment's)."""

    members: list[str]
    articles: list[str]


@dataclass
class Practice:
    """The calibration passage: ``text[start:end]`` of a real article of the project."""

    document: str
    start: int
    end: int


@dataclass
class Assignment:
    """One assignment, as stored in ``assignment.yaml``."""

    id: str
    title: str
    articles: list[str]
    state: State = "draft"
    deadline: str | None = None
    release: Release = "withheld"
    released_at: str | None = None
    suggestions: bool = False
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    groups: dict[str, Group] = field(default_factory=dict)
    practice: Practice | None = None

    def articles_for(self, student: str) -> list[str]:
        """The articles ``student`` codes: their group's, or the assignment's."""
        for g in self.groups.values():
            if student in g.members:
                return list(g.articles)
        return list(self.articles)

    def group_of(self, student: str) -> str | None:
        return next((name for name, g in self.groups.items() if student in g.members), None)

    def to_yaml(self) -> str:
        data = asdict(self)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    @classmethod
    def from_yaml(cls, path: Path) -> Assignment:
        raw = read_yaml(path)
        if not isinstance(raw, dict):
            raise DataError.at(path, None, None, "expected a mapping (an assignment.yaml)")
        try:
            groups = {str(k): Group(list(v["members"]), list(v["articles"])) for k, v in (raw.get("groups") or {}).items()}
            practice = Practice(**raw["practice"]) if raw.get("practice") else None
            a = cls(
                id=str(raw["id"]),
                title=str(raw.get("title") or raw["id"]),
                articles=list(raw["articles"]),
                state=raw.get("state", "draft"),
                deadline=raw.get("deadline"),
                release=raw.get("release", "withheld"),
                released_at=raw.get("released_at"),
                suggestions=bool(raw.get("suggestions", False)),
                weights={str(k): float(v) for k, v in (raw.get("weights") or DEFAULT_WEIGHTS).items()},
                groups=groups,
                practice=practice,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError.at(
                path,
                None,
                str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else None,  # the missing key, not message text
                "missing or malformed field; recreate the assignment with `summit-ledger class create`",
            ) from None
        if a.state not in ("draft", "open", "closed"):
            raise DataError.at(path, None, "state", f"{a.state!r}: use draft, open or closed")
        if a.release not in ("withheld", "key", "feedback"):
            raise DataError.at(path, None, "release", f"{a.release!r}: use withheld, key or feedback")
        return a


class ClassFolder:
    """The folder a class shares on the server (see the module docstring for its layout)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # -------------------------------------------------------------- paths
    @property
    def project(self) -> Path:
        """The students' project folder (no annotations in it)."""
        return self.root / "project"

    def _checked(self, assignment: str) -> str:
        if not isinstance(assignment, str) or not ASSIGNMENT_PATTERN.fullmatch(assignment):
            raise DataError.at(
                "<assignment>", None, "assignment", f"{assignment!r}: use 1-40 lower-case letters, digits, '-' or '_'"
            )
        return assignment

    def assignment_dir(self, assignment: str) -> Path:
        return self.root / "assignments" / self._checked(assignment)

    def key_dir(self, assignment: str) -> Path:
        return self.assignment_dir(assignment) / "key"

    def released_dir(self, assignment: str) -> Path:
        return self.assignment_dir(assignment) / "released"

    def practice_dir(self, assignment: str) -> Path:
        return self.assignment_dir(assignment) / "practice"

    def work_dir(self, assignment: str) -> Path:
        """The folder holding one subfolder per student."""
        return self.root / "work" / self._checked(assignment)

    def student_dir(self, assignment: str, student: str) -> Path:
        if msg := check_annotator(student):
            raise DataError.at("<student>", None, "student", msg)
        return self.work_dir(assignment) / student

    def collected_dir(self, assignment: str) -> Path:
        return self.root / "collected" / self._checked(assignment)

    # ---------------------------------------------------------- assignments
    def assignments(self) -> list[str]:
        base = self.root / "assignments"
        return sorted(p.name for p in base.iterdir() if (p / "assignment.yaml").exists()) if base.exists() else []

    def load(self, assignment: str) -> Assignment:
        path = self.assignment_dir(assignment) / "assignment.yaml"
        if not path.exists():
            known = ", ".join(self.assignments()) or "none yet"
            raise DataError.at(
                path,
                None,
                None,
                f"no assignment {assignment!r} in this class (assignments: {known}); create it with `summit-ledger class create`",
            )
        return Assignment.from_yaml(path)

    def save(self, a: Assignment) -> Path:
        path = self.assignment_dir(a.id) / "assignment.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, a.to_yaml())
        return path

    def set_state(self, assignment: str, state: State) -> Assignment:
        a = self.load(assignment)
        order = {"draft": 0, "open": 1, "closed": 2}
        if state == "open" and a.state == "closed":
            pass  # reopening after a close is allowed (e.g. a late student)
        elif order[state] < order[a.state]:
            raise DataError.at(
                self.assignment_dir(assignment) / "assignment.yaml", None, "state", f"cannot go from {a.state} to {state}"
            )
        a.state = state
        self.save(a)
        if state == "open":
            self.work_dir(assignment).mkdir(parents=True, exist_ok=True)
        return a

    def prepare_student(self, assignment: str, student: str, *, uid: int | None = None, gid: int | None = None) -> Path:
        """Create ``student``'s folder: mode 0700, or 2770 with a group (the instructors').

        With ``uid`` (run as root, real user accounts), the folder is given to
        that user, so no other student can write or read it.
        """
        d = self.student_dir(assignment, student)
        d.mkdir(parents=True, exist_ok=True)
        if uid is not None:
            os.chown(d, uid, -1 if gid is None else gid)
        os.chmod(d, 0o2770 if gid is not None else 0o700)
        return d

    def copy_project(self, source: Path) -> Path:
        """Copy the instructor's project into the class, leaving out every annotation (the key stays out)."""
        dest = self.project
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns("annotations", "*.lock", ".*"))
        return dest

    @staticmethod
    def now() -> str:
        """The current UTC time, as stored in assignment files."""
        return _now()

    def settings(self) -> dict[str, Any]:
        """Where a student's server finds this class (the environment the hub sets)."""
        return {"SUMMIT_LEDGER_CLASS": str(self.root), "SUMMIT_LEDGER_DATA": str(self.project)}


def copy_notebook_without_outputs(src: str | Path, dest: str | Path) -> Path:
    """Copy a notebook with every output and execution count removed (atomically).

    The shipped exercise is stored executed, and its outputs quote the shipped
    reference; a student on a class server gets a copy without them.
    """
    import nbformat

    nb = nbformat.read(str(src), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    dest = Path(dest)
    atomic_write_text(dest, nbformat.writes(nb))
    return dest
