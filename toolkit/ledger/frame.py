"""Column helpers of the ledger (:mod:`toolkit.ledger`): value lookups, text columns and the row order.

A ledger may have a million rows, so each helper works on whole columns: a lookup maps
each distinct value once, the row order sorts only the key columns, and a text column
with no value at all is made without building a Python object per row.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["DOCUMENT_COLUMNS", "SORT_KEYS", "TEXT_COLUMNS", "issue_tuples", "lookup", "no_text", "sort_order", "text_kind"]

#: Ledger columns copied from each span's document (see :class:`toolkit.corpus.Document`).
DOCUMENT_COLUMNS: tuple[str, ...] = ("outlet", "country", "language", "source_kind")


#: Optional text columns: stored as the text dtype when every value is a str or None.
TEXT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "attribution",
    "modality",
    "event_type",
    "event_date",
    "date_precision",
    "phase",
    "joint_actor",
    "codebook_version",
    "actor_detail",
    "target_detail",
    "speaker",
    "source",
    "migrated_from",
    *DOCUMENT_COLUMNS,
)
#: The ledger's row order: summit, evidence, document, start, id (missing values last, ties kept in order).
SORT_KEYS: tuple[str, ...] = ("summit_order", "evidence", "document_id", "start", "id")


def sort_order(df: pd.DataFrame) -> np.ndarray | None:
    """The positions that put ``df`` in :data:`SORT_KEYS` order (a stable sort), or None when it already is.

    Only the key columns are sorted; the caller reorders every column once. The ids (nearly all
    distinct) are sorted first by pyarrow, then the other keys (few distinct values each) by a
    stable ``numpy.lexsort`` of their sorted codes, which keeps the id order within ties: the
    same order as a stable pandas sort on all five keys with missing values last (used instead
    when a key column mixes types).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(df) < 2:
        return None
    try:
        # Stable, nulls last; strings compare by UTF-8 bytes, which is code point order, as Python's.
        by_id = pc.sort_indices(pa.array(df[SORT_KEYS[-1]])).to_numpy()
        codes = []
        for key in reversed(SORT_KEYS[:-1]):
            code, distinct = pd.factorize(df[key], sort=True)
            codes.append(np.where(code < 0, len(distinct), code)[by_id])  # missing values last
        order = by_id[np.lexsort(codes)]
    except (pa.ArrowException, TypeError, ValueError):
        keyed = df[list(SORT_KEYS)].reset_index(drop=True)
        order = keyed.sort_values(list(SORT_KEYS), na_position="last", kind="stable").index.to_numpy()
    return None if bool((order[1:] > order[:-1]).all()) else order


def no_text(n: int, dtype: Any) -> pd.Series:
    """A text column of ``n`` missing values, built without looking at ``n`` Python objects."""
    from toolkit.records.textbytes import repeated_text

    return pd.Series(repeated_text(None, n, dtype), copy=False)


def issue_tuples(values: Any, n: int) -> np.ndarray:
    """The ``secondary_issues`` column: each row's issue ids as a tuple, ``()`` for a row without any.

    ``values`` gives each row's ids (a list or tuple; anything else counts as none), or is None when
    no row has any. Tuples, not lists: every row without ids holds Python's one empty tuple, so a
    million rows make no million objects, and no row's ids can be changed in place (a change
    belongs in the record, not in a ledger built from it).
    """
    out = np.empty(n, dtype=object)
    out.fill(())
    if values is not None:
        for i, v in enumerate(values):
            if isinstance(v, (list, tuple)) and len(v):
                out[i] = tuple(v)
    return out


def lookup(values: pd.Series, mapping: dict) -> pd.Series:
    """``values.map(mapping)``, with the mapping applied once per distinct value (a ledger has few of them)."""
    codes, uniques = pd.factorize(values)
    # pandas' own map on the distinct values (so the result's dtype is map's), then one take; a missing
    # value (code -1) takes the trailing None's result.
    small = pd.Series([*uniques, None], dtype=values.dtype).map(mapping)
    out = small.iloc[codes]
    out.index = values.index
    return out


def text_kind(values: pd.Series) -> Literal["empty", "text", "other"]:
    """``empty`` when every value is None (or a missing str), ``text`` when each is None or a str, else ``other`` (a NaN is neither)."""
    if isinstance(values.dtype, pd.StringDtype):
        return "empty" if values.isna().all() else "text"
    arr = values.to_numpy(dtype=object)
    rest = arr[np.not_equal(arr, None)]  # type: ignore[call-overload]  # numpy's stubs leave out None; it compares elementwise
    if len(rest) == 0:
        return "empty"
    return "text" if pd.api.types.infer_dtype(rest, skipna=False) == "string" else "other"
