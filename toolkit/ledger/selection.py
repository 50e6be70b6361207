"""Which ledger rows a balance table counts, and how much each one weighs.

- :func:`filter_ledger`: keep the rows matching code, evidence, annotator,
  set and document filters (orphaned annotations dropped by default);
- :func:`row_weights`: 1 a row, its intensity, its absolute intensity score or Goldstein value.

Both are re-exported by :mod:`toolkit.measures.balance`, where they are documented
for users.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

import numpy as np
import pandas as pd

__all__ = ["as_set", "Weight", "WEIGHTS", "Scope", "SCOPES", "filter_ledger", "in_scope", "row_weights", "summarize"]


def as_set(value: str | Iterable[str] | None) -> set[str] | None:
    """None, one code, or several codes, as a set (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


Weight = Literal["count", "intensity", "score", "goldstein"]
WEIGHTS: tuple[str, ...] = get_args(Weight)
Scope = Literal["dyad", "all"]
SCOPES: tuple[str, ...] = get_args(Scope)


def in_scope(ledger: pd.DataFrame, scope: Scope = "dyad") -> tuple[np.ndarray, str]:
    """Which rows a table in ``scope`` counts, and how to name the scope on a table or chart.

    ``dyad``: rows whose actor and target are the two members of one of the codebook's pair actors
    (the ledger's ``dyad`` column, e.g. ``US-Russia``); a ledger without that column, or with no
    row in a dyad, keeps every row and says "all targets". ``all``: every row.
    """
    if scope not in SCOPES:
        raise ValueError(f"scope={scope!r} is not one of {', '.join(SCOPES)}")
    keep = np.ones(len(ledger), dtype=bool)
    if scope == "all" or "dyad" not in ledger.columns or not ledger["dyad"].notna().any():
        return keep, "all targets"
    dyad = ledger["dyad"]
    names = sorted(str(d) for d in dyad.dropna().unique())
    return dyad.notna().to_numpy(dtype=bool), " + ".join(n.replace("-", "<->", 1) for n in names) + " dyad"


def filter_ledger(
    ledger: pd.DataFrame,
    *,
    actor: str | Iterable[str] | None = None,
    target: str | Iterable[str] | None = None,
    issue: str | Iterable[str] | None = None,
    evidence: Literal["span", "brief"] | Iterable[str] | None = None,
    annotators: str | Iterable[str] | None = None,
    sets: str | Iterable[str] | None = None,
    anchored_only: bool = True,
    **document: str | Iterable[str] | None,
) -> pd.DataFrame:
    """Keep the ledger rows that match every given filter.

    Parameters
    ----------
    ledger : pandas.DataFrame
        Columns :data:`toolkit.ledger.LEDGER_COLUMNS`.
    actor, target, issue : str or iterable of str, optional
        Codes to keep (one, or several); None keeps all.
    evidence : {"span", "brief"} or iterable, optional
        Which evidence to keep; None keeps both.
    annotators : str or iterable of str, optional
        Span annotators to keep. Briefs (annotator ``briefs``) are kept unless
        ``evidence`` drops them.
    sets : str or iterable of str, optional
        Annotation sets to keep; briefs are kept unless ``evidence`` drops them.
    anchored_only : bool, default True
        Drop orphaned annotations (their text no longer matches).
    outlet, country, language, source_kind : str or iterable of str, optional
        Keyword-only document filters (:data:`toolkit.ledger.DOCUMENT_COLUMNS`):
        span rows whose article matches; briefs are kept unless ``evidence``
        drops them.

    Returns
    -------
    pandas.DataFrame
        The matching rows, same columns, original order.
    """
    unknown = set(document) - {"outlet", "country", "language", "source_kind"}
    if unknown:
        raise TypeError(f"filter_ledger() got unexpected keyword argument(s) {', '.join(sorted(unknown))}")
    if not isinstance(anchored_only, bool):
        raise TypeError(f"anchored_only= takes True or False, not {anchored_only!r}")
    mask = np.ones(len(ledger), dtype=bool)
    for col, want in (("actor", actor), ("target", target), ("issue", issue), ("evidence", evidence)):
        chosen = as_set(want)
        if chosen is not None:
            mask &= ledger[col].isin(chosen).to_numpy()
    per_span: list[tuple[str, set[str]]] = []
    for col, want in (("annotator", annotators), ("set", sets), *document.items()):
        chosen = as_set(want)
        if chosen is not None:
            per_span.append((col, chosen))
    if per_span:
        is_brief = ledger["evidence"].eq("brief").to_numpy(dtype=bool, na_value=False)
        for col, chosen in per_span:
            mask &= is_brief | ledger[col].isin(chosen).to_numpy()
    if anchored_only and "status" in ledger:
        mask &= ~ledger["status"].eq("orphaned").to_numpy(dtype=bool, na_value=False)
    return ledger if mask.all() else ledger[mask]


def row_weights(ledger: pd.DataFrame, weight: Weight = "count") -> np.ndarray:
    """The weight of each ledger row.

    Parameters
    ----------
    ledger : pandas.DataFrame
        Needs the column named by ``weight`` (except for ``count``).
    weight : {"count", "intensity", "score", "goldstein"}
        ``count``: 1 a row; ``intensity``: the 1-3 level; ``score``: the
        absolute intensity score (the codebook's own weight, not a Goldstein
        value); ``goldstein``: the absolute published Goldstein value of the
        row's event type (GDELT's per-code CAMEO table).

    Returns
    -------
    numpy.ndarray of float, shape (len(ledger),)
    """
    if weight == "count":
        return np.ones(len(ledger))
    if weight == "intensity":
        return ledger["intensity"].astype("float64").to_numpy()
    if weight in ("score", "goldstein"):
        return np.abs(ledger[weight].astype("float64").to_numpy())
    raise ValueError(f"weight={weight!r} is not a weight; use one of {', '.join(WEIGHTS)}")


def summarize(annotations: Iterable[dict]) -> pd.DataFrame:
    """Count annotation records by issue and stance (no weights, no summits: a first look at one set).

    Returns
    -------
    pandas.DataFrame
        Columns ``issue, grievance, goodwill[, agenda], total``; one row per
        issue with at least one record, most frequent first (ties by issue
        id). ``agenda`` appears when any record has that stance.
    """
    df = pd.DataFrame(list(annotations), columns=["issue", "stance"])
    stances = ["grievance", "goodwill"] + (["agenda"] if (df["stance"] == "agenda").any() else [])
    cols = ["issue", *stances, "total"]
    if df.empty:
        return pd.DataFrame(columns=cols).astype({c: "int64" for c in cols[1:]})
    table = pd.crosstab(df["issue"], df["stance"]).reindex(columns=stances, fill_value=0)
    table["total"] = table.sum(axis=1)
    table = table.reset_index().rename_axis(columns=None)
    table = table.sort_values(["total", "issue"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return table[cols]
