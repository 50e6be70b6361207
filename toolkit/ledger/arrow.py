"""The ledger of big, clean logs built as Arrow columns and turned into pandas once.

:func:`toolkit.ledger.build.build_ledger` assembles the ledger in pandas: a dozen lookups,
columns added one by one and ~40 columns reordered by the sort. For the plain case of the
load's fast path (every row a live span of a clean log, already in columns; no other record,
brief or event) :func:`arrow_ledger` gives the same frame (columns, dtypes, order and values)
at a fraction of the cost: the row order comes from the id order the duplicate check found
and two stable passes over small integer keys, each stored column is reordered by one
``take`` (a column with one value is kept as it is), and each looked-up column is worked out
once per distinct key (a plain dict lookup where the dtype is sure to be the one
:func:`toolkit.ledger.frame.lookup` gives the pandas path, pandas' own map elsewhere) and spread
over the rows by its key's dictionary codes, or repeated when the key has one value. Anything
else returns None, and ``build_ledger`` takes its usual path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.ledger.frame import DOCUMENT_COLUMNS, TEXT_COLUMNS, issue_tuples, no_text, text_kind
from toolkit.records.textbytes import dictionary_codes, repeated_text, stable_argsort_u64, text_dtype
from toolkit.store.frame import ID_ORDER

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook

__all__ = ["arrow_ledger"]

#: The columns of a fast-path frame (the mention's fields, ``evidence`` and ``set``), all of them text but these.
_INTS = ("start", "end", "intensity")


def arrow_ledger(
    frames: Sequence[pd.DataFrame],
    codebook: Codebook,
    summits: Mapping[str, Any],
    *,
    documents: Mapping[str, Any] | None,
    expand_pairs: bool,
    columns: Sequence[str],
    codes: Mapping[str, Any] | None = None,
) -> pd.DataFrame | None:
    """The ledger of the fast path's frames alone (see :func:`toolkit.ledger.build.build_ledger`), or None.

    None when the frames are not the plain case: a column other than a mention's fields, a missing
    value in one, or (with ``expand_pairs``) a pair actor, whose rows the pandas path expands.
    ``codes`` may give key columns of a single frame already numbered, and its rows in id order under
    :data:`~toolkit.store.frame.ID_ORDER` (see :func:`toolkit.store.frame.live_columns`).
    """
    import pyarrow as pa

    from toolkit.records.record import FIELDS

    wanted = {*FIELDS, "evidence", "set"} - {"prefix", "suffix"}  # the selector's context is no ledger column
    if not frames or any(not wanted <= set(f.columns) <= wanted | {"prefix", "suffix"} for f in frames):
        return None
    try:
        # each column's own Arrow data (pandas keeps text in Arrow already): no pandas metadata, no copy
        table = pa.concat_tables([pa.table({c: f[c].array for c in sorted(wanted)}) for f in frames])
    except (pa.ArrowException, TypeError, ValueError):
        return None
    for name in table.column_names:
        typ, col = table.schema.field(name).type, table.column(name)
        ok = pa.types.is_integer(typ) if name in _INTS else (pa.types.is_string(typ) or pa.types.is_large_string(typ))
        if not ok or col.null_count:
            return None
    n = len(table)
    order = {sid: i for i, sid in enumerate(sorted(summits, key=lambda s: (summits[s].date, s)))}
    with ThreadPoolExecutor(max_workers=2) as pool:  # pyarrow's work (off the GIL) on both cores
        given = dict(codes or {}) if len(frames) == 1 else {}
        by_id = given.pop(ID_ORDER, None)
        keyed = [
            key for key in ("summit_id", "document_id", "issue", "stance", "intensity", "actor", "target") if key not in given
        ]
        codes = {**given, **dict(zip(keyed, pool.map(lambda key: dictionary_codes(table[key]), keyed)))}
        pairs = {a.id for a in codebook.actors.values() if a.kind == "pair"}
        if expand_pairs and any(actor in pairs for actor in codes["actor"][1]):  # the distinct actors hold a pair actor
            return None
        positions = _row_order(table, codes, order, by_id)
        # the stored columns reordered while the looked-up ones are built
        moved = {
            name: pool.submit(_stored_column, table[name], positions, name in _INTS, codes.get(name))
            for name in table.column_names
        }
        out = _looked_up(table, codes, positions, codebook, summits, documents, order)
        out.update({name: job.result() for name, job in moved.items()})
    # object columns as Series of their dtype: the frame then does not look through a million objects to infer one
    for col in ("description", "source_url"):
        out[col] = pd.Series(np.full(n, None, dtype=object), dtype=object, copy=False)
    out["secondary_issues"] = pd.Series(issue_tuples(None, n), dtype=object, copy=False)
    out["joint"] = np.zeros(n, dtype=bool)
    missing = None
    for col in TEXT_COLUMNS:
        if col not in out:
            # One column of missing text for every text column without a value (96 MB less at a million
            # rows): pandas copies a column before writing to it, so no other column sees a change.
            missing = no_text(n, text_dtype()) if missing is None else missing
            out[col] = missing
    # every other column above is a fresh array of its own: the frame takes them as they are (no copy)
    return pd.DataFrame({c: out[c] for c in columns}, copy=False)


def _stored_column(column: Any, positions: np.ndarray | None, ints: bool, coded: tuple[np.ndarray, pd.Series] | None) -> Any:
    """A stored column in the ledger's order, as pandas holds it; a coded text column is made from its few distinct values."""
    import pyarrow as pa

    if coded is not None and not ints and len(coded[1]) == 1:
        return column.to_pandas()  # one distinct value: every order is the same column
    if coded is not None and positions is not None and not ints:
        return pa.array(coded[1]).take(coded[0][positions]).to_pandas()
    column = _reordered(column, positions)
    return pd.array(column.to_numpy(), dtype="Int64") if ints else column.to_pandas()


def _looked_up(
    table: Any,
    codes: Mapping[str, tuple[np.ndarray, pd.Series]],
    positions: np.ndarray | None,
    codebook: Codebook,
    summits: Mapping[str, Any],
    documents: Mapping[str, Any] | None,
    order: dict[str, int],
) -> dict[str, Any]:
    """The columns looked up from the summits, codebook and documents, in the ledger's row order (none for a text column without a value)."""
    text = text_dtype()  # as build_ledger: the text dtype pandas infers
    out: dict[str, Any] = {}
    # Each looked-up column: worked out per distinct key (a few values), then spread over the rows.
    small: dict[str, tuple[pd.Series, str]] = {}
    sids = codes["summit_id"][1]
    small["summit_date"] = pd.to_datetime(_mapped(sids, {k: pd.Timestamp(v.date) for k, v in summits.items()})), "summit_id"
    small["summit_label"] = _texts(sids, {k: v.label for k, v in summits.items()}, text), "summit_id"
    small["summit_format"] = _texts(sids, {k: v.format for k, v in summits.items()}, text), "summit_id"
    # as lookup(...).astype("Int64"): each summit's place, missing for one not in summits
    small["summit_order"] = pd.Series(pd.array([order.get(s) for s in sids.tolist()], dtype="Int64")), "summit_id"
    small["issue_label"] = _texts(codes["issue"][1], {k: v.label for k, v in codebook.issues.items()}, text), "issue"
    docs = codes["document_id"][1]
    for col in DOCUMENT_COLUMNS:
        by_doc = {k: (getattr(d, col, "") or None) for k, d in (documents or {}).items()}
        # each document's text or None: text_kind below makes the column text, or leaves it out when no row has a value
        small[col] = pd.Series([by_doc.get(k) for k in docs.tolist()], dtype=object), "document_id"
    coded, pair = _coded_columns(codes, codebook)
    for col, values in coded.items():
        small[col] = values, "coded"
    dyad, dyad_key = _dyad_column(codes, codebook)
    small["dyad"] = dyad, "dyad"
    # each row's key (in the log's order), put in the ledger's when a column needs it (one with a single value does not)
    keys = {"coded": pair, "dyad": dyad_key, **{k: codes[k][0] for k in ("summit_id", "document_id", "issue")}}
    ordered: dict[str, np.ndarray] = {}
    for col, (values, key) in small.items():
        kind = text_kind(values) if col in TEXT_COLUMNS else "other"  # the same verdict as on the whole column
        if col == "dyad":  # build_ledger makes it from a list: text when one row has a dyad
            kind = "text" if values.notna().any() else "other"
        if kind == "empty":  # a text column with no value is left to arrow_ledger, which fills them all with one column
            continue
        values = values.astype(text) if kind == "text" else values
        if len(values) == 1:
            out[col] = _repeated(values, len(keys[key]))
            continue
        if key not in ordered:
            ordered[key] = keys[key] if positions is None else keys[key][positions]
        out[col] = _spread(values, ordered[key])
    return out


def _mapped(values: pd.Series, mapping: dict) -> pd.Series:
    """:func:`toolkit.ledger.frame.lookup` for a few values (the distinct keys): pandas' own map, without numbering them first.

    The values are mapped with a None after them, as ``lookup`` maps its distinct values, so the
    result has the dtype ``lookup`` gives (an integer mapping, say, comes back as floats in both).
    """
    return pd.Series([*values, None], dtype=values.dtype).map(mapping).iloc[:-1]


def _texts(values: pd.Series, mapping: dict, dtype: Any) -> pd.Series:
    """:func:`_mapped` for a mapping to text: when it finds a str for every value, the text dtype pandas' map gives them."""
    found = [mapping.get(v) for v in values.tolist()]
    return pd.Series(found, dtype=dtype) if all(isinstance(v, str) for v in found) else _mapped(values, mapping)


def _floats(values: pd.Series, mapping: dict) -> pd.Series:
    """``lookup(values, mapping).astype(float)`` for a few values: NaN where the mapping has none (or has None)."""
    found = [mapping.get(v) if isinstance(v, str) else None for v in values.tolist()]
    return pd.Series(np.array([np.nan if v is None else v for v in found], dtype=float))


def _repeated(values: pd.Series, n: int) -> pd.Series:
    """``_spread(values, keys)`` for a single value (one summit, one document, ...): that value ``n`` times, with no keys to read.

    Text is repeated by Arrow (when pandas keeps text in Arrow), a numpy column filled; any other dtype takes its one value n times.
    """
    value = values.iloc[0]
    if values.dtype == text_dtype() and isinstance(value, str):
        return pd.Series(repeated_text(value, n), copy=False)
    if isinstance(values.dtype, np.dtype) and values.dtype != object:
        return pd.Series(np.full(n, values.to_numpy()[0], dtype=values.dtype), copy=False)
    return _spread(values, np.zeros(n, dtype=np.intp))


def _spread(values: pd.Series, keys: np.ndarray) -> pd.Series:
    """``values.take(keys).reset_index(drop=True)``, taken from the bare values (no index is taken and then dropped)."""
    ext = isinstance(values.dtype, pd.api.extensions.ExtensionDtype)
    return pd.Series(values.array.take(keys) if ext else values.to_numpy()[keys], dtype=values.dtype, copy=False)


def _row_order(
    table: Any, codes: Mapping[str, tuple[np.ndarray, pd.Series]], order: Mapping[str, int], by_id: np.ndarray | None
) -> np.ndarray | None:
    """The positions in the ledger's row order (:func:`toolkit.ledger.frame.sort_order`'s, on the key columns), or None if in it already.

    Summit (in time), document, start, id. Summit, document and start are ranked into one integer
    key; a log already in that order (ids rising within a key) is left as it is. Else the rows are
    taken in id order (``by_id``, from the duplicate check, or :func:`id_order`) and sorted stably
    by start, then by (summit, document): each pass radix sorts over 16-bit digits (one for a start below 65,536).
    The fast path's rows have no missing key and distinct ids, so no tie is left.
    """
    import pyarrow.compute as pc

    from toolkit.records.textbytes import id_order

    sid_codes, sid_uniques = codes["summit_id"]
    doc_codes, doc_uniques = codes["document_id"]
    summit_rank = np.array([order.get(s, len(order)) for s in sid_uniques], dtype=np.int64)
    doc_rank = np.argsort(np.argsort(doc_uniques.to_numpy(dtype=object), kind="stable"))
    # (summit, document) as one rank per distinct pair, then per row
    place = (summit_rank[:, None] * len(doc_uniques) + doc_rank[None, :]).ravel()
    group = place[sid_codes.astype(np.int64) * len(doc_uniques) + doc_codes]
    start = table["start"].to_numpy()
    ids = table["id"]
    if len(start) < 2:
        return None
    if int(start.min()) >= 0:  # a log already in order is kept as it is (this key needs no negative start)
        step = np.diff(group * (int(start.max()) + 1) + start)
        if (step >= 0).all():
            tied = np.flatnonzero(step == 0)
            if not len(tied) or pc.all(pc.less(ids.take(tied), ids.take(tied + 1))).as_py():
                return None
    positions = by_id if by_id is not None else id_order(ids)[0]
    positions = _stable_by(positions, start)
    return _stable_by(positions, group) if len(place) > 1 else positions


def _stable_by(positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``positions`` sorted stably by ``values[positions]``: radix passes (:func:`stable_argsort_u64`) unless a value is negative."""
    taken = values[positions]
    if len(taken) and int(taken.min()) < 0:
        return positions[np.argsort(taken, kind="stable")]
    # none negative: the same bits read as unsigned (no copy of an int64 column)
    return positions[stable_argsort_u64(taken.view(np.uint64) if taken.dtype == np.int64 else taken.astype(np.uint64))]


def _reordered(column: Any, positions: np.ndarray | None) -> Any:
    """``column.take(positions)``; the column itself when nothing moves or all its values are the same (annotator, set, ...)."""
    import pyarrow.compute as pc

    if positions is None or len(column) == 0:
        return column
    first, middle, last = column.take([0, len(column) // 2, len(column) - 1]).to_pylist()
    # three rows first: most columns differ there, and are not compared in full
    if first == middle == last and pc.all(pc.equal(column, column[0])).as_py():
        return column
    return column.take(positions)


def _coded_columns(
    codes: Mapping[str, tuple[np.ndarray, pd.Series]], codebook: Codebook
) -> tuple[dict[str, pd.Series], np.ndarray]:
    """Score, default event type, Goldstein and PLOVER scores per distinct (stance, intensity), and each row's pair."""
    stance_codes, stances = codes["stance"]
    level_codes, levels = codes["intensity"]
    pair = stance_codes.astype(np.int64) * len(levels) + level_codes
    small_s = np.repeat(stances.to_numpy(dtype=object), len(levels))
    small_i = np.tile(levels.to_numpy(), len(stances))
    score = np.full(len(small_s), np.nan)
    for stance in codebook.stances:
        for level in codebook.intensity:
            score[(small_s == stance) & (small_i == level)] = codebook.score(stance, level)
    types = pd.Series(
        [codebook.default_event_type(s, int(i)) if isinstance(s, str) else None for s, i in zip(small_s, small_i)],
        dtype=object,
    )
    known = codebook.event_types
    return {
        "score": pd.Series(score),
        "event_type": types,
        # as lookup(...).astype(float): NaN for a type not in the table (or no type)
        "goldstein": _floats(types, {k: t.goldstein for k, t in known.items()}),
        "plover_score": _floats(types, {k: t.plover_score for k, t in known.items()}),
        "quad_class": _floats(types, {k: float(t.quad_class) for k, t in known.items()}),
    }, pair


def _dyad_column(codes: Mapping[str, tuple[np.ndarray, pd.Series]], codebook: Codebook) -> tuple[pd.Series, np.ndarray]:
    """The dyad (see :func:`toolkit.ledger.build.build_ledger`) per distinct (actor, target), and each row's pair."""
    actor_codes, actors = codes["actor"]
    target_codes, targets = codes["target"]
    key = actor_codes.astype(np.int64) * len(targets) + target_codes
    pairs = {a.id: frozenset(a.members) for a in codebook.actors.values() if a.kind in ("pair", "mutual") and len(a.members) == 2}
    dyads = {m: pid for pid, m in pairs.items() if codebook.actors[pid].kind == "pair"}
    small = [
        dyads.get(pairs[a]) if a in pairs else dyads.get(frozenset((a, t))) if a != t else None
        for a in actors.tolist()
        for t in targets.tolist()
    ]
    return pd.Series(small, dtype=object), key
