"""Collecting a class's annotator files, tolerating bad ones, and loading the reference.

Collecting never stops at a bad student file: an unreadable file, a bad line,
an unknown code or a second file for the same student is reported in
:attr:`ClassFiles.files` (file, line, field, what to do) and the rest of the
class is still used. A progress bar (tqdm, on stderr) appears when a folder
holds many files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from toolkit.corpus.folder import ProjectFolder, as_folder
from toolkit.errors import DataError, Problem, SummitLedgerError
from toolkit.records.annotation import check_annotator
from toolkit.store.open import store_at

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.codebook.load import Codebook
    from toolkit.corpus.documents import Document
    from toolkit.corpus.summits import Summit

__all__ = [
    "FileStatus",
    "StudentFile",
    "ClassFiles",
    "collect_class",
    "load_reference",
    "record_signature",
    "is_reference",
    "PROGRESS_MIN_FILES",
]

FileStatus = Literal["ok", "partial", "empty", "unreadable", "duplicate", "renamed", "skipped"]
#: With ``progress=None``, a progress bar is shown from this many files on.
PROGRESS_MIN_FILES = 20
_IGNORED_SUFFIXES = (".lock", ".bak", ".torn")


@dataclass(frozen=True)
class StudentFile:
    """What happened to one file of a class folder.

    Attributes
    ----------
    path : str
    annotator : str or None
        The name the file's records are used under (None if none were used).
    records : int
        Live annotations used from this file.
    status : {"ok", "partial", "empty", "unreadable", "duplicate", "renamed", "skipped"}
        ``partial``: some lines were unusable (see ``problems``); ``duplicate``:
        an identical copy of another file, not counted twice; ``renamed``: a
        second, different file for a name already used, kept under a new name.
    message : str
        One line for the instructor: what was found and what to do.
    problems : tuple of Problem
        Every bad line, with file, line and field.
    """

    path: str
    annotator: str | None
    records: int
    status: FileStatus
    message: str
    problems: tuple[Problem, ...] = ()


@dataclass
class ClassFiles:
    """A class's annotator files, merged.

    Attributes
    ----------
    records : dict of str to list of dict
        Live, valid annotation records per annotator (sorted by name).
    files : list of StudentFile
        One entry per file seen, in path order.
    project : ProjectFolder
        What the records were validated against (its codebook, documents and summits).
    """

    records: dict[str, list[dict]]
    files: list[StudentFile]
    project: ProjectFolder

    @property
    def codebook(self) -> Codebook:
        return self.project.codebook

    @property
    def documents(self) -> Mapping[str, Document]:
        return self.project.documents

    @property
    def summits(self) -> Mapping[str, Summit]:
        return self.project.summits

    @property
    def annotators(self) -> list[str]:
        return sorted(self.records)

    def all_records(self) -> list[dict]:
        """Every record of every annotator, one list."""
        return [r for name in self.annotators for r in self.records[name]]

    def problems(self) -> list[Problem]:
        """Every problem found in every file."""
        return [p for f in self.files for p in f.problems]

    def status_frame(self) -> pd.DataFrame:
        """One row per file: ``file, annotator, records, status, problems, message``."""
        import pandas as pd  # here, not at import: the class commands that make no table start without it

        return pd.DataFrame(
            [
                {
                    "file": Path(f.path).name,
                    "annotator": f.annotator,
                    "records": f.records,
                    "status": f.status,
                    "problems": len(f.problems),
                    "message": f.message,
                }
                for f in self.files
            ],
            columns=["file", "annotator", "records", "status", "problems", "message"],
        )


def _list_files(sources: Sequence[Path]) -> tuple[list[Path], list[StudentFile]]:
    logs: list[Path] = []
    notes: list[StudentFile] = []
    for src in sources:
        if src.is_file():
            candidates = [src]
        elif src.is_dir():
            # shallower files first: a file at the top of the folder wins over a copy in a subfolder
            candidates = sorted(
                (p for p in src.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(src).parts)),
                key=lambda p: (len(p.relative_to(src).parts), str(p)),
            )
        else:
            notes.append(StudentFile(str(src), None, 0, "unreadable", "no such file or folder; check the path"))
            continue
        for p in candidates:
            if p.name.endswith(_IGNORED_SUFFIXES) or ".jsonl." in p.name or p.name == "set.yaml":
                continue  # lock files, compaction backups, set-aside torn lines, the set's declaration
            if p.suffix != ".jsonl":
                notes.append(
                    StudentFile(
                        str(p),
                        None,
                        0,
                        "skipped",
                        "not an annotator file (<name>.jsonl); if it is another tool's export, "
                        "convert it with `summit-ledger import` first",
                    )
                )
                continue
            logs.append(p)
    seen: set[Path] = set()
    unique = []
    for p in logs:
        rp = p.resolve()
        if rp not in seen:
            seen.add(rp)
            unique.append(p)
    return unique, notes


def record_signature(records: Iterable[Mapping[str, Any]]) -> frozenset:
    """A set of what each record codes (not its id or time): equal for two copies of the same work."""
    return frozenset(
        (r["document_id"], r["start"], r["end"], r["issue"], r["stance"], r["actor"], r["target"], r["intensity"], r["summit_id"])
        for r in records
    )


def _read_one(path: Path, project: ProjectFolder) -> tuple[str | None, list[dict], StudentFile]:
    stem = path.stem
    if check_annotator(stem) is not None:
        return (
            None,
            [],
            StudentFile(
                str(path),
                None,
                0,
                "unreadable",
                f"file name {path.name!r} is not <annotator>.jsonl with a valid name "
                "(letters, digits, '-', '_'); rename it to the student's annotator name",
            ),
        )
    try:
        store = store_at(project, path.parent)
        state = store.read(stem)
    except (OSError, SummitLedgerError) as exc:
        return None, [], StudentFile(str(path), None, 0, "unreadable", f"cannot be read ({exc}); ask for the file again")
    problems = list(state.problems)
    if state.torn:
        problems.append(
            Problem(state.torn.file, state.torn.line, None, "incomplete last line (a crash mid-save?); it is ignored")
        )
    records = list(state.annotations.values())
    n = len(records)
    if n and not problems:
        return stem, records, StudentFile(str(path), stem, n, "ok", f"{n} annotations")
    if n:
        return (
            stem,
            records,
            StudentFile(
                str(path),
                stem,
                n,
                "partial",
                f"{n} annotations used; {len(problems)} line(s) skipped — see problems",
                tuple(problems),
            ),
        )
    if problems:
        hint = "nothing usable"
        if all(p.field == "annotator" for p in problems):
            names = sorted(
                {
                    str(op["annotator"])
                    for _, op, _ in store.iter_ops(stem)
                    if isinstance(op, dict) and isinstance(op.get("annotator"), str)
                }
                - {stem}
            )
            hint = (
                f"its records belong to annotator {', '.join(names)}; rename the file to "
                f"{names[0] + '.jsonl' if names else '<annotator>.jsonl'}"
            )
        return None, [], StudentFile(str(path), None, 0, "unreadable", f"{hint} ({len(problems)} problem(s))", tuple(problems))
    return None, [], StudentFile(str(path), None, 0, "empty", "no annotations in this file")


def collect_class(
    folders: str | Path | Sequence[str | Path],
    *,
    data: str | os.PathLike | ProjectFolder | None = None,
    progress: bool | None = None,
) -> ClassFiles:
    """Read every annotator file under one or more folders, tolerating bad ones.

    Parameters
    ----------
    folders : path or sequence of paths
        Folders (searched recursively, hidden folders skipped) or single
        ``<annotator>.jsonl`` files.
    data : ProjectFolder or path, optional
        The project whose codebook, summits and documents the files are checked
        against (default: the discovered project).
    progress : bool, optional
        Show a tqdm progress bar on stderr; default: only from
        :data:`PROGRESS_MIN_FILES` files on.

    Returns
    -------
    ClassFiles
        Never raises for a bad student file; every file's fate is in ``files``.

    Notes
    -----
    Files are read shallowest first, then in path order. Two files for the
    same annotator name (compared without case): an
    identical copy is counted once (status ``duplicate``); a different file is
    kept under ``<name>-2`` (status ``renamed``) so no student's work is lost —
    remove one if they are the same student.
    """
    from tqdm import tqdm

    project = as_folder(data)
    sources = [Path(folders)] if isinstance(folders, (str, Path)) else [Path(f) for f in folders]
    logs, notes = _list_files(sources)
    show = len(logs) >= PROGRESS_MIN_FILES if progress is None else bool(progress)
    records: dict[str, list[dict]] = {}
    lower: dict[str, str] = {}
    files: list[StudentFile] = list(notes)
    for path in tqdm(logs, desc="reading annotator files", unit="file", disable=not show, file=sys.stderr):
        name, recs, status = _read_one(path, project)
        if name is not None:
            key = name.lower()
            if key in lower:
                first = lower[key]
                if record_signature(recs) == record_signature(records[first]):
                    status = StudentFile(
                        str(path), None, 0, "duplicate", f"identical to the file of {first!r}; counted once", status.problems
                    )
                    files.append(status)
                    continue
                k = 2
                while f"{name}-{k}".lower() in lower:
                    k += 1
                new = f"{name}-{k}"
                recs = [{**r, "annotator": new} for r in recs]
                status = StudentFile(
                    str(path),
                    new,
                    len(recs),
                    "renamed",
                    f"a second, different file for {first!r}; kept as {new!r} — remove one if they are the same student",
                    status.problems,
                )
                name = new
            lower[name.lower()] = name
            records[name] = recs
        files.append(status)
    files.sort(key=lambda f: f.path)
    return ClassFiles(records=dict(sorted(records.items())), files=files, project=project)


def load_reference(ref: str | os.PathLike, *, data: str | os.PathLike | ProjectFolder | None = None) -> list[dict]:
    """The reference annotation: a set name under the project's ``annotations/``, a folder, or one ``.jsonl`` file.

    ``data`` is the project (or its folder; default: the discovered project) the reference is checked against.

    Raises
    ------
    DataError
        Not found, several annotator files in the folder (name the file), or
        bad lines in the reference (a reference must be clean).
    """
    project = as_folder(data)
    path = Path(ref)
    if not path.exists():
        path = project.root / "annotations" / str(ref)
    if not path.exists():
        raise DataError.at(
            str(ref),
            None,
            None,
            "no such reference: give a set name under data/annotations/, a folder or a <annotator>.jsonl file",
        )
    if path.is_dir():
        logs = sorted(p for p in path.glob("*.jsonl"))
        if len(logs) != 1:
            raise DataError.at(
                path,
                None,
                None,
                f"{len(logs)} annotator files here; the reference must be one file — pass the .jsonl file itself",
            )
        path = logs[0]
    state = store_at(project, path.parent).read(path.stem)
    if state.problems:
        raise DataError(state.problems)
    if state.torn:
        raise DataError([Problem(str(path), state.torn.line, None, "torn last line")])
    if not state.annotations:
        raise DataError.at(path, None, None, "the reference holds no annotations")
    return list(state.annotations.values())


def is_reference(name: str, files: ClassFiles, reference: Sequence[Mapping[str, Any]]) -> bool:
    """True when annotator ``name`` in ``files`` is the reference's own file (same name, same records)."""
    return name in {r["annotator"] for r in reference} and record_signature(files.records[name]) == record_signature(reference)
