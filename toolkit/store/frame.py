"""A log read as columns, checked with the record rule table: the ledger's fast path for big logs.

``Store.read`` replays a log one line at a time and validates each record (about 100 µs a
record). A log parsed at once by ``pyarrow.json`` can be checked with column operations
instead, by the same rule table (:data:`toolkit.records.record.RULES`) evaluated on columns. Whatever
the column path does not handle (other operations, events, codebook-2.0 fields, a missing field,
a wrong type, bytes that are not UTF-8) makes it decline, and the careful path reads the log.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["ID_ORDER", "KEY_COLUMNS", "read_log_table", "column_problems", "live_columns", "live_frame", "one_value_codes"]


def read_log_table(path: Path) -> Any:
    """A log parsed by ``pyarrow.json`` with the record fields' own types.

    None when the careful path must read it: a torn tail, a byte-order mark, bad JSON or UTF-8, a wrong type.
    """
    import pyarrow as pa
    import pyarrow.json as pj

    from toolkit.records.record import FIELD_TYPES

    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return None
            fh.seek(-1, 2)
            if fh.read(1) != b"\n":
                return None  # torn tail: the careful path reports it
        kinds = {"op": str, "op_id": str, "at": str, **FIELD_TYPES}
        # text as large_string, the type pandas keeps its text in: the frame then takes the columns as they are
        # (with 32-bit offsets each text column got a new 64-bit offsets buffer: to_pandas took 40-130 ms at 1M records)
        schema = pa.schema([(c, pa.int64() if t is int else pa.large_string()) for c, t in kinds.items()])
        # Known fields parse with their own types (a wrong type is an error, hence the careful path);
        # any other field ("undoes", ...) is inferred so that it can be seen.
        with open(path, "rb") as fh:
            if fh.read(3) == b"\xef\xbb\xbf":
                return None  # a byte-order mark: the careful path refuses the line
        options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
        try:
            # 2 MB blocks: parsed on every core (with 16 MB blocks the parse ran on about one core, 1.5-2x the
            # wall time; 2 MB beat 4 MB by 3-8% at 100k and 1M records)
            table = pj.read_json(path, read_options=pj.ReadOptions(block_size=1 << 21), parse_options=options)
        except pa.ArrowInvalid:
            # a line longer than about a block (a note of megabytes) does not fit: once more, the file as one
            # block (on one core, still far faster than line by line); a log that is bad JSON fails again
            size = max(os.path.getsize(path), 1 << 21)
            table = pj.read_json(path, read_options=pj.ReadOptions(block_size=min(size, (1 << 31) - 1)), parse_options=options)
        # pyarrow.json passes bytes that are not UTF-8 through; this refuses them (a column per core)
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda column: column.validate(full=True), table.columns))
        return table
    except (OSError, pa.ArrowException):
        return None


#: Text columns numbered once (:func:`toolkit.records.textbytes.dictionary_codes`) for the rules and the ledger.
KEY_COLUMNS: tuple[str, ...] = ("summit_id", "document_id", "issue", "stance", "actor", "target")
#: Beside the key columns' codes, the rows in id order (:func:`toolkit.records.textbytes.id_order`), found by the duplicate check.
ID_ORDER = "id order"


def column_problems(table: Any, annotator: str, ctx: Any) -> tuple[pd.DataFrame, list[tuple[int, str]]] | None:
    """Check a parsed log column-wise with :data:`toolkit.records.record.RULES`.

    Returns None when the log holds what only the careful path handles (other operations,
    events or codebook-2.0 fields, a missing field or null), else the records as a DataFrame
    and ``(line, field)`` of every failure (line = row + 1: the log has one operation a line),
    reported as ``Store.read`` reports them: codes, summit and annotator for every upsert,
    document, offsets and quote for the live records only.
    """
    checked = _checked(table, annotator, ctx)
    return None if checked is None else checked[:2]


def _checked(table: Any, annotator: str, ctx: Any) -> tuple[pd.DataFrame, list[tuple[int, str]], dict[str, Any] | None] | None:
    """:func:`column_problems`, and the :data:`KEY_COLUMNS`' codes and the id order when every record is live (else None)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from toolkit.records.annotation import OPTIONAL_FIELDS
    from toolkit.records.record import FIELD_TYPES, FIELDS, column_failures
    from toolkit.records.textbytes import dictionary_codes, id_order

    names = set(table.column_names)
    if "op" not in names or "undoes" in names or not set(FIELDS) <= names or names & set(OPTIONAL_FIELDS):
        return None  # events, undo, codebook-2.0 fields or a missing field: the careful path keeps them
    for col in ("op", *FIELDS):
        typ = table.schema.field(col).type
        ints = col in FIELD_TYPES and FIELD_TYPES[col] is int
        ok = pa.types.is_integer(typ) if ints else (pa.types.is_string(typ) or pa.types.is_large_string(typ))
        if not ok or table.column(col).null_count:
            return None
    df = table.select(["op", *FIELDS]).to_pandas()
    if not pc.all(pc.equal(table.column("op"), "upsert")).as_py():  # (Arrow compares text without pandas' wrapping)
        return None
    bad = np.zeros(len(df), dtype=bool)
    found: list[tuple[int, str]] = []

    def note(field: str, rows: np.ndarray) -> None:
        found.extend((int(i) + 1, field) for i in np.flatnonzero(rows))
        bad[rows] = True

    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow's and numpy's work, off the interpreter lock: both cores
        codes = dict(zip(KEY_COLUMNS, pool.map(lambda name: dictionary_codes(table.column(name)), KEY_COLUMNS)))
        # The text rules apply to the live records only, and the id order is that of the valid ones; as
        # every record is valid and live in the usual case (all pass, ids distinct), both are worked out
        # for all of them meanwhile, beside the other rules, and used only if so.
        ahead = pool.submit(column_failures, df, ctx, text_rules=True, codes=codes) if ctx.documents is not None else None
        every_id = pool.submit(id_order, table.column("id"))
        note("id", pc.equal(pc.binary_length(table.column("id")), 0).to_numpy())
        for field, rows in column_failures(df, ctx, text_rules=False, codes=codes):
            note(field, rows & ~bad)
        note("annotator", pc.not_equal(table.column("annotator"), annotator).to_numpy() & ~bad)
        valid = df[~bad] if bad.any() else df
        # an id written twice: its last upsert is the live one (ids all distinct, the usual case: nothing to drop)
        by_id, unique = id_order(pa.array(valid["id"].array)) if len(valid) < len(df) else every_id.result()
        live = valid if unique else valid.drop_duplicates("id", keep="last")
        if ahead is not None:
            text_failures = ahead.result() if live is df else column_failures(live, ctx, text_rules=True)
            for field, rows in text_failures:
                found.extend((int(i) + 1, field) for i in live.index[rows])
    found.sort()
    return live, found, ({**codes, ID_ORDER: by_id} if live is df else None)


def live_frame(table: Any, store: Any, annotator: str) -> pd.DataFrame | None:
    """The live annotations of a parsed log (one row each, with ``evidence``), or None if any record fails a rule."""
    got = live_columns(table, store, annotator)
    return None if got is None else got[0]


def live_columns(table: Any, store: Any, annotator: str) -> tuple[pd.DataFrame, dict[str, Any] | None] | None:
    """:func:`live_frame`, and what the checks worked out that the ledger can use again.

    That is the codes of :data:`KEY_COLUMNS` (as ``pandas.factorize`` gives them), of ``annotator`` and
    ``evidence`` (one value each) and, under :data:`ID_ORDER`, the rows in id order; None instead of
    them when rows were left out.
    """
    import pandas as pd

    from toolkit.records.record import RuleContext
    from toolkit.records.textbytes import repeated_text

    checked = _checked(table, annotator, RuleContext(store.codebook, store.summits, store.documents))
    if checked is None or checked[1]:
        return None
    live, _, codes = checked
    if codes is not None:  # every row passed: each holds the log's annotator, and is a span
        codes = {**codes, "annotator": one_value_codes(annotator, len(live)), "evidence": one_value_codes("span", len(live))}
    # one new frame of the columns themselves (numbered from 0 again), "op" left out, "evidence" added
    columns = {c: live[c].array for c in live.columns if c != "op"}
    return pd.DataFrame({**columns, "evidence": repeated_text("span", len(live))}, copy=False), codes


def one_value_codes(value: str, n: int) -> tuple[np.ndarray, pd.Series]:
    """The codes (as :func:`toolkit.records.textbytes.dictionary_codes` gives them) of a column of ``n`` rows that all hold ``value``."""
    import numpy as np
    import pandas as pd

    return np.zeros(n, dtype=np.int8), pd.Series([value])
