"""The classroom workflow: collect a class's files, give each student feedback, show the class view.

An instructor gives a class the same article. Each student codes it (in
JupyterLab or a Voila page) and hands in one annotator file,
``<name>.jsonl``. The instructor puts the files in one folder and calls:

>>> files = collect_class("hand-in/")                              # doctest: +SKIP
>>> feedback_table(files, load_reference("reference"))            # doctest: +SKIP
>>> view = class_view(files, reference=load_reference("reference"))  # doctest: +SKIP
>>> view.report.alpha, view.report.pairwise                        # doctest: +SKIP
>>> hotspots_html(document, view.report.sentences)                 # doctest: +SKIP

Collecting is tolerant: an unreadable file, a bad line, an unknown code or a
second file for the same student is reported in :attr:`ClassFiles.files`
(file, line, field, what to do) and the rest of the class is still used. A
progress bar (tqdm, on stderr) appears when a folder holds many files.

Everything shown to a student or instructor quotes the article; all such
text is HTML-escaped in the HTML views.
"""
from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from .agreement import (AgreementError, AgreementReport, MatchMode, SpanMatch, agreement_report, match_spans,
                        span_scores_by_issue)
from .annotation import check_annotator
from .errors import DataError, Problem, SummitLedgerError

__all__ = [
    "FileStatus", "StudentFile", "ClassFiles", "collect_class", "load_reference",
    "Feedback", "feedback", "check_my_work", "feedback_table", "ClassView", "class_view", "hotspot_spans",
    "hotspots_html", "class_ledger", "balance_comparison",
    "PROGRESS_MIN_FILES",
]

FileStatus = Literal["ok", "partial", "empty", "unreadable", "duplicate", "renamed", "skipped"]
#: With ``progress=None``, a progress bar is shown from this many files on.
PROGRESS_MIN_FILES = 20
_IGNORED_SUFFIXES = (".lock", ".bak", ".torn")
_CONTEXT = 60


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
    codebook, documents, summits
        What the records were validated against.
    """

    records: dict[str, list[dict]]
    files: list[StudentFile]
    codebook: Any
    documents: dict
    summits: dict

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
        return pd.DataFrame([{"file": Path(f.path).name, "annotator": f.annotator, "records": f.records,
                              "status": f.status, "problems": len(f.problems), "message": f.message}
                             for f in self.files],
                            columns=["file", "annotator", "records", "status", "problems", "message"])


def _load_project(data, codebook, documents, summits):
    from .codebook import load_codebook
    from .corpus import load_documents
    from .paths import data_dir
    from .summits import load_summits

    if codebook is None or documents is None or summits is None:
        root = data_dir(data)
        codebook = codebook if codebook is not None else load_codebook(root / "codebook.yaml")
        summits = summits if summits is not None else load_summits(root / "summits.yaml", codebook)
        documents = documents if documents is not None else load_documents(root / "documents", summits)
    return codebook, documents, summits


def _list_files(sources: Sequence[Path]) -> tuple[list[Path], list[StudentFile]]:
    logs: list[Path] = []
    notes: list[StudentFile] = []
    for src in sources:
        if src.is_file():
            candidates = [src]
        elif src.is_dir():
            # shallower files first: a file at the top of the folder wins over a copy in a subfolder
            candidates = sorted((p for p in src.rglob("*") if p.is_file()
                                 and not any(part.startswith(".") for part in p.relative_to(src).parts)),
                                key=lambda p: (len(p.relative_to(src).parts), str(p)))
        else:
            notes.append(StudentFile(str(src), None, 0, "unreadable", "no such file or folder; check the path"))
            continue
        for p in candidates:
            if p.name.endswith(_IGNORED_SUFFIXES) or ".jsonl." in p.name or p.name == "set.yaml":
                continue  # lock files, compaction backups, set-aside torn lines, the set's declaration
            if p.suffix != ".jsonl":
                notes.append(StudentFile(str(p), None, 0, "skipped",
                                         "not an annotator file (<name>.jsonl); if it is another tool's export, "
                                         "convert it with `summit-ledger import` first"))
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


def _signature(records: Iterable[Mapping[str, Any]]) -> frozenset:
    return frozenset((r["document_id"], r["start"], r["end"], r["issue"], r["stance"], r["actor"], r["target"],
                      r["intensity"], r["summit_id"]) for r in records)


def _read_one(path: Path, codebook, documents, summits) -> tuple[str | None, list[dict], StudentFile]:
    from .store import Store

    stem = path.stem
    if check_annotator(stem) is not None:
        return None, [], StudentFile(str(path), None, 0, "unreadable",
                                     f"file name {path.name!r} is not <annotator>.jsonl with a valid name "
                                     "(letters, digits, '-', '_'); rename it to the student's annotator name")
    try:
        state = Store(path.parent, codebook=codebook, documents=documents, summits=summits).read(stem)
    except (OSError, SummitLedgerError) as exc:
        return None, [], StudentFile(str(path), None, 0, "unreadable", f"cannot be read ({exc}); ask for the file again")
    problems = list(state.problems)
    if state.torn:
        problems.append(Problem(state.torn.file, state.torn.line, None,
                                "incomplete last line (a crash mid-save?); it is ignored"))
    records = list(state.annotations.values())
    n = len(records)
    if n and not problems:
        return stem, records, StudentFile(str(path), stem, n, "ok", f"{n} annotations")
    if n:
        return stem, records, StudentFile(str(path), stem, n, "partial",
                                          f"{n} annotations used; {len(problems)} line(s) skipped — see problems",
                                          tuple(problems))
    if problems:
        hint = "nothing usable"
        if all(p.field == "annotator" for p in problems):
            names = sorted({p.message.split("'")[1] for p in problems if "'" in p.message})
            hint = (f"its records belong to annotator {', '.join(names)}; rename the file to "
                    f"{names[0] + '.jsonl' if names else '<annotator>.jsonl'}")
        return None, [], StudentFile(str(path), None, 0, "unreadable", f"{hint} ({len(problems)} problem(s))",
                                     tuple(problems))
    return None, [], StudentFile(str(path), None, 0, "empty", "no annotations in this file")


def collect_class(folders: "str | Path | Sequence[str | Path]", *, data: "str | Path | None" = None,
                  codebook=None, documents=None, summits=None, progress: "bool | None" = None) -> ClassFiles:
    """Read every annotator file under one or more folders, tolerating bad ones.

    Parameters
    ----------
    folders : path or sequence of paths
        Folders (searched recursively, hidden folders skipped) or single
        ``<annotator>.jsonl`` files.
    data : path, optional
        The data folder for codebook, summits and documents (default: the
        project's ``data/``); or pass ``codebook``, ``documents``, ``summits``.
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

    codebook, documents, summits = _load_project(data, codebook, documents, summits)
    sources = [Path(folders)] if isinstance(folders, (str, Path)) else [Path(f) for f in folders]
    logs, notes = _list_files(sources)
    show = len(logs) >= PROGRESS_MIN_FILES if progress is None else bool(progress)
    records: dict[str, list[dict]] = {}
    lower: dict[str, str] = {}
    files: list[StudentFile] = list(notes)
    for path in tqdm(logs, desc="reading annotator files", unit="file", disable=not show, file=sys.stderr):
        name, recs, status = _read_one(path, codebook, documents, summits)
        if name is not None:
            key = name.lower()
            if key in lower:
                first = lower[key]
                if _signature(recs) == _signature(records[first]):
                    status = StudentFile(str(path), None, 0, "duplicate",
                                         f"identical to the file of {first!r}; counted once", status.problems)
                    files.append(status)
                    continue
                k = 2
                while f"{name}-{k}".lower() in lower:
                    k += 1
                new = f"{name}-{k}"
                recs = [{**r, "annotator": new} for r in recs]
                status = StudentFile(str(path), new, len(recs), "renamed",
                                     f"a second, different file for {first!r}; kept as {new!r} — remove one if "
                                     "they are the same student", status.problems)
                name = new
            lower[name.lower()] = name
            records[name] = recs
        files.append(status)
    files.sort(key=lambda f: f.path)
    return ClassFiles(records=dict(sorted(records.items())), files=files, codebook=codebook,
                      documents=documents, summits=summits)


def load_reference(ref: "str | Path", *, data: "str | Path | None" = None, codebook=None, documents=None,
                   summits=None) -> list[dict]:
    """The reference annotation: a set name under ``data/annotations/``, a folder, or one ``.jsonl`` file.

    Raises
    ------
    DataError
        Not found, several annotator files in the folder (name the file), or
        bad lines in the reference (a reference must be clean).
    """
    from .paths import data_dir
    from .store import Store

    codebook, documents, summits = _load_project(data, codebook, documents, summits)
    path = Path(ref)
    if not path.exists():
        path = data_dir(data) / "annotations" / str(ref)
    if not path.exists():
        raise DataError.at(ref, None, None, "no such reference: give a set name under data/annotations/, a folder "
                                            "or a <annotator>.jsonl file")
    if path.is_dir():
        logs = sorted(p for p in path.glob("*.jsonl"))
        if len(logs) != 1:
            raise DataError.at(path, None, None, f"{len(logs)} annotator files here; the reference must be one file — "
                                                 "pass the .jsonl file itself")
        path = logs[0]
    state = Store(path.parent, codebook=codebook, documents=documents, summits=summits).read(path.stem)
    if state.problems or state.torn:
        raise DataError(state.problems or [Problem(str(path), state.torn.line, None, "torn last line")])
    if not state.annotations:
        raise DataError.at(path, None, None, "the reference holds no annotations")
    return list(state.annotations.values())


# --------------------------------------------------------------------------- feedback
def _describe(rec: Mapping[str, Any], codebook) -> str:
    issue = codebook.issues[rec["issue"]].label if rec["issue"] in codebook.issues else rec["issue"]
    level = codebook.intensity.get(rec.get("intensity"))
    inten = f"intensity {rec.get('intensity')}" + (f" ({level.label})" if level is not None else "")
    return f"{rec['stance']} · {issue} · {rec['actor']} → {rec['target']} · {inten}"


def _overlapping(rec: Mapping[str, Any], others: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [o for o in others if o["document_id"] == rec["document_id"]
            and min(o["end"], rec["end"]) > max(o["start"], rec["start"])]


def _sentence_no(document, start: int) -> int | None:
    from .corpus import segment, sentence_of

    i = sentence_of(segment(document), start)
    return None if i is None else i + 1


@dataclass
class Feedback:
    """One student's annotation compared with the reference.

    Attributes
    ----------
    annotator : str
    scores : pandas.DataFrame
        Index ``exact``, ``overlap``; columns ``tp, fp, fn, precision, recall, f1``.
    by_issue : pandas.DataFrame
        Overlap matching per issue (see :func:`toolkit.agreement.span_scores_by_issue`),
        with ``issue_label``.
    missed : list of dict
        Reference spans the student did not find. Keys ``sentence, before,
        quote, after, reference`` (what the reference coded), ``note`` (the
        reference's note) and ``yours`` (what the student coded on that
        passage, possibly empty).
    extra : list of dict
        Student spans with no reference match. Keys ``sentence, before, quote,
        after, yours`` and ``reference`` (what the reference coded on that
        passage, possibly empty).
    differences : list of dict
        Matched spans whose actor, target or intensity differ. Keys
        ``sentence, quote, yours, reference``.
    mode : str
        The matching used for missed and extra (``overlap`` by default).
    """

    annotator: str
    scores: pd.DataFrame
    by_issue: pd.DataFrame
    missed: list[dict]
    extra: list[dict]
    differences: list[dict]
    mode: str = "overlap"
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence: what share of the reference was found, and how much of the student's coding matches."""
        s = self.scores.loc[self.mode]
        ref_n, own_n = int(s.tp + s.fn), int(s.tp + s.fp)
        return (f"{self.annotator}: found {int(s.tp)} of the reference's {ref_n} passages (recall {_fmt(s.recall)}); "
                f"{int(s.tp)} of your {own_n} passages match the reference (precision {_fmt(s.precision)}); "
                f"F1 {_fmt(s.f1)} ({self.mode} matching).")

    def to_text(self) -> str:
        """The whole feedback as plain text, for a terminal or a text/plain output."""
        out = [f"Feedback for {self.annotator}, compared with the reference", ""]
        out += [*self.notes, ""] if self.notes else []
        out += [self.summary(), f"Exact matching (same start and end): F1 {_fmt(self.scores.loc['exact', 'f1'])}.", ""]
        if self.missed:
            out.append(f"Passages the reference coded and you did not ({len(self.missed)}):")
            for k, m in enumerate(self.missed, 1):
                out.append(f"  {k}. sentence {m['sentence']}: …{m['before']}[{m['quote']}]{m['after']}…")
                out.append(f"     reference: {m['reference']}")
                if m["note"]:
                    out.append(f"     why: {m['note']}")
                out.append(f"     you: {'; '.join(m['yours']) or 'nothing here'}")
        if self.extra:
            out.append(f"Passages you coded that the reference does not code that way ({len(self.extra)}):")
            for k, m in enumerate(self.extra, 1):
                out.append(f"  {k}. sentence {m['sentence']}: …{m['before']}[{m['quote']}]{m['after']}…")
                out.append(f"     you: {m['yours']}")
                out.append(f"     reference: {'; '.join(m['reference']) or 'nothing here'}")
        if self.differences:
            out.append(f"Passages you both found but coded differently ({len(self.differences)}):")
            for k, m in enumerate(self.differences, 1):
                out.append(f"  {k}. sentence {m['sentence']}: [{m['quote']}]")
                out.append(f"     you: {m['yours']}")
                out.append(f"     reference: {m['reference']}")
        if not (self.missed or self.extra or self.differences):
            out.append("Every passage matches the reference.")
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        e = html.escape
        parts = [f"<div class='sl-feedback'><h4>Feedback for {e(self.annotator)}, compared with the reference</h4>"]
        parts += [f"<p><b>{e(n)}</b></p>" for n in self.notes]
        parts += [f"<p>{e(self.summary())}</p>",
                  f"<p>Exact matching (same start and end): F1 {e(_fmt(self.scores.loc['exact', 'f1']))}.</p>"]

        def passage(m):
            return (f"sentence {m['sentence']}: …{e(m['before'])}<mark>{e(m['quote'])}</mark>{e(m['after'])}…")

        if self.missed:
            parts.append(f"<h5>Passages the reference coded and you did not ({len(self.missed)})</h5><ol>")
            for m in self.missed:
                why = f"<br><i>why:</i> {e(m['note'])}" if m["note"] else ""
                parts.append(f"<li>{passage(m)}<br><b>reference:</b> {e(m['reference'])}{why}"
                             f"<br><b>you:</b> {e('; '.join(m['yours']) or 'nothing here')}</li>")
            parts.append("</ol>")
        if self.extra:
            parts.append(f"<h5>Passages you coded that the reference does not code that way ({len(self.extra)})</h5><ol>")
            for m in self.extra:
                parts.append(f"<li>{passage(m)}<br><b>you:</b> {e(m['yours'])}"
                             f"<br><b>reference:</b> {e('; '.join(m['reference']) or 'nothing here')}</li>")
            parts.append("</ol>")
        if self.differences:
            parts.append(f"<h5>Passages you both found but coded differently ({len(self.differences)})</h5><ol>")
            for m in self.differences:
                parts.append(f"<li>sentence {m['sentence']}: <mark>{e(m['quote'])}</mark><br><b>you:</b> "
                             f"{e(m['yours'])}<br><b>reference:</b> {e(m['reference'])}</li>")
            parts.append("</ol>")
        if not (self.missed or self.extra or self.differences):
            parts.append("<p>Every passage matches the reference.</p>")
        parts.append("</div>")
        return "".join(parts)


def _fmt(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.2f}"


def feedback(student: Iterable[Mapping[str, Any]], reference: Iterable[Mapping[str, Any]], *, documents: Mapping,
             codebook, annotator: str | None = None, mode: MatchMode = "overlap",
             min_overlap: float = 0.5) -> Feedback:
    """Compare one student's records with the reference.

    Only documents the reference codes are compared; student spans on other
    documents are counted in a note. Orphaned records are left out.

    Parameters
    ----------
    student, reference : iterable of dict
        Live annotation records.
    documents : mapping of str to Document
    codebook : Codebook
        For issue labels and intensity names.
    annotator : str, optional
        Name shown; default: the student's records' annotator.
    mode : {"exact", "overlap"}
        Matching for the missed / extra lists (both scores are always given).

    Returns
    -------
    Feedback
    """
    ref = [dict(r) for r in reference if r.get("status", "anchored") == "anchored"]
    ref_docs = {r["document_id"] for r in ref}
    stu_all = [dict(r) for r in student if r.get("status", "anchored") == "anchored"]
    stu = [r for r in stu_all if r["document_id"] in ref_docs]
    notes = []
    if len(stu) < len(stu_all):
        notes.append(f"{len(stu_all) - len(stu)} of your annotations are on articles the reference does not code; "
                     "they are not compared.")
    if annotator is None:
        annotator = next((r["annotator"] for r in stu_all), "student")
    matches: dict[str, SpanMatch] = {m: match_spans(stu, ref, m, min_overlap=min_overlap)
                                     for m in ("exact", "overlap")}
    scores = pd.DataFrame([{"tp": s.tp, "fp": s.fp, "fn": s.fn,
                            **{k: v for k, v in _scores(s).items()}} for s in matches.values()],
                          index=pd.Index(list(matches), name="matching"))
    match = matches[mode]
    by_issue = span_scores_by_issue(match, [i for i in codebook.issues
                                            if any(r["issue"] == i for r in ref + stu)])
    by_issue.insert(1, "issue_label", [codebook.issues[i].label for i in by_issue.issue])

    def ctx(rec):
        text = documents[rec["document_id"]].text
        a, b = int(rec["start"]), int(rec["end"])
        return {"sentence": _sentence_no(documents[rec["document_id"]], a),
                "before": text[max(0, a - _CONTEXT):a].split("\n")[-1], "quote": text[a:b],
                "after": text[b:b + _CONTEXT].split("\n")[0]}

    missed = [{**ctx(r), "reference": _describe(r, codebook), "note": str(r.get("note") or ""),
               "yours": [_describe(o, codebook) for o in _overlapping(r, stu)]} for r in match.missed]
    extra = [{**ctx(c), "yours": _describe(c, codebook),
              "reference": [_describe(o, codebook) for o in _overlapping(c, ref)]} for c in match.extra]
    differences = []
    for c, r in match.matched:
        if (c["actor"], c["target"], c["intensity"]) != (r["actor"], r["target"], r["intensity"]):
            differences.append({"sentence": ctx(c)["sentence"], "quote": ctx(c)["quote"],
                                "yours": _describe(c, codebook), "reference": _describe(r, codebook)})
    return Feedback(annotator=annotator, scores=scores, by_issue=by_issue, missed=missed, extra=extra,
                    differences=differences, mode=mode, notes=notes)


def check_my_work(annotator: "str | None", folder: "str | Path", *, reference: "str | Path" = "reference",
                  example: "str | Path | None" = None, data: "str | Path | None" = None) -> Feedback:
    """A student's "check my work": feedback on their saved file against the reference.

    Parameters
    ----------
    annotator : str or None
        The student's name (their file is ``<folder>/<annotator>.jsonl``);
        None before the student has given one (then only ``example`` can be shown).
    folder : str or Path
        Where the annotator widget saves.
    reference : str or Path
        Set name, folder or file of the reference (see :func:`load_reference`).
    example : str or Path, optional
        A shipped annotator file (path, or ``<set>/<file>.jsonl`` under
        ``data/annotations``) whose feedback is shown, clearly labelled, while
        the student has saved nothing yet.
    data : str or Path, optional
        The data folder.

    Returns
    -------
    Feedback
        Its ``notes`` say which file was checked and list any unusable lines.
    """
    from .paths import data_dir
    from .store import Store

    codebook, documents, summits = _load_project(data, None, None, None)
    ref = load_reference(reference, data=data, codebook=codebook, documents=documents, summits=summits)
    if annotator is None:
        if example is None:
            raise DataError.at("<check my work>", None, "annotator", "no name given yet; type your name and start")
        annotations: dict = {}
        notes = []
        mine = "You have not given your name yet"
    else:
        if (msg := check_annotator(annotator)):
            raise DataError.at(f"{annotator}.jsonl", None, "annotator", msg)
        state = Store(folder, codebook=codebook, documents=documents, summits=summits).read(annotator)
        annotations = state.annotations
        notes = [f"Line {p.line}: {p.message}" + (f" (field '{p.field}')" if p.field else "") for p in state.problems]
        mine = f"You have no saved annotations in {annotator}.jsonl yet"
    if annotator is not None and (annotations or example is None):
        state_records = list(annotations.values())
        fb = feedback(state_records, ref, documents=documents, codebook=codebook, annotator=annotator)
        if not state_records:
            notes.insert(0, f"No saved annotations in {annotator}.jsonl yet: code some passages and run this again.")
        fb.notes[:0] = notes
        return fb
    path = Path(example)
    if not path.exists():
        path = data_dir(data) / "annotations" / str(example)
    sample = load_reference(path, data=data, codebook=codebook, documents=documents, summits=summits)
    fb = feedback(sample, ref, documents=documents, codebook=codebook, annotator=f"example coding {path.stem}")
    fb.notes[:0] = notes + [
        f"{mine}, so this is the feedback for a shipped example annotation "
        f"({path.parent.name}/{path.name}), to show what you will get. Code some passages and check again to "
        "see your own."]
    return fb


def _scores(m: SpanMatch) -> dict[str, float]:
    from .agreement import precision_recall_f1 as _prf

    return _prf(m.tp, m.fp, m.fn)


def _is_reference(name: str, files: ClassFiles, reference: Sequence[Mapping[str, Any]]) -> bool:
    """True when annotator ``name`` in ``files`` is the reference's own file (same name, same records)."""
    return (name in {r["annotator"] for r in reference}
            and _signature(files.records[name]) == _signature(reference))


def feedback_table(files: ClassFiles, reference: Sequence[Mapping[str, Any]], *,
                   exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Span scores of every student against the reference, one row per student.

    Parameters
    ----------
    files : ClassFiles
    reference : list of dict
        From :func:`load_reference`.
    exclude : iterable of str
        Annotators to leave out (e.g. the reference's own name, if its file is in the folder).

    Returns
    -------
    pandas.DataFrame
        Columns ``annotator, spans, found, missed, extra, precision, recall,
        f1, exact_f1, differences`` (overlap matching unless ``exact_``),
        sorted by annotator.
    """
    skip = set(exclude)
    rows = []
    for name in files.annotators:
        if name in skip or _is_reference(name, files, reference):
            continue
        fb = feedback(files.records[name], reference, documents=files.documents, codebook=files.codebook,
                      annotator=name)
        o, x = fb.scores.loc["overlap"], fb.scores.loc["exact"]
        rows.append({"annotator": name, "spans": int(o.tp + o.fp), "found": int(o.tp), "missed": int(o.fn),
                     "extra": int(o.fp), "precision": o.precision, "recall": o.recall, "f1": o.f1,
                     "exact_f1": x.f1, "differences": len(fb.differences)})
    return pd.DataFrame(rows, columns=["annotator", "spans", "found", "missed", "extra", "precision", "recall",
                                       "f1", "exact_f1", "differences"])


# --------------------------------------------------------------------------- class view
@dataclass
class ClassView:
    """Agreement of a class, with feedback against a reference when one is given.

    Attributes
    ----------
    files : ClassFiles
    report : AgreementReport
        α, pairwise κ, breakdowns and sentences ranked by disagreement.
    feedback : pandas.DataFrame or None
        :func:`feedback_table`, when a reference was given.
    """

    files: ClassFiles
    report: AgreementReport
    feedback: pd.DataFrame | None = None

    def to_text(self, top: int = 5) -> str:
        """α, the pairwise matrix and the ``top`` disagreement sentences, as plain text."""
        from .agreement import interpret_alpha

        r = self.report
        lines = [f"{len(r.annotators)} annotators: {', '.join(r.annotators)}",
                 f"{r.n_units} sentence x issue units coded by two or more annotators",
                 f"Krippendorff's alpha (stance, nominal): {_fmt(r.alpha)}  [{interpret_alpha(r.alpha)}]",
                 f"Krippendorff's alpha (intensity, ordinal, where coded): {_fmt(r.alpha_intensity)}",
                 f"Fleiss' kappa (stance, fixed panel): {_fmt(r.fleiss)}"]
        lines += [f"note: {n}" for n in r.notes]
        lines += ["", "Pairwise Cohen's kappa:", r.pairwise.round(3).to_string(na_rep="n/a"), "",
                  f"Top {top} sentences by disagreement:"]
        for k, row in enumerate(r.sentences.head(top).itertuples(), 1):
            if row.disagreement <= 0:
                break
            snippet = row.text if len(row.text) <= 100 else row.text[:97] + "..."
            lines.append(f"  {k}. sentence {row.segment + 1} (score {row.disagreement:.2f}): {snippet}")
            lines.append(f"     {row.detail}")
        return "\n".join(lines)


def class_view(files: ClassFiles, *, reference: "Sequence[Mapping[str, Any]] | None" = None,
               issues: "Sequence[str] | None" = None, source: str = "class") -> ClassView:
    """Agreement of every annotator in ``files`` (and feedback if a reference is given).

    Parameters
    ----------
    files : ClassFiles
        From :func:`collect_class`. If the reference's own file is among them,
        it takes part in α like any coder but gets no feedback row.
    reference : list of dict, optional
    issues : sequence of str, optional
        Issues making units; default every issue of the codebook.

    Raises
    ------
    AgreementError
        Fewer than two usable annotator files; the message lists the bad files.
    """
    issues = list(files.codebook.issues) if issues is None else list(issues)
    try:
        report = agreement_report(files.all_records(), files.documents, issues, source=source)
    except AgreementError as exc:
        bad = [f"{Path(f.path).name} ({f.status}: {f.message})" for f in files.files if f.status not in ("ok", "partial")]
        msg = exc.problems[0].message + (f"; files not used: {'; '.join(bad)}" if bad else "")
        raise AgreementError(msg, source) from None
    fb = feedback_table(files, reference) if reference is not None else None
    return ClassView(files=files, report=report, feedback=fb)


def class_ledger(files: ClassFiles, reference: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One ledger of the class (set ``"class"``) and the reference (set ``"reference"``), no briefs.

    The reference's own file, if it is in the class folder, is left out of
    ``"class"`` so it is not counted on both sides.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`toolkit.ledger.LEDGER_COLUMNS`.
    """
    from .ledger import build_ledger

    rows = [{**r, "set": "class"} for name in files.annotators if not _is_reference(name, files, reference)
            for r in files.records[name]]
    rows += [{**r, "set": "reference"} for r in reference]
    return build_ledger(rows, files.codebook, files.summits)


def balance_comparison(files: ClassFiles, reference: Sequence[Mapping[str, Any]], *, weight: str = "count",
                       n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Balance per summit x issue, the class beside the reference.

    The class's interval resamples students (each student's rows move
    together), so it shows how much the class's picture depends on who was
    in it; the reference, one coder, resamples rows.

    Returns
    -------
    pandas.DataFrame
        One row per summit x issue coded by either side, columns
        ``summit_label, issue, issue_label, reference_n, reference_balance,
        class_n, class_students, class_balance, class_ci_low, class_ci_high``
        (``class_n``: rows from all students together).
    """
    from .balance import balance_table

    ledger = class_ledger(files, reference)
    keys = ["summit_order", "summit_label", "issue", "issue_label"]
    sides = {}
    for group in ("reference", "class"):
        t = balance_table(ledger, by="issue", sets=group, weight=weight, n_boot=n_boot, seed=seed)  # type: ignore[arg-type]
        sides[group] = t.set_index(keys)
    students = ledger[ledger["set"] == "class"].groupby(["summit_label", "issue"])["annotator"].nunique()
    out = pd.DataFrame({
        "reference_n": sides["reference"]["n"], "reference_balance": sides["reference"]["balance"],
        "class_n": sides["class"]["n"], "class_balance": sides["class"]["balance"],
        "class_ci_low": sides["class"]["ci_low"], "class_ci_high": sides["class"]["ci_high"],
    }).reset_index()
    out = out[(out.reference_n > 0) | (out.class_n > 0)]
    out.insert(out.columns.get_loc("class_balance"), "class_students",
               [int(students.get((s, i), 0)) for s, i in zip(out.summit_label, out.issue)])
    out = out.sort_values(["summit_order", "issue_label"], kind="stable").drop(columns="summit_order")
    return out.reset_index(drop=True)


#: Shading colour of disagreement hot spots (Okabe-Ito reddish purple: not a stance colour).
HOTSPOT_COLOR = "#CC79A7"


def hotspot_spans(sentences: pd.DataFrame, document_id: str, *, top: int = 5) -> pd.DataFrame:
    """One shaded span per disputed sentence of a document, for :func:`toolkit.charts.article_html`.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`toolkit.agreement.sentence_disagreement`.
    document_id : str
    top : int
        The ``top`` sentences are labelled with their rank.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, end, color, opacity, label``: opacity is 0.1 + 0.6 x
        the sentence's score over the document's highest score; sentences with
        no disagreement are left out.
    """
    rows = sentences[(sentences.document_id == document_id) & (sentences.disagreement > 0)]
    peak = float(rows.disagreement.max()) if len(rows) else 0.0
    out = []
    for rank, r in enumerate(rows.sort_values("disagreement", ascending=False, kind="stable").itertuples(), 1):
        head = f"#{rank} " if rank <= top else ""
        out.append({"start": int(r.start), "end": int(r.end), "color": HOTSPOT_COLOR,
                    "opacity": round(0.1 + 0.6 * r.disagreement / peak, 2),
                    "label": f"{head}disagreement {r.disagreement:.2f}: {r.detail}"})
    return pd.DataFrame(out, columns=["start", "end", "color", "opacity", "label"]).sort_values(
        "start", kind="stable").reset_index(drop=True)


def hotspots_html(document, sentences: pd.DataFrame, *, top: int = 5, title: str | None = None) -> str:
    """The article with each sentence shaded by how much the annotators disagreed on it.

    Drawn by :func:`toolkit.charts.article_html` (escaped HTML, no script);
    hovering a sentence shows its score and the issues in dispute.

    Parameters
    ----------
    document : Document
    sentences : pandas.DataFrame
        From :func:`toolkit.agreement.sentence_disagreement`.
    top : int
        How many of the most disputed sentences carry their rank in the hover text.
    title : str, optional

    Returns
    -------
    str
        An HTML fragment followed by a one-line key.
    """
    from .charts import article_html

    spans = hotspot_spans(sentences, document.id, top=top)
    peak = float(sentences[sentences.document_id == document.id].disagreement.max()) if len(sentences) else 0.0
    key = (f"<p style='font-size:smaller'>Darker = more disagreement (highest score {peak:.2f}: the expected "
           "number of issues on which two annotators drawn at random code the sentence differently). "
           "Hover a sentence for the issues in dispute.</p>")
    return article_html(document.text, spans, title=title, legend=False) + key
