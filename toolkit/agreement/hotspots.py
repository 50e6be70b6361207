"""Where annotators disagree: per-unit disagreement and sentences ranked by it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.agreement.units import STANCE_VALUES, UnitTable

__all__ = ["unit_disagreement", "sentence_disagreement"]


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
    frame = pd.DataFrame(
        {
            "document_id": idx.get_level_values("document_id"),
            "segment": idx.get_level_values("segment"),
            "issue": idx.get_level_values("issue"),
            "d": d,
            "ds": d_stance,
            "m": (codes >= 0).sum(axis=0),
        }
    )
    details: dict[tuple[str, int], list[str]] = {}
    doc_ids, segments, issues = (frame[c].tolist() for c in ("document_id", "segment", "issue"))
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
        details.setdefault((str(doc_ids[u]), int(segments[u])), []).append(f"{issues[u]}: {', '.join(parts)}")
    agg = (
        frame.groupby(["document_id", "segment"], sort=False)
        .agg(
            disagreement=("d", lambda s: s.sum(min_count=1)),
            stance_disagreement=("ds", lambda s: s.sum(min_count=1)),
            coders=("m", "max"),
        )
        .reset_index()
    )
    agg["detail"] = [
        "; ".join(details.get((str(doc), int(seg)), [])) for doc, seg in zip(agg["document_id"].tolist(), agg["segment"].tolist())
    ]
    out = units.segments.merge(agg, on=["document_id", "segment"], how="left")
    out["disagreement"] = out["disagreement"].fillna(0.0)
    out["stance_disagreement"] = out["stance_disagreement"].fillna(0.0)
    out = out.sort_values(["disagreement", "document_id", "segment"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)[
        ["document_id", "segment", "start", "end", "text", "disagreement", "stance_disagreement", "coders", "detail"]
    ]
