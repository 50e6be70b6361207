"""The instructor's steps on a class folder: create, assign, practice, open, close, collect, release.

Each function reads what it needs, checks it, and writes with the toolkit's
atomic or append-only writers, so a failed step leaves the class folder as it
was. Names (assignment, student, group) are checked before any path is built.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from toolkit._io import atomic_write_text
from toolkit.classroom.collection import ClassFiles, collect_class, load_reference
from toolkit.classroom.course import DEFAULT_WEIGHTS, Assignment, ClassFolder, Group, Practice, parse_time
from toolkit.classroom.export import write_csv
from toolkit.corpus.documents import Document, segment
from toolkit.corpus.folder import ProjectFolder, as_folder
from toolkit.errors import DataError
from toolkit.records.annotation import check_annotator, make_annotation
from toolkit.store.open import store_at

__all__ = [
    "create_assignment",
    "assign",
    "set_practice",
    "practice_document",
    "practice_key",
    "release",
    "collect",
    "reference_for",
    "KEY_NAME",
]

#: Annotator name of the key's file in ``key/``, ``released/`` and ``practice/``.
KEY_NAME = "reference"


def _check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for k, v in weights.items():
        if k not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown rubric part {k!r}; use {', '.join(DEFAULT_WEIGHTS)}")
        v = float(v)
        if not v >= 0:
            raise ValueError(f"weight of {k!r} must be a number >= 0, got {v}")
        out[k] = v
    if not sum(out.values()) > 0:
        raise ValueError("the rubric weights add up to 0; give at least one a positive weight")
    return out


def _write_records(folder: Path, records: Iterable[dict], *, private: bool, project: ProjectFolder) -> Path:
    """Write ``records`` as ``folder/reference.jsonl`` (a fresh file, atomically), checked against ``project``."""
    tmp = folder.with_name(folder.name + ".new")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    os.chmod(tmp, 0o700 if private else 0o755)
    store_at(project, tmp).write_all({**r, "annotator": KEY_NAME} for r in records)
    for p in tmp.glob("*.lock"):
        p.unlink()
    for p in tmp.iterdir():
        os.chmod(p, 0o600 if private else 0o644)
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)
    return folder / f"{KEY_NAME}.jsonl"


def create_assignment(
    course: ClassFolder,
    assignment: str,
    articles: Sequence[str],
    *,
    data: str | Path | None,
    reference: str | Path = "reference",
    title: str | None = None,
    deadline: str | None = None,
    weights: Mapping[str, float] | None = None,
    suggestions: bool = False,
) -> Assignment:
    """Create an assignment: copy the project into the class (without annotations) and withhold the key.

    Raises
    ------
    DataError
        Unknown article, an article the reference does not code, or an assignment that exists already.
    """
    project = as_folder(data)
    source = project.root
    if (course.assignment_dir(assignment) / "assignment.yaml").exists():
        raise DataError.at(
            course.assignment_dir(assignment) / "assignment.yaml",
            None,
            None,
            f"assignment {assignment!r} exists already; pick another name",
        )
    if not articles:
        raise ValueError("give at least one article (document id)")
    documents = project.documents
    for art in articles:
        if art not in documents:
            raise DataError.at(
                "--articles",
                None,
                "articles",
                f"no article {art!r} in {source}/documents; articles: {', '.join(sorted(documents))}",
            )
    ref = [r for r in load_reference(reference, data=project) if r["document_id"] in articles]
    uncoded = sorted(set(articles) - {r["document_id"] for r in ref})
    if uncoded:
        raise DataError.at(
            str(reference),
            None,
            "document_id",
            f"the reference codes nothing in {', '.join(uncoded)}; code a reference for it first",
        )
    course.copy_project(source)
    a = Assignment(
        id=assignment,
        title=title or assignment,
        articles=list(articles),
        deadline=parse_time(deadline),
        suggestions=suggestions,
        weights=_check_weights(weights or DEFAULT_WEIGHTS),
    )
    course.assignment_dir(assignment).mkdir(parents=True, exist_ok=True)
    _write_records(course.key_dir(assignment), ref, private=True, project=project)
    course.save(a)
    return a


def assign(
    course: ClassFolder,
    assignment: str,
    group: str,
    students: Sequence[str],
    *,
    articles: Sequence[str] = (),
    outlets: Sequence[str] = (),
) -> Assignment:
    """Give ``students`` (group ``group``) their own articles, named or picked by outlet (the article's source).

    A student is in one group at most: adding them to a group takes them out of any other.
    """
    a = course.load(assignment)
    if msg := check_annotator(group):
        raise DataError.at("--group", None, "group", msg)
    for s in students:
        if msg := check_annotator(s):
            raise DataError.at("--students", None, "students", msg)
    documents = as_folder(course.project).documents
    chosen = list(articles)
    for outlet in outlets:
        hits = [d.id for d in documents.values() if outlet.lower() in d.source.lower()]
        if not hits:
            raise DataError.at("--outlets", None, "outlets", f"no article's source mentions {outlet!r}")
        chosen += [h for h in hits if h not in chosen]
    if not chosen:
        raise ValueError("give --articles or --outlets")
    keyed = {r["document_id"] for r in reference_for(course, assignment, released=False)}
    for doc in chosen:
        if doc not in documents:
            raise DataError.at("--articles", None, "articles", f"no article {doc!r} in the class project")
        if doc not in keyed:
            raise DataError.at(
                "--articles", None, "articles", f"{doc!r} is not in this assignment's key; create the assignment with it"
            )
    for g in a.groups.values():
        g.members[:] = [m for m in g.members if m not in students]
    a.groups[group] = Group(sorted(set(a.groups.get(group, Group([], [])).members) | set(students)), chosen)
    a.groups = {k: g for k, g in a.groups.items() if g.members}
    course.save(a)
    return a


def practice_document(course: ClassFolder, a: Assignment) -> Document | None:
    """The practice passage as a document of its own (id ``<article>--practice``), or None."""
    if a.practice is None:
        return None
    doc = as_folder(course.project).documents[a.practice.document]
    p = a.practice
    return Document(
        id=f"{doc.id}--practice",
        title=f"Practice: {doc.title}",
        text=doc.text[p.start : p.end],
        summit_id=doc.summit_id,
        source=doc.source,
        url=doc.url,
        published=doc.published,
        language=doc.language,
        path=doc.path,
    )


def set_practice(course: ClassFolder, assignment: str, document: str, first: int, last: int) -> Assignment:
    """Use sentences ``first``..``last`` (1-based, inclusive) of a real article as the calibration round.

    The key of the passage (the reference's spans wholly inside it) is
    readable by students from the start: practice feedback is immediate.
    """
    a = course.load(assignment)
    project = as_folder(course.project)
    documents = project.documents
    if document not in documents:
        raise DataError.at("--document", None, "document", f"no article {document!r} in the class project")
    segs = segment(documents[document])
    if not 1 <= first <= last <= len(segs):
        raise DataError.at("--sentences", None, "sentences", f"{first}-{last}: the article has sentences 1-{len(segs)}")
    a.practice = Practice(document, segs[first - 1].start, segs[last - 1].end)
    key = [
        r
        for r in reference_for(course, assignment, released=False)
        if r["document_id"] == document and a.practice.start <= r["start"] and r["end"] <= a.practice.end
    ]
    if not key:
        raise DataError.at(
            "--sentences", None, "sentences", f"the reference codes nothing in sentences {first}-{last}; pick a passage it codes"
        )
    doc = practice_document(course, a)
    if doc is None:  # a.practice was set just above
        raise ValueError("no practice passage")
    shifted = [
        make_annotation(
            doc,
            r["start"] - a.practice.start,
            r["end"] - a.practice.start,
            issue=r["issue"],
            stance=r["stance"],
            actor=r["actor"],
            target=r["target"],
            intensity=r["intensity"],
            annotator=KEY_NAME,
            summit_id=r.get("summit_id"),
            note=r.get("note", ""),
            created=r.get("created"),
        )
        for r in key
    ]
    _write_records(course.practice_dir(assignment), shifted, private=False, project=project.with_documents({doc.id: doc}))
    course.save(a)
    return a


def practice_key(course: ClassFolder, a: Assignment) -> list[dict]:
    """The reference of the practice passage (students may read it)."""
    doc = practice_document(course, a)
    if doc is None:
        return []
    return load_reference(course.practice_dir(a.id), data=as_folder(course.project).with_documents({doc.id: doc}))


def reference_for(course: ClassFolder, assignment: str, *, released: bool) -> list[dict]:
    """The assignment's key: from ``released/`` (what students may read) or from ``key/`` (instructor)."""
    folder = course.released_dir(assignment) if released else course.key_dir(assignment)
    if not (folder / f"{KEY_NAME}.jsonl").exists():
        raise DataError.at(
            folder,
            None,
            None,
            "the answer key has not been released yet"
            if released
            else "this assignment has no key; create it with `summit-ledger class create`",
        )
    return load_reference(folder, data=course.project)


def release(course: ClassFolder, assignment: str, what: str = "key", *, now: bool = False, at: str | None = None) -> Assignment:
    """Release the key (students then see full feedback) or only each student's feedback.

    Before the deadline this needs ``now=True`` (release on demand). With
    ``what="feedback"`` each student's feedback is written into their own
    folder as ``feedback.txt``; the key itself stays withheld.
    """
    if what not in ("key", "feedback"):
        raise ValueError(f"what={what!r}: use 'key' or 'feedback'")
    a = course.load(assignment)
    stamp = (parse_time(at, "--at") if at else None) or course.now()
    if a.deadline and stamp < a.deadline and not now:
        raise DataError.at(
            course.assignment_dir(assignment) / "assignment.yaml",
            None,
            "deadline",
            f"the deadline ({a.deadline}) has not passed; release on demand with --now",
        )
    if what == "key":
        _write_records(
            course.released_dir(assignment),
            reference_for(course, assignment, released=False),
            private=False,
            project=as_folder(course.project),
        )
    else:
        from toolkit.classroom.student_feedback import feedback

        files = collect(course, assignment, snapshot=False)
        key = reference_for(course, assignment, released=False)
        for name in files.annotators:
            folder = course.student_dir(assignment, name)
            if folder.is_dir():
                fb = feedback(files.records[name], key, files.project, annotator=name)
                atomic_write_text(folder / "feedback.txt", fb.to_text() + "\n")
    a.release, a.released_at = what, stamp  # type: ignore[assignment]
    course.save(a)
    return a


def collect(course: ClassFolder, assignment: str, *, snapshot: bool = True) -> ClassFiles:
    """Read every student's log of the assignment; with ``snapshot``, copy them into ``collected/<id>/``.

    Only ``work/<id>/<student>/<student>.jsonl`` is read (a file named
    after its folder); check logs and practice work are hidden and skipped.
    """
    course.load(assignment)
    work = course.work_dir(assignment)
    logs = sorted(p for p in work.glob("*/*.jsonl") if p.stem == p.parent.name) if work.exists() else []
    stray = (
        sorted(p for p in work.glob("*/*.jsonl") if p.stem != p.parent.name and not p.name.startswith("."))
        if work.exists()
        else []
    )
    project = as_folder(course.project)
    files = collect_class(logs, data=project, progress=False) if logs else ClassFiles({}, [], project)
    if stray:
        from toolkit.classroom.collection import StudentFile

        files.files.extend(
            StudentFile(
                str(p),
                None,
                0,
                "skipped",
                f"in {p.parent.name}'s folder but named {p.name}: not used (a student saves only under their own name)",
            )
            for p in stray
        )
    if snapshot:
        dest = course.collected_dir(assignment)
        dest.mkdir(parents=True, exist_ok=True)
        for p in logs:
            atomic_write_text(dest / p.name, p.read_text(encoding="utf-8"))
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        write_csv(files.status_frame().assign(collected=stamp), dest / "status.csv")
    return files
