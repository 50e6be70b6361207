"""The UTF-8 bytes of Arrow text columns, compared and ranked 8 bytes at a time.

The column checks of a log (the quote rule, the duplicate-id check) and the ledger's row order
read text as bytes: equal UTF-8 bytes are equal text, and comparing bytes orders text by code
point, as Python does. One trick serves them all: a padded byte buffer seen as overlapping 64-bit
words, one starting at every byte, so the k-th 8 bytes of every row are a single gather; and byte
slices of a text handed to Arrow as views, to be compared there.
:func:`dictionary_codes` numbers a column's distinct values once, for the rule checks and the ledger alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "utf8_buffers",
    "bytes_differ",
    "slices_equal",
    "id_keys",
    "id_order",
    "dictionary_codes",
    "stable_argsort_u64",
    "text_dtype",
    "repeated_text",
]


def utf8_buffers(column: Any, pad: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, data)`` of an Arrow text column: row ``i``'s bytes are ``data[offsets[i]:offsets[i + 1]]``.

    ``offsets`` are int64 whatever the column's type; ``data`` is a copy of the bytes followed by
    ``pad`` zero bytes, so a word read at any row's start stays inside it.
    """
    import pyarrow as pa

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not any(
        is_type(arr.type)
        for is_type in (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary)
    ):
        raise TypeError(f"expected text, not {arr.type}")
    width = np.dtype(np.int64 if pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type) else np.int32)
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, width, count=len(arr) + 1, offset=arr.offset * width.itemsize).astype(np.int64)
    data = np.zeros((data_buf.size if data_buf is not None else 0) + pad, np.uint8)
    if data_buf is not None:
        data[: data_buf.size] = np.frombuffer(data_buf, np.uint8)
    return offsets, data


def _words(data: np.ndarray, order: str) -> np.ndarray:
    """``data`` (uint8) as overlapping 64-bit words, one at every byte (``order``: "<" or ">")."""
    return np.ndarray(shape=(len(data) - 7,), dtype=f"{order}u8", buffer=data, strides=(1,))


def bytes_differ(a: Any, a_at: Any, b: Any, b_at: Any, width: Any) -> Any:
    """For each row, whether ``a[a_at:a_at + width]`` and ``b[b_at:b_at + width]`` differ (uint8 arrays, padded by 8 bytes past the longest).

    The k-th word of every row still that long is one gather, in row order (the buffers are read
    forward). The last word of a row keeps only its own bytes.
    """
    differ = np.zeros(len(width), dtype=bool)
    if not len(width):
        return differ
    a_words, b_words = _words(a, "<"), _words(b, "<")
    keep = np.array(
        [(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64
    )  # k bytes kept (little-endian: the low ones)
    a_at, b_at, width = a_at.astype(np.int64), b_at.astype(np.int64), width.astype(np.int64)
    rows = np.arange(len(width))
    for j in range(0, int(width.max()), 8):
        if j:
            rows = rows[width[rows] > j]
        diff = (a_words[a_at[rows] + j] ^ b_words[b_at[rows] + j]) & keep[np.minimum(width[rows] - j, 8)]
        differ[rows[diff != 0]] = True
    return differ


#: The low k bytes of a little-endian word kept (k = 0..8).
_KEEP = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def slices_equal(data: np.ndarray, at: np.ndarray, width: np.ndarray, column: Any, rows: np.ndarray) -> np.ndarray:
    """For each of ``rows``: whether ``data[at:at + width]`` holds the same bytes as that row of ``column`` (Arrow text).

    ``data`` (uint8) is followed by 16 zero bytes. The slices become an Arrow binary view array
    over ``data`` (16 bytes a row, no text copied) and Arrow compares them with the column's rows;
    a pyarrow without view types compares the bytes 8 at a time (:func:`bytes_differ`). A missing value equals nothing.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    at, width = kept_at, kept_width = at.astype(np.int64), width.astype(np.int64)
    try:
        quoted = column.cast(pa.binary_view())
        if len(rows) < len(column):  # the other rows: empty slices, left out of the answer
            at, width = np.zeros(len(column), np.int64), np.zeros(len(column), np.int64)
            at[rows], width[rows] = kept_at, kept_width
        same = pc.equal(_byte_views(data, at, width), quoted).fill_null(False)
        return np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)[rows]
    except (AttributeError, NotImplementedError):  # no view types (pyarrow before 16)
        offsets, quoted_bytes = utf8_buffers(column)
        q_lo = offsets[rows]
        same = offsets[rows + 1] - q_lo == kept_width
        kept = np.flatnonzero(same)
        same[kept[bytes_differ(data, kept_at[kept], quoted_bytes, q_lo[kept], kept_width[kept])]] = False
        return same


def _byte_views(data: np.ndarray, at: np.ndarray, width: np.ndarray) -> Any:
    """An Arrow ``binary_view`` array whose row i is ``data[at[i]:at[i] + width[i]]`` (``data`` padded by 16 zero bytes).

    A view is 16 bytes: the length (4), then up to 12 bytes inline, or for a longer row its first 4 bytes,
    buffer 0 and the offset (4 each). Unused inline bytes are zero.
    """
    import pyarrow as pa

    words = _words(data, "<")
    head = words[at]
    short = np.minimum(width, 12)
    views = np.empty((len(at), 2), np.uint64)
    views[:, 0] = width.astype(np.uint64) | ((head & _KEEP[np.minimum(short, 4)]) << np.uint64(32))
    rest = ((head >> np.uint64(32)) | (words[at + 8] << np.uint64(32))) & _KEEP[np.maximum(short - 4, 0)]
    long = width > 12
    rest[long] = at[long].astype(np.uint64) << np.uint64(32)
    views[:, 1] = rest
    return pa.Array.from_buffers(pa.binary_view(), len(at), [None, pa.py_buffer(views), pa.py_buffer(data)])


def id_keys(ids: Any) -> np.ndarray:
    """Each text's first 8 UTF-8 bytes (zeros after a shorter one) read as one big-endian integer.

    Where two keys differ they order their texts as a byte-wise (code point) comparison does;
    equal keys say nothing (a shared beginning), and the texts must be compared in full.
    """
    import pyarrow as pa

    if isinstance(ids, pa.ChunkedArray) and ids.num_chunks != 1:  # chunk by chunk: small copies, no joined column
        return np.concatenate([id_keys(chunk) for chunk in ids.chunks]) if ids.num_chunks else np.zeros(0, np.uint64)
    offsets, data = utf8_buffers(ids)
    keys = _words(data, ">")[offsets[:-1]].astype(np.uint64)
    lengths = np.diff(offsets)
    short = np.flatnonzero(lengths < 8)
    if len(short):  # keep only a short text's own bytes
        keys[short] &= ~(np.uint64(0xFFFFFFFFFFFFFFFF) >> (lengths[short] * 8).astype(np.uint64))
    return keys


def stable_argsort_u64(keys: np.ndarray) -> np.ndarray:
    """``numpy.argsort(keys, kind="stable")`` for unsigned 64-bit keys, as radix passes over 16-bit digits.

    numpy sorts 16-bit numbers by radix (in linear time) and 64-bit ones by comparison: stable
    passes, lowest digit first, are about a third faster at 100k to 1M full 64-bit keys. Digits
    above the largest key take no pass (small numbers, one or two), nor does a digit that is the
    same in every key (the low bytes of short ids).
    """
    top = int(keys.max()) if len(keys) else 0
    if top < 1 << 16:  # one digit: numpy's own radix sort
        return np.argsort(keys.astype(np.uint16), kind="stable")
    order: np.ndarray | None = None
    for shift in (0, 16, 32, 48):
        if top >> shift == 0:
            break
        digit = ((keys >> np.uint64(shift)) & np.uint64(0xFFFF)).astype(np.uint16)
        if digit.min() == digit.max():
            continue
        order = np.argsort(digit, kind="stable") if order is None else order[np.argsort(digit[order], kind="stable")]
    return np.arange(len(keys)) if order is None else order


def id_order(ids: Any) -> tuple[np.ndarray, bool]:
    """The positions that sort ``ids`` by their UTF-8 bytes (code point order, as Python's), and whether no text appears twice.

    The 8-byte keys (:func:`id_keys`) are sorted by numpy; only rows whose keys are equal (texts that
    begin alike) are compared in full, by pyarrow. Equal texts keep their order (as a stable sort would).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = id_keys(ids)
    order = stable_argsort_u64(keys)
    ranked = keys[order]
    same = ranked[1:] == ranked[:-1]
    if not same.any():
        return order, True
    shared = np.zeros(len(keys), dtype=bool)  # rows whose key another row has: next to it in key order
    shared[1:] |= same
    shared[:-1] |= same
    slots = np.flatnonzero(shared)
    rows = order[slots]
    part = pa.table({"key": ranked[slots], "id": ids.take(pa.array(rows)), "row": rows})
    within = pc.sort_indices(part, sort_keys=[(k, "ascending") for k in ("key", "id", "row")]).to_numpy()
    order[slots] = rows[within]
    texts = part["id"].take(pa.array(within))
    return order, not pc.any(pc.equal(texts[1:], texts[:-1])).as_py()  # equal texts sit side by side


def dictionary_codes(column: Any) -> tuple[np.ndarray, Any]:
    """Each row's position among the column's distinct values (-1: missing), and those values as a pandas Series.

    As ``pandas.factorize`` (distinct values in order of first appearance), done by Arrow's
    dictionary encoding, which works outside the interpreter lock.
    """
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray) and column.num_chunks > 1:
        # chunk by chunk (no copy of the whole column first): each chunk's dictionary is the values met so far,
        # so the last one numbers every chunk's indices; anything else, and the column is joined first
        parts = column.dictionary_encode().chunks
        last = parts[-1].dictionary
        if all(p.dictionary.equals(last.slice(0, len(p.dictionary))) for p in parts):
            indices = pa.chunked_array([p.indices for p in parts]).combine_chunks()
            indices = indices.fill_null(-1) if indices.null_count else indices
            return indices.to_numpy(zero_copy_only=False), last.to_pandas()
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = arr.dictionary_encode()
    indices = encoded.indices.fill_null(-1) if encoded.indices.null_count else encoded.indices
    return indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pandas()


def text_dtype() -> Any:
    """The dtype pandas gives text it infers (``str`` with pandas 3): the dtype of every text column of the ledger."""
    import pandas as pd

    return pd.Series(["x"]).dtype


def repeated_text(value: str | None, n: int, dtype: Any = None) -> Any:
    """A text column (a pandas array) of ``n`` rows that all hold ``value``, or all miss one for None.

    In ``dtype`` (default :func:`text_dtype`); made by Arrow, with no Python object per row, when that dtype keeps
    its text in Arrow.
    """
    import pandas as pd
    import pyarrow as pa

    dtype = text_dtype() if dtype is None else dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        column = pa.nulls(n, pa.large_string()) if value is None else pa.repeat(pa.scalar(value, pa.large_string()), n)
        return pd.array(column, dtype=dtype)
    return pd.Series(np.full(n, value, dtype=object), dtype=dtype).array
