"""The grid a balance table reports on, and the checks on how it is asked for.

:func:`toolkit.measures.balance.balance_table` reads each key column of the ledger
(summit, issue, stance) once: every column is factorized a single time and
the rest of the work is integer arithmetic on the codes. This module builds
those codes and the axes they point into:

- :func:`summit_axis`: the summits to list, in date order, and each row's
  position among them;
- :func:`issue_axis`: the issues to list, their labels, and each row's
  position among them;
- :func:`stance_codes`: 0 goodwill, 1 grievance, 2 anything else (agenda);
- :func:`check_options`: ``ValueError``/``TypeError`` for a call that asks
  for something that does not exist (an unknown weight, scale, count...).
  Those are mistakes in the call, not in the data, so they are never the
  toolkit's data errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "GOODWILL",
    "GRIEVANCE",
    "OTHER",
    "REQUIRED_COLUMNS",
    "codes_of",
    "distinct",
    "first_positions",
    "summit_axis",
    "issue_axis",
    "stance_codes",
    "check_options",
    "check_ledger",
]

#: Stance codes of :func:`stance_codes`.
GOODWILL, GRIEVANCE, OTHER = 0, 1, 2
#: Columns every balance table reads (the summit columns and ``issue_label`` too when the table lists them from the ledger).
REQUIRED_COLUMNS: tuple[str, ...] = ("summit_id", "issue", "stance")
_SUMMIT_COLUMNS = ["summit_id", "summit_label", "summit_date", "summit_format"]


def codes_of(values: pd.Series, categories: Iterable[Any]) -> np.ndarray:
    """Integer position of each value in ``categories`` (-1 when absent or missing), without per-row Python work."""
    codes, uniques = pd.factorize(values)
    return _lookup(codes, uniques, categories)


def _lookup(codes: np.ndarray, uniques: Any, categories: Iterable[Any]) -> np.ndarray:
    table = pd.Index(list(categories)).get_indexer(pd.Index(uniques))
    table = np.append(table, -1).astype(np.int64)  # code -1 (missing) -> -1
    return table[codes]


def distinct(values: pd.Series) -> list[Any]:
    """The distinct non-missing values, in order of appearance; one comparison pass when all rows hold the same value."""
    if len(values) and pd.notna(first := values.iloc[0]) and values.eq(first).to_numpy(dtype=bool, na_value=False).all():
        return [first]
    return values.dropna().unique().tolist()


def first_positions(codes: np.ndarray, k: int) -> np.ndarray:
    """Row of the first occurrence of each of the ``k`` codes of :func:`pandas.factorize`.

    factorize numbers values in order of appearance, so code j first appears
    where the running maximum of the codes first reaches j. Only as long a
    prefix as holds every code is scanned (usually a few thousand rows).
    """
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    size = 4096
    while True:
        top = np.maximum.accumulate(codes[:size])
        if top[-1] >= k - 1 or size >= len(codes):
            return np.searchsorted(top, np.arange(k)).astype(np.int64)
        size *= 8


def _listed_summits(summits: Any) -> pd.DataFrame:
    if isinstance(summits, Mapping):
        rows = [(s.id, s.label, pd.Timestamp(s.date), s.format) for s in summits.values()]
    elif isinstance(summits, pd.DataFrame | list | tuple):
        summits = pd.DataFrame(summits)
        missing = {"summit_id", "label", "date", "format"} - set(summits.columns)
        if missing:
            raise ValueError(f"summits= lacks column(s) {', '.join(sorted(missing))}")
        rows = [(r.summit_id, r.label, pd.Timestamp(r.date), r.format) for r in summits.itertuples(index=False)]
    else:
        raise TypeError(f"summits= takes a dict of Summit or a table of summits, not {type(summits).__name__}")
    return pd.DataFrame(rows, columns=_SUMMIT_COLUMNS)


def summit_axis(ledger: pd.DataFrame, summits: Any = None) -> tuple[pd.DataFrame, np.ndarray]:
    """The summits to report on and each ledger row's position among them.

    Returns
    -------
    frame : pandas.DataFrame
        ``summit_order, summit_id, summit_label, summit_date, summit_format``,
        in date order (ties by id): ``summits`` when given, else every summit
        of the ledger (first row of each).
    position : numpy.ndarray of int64, one per ledger row
        Index into ``frame``; -1 for a row whose summit is not listed.
    """
    codes, uniques = pd.factorize(ledger["summit_id"])
    if summits is not None:
        frame = _listed_summits(summits)
    else:
        frame = ledger[_SUMMIT_COLUMNS].iloc[first_positions(codes, len(uniques))]
    frame = frame.sort_values(["summit_date", "summit_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "summit_order", np.arange(len(frame), dtype="int64"))
    frame["summit_date"] = pd.to_datetime(frame["summit_date"])
    return frame, _lookup(codes, uniques, frame["summit_id"])


def issue_axis(ledger: pd.DataFrame, wanted: set[str] | None = None) -> tuple[list[str], pd.Series, np.ndarray]:
    """The issues to report on (alphabetical), their labels, and each ledger row's position among them (-1: none)."""
    codes, uniques = pd.factorize(ledger["issue"])
    first = first_positions(codes, len(uniques))
    labels = ledger["issue_label"].iloc[first].set_axis(pd.Index(uniques))
    issues = sorted(i for i in uniques.tolist() if wanted is None or i in wanted)
    return issues, labels, _lookup(codes, uniques, issues)


def stance_codes(stance: pd.Series) -> np.ndarray:
    """:data:`GOODWILL`, :data:`GRIEVANCE` or :data:`OTHER` (agenda, missing, anything else) per row."""
    good = stance.eq("goodwill").to_numpy(dtype=bool, na_value=False)
    bad = stance.eq("grievance").to_numpy(dtype=bool, na_value=False)
    return OTHER - (OTHER - GOODWILL) * good.astype(np.int64) - (OTHER - GRIEVANCE) * bad


def _choice(name: str, value: Any, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if not isinstance(value, str):
        raise TypeError(f"{name}= takes a string, one of {', '.join(allowed)}; got {type(value).__name__} {value!r}")
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")


def check_options(choices: Mapping[str, tuple[Any, Iterable[str]]], *, n_boot: Any, level: Any, seed: Any) -> None:
    """Raise ``TypeError``/``ValueError`` for an option outside its documented values.

    Parameters
    ----------
    choices : mapping of option name to (value, allowed strings)
    n_boot, level, seed
        A non-negative integer, a number strictly between 0 and 1, an integer.
    """
    for name, (value, allowed) in choices.items():
        _choice(name, value, allowed)
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral):
        raise TypeError(f"n_boot= takes an integer, not {type(n_boot).__name__} {n_boot!r}")
    if n_boot < 0:
        raise ValueError(f"n_boot={n_boot!r} must be 0 or more")
    if isinstance(level, bool) or not isinstance(level, Real):
        raise TypeError(f"level= takes a number, not {type(level).__name__} {level!r}")
    if not 0 < float(level) < 1:
        raise ValueError(f"level={level!r} must lie strictly between 0 and 1")
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise TypeError(f"seed= takes an integer, not {type(seed).__name__} {seed!r}")


def check_ledger(ledger: Any, needs: Iterable[str] = REQUIRED_COLUMNS) -> None:
    """``TypeError`` unless ``ledger`` is a DataFrame; ``ValueError`` naming the columns it lacks."""
    if not isinstance(ledger, pd.DataFrame):
        raise TypeError(f"a ledger is a pandas DataFrame (toolkit.ledger.load_ledger), not {type(ledger).__name__}")
    missing = [c for c in needs if c not in ledger.columns]
    if missing:
        raise ValueError(f"the ledger lacks column(s) {', '.join(missing)} (see toolkit.ledger.LEDGER_COLUMNS)")
