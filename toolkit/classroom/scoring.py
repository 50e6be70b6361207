"""Scoring a class against the reference: the feedback table, the class view, the class ledger and balance.

Each student's feedback is :mod:`.student_feedback` (its names are re-exported
here); this module puts the students side by side, measures the class's
agreement, and sets the class's picture of each summit beside the reference's.
How the results are shown is :mod:`toolkit.classroom.presentation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from toolkit.agreement import AgreementError, AgreementReport, agreement_report
from toolkit.classroom.collection import ClassFiles, is_reference
from toolkit.classroom.student_feedback import CONTEXT as CONTEXT  # re-exported: the old home of the context width
from toolkit.classroom.student_feedback import Feedback, check_my_work, describe, feedback

__all__ = [
    "Feedback",
    "feedback",
    "check_my_work",
    "feedback_table",
    "ClassView",
    "class_view",
    "class_ledger",
    "balance_comparison",
    "describe",
]


def feedback_table(files: ClassFiles, reference: Sequence[Mapping[str, Any]], *, exclude: Iterable[str] = ()) -> pd.DataFrame:
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
    not_compared: dict[str, list[str]] = {}
    for name in files.annotators:
        if name in skip or is_reference(name, files, reference):
            continue
        fb = feedback(files.records[name], reference, files.project, annotator=name)
        if fb.skipped_documents:
            not_compared[name] = fb.skipped_documents
        o, x = (SimpleNamespace(**{str(k): v for k, v in fb.scores.loc[m].items()}) for m in ("overlap", "exact"))
        rows.append(
            {
                "annotator": name,
                "spans": int(o.tp + o.fp),
                "found": int(o.tp),
                "missed": int(o.fn),
                "extra": int(o.fp),
                "precision": o.precision,
                "recall": o.recall,
                "f1": o.f1,
                "exact_f1": x.f1,
                "differences": len(fb.differences),
            }
        )
    table = pd.DataFrame(
        rows, columns=["annotator", "spans", "found", "missed", "extra", "precision", "recall", "f1", "exact_f1", "differences"]
    )
    table.attrs["not_compared"] = not_compared
    return table


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
        from toolkit.classroom.presentation import class_view_text

        return class_view_text(self, top)


def class_view(
    files: ClassFiles,
    *,
    reference: Sequence[Mapping[str, Any]] | None = None,
    issues: Sequence[str] | None = None,
    source: str = "class",
) -> ClassView:
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
        msg = exc.summary + (f"; files not used: {'; '.join(bad)}" if bad else "")
        raise AgreementError(msg, source, reason=exc.reason, advice=exc.advice) from None
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
    from toolkit.ledger.build import build_ledger

    rows = [
        {**r, "set": "class"}
        for name in files.annotators
        if not is_reference(name, files, reference)
        for r in files.records[name]
    ]
    rows += [{**r, "set": "reference"} for r in reference]
    return build_ledger(rows, files.codebook, dict(files.summits))


def balance_comparison(
    files: ClassFiles, reference: Sequence[Mapping[str, Any]], *, weight: str = "count", n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
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
    from toolkit.measures.balance import balance_table

    ledger = class_ledger(files, reference)
    keys = ["summit_order", "summit_label", "issue", "issue_label"]
    sides = {}
    for group in ("reference", "class"):
        t = balance_table(ledger, by="issue", sets=group, weight=weight, n_boot=n_boot, seed=seed)  # type: ignore[arg-type]
        sides[group] = t.set_index(keys)
    students = ledger[ledger["set"] == "class"].groupby(["summit_label", "issue"])["annotator"].nunique()
    out = pd.DataFrame(
        {
            "reference_n": sides["reference"]["n"],
            "reference_balance": sides["reference"]["balance"],
            "class_n": sides["class"]["n"],
            "class_balance": sides["class"]["balance"],
            "class_ci_low": sides["class"]["ci_low"],
            "class_ci_high": sides["class"]["ci_high"],
        }
    ).reset_index()
    out = out[(out.reference_n > 0) | (out.class_n > 0)]
    out.insert(
        list(out.columns).index("class_balance"),
        "class_students",
        [int(students.get((s, i), 0)) for s, i in zip(out.summit_label, out.issue)],
    )
    out = out.sort_values(["summit_order", "issue_label"], kind="stable").drop(columns="summit_order")
    return out.reset_index(drop=True)
