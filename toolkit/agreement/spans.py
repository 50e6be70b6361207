"""Matching a candidate's spans (a student's) against a reference's, and span scores.

Span matching
-------------
Spans of a candidate (a student) are compared with a reference, within one
document, issue and stance:

- **exact**: same ``start`` and ``end``;
- **overlap**: the two spans share at least ``min_overlap`` (default 0.5) of
  the *shorter* span's characters.

Matching is one-to-one and greedy: all admissible pairs are sorted by shared
characters (largest first), then by whether actor and target agree, then by
position, and taken in that order when neither side is used yet. Unmatched
candidate spans are *extra* (false positives), unmatched reference spans are
*missed* (false negatives). Precision = tp / (tp + fp), recall = tp / (tp + fn)
(undefined, NaN, when the denominator is 0), F1 = 2 tp / (2 tp + fp + fn).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

__all__ = ["MatchMode", "SpanMatch", "match_spans", "precision_recall_f1", "span_scores", "span_scores_by_issue"]

MatchMode = Literal["exact", "overlap"]


@dataclass(frozen=True)
class SpanMatch:
    """The outcome of matching candidate spans against reference spans.

    Attributes
    ----------
    matched : list of (dict, dict)
        (candidate record, reference record) pairs.
    extra : list of dict
        Candidate records with no reference match (false positives).
    missed : list of dict
        Reference records with no candidate match (false negatives).
    mode : {"exact", "overlap"}
    """

    matched: list[tuple[dict, dict]]
    extra: list[dict]
    missed: list[dict]
    mode: str

    @property
    def tp(self) -> int:
        return len(self.matched)

    @property
    def fp(self) -> int:
        return len(self.extra)

    @property
    def fn(self) -> int:
        return len(self.missed)


def _span_key(r: Mapping[str, Any]) -> tuple:
    return (r.get("document_id"), r.get("issue"), r.get("stance"))


def _order(r: Mapping[str, Any]) -> tuple:
    return (
        str(r.get("document_id")),
        int(r["start"]),
        int(r["end"]),
        str(r.get("issue")),
        str(r.get("stance")),
        str(r.get("actor")),
        str(r.get("target")),
        str(r.get("id")),
    )


def match_spans(
    candidate: Iterable[Mapping[str, Any]],
    reference: Iterable[Mapping[str, Any]],
    mode: MatchMode = "overlap",
    *,
    min_overlap: float = 0.5,
) -> SpanMatch:
    """Match candidate spans to reference spans one-to-one (rules in the module docstring).

    Parameters
    ----------
    candidate, reference : iterable of dict
        Annotation records (``document_id, start, end, issue, stance``; ``actor``
        and ``target`` break ties).
    mode : {"exact", "overlap"}
    min_overlap : float
        For ``overlap``: the shared characters must be at least this share of
        the shorter span (0 < min_overlap <= 1).

    Returns
    -------
    SpanMatch
        Lists in document and text order.
    """
    if mode not in ("exact", "overlap"):
        raise ValueError(f"mode {mode!r} unknown; use 'exact' or 'overlap'")
    if not 0 < min_overlap <= 1:
        raise ValueError(f"min_overlap must be in (0, 1], got {min_overlap}")
    cand = sorted((dict(r) for r in candidate), key=_order)
    ref = sorted((dict(r) for r in reference), key=_order)
    by_key: dict[tuple, list[int]] = {}
    for j, r in enumerate(ref):
        by_key.setdefault(_span_key(r), []).append(j)
    pairs = []
    for i, c in enumerate(cand):
        for j in by_key.get(_span_key(c), ()):
            r = ref[j]
            cs, ce, rs, re_ = int(c["start"]), int(c["end"]), int(r["start"]), int(r["end"])
            if mode == "exact":
                if (cs, ce) != (rs, re_):
                    continue
                shared = ce - cs
            else:
                shared = min(ce, re_) - max(cs, rs)
                if shared <= 0 or shared < min_overlap * min(ce - cs, re_ - rs):
                    continue
            same_parties = (c.get("actor"), c.get("target")) == (r.get("actor"), r.get("target"))
            pairs.append((-shared, not same_parties, abs(cs - rs) + abs(ce - re_), j, i))
    pairs.sort()
    used_c: set[int] = set()
    used_r: set[int] = set()
    matched_idx = []
    for *_, j, i in pairs:
        if i in used_c or j in used_r:
            continue
        used_c.add(i)
        used_r.add(j)
        matched_idx.append((i, j))
    matched_idx.sort(key=lambda p: (_order(ref[p[1]]), p[0]))
    return SpanMatch(
        matched=[(cand[i], ref[j]) for i, j in matched_idx],
        extra=[c for i, c in enumerate(cand) if i not in used_c],
        missed=[r for j, r in enumerate(ref) if j not in used_r],
        mode=mode,
    )


def precision_recall_f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts; NaN where a denominator is 0."""
    nan = float("nan")
    return {
        "precision": tp / (tp + fp) if tp + fp else nan,
        "recall": tp / (tp + fn) if tp + fn else nan,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
    }


def span_scores(
    candidate: Iterable[Mapping[str, Any]],
    reference: Iterable[Mapping[str, Any]],
    mode: MatchMode = "overlap",
    *,
    min_overlap: float = 0.5,
) -> dict[str, float]:
    """Precision, recall and F1 of candidate spans against a reference.

    Returns
    -------
    dict
        ``tp, fp, fn`` (int) and ``precision, recall, f1`` (float, NaN when undefined).
    """
    m = match_spans(candidate, reference, mode, min_overlap=min_overlap)
    return {"tp": m.tp, "fp": m.fp, "fn": m.fn, **precision_recall_f1(m.tp, m.fp, m.fn)}


def span_scores_by_issue(match: SpanMatch, issues: Sequence[str] | None = None) -> pd.DataFrame:
    """Per-issue precision, recall and F1 from a :class:`SpanMatch`.

    Parameters
    ----------
    match : SpanMatch
    issues : sequence of str, optional
        Rows to report, in order; default: issues present on either side, sorted.

    Returns
    -------
    pandas.DataFrame
        Columns ``issue, reference, candidate, tp, fp, fn, precision, recall, f1``.
    """
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for c, _ in match.matched:
        tp[c["issue"]] = tp.get(c["issue"], 0) + 1
    for c in match.extra:
        fp[c["issue"]] = fp.get(c["issue"], 0) + 1
    for r in match.missed:
        fn[r["issue"]] = fn.get(r["issue"], 0) + 1
    keys = list(issues) if issues is not None else sorted(set(tp) | set(fp) | set(fn))
    rows = []
    for k in keys:
        t, f, n = tp.get(k, 0), fp.get(k, 0), fn.get(k, 0)
        rows.append(
            {"issue": k, "reference": t + n, "candidate": t + f, "tp": t, "fp": f, "fn": n, **precision_recall_f1(t, f, n)}
        )
    return pd.DataFrame(rows, columns=["issue", "reference", "candidate", "tp", "fp", "fn", "precision", "recall", "f1"])
