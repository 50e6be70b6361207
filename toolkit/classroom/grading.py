"""Grades: a rubric with the instructor's weights, per-variable agreement, confusion tables, the LMS CSV.

The rubric has three parts, each between 0 and 1:

``span_f1``
    F1 of the student's passages against the key (same issue and stance,
    overlapping at least half of the shorter passage; :func:`toolkit.agreement.match_spans`).
``agreement``
    On the passages where student and key marked the same text (whatever they
    coded; same overlap rule), the share that agree, averaged over stance,
    issue, actor, target and intensity. Each variable's share is a column too.
``coverage``
    The share of the key's passages the student coded anything on.

``score`` is the weighted mean of the three, times 100. A part that cannot be
computed (no passage on either side) counts 0. Only the articles assigned to
each student are graded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from toolkit.agreement import match_spans, span_scores
from toolkit.classroom.collection import ClassFiles, is_reference
from toolkit.classroom.course import DEFAULT_WEIGHTS, Assignment
from toolkit.records.record import CODES

__all__ = [
    "VARIABLES",
    "GRADE_COLUMNS",
    "pair_by_position",
    "variable_agreement",
    "coverage",
    "confusion",
    "grade_student",
    "grade_table",
    "confusion_long",
]

VARIABLES: tuple[str, ...] = CODES
GRADE_COLUMNS: list[str] = [
    "student",
    "group",
    "articles",
    "passages",
    "span_f1",
    "coverage",
    *[f"agree_{v}" for v in VARIABLES],
    "agreement",
    "score",
    "checks",
]


def pair_by_position(
    student: Sequence[Mapping[str, Any]], key: Sequence[Mapping[str, Any]], min_overlap: float = 0.5
) -> list[tuple[dict, dict]]:
    """(student record, key record) pairs that mark the same text, whatever they coded.

    The matching is :func:`toolkit.agreement.match_spans` with issue and stance
    hidden, so one rule decides what "the same passage" means everywhere.
    """

    def blind(rows):
        return [{**r, "issue": "*", "stance": "*", "_codes": dict(r)} for r in rows]

    m = match_spans(blind(student), blind(key), "overlap", min_overlap=min_overlap)
    return [(c["_codes"], r["_codes"]) for c, r in m.matched]


def variable_agreement(pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> dict[str, float]:
    """Share of ``pairs`` agreeing on each of :data:`VARIABLES` (NaN with no pairs)."""
    if not pairs:
        return {v: math.nan for v in VARIABLES}
    return {v: sum(s.get(v) == k.get(v) for s, k in pairs) / len(pairs) for v in VARIABLES}


def coverage(student: Sequence[Mapping[str, Any]], key: Sequence[Mapping[str, Any]]) -> float:
    """Share of ``key`` passages that any student passage overlaps (NaN for an empty key)."""
    if not key:
        return math.nan
    hit = sum(
        any(s["document_id"] == k["document_id"] and min(s["end"], k["end"]) > max(s["start"], k["start"]) for s in student)
        for k in key
    )
    return hit / len(key)


def confusion(pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]], variable: str) -> pd.DataFrame:
    """Key value (rows) by student value (columns) on paired passages.

    ``variable`` is ``actor``, ``target``, ``stance``, ``issue``,
    ``intensity`` or ``direction`` (``actor → target``).
    """

    def value(r):
        return f"{r['actor']} → {r['target']}" if variable == "direction" else r[variable]

    if variable != "direction" and variable not in VARIABLES:
        raise ValueError(f"variable={variable!r}: use direction or one of {', '.join(VARIABLES)}")
    rows = [(value(k), value(s)) for s, k in pairs]
    frame = pd.DataFrame(rows, columns=["key", "student"])
    return pd.crosstab(frame["key"], frame["student"]) if rows else pd.DataFrame()


def _weighted(parts: Mapping[str, float], weights: Mapping[str, float]) -> float:
    total = sum(weights.values())
    return 100 * sum(w * (0.0 if math.isnan(parts[k]) else parts[k]) for k, w in weights.items()) / total


def grade_student(
    records: Sequence[Mapping[str, Any]], key: Sequence[Mapping[str, Any]], weights: Mapping[str, float] = DEFAULT_WEIGHTS
) -> dict[str, float]:
    """The rubric for one student's ``records`` against ``key`` (both limited to the same articles)."""
    pairs = pair_by_position(records, key)
    agree = variable_agreement(pairs)
    parts = {
        "span_f1": span_scores(records, key, "overlap")["f1"],
        "coverage": coverage(records, key),
        "agreement": math.nan if not pairs else sum(agree.values()) / len(agree),
    }
    return {**parts, **{f"agree_{v}": x for v, x in agree.items()}, "score": _weighted(parts, weights)}


def grade_table(
    files: ClassFiles, key: Sequence[Mapping[str, Any]], assignment: Assignment, checks: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """One row per student with :data:`GRADE_COLUMNS`, sorted by student (the key's own file, if collected, is left out)."""
    rows = []
    for name in files.annotators:
        if is_reference(name, files, key):
            continue
        articles = assignment.articles_for(name)
        mine = [r for r in files.records[name] if r["document_id"] in articles]
        k = [r for r in key if r["document_id"] in articles]
        g = grade_student(mine, k, assignment.weights)
        rows.append(
            {
                "student": name,
                "group": assignment.group_of(name) or "",
                "articles": " ".join(articles),
                "passages": len(mine),
                **g,
                "checks": int((checks or {}).get(name, 0)),
            }
        )
    out = pd.DataFrame(rows, columns=GRADE_COLUMNS)
    return out.round({c: 3 for c in GRADE_COLUMNS if c.startswith(("span", "cov", "agree"))}).round({"score": 1})


def confusion_long(
    files: ClassFiles, key: Sequence[Mapping[str, Any]], assignment: Assignment, variables: Sequence[str] = ("actor", "direction")
) -> pd.DataFrame:
    """Every student's confusion tables in long form: ``student, variable, key, student_value, passages``."""
    rows = []
    for name in files.annotators:
        articles = assignment.articles_for(name)
        pairs = pair_by_position(
            [r for r in files.records[name] if r["document_id"] in articles], [r for r in key if r["document_id"] in articles]
        )
        for var in variables:
            table = confusion(pairs, var)
            for kv in table.index:
                for sv in table.columns:
                    if table.loc[kv, sv]:
                        rows.append(
                            {"student": name, "variable": var, "key": kv, "student_value": sv, "passages": int(table.loc[kv, sv])}
                        )
    return pd.DataFrame(rows, columns=["student", "variable", "key", "student_value", "passages"])
