"""One student's coding against the reference: the feedback a student sees.

The span scores come from :mod:`toolkit.agreement` (``span_scores`` and
``match_spans``); this module arranges them for one student: what they found,
missed and added, and where their codes differ. How the feedback is shown is
:mod:`toolkit.classroom.presentation`; the class as a whole is
:mod:`toolkit.classroom.scoring`, which re-exports every name defined here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.agreement import MatchMode, match_spans, span_scores, span_scores_by_issue
from toolkit.classroom.collection import load_reference
from toolkit.classroom.presentation import fmt
from toolkit.corpus.folder import ProjectFolder, as_folder
from toolkit.errors import DataError
from toolkit.records.annotation import check_annotator
from toolkit.store.open import store_at

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.documents import Document

__all__ = ["CONTEXT", "Feedback", "feedback", "check_my_work", "describe"]

#: Characters of article text shown before and after a quoted passage.
CONTEXT = 60


def describe(rec: Mapping[str, Any], codebook) -> str:
    """One line: stance · issue label · actor → target · intensity (its label)."""
    issue = codebook.issues[rec["issue"]].label if rec["issue"] in codebook.issues else rec["issue"]
    level = codebook.intensity.get(rec.get("intensity"))
    inten = f"intensity {rec.get('intensity')}" + (f" ({level.label})" if level is not None else "")
    return f"{rec['stance']} · {issue} · {rec['actor']} → {rec['target']} · {inten}"


def _overlapping(rec: Mapping[str, Any], others: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [
        o for o in others if o["document_id"] == rec["document_id"] and min(o["end"], rec["end"]) > max(o["start"], rec["start"])
    ]


def _sentence_no(document, start: int) -> int | None:
    from toolkit.corpus.documents import segment, sentence_of

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
    notes : list of str
    skipped_documents : list of str
        Documents only one side coded; only documents both coded are compared.
    """

    annotator: str
    scores: pd.DataFrame
    by_issue: pd.DataFrame
    missed: list[dict]
    extra: list[dict]
    differences: list[dict]
    mode: str = "overlap"
    notes: list[str] = field(default_factory=list)
    skipped_documents: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence: what share of the reference was found, and how much of the student's coding matches."""
        s = self.scores.loc[self.mode].to_dict()
        tp = int(s["tp"])
        ref_n, own_n = tp + int(s["fn"]), tp + int(s["fp"])
        return (
            f"{self.annotator}: found {tp} of the reference's {ref_n} passages (recall {fmt(s['recall'])}); "
            f"{tp} of your {own_n} passages match the reference (precision {fmt(s['precision'])}); "
            f"F1 {fmt(s['f1'])} ({self.mode} matching)."
        )

    def to_text(self) -> str:
        """The whole feedback as plain text, for a terminal or a text/plain output."""
        from toolkit.classroom.presentation import feedback_text

        return feedback_text(self)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        from toolkit.classroom.presentation import feedback_html

        return feedback_html(self)


def feedback(
    student: Iterable[Mapping[str, Any]],
    reference: Iterable[Mapping[str, Any]],
    project: ProjectFolder | None = None,
    *,
    documents: Mapping[str, Document] | None = None,
    codebook: Codebook | None = None,
    annotator: str | None = None,
    mode: MatchMode = "overlap",
    min_overlap: float = 0.5,
) -> Feedback:
    """Compare one student's records with the reference.

    Only documents the reference codes are compared; student spans on other
    documents are counted in a note. Orphaned records are left out.

    Parameters
    ----------
    student, reference : iterable of dict
        Live annotation records.
    project : ProjectFolder
        Gives the documents (quotes, sentence numbers) and the codebook (issue labels, intensity names).
    documents : mapping of str to Document, optional
    codebook : Codebook, optional
        In place of the project's own (e.g. documents that are in no project folder).
    annotator : str, optional
        Name shown; default: the student's records' annotator.
    mode : {"exact", "overlap"}
        Matching for the missed / extra lists (both scores are always given).

    Returns
    -------
    Feedback
    """
    if documents is None or codebook is None:
        if project is None:
            raise TypeError("feedback() needs a project (or both documents= and codebook=)")
        documents = project.documents if documents is None else documents
        codebook = project.codebook if codebook is None else codebook
    ref_all = [dict(r) for r in reference if r.get("status", "anchored") == "anchored"]
    stu_all = [dict(r) for r in student if r.get("status", "anchored") == "anchored"]
    # only documents both coded are compared; a student who has coded nothing yet is compared on all of them
    both = {r["document_id"] for r in ref_all} & ({r["document_id"] for r in stu_all} or {r["document_id"] for r in ref_all})
    ref = [r for r in ref_all if r["document_id"] in both]
    stu = [r for r in stu_all if r["document_id"] in both]
    notes = []
    if len(stu) < len(stu_all):
        notes.append(
            f"{len(stu_all) - len(stu)} of your annotations are on articles the reference does not code; they are not compared."
        )
    if len(ref) < len(ref_all):
        skipped = sorted({r["document_id"] for r in ref_all} - both)
        notes.append(
            f"The reference also codes {', '.join(skipped)}, which you have not coded; only articles you both coded are compared."
        )
    if annotator is None:
        annotator = next((r["annotator"] for r in stu_all), "student")
    modes: tuple[MatchMode, ...] = ("exact", "overlap")
    scores = pd.DataFrame(
        [span_scores(stu, ref, m, min_overlap=min_overlap) for m in modes], index=pd.Index(list(modes), name="matching")
    )[["tp", "fp", "fn", "precision", "recall", "f1"]]
    match = match_spans(stu, ref, mode, min_overlap=min_overlap)
    by_issue = span_scores_by_issue(match, [i for i in codebook.issues if any(r["issue"] == i for r in ref + stu)])
    by_issue.insert(1, "issue_label", [codebook.issues[i].label for i in by_issue.issue])

    def ctx(rec):
        text = documents[rec["document_id"]].text
        a, b = int(rec["start"]), int(rec["end"])
        return {
            "sentence": _sentence_no(documents[rec["document_id"]], a),
            "before": text[max(0, a - CONTEXT) : a].split("\n")[-1],
            "quote": text[a:b],
            "after": text[b : b + CONTEXT].split("\n")[0],
        }

    missed = [
        {
            **ctx(r),
            "reference": describe(r, codebook),
            "note": str(r.get("note") or ""),
            "yours": [describe(o, codebook) for o in _overlapping(r, stu)],
        }
        for r in match.missed
    ]
    extra = [
        {**ctx(c), "yours": describe(c, codebook), "reference": [describe(o, codebook) for o in _overlapping(c, ref)]}
        for c in match.extra
    ]
    differences = []
    for c, r in match.matched:
        if (c["actor"], c["target"], c["intensity"]) != (r["actor"], r["target"], r["intensity"]):
            differences.append(
                {
                    "sentence": ctx(c)["sentence"],
                    "quote": ctx(c)["quote"],
                    "yours": describe(c, codebook),
                    "reference": describe(r, codebook),
                }
            )
    return Feedback(
        annotator=annotator,
        scores=scores,
        by_issue=by_issue,
        missed=missed,
        extra=extra,
        differences=differences,
        mode=mode,
        notes=notes,
        skipped_documents=sorted(({r["document_id"] for r in ref_all} | {r["document_id"] for r in stu_all}) - both),
    )


def check_my_work(
    annotator: str | None,
    folder: str | Path,
    *,
    reference: str | Path = "reference",
    example: str | Path | None = None,
    data: str | Path | None = None,
) -> Feedback:
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
    project = as_folder(data)
    ref = load_reference(reference, data=project)
    if annotator is None:
        if example is None:
            raise DataError.at("<check my work>", None, "annotator", "no name given yet; type your name and start")
        annotations: dict = {}
        notes = []
        mine = "You have not given your name yet"
    else:
        if msg := check_annotator(annotator):
            raise DataError.at(f"{annotator}.jsonl", None, "annotator", msg)
        state = store_at(project, folder).read(annotator)
        annotations = state.annotations
        notes = [f"Line {p.line}: {p.message}" + (f" (field '{p.field}')" if p.field else "") for p in state.problems]
        mine = f"You have no saved annotations in {annotator}.jsonl yet"
    if annotator is not None and (annotations or example is None):
        state_records = list(annotations.values())
        fb = feedback(state_records, ref, project, annotator=annotator)
        if not state_records:
            notes.insert(0, f"No saved annotations in {annotator}.jsonl yet: code some passages and run this again.")
        fb.notes[:0] = notes
        return fb
    if example is None:  # only reached with an annotator who has saved records (returned above)
        raise ValueError("example is None")
    path = Path(example)
    if not path.exists():
        path = project.root / "annotations" / str(example)
    sample = load_reference(path, data=project)
    fb = feedback(sample, ref, project, annotator=f"example coding {path.stem}")
    fb.notes[:0] = notes + [
        f"{mine}, so this is the feedback for a shipped example annotation "
        f"({path.parent.name}/{path.name}), to show what you will get. Code some passages and check again to "
        "see your own."
    ]
    return fb
