"""Unitizing reliability: do coders agree on where passages begin and end?

Coding α compares values given to units fixed in advance. When coders mark
passages of a text themselves, their disagreement on *where* a passage lies
needs its own coefficient. This module computes Krippendorff's unitizing α,
``uα`` (introduced in Krippendorff 1995), for one category at a time on a
continuum of ``L`` discrete positions (here: the characters of a document),
in the discrete form of Krippendorff (2004, *Content Analysis*, 2nd ed.,
whose worked example on p. 254 it reproduces as DKPro's tests quote it).

Each coder's marking of a category cuts the continuum into **segments**:
the coder's units (passages of the category) and the gaps between them. For
two coders i and j and a segment g of i and h of j, the difference δ² is

- ``(b_g - b_h)² + (e_g - e_h)²`` when both are units and they overlap
  (b = begin, e = end);
- ``l_g²`` when g is a unit lying wholly inside h, a gap of the other coder
  (and ``l_h²`` the other way round): a passage the other coder did not see;
- 0 otherwise (both gaps, or a unit only partly in a gap, whose difference is
  already counted through the overlapping unit).

Observed disagreement: ``D_o = Σ_{i≠j} Σ_g Σ_h δ² / (m (m - 1) L²)``.
Expected disagreement treats every placement of the observed units over the
observed gaps as equally likely::

    D_e = (2 / L) Σ_units g [ (N - 1) (2 l_g³ - 3 l_g² + l_g) / 3
                              + l_g² Σ_gaps h with l_h ≥ l_g (l_h - l_g + 1) ]
          / ( m L (m L - 1) - Σ_units g l_g (l_g - 1) )

with N the number of units of the category over all coders and m the coders.
``uα = 1 - D_o / D_e``. Units of one coder and category must not overlap; an
annotation log can hold overlapping spans (two actors on one passage), so
they are merged into their union first (:attr:`UnitizingResult.merged`
counts the merges).

Across categories, :func:`unitizing_alpha` also gives ``1 - ΣD_o / ΣD_e``.

**Which form, and why.** A document is a sequence of characters, so a
passage has an integer length and there are finitely many places to put it;
the discrete form counts exactly those placements (hence ``2l³ - 3l² + l``,
``l_h - l + 1`` and ``mL(mL - 1) - Σ l(l - 1)``). Krippendorff's 1995 worked
example was computed on a continuous line: its published values are the
limit of this form as positions become infinitely fine (divide every term by
the highest power of the lengths: ``(N - 1) 2l³ / 3 + l² Σ (l_h - l)`` over
``m²L² - Σ l²``). At the example's own length of 24 the two differ
(category A: 0.515 here, 0.553 published); stretched 50,000-fold the discrete
values come within 0.0001 of the limit, which equals the published expected
disagreement of categories A and D (0.06990, 0.41445) to five decimals. For B
and C the published expected disagreements (1.17731, 0.08642) differ from
that limit (1.17578, 0.09050), apparently a slip in the original
arithmetic, so their published α is matched only to about 0.02. On
characters the discrete values are the right ones. The implementation gives
the same D_o, D_e and α as DKPro Agreement's
``KrippendorffAlphaUnitizingAgreement`` (an independent Java
implementation) to 8 decimals on both Krippendorff examples and on random
cases; ``tests/test_unitizing_dkpro.py`` keeps that comparison.
Krippendorff, Mathet, Bouvry and Widlöcher (2016) refine this family (``cuα``
and ``|cuα``) for overlapping categories; the plain per-category ``uα``
here is the coefficient their refinements reduce to for one category.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.agreement.coefficients import NO_PAIRABLE_UNIT, TOO_FEW_CODERS, AgreementError

__all__ = ["UnitizingResult", "unitizing_alpha", "unitizing_category"]


@dataclass(frozen=True)
class UnitizingResult:
    """uα for one category (or, with ``category=None``, pooled over categories).

    Attributes
    ----------
    category : str or None
    alpha : float
        NaN when ``D_e`` is 0 (nobody marked anything).
    d_o, d_e : float
    units : int
        Units of the category over all coders (after merging).
    merged : int
        Overlapping units of one coder that were merged into one.
    """

    category: str | None
    alpha: float
    d_o: float
    d_e: float
    units: int
    merged: int


def _merge(spans: Iterable[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    out: list[list[int]] = []
    merged = 0
    for b, e in sorted(spans):
        if out and b < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
            merged += 1
        else:
            out.append([b, e])
    return [(b, e) for b, e in out], merged


def _gaps(units: Sequence[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int]]:
    gaps, pos = [], begin
    for b, e in units:
        if b > pos:
            gaps.append((pos, b))
        pos = max(pos, e)
    if pos < end:
        gaps.append((pos, end))
    return gaps


def _pair_d2(
    u1: Sequence[tuple[int, int]], g1: Sequence[tuple[int, int]], u2: Sequence[tuple[int, int]], g2: Sequence[tuple[int, int]]
) -> float:
    total = 0.0
    for b, e in u1:
        for b2, e2 in u2:
            if b < e2 and b2 < e:
                total += (b - b2) ** 2 + (e - e2) ** 2
        for gb, ge in g2:
            if gb <= b and e <= ge:
                total += (e - b) ** 2
    for b2, e2 in u2:
        for gb, ge in g1:
            if gb <= b2 and e2 <= ge:
                total += (e2 - b2) ** 2
    return total


def unitizing_category(
    units_by_coder: Mapping[str, Iterable[tuple[int, int]]],
    length: int,
    *,
    begin: int = 0,
    category: str | None = None,
    source: str = "unitizing data",
) -> UnitizingResult:
    """uα for one category.

    Parameters
    ----------
    units_by_coder : mapping of coder to iterable of (begin, end)
        Every coder who unitized the continuum, also those who marked nothing
        (an empty list): a coder left out does not count.
    length : int
        Length ``L`` of the continuum; units must lie in ``[begin, begin + L)``.

    Raises
    ------
    AgreementError
        Fewer than two coders (``reason`` = too-few-coders), or a unit outside
        the continuum or empty.
    ValueError
        ``length`` not positive.
    """
    if not isinstance(length, (int, np.integer)) or length <= 0:
        raise ValueError(f"length must be a positive int, got {length!r}")
    end = begin + int(length)
    coders = list(units_by_coder)
    if len(coders) < 2:
        raise AgreementError(
            f"{len(coders)} coder(s); unitizing agreement needs at least two",
            source,
            reason=TOO_FEW_CODERS,
            advice="add a second annotator's file",
        )
    units: dict[str, list[tuple[int, int]]] = {}
    merged = 0
    for c in coders:
        spans = [(int(b), int(e)) for b, e in units_by_coder[c]]
        for b, e in spans:
            if not begin <= b < e <= end:
                raise AgreementError(
                    f"unit [{b}, {e}) of {c} is empty or outside the continuum [{begin}, {end})",
                    source,
                    advice="check the offsets against the document length",
                )
        units[c], k = _merge(spans)
        merged += k
    gaps = {c: _gaps(units[c], begin, end) for c in coders}
    m, L = len(coders), float(length)
    d_o_sum = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            d_o_sum += _pair_d2(units[coders[i]], gaps[coders[i]], units[coders[j]], gaps[coders[j]])
    d_o = 2.0 * d_o_sum / (m * (m - 1) * L * L)
    lengths = np.array([e - b for c in coders for b, e in units[c]], dtype=float)
    gap_len = np.sort(np.array([e - b for c in coders for b, e in gaps[c]], dtype=float))
    n_units = lengths.size
    if n_units == 0:
        return UnitizingResult(category, float("nan"), d_o, 0.0, 0, merged)
    # Σ over gaps with l_h ≥ l of (l_h - l + 1), for every unit length l, via suffix sums of the sorted gaps
    suffix = np.concatenate([np.cumsum(gap_len[::-1])[::-1], [0.0]])
    first = np.searchsorted(gap_len, lengths, side="left")
    count = gap_len.size - first
    fit = suffix[first] - (lengths - 1.0) * count
    numer = ((n_units - 1) * (2 * lengths**3 - 3 * lengths**2 + lengths) / 3.0 + lengths**2 * fit).sum()
    denom = m * L * (m * L - 1) - (lengths * (lengths - 1)).sum()
    d_e = float(2.0 / L * numer / denom)
    alpha = float("nan") if d_e == 0 else 1.0 - d_o / d_e
    return UnitizingResult(category, alpha, d_o, d_e, n_units, merged)


def unitizing_alpha(
    spans: Iterable[tuple[str, int, int, str]],
    length: int,
    *,
    coders: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    begin: int = 0,
    source: str = "unitizing data",
) -> list[UnitizingResult]:
    """uα per category, plus a pooled row (``category=None``) last.

    Parameters
    ----------
    spans : iterable of (coder, begin, end, category)
    length : int
        Length of the continuum (for a document: ``len(document.text)``).
    coders : sequence of str, optional
        Every coder who unitized the continuum (default: those with a span).
    categories : sequence of str, optional
        Default: every category present, sorted.

    Returns
    -------
    list of UnitizingResult
        The pooled row is ``1 - ΣD_o / ΣD_e`` over the categories with units.

    Raises
    ------
    AgreementError
        Fewer than two coders.
    """
    rows = [(str(c), int(b), int(e), str(k)) for c, b, e, k in spans]
    names = list(coders) if coders is not None else sorted({r[0] for r in rows})
    cats = list(categories) if categories is not None else sorted({r[3] for r in rows})
    if not cats:
        raise AgreementError(
            "no unit was marked by any coder, so there is nothing to compare",
            source,
            reason=NO_PAIRABLE_UNIT,
            advice="unitizing agreement needs marked passages",
        )
    out = []
    for k in cats:
        by = {c: [(b, e) for c2, b, e, k2 in rows if c2 == c and k2 == k] for c in names}
        out.append(unitizing_category(by, length, begin=begin, category=k, source=source))
    d_o = sum(r.d_o for r in out if r.units)
    d_e = sum(r.d_e for r in out if r.units)
    pooled = float("nan") if d_e == 0 else 1.0 - d_o / d_e
    out.append(UnitizingResult(None, pooled, d_o, d_e, sum(r.units for r in out), sum(r.merged for r in out)))
    return out
