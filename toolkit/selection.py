"""Which ledger rows a balance table counts, and how much each one weighs.

- :func:`filter_ledger`: keep the rows matching code, evidence, annotator,
  set and document filters (orphaned annotations dropped by default);
- :func:`row_weights`: 1 a row, its intensity, its absolute intensity score or Goldstein value.

Both are re-exported by :mod:`toolkit.balance`, where they are documented
for users.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

import numpy as np
import pandas as pd

from .grid import as_set

__all__ = ["Weight", "WEIGHTS", "filter_ledger", "row_weights"]

Weight = Literal["count", "intensity", "score", "goldstein"]
WEIGHTS: tuple[str, ...] = get_args(Weight)


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
