"""Agreement coefficients: Krippendorff's α, Cohen's κ, Fleiss' κ, percent agreement.

- Krippendorff's α through the ``krippendorff`` package, always with an
  explicit ``level_of_measurement`` (the package's default is ``interval``).
- Cohen's κ for two coders, ``(p_o - p_e) / (1 - p_e)`` with the chance term
  ``p_e = Σ_k p_row(k) · p_col(k)`` summed over every category (not the
  product of two proportions, a known mistake in one annotation tool).
- Fleiss' κ for a fixed number of raters per subject.

Degenerate input (one coder, no unit coded by two coders, a single value in
the data) raises :class:`AgreementError`, whose ``reason`` says which case it
is and whose ``advice`` says what to do, instead of returning a meaningless
number. Misuse of the API (an unknown level, say) raises ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.errors import DataError, Problem

__all__ = [
    "AgreementError",
    "Level",
    "TOO_FEW_CODERS",
    "NO_PAIRABLE_UNIT",
    "SINGLE_VALUE",
    "INVALID_INPUT",
    "ALPHA_RELIABLE",
    "ALPHA_TENTATIVE",
    "krippendorff_alpha",
    "alpha_from_codes",
    "cohen_kappa",
    "cohen_kappa_table",
    "fleiss_kappa",
    "fleiss_counts",
    "percent_agreement",
    "interpret_alpha",
    "is_missing",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]

#: Conventional thresholds for α (Krippendorff 2004, section 11.4).
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667

#: ``AgreementError.reason`` values.
TOO_FEW_CODERS = "too-few-coders"
NO_PAIRABLE_UNIT = "no-pairable-unit"
SINGLE_VALUE = "single-value"
INVALID_INPUT = "invalid-input"


def _pairable(present: np.ndarray, source: str) -> np.ndarray:
    """The units (columns) that at least two coders valued; none is an :class:`AgreementError`."""
    pairable = present.sum(axis=0) >= 2
    if not pairable.any():
        raise AgreementError(
            "no unit was coded by two coders, so there is nothing to compare",
            source,
            reason=NO_PAIRABLE_UNIT,
            advice="check that the annotators coded the same document(s)",
        )
    return pairable


class AgreementError(DataError):
    """Agreement cannot be computed on this input.

    Parameters
    ----------
    message : str
        What is wrong (short; becomes :attr:`summary`).
    source : str
        What the input was (a folder, ``"reliability data"``...).
    reason : str
        A stable code: :data:`TOO_FEW_CODERS`, :data:`NO_PAIRABLE_UNIT`,
        :data:`SINGLE_VALUE` or :data:`INVALID_INPUT`.
    advice : str
        What to do about it; appended to the message after " — ".

    Attributes
    ----------
    summary, advice, reason, source : str
        The parts above, so callers never parse the message text.
    """

    def __init__(self, message: str, source: str = "<agreement input>", *, reason: str = INVALID_INPUT, advice: str = "") -> None:
        self.summary = message
        self.advice = advice
        self.reason = reason
        self.source = source
        super().__init__(Problem(source, None, None, message + (f" — {advice}" if advice else "")))


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
        out[idx] = None if is_missing(v) else v
    return out


def is_missing(v: Any) -> bool:
    """True for None, pd.NA, NaN, \"\" and \"nan\" (how missing values arrive from files and frames)."""
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v in ("", "nan")


def krippendorff_alpha(
    data: Any, level: Level, value_domain: Sequence[Any] | None = None, *, source: str = "reliability data"
) -> float:
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
        raise ValueError(f"level {level!r} unknown; use nominal, ordinal, interval or ratio")
    mat = _as_matrix(data)
    n_coders = int(sum(any(v is not None for v in row) for row in mat))
    if n_coders < 2:
        raise AgreementError(
            f"{n_coders} coder{'s' * (n_coders != 1)} with values; agreement needs at least two",
            source,
            reason=TOO_FEW_CODERS,
            advice="add a second annotator's file",
        )
    present = np.array([[v is not None for v in row] for row in mat]).reshape(mat.shape)
    pairable = _pairable(present, source)
    seen = {v for v in mat[:, pairable].ravel() if v is not None}
    if len(seen) < 2:
        only = next(iter(seen))
        raise AgreementError(
            f"every value the coders gave is {only!r}; with one category α is undefined (0/0)",
            source,
            reason=SINGLE_VALUE,
            advice="agreement needs data in which at least two values occur",
        )
    if value_domain is None:
        numeric = all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in mat.ravel() if v is not None
        )
        if not numeric and level != "nominal":
            raise AgreementError(f"{level} α on labels needs value_domain in order (e.g. ['low', 'mid', 'high'])", source)
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


def alpha_from_codes(codes: np.ndarray, n_values: int, level: Level, source: str = "reliability data") -> float:
    """α on an integer-coded matrix; the fast path for unit tables and per-variable tables.

    Parameters
    ----------
    codes : ndarray of int, shape (coders, units)
        Value ``k`` is the index into an ordered domain of ``n_values``
        values; -1 means missing.
    n_values : int
    level : {"nominal", "ordinal", "interval", "ratio"}
        For ordinal and interval the codes' order is the values' order.

    Raises
    ------
    AgreementError
        With ``reason`` one of :data:`TOO_FEW_CODERS`, :data:`NO_PAIRABLE_UNIT`,
        :data:`SINGLE_VALUE`.
    """
    import krippendorff

    present = codes >= 0
    if int(present.any(axis=1).sum()) < 2:
        raise AgreementError(
            "fewer than two coders with values; agreement needs at least two",
            source,
            reason=TOO_FEW_CODERS,
            advice="add a second annotator's file",
        )
    pairable = _pairable(present, source)
    used = np.unique(codes[:, pairable][present[:, pairable]])
    if used.size < 2:
        raise AgreementError(
            "every value the coders gave is the same; with one category α is undefined (0/0)",
            source,
            reason=SINGLE_VALUE,
            advice="agreement needs data in which at least two values occur",
        )
    counts = np.zeros((codes.shape[1], n_values), dtype=float)
    for k in range(n_values):
        counts[:, k] = (codes == k).sum(axis=0)
    return float(
        krippendorff.alpha(value_counts=counts, value_domain=np.arange(n_values, dtype=float), level_of_measurement=level)
    )


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
        raise AgreementError("both coders used a single, identical category for every item; κ is undefined (0/0)", source)
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
        raise AgreementError(f"the two coders have {len(a)} and {len(b)} labels; give one label per item each", source)
    pairs = [(x, y) for x, y in zip(a, b) if not is_missing(x) and not is_missing(y)]
    if not pairs:
        raise AgreementError("no item was labelled by both coders", source)
    cats = sorted({v for p in pairs for v in p}, key=str)
    idx = {c: i for i, c in enumerate(cats)}
    t = np.zeros((len(cats), len(cats)))
    for x, y in pairs:
        t[idx[x], idx[y]] += 1
    return cohen_kappa_table(t, source=source)


def fleiss_counts(ratings: Any, categories: Sequence[Any] | None = None) -> tuple[np.ndarray, list]:
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
    cats = list(categories) if categories is not None else sorted({v for v in arr.ravel() if not is_missing(v)}, key=str)
    idx = {c: i for i, c in enumerate(cats)}
    counts = np.zeros((arr.shape[0], len(cats)), dtype=float)
    for (i, _), v in np.ndenumerate(arr):
        if is_missing(v):
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
        raise AgreementError(
            f"subjects have between {per.min():g} and {per.max():g} ratings; Fleiss' κ needs the same "
            "number for every subject — use krippendorff_alpha, which allows missing values",
            source,
        )
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
    pairs = [(x, y) for x, y in zip(a, b) if not is_missing(x) and not is_missing(y)]
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
