"""Agreement between annotators: reliability coefficients and span matching.

This module turns annotation records into *units* and measures how far
annotators agree on them. It is part of the core: it needs numpy, pandas and
the ``krippendorff`` package, never altair or ipywidgets.

Units
-----
A unit is one sentence segment (:func:`toolkit.corpus.segment`) crossed with
one issue of the codebook. An annotator's **value** for a unit is the stance of
the spans that annotator coded for that issue and that overlap the sentence by
at least one character:

- ``"none"`` when the annotator coded no such span;
- ``"grievance"`` or ``"goodwill"`` when every such span has that stance;
- ``"both"`` when the annotator gave the same sentence and issue a grievance
  *and* a goodwill span. ``"both"`` is a category of its own, distinct from
  either stance: a mixed reading is recorded as such, not resolved by majority
  (counts of spans are not votes) nor dropped.

A span that runs across two sentences counts in both. Records whose
``status`` is not ``anchored`` are left out (their offsets cannot be trusted).

An annotator counts as having coded a document when at least one of their
records is on it; for documents they did not touch, their values are missing
(not ``"none"``), so an annotator who skipped an article does not agree with
everybody that it holds nothing. Pass ``coverage`` to say explicitly which
documents each annotator read (for instance a student who found nothing).

The **intensity** of a unit for an annotator is the highest intensity among
those spans, and is missing when the value is ``"none"``: ordinal α on
intensity measures agreement on strength *among the coders who coded the
unit*, not on presence.

Coefficients
------------
- Krippendorff's α through the ``krippendorff`` package, always with an
  explicit ``level_of_measurement`` (the package's default is ``interval``):
  nominal for stance values, ordinal for intensity.
- Cohen's κ for two coders, ``(p_o - p_e) / (1 - p_e)`` with the chance term
  ``p_e = Σ_k p_row(k) · p_col(k)`` summed over every category (not the
  product of two proportions, a known mistake in one annotation tool).
- Fleiss' κ for a fixed number of raters per subject.

Degenerate input (one coder, no unit coded by two coders, a single value in
the data) raises :class:`AgreementError` with what to do, instead of returning
a meaningless number.

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

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import DataError, Problem

__all__ = [
    "AgreementError", "Level", "MatchMode", "PairMetric", "NONE", "BOTH", "STANCE_VALUES",
    "krippendorff_alpha", "cohen_kappa", "cohen_kappa_table", "fleiss_kappa", "fleiss_counts",
    "percent_agreement", "UnitTable", "build_units", "unit_alpha", "pairwise_matrix",
    "alpha_breakdown", "unit_disagreement", "sentence_disagreement",
    "SpanMatch", "match_spans", "span_scores", "span_scores_by_issue",
    "AgreementReport", "agreement_report", "interpret_alpha",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
MatchMode = Literal["exact", "overlap"]
PairMetric = Literal["cohen", "alpha", "percent"]

NONE = "none"
BOTH = "both"
#: The values a stance unit can take, in a fixed order (used as the value domain).
STANCE_VALUES: tuple[str, ...] = (NONE, "grievance", "goodwill", BOTH)

#: Conventional thresholds for α (Krippendorff 2004, section 11.4).
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667


class AgreementError(DataError):
    """Agreement cannot be computed on this input; the message says what to do.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    source : str
        What the input was (a folder, ``"reliability data"``...).
    """

    def __init__(self, message: str, source: str = "<agreement input>") -> None:
        super().__init__(Problem(source, None, None, message))


# --------------------------------------------------------------------------- coefficients
def _as_matrix(data: Any) -> np.ndarray:
    """Coders x units as an object array, with None for missing."""
    if isinstance(data, pd.DataFrame):
        # rows are units, columns are coders
        arr = data.T.to_numpy(dtype=object)
    else:
        arr = np.asarray(data, dtype=object)
    if arr.ndim != 2:
        raise AgreementError(f"reliability data must be 2-D (coders x units), got {arr.ndim}-D", "reliability data")
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = None if _missing(v) else v
    return out


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v in ("", "nan")


def krippendorff_alpha(data: Any, level: Level, value_domain: "Sequence[Any] | None" = None,
                       *, source: str = "reliability data") -> float:
    """Krippendorff's α, computed by the ``krippendorff`` package.

    Parameters
    ----------
    data : array-like of shape (coders, units), or DataFrame of shape (units, coders)
        Values (numbers or category labels); missing values are ``None``,
        ``NaN`` or ``pd.NA``. A DataFrame is read with one row per unit and one
        column per coder, the layout of :attr:`UnitTable.stance`.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement. Always explicit: the package defaults to interval.
    value_domain : sequence, optional
        The possible values, **in order** for ordinal data. Required for
        ordinal data given as labels; numbers are ordered by value.
    source : str
        Named in error messages.

    Returns
    -------
    float

    Raises
    ------
    AgreementError
        Fewer than two coders; no unit with values from two coders; only one
        distinct value among the units that two coders valued (α is then 0/0).
    """
    import krippendorff

    if level not in ("nominal", "ordinal", "interval", "ratio"):
        raise AgreementError(f"level {level!r} unknown; use nominal, ordinal, interval or ratio", source)
    mat = _as_matrix(data)
    n_coders = int(sum(any(v is not None for v in row) for row in mat))
    if n_coders < 2:
        raise AgreementError(f"{n_coders} coder{'s' * (n_coders != 1)} with values; agreement needs at least two — "
                             "add a second annotator's file", source)
    present = np.array([[v is not None for v in row] for row in mat]).reshape(mat.shape)
    pairable = present.sum(axis=0) >= 2
    if not pairable.any():
        raise AgreementError("no unit was coded by two coders, so there is nothing to compare — check that the "
                             "annotators coded the same document(s)", source)
    seen = {v for v in mat[:, pairable].ravel() if v is not None}
    if len(seen) < 2:
        only = next(iter(seen))
        raise AgreementError(f"every value the coders gave is {only!r}; with one category α is undefined (0/0) — "
                             "agreement needs data in which at least two values occur", source)
    if value_domain is None:
        numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                      for v in mat.ravel() if v is not None)
        if not numeric and level != "nominal":
            raise AgreementError(f"{level} α on labels needs value_domain in order (e.g. ['low', 'mid', 'high'])",
                                 source)
        domain = sorted({v for v in mat.ravel() if v is not None}, key=lambda x: (str(type(x)), x))
    else:
        domain = list(value_domain)
        unknown = {v for v in mat.ravel() if v is not None} - set(domain)
        if unknown:
            raise AgreementError(f"values {sorted(map(str, unknown))} are not in value_domain {domain}", source)
    if level == "nominal" or not all(isinstance(v, (int, float, np.integer, np.floating)) for v in domain):
        # labels -> their rank in the domain (ordinal distances depend only on ranks and counts)
        code = {v: float(i) for i, v in enumerate(domain)}
        num = np.array([[np.nan if v is None else code[v] for v in row] for row in mat], dtype=float)
        dom = np.arange(len(domain), dtype=float)
    else:
        num = np.array([[np.nan if v is None else float(v) for v in row] for row in mat], dtype=float)
        dom = np.asarray(domain, dtype=float)
    return float(krippendorff.alpha(reliability_data=num, value_domain=dom, level_of_measurement=level))


def _alpha_codes(codes: np.ndarray, n_values: int, level: Level, source: str) -> float:
    """α on an integer-coded matrix (coders x units, -1 = missing); fast path for unit tables."""
    import krippendorff

    present = codes >= 0
    if int(present.any(axis=1).sum()) < 2:
        raise AgreementError("fewer than two coders with values; agreement needs at least two — "
                             "add a second annotator's file", source)
    pairable = present.sum(axis=0) >= 2
    if not pairable.any():
        raise AgreementError("no unit was coded by two coders, so there is nothing to compare — check that the "
                             "annotators coded the same document(s)", source)
    used = np.unique(codes[:, pairable][present[:, pairable]])
    if used.size < 2:
        raise AgreementError("every value the coders gave is the same; with one category α is undefined (0/0) — "
                             "agreement needs data in which at least two values occur", source)
    counts = np.zeros((codes.shape[1], n_values), dtype=float)
    for k in range(n_values):
        counts[:, k] = (codes == k).sum(axis=0)
    return float(krippendorff.alpha(value_counts=counts, value_domain=np.arange(n_values, dtype=float),
                                    level_of_measurement=level))


def cohen_kappa_table(table: Any, *, source: str = "confusion table") -> float:
    """Cohen's κ from a square confusion table.

    Parameters
    ----------
    table : array-like of shape (k, k)
        ``table[i][j]`` = number of items coder 1 put in category i and coder 2
        in category j.

    Returns
    -------
    float
        ``(p_o - p_e) / (1 - p_e)`` with ``p_e = Σ_k row_k · col_k / n²``.

    Raises
    ------
    AgreementError
        Not square, negative, empty, or ``p_e = 1`` (both coders used one and
        the same category only: κ is 0/0).
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise AgreementError(f"the confusion table must be square, got shape {t.shape}", source)
    if (t < 0).any():
        raise AgreementError("the confusion table has negative counts", source)
    n = t.sum()
    if n == 0:
        raise AgreementError("the confusion table is empty: the two coders share no coded item", source)
    p_o = np.trace(t) / n
    p_e = float((t.sum(axis=1) * t.sum(axis=0)).sum() / (n * n))
    if math.isclose(p_e, 1.0):
        raise AgreementError("both coders used a single, identical category for every item; κ is undefined (0/0)",
                             source)
    return float((p_o - p_e) / (1.0 - p_e))


def cohen_kappa(a: Sequence[Any], b: Sequence[Any], *, source: str = "two coders") -> float:
    """Cohen's κ between two coders' labels for the same items.

    Items where either label is missing (None, NaN) are left out.

    Parameters
    ----------
    a, b : sequence of hashable, same length
        The two coders' labels, item by item.

    Raises
    ------
    AgreementError
        Different lengths, no item labelled by both, or a single shared category.
    """
    if len(a) != len(b):
        raise AgreementError(f"the two coders have {len(a)} and {len(b)} labels; give one label per item each",
                             source)
    pairs = [(x, y) for x, y in zip(a, b) if not _missing(x) and not _missing(y)]
    if not pairs:
        raise AgreementError("no item was labelled by both coders", source)
    cats = sorted({v for p in pairs for v in p}, key=str)
    idx = {c: i for i, c in enumerate(cats)}
    t = np.zeros((len(cats), len(cats)))
    for x, y in pairs:
        t[idx[x], idx[y]] += 1
    return cohen_kappa_table(t, source=source)


def fleiss_counts(ratings: Any, categories: "Sequence[Any] | None" = None) -> tuple[np.ndarray, list]:
    """Turn a subjects x raters matrix of labels into a subjects x categories count table.

    Returns
    -------
    counts : ndarray of shape (subjects, categories)
    categories : list
        The column order (sorted labels unless given).
    """
    arr = np.asarray(ratings, dtype=object)
    if arr.ndim != 2:
        raise AgreementError(f"ratings must be 2-D (subjects x raters), got {arr.ndim}-D", "ratings")
    cats = list(categories) if categories is not None else sorted({v for v in arr.ravel() if not _missing(v)}, key=str)
    idx = {c: i for i, c in enumerate(cats)}
    counts = np.zeros((arr.shape[0], len(cats)), dtype=float)
    for (i, _), v in np.ndenumerate(arr):
        if _missing(v):
            continue
        if v not in idx:
            raise AgreementError(f"rating {v!r} is not among the categories {cats}", "ratings")
        counts[i, idx[v]] += 1
    return counts, cats


def fleiss_kappa(counts: Any, *, source: str = "count table") -> float:
    """Fleiss' κ for a fixed panel: every subject rated by the same number of raters.

    Parameters
    ----------
    counts : array-like of shape (subjects, categories)
        ``counts[i][j]`` = raters who put subject i in category j (see
        :func:`fleiss_counts`).

    Raises
    ------
    AgreementError
        Raters per subject differ (use Krippendorff's α, which allows missing
        values), fewer than two raters, or a single category (κ is 0/0).
    """
    c = np.asarray(counts, dtype=float)
    if c.ndim != 2 or c.shape[0] == 0:
        raise AgreementError(f"the count table must be 2-D and non-empty, got shape {c.shape}", source)
    per = c.sum(axis=1)
    if not np.allclose(per, per[0]):
        raise AgreementError(f"subjects have between {per.min():g} and {per.max():g} ratings; Fleiss' κ needs the same "
                             "number for every subject — use krippendorff_alpha, which allows missing values", source)
    n = per[0]
    if n < 2:
        raise AgreementError("each subject has fewer than two ratings; agreement needs at least two raters", source)
    p_j = c.sum(axis=0) / c.sum()
    p_i = ((c * c).sum(axis=1) - n) / (n * (n - 1))
    p_bar = p_i.mean()
    p_e = float((p_j * p_j).sum())
    if math.isclose(p_e, 1.0):
        raise AgreementError("every rating is the same category; κ is undefined (0/0)", source)
    return float((p_bar - p_e) / (1.0 - p_e))


def percent_agreement(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Share of items (labelled by both) on which two coders give the same label; NaN if none."""
    pairs = [(x, y) for x, y in zip(a, b) if not _missing(x) and not _missing(y)]
    if not pairs:
        return float("nan")
    return sum(x == y for x, y in pairs) / len(pairs)


def interpret_alpha(value: float) -> str:
    """Krippendorff's conventional reading of an α value (a convention, not a test).

    Returns one of ``"reliable (α ≥ 0.8)"``, ``"tentative (0.667 ≤ α < 0.8)"``,
    ``"unreliable (α < 0.667)"`` or ``"undefined"``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    if value >= ALPHA_RELIABLE:
        return "reliable (α ≥ 0.8)"
    if value >= ALPHA_TENTATIVE:
        return "tentative (0.667 ≤ α < 0.8)"
    return "unreliable (α < 0.667)"


# --------------------------------------------------------------------------- units
@dataclass(frozen=True)
class UnitTable:
    """Sentence x issue units and every annotator's value for each.

    Attributes
    ----------
    stance : pandas.DataFrame
        Index ``(document_id, segment, issue)`` (one row per unit), one column
        per annotator (sorted); values are ``"none"``, ``"grievance"``,
        ``"goodwill"``, ``"both"``, or missing (None: the annotator did not
        code the document).
    intensity : pandas.DataFrame
        Same shape; the highest intensity (float 1-3) of the annotator's spans
        on the unit, NaN where the stance value is ``"none"`` or missing.
    segments : pandas.DataFrame
        One row per sentence: ``document_id, segment, start, end, text``.
    skipped : int
        Records left out (not anchored, unknown document or issue, unknown
        stance, or offsets outside every sentence).
    stance_codes : numpy.ndarray or None
        The stance values as integer codes, shape (annotators, units): the
        index into :data:`STANCE_VALUES`, -1 for missing. Derived from
        ``stance`` when not given.
    """

    stance: pd.DataFrame
    intensity: pd.DataFrame
    segments: pd.DataFrame
    skipped: int = 0
    stance_codes: "np.ndarray | None" = None

    @property
    def annotators(self) -> list[str]:
        return list(self.stance.columns)

    def codes(self) -> np.ndarray:
        """Stance values as integer codes, shape (annotators, units); -1 = missing."""
        if self.stance_codes is not None:
            return self.stance_codes
        return _stance_codes(self.stance)


def _stance_codes(frame: pd.DataFrame) -> np.ndarray:
    arr = frame.to_numpy(dtype=object).T
    out = np.full(arr.shape, -1, dtype=np.int64)
    for i, v in enumerate(STANCE_VALUES):
        out[arr == v] = i
    return out


# Stance bit flags: OR-ing them gives the index into STANCE_VALUES (none 0, grievance 1, goodwill 2, both 3).
_STANCE_BIT = {"grievance": 1, "goodwill": 2}
assert all(STANCE_VALUES[bit] == name for name, bit in _STANCE_BIT.items()) and STANCE_VALUES[3] == BOTH


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def build_units(records: "Iterable[Mapping[str, Any]] | pd.DataFrame", documents: Mapping[str, Any], issues: Sequence[str], *,
                annotators: "Sequence[str] | None" = None,
                coverage: "Mapping[str, Iterable[str]] | None" = None) -> UnitTable:
    """Build the sentence x issue unit table from annotation records.

    Parameters
    ----------
    records : iterable of dict, or pandas.DataFrame
        Live annotation records (fields ``document_id, start, end, issue,
        stance, intensity, annotator, status``), or a ledger
        (:func:`toolkit.ledger.load_ledger`), whose ``span`` rows are used.
    documents : mapping of str to Document
        Every document the records refer to (segmented with
        :func:`toolkit.corpus.segment`).
    issues : sequence of str
        The issues that make units, usually ``list(codebook.issues)``. Records
        on other issues are counted in ``skipped``.
    annotators : sequence of str, optional
        Columns to include, in order (also annotators with no record at all);
        default: every annotator in ``records``, sorted.
    coverage : mapping of str to iterable of str, optional
        Documents each annotator coded. Default: the documents on which the
        annotator has at least one record.

    Returns
    -------
    UnitTable
        ``len(segments) * len(issues)`` units per covered document, in
        document, sentence, issue order.
    """
    from .corpus import segment

    if isinstance(records, pd.DataFrame):
        rows = records[records["evidence"] == "span"] if "evidence" in records.columns else records
        records = rows.to_dict("records")
    issue_pos = {iss: i for i, iss in enumerate(issues)}
    kept: list[Mapping[str, Any]] = []
    skipped = 0
    for rec in records:
        if rec.get("status", "anchored") != "anchored" or rec.get("document_id") not in documents \
                or rec.get("issue") not in issue_pos or rec.get("stance") not in _STANCE_BIT:
            skipped += 1
            continue
        kept.append(rec)
    names = sorted({str(r["annotator"]) for r in kept}) if annotators is None else list(annotators)
    name_pos = {a: i for i, a in enumerate(names)}
    if coverage is None:
        cover: dict[str, set[str]] = {a: set() for a in names}
        for r in kept:
            if str(r["annotator"]) in cover:
                cover[str(r["annotator"])].add(r["document_id"])
    else:
        cover = {a: set(coverage.get(a, ())) for a in names}
    doc_ids = sorted(d for d in {d for a in names for d in cover[a]} if d in documents)
    n_iss = len(issues)
    seg_rows = []
    offset: dict[str, int] = {}
    bounds: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    n_units = 0
    for d in doc_ids:
        segs = segment(documents[d])
        offset[d] = n_units
        bounds[d] = (np.array([s.start for s in segs], dtype=np.int64), np.array([s.end for s in segs], dtype=np.int64))
        n_units += len(segs) * n_iss
        seg_rows.extend((d, s.index, s.start, s.end, s.text) for s in segs)
    bits = np.full((len(names), n_units), -1, dtype=np.int64)
    for a in names:
        for d in cover[a]:
            if d in offset:
                bits[name_pos[a], offset[d]:offset[d] + len(bounds[d][0]) * n_iss] = 0  # read: "none" by default
    inten = np.full((len(names), n_units), np.nan)
    # records -> (annotator row, unit column) pairs, vectorised per document
    by_doc: dict[str, list[Mapping[str, Any]]] = {}
    for r in kept:
        a = str(r["annotator"])
        if a in name_pos and r["document_id"] in offset and r["document_id"] in cover[a]:
            by_doc.setdefault(r["document_id"], []).append(r)
        else:
            skipped += 1
    for d, recs in by_doc.items():
        starts, ends = bounds[d]
        lo = np.array([int(r["start"]) for r in recs], dtype=np.int64)
        hi = np.array([int(r["end"]) for r in recs], dtype=np.int64)
        row = np.array([name_pos[str(r["annotator"])] for r in recs], dtype=np.int64)
        iss = np.array([issue_pos[r["issue"]] for r in recs], dtype=np.int64)
        bit = np.array([_STANCE_BIT[r["stance"]] for r in recs], dtype=np.int64)
        val = np.array([_number(r.get("intensity")) for r in recs])
        # sentences overlapping [lo, hi): those with end > lo and start < hi
        first = np.searchsorted(ends, lo, side="right")
        last = np.searchsorted(starts, hi, side="left")
        count = np.maximum(last - first, 0)
        skipped += int((count == 0).sum())
        rep = np.repeat(np.arange(len(recs)), count)
        seg_i = first[rep] + (np.arange(rep.size) - np.repeat(np.cumsum(count) - count, count))
        cols = offset[d] + seg_i * n_iss + iss[rep]
        rows = row[rep]
        np.bitwise_or.at(bits, (rows, cols), bit[rep])
        np.fmax.at(inten, (rows, cols), val[rep])
    index = pd.MultiIndex.from_arrays(
        [np.repeat(np.array(doc_ids, dtype=object), [len(bounds[d][0]) * n_iss for d in doc_ids]),
         np.concatenate([np.repeat(np.arange(len(bounds[d][0])), n_iss) for d in doc_ids]) if doc_ids
         else np.array([], dtype=np.int64),
         np.tile(np.array(list(issues), dtype=object), n_units // n_iss if n_iss else 0)],
        names=["document_id", "segment", "issue"])
    labels = np.array((None,) + STANCE_VALUES, dtype=object)
    columns = pd.Index(names, name="annotator", dtype=object)
    stance = pd.DataFrame(labels[bits.T + 1], index=index, columns=columns, dtype=object)
    inten[bits <= 0] = np.nan
    intensity = pd.DataFrame(inten.T, index=index, columns=columns)
    segments = pd.DataFrame(seg_rows, columns=["document_id", "segment", "start", "end", "text"])
    return UnitTable(stance=stance, intensity=intensity, segments=segments, skipped=skipped, stance_codes=bits)


def unit_alpha(units: UnitTable, what: Literal["stance", "intensity"] = "stance", *,
               source: str = "unit table") -> float:
    """Krippendorff's α over a unit table.

    Parameters
    ----------
    units : UnitTable
    what : {"stance", "intensity"}
        ``stance``: nominal α on the four values none/grievance/goodwill/both;
        ``intensity``: ordinal α on intensity 1-3, among coders who coded the unit.

    Raises
    ------
    AgreementError
        See :func:`krippendorff_alpha`.
    """
    if what == "stance":
        return _alpha_codes(units.codes(), len(STANCE_VALUES), "nominal", source)
    if what == "intensity":
        arr = units.intensity.to_numpy(dtype=float).T
        codes = np.where(np.isnan(arr), -1, arr - 1).astype(np.int64)
        return _alpha_codes(codes, 3, "ordinal", source + " (intensity)")
    raise AgreementError(f"what={what!r} unknown; use 'stance' or 'intensity'", source)


def pairwise_matrix(units: UnitTable, metric: PairMetric = "cohen") -> pd.DataFrame:
    """Agreement of every pair of annotators on the units both coded.

    Parameters
    ----------
    units : UnitTable
    metric : {"cohen", "alpha", "percent"}
        Cohen's κ, nominal Krippendorff's α for the pair, or percent agreement.

    Returns
    -------
    pandas.DataFrame
        Square, annotators x annotators, symmetric, 1.0 on the diagonal; NaN
        where the pair shares no unit or the coefficient is undefined.
    """
    if metric not in ("cohen", "alpha", "percent"):
        raise AgreementError(f"metric {metric!r} unknown; use 'cohen', 'alpha' or 'percent'")
    names = units.annotators
    codes = units.codes()
    out = np.full((len(names), len(names)), np.nan)
    for i in range(len(names)):
        out[i, i] = 1.0
    for i, j in itertools.combinations(range(len(names)), 2):
        both = (codes[i] >= 0) & (codes[j] >= 0)
        a, b = codes[i][both], codes[j][both]
        if a.size == 0:
            continue
        try:
            if metric == "percent":
                v = float((a == b).mean())
            elif metric == "cohen":
                k = len(STANCE_VALUES)
                v = cohen_kappa_table(np.bincount(a * k + b, minlength=k * k).reshape(k, k))
            else:
                v = _alpha_codes(np.vstack([a, b]), len(STANCE_VALUES), "nominal", "pair")
        except AgreementError:
            v = float("nan")
        out[i, j] = out[j, i] = v
    return pd.DataFrame(out, index=pd.Index(names, name="annotator"), columns=pd.Index(names, name="annotator"))


def alpha_breakdown(units: UnitTable, by: Literal["issue", "document_id"] = "issue") -> pd.DataFrame:
    """Nominal α on stance values for each issue or each document.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by>, alpha, units, coded, note``: ``units`` is the number of
        units, ``coded`` how many of them at least one annotator gave a value
        other than "none"; ``alpha`` is NaN and ``note`` says why when α is
        undefined there (e.g. nobody used the issue).
    """
    if by not in ("issue", "document_id"):
        raise AgreementError(f"by={by!r} unknown; use 'issue' or 'document_id'")
    keys = units.stance.index.get_level_values(by)
    codes = units.codes()
    rows = []
    for key in pd.unique(keys):
        mask = np.asarray(keys == key)
        sub = codes[:, mask]
        coded = int(((sub > 0).any(axis=0)).sum())
        try:
            a, note = _alpha_codes(sub, len(STANCE_VALUES), "nominal", str(key)), ""
        except AgreementError as exc:
            a, note = float("nan"), exc.problems[0].message.split(" — ")[0]
        rows.append({by: key, "alpha": a, "units": int(mask.sum()), "coded": coded, "note": note})
    return pd.DataFrame(rows, columns=[by, "alpha", "units", "coded", "note"])


def unit_disagreement(codes: np.ndarray) -> np.ndarray:
    """Per unit, the chance that two different coders drawn at random give different values.

    Parameters
    ----------
    codes : ndarray of shape (coders, units)
        Integer codes, -1 for missing.

    Returns
    -------
    ndarray of shape (units,)
        ``1 - Σ_c n_c (n_c - 1) / (m (m - 1))`` with m the coders who valued
        the unit; NaN where m < 2.
    """
    m = (codes >= 0).sum(axis=0).astype(float)
    same = np.zeros(codes.shape[1])
    for k in range(int(codes.max(initial=-1)) + 1):
        n_k = (codes == k).sum(axis=0).astype(float)
        same += n_k * (n_k - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = 1.0 - same / (m * (m - 1))
    d[m < 2] = np.nan
    return d


def sentence_disagreement(units: UnitTable, *, with_intensity: bool = True) -> pd.DataFrame:
    """Sentences ranked by how much the annotators disagreed on them.

    For each unit, :func:`unit_disagreement` gives the chance that two
    annotators drawn at random give it different values. With
    ``with_intensity`` a value is the stance *and*, when coded, the intensity
    (so "grievance at 1" and "grievance at 2" differ); otherwise the stance
    alone. A sentence's score is the sum over its issues: the expected number
    of issues on which two annotators drawn at random code that sentence
    differently.

    Returns
    -------
    pandas.DataFrame
        One row per sentence, highest ``disagreement`` first (ties: document,
        sentence order). Columns ``document_id, segment, start, end, text,
        disagreement, stance_disagreement, coders, detail``:
        ``stance_disagreement`` is the score on stance alone; ``coders`` the
        annotators who coded the sentence's document; ``detail`` lists, for
        each issue in dispute, how many annotators gave each value, e.g.
        ``"nato-expansion: 2 × grievance, 1 × none"`` (intensities shown
        only where they differ).
    """
    codes = units.codes()
    inten = np.nan_to_num(units.intensity.to_numpy(dtype=float).T, nan=0.0).astype(np.int64)
    combined = np.where(codes >= 0, codes * 4 + (inten if with_intensity else 0), -1)
    d = unit_disagreement(combined)
    d_stance = unit_disagreement(codes)
    idx = units.stance.index
    frame = pd.DataFrame({"document_id": idx.get_level_values("document_id"),
                          "segment": idx.get_level_values("segment"),
                          "issue": idx.get_level_values("issue"), "d": d, "ds": d_stance,
                          "m": (codes >= 0).sum(axis=0)})
    details: dict[tuple[str, int], list[str]] = {}
    for u in np.flatnonzero(np.nan_to_num(d) > 0):
        present = combined[:, u] >= 0
        vals, counts = np.unique(combined[present, u], return_counts=True)
        show_i = len({int(v) % 4 for v in vals if v // 4 > 0}) > 1
        order = sorted(zip(vals.tolist(), counts.tolist()), key=lambda vc: (-vc[1], vc[0]))
        parts = []
        for v, c in order:
            label = STANCE_VALUES[v // 4]
            if show_i and v // 4 > 0:
                label += f" (intensity {v % 4})"
            parts.append(f"{c} × {label}")
        details.setdefault((frame.document_id.iat[u], int(frame.segment.iat[u])), []).append(
            f"{frame.issue.iat[u]}: {', '.join(parts)}")
    agg = frame.groupby(["document_id", "segment"], sort=False).agg(
        disagreement=("d", lambda s: s.sum(min_count=1)), stance_disagreement=("ds", lambda s: s.sum(min_count=1)),
        coders=("m", "max")).reset_index()
    agg["detail"] = ["; ".join(details.get((r.document_id, int(r.segment)), [])) for r in agg.itertuples()]
    out = units.segments.merge(agg, on=["document_id", "segment"], how="left")
    out["disagreement"] = out["disagreement"].fillna(0.0)
    out["stance_disagreement"] = out["stance_disagreement"].fillna(0.0)
    out = out.sort_values(["disagreement", "document_id", "segment"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)[["document_id", "segment", "start", "end", "text", "disagreement",
                                       "stance_disagreement", "coders", "detail"]]


# --------------------------------------------------------------------------- spans
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
    return (str(r.get("document_id")), int(r["start"]), int(r["end"]), str(r.get("issue")), str(r.get("stance")),
            str(r.get("actor")), str(r.get("target")), str(r.get("id")))


def match_spans(candidate: Iterable[Mapping[str, Any]], reference: Iterable[Mapping[str, Any]],
                mode: MatchMode = "overlap", *, min_overlap: float = 0.5) -> SpanMatch:
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
        raise AgreementError(f"mode {mode!r} unknown; use 'exact' or 'overlap'")
    if not 0 < min_overlap <= 1:
        raise AgreementError(f"min_overlap must be in (0, 1], got {min_overlap}")
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
    return SpanMatch(matched=[(cand[i], ref[j]) for i, j in matched_idx],
                     extra=[c for i, c in enumerate(cand) if i not in used_c],
                     missed=[r for j, r in enumerate(ref) if j not in used_r], mode=mode)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    nan = float("nan")
    return {"precision": tp / (tp + fp) if tp + fp else nan, "recall": tp / (tp + fn) if tp + fn else nan,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan}


def span_scores(candidate: Iterable[Mapping[str, Any]], reference: Iterable[Mapping[str, Any]],
                mode: MatchMode = "overlap", *, min_overlap: float = 0.5) -> dict[str, float]:
    """Precision, recall and F1 of candidate spans against a reference.

    Returns
    -------
    dict
        ``tp, fp, fn`` (int) and ``precision, recall, f1`` (float, NaN when undefined).
    """
    m = match_spans(candidate, reference, mode, min_overlap=min_overlap)
    return {"tp": m.tp, "fp": m.fp, "fn": m.fn, **_prf(m.tp, m.fp, m.fn)}


def span_scores_by_issue(match: SpanMatch, issues: "Sequence[str] | None" = None) -> pd.DataFrame:
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
        rows.append({"issue": k, "reference": t + n, "candidate": t + f, "tp": t, "fp": f, "fn": n, **_prf(t, f, n)})
    return pd.DataFrame(rows, columns=["issue", "reference", "candidate", "tp", "fp", "fn", "precision", "recall", "f1"])


# --------------------------------------------------------------------------- report
@dataclass
class AgreementReport:
    """Everything the class view and the CLI show about a group of annotators.

    Attributes
    ----------
    annotators : list of str
    n_units : int
        Sentence x issue units coded by at least two annotators.
    alpha : float
        Nominal α on stance values (NaN when undefined; see ``notes``).
    alpha_intensity : float
        Ordinal α on intensity, among coders who coded a unit.
    fleiss : float
        Fleiss' κ on stance values when every annotator coded every unit (a
        fixed panel), else NaN.
    pairwise : pandas.DataFrame
        Annotators x annotators Cohen's κ.
    by_issue, by_document : pandas.DataFrame
        See :func:`alpha_breakdown`.
    sentences : pandas.DataFrame
        See :func:`sentence_disagreement`.
    notes : list of str
        Why a coefficient is undefined, records skipped, etc.
    """

    annotators: list[str]
    n_units: int
    alpha: float
    alpha_intensity: float
    fleiss: float
    pairwise: pd.DataFrame
    by_issue: pd.DataFrame
    by_document: pd.DataFrame
    sentences: pd.DataFrame
    units: UnitTable
    notes: list[str] = field(default_factory=list)


def agreement_report(records: Iterable[Mapping[str, Any]], documents: Mapping[str, Any], issues: Sequence[str], *,
                     annotators: "Sequence[str] | None" = None, source: str = "annotations") -> AgreementReport:
    """Build units and compute every coefficient for a group of annotators.

    Undefined coefficients become NaN with a note; only having fewer than two
    annotators raises.

    Raises
    ------
    AgreementError
        Fewer than two annotators with records.
    """
    units = build_units(records, documents, issues, annotators=annotators)
    names = units.annotators
    if len(names) < 2:
        raise AgreementError(f"{len(names)} annotator{'s' * (len(names) != 1)} found ({', '.join(names) or 'none'}); "
                             "agreement needs at least two annotators' files", source)
    notes = []
    if units.skipped:
        notes.append(f"{units.skipped} record(s) left out: not anchored, unknown document or issue, or outside the text")
    values = {}
    for what in ("stance", "intensity"):
        try:
            values[what] = unit_alpha(units, what, source=source)
        except AgreementError as exc:
            values[what] = float("nan")
            notes.append(f"α ({what}) undefined: {exc.problems[0].message}")
    codes = units.codes()
    fleiss = float("nan")
    if (codes >= 0).all():
        counts = np.stack([(codes == k).sum(axis=0) for k in range(len(STANCE_VALUES))], axis=1)
        try:
            fleiss = fleiss_kappa(counts, source=source)
        except AgreementError as exc:
            notes.append(f"Fleiss' κ undefined: {exc.problems[0].message}")
    else:
        notes.append("Fleiss' κ not computed: not every annotator coded every unit (α allows that)")
    return AgreementReport(
        annotators=names, n_units=int(((codes >= 0).sum(axis=0) >= 2).sum()),
        alpha=values["stance"], alpha_intensity=values["intensity"], fleiss=fleiss,
        pairwise=pairwise_matrix(units, "cohen"), by_issue=alpha_breakdown(units, "issue"),
        by_document=alpha_breakdown(units, "document_id"), sentences=sentence_disagreement(units),
        units=units, notes=notes)
