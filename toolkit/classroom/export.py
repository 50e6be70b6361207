"""CSV for a learning-management system: UTF-8, one header row, no cell that a spreadsheet would run.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read as a formula by Excel, LibreOffice and Google Sheets; such text cells
get a leading apostrophe (OWASP's advice for CSV injection). Numbers are
written as numbers, so a negative score stays a number.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import pandas as pd

from toolkit._io import atomic_write_text
from toolkit.formats.csv import FORMULA_STARTS, neutralise_cell

__all__ = ["FORMULA_START", "safe_cell", "safe_frame", "write_csv", "csv_download_link"]

FORMULA_START = FORMULA_STARTS


def safe_cell(value: object) -> object:
    """``value`` unchanged unless it is text a spreadsheet would run as a formula; then prefixed with ``'``.

    The one rule of :func:`toolkit.formats.csv.neutralise_cell` (reversible by ``import csv``).
    """
    return neutralise_cell(value)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) made safe."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_bool_dtype(out[c]):
            out[c] = pd.Series([v if isinstance(v, numbers.Number) else safe_cell(v) for v in out[c]], index=out.index)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (made safe) to ``path`` atomically; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, safe_frame(frame).to_csv(index=False, lineterminator="\n"))
    return path


def csv_download_link(frame: pd.DataFrame, filename: str, label: str = "Download CSV") -> str:
    """An HTML link that downloads ``frame`` (made safe) as ``filename``; the file travels in the link itself."""
    import base64
    import html

    data = base64.b64encode(safe_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    return (
        f"<a class='sl-download' download='{html.escape(filename, quote=True)}' "
        f"href='data:text/csv;charset=utf-8;base64,{data}'>{html.escape(label)}</a>"
    )
