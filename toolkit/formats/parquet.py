"""Parquet: the ledger as a typed, columnar file (for pandas, R/arrow, DuckDB).

Export writes the ledger (:data:`toolkit.ledger.LEDGER_COLUMNS`, one row per
annotation or brief). Import reads such a file back: span rows become
annotations exactly as the CSV importer treats them, brief rows are skipped.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import Problem
from toolkit.formats.common import Candidate
from toolkit.formats.csv import header_problems, rows_to_candidates

__all__ = ["read", "write"]


def write(ledger, path: str | Path) -> int:
    """Write a ledger DataFrame to Parquet atomically; returns the row count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        ledger.to_parquet(tmp, index=False, engine="pyarrow")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(ledger)


def read(path: str | Path, *, defaults: Iterable[str] = ()) -> tuple[list[Candidate], list[Problem], list[str]]:
    """Read a ledger Parquet file; row numbers in problems are 1-based.

    ``defaults`` names the code fields the label map fills in (they need no column).
    """
    import pandas as pd
    import pyarrow as pa

    path = Path(path)
    where = str(path)
    try:
        df = pd.read_parquet(path, engine="pyarrow")
    except (OSError, ValueError, pa.ArrowException) as exc:
        return [], [Problem(where, None, None, f"not a readable Parquet file ({exc})")], []
    bad = header_problems(list(df.columns), where, None, defaults)
    if bad:
        return [], bad, []
    rows = (
        (i + 1, {k: (None if v is pd.NA else v) for k, v in rec.items()}) for i, rec in enumerate(df.to_dict(orient="records"))
    )
    return rows_to_candidates(rows, where, record_word="row")
