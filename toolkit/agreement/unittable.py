"""Sentence x issue units: what a unit is, each annotator's value for it, and the table of them.

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

Because most sentences hold nothing for most issues, α over every unit
mostly rewards agreeing that nothing is there; :func:`coded_units` keeps the
units that at least one annotator coded, and the report shows both figures.

α and the other measures over a unit table are in :mod:`.units`, which
re-exports every name defined here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "NONE",
    "BOTH",
    "STANCE_VALUES",
    "UnitTable",
    "build_units",
    "coded_units",
    "intensity_codes",
    "stance_codes",
]

NONE = "none"
BOTH = "both"
#: The values a stance unit can take, in a fixed order (used as the value domain).
STANCE_VALUES: tuple[str, ...] = (NONE, "grievance", "goodwill", BOTH)


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
    stance_codes: np.ndarray | None = None

    @property
    def annotators(self) -> list[str]:
        return list(self.stance.columns)

    def codes(self) -> np.ndarray:
        """Stance values as integer codes, shape (annotators, units); -1 = missing."""
        if self.stance_codes is not None:
            return self.stance_codes
        return stance_codes(self.stance)


def stance_codes(frame: pd.DataFrame) -> np.ndarray:
    """Stance labels (units x annotators frame) as integer codes (annotators x units), -1 = missing."""
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


def build_units(
    records: Iterable[Mapping[str, Any]] | pd.DataFrame,
    documents: Mapping[str, Any],
    issues: Sequence[str],
    *,
    annotators: Sequence[str] | None = None,
    coverage: Mapping[str, Iterable[str]] | None = None,
) -> UnitTable:
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
    from toolkit.corpus.documents import segment

    recs_in: Iterable[Mapping[str, Any]]
    if isinstance(records, pd.DataFrame):
        frame = records[records["evidence"] == "span"] if "evidence" in records.columns else records
        recs_in = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    else:
        recs_in = records
    issue_pos = {iss: i for i, iss in enumerate(issues)}
    kept: list[Mapping[str, Any]] = []
    skipped = 0
    for rec in recs_in:
        if (
            rec.get("status", "anchored") != "anchored"
            or rec.get("document_id") not in documents
            or rec.get("issue") not in issue_pos
            or rec.get("stance") not in _STANCE_BIT
        ):
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
    seg_rows: list[tuple[str, int, int, int, str]] = []
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
                bits[name_pos[a], offset[d] : offset[d] + len(bounds[d][0]) * n_iss] = 0  # read: "none" by default
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
        rows_at = row[rep]
        np.bitwise_or.at(bits, (rows_at, cols), bit[rep])
        np.fmax.at(inten, (rows_at, cols), val[rep])
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(np.array(doc_ids, dtype=object), [len(bounds[d][0]) * n_iss for d in doc_ids]),
            np.concatenate([np.repeat(np.arange(len(bounds[d][0])), n_iss) for d in doc_ids])
            if doc_ids
            else np.array([], dtype=np.int64),
            np.tile(np.array(list(issues), dtype=object), n_units // n_iss if n_iss else 0),
        ],
        names=["document_id", "segment", "issue"],
    )
    labels = np.array((None,) + STANCE_VALUES, dtype=object)
    columns = pd.Index(names, name="annotator", dtype=object)
    stance = pd.DataFrame(labels[bits.T + 1], index=index, columns=columns, dtype=object)
    inten[bits <= 0] = np.nan
    intensity = pd.DataFrame(inten.T, index=index, columns=columns)
    segments = pd.DataFrame(seg_rows, columns=["document_id", "segment", "start", "end", "text"])
    return UnitTable(stance=stance, intensity=intensity, segments=segments, skipped=skipped, stance_codes=bits)


def intensity_codes(units: UnitTable) -> np.ndarray:
    """Intensity 1-3 as codes 0-2, shape (annotators, units); -1 where not coded."""
    arr = units.intensity.to_numpy(dtype=float).T
    return np.where(np.isnan(arr), -1, arr - 1).astype(np.int64)


def coded_units(units: UnitTable) -> UnitTable:
    """The units that at least one annotator gave a value other than ``"none"``.

    α on these alone answers "when somebody saw something, did the others see
    the same?", without the credit for agreeing on empty units. It is not a
    replacement for the all-unit figure (a unit nobody coded is still a
    decision), so the report shows both.
    """
    codes = units.codes()
    keep = (codes > 0).any(axis=0)
    rows = np.flatnonzero(keep)
    return replace(units, stance=units.stance.iloc[rows], intensity=units.intensity.iloc[rows], stance_codes=codes[:, keep])
